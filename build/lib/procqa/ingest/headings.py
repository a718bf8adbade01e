"""Parse documents that number headings, not paragraphs (AWCPP style: "3.8.3 Consider the child").

`ref` is the most specific heading number printed above a paragraph and `para` counts the paragraphs
under it ("AWCPP 3.8.3 ¶2"). Guidance boxes are "Box N"; the glossary becomes term/definition records.
The text is hard-wrapped, so paragraphs are found from line shape: a short line that ends a sentence,
or a blank line after one, closes a paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from procqa.ingest.clean import BULLET, BULLET_ONLY, TOC_LINE, Line, clean_inline, ends_sentence, join_wrapped
from procqa.ingest.uniq import UniqueRefs
from procqa.records import Paragraph

HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,4})\.?\s+(\S.*)$")
CHAPTER = re.compile(r"^(\d{1,2})\.\s+([A-Z].*)$")
PART = re.compile(r"^PART\s+(\d+)\s*$")
BOX = re.compile(r"^Box\s+(\d+)\s*:?\s+([A-Z].*)$")
PAGE_START = re.compile(r"^(?:\f| (?! ))")
BARE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
# Front-matter regions, by the title line that opens each.
REGIONS = {
    "preface": "Preface",
    "contents": None,  # skipped
    "glossary": "Glossary",
    "list of boxes": None,
    "introduction": "Introduction",
}


# Where headings are looked for: anywhere but the contents, glossary and list-of-boxes regions.
TEXT_REGIONS = {"front", "preface", "introduction", "body"}


def number_tuple(number: str) -> tuple[int, ...]:
    return tuple(int(x) for x in number.split("."))


def is_successor(new: tuple[int, ...], last: tuple[int, ...]) -> bool:
    """Is `new` a plausible next heading after `last`? Guards against numbers quoted in the text
    ("see 5.3.2.3"), lists of coming headings, and misprints such as "5.4.3" inside section 5.2."""
    if not last or new == last:  # a repeat is kept, and made unique later
        return True
    if new[: len(last)] == last:  # a child, one or two levels down
        return len(new) - len(last) <= 2 and all(x <= 2 for x in new[len(last) :])
    for i in range(min(len(new), len(last))):
        if new[i] != last[i]:
            step = new[i] - last[i]
            return new[:i] == last[:i] and 1 <= step <= 3 and all(x <= 2 for x in new[i + 1 :])
    return False


@dataclass
class _State:
    region: str = "front"
    chapter: str = ""
    headings: dict[int, str] = field(default_factory=dict)  # depth -> "3.8 Working with ..."
    ref: str = "Front matter"
    kind: str = "intro"
    last_number: tuple[int, ...] = ()
    para: int = 0
    lines: list[str] = field(default_factory=list)
    page: int | None = None
    in_list: bool = False


def parse_headings(doc_id: str, lines: list[Line]) -> list[Paragraph]:
    lines = _drop_furniture(lines)
    width = _typical_width(lines)
    out: list[Paragraph] = []
    refs = UniqueRefs()
    para_counts: Counter[str] = Counter()
    s = _State()
    glossary: list[list[str]] = []  # blocks of lines, split on blank lines
    glossary_page: int | None = None

    def heading_path() -> tuple[str, ...]:
        return tuple(s.headings[d] for d in sorted(s.headings))

    def close_paragraph() -> None:
        text = _format(s.lines)
        s.lines, s.in_list = [], False
        if not text:
            return
        para_counts[s.ref] += 1
        n = para_counts[s.ref]
        out.append(Paragraph(doc_id, s.ref, text, heading_path(), s.page, n, s.kind, len(out)))

    def open_heading(ref: str, title: str, depth: int, kind: str = "paragraph") -> None:
        close_paragraph()
        s.headings = {d: h for d, h in s.headings.items() if d < depth}
        s.headings[depth] = title
        s.ref, s.kind = refs.claim(ref), kind

    i = 0
    while i < len(lines):
        line = lines[i]
        text = clean_inline(line.text)
        i += 1
        low = text.lower().rstrip(":")
        if low in REGIONS and s.region != "body":
            close_paragraph()
            s.region = low
            if REGIONS[low]:
                s.headings = {0: REGIONS[low]}
                s.ref, s.kind = refs.claim(REGIONS[low]), "intro"
            continue
        if s.region in ("contents", "list of boxes"):
            if PART.match(text) and not TOC_LINE.search(line.text):
                s.region = "body"  # contents end where the first part begins
            else:
                continue
        if s.region == "glossary":
            if PART.match(text):
                s.region = "body"
            else:
                glossary_page = glossary_page or line.page
                if not text:
                    glossary.append([])
                elif not BULLET_ONLY.match(text):
                    if not glossary:
                        glossary.append([])
                    glossary[-1].append(BULLET.sub("", text))
                continue

        if not text:
            if s.lines and s.lines[-1].endswith((".", "!", "?")) and not s.in_list:
                close_paragraph()
            continue
        if BULLET_ONLY.match(text):
            continue
        if s.page is None or not s.lines:
            s.page = line.page

        if m := PART.match(text):
            close_paragraph()
            s.region = "body"
            s.headings = {0: f"Part {m.group(1)}"}
            continue
        if s.region in TEXT_REGIONS and (m := CHAPTER.match(text)) and _is_chapter(m, s.chapter, lines, i):
            title, i = _wrapped_title(text, lines, i)
            open_heading(m.group(1), title, 1)
            s.chapter, s.last_number, s.region = m.group(1), (int(m.group(1)),), "body"
            continue
        if s.region in TEXT_REGIONS and (m := BOX.match(text)):
            title, i = _wrapped_title(text, lines, i)
            open_heading(f"Box {m.group(1)}", title, 9, kind="box")
            continue
        if s.region in TEXT_REGIONS and (m := HEADING.match(text)) and _is_heading(m, s, lines, i):
            number = number_tuple(m.group(1))
            title, i = _wrapped_title(text, lines, i)
            depth = len(number)
            body = ""
            if len(m.group(2)) >= 65 or m.group(2).endswith(","):
                body, title = title[len(m.group(1)) :].strip(), m.group(1)  # a numbered paragraph
            open_heading(m.group(1), title, depth)
            s.last_number = number
            if body:
                s.lines.append(body)
                s.page = line.page
            continue

        # Body text: decide whether this line continues the paragraph or starts a new one.
        bullet = bool(BULLET.match(text))
        text = BULLET.sub("", text)
        if s.lines and _closes(s.lines[-1], width) and (text[:1].isupper() or bullet) and not s.in_list:
            close_paragraph()
            s.page = line.page
        if s.lines and s.lines[-1].endswith(":"):
            s.in_list = True
        if s.in_list and s.lines and (bullet or s.lines[-1].endswith((";", ":", "."))):
            s.lines.append(f"- {text}")
            if text.endswith(".") and _closes(text, width):
                s.in_list = False
        elif s.lines:
            s.lines[-1] = join_wrapped(s.lines[-1], text)
        else:
            s.lines.append(text)
    close_paragraph()
    out.extend(_glossary_records(doc_id, glossary, glossary_page, refs, len(out)))
    return out


def _format(lines: list[str]) -> str:
    return "\n".join(ln.strip() for ln in lines if ln.strip())


def _closes(line: str, width: int) -> bool:
    """A line that ends a sentence well short of the measure ends its paragraph."""
    return ends_sentence(line) and not line.endswith((":", ";")) and len(line) < 0.8 * width


def _is_chapter(m: re.Match, current: str, lines: list[Line], i: int) -> bool:
    """ "4. Child Protection in Specific Circumstances" is chapter 4 only if the next numbered heading
    is 4.x; otherwise "4. Have access to play ..." is an item of a numbered list."""
    title = m.group(2)
    expected = str(int(current) + 1) if current else "1"
    if m.group(1) != expected or title.endswith((";", ",")) or len(title) >= 90:
        return False
    for line in lines[i : i + 300]:
        if h := HEADING.match(clean_inline(line.text)):
            return h.group(1).startswith(f"{expected}.")
    return False


def _is_heading(m: re.Match, s: _State, lines: list[Line], i: int) -> bool:
    number, title = number_tuple(m.group(1)), m.group(2)
    if title.endswith(";") and len(title) < 65:
        return False  # "4.3.1 Allegations of ... residential homes;": a list of coming headings
    if s.chapter and number[0] != int(s.chapter):
        return False
    if s.lines and s.lines[-1].endswith(";") and s.lines[-1][:1].isdigit():
        return False
    return is_successor(number, s.last_number)


def _wrapped_title(text: str, lines: list[Line], i: int) -> tuple[str, int]:
    """Headings wrap: "1.2 Principles underpinning work to safeguard and" / "promote the welfare of
    children". A next line that starts in lower case, when this one does not end a sentence, joins."""
    while i < len(lines):
        nxt = clean_inline(lines[i].text)
        if nxt and nxt[0].islower() and not ends_sentence(text) and len(nxt) < 60:
            text = join_wrapped(text, nxt)
            i += 1
            continue
        break
    return text, i


