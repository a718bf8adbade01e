"""Text clean-up shared by every parser: link debris, escapes, page furniture, split words."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
ESCAPE = re.compile(r"\\([()\[\]*_#.\-!>+`])")
BOLD = re.compile(r"\*\*([^*]+)\*\*")
# A contents line ends in dot leaders or a tab and a page number: "1.6 Professional response..... 25".
TOC_LINE = re.compile(r"(\.{4,}|\t)\s*\d{1,4}\s*$")
PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?(\d{1,4})(?:\s+of\s+\d{1,4})?\s*$", re.IGNORECASE)
BULLET = re.compile(r"^\s*(?:[-•*▪●◦‣–]|\uf0b7|o(?=\s))\s+")
BULLET_ONLY = re.compile(r"^\s*(?:[-•*▪●◦‣–]|\uf0b7)(?:\s*[-•*▪●◦‣–\uf0b7])*\s*$")
# PDF renderers keep typographic ligatures ("oﬀice") and soft hyphens; searched as typed they would
# never match "office". Only these are unfolded: full NFKC would also rewrite "…" and "½" in quotes.
LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
     "\ufb06": "st", "\u00ad": None}
)  # fmt: skip
HTML_LIST = re.compile(r"\s*<ul[^>]*>\s*(?:•\s*)?")
HTML_TAG = re.compile(r"</?(?:ul|li|br)[^>]*>")
TERMINAL = re.compile(r"[.!?:;]['\"’”)\]]*$")


@dataclass(frozen=True)
class Line:
    """One line of a source with the page it was printed on (None where the source has no pages)."""

    text: str
    page: int | None = None


def clean_inline(text: str) -> str:
    """Markdown link debris and escapes out, the words kept: "[Working Together](#)" -> "Working Together"."""
    text = LINK.sub(lambda m: m.group(1), text)
    text = ESCAPE.sub(r"\1", text)
    text = BOLD.sub(r"\1", text).replace("**", "")
    text = re.sub(r"\[\s*\)\s*,?\s*", "", text)  # "[\), Disclosure ..." left by a broken link
    text = text.replace("\u00a0", " ").replace("\uf0b7", "•").translate(LIGATURES)
    # A table cell holding an HTML list ("Label\t<ul ...> • one • two"): the label leads into its items.
    if HTML_LIST.search(text):
        text = HTML_LIST.sub(": ", text, count=1)
        text = re.sub(r"\s+•\s+", "; ", HTML_TAG.sub(" ", text))
    return re.sub(r"[ \t]+", " ", text).strip()


def join_wrapped(previous: str, line: str) -> str:
    """Join a line the PDF wrapped; a word split by a hyphen at the line end is mended."""
    if re.search(r"[a-z]-$", previous) and re.match(r"[a-z]", line):
        return previous[:-1] + line
    return f"{previous} {line}" if previous else line


def ends_sentence(text: str) -> bool:
    return bool(TERMINAL.search(text.rstrip()))


def strip_repeated_furniture(pages: list[list[str]], min_share: float = 0.4) -> list[list[str]]:
    """Drop running headers and footers: lines that recur at the top or bottom of many pages.

    Digits are folded before counting so "Page 3" and "Page 4" count as one footer.
    """
    if len(pages) < 3:
        return pages

    def key(s: str) -> str:
        return re.sub(r"\d+", "#", s.strip().lower())

    counts: Counter[str] = Counter()
    for lines in pages:
        edge = [ln for ln in lines if ln.strip()]
        counts.update({key(ln) for ln in edge[:3] + edge[-3:]})
    furniture = {k for k, n in counts.items() if k and n >= max(3, min_share * len(pages))}
    cleaned = []
    for lines in pages:
        edge = [i for i, ln in enumerate(lines) if ln.strip()]
        edge_idx = set(edge[:3] + edge[-3:])
        cleaned.append([ln for i, ln in enumerate(lines) if not (i in edge_idx and key(ln) in furniture)])
    return cleaned
