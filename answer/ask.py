"""`ask`: the one function every front end calls (CLI, app, eval)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from answer.extractive import FALLBACK, select_steps
from index.store import load
from procqa.config import Settings
from procqa.records import Answer, Citation, DocumentInfo, Hit
from retrieval.followup import contextualize
from retrieval.hybrid import Retriever


class QuestionError(ValueError):
    """A question that cannot be asked as typed (empty, too long, unknown procedures)."""


@dataclass
class Engine:
    """The loaded index and retriever; load once per process and share."""

    settings: Settings
    retriever: Retriever

    @property
    def docs(self) -> dict[str, DocumentInfo]:
        return self.retriever.index.docs


def load_engine(settings: Settings | None = None) -> Engine:
    settings = settings or Settings()
    index = load(settings)
    engine = Engine(settings, Retriever.open(index, settings))
    engine.retriever.dense("warm up", list(index.docs), 1)  # first real question should not pay for this
    return engine


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


def doc_heading(doc: DocumentInfo) -> str:
    edition = f" ({doc.edition} edition)" if doc.note else f" ({doc.edition})"
    return f"{doc.label}: {doc.title}{edition if doc.edition else ''}"


def ask(
    engine: Engine,
    question: str,
    doc_ids: list[str] | None = None,
    k: int | None = None,
    history: list[str] | None = None,
    mode: str = "hybrid",
) -> Answer:
    """Answer from each chosen document under its own heading; never mix jurisdictions silently."""
    t0 = time.perf_counter()
    settings = engine.settings
    question = clean_question(question, settings)
    doc_ids = doc_ids or list(engine.docs)
    unknown = [d for d in doc_ids if d not in engine.docs]
    if unknown:
        raise QuestionError(f"unknown procedures {', '.join(unknown)}; choose from {', '.join(engine.docs)}")
    query = contextualize(question, history or [])
    hits_by_doc = {d: engine.retriever.search(query, [d], k, mode=mode) for d in doc_ids}
    t1 = time.perf_counter()

    sections: list[str] = []
    cited: list[tuple[Hit, DocumentInfo]] = []
    related: list[tuple[Hit, DocumentInfo]] = []
    steps_by_doc = {}
    expanded = engine.retriever.expand(query)
    for d in doc_ids:
        hits = hits_by_doc[d]
        doc = engine.docs[d]
        if not hits or _too_weak(hits, engine.retriever, expanded, settings, mode):
            related += [(h, doc) for h in hits[:3]]
            continue
        steps = select_steps(
            expanded,
            hits,
            engine.retriever.idf,
            settings.answer_paragraphs,
            settings.max_steps,
        )
        steps_by_doc[d] = steps
        for hit in hits:
            if any(s.paragraph.pid == hit.paragraph.pid for s in steps):
                cited.append((hit, doc))
        related += [(h, doc) for h in hits if all(h is not c for c, _ in cited)][:3]

    # Citations are numbered in rank order (best first, per document in the order asked).
    numbers = {hit.paragraph.pid: n for n, (hit, _) in enumerate(cited, start=1)}
    for d in doc_ids:
        doc = engine.docs[d]
        if d not in steps_by_doc:
            if len(doc_ids) > 1:
                sections.append(f"{doc_heading(doc)}\nThese procedures do not appear to cover this question.")
            continue
        lines = [f"- {s.text.removeprefix('- ')} [{numbers[s.paragraph.pid]}]" for s in steps_by_doc[d]]
        note = f"\nNote: {doc.note}" if doc.note else ""
        sections.append(f"{doc_heading(doc)}{note}\n" + "\n".join(lines))

    abstained = not cited
    text = FALLBACK if abstained else "\n\n".join(sections)
    t2 = time.perf_counter()
    return Answer(
        question=question,
        text=text,
        abstained=abstained,
        citations=tuple(
            Citation(n, h.paragraph, citation_label(doc, h), h.score)
            for n, (h, doc) in enumerate(cited, start=1)
        ),
        related=tuple(Citation(0, h.paragraph, citation_label(doc, h), h.score) for h, doc in related),
        timings_ms={"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000, "total": (t2 - t0) * 1000},
    )


def _too_weak(hits: list[Hit], retriever: Retriever, expanded: str, settings: Settings, mode: str) -> bool:
    """Decline rather than dress up a weak match. The best paragraph must be close in meaning; a
    middling match also needs the question's own words (idf-weighted) in the paragraphs found, since
    "where do I park for the conference" lands near conference paragraphs without any of them saying
    a word about parking."""
    if mode == "bm25":
        return False
    best = max(h.dense_similarity for h in hits)
    if best < settings.min_similarity:
        return True
    return best < settings.sure_similarity and retriever.coverage(expanded, hits[:3]) < settings.min_coverage
