"""Every item proves itself before it is offered. Each check returns True when the item passes.

Cheap checks (text only) run on every candidate; the retrieval check asks the engine and runs last, on
what survives, in build.py.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from procqa.facts.sentences import split_units
from procqa.quiz.compose import GAP, overlaps, statement
from procqa.quiz.facts import NEGATION, QUOTE_JOIN, Fact, content_words, section_of
from procqa.quiz.items import Item
from procqa.records import Paragraph

# Similar enough that two sentences state the same duty (content-word Jaccard).
SAME_CONTEXT = 0.6
MIN_STEM_WORDS, MAX_STEM_WORDS = 4, 70


LISTED = re.compile(r"procedures list “(.+?)” under “")
STANDS_FOR = re.compile(r", ([^,]+?) stands for “(.+?)”\.$")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()


def _occurs(needle: str, haystack: str) -> bool:
    """`needle` as whole words in `haystack`, ignoring case, spacing and curly quotes."""
    return re.search(rf"(?<!\w){re.escape(_norm(needle))}(?!\w)", _norm(haystack)) is not None


def answer_in_source(item: Item) -> bool:
    """The quote is the paragraph's own sentence (a list's quote: its lead-in … the item), and the
    right answer is in it."""
    if not all(_occurs(part, s.text) for s in item.sources for part in s.quote.split(QUOTE_JOIN)):
        return False
    if item.kind == "truefalse" and item.fact == "listed":
        named = LISTED.search(item.stem)  # the statement names an item: listed there, or not
        return named is not None and _occurs(named.group(1), item.source.text) == (item.answer == "True")
    if item.kind == "truefalse" and item.fact == "acronym":
        named = STANDS_FOR.search(item.stem)  # the statement names an expansion: the quote's, or not
        return (
            named is not None
            and _occurs(named.group(1), item.source.quote)
            and _occurs(named.group(2), item.source.quote) == (item.answer == "True")
        )
    if item.kind == "match":
        return all(_occurs(answer, s.quote) for (_, answer), s in zip(item.pairs, item.sources, strict=True))
    if item.kind == "truefalse":
        # A true statement is the quote itself; a false one is not in the paragraph.
        said = statement(item)
        return bool(said) and _occurs(said, item.source.text) == (item.answer == "True")
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
    if item.kind == "truefalse" and item.fact in ("dont", "statement"):
        # The false statement drops or adds a "not"; answer_in_source checks it is not printed.
        return True
    return not any(_occurs(o, item.source.text) for o in wrong)


@dataclass(frozen=True)
class Ambiguity:
    """The document's facts by kind, to find a stem that has a different right answer elsewhere."""

    by_kind: dict[str, list[Fact]]
    listed: dict[str, list[Fact]] = field(default_factory=dict)  # list items by their norm
    # Every sentence of the document: (text, content words, says "not"), for statements
    sentences: tuple[tuple[str, frozenset[str], bool], ...] = ()

    @classmethod
    def of(cls, facts: Iterable[Fact], paragraphs: Iterable[Paragraph] = ()) -> Ambiguity:
        by: dict[str, list[Fact]] = defaultdict(list)
        listed: dict[str, list[Fact]] = defaultdict(list)
        for f in facts:
            by[f.fact].append(f)
            if f.fact == "listed":
                listed[f.norm].append(f)
        sentences = tuple(
            (unit, content_words(unit), NEGATION.search(unit) is not None)
            for p in paragraphs
            for unit in split_units(p.text)
        )
        return cls(dict(by), dict(listed), sentences)

    def unique(self, item: Item, facts: Sequence[Fact]) -> bool:
        """No other sentence of the document says nearly the same thing with a different value
        (15 working days for one meeting, 10 for another: the stem must name which)."""
        for fact in facts:
            if fact.fact == "listed":  # its siblings are right too, but not offered: the options must not be
                if not self._options_unlisted(item, fact):
                    return False
                continue
            if fact.fact == "statement" and not self._polarity_unique(fact):
                return False
            if fact.fact == "sequence":  # the series itself fixes each stage's place
                continue
            context = fact.context
            for other in self.by_kind.get(fact.fact, ()):
                if other.norm == fact.norm or other.sentence == fact.sentence or not context:
                    continue
                overlap = len(context & other.context) / len(context | other.context)
                if overlap >= SAME_CONTEXT:
                    return False
        return True

    def _polarity_unique(self, fact: Fact) -> bool:
        """No sentence of the document says nearly the same with the other polarity: the flipped
        statement must be false, not printed somewhere else."""
        words, negative = content_words(fact.sentence), fact.norm == "negative"
        for text, other, says_not in self.sentences:
            if text == fact.sentence or says_not == negative or not other:
                continue
            if len(words & other) / len(words | other) >= SAME_CONTEXT:
                return False
        return True

    def _options_unlisted(self, item: Item, fact: Fact) -> bool:
        """No wrong option of a list item is listed in the same section or under a lead-in about the
        same thing (a distractor from one chapter's "risk factors" may be another's)."""
        for option in item.options:
            if option == item.answer:
                continue
            for other in self.listed.get(option.lower(), ()):
                if section_of(other.paragraph) == section_of(fact.paragraph) or overlaps(
                    other.context, fact.context
                ):
                    return False
        return True


LIST_FRAGMENT = re.compile(
    r"(^|“)(- |•|and |or |but |including )|:\s*(”|$)|\b(the following|as follows)\b", re.I
)

LIST_ITEM_FRAGMENT = re.compile(r"(^|“)(- |•|and |or |but |including )|:\s*(”|$)", re.I)


def well_formed(item: Item) -> bool:
    """A question or statement a trainer would print: one gap at most, no list fragment or dangling
    lead-in, balanced brackets and quotes, not too long."""
    stems = [item.stem] + [prompt for prompt, _ in item.pairs]
    # A list item's stem quotes its lead-in, which may say "the following" and is quoted whole.
    fragment = LIST_FRAGMENT if item.fact != "listed" else LIST_ITEM_FRAGMENT
    for stem in stems:
        if not MIN_STEM_WORDS <= len(stem.split()) <= MAX_STEM_WORDS or fragment.search(stem):
            return False
        if stem.count("(") != stem.count(")") or stem.count("“") != stem.count("”") or "•" in stem:
            return False  # (a bullet glyph: a list the source ran into a definition)
    if item.kind == "gap" and item.stem.count(GAP) != 1:
        return False
    if item.kind == "mcq" and len(set(o.lower() for o in item.options)) != len(item.options):
        return False
    if item.kind == "match" and len({a.lower() for _, a in item.pairs}) != len(item.pairs):
        return False
    return item.stem[0].isupper() and item.stem.rstrip("”").endswith((".", "?"))


def answer_hidden(item: Item) -> bool:
    """The stem does not give its own answer away ("within six weeks ... every _____": six weeks), nor
    does a matching item's prompt give its own ("inform the child's social worker ..., and the _____
    will inform": social worker)."""
    if item.kind == "match":
        return not any(_occurs(answer, prompt) for prompt, answer in item.pairs)
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
