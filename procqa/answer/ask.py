"""From a question to a structured `Answer`: retrieve per document, decide whether to answer, select the
procedures' own sentences, number the citations. No front end calls this directly: they go through
`procqa.engine`."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from procqa.answer.extractive import Group, select_groups
from procqa.answer.phases import PHASES, phase_of
from procqa.answer.urgent import urgent_help
from procqa.config import Settings
from procqa.records import Answer, Citation, DocumentInfo, Hit, Section, Signals, Step
from procqa.retrieval.followup import contextualize
from procqa.retrieval.hybrid import Retriever
from procqa.retrieval.questions import is_action
from procqa.retrieval.ranker import decision_row


class QuestionError(ValueError):
    """A question that cannot be asked as typed (empty, too long, unknown procedures)."""


def clean_question(question: str, settings: Settings) -> str:
    if question is not None:
        # Control characters (a pasted terminal escape, a stray NUL) are not part of any question.
        question = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in question)
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
    """Decline rather than dress up a weak match.

    A "what do I do" question that describes a situation the procedures name ("my pupil says her uncle
    touches her") is never sent away: the general pathway answers it, tentatively. Otherwise, with a
    fitted decision (ranker.json, "answerable"): decline below `decline_below`, the probability chosen
    on dev so that at most `max_wrongly_declined` of real questions are declined. Without one: the best
    paragraph must be close in meaning, and a middling match also needs the question's own words
    (idf-weighted) in the paragraphs found, since "where do I park for the conference" lands near
    conference paragraphs without any of them saying a word about parking. (One function, so a sweep
    re-deciding offline from the signals decides exactly as `ask` does.)"""
    if settings.never_decline_situations and signals.asks_what_to_do and signals.situation:
        return False
    if signals.answerable is not None:
        return signals.answerable < settings.decline_below
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
    hits_by_doc, view = retriever.search_each(query, doc_ids, k, mode)
    t1 = time.perf_counter()

    expanded = retriever.expand(query)
    units_by_doc: dict[str, list[Group]] = {}
    action = is_action(question)
    situation = retriever.situation_words(expanded)  # of the question: the same for every document
    signals: list[Signals] = []
    for d in doc_ids:
        hits = hits_by_doc[d]
        if not hits:
            continue
        s = _signals(d, hits, retriever, expanded, mode, situation, action)
        signals.append(s)
        if mode != "bm25" and too_weak(s, settings):
            continue
        sources = hits[: settings.answer_paragraphs]
        if action and view is not None:
            # "What do I do" is answered with the general pathway (respond, record, tell, refer) as
            # well as the situation's own paragraphs; the ranking itself is left as it is, and the
            # pathway paragraphs are cited after the situation's.
            pathway = retriever.pathway_hits(view, d, settings.pathway_paragraphs)
            sources = _with_pathway(sources, pathway)
            hits_by_doc[d] = _with_pathway(hits, pathway, after=len(sources))
        answer_settings = replace(settings, answer_paragraphs=len(sources))
        units_by_doc[d] = select_groups(expanded, sources, retriever.idf, answer_settings)

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
            steps=_steps(units_by_doc.get(d, []), numbers, action),
        )
        for d in doc_ids
    )
    abstained = not cited
    tentative = not abstained and any(
        s.answerable is not None and s.answerable < settings.sure_above
        for s in signals
        if s.doc_id in units_by_doc
    )
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
        tentative=tentative,
        # Before any "what do I do" answer, answered or not: what each document says to do when a child
        # is in immediate danger, and the numbers it prints for referring now.
        urgent=tuple(u for d in doc_ids if action and (u := urgent_help(retriever, docs[d])) is not None),
        timings_ms={"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000, "total": (t2 - t0) * 1000},
    )


def _signals(
    doc_id: str, hits: list[Hit], retriever: Retriever, expanded: str, mode: str, situation: int, action: bool
) -> Signals:
    # Coverage is computed even when similarity alone decides, so a sweep can re-decide offline.
    similarity = max(h.dense_similarity for h in hits)
    coverage = retriever.coverage(expanded, hits[:3])
    top = max(h.score for h in hits) if mode == "hybrid" else 0.0
    model = retriever.models.get("answerable") if mode == "hybrid" else None
    answerable = None
    if model is not None:
        row = decision_row(similarity, coverage, top, situation)
        answerable = float(model.probability(np.array([row]))[0])
    return Signals(doc_id, similarity, coverage, top, answerable, situation, action)


def _with_pathway(hits: list[Hit], pathway: list[Hit], after: int | None = None) -> list[Hit]:
    """The ranked hits with the pathway paragraphs that are not among the first `after` (default: all)
    placed right after them."""
    after = len(hits) if after is None else after
    top = {h.paragraph.pid for h in hits[:after]}
    extra = [h for h in pathway if h.paragraph.pid not in top]
    ids = {h.paragraph.pid for h in extra}
    rest = [h for h in hits if h.paragraph.pid not in ids]
    return rest[:after] + extra + rest[after:]


def _steps(groups: list[Group], numbers: dict[str, int], action: bool) -> tuple[Step, ...]:
    """Steps in document order; for "what do I do" questions, by phase first (make safe, respond,
    record, tell, refer, then the situation), document order within a phase."""
    steps = [
        Step(g.text.removeprefix("- "), (numbers[g.paragraph.pid],), phase_of(g.text) if action else "")
        for g in groups
    ]
    if action:
        steps.sort(key=lambda s: PHASES.index(s.phase))
    return tuple(steps)
