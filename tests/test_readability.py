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


def test_the_pages_own_words_are_plain():
    """The app's fixed text (notices, captions, the words around an answer) reads as plain English for
    a worried person in a hurry: each at least 50 on the Flesch reading ease, 60 on average."""
    from procqa.eval.readability import reading_ease
    from procqa.records import FALLBACK, NOT_COVERED, TENTATIVE
    from procqa.web import app, coverage_page, quiz_page
    from procqa.web.record import NOTE

    texts = [app.NOTICE.replace("**", ""), app.START_AGAIN, quiz_page.INTRO, coverage_page.INTRO]
    texts += [FALLBACK, NOT_COVERED, TENTATIVE, NOTE]
    scores = {text[:40]: reading_ease(text) for text in texts}
    assert all(score >= 50 for score in scores.values()), scores
    assert sum(scores.values()) / len(scores) >= 60, scores


def test_reading_ease_orders_plain_and_dense_text():
    from procqa.eval.readability import reading_ease

    plain = "Tell your lead today. Write down what the child said."
    dense = (
        "Notwithstanding the aforementioned considerations, interagency collaborative safeguarding "
        "responsibilities necessitate comprehensive documentation."
    )
    assert reading_ease(plain) > 80 > 20 > reading_ease(dense)
