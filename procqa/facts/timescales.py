"""Timescales in the procedures' wording, found and normalised.

"within one working day" -> 1 working day; "72 hours" -> 72 hours; "every six weeks" and "6 weekly" ->
every 6 weeks; "monthly" -> every 1 month. A number of years after an age word ("under 18 years") is an
age, not a timescale (see ages.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from procqa.facts import numbers

UNITS = {
    "minute": "minutes",
    "hour": "hours",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
}
# Bare frequency words, as an interval of one unit.
FREQUENCIES = {
    "daily": (1, "days"),
    "weekly": (1, "weeks"),
    "fortnightly": (2, "weeks"),
    "monthly": (1, "months"),
    "quarterly": (3, "months"),
    "annually": (1, "years"),
    "yearly": (1, "years"),
}
_NUM = rf"(?P<num>{numbers.PATTERN}|a|an)"
_SPAN = re.compile(
    rf"\b{_NUM}[\s-]+(?:\((?P<digits>\d+)\)\s+)?(?P<working>working[\s-]+|calendar[\s-]+|school[\s-]+)?"
    r"(?P<unit>minute|hour|day|week|month|year)s?\b"
    r"|"
    rf"\b(?P<fnum>{numbers.PATTERN})[\s-]?(?P<funit>weekly|monthly)\b"
    r"|"
    r"\b(?P<freq>daily|weekly|fortnightly|monthly|quarterly|annually|yearly)\b",
    re.IGNORECASE,
)
# Words just before a number of years that make it an age ("under 18 years", "aged 16 years").
_AGE_BEFORE = re.compile(r"\b(?:aged?|under|over|below|above|of|turns?|reaches?)\s*$", re.IGNORECASE)
_AGE_AFTER = re.compile(
    r"^\s*(?:-?\s*)?(?:of\s+age|old|olds|or\s+(?:over|older|above|under|younger))\b", re.I
)
_EVERY = re.compile(r"\b(?:every|each)\s+$", re.IGNORECASE)
_LIMIT = re.compile(
    r"\b(?:within|no\s+later\s+than|not\s+later\s+than|no\s+more\s+than|up\s+to|maximum\s+of)\s+$", re.I
)


@dataclass(frozen=True)
class Timescale:
    """One timescale in a text: where it is, what it says and its normalised value."""

    text: str  # as printed, e.g. "one working day"
    start: int
    end: int
    amount: float
    unit: str  # minutes | hours | days | working days | calendar days | school days | weeks | months | years
    recurring: bool = False  # "every six weeks", "monthly"
    limit: bool = False  # "within", "no later than": a deadline, not a duration

    @property
    def normalised(self) -> str:
        """'1 working day', '72 hours', 'every 6 weeks'."""
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        unit = self.unit[:-1] if amount == 1 else self.unit
        if unit.endswith("days") and amount == 1:
            unit = unit[:-1]
        text = f"{amount} {unit}"
        return f"every {text}" if self.recurring else text

    @property
    def hours(self) -> float:
        """Rough length in hours, to order timescales (a working day counts as a day)."""
        per = {"minutes": 1 / 60, "hours": 1, "weeks": 168, "months": 730, "years": 8760}
        return self.amount * per.get(self.unit, 24)


def find_timescales(text: str) -> list[Timescale]:
    """Every timescale in `text`, in order; ages written in years are left out."""
    found = []
    for m in _SPAN.finditer(text):
        before, after = text[: m.start()], text[m.end() :]
        if m.group("freq"):
            amount, unit = FREQUENCIES[m.group("freq").lower()]
            recurring = True
        elif m.group("funit"):
            amount = numbers.value(m.group("fnum"))
            unit = "weeks" if m.group("funit").lower() == "weekly" else "months"
            recurring = True
        else:
            amount = numbers.value(m.group("digits") or m.group("num"))
            unit = UNITS[m.group("unit").lower()]
            if unit == "years" and (_AGE_BEFORE.search(before[-12:]) or _AGE_AFTER.match(after)):
                continue
            if m.group("working"):
                unit = f"{m.group('working').strip(' -').lower()} days" if unit == "days" else unit
            recurring = bool(_EVERY.search(before[-10:]))
        limit = bool(_LIMIT.search(before[-25:]))
        # "a"/"an" only count after "within" or "every": "24 hours a day" is not a second timescale.
        if amount is None or ((m.group("num") or "").lower() in ("a", "an") and not (limit or recurring)):
            continue
        found.append(Timescale(m.group(0), m.start(), m.end(), float(amount), unit, recurring, limit))
    return found
