"""Candidate paragraphs for a question and the features that describe each one.

Every feature is a number between about 0 and 1 that means the same in any document, so a ranker fitted
on the bundled procedures also ranks a user's own: similarity in meaning (to the question as typed and
with the procedures' words for its everyday phrases), keyword match (the same two ways), the rank each
gives, the route (how well the paragraph's chapter and section match the question), the pathway (how
much the paragraph reads like the general "respond, record, tell, refer" steps, for "what do I do"
questions), heading overlap, obligation wording, glossary entries for "what is" questions, and length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from procqa.records import Paragraph
from procqa.retrieval.questions import is_action, is_definition
from procqa.retrieval.routes import Units, unit_scores
from procqa.retrieval.vocabulary import chapter_of, section_of


class Searchable(Protocol):
    """What the features read from the loaded index (the Retriever provides it)."""

    doc_of: np.ndarray
    chapters: Units
    sections: Units
    pathway: np.ndarray
    heading_tokens: list[frozenset[str]]

    def keyword_scores(self, tokens: list[str], doc_ids: list[str]) -> np.ndarray: ...

    def paragraph(self, i: int) -> Paragraph: ...


FEATURES = (
    "dense",
    "dense_terms",
    "dense_rank",
    "bm25",
    "bm25_terms",
    "bm25_rank",
    "chapter_bm25",
    "chapter_dense",
    "section_bm25",
    "section_dense",
    "dense_sentences",
    "vocab_section",
    "vocab_chapter",
    "section_rank",
    "pathway",
    "heading",
    "obligation",
    "glossary",
    "length",
)
OBLIGATION = re.compile(
    r"\b(must|should|refer|referral|report|record|inform|contact|call|tell|consult|within|immediately|999)\b",
    re.IGNORECASE,
)
PER_SOURCE = 8  # candidates taken from each routed section and from the pathway


@dataclass(frozen=True)
class QueryView:
    question: str
    expanded: str  # with acronyms written out
    with_terms: str  # ... and the procedures' words for its everyday phrases
    tokens: list[str]
    term_tokens: list[str]
    vector: np.ndarray
    vector_terms: np.ndarray
    dense: np.ndarray  # cosine of every paragraph to `vector`
    dense_terms: np.ndarray | None
    dense_sentences: (
        np.ndarray | None
    )  # best cosine of every paragraph to any one sentence of a long question
    places: tuple[tuple[str, str], ...]  # where the vocabulary's matched phrases are defined


@dataclass(frozen=True)
class Candidates:
    names: tuple[str, ...]
    index: np.ndarray  # paragraph positions
    rows: np.ndarray  # one row of features per candidate
    dense: np.ndarray  # cosine to the question as typed (for the decision to answer)
    keyword_order: list[int]  # paragraph positions by BM25, best first (for fusion without a ranker)
    dense_order: list[int]


def _ranked(scores: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    masked = np.where(mask, scores, -np.inf)
    order = np.argsort(-masked, kind="stable")[:n]
    return order[np.isfinite(masked[order])]


def _reciprocal_rank(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    masked = np.where(mask, scores, -np.inf)
    ranks = np.empty(len(scores))
    ranks[np.argsort(-masked, kind="stable")] = np.arange(len(scores))
    return 10.0 / (10.0 + ranks)


def _share_of_best(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    top = scores[mask].max() if mask.any() else 0.0
    return np.clip(scores / top, 0.0, 1.0) if top > 0 else np.zeros_like(scores)


def candidate_features(r: Searchable, q: QueryView, doc_id: str, n: int) -> Candidates:
    mask = r.doc_of == doc_id
    action = is_action(q.question)
    bm25 = r.keyword_scores(q.tokens, [doc_id])
    bm25_terms = r.keyword_scores(q.term_tokens, [doc_id]) if q.term_tokens else np.zeros_like(bm25)
    dense_terms = q.dense_terms if q.dense_terms is not None else q.dense
    route_tokens = q.tokens + q.term_tokens
    ch_lex, ch_dense = unit_scores(r.chapters, route_tokens, q.vector_terms, doc_id)
    se_lex, se_dense = unit_scores(r.sections, route_tokens, q.vector_terms, doc_id)
    section_score = se_lex + se_dense
    section_rank = _reciprocal_rank(section_score, r.sections.doc_of_unit == doc_id)

    keyword_order = _ranked(bm25, mask & (bm25 > 0), n)
    dense_order = _ranked(q.dense, mask, n)
    pool = [
        keyword_order,
        dense_order,
        _ranked(dense_terms, mask, n // 2),
        _ranked(bm25_terms, mask & (bm25_terms > 0), n // 2),
    ]
    # The best paragraphs of the sections the question routes to, and the general pathway.
    unit_mask = r.sections.doc_of_unit == doc_id
    for unit in _ranked(section_score, unit_mask, 3):
        pool.append(_ranked(dense_terms, mask & (r.sections.of_paragraph == unit), PER_SOURCE))
    if action:
        pool.append(_ranked(r.pathway, mask, PER_SOURCE))
    index = np.array(list(dict.fromkeys(int(i) for part in pool for i in part)), dtype=int)

    paragraphs = [r.paragraph(i) for i in index]
    q_tokens = set(route_tokens)
    heading = np.array([len(q_tokens & r.heading_tokens[i]) / max(1, len(q_tokens)) for i in index])
    obligation = np.array([1.0 if action and OBLIGATION.search(p.text) else 0.0 for p in paragraphs])
    definition = is_definition(q.question)
    glossary = np.array([1.0 if definition and p.kind == "glossary" else 0.0 for p in paragraphs])
    length = np.array([np.log1p(len(p.text.split())) / 6.0 for p in paragraphs])
    places = [ref for d, ref in q.places if d == doc_id]
    sections = {section_of(ref) for ref in places}
    chapters = {chapter_of(ref) for ref in places}
    vocab_section = np.array([1.0 if section_of(p.ref) in sections else 0.0 for p in paragraphs])
    vocab_chapter = np.array([1.0 if chapter_of(p.ref) in chapters else 0.0 for p in paragraphs])
    columns = {
        "dense": q.dense[index],
        "dense_terms": dense_terms[index],
        "dense_rank": _reciprocal_rank(q.dense, mask)[index],
        "bm25": _share_of_best(bm25, mask)[index],
        "bm25_terms": _share_of_best(bm25_terms, mask)[index],
        "bm25_rank": _reciprocal_rank(bm25, mask)[index],
        "chapter_bm25": ch_lex[r.chapters.of_paragraph[index]],
        "chapter_dense": ch_dense[r.chapters.of_paragraph[index]],
        "section_bm25": se_lex[r.sections.of_paragraph[index]],
        "section_dense": se_dense[r.sections.of_paragraph[index]],
        "dense_sentences": (q.dense_sentences if q.dense_sentences is not None else q.dense)[index],
        "vocab_section": vocab_section,
        "vocab_chapter": vocab_chapter,
        "section_rank": section_rank[r.sections.of_paragraph[index]],
        "pathway": r.pathway[index] * (1.0 if action else 0.0),
        "heading": heading,
        "obligation": obligation,
        "glossary": glossary,
        "length": length,
    }
    rows = (
        np.column_stack([columns[name] for name in FEATURES]).astype(np.float64)
        if len(index)
        else np.zeros((0, len(FEATURES)))
    )
    return Candidates(
        names=FEATURES,
        index=index,
        rows=rows,
        dense=q.dense[index],
        keyword_order=[int(i) for i in keyword_order],
        dense_order=[int(i) for i in dense_order],
    )
