"""Numbers as the procedures write them: digits or words ("one working day", "15 working days")."""

from __future__ import annotations

WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty-one": 21, "twenty-four": 24, "twenty-eight": 28, "thirty": 30, "forty": 40,
    "forty-eight": 48, "fifty": 50, "sixty": 60, "seventy-two": 72, "ninety": 90,
}  # fmt: skip
# Longest first, so "twenty-four" is not read as "twenty".
PATTERN = r"\d+(?:\.\d+)?|" + "|".join(
    sorted((w for w in WORDS if w not in ("a", "an")), key=len, reverse=True)
)


def value(word: str) -> float | None:
    """'15' -> 15, 'fifteen' -> 15, 'a' -> 1; None for anything else."""
    word = word.lower().strip()
    if word.replace(".", "", 1).isdigit():
        return float(word)
    return WORDS.get(word)
