"""Build a quiz: pick the sections, write candidate items from their facts, check every item, and choose
`n` that spread over the sections and the requested types without testing any fact twice.

    quiz = build_quiz(engine, "set-2025", sections=["A 4"], n=20, types=("mcq", "gap"), seed=1)
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from procqa.engine import Engine
from procqa.quiz import checks
from procqa.quiz.compose import (
    MAKES,
    Pool,
    make_item,
    make_match,
    match_groups,
    naming_section,
    sequence_groups,
)
from procqa.quiz.facts import QUOTE_JOIN, Fact, facts_of, section_of, section_title
from procqa.quiz.items import TYPES, Item, Quiz
from procqa.records import Paragraph

RETRIEVAL_DEPTH = 5  # the stem asked on its own document must find the cited paragraph this high
TOPIC_SECTIONS = 4  # a --topic picks at most this many sections...
TOPIC_DEPTH = 10  # ...from where its best paragraphs are
# Items drawn from one list: two (say an MCQ and a true/false on different items) test the list; more
# would fill a quiz with one list. A chapter too short for the quiz asked of it takes up to LIST_MOST
# from a list before it gives up: lists are what its indicators and risk factors are printed as.
PER_LIST = 2
LIST_MOST = 4
DISTRACTOR_DRAWS = 3  # draws of distractors for one item before its fact gives no item of that type
# A quiz short of n draws its candidates again with fresh distractors (seed + 1, seed + 2): a false list
# claim whose stem missed its paragraph because of the item it carried may find it with another.
REDRAWS = 2


class QuizError(ValueError):
    """A request the procedures cannot satisfy; the message is one line for the user."""


@dataclass
class Candidates:
    """Everything generated for one request, with what each check rejected."""

    items: list[tuple[Item, tuple[Fact, ...]]]
    rejected: Counter = field(default_factory=Counter)
    generated_by_type: Counter = field(default_factory=Counter)


def in_section(p: Paragraph, section: str) -> bool:
    """A chapter or section ref covers its paragraphs: "A 4" covers "A 4.2.1" (not "A 40.1"), "3.8"
    covers "3.8.5", "Glossary" covers the glossary entries, "Part A" covers the part."""
    section = section.strip()
    if p.ref == section or p.ref.startswith((section + ".", section + " ", section + ":")):
        return True
    return bool(p.heading) and p.heading[0].lower() == section.lower()


def scope(engine: Engine, doc_id: str, sections: Sequence[str], topic: str | None) -> list[Paragraph]:
    """The paragraphs a quiz may draw on."""
    if doc_id not in engine.docs:
        known = ", ".join(sorted(engine.docs))
        raise QuizError(f"unknown document '{doc_id}'; the index holds: {known}")
    paragraphs = engine.paragraphs(doc_id)
    label = engine.docs[doc_id].label
    chosen = list(sections)
    for s in chosen:
        if not any(in_section(p, s) for p in paragraphs):
            raise QuizError(
                f"{label} has no chapter or section '{s}' (refs look like 'A 4' or 'A 4.2' or '3.8')"
            )
    if topic:
        if not topic.strip():
            raise QuizError("the topic is empty")
        answer = engine.ask(topic, [doc_id], k=10)
        shown = {c.paragraph.pid: c.paragraph for c in answer.citations + answer.related + answer.hits}
        counts = Counter(section_of(p) for p in list(shown.values())[:TOPIC_DEPTH])
        # The sections the topic's paragraphs gather in: a section holding one stray match is not one.
        top = max(counts.values(), default=0)
        picked = [s for s, c in counts.most_common(TOPIC_SECTIONS) if c * 2 >= top]
        if not picked:
            raise QuizError(f"nothing in {label} matches the topic '{topic}'")
        chosen += picked
    if not chosen:
        return paragraphs
    return [p for p in paragraphs if any(in_section(p, s) for s in chosen)]


@dataclass(frozen=True)
class DocumentFacts:
    """Every fact of one document, with the distractor pool and the ambiguity index built from them:
    what any quiz on the document draws on, whichever sections it covers."""

    facts: list[Fact]
    pool: Pool
    ambiguity: checks.Ambiguity

    @classmethod
    def of(cls, engine: Engine, doc_id: str) -> DocumentFacts:
        paragraphs = engine.paragraphs(doc_id)
        facts = [f for p in paragraphs for f in facts_of(p)]
        return cls(facts, Pool.of(facts, paragraphs), checks.Ambiguity.of(facts, paragraphs))


def candidates(
    engine: Engine,
    doc_id: str,
    paragraphs: Sequence[Paragraph],
    types: Sequence[str],
    seed: int,
    known: DocumentFacts | None = None,
) -> Candidates:
    """Every candidate item the paragraphs support, after the text checks. `known`: the document's
    facts when the caller asks for several scopes of one document (they are the same each time)."""
    doc = engine.docs[doc_id]
    known = known or DocumentFacts.of(engine, doc_id)
    pool, ambiguity = known.pool, known.ambiguity
    rng = random.Random(seed)
    wanted = set(paragraphs)
    facts = [f for f in known.facts if f.paragraph in wanted]
    made: list[tuple[Item, tuple[Fact, ...]]] = []
    for fact in facts:
        for kind in types:
            if kind == "match" or kind not in MAKES[fact.fact]:
                continue
            # A distractor the paragraph states after all (in other words than the pool compared) is
            # drawn again rather than losing the fact: "never right for that stem" is about the option.
            for _ in range(DISTRACTOR_DRAWS):
                item = make_item(kind, fact, pool, doc, rng)
                if item is None or checks.distractors_absent(item):
                    break
            if item is not None:
                made.append((item, (fact,)))
    if "match" in types:
        made += [(make_match(group, doc), tuple(group)) for group in match_groups(facts, rng)]
        made += [(make_match(group, doc), tuple(group)) for group in sequence_groups(facts)]
    out = Candidates([])
    for item, from_facts in made:
        out.generated_by_type[item.kind] += 1
        failed = next((name for name, check in checks.TEXT_CHECKS.items() if not check(item)), None)
        if failed is None and not ambiguity.unique(item, from_facts):
            failed = "unique_answer"
        if failed:
            out.rejected[failed] += 1
        else:
            out.items.append((item, from_facts))
    return out


def tested(item: Item) -> set[str]:
    """The facts an item tests (a matching item tests one per pair): no two items of a quiz share one."""
    return set(item.key.removeprefix("match:").split("|"))


@dataclass
class Taken:
    """What a quiz's items already test and quote, so the next item adds something new."""

    keys: set[str] = field(default_factory=set)
    quotes: set[str] = field(default_factory=set)  # one item per sentence: a second gives the first away
    stems: set[str] = field(default_factory=set)
    lists: Counter = field(default_factory=Counter)  # items drawn from each list (its lead-in)

    def admits(self, item: Item, per_list: int = PER_LIST) -> bool:
        return not (
            tested(item) & self.keys
            or {s.quote for s in item.sources} & self.quotes
            or item.stem in self.stems
            or any(self.lists[lead] >= per_list for lead in _leads(item))
        )

    def add(self, item: Item) -> None:
        self.keys |= tested(item)
        self.quotes |= {s.quote for s in item.sources}
        self.stems.add(item.stem)
        self.lists.update(_leads(item))

    @classmethod
    def of(cls, items: Sequence[Item]) -> Taken:
        taken = cls()
        for item in items:
            taken.add(item)
        return taken


