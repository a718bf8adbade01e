"""Definitions: glossary entries ("Term: what it means") and "X means ..." sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from procqa.records import Paragraph

MEANS = re.compile(
    r"^(?:The\s+term\s+)?[‘'\"“]?(?P<term>[A-Z][\w’'()/-]*(?:\s+[\w’'()/-]+){0,5}?)[’'\"”]?\s+"
    r"(?:means|is defined as|refers to|is the term used|involves|"
    r"can be (?:broadly )?(?:described|defined) as|"
    # "Child abuse and neglect is a generic term encompassing ...", "Assessment is the process by which ..."
    r"is an? (?:generic |broad |umbrella )?term (?:for|encompassing|used to describe)|"
    r"is(?=\s+the\s+process\s+(?:by|during|through)\s+which))\s+(?P<definition>.{20,})$"
)


# A sentence starting with one of these is a condition or a pointer, not a term being defined.
_NOT_TERM = {"this", "that", "it", "these", "which", "if", "in", "when", "where", "for"}


@dataclass(frozen=True)
class Definition:
    term: str
    definition: str  # the defining words, verbatim
    quote: str  # the sentence (or glossary entry) they come from, verbatim


def glossary_definition(p: Paragraph) -> Definition | None:
    """A glossary entry's term and definition: the ref is "Glossary: <term>", the text "<term>: <words>"."""
    if p.kind != "glossary" or not p.ref.startswith("Glossary: "):
        return None
    term = p.ref.removeprefix("Glossary: ").strip()
    text = p.text.strip()
    if not text.lower().startswith(term.lower()):
        return None
    words = text[len(term) :].lstrip(" :–-").strip()
    first = re.split(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+(?=[A-Z])", words)[0]  # not after "e.g."
    # The quote is the entry up to the end of its first sentence: the term and what it means, verbatim.
    quote = text[: text.index(first) + len(first)]
    # "Crown Prosecution Service: CSSIW Care and Social ...": the next entry run into this one; "There
    # is no statutory definition." defines nothing.
    # "Domestic Violence: Term often used in legislation ..." says how a term is used, not what it means
    # ("Victim: Term used to describe child or adult who ..." does);
    # "Enquiry (1)" is one of two entries, its number no part of the term.
    if (
        re.match(r"[A-Z]{2,}\s", first)
        or re.search(r"\bno (?:\w+ )?definition\b", first, re.IGNORECASE)
        or re.match(r"(?:a\s+)?term\s+(?:\w+\s+)?used\b(?!\s+to\s+describe)", first, re.IGNORECASE)
        or re.search(r"\(\d\)$", term)
    ):
        return None
    return Definition(term, first, quote) if len(first.split()) >= 4 else None


def sentence_definition(sentence: str) -> Definition | None:
    """'Significant harm means ...' -> Definition('Significant harm', '...', sentence)."""
    m = MEANS.match(sentence)
    if not m or m.group("term").split()[0].lower() in _NOT_TERM or not sentence.endswith("."):
        return None
    term = m.group("term").strip("‘’'\"“” ")
    if "’" in term or "'" in term:  # a quote left inside the term: the sentence quotes something else
        return None
    return Definition(term, m.group("definition"), sentence)
