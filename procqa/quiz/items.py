"""The records of a quiz: an item, the paragraph it cites, and the quiz with its generation counts.

Every export (GIFT, Moodle XML, CSV, Anki, HTML) and the app's quiz page render from these; nothing
downstream re-reads the procedures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# Question types a trainer can ask for (the names `--types` takes).
TYPES = ("mcq", "truefalse", "gap", "match")
# What an item tests: the kind of fact its answer is.
FACTS = (
    "timescale", "role", "definition", "age", "dont", "duty", "listed", "law", "acronym", "statement",
    "sequence",
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    """The paragraph an item (or one pair of a matching item) rests on, and the sentence that proves it."""

    doc_id: str
    ref: str  # the paragraph's ref in its document, e.g. "A 4.2.1"
    cite: str  # how a reader finds it: "SET A 4.2.1", "AWCPP 3.8.3 ¶2"
    quote: str  # the sentence of the paragraph that makes the answer right, verbatim
    text: str  # the whole paragraph, for the checks and for a preview
    para: int | None = None


@dataclass(frozen=True)
class Item:
    """One quiz question.

    mcq:       stem, answer, options (the answer and its distractors, in the order shown)
    truefalse: stem is a statement; answer is "True" or "False"; options are the distractors that were
               swapped in to make a false statement (empty for a true one)
    gap:       stem has one "_____" gap; answer is the word(s) that fill it; options are other accepted
               spellings (empty: only the answer)
    match:     pairs of (prompt, answer), one source per pair; answer and options are empty
    """

    kind: str  # one of TYPES
    fact: str  # one of FACTS
    stem: str
    answer: str
    options: tuple[str, ...]
    sources: tuple[Source, ...]
    section: str  # the chapter/section ref the item belongs to, for spreading and filtering
    pairs: tuple[tuple[str, str], ...] = ()
    # What the item tests, normalised, so no two items in a quiz test the same fact.
    key: str = ""

    @property
    def id(self) -> str:
        """Stable across runs: the same item from the same paragraph keeps its id."""
        raw = "\x1f".join([self.kind, self.stem, self.answer, *self.options, *(a + b for a, b in self.pairs)])
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]

    @property
    def source(self) -> Source:
        return self.sources[0]

    @property
    def feedback(self) -> str:
        """What a learner sees after answering: the sentence(s) that make the answer right, cited."""
        return " ".join(f"“{s.quote}” ({s.cite})" for s in self.sources)

    @property
    def title(self) -> str:
        """A short name for a learning platform's question bank."""
        return f"{self.source.cite} {self.fact} {self.kind} {self.id[:6]}"


@dataclass(frozen=True)
class Quiz:
    """A built quiz: its items, where they come from and how many candidates each check rejected."""

    doc_id: str
    title: str
    items: tuple[Item, ...]
    candidates: int = 0  # items generated before the checks
    rejected: dict[str, int] = field(default_factory=dict)  # check name -> items it rejected
    sections: tuple[str, ...] = ()  # the sections asked for (all when none were named)
    sections_covered: int = 0
    seed: int = 0
    topic: str = ""  # the topic asked for, if any
    types: tuple[str, ...] = TYPES  # the question types asked for
