"""Route a question to the chapters and sections it belongs to.

A chapter of SET Part B, or a section of AWCPP Part 4, is about one situation; its title, definitions and
indicator lists say which situations belong to it. A unit (chapter: the first two heading levels;
section: the first three) is searched as one document: by BM25 over all of its words, and by the cosine
of the question to the mean of its paragraphs' vectors. Both scores become ranking features of every
paragraph in the unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Units:
    """The units of one depth, over every document: which unit each paragraph belongs to, a keyword
    index over the units' words, and their centroids."""

    of_paragraph: np.ndarray  # unit index of each paragraph
    doc_of_unit: np.ndarray
    bm25: object
    centroids: np.ndarray  # one normalised vector per unit


def build_units(
    doc_ids: list[str],
    headings: list[tuple[str, ...]],
    tokens: list[list[str]],
    vectors: np.ndarray,
    depth: int,
) -> Units:
    import bm25s

    keys: dict[tuple, int] = {}
    of_paragraph = np.array(
        [keys.setdefault((d, h[:depth]), len(keys)) for d, h in zip(doc_ids, headings, strict=True)]
    )
    words: list[list[str]] = [[] for _ in keys]
    for i, toks in enumerate(tokens):
        words[of_paragraph[i]].extend(toks)
    bm25 = bm25s.BM25()
    bm25.index([w or ["empty"] for w in words], show_progress=False)
    centroids = np.zeros((len(keys), vectors.shape[1]), dtype=np.float32)
    np.add.at(centroids, of_paragraph, vectors)
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
    doc_of_unit = np.array([d for d, _ in keys])
    return Units(of_paragraph, doc_of_unit, bm25, centroids)


def unit_scores(
    units: Units, tokens: list[str], vector: np.ndarray, doc_id: str
) -> tuple[np.ndarray, np.ndarray]:
    """(BM25 share of the best unit's score, cosine) for every unit; units of other documents get 0."""
    mine = units.doc_of_unit == doc_id
    known = [t for t in tokens if t in units.bm25.vocab_dict]
    lexical = (
        np.asarray(units.bm25.get_scores(known), dtype=np.float32)
        if known
        else np.zeros(len(mine), np.float32)
    )
    lexical = np.where(mine, lexical, 0.0)
    top = lexical.max()
    lexical = lexical / top if top > 0 else lexical
    dense = np.where(mine, units.centroids @ vector, 0.0)
    return lexical, dense
