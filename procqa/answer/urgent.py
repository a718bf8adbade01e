"""Urgent help first: what a document says to do when a child is in immediate danger or seriously hurt,
and the contact numbers it prints for referring now.

Found from each document's own wording, not a banner: the paragraphs of its declared pathway (the
sections anyone with a concern reads) that speak of immediate danger, then the best matches of a fixed
description of that situation; and the lines of its pathway (then of the whole document) that print a
telephone number beside referral words. A user's own procedures show their own contacts; where a
document prints no number, no number is shown.
"""

from __future__ import annotations

import re
import threading

from procqa.facts.sentences import ANAPHORA, split_units
from procqa.records import Citation, DocumentInfo, Paragraph, Step, Urgent
from procqa.retrieval.hybrid import Retriever

# A fixed description of the situation: the retriever finds how each document words it.
URGENT_QUERY = (
    "A child is in immediate danger or has been seriously hurt: immediate protection, emergency action, "
    "call the police or emergency services on 999"
)
DANGER = re.compile(
    r"\b(immediate (danger|protection|safety|medical)|serious (immediate )?(harm|injury)|risk to the life|"
    r"emergency services|999|immediate (and )?significant harm|imminent risk)\b",
    re.IGNORECASE,
)
PHONE = re.compile(r"\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
CONTACT_WORDS = re.compile(
    r"\b(refer\w*|out of hours|duty|initial response|concerned about a child|children'?s social care|"
    r"single point of contact|priority line|portal|helpline)\b",
    re.IGNORECASE,
)
MAX_SAFETY_PARAGRAPHS = 3
MAX_CONTACT_LINES = 6
SEARCH_DEPTH = 10

_CACHE: dict[tuple[int, str], Urgent | None] = {}
_LOCK = threading.Lock()


def _in_pathway(p: Paragraph, doc: DocumentInfo) -> bool:
    return any(p.ref == s or p.ref.startswith((s + ".", s + " ")) for s in doc.pathway)


def _with_list(units: list[str], i: int) -> str:
    """A unit, with the list it introduces when it ends in a colon (a lead-in never stands alone)."""
    text = units[i]
    if text.rstrip().endswith(":"):
        j = i + 1
        while j < len(units) and units[j].startswith("- "):
            j += 1
        text = "\n".join([text, *units[i + 1 : j]])
    return text


def safety_steps(paragraphs: list[Paragraph]) -> list[tuple[Paragraph, str]]:
    """From each paragraph, its first sentence about immediate danger (with the list it introduces, and
    the sentence before when it opens mid-thought: "Accordingly, ...")."""
    out = []
    for p in paragraphs:
        units = split_units(p.text)
        for i, unit in enumerate(units):
            if unit.startswith("- ") or not DANGER.search(unit):
                continue
            text = _with_list(units, i)
            if i > 0 and ANAPHORA.match(unit):
                text = f"{units[i - 1]} {text}"
            out.append((p, text))
            break
    return out


def contact_lines(paragraphs: list[Paragraph]) -> list[tuple[Paragraph, str]]:
    """Lines printing a telephone number beside referral words, with the other contact lines of the
    same paragraph (a council's portal or priority line sits beside its neighbours' numbers)."""
    out: list[tuple[Paragraph, str]] = []
    for p in paragraphs:
        lines = [line.strip() for line in p.text.splitlines() if line.strip()]
        if not any(PHONE.search(line) and CONTACT_WORDS.search(p.text) for line in lines):
            continue
        out += [(p, line) for line in lines if PHONE.search(line) or CONTACT_WORDS.search(line)]
        if len(out) >= MAX_CONTACT_LINES:
            break
    return out[:MAX_CONTACT_LINES]


def _build(retriever: Retriever, doc: DocumentInfo) -> Urgent | None:
    paragraphs = [p for p in retriever.index.paragraphs if p.doc_id == doc.doc_id]
    pathway = [p for p in paragraphs if _in_pathway(p, doc)]
    hits, _ = retriever.search_each(URGENT_QUERY, [doc.doc_id], SEARCH_DEPTH, "hybrid")
    found: list[Paragraph] = [p for p in pathway if DANGER.search(p.text)]
    found += [h.paragraph for h in hits.get(doc.doc_id, []) if DANGER.search(h.paragraph.text)]
    chosen = list({p.pid: p for p in found}.values())[:MAX_SAFETY_PARAGRAPHS]
    steps = [("safety", p, text) for p, text in safety_steps(chosen)]
    contacts = contact_lines(pathway) or contact_lines(paragraphs)
    steps += [("contacts", p, text) for p, text in contacts]
    if not steps:
        return None
    numbers: dict[str, int] = {}
    for _, p, _ in steps:
        numbers.setdefault(p.pid, len(numbers) + 1)
    by_pid = {p.pid: p for _, p, _ in steps}
    citations = tuple(
        Citation(n, by_pid[pid], f"{doc.label} {by_pid[pid].cite_ref}", 0.0) for pid, n in numbers.items()
    )
    return Urgent(
        doc.doc_id,
        doc.heading,
        tuple(Step(text.removeprefix("- "), (numbers[p.pid],), phase) for phase, p, text in steps),
        citations,
    )


def urgent_help(retriever: Retriever, doc: DocumentInfo) -> Urgent | None:
    """The urgent-help block of one document (the same for every question: worked out once per index)."""
    key = (id(retriever.index), doc.doc_id)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _build(retriever, doc)
        return _CACHE[key]
