"""A ranker small enough to read: logistic regression over named features, fitted on the dev split.

The weights live in ranker.json beside this module (feature names, the scaling used when fitting, the
coefficients, and where they came from). `procqa eval --split dev --fit-ranker` refits and rewrites it.
Without the file, retrieval falls back to reciprocal rank fusion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DEFAULT = Path(__file__).resolve().parent / "ranker.json"


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self, **about) -> dict:
        return {
            **about,
            "features": list(self.features),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(float(self.intercept), 6),
        }


# The decision to answer: the signals of the best match, the two interactions a threshold rule needs (a
# middling similarity must come with the question's words, a high one need not), and whether the
# question describes a situation the procedures name (the vocabulary's everyday phrases).
DECISION_FEATURES = (
    "similarity", "coverage", "top_score", "similarity_x_coverage", "shortfall_x_coverage", "situation",
)  # fmt: skip


def decision_row(similarity: float, coverage: float, top_score: float, situation: int) -> list[float]:
    shortfall = max(0.5 - similarity, 0.0)
    return [
        similarity,
        coverage,
        top_score,
        similarity * coverage,
        shortfall * coverage,
        min(situation, 3) / 3,
    ]


def model_from_json(data: dict) -> LinearModel:
    return LinearModel(
        tuple(data["features"]),
        np.asarray(data["mean"], dtype=np.float64),
        np.asarray(data["scale"], dtype=np.float64),
        np.asarray(data["coef"], dtype=np.float64),
        float(data["intercept"]),
    )


@lru_cache(maxsize=4)
def load_models(path: Path = DEFAULT) -> dict[str, LinearModel]:
    """{"paragraph": ..., "answerable": ...}, or {} when no model has been fitted."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: model_from_json(m) for name, m in data["models"].items()}


def save_models(data: dict, path: Path = DEFAULT) -> None:
    """Write fitted models ({"models": {name: model.to_json(...)}}) where `load_models` reads them."""
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    load_models.cache_clear()
