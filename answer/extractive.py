"""Extractive answers: the procedures' own sentences and bullets, each step carrying its citation.

No sentence in an answer comes from anywhere but a cited paragraph: steps are selected from the
retrieved paragraphs' text, never written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.tokens import tokenize
from procqa.records import Hit, Paragraph

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(‘'\"“])")
# Words that mark a sentence as something a person must do or know by when.
ACTION = re.compile(
    r"\b(must|should|shall|need to|required?|refer|referral|contact|call|inform|report|record|tell|"
    r"notify|consult|within|immediately|urgent|as soon as|working days?|hours?|days?)\b",
    re.IGNORECASE,
)
FACT = re.compile(
    r"\b(\d+|one|two|three|five|seven|ten|fifteen|twenty)\s+(working\s+)?(days?|hours?|weeks?|months?)\b"
    r"|\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b|\b999\b|\b101\b",
    re.IGNORECASE,
)
# Questions asking what to do, and questions asking by when.
ACTION_QUESTION = re.compile(
    r"\b(what (do|should|must|now)|what happens|who (do|should)|how (long|soon|quickly)|when|do i|"
    r"should i|must i|can i|need to|timescale|deadline|steps?|report|refer|call)\b",
    re.IGNORECASE,
)
TIMESCALE_QUESTION = re.compile(
    r"\b(how (long|soon|quickly|often|many days)|by when|when (must|should|do|does|will|is)|"
    r"timescales?|deadline|within|days?|hours?|weeks?|months?)\b",
    re.IGNORECASE,
)
FALLBACK = (
    "The procedures do not appear to answer this question. Please speak to your designated safeguarding "
    "lead. If a child is in immediate danger, call the police on 999."
)


@dataclass(frozen=True)
class Step:
    """One unit of an answer: a sentence or bullet of a paragraph, in that paragraph's order."""

    paragraph: Paragraph
    position: int  # index of the unit within its paragraph
    text: str
    score: float


def units(paragraph: Paragraph) -> list[str]:
    """Split a paragraph into lines (bullets stay whole) and lines into sentences."""
    out = []
    for line in paragraph.text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("- "):
            out.append(line)
        else:
            out.extend(s.strip() for s in SENTENCE_END.split(line) if s.strip())
    return out


def score_unit(text: str, query_terms: dict[str, float], action_question: bool) -> float:
    """Share of the question's (idf-weighted) terms the unit contains, nudged towards obligations and
    facts when the question asks what to do or by when."""
    if not query_terms:
        return 0.0
    terms = set(tokenize(text))
    overlap = sum(w for t, w in query_terms.items() if t in terms) / sum(query_terms.values())
    bonus = 0.0
    if action_question and ACTION.search(text):
        bonus += 0.08
    if FACT.search(text):
        bonus += 0.05
    return overlap + bonus


def select_steps(
    question: str,
    hits: list[Hit],
    idf: dict[str, float],
    max_paragraphs: int,
    max_steps: int,
) -> list[Step]:
    """The units that answer the question, from the best paragraphs, in document order.

    From each of the top paragraphs: its best unit always (it was retrieved for a reason), and any
    other unit scoring well against it (the best paragraph is read more generously); when the question
    asks "how soon", every unit stating a timescale that shares words with it. A bullet brings its
    paragraph's lead-in line with it so the list reads as the procedures wrote it.
    """
    query_terms = {t: idf.get(t, 1.0) for t in set(tokenize(question))}
    action = bool(ACTION_QUESTION.search(question))
    timescale = bool(TIMESCALE_QUESTION.search(question))
    chosen: list[Step] = []
    for rank, hit in enumerate(hits[:max_paragraphs]):
        parts = units(hit.paragraph)
        if not parts:
            continue
        scored = [score_unit(u, query_terms, action) for u in parts]
        best = max(scored)
        share = 0.3 if rank == 0 else 0.6
        keep = {i for i, s in enumerate(scored) if s == best or (best > 0 and s >= share * best)}
        if timescale:
            keep |= {i for i, u in enumerate(parts) if FACT.search(u) and scored[i] > 0.05}
        if len(parts) <= (4 if rank == 0 else 2):
            keep = set(range(len(parts)))  # a short paragraph reads best whole
        for i in sorted(keep):
            if parts[i].endswith(":"):  # a lead-in says nothing without the list it introduces
                j = i + 1
                while j < len(parts) and parts[j].startswith("- ") and j - i <= 8:
                    keep.add(j)
                    j += 1
        if any(parts[i].startswith("- ") for i in keep):
            lead = next((i for i in range(len(parts)) if not parts[i].startswith("- ")), None)
            if lead is not None and parts[lead].endswith(":"):
                keep.add(lead)
        for i in sorted(keep):
            chosen.append(Step(hit.paragraph, i, parts[i], scored[i]))
    if len(chosen) > max_steps:
        # Keep the best-scoring units, but never drop a paragraph's top unit.
        tops = {
            id(max((s for s in chosen if s.paragraph is h.paragraph), key=lambda s: s.score))
            for h in hits[:max_paragraphs]
            if any(s.paragraph is h.paragraph for s in chosen)
        }
        rest = sorted((s for s in chosen if id(s) not in tops), key=lambda s: -s.score)
        budget = max(0, max_steps - len(tops))
        keep_ids = tops | {id(s) for s in rest[:budget]}
        chosen = [s for s in chosen if id(s) in keep_ids]
    # Procedures are written in the order things happen: document order is the order to act in.
    return sorted(chosen, key=lambda s: (s.paragraph.order, s.position))
