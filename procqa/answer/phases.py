"""Where a step belongs in acting on a concern, read from its wording.

An action answer reads in the order a person acts: make the child safe, respond to what the child says,
record, tell the designated lead, refer (and by when), then what the situation's own chapter adds.
"""

from __future__ import annotations

import re

from procqa.records import PHASE_LABELS

PHASES = tuple(PHASE_LABELS)
_PATTERNS = (
    (
        "safety",
        r"\b(999|immediate (danger|risk|protection|medical)|emergency (services|treatment|action)|"
        r"police protection|life[- ]threatening|urgent medical|immediately (safe|protect))\b",
    ),
    (
        "respond",
        r"\b(listen\w*|leading questions?|promise\w*|keep (it|this|what)\b.*secret|reassur\w*|"
        r"(the child'?s?|their) own words|disclos\w*|what (the child|they) (say|said|tells?))\b",
    ),
    ("record", r"\b(record\w*|write (down|it)|written (record|account|note)|note down|chronolog\w*)\b"),
    (
        "tell",
        r"\b(designated (safeguarding )?(lead|person|officer|manager|senior)|line manager|"
        r"safeguarding lead|named (person|doctor|nurse)|manager|supervisor)\b",
    ),
    (
        "refer",
        r"\b(refer\w*|children'?s social care|social services|duty (social worker|team)|front door|"
        r"MASH|police|working days?|within \w+ (hours?|days?)|out of hours)\b",
    ),
)
_COMPILED = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _PATTERNS)


def phase_of(text: str) -> str:
    """The first phase whose wording the step uses; "situation" when it uses none."""
    for name, pattern in _COMPILED:
        if pattern.search(text):
            return name
    return "situation"
