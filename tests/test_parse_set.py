"""The SET procedures parse into the numbered paragraphs a reader sees in the printed document."""

from __future__ import annotations

import re

import pytest

SPOT_CHECKS = {
    "A 1.1.2": "These procedures relate to any child and this is defined as anyone who",
    "A 1.6.5": "A formal referral to local authority children's social care",
    "A 1.6.9": "Whenever a child reports that they are suffering or have suffered",
    "A 2.4.23": "Local authority children's social care must acknowledge all referrals",
    "A 3.2.1": "Where there is a risk to the life of a child",
    "A 3.4.20": "Local authority children's social care is the lead agency for child protection enquiries",
    "A 4.1.13": "Other risk factors to be considered are:",
    "A 4.1.13 (2)": "All agencies involved with pregnant women",
    "A 5.2.1": "The core group is responsible for the detailed formulation",
    "A 6.4.1": "The local authority in which a child is residing or found",
    "A 7.4.1": "An allegation against a member of staff may arise",
    "A 8.1.1": "Complex and organised abuse may be defined as",
    "A 9.2.8 (2)": "Local agencies responding to a child's death should inform:",
    "B 1.1.1": "Effective safeguarding systems are child centred.",
    "B 2.12.12": "Integrated Care Boards are the major commissioners",
    "B 17.1.1": "The issue of children living with domestic abuse and violence",
    "B 24.3.1": "The implications of trafficking, modern slavery",
    "B 30.1.1": "A young carer is anyone who is under 18",
    "B 35.3.1": "A private fostering arrangement is essentially an arrangement",
    "B 39.3.12": "Any information or concern that a child is at immediate risk of",
    "B 41.2.1": "The law is not clear because it does not state an age",
    "B 42.2.1": "Section 10 requires each local authority",
    "B 45.1.8": "The following should be consulted:",
}


@pytest.fixture(scope="module")
def paragraphs(corpus):
    return corpus["set-2025"][1]


@pytest.fixture(scope="module")
def by_ref(paragraphs):
    return {p.ref: p for p in paragraphs}


def test_paragraph_count_is_pinned(paragraphs):
    # 3,105 printed paragraph numbers in the body (7 of them on a line of their own), plus the un-numbered
    # text under headings. A change here means the parser now reads the document differently.
    assert len(paragraphs) == 3129
    assert sum(p.kind == "paragraph" for p in paragraphs) == 3105


def test_refs_are_unique(paragraphs):
    refs = [p.ref for p in paragraphs]
    assert len(refs) == len(set(refs))


@pytest.mark.parametrize("ref, start", SPOT_CHECKS.items())
def test_ref_starts_with_printed_text(by_ref, ref, start):
    assert by_ref[ref].text.startswith(start)


def test_numbers_printed_twice_are_kept_and_marked(by_ref):
    for ref in ("A 4.1.13", "A 9.2.8"):
        assert ref in by_ref and f"{ref} (2)" in by_ref
        assert by_ref[ref].text != by_ref[f"{ref} (2)"].text


def test_bullets_and_unnumbered_lines_belong_to_the_paragraph_above(by_ref):
    text = by_ref["A 1.6.6"].text
    assert "All professionals in agencies with contact with children" in text  # un-numbered line
    assert "- Is suffering significant harm through abuse or neglect" in text  # its bullet
    assert "not longer than within one working day" in text
    assert by_ref["A 1.6.9"].text.count("\n- ") == 3


def test_subheadings_go_into_the_heading_path(by_ref):
    assert by_ref["A 1.6.9"].heading == (
        "Part A",
        "1. Responding to Concerns of Abuse and Neglect",
        "1.6 Professional/agency response",
        "Listening to the child",
    )
    # Part B's sub-parts share one numbering and are all cited as B.
    assert by_ref["B 39.3.12"].heading[0] == "Part B3: Safeguarding Children Practice Guidance"


def test_page_furniture_and_link_debris_are_removed(paragraphs):
    for p in paragraphs:
        assert not re.search(r"^PART [AB]\d?: ", p.text, re.MULTILINE), p.ref
        assert "](#)" not in p.text and "\\(" not in p.text, p.ref
        assert not re.search(r"\.{5,}\s*\d+$", p.text, re.MULTILINE), p.ref  # contents lines


def test_numbered_lists_are_not_mistaken_for_chapters(paragraphs):
    chapters = {p.heading[1] for p in paragraphs if p.ref.startswith("B ") and len(p.heading) > 1}
    assert "8. Best Practice for the Implementation of Child Protection Plans" in chapters
    assert not any(c.startswith("8. Appropriate arrangements") for c in chapters)
    assert len({c.split(".")[0] for c in chapters}) == 46  # Part B chapters 1-46


def test_text_under_a_heading_before_its_first_paragraph_is_kept(by_ref):
    assert by_ref["A 1.4"].kind == "intro"
    assert by_ref["A 1.4"].text.startswith("As defined in Working Together to Safeguard Children 2023")
