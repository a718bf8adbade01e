"""Sections of Acts the procedures rest on: "section 47 of the Children Act 1989", "Section 17(10) of the
Children Act 1989 states ...", "Section 11 of the Children Act 2004".

A trainer asks which section a duty comes from; the answer is the section ("section 47") and the Act it
belongs to is named in the same sentence, so a distractor can be another section of the same Act.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An Act's name: capitalised words (and "and"), "Act"; its title adds the year.
ACT_NAME = r"\b(?:[A-Z][\w’']*\s+)+?(?:and\s+(?:[A-Z][\w’']*\s+)+)?Act"
ACT = re.compile(ACT_NAME + r"\s+\d{4}\b")
# "section 47" / "Section 17(10)" (the subsection is kept out of the value: a learner names sections;
# a range "sections 16-23" is not one section),
# then optionally "of the <Act>". Abbreviations ("s47", "s.44") are left out: an option list mixing
# "s47" and "section 17" gives its answer away.
_SECTION = re.compile(
    r"\b(?P<ref>[Ss]ection\s+(?P<num>\d{1,3}[A-Z]?))(?!\d|\.\d|\s?[-–]\s?\d)(?:\s?\(\w+\))*"
    rf"(?:\s+of\s+(?:the\s+)?(?P<act>{ACT.pattern}))?"
)


@dataclass(frozen=True)
class Statute:
    text: str  # the section as printed: "section 47", "Section 17"
    start: int
    end: int
    number: str  # "47", "38A"
    act: str  # the Act, normalised: "children act 1989"


def act_key(title: str) -> str:
    """ "The Children's Act 1989" and "Children Act 1989" are one Act."""
    return re.sub(r"[’']s\b", "", title.lower()).removeprefix("the ").strip()


def find_statutes(sentence: str, heading_act: str = "") -> list[Statute]:
    """Every section reference in the sentence whose Act the sentence names (after the section, or
    elsewhere in the sentence when it names only one Act), or, when the sentence names none, the Act its
    heading names ("42.2 Children Act 2004" over "Section 10 requires each local authority ...")."""
    acts = {act_key(m.group(0)) for m in ACT.finditer(sentence)} or ({act_key(heading_act)} - {""})
    found = []
    for m in _SECTION.finditer(sentence):
        act = act_key(m.group("act")) if m.group("act") else (next(iter(acts)) if len(acts) == 1 else "")
        if act:
            found.append(Statute(m.group("ref"), m.start("ref"), m.end("ref"), m.group("num"), act))
    return found
