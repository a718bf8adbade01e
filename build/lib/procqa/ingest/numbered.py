"""Parse documents that number their paragraphs (SET style: "1.6.5 A formal referral ...").

`ref` is the part letter and the printed number ("A 1.6.5"). Two-level numbers ("1.6 Professional
response") and "N. Title" lines are headings; un-numbered short lines followed by a numbered paragraph
are sub-headings; every other line belongs to the numbered paragraph above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from procqa.ingest.clean import (
    BULLET,
    BULLET_ONLY,
    PAGE_NUMBER,
    TOC_LINE,
    Line,
    clean_inline,
    ends_sentence,
    join_wrapped,
)
from procqa.ingest.uniq import UniqueRefs
from procqa.records import Paragraph

PARA_NUM = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){2,4})\.?(?:\s+(.*))?$")
SECTION = re.compile(r"^(\d{1,3}\.\d{1,3})\.?\s+(\S.*)$")
CHAPTER = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
PART = re.compile(r"^PART\s+([A-Z])\s*$", re.IGNORECASE)
# "PART B1: General Practice Guidance" or its running-header form "B4: Appendices".
SUBPART = re.compile(r"^(?:PART\s+)?([A-Z])(\d):\s*(\S.*)$", re.IGNORECASE)
# "PART A: 1. Responding to Concerns..." repeated at the top of each page.
RUNNING = re.compile(r"^PART\s+[A-Z]\d?:\s*\d+\.\s", re.IGNORECASE)


def looks_numbered(lines: list[Line]) -> bool:
    """True when a document numbers its paragraphs (not just its headings)."""
    sentences = titles = 0
    for line in lines:
        m = PARA_NUM.match(BULLET.sub("", line.text.strip()))
        words = len(m.group(2).split()) if m and m.group(2) else 0
        if words >= 12 or (words >= 4 and m.group(2).rstrip().endswith(".")):
            sentences += 1
        elif m:
            titles += 1
    # Numbered sentences (not numbered titles) are the mark, in a long document or a short one.
    return sentences >= 20 or (sentences >= 1 and sentences >= titles)


@dataclass
class _State:
    part: str = ""
    part_heading: str = ""
    chapter: int = 0
    chapter_title: str = ""
    section: str = ""
    section_title: str = ""
    sub: str = ""
    ref: str = ""
    kind: str = "intro"
    page: int | None = None
    parts: list[str] = field(default_factory=list)
    blank_before: bool = True


def _heading(s: _State) -> tuple[str, ...]:
    path = [s.part_heading or (f"Part {s.part}" if s.part else "")]
    path += [f"{s.chapter}. {s.chapter_title}" if s.chapter_title else ""]
    path += [f"{s.section} {s.section_title}".strip() if s.section else "", s.sub]
    return tuple(p for p in path if p)


def parse_numbered(doc_id: str, lines: list[Line], wrapped: bool = False) -> list[Paragraph]:
    """`wrapped`: the source breaks lines inside sentences (a PDF), so a line without a blank line
    before it continues the one above; in Markdown every line is a line of its own."""
    out: list[Paragraph] = []
    refs = UniqueRefs()
    s = _State()
    pending: list[str] = []  # sub-heading candidates, resolved by what follows them

    def flush() -> None:
        s.parts.extend(pending)  # short lines that no numbered paragraph followed are content
        pending.clear()
        text = "\n".join(p for p in s.parts if p).strip()
        if text:
            ref = refs.claim(s.ref or "Front matter")
            out.append(Paragraph(doc_id, ref, text, _heading(s), s.page, None, s.kind, len(out)))
        s.parts = []

    def prefix() -> str:
        return f"{s.part} " if s.part else ""

    def add_text(text: str, bullet: bool, page: int | None) -> None:
        for cand in pending:  # they were content after all (an address, a table row)
            s.parts.append(cand)
        pending.clear()
        if not s.parts and not s.ref:
            s.ref = f"{prefix()}{s.section or s.chapter or ''}".strip()
            s.kind, s.page = "intro", page
        if bullet:
            s.parts.append(f"- {text}")
        elif wrapped and s.parts and not s.blank_before and not ends_sentence(s.parts[-1]):
            s.parts[-1] = join_wrapped(s.parts[-1], text)
        else:
            s.parts.append(text)

    for idx, line in enumerate(lines):
        raw = line.text.rstrip()
        stripped = raw.strip()
        if not stripped or BULLET_ONLY.match(stripped):
            s.blank_before = True
            continue
        if TOC_LINE.search(stripped) or stripped.lower() == "contents" or PAGE_NUMBER.match(stripped):
            continue
        bullet = bool(BULLET.match(stripped))
        body = clean_inline(BULLET.sub("", stripped) if bullet else stripped)
        if not body:
            continue

        if RUNNING.match(body):
            continue
        if m := PART.match(body):
            flush()
            s.part, s.part_heading, s.chapter, s.chapter_title = m.group(1).upper(), "", 0, ""
            s.section = s.section_title = s.sub = s.ref = ""
            s.blank_before = True
            continue
        if (m := SUBPART.match(body)) and not bullet:
            # Part B's sub-parts (B1-B4) share one chapter numbering: the label is a heading only.
            s.part = m.group(1).upper()
            s.part_heading = f"Part {s.part}{m.group(2)}: {m.group(3)}"
            s.blank_before = True
            continue

        m = PARA_NUM.match(body)
        if m and int(m.group(1).split(".")[0]) >= max(s.chapter, 1) - 0:
            number, rest = m.group(1), (m.group(2) or "").strip()
            if pending:
                s.sub = pending.pop()
            flush()
            chapter = int(number.split(".")[0])
            if chapter != s.chapter:  # a chapter whose heading line was not printed
                s.chapter, s.chapter_title = chapter, ""
            sec = ".".join(number.split(".")[:2])
            if _as_tuple(sec) > _as_tuple(s.section or "0.0"):
                # Only a later number moves the section on: SET prints "3.5 Initiating a s47
                # enquiry" above paragraphs 3.4.20-3.4.29, and they stay under that printed heading.
                s.section, s.section_title = sec, ""
            s.ref, s.kind, s.page = f"{prefix()}{number}", "paragraph", line.page
            if rest:
                s.parts.append(rest)
            s.blank_before = False
            continue

        if not bullet and (m := SECTION.match(body)) and _section_fits(m.group(1), s.chapter, lines, idx):
            flush()
            s.chapter = int(m.group(1).split(".")[0])
            s.section, s.section_title, s.sub, s.ref = m.group(1), m.group(2).strip(), "", ""
            s.blank_before = True
            continue

        if not bullet and (m := CHAPTER.match(body)):
            num, title = int(m.group(1)), m.group(2).strip()
            if num == s.chapter and (not s.chapter_title or title == s.chapter_title):
                s.chapter_title = s.chapter_title or title
                continue  # the chapter title repeated as a running header
            if (
                num > s.chapter
                and not title.endswith((";", ",", "."))
                and len(title) < 160
                and _next_chapter(lines, idx) >= num
                and not _continues_list(lines, idx, num)
            ):
                flush()
                s.chapter, s.chapter_title = num, title
                s.section = s.section_title = s.sub = s.ref = ""
                s.blank_before = True
                continue

        if s.chapter_title and body in (s.chapter_title, s.part_heading.split(": ", 1)[-1]):
            continue  # a running header without its number ("Appendix 5: A guide to ...")

        previous_closed = s.blank_before or not s.parts or ends_sentence(s.parts[-1])
        if (
            not bullet
            and previous_closed
            and _is_subheading_shape(body)
            and _next_is_numbered(lines, idx, s.chapter)
        ):
            pending.append(body)
            s.blank_before = True
            continue

        add_text(body, bullet, line.page)
        s.blank_before = False

    flush()
    return out


def _is_subheading_shape(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 14
        and len(text) <= 110
        and text[0].isupper()
        and not ends_sentence(text)
        and not text.endswith(",")
    )


def _next_is_numbered(lines: list[Line], idx: int, chapter: int) -> bool:
    """A short line is a sub-heading when the next content line starts a numbered paragraph."""
    for line in lines[idx + 1 : idx + 12]:
        text = line.text.strip()
        if not text or BULLET_ONLY.match(text) or PAGE_NUMBER.match(text) or RUNNING.match(text):
            continue
        text = clean_inline(BULLET.sub("", text))
        if SUBPART.match(text):
            continue
        if m := CHAPTER.match(text):
            if int(m.group(1)) == chapter:
                continue  # the running header
            return False
        return bool(PARA_NUM.match(text) or SECTION.match(text))
    return False


def _as_tuple(number: str) -> tuple[int, ...]:
    return tuple(int(x) for x in number.split("."))


def _next_number(lines: list[Line], idx: int, window: int = 400) -> str:
    """The next paragraph or section number printed after line `idx` ("" if none is near)."""
    for line in lines[idx + 1 : idx + window]:
        text = clean_inline(BULLET.sub("", line.text.strip()))
        if m := (PARA_NUM.match(text) or SECTION.match(text)):
            return m.group(1)
    return ""


def _section_fits(number: str, chapter: int, lines: list[Line], idx: int) -> bool:
    """A two-level number is a section heading of this chapter, or of the next one when what follows
    confirms it (a chapter whose heading line was lost); anything else is a list item or a reference."""
    first = int(number.split(".")[0])
    if first == chapter:
        return True
    return first == chapter + 1 and _next_number(lines, idx).startswith(f"{number}.")


def _next_chapter(lines: list[Line], idx: int) -> int:
    """Chapter of the next printed paragraph or section number; a large number when none follows."""
    number = _next_number(lines, idx, window=len(lines))
    return int(number.split(".")[0]) if number else 10**6


def _continues_list(lines: list[Line], idx: int, num: int) -> bool:
    """ "8. Appropriate arrangements ..." followed by "9. A debate ..." is a numbered list, not chapter 8."""
    for line in lines[idx + 1 : idx + 6]:
        text = clean_inline(BULLET.sub("", line.text.strip()))
        if not text:
            continue
        m = CHAPTER.match(text)
        return bool(m and int(m.group(1)) == num + 1)
    return False
