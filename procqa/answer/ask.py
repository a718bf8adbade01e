"""From a question to a structured `Answer`: retrieve per document, decide whether to answer, select the
procedures' own sentences, number the citations. No front end calls this directly: they go through
`procqa.engine`."""

from __future__ import annotations

import time

from procqa.answer.extractive import Unit, select_units
from procqa.config import Settings
from procqa.records import Answer, Citation, DocumentInfo, Hit, Section, Signals, Step
from procqa.retrieval.followup import contextualize
from procqa.retrieval.hybrid import Retriever


class QuestionError(ValueError):
    """A question that cannot be asked as typed (empty, too long, unknown procedures)."""


def clean_question(question: str, settings: Settings) -> str:
    if question is None or not question.strip():
        raise QuestionError("the question is empty: type what you want to know")
    question = " ".join(question.split())
    if len(question) > settings.max_question_chars:
        raise QuestionError(
            f"the question is {len(question):,} characters long; "
            f"keep it under {settings.max_question_chars:,}"
        )
    return question


def citation_label(doc: DocumentInfo, hit: Hit) -> str:
    return f"{doc.label} {hit.paragraph.cite_ref}"


def too_weak(signals: Signals, settings: Settings) -> bool:
    """Decline rather than dress up a weak match. The best paragraph must be close in meaning; a
    middling match also needs the question's own words (idf-weighted) in the paragraphs found, since
    "where do I park for the conference" lands near conference paragraphs without any of them saying
    a word about parking."""
    if signals.similarity < settings.min_similarity:
        return True
    return signals.similarity < settings.sure_similarity and signals.coverage < settings.min_coverage


def answer_question(
    retriever: Retriever,
    docs: dict[str, DocumentInfo],
    question: str,
    doc_ids: list[str] | None = None,
    k: int | None = None,
    history: list[str] | None = None,
    mode: str = "hybrid",
) -> Answer:
    """Answer from each chosen document under its own heading; never mix jurisdictions silently."""
    t0 = time.perf_counter()
    settings = retriever.settings
    question = clean_question(question, settings)
    doc_ids = doc_ids or list(docs)
    unknown = [d for d in doc_ids if d not in docs]
    if unknown:
        raise QuestionError(f"unknown procedures {', '.join(unknown)}; choose from {', '.join(docs)}")
    query = contextualize(question, history or [])
    hits_by_doc = {d: retriever.search(query, [d], k, mode=mode) for d in doc_ids}
    t1 = time.perf_counter()

    expanded = retriever.expand(query)
    units_by_doc: dict[str, list[Unit]] = {}
    signals: list[Signals] = []
    for d in doc_ids:
        hits = hits_by_doc[d]
        if not hits:
            continue
        s = _signals(d, hits, retriever, expanded)
        signals.append(s)
        if mode != "bm25" and too_weak(s, settings):
            continue
        units_by_doc[d] = select_units(expanded, hits, retriever.idf, settings)

    # Citations are numbered in rank order: best first, per document in the order asked.
    cited = [
        (h, docs[d])
        for d in doc_ids
        if d in units_by_doc
        for h in hits_by_doc[d]
        if any(u.paragraph.pid == h.paragraph.pid for u in units_by_doc[d])
    ]
    numbers = {h.paragraph.pid: n for n, (h, _) in enumerate(cited, start=1)}
    related = [
        (h, docs[d])
        for d in doc_ids
        for h in [h for h in hits_by_doc[d] if h.paragraph.pid not in numbers][:3]
    ]
    sections = tuple(
        Section(
            doc_id=d,
            heading=docs[d].heading,
            note=docs[d].note,
            steps=tuple(
                Step(u.text.removeprefix("- "), (numbers[u.paragraph.pid],)) for u in units_by_doc.get(d, [])
            ),
        )
        for d in doc_ids
    )
    abstained = not cited
    t2 = time.perf_counter()
    return Answer(
        question=question,
        abstained=abstained,
        sections=() if abstained else sections,
        citations=tuple(
            Citation(n, h.paragraph, citation_label(doc, h), h.score) for n, (h, doc) in enumerate(cited, 1)
        ),
        related=tuple(Citation(0, h.paragraph, citation_label(doc, h), h.score) for h, doc in related),
        hits=tuple(
            Citation(numbers.get(h.paragraph.pid, 0), h.paragraph, citation_label(docs[d], h), h.score)
            for d in doc_ids
            for h in hits_by_doc[d]
        ),
        signals=tuple(signals),
        timings_ms={"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000, "total": (t2 - t0) * 1000},
    )


def _signals(doc_id: str, hits: list[Hit], retriever: Retriever, expanded: str) -> Signals:
    # Coverage is computed even when similarity alone decides, so a sweep can re-decide offline.
    return Signals(doc_id, max(h.dense_similarity for h in hits), retriever.coverage(expanded, hits[:3]))
