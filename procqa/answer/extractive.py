"""Extractive answers: the procedures' own sentences and bullets, each step carrying its citation.

No sentence in an answer comes from anywhere but a cited paragraph: steps are selected from the
retrieved paragraphs' text, never written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from procqa.config import Settings
from procqa.index.tokens import tokenize
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


@dataclass(frozen=True)
class Unit:
    """A sentence or bullet of a retrieved paragraph chosen for an answer, with its place in that
    paragraph (so the answer keeps the procedures' order) and how well it matched."""

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


def score_unit(text: str, query_terms: dict[str, float], action_question: bool, settings: Settings) -> float:
    """Share of the question's (idf-weighted) terms the unit contains, nudged towards obligations and
    facts when the question asks what to do or by when."""
    if not query_terms:
        return 0.0
    terms = set(tokenize(text))
    overlap = sum(w for t, w in query_terms.items() if t in terms) / sum(query_terms.values())
    bonus = 0.0
    if action_question and ACTION.search(text):
        bonus += settings.action_bonus
    if FACT.search(text):
        bonus += settings.fact_bonus
    return overlap + bonus


def select_units(question: str, hits: list[Hit], idf: dict[str, float], settings: Settings) -> list[Unit]:
    """The units that answer the question, from the best paragraphs, in document order.

    From each of the top paragraphs: its best unit always (it was retrieved for a reason), and any
    other unit scoring well against it (the best paragraph is read more generously); when the question
    asks "how soon", every unit stating a timescale that shares words with it. A bullet brings its
    paragraph's lead-in line with it so the list reads as the procedures wrote it.
    """
    query_terms = {t: idf.get(t, 1.0) for t in set(tokenize(question))}
    action = bool(ACTION_QUESTION.search(question))
    timescale = bool(TIMESCALE_QUESTION.search(question))
    max_paragraphs, max_steps = settings.answer_paragraphs, settings.max_steps
    chosen: list[Unit] = []
    for rank, hit in enumerate(hits[:max_paragraphs]):
        parts = units(hit.paragraph)
        if not parts:
            continue
        scored = [score_unit(u, query_terms, action, settings) for u in parts]
        best = max(scored)
        share = settings.keep_share_first if rank == 0 else settings.keep_share_rest
        keep = {i for i, s in enumerate(scored) if s == best or (best > 0 and s >= share * best)}
        if timescale:
            keep |= {i for i, u in enumerate(parts) if FACT.search(u) and scored[i] > 0.05}
        if len(parts) <= (settings.whole_first if rank == 0 else settings.whole_rest):
            keep = set(range(len(parts)))  # a short paragraph reads best whole
        for i in sorted(keep):
            if parts[i].endswith(":"):  # a lead-in says nothing without the list it introduces
                j = i + 1
                while j < len(parts) and parts[j].startswith("- ") and j - i <= settings.max_list_items:
                    keep.add(j)
                    j += 1
        if any(parts[i].startswith("- ") for i in keep):
            lead = next((i for i in range(len(parts)) if not parts[i].startswith("- ")), None)
            if lead is not None and parts[lead].endswith(":"):
                keep.add(lead)
        for i in sorted(keep):
            chosen.append(Unit(hit.paragraph, i, parts[i], scored[i]))
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
