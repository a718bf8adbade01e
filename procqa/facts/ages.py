"""Ages and age limits in the procedures' wording: "under 18", "aged 16 or 17", "13 years of age"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from procqa.facts import numbers

_AGE = re.compile(
    rf"\b(?:(?:under|over|below|above|aged?|of)\s+(?:the\s+age\s+of\s+)?(?P<a>{numbers.PATTERN})\b"
    rf"|(?P<b>{numbers.PATTERN})[\s-]+years?[\s-]+(?:of\s+age|old)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Age:
    text: str  # the number as printed, e.g. "18" or "sixteen"
    start: int
    end: int
    years: int


def find_ages(text: str) -> list[Age]:
    """Every age in `text` (the number only, so an item can gap it), plausible for a child or young adult."""
    found = []
    for m in _AGE.finditer(text):
        group = "a" if m.group("a") else "b"
        years = numbers.value(m.group(group))
        # "under one or more of the categories" is a count, not an age.
        if re.match(r"\s+(?:or\s+more|of)\b", text[m.end() :]):
            continue
        # "of 5" is a count more often than an age; keep it only when "age" is written out.
        if (
            years is None
            or not 1 <= years <= 25
            or (m.group(0).lower().startswith("of ") and "age" not in m.group(0))
        ):
            continue
        found.append(Age(m.group(group), m.start(group), m.end(group), int(years)))
    return found
