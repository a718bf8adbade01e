"""A paragraph's units: its lines, with list items kept whole and other lines split into sentences.

The answer stage quotes these units; the quiz builder writes its items from them. One splitter, so a
quiz item's quote is exactly a unit an answer could show.
"""

from __future__ import annotations

import re

TERMINAL = re.compile(r"[.:;!?][\"'’”)]*$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(‘'\"“])")
# A sentence opening with one of these leans on the sentence before it.
ANAPHORA = re.compile(
    r"^(this|these|that|those|they|them|it|its|such|he|she|however|therefore|in (this|these|such) "
    r"(case|cases|circumstances)|in addition|also|otherwise|accordingly)\b",
    re.IGNORECASE,
)


def split_units(text: str) -> list[str]:
    """Split a paragraph's text into lines (bullets stay whole, "- " kept) and lines into sentences."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("- "):
            out.append(line)
        elif out and out[-1].startswith("- ") and not TERMINAL.search(out[-1]):
            out[-1] = f"{out[-1]} {line}"  # the rest of a list item the source wrapped onto a new line
        else:
            out.extend(s.strip() for s in SENTENCE_END.split(line) if s.strip())
    return out
