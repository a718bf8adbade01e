"""The All Wales procedures number headings, not paragraphs: refs are headings, ¶ counts under them."""

from __future__ import annotations

from collections import Counter

import pytest

SPOT_CHECKS = {
    ("1.1.1", 1): "Physical abuse may involve hitting, shaking, throwing, poisoning",
    ("2.1.1", 1): "Every person in contact with or working with children",
    ("2.1.2", 1): "Local authorities should ensure effective arrangements are in place",
    ("Box 2", 1): "Show the child that you have heard what they are saying",
    ("3.2.2", 1): "Outside usual core office hours, referrals can be made",
    ("3.14.8", 1): "The social worker’s report summarises and analyses",
    ("4.3", 1): "All organisations, establishments and professional groupings",
    ("4.3.1", 1): "In the event of a staff member in a residential home being reported",
    ("5.3.2.3", 1): "Once it has been decided that a strategy meeting should be convened",
    ("1.2.3 (2)", 1): "In order to make sensitive and well informed professional judgements",
    ("Box 21", 1): "Abuse or neglect by parent/carer/family member",
}


@pytest.fixture(scope="module")
def paragraphs(corpus):
    return corpus["wales-2008"][1]


@pytest.fixture(scope="module")
def by_key(paragraphs):
    return {(p.ref, p.para): p for p in paragraphs}


def test_paragraph_count_is_pinned(paragraphs):
    assert len(paragraphs) == 373
    assert Counter(p.kind for p in paragraphs)["glossary"] >= 40


def test_ref_and_para_are_unique(paragraphs):
    keys = [(p.ref, p.para) for p in paragraphs]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("key, start", SPOT_CHECKS.items())
def test_ref_starts_with_printed_text(by_key, key, start):
    assert by_key[key].text.startswith(start)


def test_listed_coming_headings_are_not_headings(by_key):
    # 4.3 lists "4.3.1 Allegations of child abuse by staff in residential homes;" ... in its text.
    assert "4.3.1 Allegations of child abuse by staff in residential homes;" in by_key[("4.3", 1)].text
    assert not by_key[("4.3.1", 1)].text.startswith("Allegations of abuse against a foster carer")


def test_heading_printed_twice_is_kept_and_marked(by_key):
    assert by_key[("1.2.3", 1)].heading[-1] == "1.2.3 Providing support and advice to families"
    assert by_key[("1.2.3 (2)", 1)].heading[-1] == "1.2.3 Diversity"


def test_bullets_rejoin_their_text_and_stay_with_their_lead_in(by_key):
    text = by_key[("2.1.1", 1)].text
    assert text.splitlines()[0].endswith("should:")
    assert "- Be alert to indicators of abuse and neglect;" in text.splitlines()
    assert "•" not in text


def test_second_paragraph_under_a_heading_is_numbered(by_key):
    assert by_key[("2.1.1", 2)].cite_ref == "2.1.1 ¶2"


def test_glossary_is_term_and_definition(by_key):
    assert by_key[("Glossary: LSCB", None)].text == "LSCB: Local Safeguarding Children Board."
    assert by_key[("Glossary: Harm", None)].text.startswith("Harm: Ill-treatment or the impairment of health")


def test_pages_follow_the_printed_page_numbers(by_key):
    # Pages as printed in the document's own contents list.
    assert by_key[("1.2.3 (2)", 1)].page == 36
    assert by_key[("3.29", 1)].page == 140
    assert by_key[("4.2.1", 1)].page == 142


def test_running_headers_and_page_numbers_are_removed(paragraphs):
    for p in paragraphs:
        assert "All Wales Child Protection Procedures 2008" not in p.text or p.kind == "intro"
