"""Query expansion from the documents' own acronym lists and glossaries.

People type "LADO", "s47", "fgm"; the procedures mostly write the words out. Each acronym found in a
question adds its expansion to the query, for both the keyword and the dense search.
"""

from __future__ import annotations

import re

from procqa.facts.acronyms import DEFINED, TABLE_ROW, initials_match
from procqa.records import Paragraph

SECTION = re.compile(r"\bs\.?\s?(\d{1,3})\b", re.IGNORECASE)

# Sector shorthand that staff type but neither bundled document abbreviates; each expands to the
# words the documents do use.
COMMON = {
    "DSL": "designated safeguarding lead",
    "CSC": "children's social care",
    "ICPC": "initial child protection conference",
    "RCPC": "review child protection conference",
    "CP": "child protection",
    "CIN": "child in need",
    "CPP": "child protection plan",
    "SGO": "special guardianship order",
}


def build_acronyms(paragraphs: list[Paragraph]) -> dict[str, str]:
    found: dict[str, str] = {}
    for p in paragraphs:
        if p.kind == "glossary":
            term, _, definition = p.text.partition(": ")
            if term.isupper() and 2 <= len(term) <= 8:
                found.setdefault(term, definition.split(".")[0][:80])
        for line in p.text.splitlines():
            if m := TABLE_ROW.match(line.strip()):
                found.setdefault(m.group(1), m.group(2))
        for m in DEFINED.finditer(p.text):
            words = re.split(r"[ ,/]+", m.group(1).strip())
            tail = initials_match([w for w in words if w], m.group(2))
            if tail:
                found.setdefault(m.group(2), " ".join(tail))
    for k, v in COMMON.items():
        found.setdefault(k, v)
    return found


def expand(question: str, acronyms: dict[str, str]) -> str:
    """The question with the expansion of each acronym it uses appended."""
    extra = []
    for token in set(re.findall(r"[A-Za-z][A-Za-z0-9]{1,7}", question)):
        key = token if token in acronyms else token.upper()
        if key not in acronyms:
            continue
        # Typed in capitals it is an acronym; in lower case only when it is no ordinary word ("lado"
        # yes, "age" no).
        if token == key or (len(token) >= 3 and token.lower() not in _ORDINARY):
            extra.append(acronyms[key])
    extra += [f"section {n}" for n in SECTION.findall(question)]
    return question if not extra else f"{question} ({'; '.join(sorted(set(extra)))})"


_ORDINARY = {"the", "and", "age", "who", "can", "all", "any", "one", "two", "via", "gp", "fe", "dfe"}
