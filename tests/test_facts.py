"""Exact tests of the fact finders the quiz and coverage read the procedures through."""

from __future__ import annotations

import pytest

from procqa.facts.ages import find_ages
from procqa.facts.definitions import glossary_definition, sentence_definition
from procqa.facts.roles import duty, is_body, mentions, role_name
from procqa.facts.sentences import split_units
from procqa.facts.statutes import find_statutes
from procqa.facts.timescales import find_timescales
from procqa.records import Paragraph


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within one working day of the referral", ["1 working day"]),
        ("three working days", ["3 working days"]),
        ("72 hours", ["72 hours"]),
        ("10 days", ["10 days"]),
        ("monthly but no more than 6 weekly", ["every 1 month", "every 6 weeks"]),
        ("every six weeks", ["every 6 weeks"]),
        ("a six-weekly review", ["every 6 weeks"]),
        ("reviewed within three (3) months", ["3 months"]),
        ("within 15 working days of the strategy discussion", ["15 working days"]),
        ("fortnightly", ["every 2 weeks"]),
        ("staff available 24 hours a day", ["24 hours"]),
        ("children under 18 years of age", []),
        ("a 15 year old girl", []),
        ("aged 16 years", []),
        ("someone who is 18 years or over", []),
    ],
)
def test_timescales_are_found_and_normalised(text, expected):
    assert [t.normalised for t in find_timescales(text)] == expected


def test_timescale_marks_deadlines_and_keeps_its_place():
    text = "The conference must be held within 15 working days."
    (t,) = find_timescales(text)
    assert t.limit and not t.recurring and text[t.start : t.end] == "15 working days"
    assert t.hours == 15 * 24


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("a child under the age of 13", [13]),
        ("a young person aged 16 or 17", [16]),
        ("has reached 16 years of age", [16]),
        ("children under sixteen", [16]),
        ("one of 5 options", []),
        ("within 48 hours", []),
        ("under one or more of the categories", []),
    ],
)
def test_ages(text, years):
    assert [a.years for a in find_ages(text)] == years


def test_duty_finds_role_and_what_it_must_do():
    d = duty("The conference chair must ensure that parents are invited.")
    assert d is not None and d.role == "conference chair"
    assert d.rest == "must ensure that parents are invited."
    assert duty("The plan must be reviewed.") is None  # a plan is not a role
    assert role_name("the relevant team manager") == "team manager"
    assert duty("The most appropriate professional will offer support.") is None  # a description
    assert [m.role for m in mentions("ask the use of an advocate and the designated safeguarding lead")] == [
        "advocate",
        "designated safeguarding lead",
    ]


def test_a_body_is_a_role_where_its_name_ends_the_noun_phrase():
    # SET gives local authority children's social care more duties than any person; AWCPP says "social
    # services". Neither name ends in a head word ("care"), and neither takes an article as a subject.
    d = duty("Local authority children's social care must acknowledge all referrals within one working day.")
    assert d is not None and d.role == "local authority children's social care" and d.start == 0
    assert d.rest.startswith("must acknowledge")
    d = duty("Social services will identify a senior manager to act as the custodian of the register.")
    assert d is not None and d.role == "social services"
    assert duty("Social care staff should record the referral.") is None  # staff, not the body
    text = "The referral must be made to the local authority children's social care for the area."
    assert [m.role for m in mentions(text)] == ["local authority children's social care"]
    # "the ... social care first line manager", "the social services out of hours service": someone else
    assert mentions("chaired by the local authority children's social care first line manager") == []
    assert mentions("made to the social services out of hours service") == []
    assert is_body("children's social care") and not is_body("conference chair")


def test_definitions():
    text = "Core group: The group of professionals who work with the family."
    g = Paragraph("d", "Glossary: Core group", text, kind="glossary")
    d = glossary_definition(g)
    assert d is not None and d.term == "Core group" and d.definition.startswith("The group of professionals")
    s = sentence_definition("Significant harm means the threshold that justifies compulsory intervention.")
    assert s is not None and s.term == "Significant harm"
    assert sentence_definition("If a child communicates by means other than speech, get help.") is None


def test_units_keep_list_items_whole_and_split_sentences():
    text = "Staff must act. They must record it.\n- ask open questions\n  and listen\n- do not promise"
    assert split_units(text) == [
        "Staff must act.",
        "They must record it.",
        "- ask open questions and listen",
        "- do not promise",
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Under section 47 of the Children Act 1989 we ask.", [("section 47", "children act 1989")]),
        ("Section 17(10) of the Children Act 1989 states that:", [("Section 17", "children act 1989")]),
        # The Act named once elsewhere in the sentence is the section's Act.
        ("The Children's Act 1989 gives section 20 and section 31.", [("section 20", "children act 1989"),
                                                                      ("section 31", "children act 1989")]),
        ("Section 11 requires a range of agencies to make arrangements.", []),  # which Act?
        ("Sections 16-23 of the Children and Social Work Act 2017 set out the duties.", []),  # a range
        ("See section 4.3 of this chapter and the Children Act 1989.", []),  # the document's own section
        ("Read section 31. Then section 16 – 23 of the Children Act 1989.",
         [("section 31", "children act 1989")]),
        ("Section 10 of the Children Act 2004 and section 175 of the Education Act 2002 apply.",
         [("Section 10", "children act 2004"), ("section 175", "education act 2002")]),
    ],
)  # fmt: skip
def test_statute_sections_name_their_act(sentence, expected):
    found = find_statutes(sentence)
    assert [(s.text, s.act) for s in found] == expected
    assert all(sentence[s.start : s.end] == s.text for s in found)


def test_a_section_takes_its_act_from_the_heading_when_the_sentence_names_none():
    sentence = "Section 10 requires each local authority to make arrangements to promote co-operation."
    assert find_statutes(sentence) == []
    (found,) = find_statutes(sentence, "Children Act 2004")
    assert (found.text, found.number, found.act) == ("Section 10", "10", "children act 2004")
    # the sentence's own Act wins over the heading's
    (own,) = find_statutes(
        "Under section 47 of the Children Act 1989 enquiries are made.", "Children Act 2004"
    )
    assert own.act == "children act 1989"
