"""Candidate items from facts: the stem, the right answer and distractors of the same kind.

Distractors come from the same document's facts of the same kind (a timescale for a timescale, a role for
a role, an age for an age, a term for a term), chosen near the answer so they are plausible (a number of
hours beside hours, not beside years), and never a value the cited paragraph itself states.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from procqa.facts.acronyms import initials_match
from procqa.facts.roles import is_body, mentions
from procqa.facts.timescales import find_timescales
from procqa.quiz.facts import HEADING_NUMBER, SEQUENCE_MIN, Fact, section_of, section_title
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
    # An item of a list: "which of these does the list hold?" and a true/false claim that it does.
    # Not matching: two lists of one chapter (risk factors, indicators) often share their items.
    "listed": ("mcq", "truefalse"),
    "law": ("mcq", "truefalse", "gap"),  # the section of an Act: another section of the same Act
    # What an acronym stands for: other expansions of the document as distractors; four to a match.
    "acronym": ("mcq", "truefalse", "match"),
    # A sentence as printed, or with its main verb's polarity flipped: true or false only.
    "statement": ("truefalse",),
    # Numbered stages: one matching item per series (make_sequence), never an item per stage.
    "sequence": (),
}
# A distractor for a list item comes from a list about something else: lead-ins sharing this share of
# their content words may list the same thing ("risk factors include" in two chapters).
LIST_OVERLAP = 0.34


@dataclass(frozen=True)
class Pool:
    """Every value of each kind the document states, printed as it most often is, for distractors."""

    values: dict[str, dict[str, str]]  # fact kind -> norm -> printed value
    # listed: item norm -> the content words of every lead-in it is listed under
    leads: dict[str, frozenset[str]] = field(default_factory=dict)
    # listed: list shape -> (item norm, words) of every item of that shape, in document order
    lists: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, facts: Iterable[Fact], paragraphs: Iterable[Paragraph] = ()) -> Pool:
        printed: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        leads: dict[str, frozenset[str]] = defaultdict(frozenset)
        lists: dict[str, dict[str, int]] = defaultdict(dict)
        for f in facts:
            if f.fact == "law":  # options read alike ("section 17"), whatever the capital of the sentence
                printed["law"][f.norm][f"section {f.norm.split()[0]}"] += 1
            elif f.fact not in ("dont", "duty", "role", "statement"):
                printed[f.fact][f.norm][f.value] += 1
            if f.fact == "listed":
                leads[f.norm] |= f.context
                lists[list_shape(f)][f.norm] = len(f.norm.split())
        # Roles the document names often (a distractor must be a role a reader would recognise), not
        # one-off phrases like "most appropriate professional".
        for p in paragraphs:
            for mention in mentions(p.text):
                printed["role"][mention.role.lower()][mention.role] += 1
        for norm in [n for n, c in printed["role"].items() if c.total() < ROLE_MENTIONS]:
            del printed["role"][norm]
        return cls(
            {k: {n: _printed(n, c) for n, c in v.items()} for k, v in printed.items()},
            dict(leads),
            {shape: tuple(items.items()) for shape, items in lists.items()},
        )

    def distractors(self, fact: Fact, rng: random.Random, count: int = OPTIONS - 1) -> list[str]:
        """`count` values of the fact's kind near its value, none stated in its paragraph."""
        stated = fact.paragraph.text.lower()
        if fact.fact == "listed":
            return self._list_distractors(fact, stated, rng, count)
        others = [
            (n, v)
            for n, v in self.values.get(fact.fact, {}).items()
            if n != fact.norm
            and v.lower() not in stated
            and n not in stated
            and _same_shape(fact, n)
            and not _nested(n, fact.norm)
            and _rival(fact, v)
            and _agrees(fact, v)
        ]
        others.sort(key=lambda nv: (_distance(fact, nv[0]), rng.random()))
        near = others[: count * 3]  # plausible ones, then a seeded choice among them
        rng.shuffle(near)
        return [v for _, v in near[:count]]

    def _list_distractors(self, fact: Fact, stated: str, rng: random.Random, count: int) -> list[str]:
        """Items of other lists of the same shape (a verb phrase for a verb phrase, a question for a
        question) and of a similar length, from lists about something else."""
        words = len(fact.norm.split())
        near = [n for n, w in self.lists.get(list_shape(fact), ()) if words / 2 <= w <= words * 2]
        rng.shuffle(near)
        found: list[str] = []
        for norm in near:
            if (
                norm == fact.norm
                or norm in stated
                or overlaps(self.leads.get(norm, frozenset()), fact.context)
            ):
                continue
            found.append(self.values["listed"][norm])
            if len(found) == count:
                break
        return found


