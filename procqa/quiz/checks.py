"""Every item proves itself before it is offered. Each check returns True when the item passes.

Cheap checks (text only) run on every candidate; the retrieval check asks the engine and runs last, on
what survives, in build.py.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from procqa.quiz.compose import GAP
from procqa.quiz.facts import Fact
from procqa.quiz.items import Item

# Similar enough that two sentences state the same duty (content-word Jaccard).
SAME_CONTEXT = 0.6
MIN_STEM_WORDS, MAX_STEM_WORDS = 4, 70


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()


def _occurs(needle: str, haystack: str) -> bool:
    """`needle` as whole words in `haystack`, ignoring case, spacing and curly quotes."""
    return re.search(rf"(?<!\w){re.escape(_norm(needle))}(?!\w)", _norm(haystack)) is not None


def answer_in_source(item: Item) -> bool:
    """The quote is the paragraph's own sentence, and the right answer is in it."""
    if not all(_occurs(s.quote, s.text) for s in item.sources):
        return False
    if item.kind == "match":
        return all(_occurs(answer, s.quote) for (_, answer), s in zip(item.pairs, item.sources, strict=True))
    if item.kind == "truefalse":
        # A true statement is the quote itself; a false one is not in the paragraph.
        statement = item.stem.removeprefix("True or false: ").strip("“”")
        return _occurs(statement, item.source.text) == (item.answer == "True")
    return _occurs(item.answer, item.source.quote)


def distractors_absent(item: Item) -> bool:
    """No wrong option is stated in the cited paragraph (and, for matching, no pair's sentence holds
    another pair's answer)."""
    if item.kind == "match":
        answers = [a for _, a in item.pairs]
        return all(
            not _occurs(other, s.quote)
            for (_, a), s in zip(item.pairs, item.sources, strict=True)
            for other in answers
            if other != a
        )
    if item.kind == "truefalse" and item.answer == "True":
        return True
    wrong = [o for o in item.options if o != item.answer]
    if item.kind == "truefalse" and item.fact == "dont":
        return True  # the false statement drops a "not"; answer_in_source checks it is not printed
    return not any(_occurs(o, item.source.text) for o in wrong)


@dataclass(frozen=True)
class Ambiguity:
    """The document's facts by kind, to find a stem that has a different right answer elsewhere."""

    by_kind: dict[str, list[Fact]]

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> Ambiguity:
        by: dict[str, list[Fact]] = defaultdict(list)
        for f in facts:
            by[f.fact].append(f)
        return cls(dict(by))

    def unique(self, item: Item, facts: Sequence[Fact]) -> bool:
        """No other sentence of the document says nearly the same thing with a different value
        (15 working days for one meeting, 10 for another: the stem must name which)."""
        for fact in facts:
            context = fact.context
            for other in self.by_kind.get(fact.fact, ()):
                if other.norm == fact.norm or other.sentence == fact.sentence or not context:
                    continue
                overlap = len(context & other.context) / len(context | other.context)
                if overlap >= SAME_CONTEXT:
                    return False
        return True


LIST_FRAGMENT = re.compile(
    r"(^|“)(- |•|and |or |but |including )|:\s*(”|$)|\b(the following|as follows)\b", re.I
)


def well_formed(item: Item) -> bool:
    """A question or statement a trainer would print: one gap at most, no list fragment or dangling
    lead-in, balanced brackets and quotes, not too long."""
    stems = [item.stem] + [prompt for prompt, _ in item.pairs]
    for stem in stems:
        if not MIN_STEM_WORDS <= len(stem.split()) <= MAX_STEM_WORDS or LIST_FRAGMENT.search(stem):
            return False
        if stem.count("(") != stem.count(")") or stem.count("“") != stem.count("”"):
            return False
    if item.kind == "gap" and item.stem.count(GAP) != 1:
        return False
    if item.kind == "mcq" and len(set(o.lower() for o in item.options)) != len(item.options):
        return False
    if item.kind == "match" and len({a.lower() for _, a in item.pairs}) != len(item.pairs):
        return False
    return item.stem[0].isupper() and item.stem.rstrip("”").endswith((".", "?"))


def answer_hidden(item: Item) -> bool:
    """The stem does not give its own answer away ("within six weeks ... every _____": six weeks)."""
    if item.kind not in ("gap", "mcq") or item.fact == "definition":
        return True
    return not _occurs(item.answer, item.stem)


# In the order they run; each rejects what the ones before let through.
TEXT_CHECKS = {
    "answer_in_source": answer_in_source,
    "distractors_absent": distractors_absent,
    "well_formed": well_formed,
    "answer_hidden": answer_hidden,
}
