"""Urgent help first (the staff chat): what each document says to do when a child is in immediate danger
and the numbers it prints for referring now, found from its own wording; and the record a user keeps."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from procqa.answer.urgent import PHONE
from procqa.web.record import record_html, record_text

pytestmark = pytest.mark.slow

SITUATION = "A child has told me they are being hurt at home. What must I do now?"


def _flat(text: str) -> str:
    return " ".join(text.replace("- ", " ").split())


@pytest.fixture(scope="module")
def answer(engine):
    return engine.ask(SITUATION, ["set-2025", "wales-2008"])


def test_a_what_do_i_do_answer_opens_with_urgent_help_from_each_document(answer):
    assert [u.doc_id for u in answer.urgent] == ["set-2025", "wales-2008"]
    for urgent in answer.urgent:
        by_n = {c.n: c for c in urgent.citations}
        safety = [s for s in urgent.steps if s.phase == "safety"]
        assert safety, urgent
        assert re.search(
            r"immediate|emergency|imminent|risk to the life", " ".join(s.text for s in safety), re.I
        )
        for step in urgent.steps:  # quoted, never written: every step is in the paragraph it cites
            (n,) = step.citations
            assert _flat(step.text) in _flat(by_n[n].paragraph.text), step


def test_contacts_are_the_numbers_the_document_prints_and_none_where_it_prints_none(answer):
    set_urgent, wales_urgent = answer.urgent
    numbers = [m.group(0) for s in set_urgent.steps if s.phase == "contacts" for m in PHONE.finditer(s.text)]
    assert numbers, "SET prints referral numbers beside its referral section"
    cited = {c.paragraph.ref for c in set_urgent.citations}
    assert any(ref.startswith("A 2.4") for ref in cited)
    assert not [s for s in wales_urgent.steps if s.phase == "contacts"]  # AWCPP prints no number
    assert not any(PHONE.search(s.text) for s in wales_urgent.steps)


def test_a_question_that_is_not_about_acting_gets_no_urgent_block(engine):
    assert engine.ask("What is a strategy discussion?", ["wales-2008"]).urgent == ()


def test_the_json_interface_carries_urgent_help(cli):
    status, out, _ = cli(["ask", "--json", "--doc", "set-2025", SITUATION])
    assert status == 0
    data = json.loads(out)
    assert data["urgent"][0]["doc"] == "set-2025" and data["urgent"][0]["steps"]
    assert "answer" in data and "citations" in data  # the old keys stay
    status, out, _ = cli(["ask", "--doc", "set-2025", SITUATION])
    assert out.index("If a child is in immediate danger") < out.index("Sources:")


def test_the_record_holds_question_steps_and_every_quoted_paragraph(answer):
    asked = datetime(2026, 11, 26, 9, 30)
    text = record_text(answer, asked)
    page = record_html(answer, asked)
    assert text.startswith(f"Question: {SITUATION}\nAsked: 26 November 2026, 09:30")
    for c in [*answer.citations, *(c for u in answer.urgent for c in u.citations)]:
        assert c.label in text and c.paragraph.text.splitlines()[0] in text
        assert c.label in page
    for section in answer.sections:
        assert section.heading in text
    assert not re.search(r"(src|href)\s*=", page) and "<script" not in page and 'lang="en"' in page
