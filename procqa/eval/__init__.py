"""Evaluation: the gold question set, metrics, baselines, reports, the dev sweep and the ranker fit."""