def most_items(facts: Sequence[Fact]) -> int:
    """The most items a quiz on these facts can hold under its rules, whatever its checks say: one per
    sentence, LIST_MOST from any list, one "put these in order" per numbered series. A chapter whose
    count is under n states too few facts for n items; one that reaches n but gives fewer lost the rest
    to its checks."""
    sentences = {f.sentence for f in facts if f.fact not in ("listed", "sequence")}
    lists = Counter(list_of(f.paragraph.ref, f.sentence) for f in facts if f.fact == "listed")
    return len(sentences) + sum(min(c, LIST_MOST) for c in lists.values()) + len(sequence_groups(facts))


def list_of(ref: str, quote: str) -> str:
    """Which list a list item's quote ("lead-in … item") belongs to: its paragraph and lead-in."""
    return f"{ref}|{quote.split(QUOTE_JOIN)[0]}"


def _leads(item: Item) -> list[str]:
    """The lists a list item draws on."""
    if item.fact != "listed":
        return []
    return [list_of(s.ref, s.quote) for s in item.sources]


def retrieves_source(engine: Engine, item: Item) -> bool:
    """Asked of its own document, the stem (each prompt, for matching) finds its cited paragraph in
    the top RETRIEVAL_DEPTH of what a reader is shown."""
    asks = [item.stem] if item.kind != "match" else [prompt for prompt, _ in item.pairs]
    for question, src in zip(asks, item.sources, strict=False):
        answer = engine.ask(re.sub(r"_{3,}", " ", question), [src.doc_id], k=10)
        shown = [c.paragraph.ref for c in answer.citations + answer.related + answer.hits]
        if src.ref not in list(dict.fromkeys(shown))[:RETRIEVAL_DEPTH]:
            return False
    return True


