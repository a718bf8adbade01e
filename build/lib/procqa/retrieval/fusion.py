"""Reciprocal rank fusion: a pure function over ranked id lists."""

from __future__ import annotations


def reciprocal_rank_fusion(
    rankings: list[list[str]], weights: list[float] | None = None, k: int = 60
) -> list[tuple[str, float]]:
    """Fuse ranked lists of ids; an id's score is the weighted sum of 1 / (k + rank) over the lists.
    Ties keep the order in which ids were first seen, so the result is deterministic."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
