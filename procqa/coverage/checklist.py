"""The topic checklist: does each document cover each topic a policy lead expects?

The rule, in full (so a lead can check any line of the report by hand):

- covered      a heading in the document (a chapter, section or sub-heading a paragraph sits under) names
               the topic: the topic's key words, in order and close together, or one of its other names
               ("also" in the topics file). A document that gives a topic its own heading covers it.
- partly       no heading names it, but at least one paragraph (or glossary entry) does.
- not covered  nothing in the document names it.

"Names" is the plain word test in topics.names_in; no model decides the status, so the status does not
move when the index is rebuilt. The engine's retrieval (the topic and its description as the question,
restricted to the document) chooses which paragraphs to show as evidence, and gives the score: the share
of the top RETRIEVED paragraphs that name the topic, a rough measure of how much the document says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from procqa.coverage.topics import Topic, names_topic
from procqa.engine import Engine
from procqa.facts.sentences import split_units
from procqa.records import Paragraph

RETRIEVED = 10  # paragraphs retrieved per topic and document
EVIDENCE = 3  # refs shown per line
QUOTE_CHARS = 220

COVERED, PARTLY, NOT_COVERED = "covered", "partly", "not covered"
STATUSES = (COVERED, PARTLY, NOT_COVERED)


@dataclass(frozen=True)
class CheckRow:
    """One topic in one document."""

    topic: str
    doc_id: str
    label: str  # the document's citation label, "SET"
    status: str  # covered | partly | not covered
    heading: str  # the heading that names the topic ("" unless covered)
    evidence: tuple[Paragraph, ...]  # best paragraphs, best first
    quote: str  # a sentence of the first evidence paragraph, naming the topic when one does
    score: float  # share of the retrieved paragraphs naming the topic
    mentions: int  # paragraphs in the document naming the topic

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(f"{self.label} {p.cite_ref}" for p in self.evidence)


def _heading_naming(p: Paragraph, topic: Topic) -> str:
    if p.kind == "glossary":
        return ""  # a glossary entry defines a word; it does not make a section about it
    return next((h for h in reversed(p.heading) if names_topic(h, topic)), "")


def _quote(p: Paragraph, topic: Topic) -> str:
    units = split_units(p.text) or [p.text]
    unit = next((u for u in units if names_topic(u, topic)), units[0])
    unit = " ".join(unit.split())
    return unit if len(unit) <= QUOTE_CHARS else unit[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def check_topic(engine: Engine, doc_id: str, topic: Topic) -> CheckRow:
    """One line of the checklist (see the module docstring for the rule)."""
    paragraphs = engine.paragraphs(doc_id)
    headed = {id(p): h for p in paragraphs if (h := _heading_naming(p, topic))}
    mentioned = [p for p in paragraphs if id(p) in headed or names_topic(p.text, topic)]
    status = COVERED if headed else PARTLY if mentioned else NOT_COVERED
    answer = engine.ask(topic.question, [doc_id], k=RETRIEVED)
    hits = [c.paragraph for c in answer.hits if c.paragraph.doc_id == doc_id][:RETRIEVED]
    # The retriever returns its own copies of the records: compare by position in the document.
    key = {(p.ref, p.para): p for p in paragraphs}
    hits = [key.get((h.ref, h.para), h) for h in hits]
    names = [h for h in hits if _heading_naming(h, topic) or names_topic(h.text, topic)]
    score = len(names) / len(hits) if hits else 0.0
    if status == COVERED:
        pool = [h for h in hits if id(h) in headed] + [p for p in paragraphs if id(p) in headed]
    elif status == PARTLY:
        pool = names + mentioned
    else:
        pool = hits  # nothing names it: the closest paragraphs, so a lead can confirm the gap
    evidence = tuple(dict.fromkeys(pool))[:EVIDENCE]
    heading = headed.get(id(evidence[0]), "") if evidence and status == COVERED else ""
    return CheckRow(
        topic=topic.topic,
        doc_id=doc_id,
        label=engine.docs[doc_id].label,
        status=status,
        heading=heading,
        evidence=evidence,
        quote=_quote(evidence[0], topic) if evidence and status != NOT_COVERED else "",
        score=round(score, 2),
        mentions=len(mentioned),
    )


def checklist(engine: Engine, doc_ids: Sequence[str], topics: Sequence[Topic]) -> list[CheckRow]:
    """Every topic in every document, topic by topic."""
    return [check_topic(engine, doc_id, t) for t in topics for doc_id in doc_ids]
