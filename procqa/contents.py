"""The contents of one document, from its paragraphs' heading paths: chapters > sections > paragraphs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from procqa.records import Paragraph

# A chapter is the first two heading levels ("Part A" › "1. Responding to Concerns ..."); a section is the
# third ("1.1 Introduction"). Deeper sub-headings stay visible on each paragraph.
CHAPTER_DEPTH = 2
FRONT_MATTER = "Front matter"
CHAPTER_INTRODUCTION = "Introduction"


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Chapter:
    path: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        return " › ".join(self.path) or FRONT_MATTER

    @property
    def paragraph_count(self) -> int:
        return sum(len(s.paragraphs) for s in self.sections)


def _section_title(p: Paragraph) -> str:
    return p.heading[CHAPTER_DEPTH] if len(p.heading) > CHAPTER_DEPTH else CHAPTER_INTRODUCTION


def build_contents(paragraphs: Sequence[Paragraph]) -> list[Chapter]:
    """Chapters and sections in order of first appearance; paragraphs keep document order."""
    chapters: dict[tuple[str, ...], dict[str, list[Paragraph]]] = {}
    for p in paragraphs:
        sections = chapters.setdefault(p.heading[:CHAPTER_DEPTH], {})
        sections.setdefault(_section_title(p), []).append(p)
    return [
        Chapter(path, tuple(Section(title, tuple(ps)) for title, ps in sections.items()))
        for path, sections in chapters.items()
    ]


def locate(chapters: Sequence[Chapter], paragraph: Paragraph) -> tuple[int, int]:
    """(chapter index, section index) holding this paragraph, so the browser opens where the link points."""
    for ci, chapter in enumerate(chapters):
        if chapter.path != paragraph.heading[:CHAPTER_DEPTH]:
            continue
        for si, section in enumerate(chapter.sections):
            if section.title == _section_title(paragraph):
                return ci, si
    return 0, 0


def default_chapter(chapters: Sequence[Chapter]) -> int:
    """Where browsing starts without a paragraph to show: the first real chapter, not the front matter."""
    return next((i for i, c in enumerate(chapters) if c.path), 0)
