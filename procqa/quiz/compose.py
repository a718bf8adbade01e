"""Candidate items from facts: the stem, the right answer and distractors of the same kind.

Distractors come from the same document's facts of the same kind (a timescale for a timescale, a role for
a role, an age for an age, a term for a term), chosen near the answer so they are plausible (a number of
hours beside hours, not beside years), and never a value the cited paragraph itself states.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from procqa.facts.roles import mentions
from procqa.facts.timescales import find_timescales
from procqa.quiz.facts import Fact, section_of
from procqa.quiz.items import Item, Source
from procqa.records import DocumentInfo, Paragraph

GAP = "_____"
OPTIONS = 4  # an MCQ shows the answer and three distractors
MATCH_PAIRS = 4
ROLE_MENTIONS = 3  # a role is a distractor once the document names it this often
# Which question types each kind of fact can make.
MAKES = {
    "timescale": ("mcq", "truefalse", "gap", "match"),
    "age": ("mcq", "truefalse", "gap"),
    "role": ("mcq", "truefalse", "gap", "match"),
    "definition": ("mcq", "match"),
    "dont": ("truefalse",),
    "duty": ("truefalse",),
}


@dataclass(frozen=True)
class Pool:
    """Every value of each kind the document states, printed as it most often is, for distractors."""

    values: dict[str, dict[str, str]]  # fact kind -> norm -> printed value

    @classmethod
    def of(cls, facts: Iterable[Fact], paragraphs: Iterable[Paragraph] = ()) -> Pool:
        printed: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        for f in facts:
            if f.fact not in ("dont", "duty", "role"):
                printed[f.fact][f.norm][f.value] += 1
        # Roles the document names often (a distractor must be a role a reader would recognise), not
        # one-off phrases like "most appropriate professional".
        for p in paragraphs:
            for mention in mentions(p.text):
                printed["role"][mention.role.lower()][mention.role] += 1
        for norm in [n for n, c in printed["role"].items() if c.total() < ROLE_MENTIONS]:
            del printed["role"][norm]
        return cls({k: {n: _printed(n, c) for n, c in v.items()} for k, v in printed.items()})

    def distractors(self, fact: Fact, rng: random.Random, count: int = OPTIONS - 1) -> list[str]:
        """`count` values of the fact's kind near its value, none stated in its paragraph."""
        stated = fact.paragraph.text.lower()
        others = [
            (n, v)
            for n, v in self.values.get(fact.fact, {}).items()
            if n != fact.norm and v.lower() not in stated and n not in stated and _same_shape(fact, n)
        ]
        others.sort(key=lambda nv: (_distance(fact, nv[0]), rng.random()))
        near = others[: count * 3]  # plausible ones, then a seeded choice among them
        rng.shuffle(near)
        return [v for _, v in near[:count]]


def _printed(norm: str, forms: Counter) -> str:
    """The form a value is most often printed in, preferring one that reads alone: "24 hours" over the
    "24 hour" of "a 24 hour period"."""
    amount = norm.removeprefix("every ").split()[0]
    plural = amount.replace(".", "", 1).isdigit() and float(amount) != 1 and len(norm.split()) > 1
    return max(forms, key=lambda form: (not plural or form.endswith("s"), forms[form]))


def _same_shape(fact: Fact, norm: str) -> bool:
    """A frequency ("every six weeks", "quarterly") for a frequency, a length of time for a length: "meet
    at least six months" does not read as English."""
    return fact.fact != "timescale" or norm.startswith("every ") == fact.norm.startswith("every ")


def _distance(fact: Fact, norm: str) -> float:
    """How far a candidate distractor is from the answer: log-ratio of lengths for timescales and ages
    (24 hours is near 48 hours, far from 6 months); random order for roles and terms."""
    if fact.fact == "timescale":
        a, b = find_timescales(fact.value), find_timescales(norm.removeprefix("every "))
        if a and b:
            same_unit = a[0].unit == b[0].unit
            return abs(math.log(a[0].hours / b[0].hours)) + (0 if same_unit else 0.5)
    if fact.fact == "age" and norm.isdigit() and fact.norm.isdigit():
        return abs(int(norm) - int(fact.norm))
    return 0.0


