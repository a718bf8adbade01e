"""The section map: per chapter and section of each document, how many gold questions, quiz items and
staff questions land there, and which sections nothing reaches.

What counts, so a lead can check any cell:
- gold      questions of eval/gold.jsonl (every split: this counts where questions land, it evaluates
            nothing) whose gold refs are in the section; a question counts once per section;
- quiz      candidate quiz items of the whole document that pass the text checks
            (procqa.quiz.build.candidates, every question type, seed 0: no retrieval check, no choosing),
            counted once per section of the paragraphs they cite;
- staff     logged questions (the app's opt-in question log) whose closest paragraph in this document is
            in the section.
A section is a paragraph's section ref (procqa.quiz.facts.section_of: "A 1.6", "3.8", "Glossary"); its
chapter is the ref less its last ".n" ("A 1", "3").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from procqa.eval.gold import GoldQuestion
from procqa.eval.gold import load_gold as load_gold_questions
from procqa.feedback.log import LoggedQuestion
from procqa.quiz.build import candidates, section_choices
from procqa.quiz.facts import section_of
from procqa.quiz.items import TYPES
from procqa.records import Paragraph


@dataclass(frozen=True)
class SectionRow:
    doc_id: str
    label: str
    chapter: str  # "A 1"
    chapter_title: str  # "1. Responding to Concerns ..." ("" when the chapter has no heading of its own)
    section: str  # "A 1.6"
    title: str
    paragraphs: int
    first: Paragraph  # the section's first paragraph, for a link
    gold: int = 0
    quiz: int = 0
    staff: int = 0

    @property
    def reached(self) -> bool:
        return bool(self.gold or self.quiz or self.staff)


def chapter_of(section: str) -> str:
    return section.rsplit(".", 1)[0]


def gold_questions(path: Path) -> list[GoldQuestion]:
    """Every gold question (all splits); none when the file is absent (an installed procqa has none)."""
    return load_gold_questions(path) if Path(path).is_file() else []


def gold_counts(paragraphs: Sequence[Paragraph], doc_id: str, gold: Sequence[GoldQuestion]) -> Counter:
    by_ref: dict[str, list[Paragraph]] = {}
    for p in paragraphs:
        by_ref.setdefault(p.ref, []).append(p)
    out: Counter = Counter()
    for q in gold:
        if q.doc == doc_id:
            # A gold ref names a paragraph, or a heading and every ¶ under it (eval.gold.paragraphs_for_ref).
            out.update({section_of(p) for ref in q.gold for p in by_ref.get(ref, [])})
    return out


def quiz_counts(engine, doc_id: str) -> Counter:
    """Checked candidate items per section (see the module docstring)."""
    paragraphs = engine.paragraphs(doc_id)
    where = {(p.ref, p.para): section_of(p) for p in paragraphs}
    found = candidates(engine, doc_id, paragraphs, TYPES, 0)
    out: Counter = Counter()
    for item, _ in found.items:
        out.update({where.get((s.ref, s.para), item.section) for s in item.sources})
    return out


def staff_counts(paragraphs: Sequence[Paragraph], doc_id: str, log: Sequence[LoggedQuestion]) -> Counter:
    where = {(p.ref, p.para): section_of(p) for p in paragraphs}
    out: Counter = Counter()
    for q in log:
        top = q.top_ref(doc_id)
        if top is not None and (top[1], top[2]) in where:
            out[where[(top[1], top[2])]] += 1
    return out


def section_map(
    engine,
    doc_ids: Sequence[str],
    gold: Sequence[GoldQuestion],
    log: Sequence[LoggedQuestion],
    quiz: Mapping[str, Counter] | None = None,
) -> list[SectionRow]:
    """Every section of every document, in document order. `quiz` (doc -> items per section) is
    computed with quiz_counts when not given."""
    out = []
    for doc_id in doc_ids:
        paragraphs = engine.paragraphs(doc_id)
        label = engine.docs[doc_id].label
        titles = dict(section_choices(engine, doc_id))
        golds = gold_counts(paragraphs, doc_id, gold)
        quizzes = quiz[doc_id] if quiz is not None else quiz_counts(engine, doc_id)
        staff = staff_counts(paragraphs, doc_id, log)
        sections: dict[str, list[Paragraph]] = {}
        for p in paragraphs:
            sections.setdefault(section_of(p), []).append(p)
        for section, ps in sections.items():
            chapter = chapter_of(section)
            out.append(
                SectionRow(
                    doc_id=doc_id,
                    label=label,
                    chapter=chapter,
                    chapter_title=_title(titles.get(chapter, "") if chapter != section else ""),
                    section=section,
                    title=_title(titles.get(section, "")),
                    paragraphs=len(ps),
                    first=ps[0],
                    gold=golds[section],
                    quiz=quizzes[section],
                    staff=staff[section],
                )
            )
    return out


def _title(choice: str) -> str:
    """'A 4 · 4. Child Protection Conferences' -> '4. Child Protection Conferences'."""
    return choice.split(" · ", 1)[1] if " · " in choice else choice


@dataclass(frozen=True)
class ChapterRow:
    doc_id: str
    label: str
    chapter: str
    title: str
    sections: int
    reached: int
    unreached: tuple[SectionRow, ...]
    gold: int
    quiz: int
    staff: int


def chapters(rows: Sequence[SectionRow]) -> list[ChapterRow]:
    """The section map summed per chapter, in document order."""
    groups: dict[tuple[str, str], list[SectionRow]] = {}
    for r in rows:
        groups.setdefault((r.doc_id, r.chapter), []).append(r)
    return [
        ChapterRow(
            doc_id=doc_id,
            label=rs[0].label,
            chapter=chapter,
            title=next((r.chapter_title for r in rs if r.chapter_title), ""),
            sections=len(rs),
            reached=sum(r.reached for r in rs),
            unreached=tuple(r for r in rs if not r.reached),
            gold=sum(r.gold for r in rs),
            quiz=sum(r.quiz for r in rs),
            staff=sum(r.staff for r in rs),
        )
        for (doc_id, chapter), rs in groups.items()
    ]