def _drop_furniture(lines: list[Line]) -> list[Line]:
    """Running headers (a short line printed on many pages) and page numbers go.

    Where the source has no page objects (a text conversion), pages are counted: a form feed, or the
    single leading space pdftotext leaves in its place, starts a page, and a printed page number
    re-anchors the count. Lone small numbers that do not fit the count are footnote marks.
    """
    counts = Counter(ln.text.strip() for ln in lines if ln.text.strip())
    furniture = {t for t, n in counts.items() if n >= 8 and len(t) < 80 and not BULLET_ONLY.match(t)}
    has_pages = any(ln.page is not None for ln in lines)
    page_marks = sum(bool(PAGE_START.match(ln.text)) for ln in lines) * 80 >= len(lines)
    out: list[Line] = []
    page, anchored = 1, False
    for ln in lines:
        t = ln.text.strip()
        if page_marks and PAGE_START.match(ln.text) and not anchored:
            page += 1
        if t:
            anchored = False
        if t in furniture:
            continue
        if m := BARE_NUMBER.match(t):
            n = int(m.group(1))
            if not has_pages and page - 1 <= n <= page + 10:
                page, anchored = n + 1, True
            continue
        out.append(Line(ln.text, ln.page if has_pages else page))
    return out


def _typical_width(lines: list[Line]) -> int:
    lengths = sorted(len(ln.text.strip()) for ln in lines if len(ln.text.strip()) > 20)
    return lengths[int(len(lengths) * 0.9)] if lengths else 80


def _glossary_records(
    doc_id: str, blocks: list[list[str]], page: int | None, refs: UniqueRefs, start: int
) -> list[Paragraph]:
    """Two-column glossary text comes out as alternating blocks: a short term, then its definition
    (which may run over several blocks). A block is a term when it is one short line that follows
    a definition, or the first block."""
    entries: list[tuple[str, list[str]]] = []
    after_term = False
    for block in (b for b in blocks if b):
        term_shape = len(block) == 1 and len(block[0].split()) <= 6 and not block[0].endswith(".")
        if not entries or (term_shape and not after_term and block[0][:1].isupper()):
            entries.append((block[0], []))
            after_term = True
        else:
            entries[-1][1].extend(block)
            after_term = False
    out = []
    for term, definition in entries:
        text = re.sub(r"\s+", " ", " ".join(definition)).strip()
        if text:
            ref = refs.claim(f"Glossary: {term}")
            out.append(
                Paragraph(doc_id, ref, f"{term}: {text}", ("Glossary",), page, None, "glossary", start)
            )
            start += 1
    return out
