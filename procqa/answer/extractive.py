"""Extractive answers: the procedures' own sentences and bullets, each step carrying its citation.

No sentence in an answer comes from anywhere but a cited paragraph: steps are selected from the
retrieved paragraphs' text, never written. A step is the unit that makes sense on its own: a sentence;
a lead-in line with the list it introduces; a sentence that starts mid-thought ("This", "They") with the
sentence before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from procqa.config import Settings
from procqa.facts.sentences import ANAPHORA, split_units
from procqa.index.tokens import tokenize
from procqa.records import Hit, Paragraph
from procqa.retrieval.questions import is_action, is_timescale

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


@dataclass(frozen=True)
class Group:
    """Units of one retrieved paragraph that an answer quotes together, in the paragraph's order."""

    paragraph: Paragraph
    positions: tuple[int, ...]  # indices of the units within the paragraph
    lines: tuple[str, ...]  # the units' text; list items keep their "- "
    score: float

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def units(paragraph: Paragraph) -> list[str]:
    """Split a paragraph into lines (bullets stay whole) and lines into sentences."""
    return split_units(paragraph.text)


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


def lead_in_of(parts: list[str], i: int) -> int | None:
    """The line introducing list item `i`: the nearest non-item before it (a list is introduced by the
    sentence before it, with or without a colon)."""
    j = i - 1
    while j >= 0 and parts[j].startswith("- "):
        j -= 1
    return j if j >= 0 else None


def items_of(parts: list[str], i: int, limit: int) -> list[int]:
    """The list items a lead-in line `i` introduces (at most `limit`)."""
    out, j = [], i + 1
    while j < len(parts) and parts[j].startswith("- ") and len(out) < limit:
        out.append(j)
        j += 1
    return out


def readable(parts: list[str], keep: set[int], limit: int) -> list[list[int]]:
    """The kept units completed and grouped so each group reads on its own: an item brings its lead-in,
    a lead-in brings its items (all of them when none was chosen), a sentence that starts mid-thought
    brings the sentence before it; a lead-in whose list is not in the paragraph is left out (it would
    dangle). Groups are runs of units in the paragraph's order."""
    keep = set(keep)
    while True:  # each rule can call for another (a lead-in starting "This" needs its sentence)
        before = set(keep)
        for i in sorted(keep):
            if parts[i].startswith("- "):
                lead = lead_in_of(parts, i)
                if lead is not None:
                    keep.add(lead)
            elif i > 0 and ANAPHORA.match(parts[i]):
                keep.add(i - 1)
            if parts[i].endswith(":"):
                items = items_of(parts, i, limit)
                if items and not any(j in keep for j in items):
                    keep.update(items)
        if keep == before:
            break
    dangling = {i for i in keep if parts[i].endswith(":") and not items_of(parts, i, 1)}
    if dangling and keep - dangling:
        keep -= dangling
    groups: list[list[int]] = []
    group_of: dict[int, int] = {}
    for i in sorted(keep):
        part = parts[i]
        lead = lead_in_of(parts, i) if part.startswith("- ") else None
        if lead is not None and lead in group_of:
            g = group_of[lead]  # an item joins its lead-in, even when items between were left out
        elif part.startswith("- ") and i - 1 in group_of and parts[i - 1].startswith("- "):
            g = group_of[i - 1]  # a list without a lead-in stays together
        elif not part.startswith("- ") and ANAPHORA.match(part) and i - 1 in group_of:
            g = group_of[i - 1]
        else:
            g = len(groups)
            groups.append([])
        groups[g].append(i)
        group_of[i] = g
    return groups


def select_groups(question: str, hits: list[Hit], idf: dict[str, float], settings: Settings) -> list[Group]:
    """The groups of units that answer the question, from the best paragraphs, in document order.

    From each of the top paragraphs: its best unit always (it was retrieved for a reason), and any
    other unit scoring well against it (the best paragraph is read more generously); when the question
    asks "how soon", every unit stating a timescale that shares words with it. Units are then completed
    so each group reads on its own (`readable`), and the answer keeps at most `max_steps` groups, never
    dropping a paragraph's best group.
    """
    query_terms = {t: idf.get(t, 1.0) for t in set(tokenize(question))}
    action, timescale = is_action(question), is_timescale(question)
    chosen: list[Group] = []
    best_of: dict[str, Group] = {}
    for rank, hit in enumerate(hits[: settings.answer_paragraphs]):
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
        for group in readable(parts, keep, settings.max_list_items):
            g = Group(
                hit.paragraph, tuple(group), tuple(parts[i] for i in group), max(scored[i] for i in group)
            )
            chosen.append(g)
            pid = hit.paragraph.pid
            if pid not in best_of or g.score > best_of[pid].score:
                best_of[pid] = g
    if len(chosen) > settings.max_steps:
        tops = {id(g) for g in best_of.values()}
        rest = sorted((g for g in chosen if id(g) not in tops), key=lambda g: -g.score)
        keep_ids = tops | {id(g) for g in rest[: max(0, settings.max_steps - len(tops))]}
        chosen = [g for g in chosen if id(g) in keep_ids]
    # Procedures are written in the order things happen: document order is the order to act in.
    return sorted(chosen, key=lambda g: (g.paragraph.order, g.positions[0]))