# A lead-in ending in one of these ("Professionals should:") makes its items verb phrases.
_VERB_LEAD = frozenset({"should", "must", "will", "shall", "may", "can", "to", "would", "could", "need"})


def list_shape(fact: Fact) -> str:
    """How a list item reads, so a distractor reads the same: "question", "verb" (after "should:" or
    "are to:"), "gerund" ("Providing alternative accommodation", after "by:" or among nouns) or "noun";
    and whether it starts with a capital."""
    last = fact.prompt.split()[-1].lower() if fact.prompt else ""
    first = fact.value.split()[0].lower() if fact.value else ""
    shape = (
        "question" if fact.value.endswith("?")
        else "verb" if last in _VERB_LEAD
        else "gerund" if first.endswith("ing") and len(first) > 5
        else "noun"
    )  # fmt: skip
    if shape == "verb" and first.endswith("s") and not first.endswith("ss"):
        shape = "verb-s"  # "Ensures the child's welfare ..." (after "who:") beside "Devise ... plans"
    return f"{shape}:{'upper' if fact.value[:1].isupper() else 'lower'}"


def _printed(norm: str, forms: Counter) -> str:
    """The form a value is most often printed in, preferring one that reads alone: "24 hours" over the
    "24 hour" of "a 24 hour period"."""
    amount = norm.removeprefix("every ").split()[0]
    plural = amount.replace(".", "", 1).isdigit() and float(amount) != 1 and len(norm.split()) > 1
    return max(forms, key=lambda form: (not plural or form.endswith("s"), forms[form]))


def _nested(a: str, b: str) -> bool:
    """One value holds the other ("Essex Police" and "police", "lead social worker" and "social
    worker"): as a distractor it may be right too."""
    a, b = f" {a} ", f" {b} "
    return a in b or b in a


def overlaps(lead: frozenset[str], other: frozenset[str]) -> bool:
    """Two lists' lead-ins share enough content words that they may list the same things."""
    return bool(lead and other) and len(lead & other) / min(len(lead), len(other)) >= LIST_OVERLAP


def _rival(fact: Fact, expansion: str) -> bool:
    """A distractor that reads like the answer. For a role, capitalised alike (an acronym sits with
    either): a lower-case option beside capitalised ones gives itself away. For an acronym, an expansion
    capitalised alike and no variant of the answer ("Child Death Overview process" for CDOP spells the
    acronym too)."""
    if fact.fact == "role":  # "Chair" beside "designated lead" and "investigating officer" stands out
        return expansion.isupper() or fact.value.isupper() or _case(expansion) == _case(fact.value)
    if fact.fact != "acronym":
        return True
    words = expansion.replace("-", " ").split()
    return _case(expansion) == _case(fact.value) and initials_match(words, fact.prompt) != words


_ARTICLE_BEFORE = re.compile(r"\b(a|an)\s+$", re.IGNORECASE)


def _agrees(fact: Fact, value: str) -> bool:
    """After "a" or "an" a distractor takes the same article as the answer: "accompanied by an _____"
    with one option starting with a vowel gives the answer away (and a false statement away by its
    grammar)."""
    if fact.start < 0 or (m := _ARTICLE_BEFORE.search(fact.sentence[: fact.start])) is None:
        return True
    return value[:1].lower() in "aeiou" if m.group(1).lower() == "an" else value[:1].lower() not in "aeiou"