def choose(
    engine: Engine,
    found: Candidates,
    n: int,
    types: Sequence[str],
    seed: int,
    progress: Callable[[int, int], None] = lambda done, total: None,
    titles: dict[str, str] | None = None,
) -> list[Item]:
    """n items spread round-robin over sections and types, one per fact, each passing retrieval.
    `titles`: section_titles of the document, when the caller has them already."""
    rng = random.Random(seed)
    by_section: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for item, _ in found.items:
        by_section[item.section][item.kind].append(item)
    for kinds in by_section.values():
        for items in kinds.values():
            rng.shuffle(items)
    sections = list(by_section)
    rng.shuffle(sections)
    chosen: list[Item] = []
    taken = Taken()
    deeper: list[Item] = []  # refused only because their list has given PER_LIST items
    if titles is None:
        titles = section_titles(engine, found.items[0][0].source.doc_id) if found.items else {}
    next_type = 0  # the types take turns across the whole quiz, not within each section
    while len(chosen) < n and any(any(k.values()) for k in by_section.values()):
        for section in sections:
            if len(chosen) >= n:
                break
            kinds = by_section[section]
            rotation = [*types[next_type:], *types[:next_type]]
            kind = next((t for t in rotation if kinds.get(t)), None)
            if kind is None:
                continue
            next_type = (types.index(kind) + 1) % len(types)
            item = kinds[kind].pop()
            if not taken.admits(item):
                if taken.admits(item, LIST_MOST):
                    deeper.append(item)
                else:
                    found.rejected["same_fact"] += 1
                continue
            if _offer(engine, found, item, taken, chosen, titles):
                progress(len(chosen), n)
    # Short of n: one more item from each list in turn, up to LIST_MOST from any list.
    for per_list in range(PER_LIST + 1, LIST_MOST + 1):
        for item in list(deeper):
            if len(chosen) < n and taken.admits(item, per_list):
                deeper.remove(item)  # offered once, whatever the retrieval check says
                if _offer(engine, found, item, taken, chosen, titles):
                    progress(len(chosen), n)
    return chosen