def source(fact: Fact, doc: DocumentInfo) -> Source:
    p = fact.paragraph
    return Source(p.doc_id, p.ref, f"{doc.label} {p.cite_ref}", fact.sentence, p.text, p.para)


def _quoted(text: str) -> str:
    return f"“{text}”"


def _options(answer: str, distractors: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    options = [answer, *distractors]
    rng.shuffle(options)
    return tuple(options)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def make_item(kind: str, fact: Fact, pool: Pool, doc: DocumentInfo, rng: random.Random) -> Item | None:
    """One item of type `kind` from one fact; None when the fact cannot make it (too few distractors)."""
    src = (source(fact, doc),)
    common = {"fact": fact.fact, "sources": src, "section": section_of(fact.paragraph), "key": fact.key}
    if kind == "gap" and fact.start >= 0:
        return Item(
            "gap", stem=f"Fill the gap: {_quoted(fact.gapped)}", answer=fact.value, options=(), **common
        )
    if kind == "truefalse":
        if fact.fact == "dont":  # the false statement drops the "not": "should ask leading questions"
            false = (fact.sentence[: fact.start].rstrip() + " " + fact.sentence[fact.end :].lstrip()).strip()
            swapped = (fact.value,)
        elif fact.fact == "duty":  # the false statement denies the duty: "must" -> "must not"
            false, swapped = f"{fact.sentence[: fact.end]} not{fact.sentence[fact.end :]}", ("not",)
        elif fact.start >= 0 and (fact.fact != "role" or fact.prompt):
            # A role is swapped only where it is the sentence's subject: a role named mid-sentence has
            # boundaries too loose to swap without garbling the sentence.
            wrong = pool.distractors(fact, rng, 1)
            if not wrong:
                return None
            false, swapped = (
                f"{fact.sentence[: fact.start]}{wrong[0]}{fact.sentence[fact.end :]}",
                tuple(wrong),
            )
        else:
            return None
        if rng.random() < 0.5:
            return Item(
                "truefalse",
                stem=f"True or false: {_quoted(fact.sentence)}",
                answer="True",
                options=(),
                **common,
            )
        return Item(
            "truefalse",
            stem=f"True or false: {_quoted(_cap(false))}",
            answer="False",
            options=swapped,
            **common,
        )
    if kind == "mcq":
        wrong = pool.distractors(fact, rng)
        if len(wrong) < OPTIONS - 1:
            return None
        if fact.fact == "definition":
            stem = f"Which term do the {doc.label} procedures define as {_quoted(fact.prompt)}?"
        elif fact.fact == "role" and fact.prompt:  # the role is the subject: "Who must ...?"
            stem = f"Who {fact.prompt.rstrip('.')}?"
        else:
            stem = f"Which completes this sentence from the {doc.label} procedures? {_quoted(fact.gapped)}"
        return Item("mcq", stem=stem, answer=fact.value, options=_options(fact.value, wrong, rng), **common)
    return None


def make_match(facts: Sequence[Fact], doc: DocumentInfo) -> Item:
    """A matching item: gapped sentences (or definitions) to their timescales, roles or terms."""
    kind = facts[0].fact
    pairs = tuple((f.prompt if kind == "definition" else f.gapped, f.value) for f in facts)
    what = {"timescale": "timescale", "role": "role", "definition": "term"}[kind]
    return Item(
        "match",
        fact=kind,
        stem=f"Match each statement from the {doc.label} procedures to its {what}.",
        answer="",
        options=(),
        sources=tuple(source(f, doc) for f in facts),
        section=section_of(facts[0].paragraph),
        pairs=pairs,
        key="match:" + "|".join(sorted(f.key for f in facts)),
    )


def match_groups(facts: Sequence[Fact], rng: random.Random) -> list[list[Fact]]:
    """Groups of MATCH_PAIRS facts of one kind, from one chapter, with different values and sentences."""
    by: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        if "match" in MAKES[f.fact]:
            by[(f.fact, section_of(f.paragraph).split(".")[0])].append(f)
    groups = []
    for members in by.values():
        members = members[:]
        rng.shuffle(members)
        group: list[Fact] = []
        for f in members:
            if all(f.norm != g.norm and f.sentence != g.sentence for g in group):
                group.append(f)
            if len(group) == MATCH_PAIRS:
                groups.append(group)
                group = []
    return groups
