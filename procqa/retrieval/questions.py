"""What kind of question was asked, read from its wording: "what do I do", "by when", "what is"."""

from __future__ import annotations

import re

# Questions asking what to do (a situation, then "what now?").
ACTION_QUESTION = re.compile(
    r"\b(what (do|should|must|now|happens|next)|who (do|should|must|to)|how (long|soon|quickly|do i)|"
    r"when|do i|should i|must i|can i|am i|need to|have to|timescale|deadline|steps?|report|refer|call|"
    r"tell|help)\b",
    re.IGNORECASE,
)
TIMESCALE_QUESTION = re.compile(
    r"\b(how (long|soon|quickly|often|many days)|by when|when (must|should|do|does|will|is)|"
    r"timescales?|deadline|within|days?|hours?|weeks?|months?)\b",
    re.IGNORECASE,
)
DEFINITION_QUESTION = re.compile(
    r"^\s*(what\s+(is|are|does|do we mean)\b|define\b|meaning of\b)|\bwhat does .* (mean|stand for)\b",
    re.IGNORECASE,
)


def is_action(question: str) -> bool:
    return bool(ACTION_QUESTION.search(question))


def is_timescale(question: str) -> bool:
    return bool(TIMESCALE_QUESTION.search(question))


def is_definition(question: str) -> bool:
    return bool(DEFINITION_QUESTION.search(question))