def _case(text: str) -> str:
    """ "title" (every word but "of", "and" ... capitalised), "first" (only the first) or "lower"."""
    words = [w for w in text.replace("-", " ").split() if w.lower() not in _SMALL]
    if all(w[:1].isupper() for w in words):
        return "title"
    return "first" if words and words[0][:1].isupper() else "lower"


_SMALL = frozenset({"of", "and", "the", "for", "in", "on", "around", "to", "or"})


def _same_shape(fact: Fact, norm: str) -> bool:
    """A frequency ("every six weeks", "quarterly") for a frequency, a length of time for a length: "meet
    at least six months" does not read as English. A section of the Act the sentence names."""
    if fact.fact == "law":
        return norm.split(" ", 1)[1] == fact.norm.split(" ", 1)[1]
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
    if fact.fact == "acronym":  # an expansion of as many words reads as a rival
        return abs(len(norm.split()) - len(fact.norm.split()))
    return 0.0


def source(fact: Fact, doc: DocumentInfo) -> Source:
    p = fact.paragraph
    return Source(p.doc_id, p.ref, f"{doc.label} {p.cite_ref}", fact.sentence, p.text, p.para)


def _quoted(text: str) -> str:
    return f"“{text}”"


def _said(sentence: str) -> str:
    """A sentence quoted as a stem's last words: its full stop after the quote when the PDF lost it."""
    return _quoted(sentence) + ("" if sentence.rstrip("”\"'").endswith((".", "?", "!")) else ".")


