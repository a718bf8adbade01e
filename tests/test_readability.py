"""The readability check of `procqa eval`, on hand-made answers: it finds each problem, and only it."""

from __future__ import annotations

from procqa.eval.readability import check
from procqa.records import Answer, Citation, Paragraph, Section, Step

TEXT = (
    "Staff must act.\nProfessionals should:\n- record the concern\n- tell the lead\nThis must be done today."
)


def _answer(*steps: Step) -> Answer:
    p = Paragraph("d", "1.1", TEXT)
    return Answer("q", False, (Section("d", "D", "", steps),), (Citation(1, p, "D 1.1", 1.0),))


def test_a_readable_answer_has_no_problem():
    r = check(
        _answer(Step("Staff must act.", (1,)), Step("Professionals should:\n- record the concern", (1,)))
    )
    assert r.problems == 0


def test_each_problem_is_found():
    assert check(_answer(Step("Professionals should:", (1,)))).dangling_lead_in == 1
    assert check(_answer(Step("tell the lead", (1,)))).orphan_item == 1
    assert check(_answer(Step("This must be done today.", (1,)))).mid_thought == 1
    assert check(_answer(Step("Staff may ignore it.", (1,)))).not_extractive == 1
    assert check(_answer(Step("Staff must act.", (2,)))).not_extractive == 1  # cites nothing shown
