"""Outside law and guidance a document cites: Acts, Regulations and the national guidance by name.

Found by pattern, not by a model, so every row can be checked by reading its paragraphs:
- an Act: capitalised words ending in "Act", with the year when printed ("Section 47 of the Children Act
  1989" -> "Children Act 1989"; "the Children Act" on its own joins the Act of that name when the document
  prints only one year for it);
- Regulations: capitalised words ending in "Regulations" ("Care Planning Regulations 2010");
- guidance: the titles in GUIDANCE ("Working Together to Safeguard Children 2023", "Working Together 2023").
Rows are sorted by the number of paragraphs citing them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from procqa.records import Paragraph

# Titles of guidance (not law), with the pattern that finds each; the year, when printed, follows.
_YEAR = r"(?:[ \t]*[(,]?[ \t]*(?P<year>(?:19|20)\d\d)\)?)?"
GUIDANCE = {
    "Working Together to Safeguard Children": (
        r"Working Together to Safeguard Children|Working Together(?=[ \t]*\(?(?:19|20)\d\d)"
    ),
    "Safeguarding Children: Working Together under the Children Act 2004": (
        r"Working Together under the Children Act(?: 2004)?"
    ),
    "Keeping Children Safe in Education": r"Keeping Children Safe in Education",
    "Framework for the Assessment of Children in Need and their Families": (
        r"Framework for the Assessment of Children in Need"
    ),
    "United Nations Convention on the Rights of the Child": (
        r"(?:UN|United Nations) Convention on the Rights of the Child|UNCRC"
    ),
    "Statutory guidance on children who run away or go missing": (
        r"[Ss]tatutory guidance on children who run away or go missing"
    ),
    "Council of Europe Convention on Action against Trafficking": (
        r"Council of Europe Convention on Action against Trafficking"
    ),
    "Hague Convention": r"Hague Convention",
}
_CAP = r"[A-Z][A-Za-z’'-]*"
_LINK = r"(?:and|of|for|the|to|in|on|&)"
_LAW = re.compile(
    rf"(?P<title>{_CAP}(?:[ \t]+(?:{_LINK}[ \t]+)*{_CAP})*?[ \t]+(?P<kind>Act|Regulations))\b{_YEAR}"
)
# Words a sentence puts before a title: "Under the Children Act", "Section 47 of the ...".
_LEAD = {"the", "under", "use", "a", "an", "section", "sections", "s", "part", "see", "in", "of", "and", "by"}
_NOT_TITLE = {"guidance", "practice", "procedures", "this", "that", "these", "immediate", "regulated"}


@dataclass(frozen=True)
class Citing:
    title: str
    year: str  # "" when never printed with the title
    kind: str  # act | regulations | guidance


@dataclass(frozen=True)
class GuidanceRow:
    """One Act, set of Regulations or guidance, and the paragraphs of one document citing it."""

    doc_id: str
    label: str
    title: str
    year: str
    kind: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def name(self) -> str:
        return f"{self.title} {self.year}" if self.year and not self.title.endswith(self.year) else self.title

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(f"{self.label} {p.cite_ref}" for p in self.paragraphs)


def _clean_title(title: str) -> str:
    if title.split()[0].lower() in ("chapter", "part", "section", "schedule") and " of the " in title:
        title = title.rsplit(" of the ", 1)[1]  # "Chapter I of Part I of the Crime and Disorder Act"
    title = re.sub(r"Children[’']s Act", "Children Act", title)  # a common misprint of the Act's name
    words = title.split()
    while words and words[0].lower().strip("’'") in _LEAD:
        words.pop(0)
    return " ".join(words).replace(" & ", " and ")


def citations_in(text: str) -> list[Citing]:
    """Every law or guidance a text cites, in order (a title inside a longer guidance title is not
    counted twice: "Working Together under the Children Act 2004" is guidance, not the Act)."""
    found: list[tuple[int, Citing]] = []
    taken = []
    for title, pattern in GUIDANCE.items():
        for m in re.finditer(f"(?i:{pattern}){_YEAR}", text):
            year = "" if title[-1].isdigit() else m.group("year") or ""
            found.append((m.start(), Citing(title, year, "guidance")))
            taken.append((m.start(), m.end()))
    for m in _LAW.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        title = _clean_title(m.group("title"))
        words = title.split()
        if len(words) < 2 or words[0].lower() in _NOT_TITLE or any(w.lower() in _NOT_TITLE for w in words):
            continue
        kind = "act" if m.group("kind") == "Act" else "regulations"
        found.append((m.start(), Citing(title, m.group("year") or "", kind)))
    return [c for _, c in sorted(found, key=lambda x: x[0])]


def guidance_rows(doc_id: str, label: str, paragraphs: Sequence[Paragraph]) -> list[GuidanceRow]:
    """The law and guidance one document cites, most cited first."""
    cited: dict[tuple[str, str, str], list[Paragraph]] = defaultdict(list)
    spelling: dict[str, str] = {}  # "Protection Of Children Act" is "Protection of Children Act"
    for p in paragraphs:
        for c in citations_in(p.text):
            title = spelling.setdefault(c.title.lower(), c.title)
            cited[(title, c.year, c.kind)].append(p)
    # "the Children Act" with no year joins the one year the document prints for it, if only one.
    years: dict[str, set[str]] = defaultdict(set)
    for title, year, _ in cited:
        if year:
            years[title].add(year)
    merged: dict[tuple[str, str, str], list[Paragraph]] = defaultdict(list)
    for (title, year, kind), ps in cited.items():
        if not year and len(years[title]) == 1:
            year = next(iter(years[title]))
        merged[(title, year, kind)].extend(ps)
    rows = [
        GuidanceRow(doc_id, label, title, year, kind, tuple(dict.fromkeys(ps)))
        for (title, year, kind), ps in merged.items()
    ]
    return sorted(rows, key=lambda r: (-len(r.paragraphs), r.title, r.year))