def _options(answer: str, distractors: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    options = [answer, *distractors]
    rng.shuffle(options)
    return tuple(options)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def make_item(kind: str, fact: Fact, pool: Pool, doc: DocumentInfo, rng: random.Random) -> Item | None:
    """One item of type `kind` from one fact; None when the fact cannot make it (too few distractors). A
    section of an Act only the heading names is asked naming the Act ("In “Children Act 2004”, ...")."""
    item = _make_item(kind, fact, pool, doc, rng)
    if item is not None and fact.fact == "law" and fact.prompt:
        return naming_section(item, fact.prompt, doc.label)
    return item


def _make_item(kind: str, fact: Fact, pool: Pool, doc: DocumentInfo, rng: random.Random) -> Item | None:
    src = (source(fact, doc),)
    common = {"fact": fact.fact, "sources": src, "section": section_of(fact.paragraph), "key": fact.key}
    # (a body's long name is no gap to type: "children's social care" would be marked wrong)
    if kind == "gap" and fact.start >= 0 and not (fact.fact == "role" and is_body(fact.value)):
        return Item(
            "gap", stem=f"Fill the gap: {_said(fact.gapped)}", answer=fact.value, options=(), **common
        )
    if fact.fact == "listed":
        return _list_item(kind, fact, pool, doc, rng, common)
    if fact.fact == "acronym":
        return _acronym_item(kind, fact, pool, doc, rng, common)
    if kind == "truefalse":
        if fact.fact == "statement":  # the main verb's polarity flipped: "are" -> "are not"
            false = f"{fact.sentence[: fact.start]}{fact.prompt}{fact.sentence[fact.end :]}"
            swapped = (fact.prompt,)
        elif fact.fact == "dont":  # the false statement drops the "not": "should ask leading questions"
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
            # "Local authority children's social care must ..." -> "The conference chair must ...": a
            # body's name needs no article, a person's does
            article = "the " if fact.fact == "role" and fact.start == 0 and not is_body(wrong[0]) else ""
            false, swapped = (
                f"{fact.sentence[: fact.start]}{article}{wrong[0]}{fact.sentence[fact.end :]}",
                tuple(wrong),
            )
        else:
            return None
        if rng.random() < 0.5:
            return Item(
                "truefalse",
                stem=f"True or false: {_said(fact.sentence)}",
                answer="True",
                options=(),
                **common,
            )
        return Item(
            "truefalse",
            stem=f"True or false: {_said(_cap(false))}",
            answer="False",
            options=swapped,
            **common,
        )
    if kind == "mcq":
        wrong = pool.distractors(fact, rng)
        if len(wrong) < OPTIONS - 1:
            return None
        answer = fact.value.lower() if fact.fact == "law" else fact.value  # as the options print it
        if fact.fact == "definition":
            stem = f"Which term do the {doc.label} procedures define as {_quoted(fact.prompt)}?"
        elif fact.fact == "role" and fact.prompt:  # the role is the subject: "Who must ...?"
            stem = f"Who {fact.prompt.rstrip('.')}?"
        else:
            stem = f"Which completes this sentence from the {doc.label} procedures? {_said(fact.gapped)}"
        return Item("mcq", stem=stem, answer=answer, options=_options(answer, wrong, rng), **common)
    return None


def _list_item(
    kind: str, fact: Fact, pool: Pool, doc: DocumentInfo, rng: random.Random, common: dict
) -> Item | None:
    """ "Which of these does the list hold?", or "true or false: the list holds X" (X one of its
    items, or an item of a list about something else). The stem names the list's section: a lead-in
    such as "The risk to child/ren may arise from" says nothing of whose risk (parents who misuse
    substances), and without it the stem found its paragraph for fewer items."""
    lead = _quoted(fact.prompt)
    title = section_title(fact.paragraph)
    where = f"In {_quoted(title)}, w" if title else "W"
    question = f"{where}hich of these do the {doc.label} procedures list under {lead}?"
    where = f"in {_quoted(title)}, the" if title else "the"

    def claim(named: str) -> str:
        return f"True or false: {where} {doc.label} procedures list {_quoted(_cap(named))} under {lead}."

    return _choice_item(kind, fact, pool, rng, common, question, claim)


def acronym_where(fact: Fact, doc: DocumentInfo) -> str:
    """Where the stem says the acronym is spelt out: the acronym table, which a stem naming it
    retrieves, or the procedures at large."""
    if fact.table:
        return f"the list of acronyms used in the {doc.label} procedures"
    return f"the {doc.label} procedures"


def _acronym_item(
    kind: str, fact: Fact, pool: Pool, doc: DocumentInfo, rng: random.Random, common: dict
) -> Item | None:
    """ "In the SET procedures, what does CDOP stand for?", or "true or false: ... CDOP stands for X"
    (X its expansion or another acronym's)."""
    where = acronym_where(fact, doc)
    question = f"In {where}, what does {fact.prompt} stand for?"

    def claim(named: str) -> str:
        return f"True or false: in {where}, {fact.prompt} stands for {_quoted(named)}."

    return _choice_item(kind, fact, pool, rng, common, question, claim)


def _choice_item(
    kind: str,
    fact: Fact,
    pool: Pool,
    rng: random.Random,
    common: dict,
    question: str,
    claim: Callable[[str], str],
) -> Item | None:
    """An MCQ asking `question` with the fact's value among distractors, or a true/false `claim`
    naming the value (true) or a distractor (false), even odds."""
    if kind == "mcq":
        wrong = pool.distractors(fact, rng)
        if len(wrong) < OPTIONS - 1:
            return None
        return Item(
            "mcq", stem=question, answer=fact.value, options=_options(fact.value, wrong, rng), **common
        )
    if kind == "truefalse":
        wrong = pool.distractors(fact, rng, 1)
        if not wrong:
            return None
        true = rng.random() < 0.5
        return Item(
            "truefalse",
            stem=claim(fact.value if true else wrong[0]),
            answer="True" if true else "False",
            options=() if true else (wrong[0],),
            **common,
        )
    return None


# A true/false stem quoting a sentence, plain or naming its section; and a stem that names it already.
SAYS = re.compile(r"^True or false: (?:in “[^”]+”, the \w[\w-]* procedures say )?“(?P<said>.+)”\.?$")
_NAMED = re.compile(r"^(?:In “|True or false: in “|Fill the gap in this sentence from “)")


def statement(item: Item) -> str:
    """What a true/false stem quoting a sentence claims the procedures print."""
    m = SAYS.match(item.stem)
    return m.group("said") if m else ""


def naming_section(item: Item, title: str, label: str) -> Item | None:
    """The item with its stem naming the section it comes from ("In “Gangs and Youth Violence”, who
    ...?"), or None when the stem has no place for it. For a stem the retrieval check found ambiguous:
    a sentence true of one section ("A thorough assessment is required ...") can be said of many, and
    a trainer would name the section rather than drop the question."""
    if not title or item.fact in ("listed", "acronym") or item.kind == "match" or _NAMED.match(item.stem):
        return None
    where, stem = _quoted(title), item.stem
    if statement(item):
        stem = stem.replace("True or false: ", f"True or false: in {where}, the {label} procedures say ", 1)
    elif stem.startswith("Fill the gap: "):
        stem = stem.replace("Fill the gap: ", f"Fill the gap in this sentence from {where}: ", 1)
    elif stem.startswith(("Which ", "Who ")):
        stem = f"In {where}, {stem[0].lower()}{stem[1:]}"
    else:
        return None
    return replace(item, stem=stem)


def make_match(facts: Sequence[Fact], doc: DocumentInfo) -> Item:
    """A matching item: gapped sentences (or definitions) to their timescales, roles or terms; acronyms to
    their expansions; or numbered stages to their labels (make_sequence)."""
    kind = facts[0].fact
    if kind == "sequence":
        return make_sequence(facts, doc)
    if kind == "acronym":  # a prompt a reader (and the retrieval check) can ask on its own
        pairs = tuple((f"What does {f.prompt} stand for?", f.value) for f in facts)
        stem = f"Match each acronym used in the {doc.label} procedures to what it stands for."
    else:
        pairs = tuple((f.prompt if kind == "definition" else f.gapped, f.value) for f in facts)
        what = {"timescale": "timescale", "role": "role", "definition": "term"}[kind]
        stem = f"Match each statement from the {doc.label} procedures to its {what}."
    return _matching(kind, stem, pairs, facts, doc)


def make_sequence(stages: Sequence[Fact], doc: DocumentInfo) -> Item:
    """ "Put these stages ... in order": each stage's description matched to its label ("Stage Two"), which
    is its place in the series. A matching item, so that every platform imports it (GIFT has no ordering
    question)."""
    word = stages[0].value.split()[0].lower()
    chapter = stages[0].paragraph.heading[1:2]
    title = HEADING_NUMBER.sub("", chapter[0]).strip() if chapter else section_of(stages[0].paragraph)
    # Each prompt names the series: "Multi-Agency Safeguarding Partnership/Board" alone is everywhere.
    pairs = tuple((f"Which {word} of {title} is {_quoted(f.prompt)}?", _cap(f.value)) for f in stages)
    where = f"{_quoted(title)} ({doc.label} procedures)"
    stem = f"Put these {word}s from {where} in order: match each to its {word}."
    return _matching("sequence", stem, pairs, stages, doc)


def _matching(
    kind: str, stem: str, pairs: tuple[tuple[str, str], ...], facts: Sequence[Fact], doc: DocumentInfo
) -> Item:
    return Item(
        "match",
        fact=kind,
        stem=stem,
        answer="",
        options=(),
        sources=tuple(source(f, doc) for f in facts),
        section=section_of(facts[0].paragraph),
        pairs=pairs,
        key="match:" + "|".join(sorted(f.key for f in facts)),
    )


def sequence_groups(facts: Sequence[Fact]) -> list[list[Fact]]:
    """Each whole numbered series of stages among the facts, in order: one, two, three ... with no gap
    and at least SEQUENCE_MIN stages (a scope holding stages two to four alone has no series)."""
    by: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        if f.fact == "sequence":
            by[(section_of(f.paragraph), f.value.split()[0].lower())].append(f)
    groups = [sorted(group, key=lambda f: int(f.norm)) for group in by.values()]
    return [
        g for g in groups if len(g) >= SEQUENCE_MIN and [int(f.norm) for f in g] == list(range(1, len(g) + 1))
    ]


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
