"""Evaluation: the gold question set, metrics, baselines and reports."""