def pick(
    engine: Engine,
    doc_id: str,
    paragraphs: Sequence[Paragraph],
    found: Candidates,
    n: int,
    types: Sequence[str],
    seed: int,
    known: DocumentFacts | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> list[Item]:
    """choose(), then, while the quiz is short of n, the facts it does not test yet with distractors
    drawn afresh (REDRAWS times). A stem checked once is not checked again."""
    titles = section_titles(engine, doc_id)  # for choose() and the redraws alike
    chosen = choose(engine, found, n, types, seed, progress, titles)
    tried = {item.stem for item, _ in found.items}
    for extra in range(1, REDRAWS + 1):
        if len(chosen) >= n:
            break
        more = candidates(engine, doc_id, paragraphs, types, seed + extra, known)
        fresh = [item for item, _ in more.items if item.stem not in tried]
        tried |= {item.stem for item in fresh}
        random.Random(seed + extra).shuffle(fresh)
        taken = Taken.of(chosen)
        for item in fresh:
            offered = len(chosen) < n and taken.admits(item, LIST_MOST)
            if offered and _offer(engine, found, item, taken, chosen, titles):
                progress(len(chosen), n)
    return chosen


def _offer(
    engine: Engine, found: Candidates, item: Item, taken: Taken, chosen: list[Item], titles: dict[str, str]
) -> bool:
    """Take the item (naming its section where that is what it takes) when it passes retrieval."""
    offered = checked(engine, item, titles)  # naming the section changes the stem only: still admitted
    if offered is None:
        found.rejected["retrieves_source"] += 1
        return False
    taken.add(offered)
    chosen.append(offered)
    return True


def section_titles(engine: Engine, doc_id: str) -> dict[str, str]:
    """Paragraph ref -> what its section is about, for stems that need to say where they come from."""
    return {p.ref: section_title(p) for p in engine.paragraphs(doc_id)}


def checked(engine: Engine, item: Item, titles: dict[str, str]) -> Item | None:
    """The item if its stem finds its paragraph; else the item with its stem naming the section, if
    that passes every check; else None."""
    if retrieves_source(engine, item):
        return item
    label = engine.docs[item.source.doc_id].label
    named = naming_section(item, titles.get(item.source.ref, ""), label)
    if named is None or not all(check(named) for check in checks.TEXT_CHECKS.values()):
        return None
    return named if retrieves_source(engine, named) else None


def build_quiz(
    engine: Engine,
    doc_id: str,
    sections: Sequence[str] = (),
    topic: str | None = None,
    n: int = 20,
    types: Sequence[str] = TYPES,
    seed: int = 0,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Quiz:
    """A checked quiz of exactly `n` items, or QuizError saying why the sections cannot give that many."""
    unknown = [t for t in types if t not in TYPES]
    if unknown or not types:
        raise QuizError(
            f"unknown question type {', '.join(unknown) or '(none)'}; choose from {', '.join(TYPES)}"
        )
    if n < 1:
        raise QuizError("-n must be at least 1")
    paragraphs = scope(engine, doc_id, sections, topic)
    known = DocumentFacts.of(engine, doc_id)
    found = candidates(engine, doc_id, paragraphs, types, seed, known)
    if len(found.items) < n:
        raise QuizError(
            f"these sections support only {len(found.items)} checked items of the chosen types; "
            f"ask for fewer, or add sections or types"
        )
    chosen = pick(engine, doc_id, paragraphs, found, n, types, seed, known, progress)
    if len(chosen) < n:
        raise QuizError(
            f"only {len(chosen)} items pass every check in these sections; ask for at most {len(chosen)}, "
            "or add sections or types"
        )
    doc = engine.docs[doc_id]
    where = ("sections " + ", ".join(sections)) if sections else "every section"
    where = f"topic '{topic}'" if topic and not sections else where
    title = f"{doc.label} ({doc.edition}), {where}"
    order = {s: i for i, s in enumerate(dict.fromkeys(section_of(p) for p in engine.paragraphs(doc_id)))}
    chosen.sort(key=lambda i: (order.get(i.section, 0), i.kind))
    return Quiz(
        doc_id,
        title,
        tuple(chosen),
        candidates=sum(found.generated_by_type.values()),
        rejected=dict(found.rejected),
        sections=tuple(sections),
        sections_covered=len({i.section for i in chosen}),
        seed=seed,
        topic=topic or "",
        types=tuple(types),
    )


def replace_item(engine: Engine, quiz: Quiz, index: int, attempt: int = 1) -> Quiz:
    """The quiz with item `index` swapped for another checked item, from the same section when it has
    one, testing nothing the quiz already tests (a trainer's "regenerate")."""
    paragraphs = scope(engine, quiz.doc_id, quiz.sections, quiz.topic or None)
    found = candidates(engine, quiz.doc_id, paragraphs, quiz.types, quiz.seed + attempt)
    old = quiz.items[index]
    taken = Taken.of(quiz.items)
    pool = [item for item, _ in found.items if taken.admits(item)]
    random.Random(quiz.seed + attempt).shuffle(pool)
    pool.sort(key=lambda i: (i.section != old.section, i.kind != old.kind))
    titles = section_titles(engine, quiz.doc_id)
    for item in pool:
        if (offered := checked(engine, item, titles)) is not None:
            return replace(quiz, items=quiz.items[:index] + (offered,) + quiz.items[index + 1 :])
    raise QuizError("no other checked item is left in these sections")


def section_choices(engine: Engine, doc_id: str) -> list[tuple[str, str]]:
    """(ref, label) of every chapter and section, in document order, for a trainer to pick from:
    ("A 4", "A 4 · 4. Child Protection Conferences"), ("A 4.1", "A 4.1 · 4.1 Initial ..."), ..."""
    choices: dict[str, str] = {}
    for p in engine.paragraphs(doc_id):
        section = section_of(p)
        chapter = section.rsplit(".", 1)[0]
        if chapter != section and chapter not in choices and len(p.heading) > 1:
            choices[chapter] = f"{chapter} · {p.heading[1]}"
        if section not in choices:
            title = p.heading[2] if len(p.heading) > 2 else (p.heading[-1] if p.heading else section)
            choices[section] = f"{section} · {title}"
    return list(choices.items())
