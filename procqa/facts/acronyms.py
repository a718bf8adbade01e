"""Acronyms and what they stand for, as the procedures print them: a row of an acronym table ("LADO
Local authority designated officer") or the words before brackets ("Local Authority Designated Officer
(LADO)"). Retrieval expands a question's acronyms with these; the quiz asks what one stands for."""

from __future__ import annotations

import re
from dataclasses import dataclass

# "Local Authority Designated Officer (LADO)": the words before the brackets, as many as the letters.
DEFINED = re.compile(r"((?:[A-Za-z'’-]+[ ,&/]+){1,8}?)\(([A-Z][A-Za-z]{1,7})\)")
# A row of an acronym table: "LADO Local authority designated officer".
TABLE_ROW = re.compile(r"^([A-Z][A-Z0-9]{1,7}(?: [A-Z]{2,7})?)\s+([A-Z][^\n]{3,120})$")
# Small words an acronym skips ("Child Protection in Sport Unit" is CPSU).
_SKIPPED = frozenset({"of", "and", "the", "for", "in", "&", "on"})


def initials_match(words: list[str], acronym: str) -> list[str] | None:
    """The shortest tail of `words` whose initials spell the acronym (case-insensitive, skipping
    small words such as "of" and "and")."""
    letters = [c for c in acronym.lower() if c.isalpha()]
    for start in range(len(words) - 1, -1, -1):
        tail = words[start:]
        if [w[0].lower() for w in tail if w.lower() not in _SKIPPED] == letters:
            return tail
    return None


@dataclass(frozen=True)
class Acronym:
    acronym: str  # "CDOP"
    expansion: str  # "Child Death Overview Panel", verbatim
    table: bool  # a row of an acronym table (True) or spelt out before brackets in a sentence


# A table row's note after its expansion: "National Police Chiefs Council (formerly ...)".
_NOTE = re.compile(r"\s*\(.*$")


def table_row(line: str) -> Acronym | None:
    """A line of an acronym table whose words start with the acronym's letters, else None (a contacts
    table's "Baptist Church 01235 ..." is not one)."""
    m = TABLE_ROW.match(line.strip())
    if not m or not any(c.isupper() for c in m.group(1)):
        return None
    expansion = _NOTE.sub("", m.group(2)).strip().rstrip(".;,").removeprefix("The ")
    words = re.split(r"[ ,/-]+", expansion)
    # The expansion must spell the acronym, give or take the small words and a joined "On-line".
    first = [w[0].lower() for w in words if w and w.lower() not in _SKIPPED]
    letters = [c for c in m.group(1).lower() if c.isalpha()]
    if not first or first[0] != letters[0] or not set(letters) <= set(first) | {"o", "s"}:
        return None
    return Acronym(m.group(1), expansion, True)


def defined(text: str) -> list[tuple[Acronym, int, int]]:
    """Every "Expansion (ACRONYM)" in a text whose words spell the acronym, with where it sits."""
    found = []
    for m in DEFINED.finditer(text):
        words = [w for w in re.split(r"[ ,/]+", m.group(1).strip()) if w]
        tail = initials_match(words, m.group(2))
        if tail:
            found.append((Acronym(m.group(2), " ".join(tail), False), m.start(), m.end()))
    return found
