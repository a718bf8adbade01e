"""Does an answer read? Checked from the answer's steps and the paragraphs they cite, independently of
how the steps were chosen:

- a dangling lead-in: a step ending in ":" with nothing after it ("Professionals should:");
- an orphan list item: a step that starts with an item of a list whose lead-in it leaves out;
- a mid-thought start: a step opening with "This", "They", "These"... that is not how its paragraph
  opens, so the sentence it refers to is not shown;
- not extractive: a line of a step that does not occur in the paragraph it cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from procqa.records import Answer

MID_THOUGHT = re.compile(
    r"^(this|these|those|they|them|it|its|such|he|she|however|therefore)\b", re.IGNORECASE
)
CHECKS = ("dangling_lead_in", "orphan_item", "mid_thought", "not_extractive")


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Readability:
    dangling_lead_in: int
    orphan_item: int
    mid_thought: int
    not_extractive: int

    @property
    def problems(self) -> int:
        return self.dangling_lead_in + self.orphan_item + self.mid_thought + self.not_extractive


def _is_orphan(first: str, paragraph: str) -> bool:
    lines = [ln.strip() for ln in paragraph.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        if line.startswith("- ") and _norm(line[2:]).startswith(_norm(first)[:60]):
            j = i - 1
            while j >= 0 and lines[j].startswith("- "):
                j -= 1
            return j >= 0 and lines[j].endswith(":")
    return False


def check(answer: Answer) -> Readability:
    text_of = {c.n: c.paragraph.text for c in answer.citations}
    counts = dict.fromkeys(CHECKS, 0)
    for section in answer.sections:
        for step in section.steps:
            lines = [ln.removeprefix("- ") for ln in step.text.splitlines() if ln.strip()]
            cited = [text_of[n] for n in step.citations if n in text_of]
            if not lines or not cited:
                counts["not_extractive"] += 1
                continue
            whole = _norm(" ".join(t.replace("\n- ", "\n") for t in cited))
            if any(_norm(line) not in whole for line in lines):
                counts["not_extractive"] += 1
            if lines[-1].rstrip().endswith(":"):
                counts["dangling_lead_in"] += 1
            if any(_is_orphan(lines[0], t) for t in cited):
                counts["orphan_item"] += 1
            if MID_THOUGHT.match(lines[0]) and not any(_norm(t).startswith(_norm(lines[0])) for t in cited):
                counts["mid_thought"] += 1
    return Readability(**counts)


def reading_ease(text: str) -> float:
    """Flesch reading ease of plain text (60 and over reads as plain English): 206.835 - 1.015 x words
    per sentence - 84.6 x syllables per word. Syllables come from pyphen's offline hyphenation
    dictionary (hyphenation points + 1), which undercounts a little, so scores run slightly high."""
    import pyphen

    dictionary = pyphen.Pyphen(lang="en_GB")
    sentences = [s for s in re.split(r"(?<=[.!?:])\s+|\n+", text) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    if not words:
        return 0.0
    syllables = sum(len(dictionary.positions(w)) + 1 for w in words)
    return 206.835 - 1.015 * len(words) / max(1, len(sentences)) - 84.6 * syllables / len(words)
