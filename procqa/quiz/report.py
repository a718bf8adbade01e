"""The quiz report over a whole document: how many candidate items each type produced, how many each
check rejected, and how much of the document the surviving items reach.

The text checks run on every candidate. The retrieval check asks the engine once per item (once per pair
for matching), so on a whole document it runs on a seeded random sample (REPORT_SAMPLE items); its
rejection rate is reported as measured on that sample, counting an item that passes once its stem names
its section (as a quiz offers it).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from procqa.engine import Engine
from procqa.quiz.build import (
    LIST_MOST,
    DocumentFacts,
    candidates,
    checked,
    most_items,
    pick,
    scope,
    section_titles,
)
from procqa.quiz.facts import section_of
from procqa.quiz.items import TYPES

REPORT_SAMPLE = 300
CHAPTER_QUIZ = 20  # the quiz size the chapter table asks of every chapter


@dataclass(frozen=True)
class QuizReport:
    doc_id: str
    label: str
    generated: dict[str, int]  # type -> candidates written
    passed_text: dict[str, int]  # type -> candidates passing the text checks
    rejected: dict[str, int]  # text check -> candidates it rejected
    sampled: dict[str, int]  # type -> candidates the retrieval check ran on
    retrieved: dict[str, int]  # type -> of those, how many found their paragraph
    sections: int  # sections of the document holding paragraphs
    sections_reached: int  # sections with at least one item passing the text checks
    seconds: float
    # (chapter, paragraphs, items a quiz on it alone gives up to CHAPTER_QUIZ, most_items) when asked for
    chapters: tuple[tuple[str, int, int, int], ...] = ()

    @property
    def coverage(self) -> float:
        return self.sections_reached / self.sections if self.sections else 0.0

    def markdown(self) -> str:
        def row(name: str, g: int, p: int, s: int, r: int) -> str:
            rate = f"{r / s:.0%}" if s else "–"
            return f"| {name} | {g} | {p} | {r} of {s} ({rate}) |"

        totals = [sum(d.values()) for d in (self.generated, self.passed_text, self.sampled, self.retrieved)]
        lines = [
            f"### {self.label} ({self.doc_id}): every section, every type",
            "",
            "| type | candidates | pass the text checks | pass retrieval (sample) |",
            "| --- | ---: | ---: | ---: |",
            *(
                row(t, self.generated.get(t, 0), self.passed_text.get(t, 0), self.sampled.get(t, 0),
                    self.retrieved.get(t, 0))
                for t in TYPES
            ),
            row("**all**", *totals),
            "",
            "| text check | rejected |",
            "| --- | ---: |",
            *(f"| {name} | {count} |" for name, count in self.rejected.items()),
            "",
            f"Sections with at least one checked item: {self.sections_reached} of {self.sections} "
            f"({self.coverage:.0%}). Built in {self.seconds:.0f} s.",
        ]  # fmt: skip
        if self.chapters:
            full = [c for c in self.chapters if c[2] >= CHAPTER_QUIZ]
            lines += [
                "",
                f"Chapters a {CHAPTER_QUIZ}-item quiz can be built on alone: {len(full)} of "
                f"{len(self.chapters)}. The others, how many checked items each gives, and the most its "
                "facts allow whatever the checks say (one item per sentence, "
                f"{LIST_MOST} per list, one per numbered series):",
                "",
                "| chapter | paragraphs | items | at most |",
                "| --- | ---: | ---: | ---: |",
                *(f"| {c} | {p} | {i} | {m} |" for c, p, i, m in self.chapters if i < CHAPTER_QUIZ),
            ]
        return "\n".join(lines) + "\n"


def chapter_of(section: str) -> str:
    """ "A 4.2" -> "A 4", "3.14" -> "3", "Glossary" -> "Glossary"."""
    return section.split(".")[0]


def chapter_quizzes(
    engine: Engine, doc_id: str, types: Sequence[str] = TYPES, seed: int = 0, n: int = CHAPTER_QUIZ
) -> tuple[tuple[str, int, int, int], ...]:
    """For each chapter: its paragraphs, how many checked items (at most n) a quiz on that chapter alone
    gives (the same choice `procqa quiz --section CHAPTER -n n` makes, retrieval check included), and
    the most its facts allow (most_items)."""
    paragraphs = engine.paragraphs(doc_id)
    sizes = Counter(chapter_of(section_of(p)) for p in paragraphs)
    known = DocumentFacts.of(engine, doc_id)  # the same for every chapter: found once
    rows = []
    for chapter, size in sizes.items():
        scoped = [p for p in paragraphs if chapter_of(section_of(p)) == chapter]
        found = candidates(engine, doc_id, scoped, types, seed, known)
        chosen = pick(engine, doc_id, scoped, found, n, types, seed, known)
        wanted = set(scoped)
        rows.append(
            (chapter, size, len(chosen), most_items([f for f in known.facts if f.paragraph in wanted]))
        )
    return tuple(rows)


def quiz_report(
    engine: Engine,
    doc_id: str,
    types: Sequence[str] = TYPES,
    seed: int = 0,
    sample: int = REPORT_SAMPLE,
    progress: Callable[[int, int], None] = lambda done, total: None,
    chapters: bool = False,
) -> QuizReport:
    """Every candidate the document supports through the text checks; the retrieval check on a sample."""
    t0 = time.perf_counter()
    paragraphs = scope(engine, doc_id, (), None)
    found = candidates(engine, doc_id, paragraphs, types, seed)
    passed = Counter(item.kind for item, _ in found.items)
    chosen = random.Random(seed).sample(found.items, min(sample, len(found.items)))
    sampled, retrieved = Counter(), Counter()
    titles = section_titles(engine, doc_id)
    for i, (item, _) in enumerate(chosen, 1):
        sampled[item.kind] += 1
        retrieved[item.kind] += checked(engine, item, titles) is not None  # as a quiz would offer it
        progress(i, len(chosen))
    return QuizReport(
        doc_id,
        engine.docs[doc_id].label,
        dict(found.generated_by_type),
        dict(passed),
        dict(found.rejected),
        dict(sampled),
        dict(retrieved),
        len({section_of(p) for p in paragraphs}),
        len({item.section for item, _ in found.items}),
        time.perf_counter() - t0,
        chapter_quizzes(engine, doc_id, types, seed) if chapters else (),
    )
