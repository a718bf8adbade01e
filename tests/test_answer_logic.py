"""Small exact tests of answer selection and rendering: which units of a paragraph an answer quotes."""

from __future__ import annotations

from procqa.answer.extractive import readable, select_groups, units
from procqa.answer.phases import phase_of
from procqa.config import Settings
from procqa.records import FALLBACK, TENTATIVE, Answer, Hit, Paragraph, Section, Step

SETTINGS = Settings()


def _hit(text: str, order: int, ref: str = "1.1.1") -> Hit:
    return Hit(Paragraph("d", ref, text, order=order), score=1.0, dense_similarity=0.7)


def test_units_split_sentences_and_keep_bullets_whole():
    p = Paragraph(
        "d", "1", "First sentence. Second one (with a bracket).\n- a bullet. Still the bullet.\nLast."
    )
    assert units(p) == [
        "First sentence.", "Second one (with a bracket).", "- a bullet. Still the bullet.", "Last.",
    ]  # fmt: skip


def test_a_bullet_brings_its_lead_in_and_a_lead_in_brings_its_list():
    text = (
        "Background sentence about meetings and minutes. Another about rooms and chairs. "
        "A third about parking. A fourth about tea.\n"
        "Professionals should:\n- record the concern in writing\n- tell the designated lead"
    )
    chosen = select_groups("how should professionals record the concern?", [_hit(text, 0)], {}, SETTINGS)
    lists = [g.lines for g in chosen if "Professionals should:" in g.lines]
    assert lists == [("Professionals should:", "- record the concern in writing")]


def test_readable_groups_never_leave_a_lead_in_or_an_item_alone():
    parts = ["Intro.", "Staff should:", "- listen", "- record", "- refer", "This must be done today.", "End."]
    # An item chosen alone brings its lead-in; items chosen apart still share it.
    assert readable(parts, {2, 4}, 8) == [[1, 2, 4]]
    # A lead-in chosen alone brings its whole list.
    assert readable(parts, {1}, 8) == [[1, 2, 3, 4]]
    # A sentence starting mid-thought brings the one before it; an unrelated sentence stands alone.
    # (Here the sentence before is a list item, which brings its lead-in in turn.)
    assert readable(parts, {5, 6}, 8) == [[1, 4, 5], [6]]
    assert readable(["A rule.", "They must.", "Other."], {1, 2}, 8) == [[0, 1], [2]]
    # A lead-in whose list is not in the paragraph is dropped rather than left dangling...
    assert readable(["A rule.", "Staff should:"], {0, 1}, 8) == [[0]]
    # ...and a list introduced without a colon still keeps its introduction.
    assert readable(["Police will help when.", "- there is a crime"], {1}, 8) == [[0, 1]]


def test_a_wrapped_list_item_is_one_unit():
    p = Paragraph(
        "d", "1", "Staff should:\n- tell the lead and work in partnership with\nthe council.\n- record"
    )
    assert units(p) == [
        "Staff should:",
        "- tell the lead and work in partnership with the council.",
        "- record",
    ]


def test_phase_of_a_step_follows_its_wording():
    assert phase_of("If a child is in immediate danger, call the police on 999.") == "safety"
    assert phase_of("Do not ask leading questions; listen to the child.") == "respond"
    assert phase_of("Write down what the child said, in their own words.") == "respond"
    assert phase_of("Record the information and its source.") == "record"
    assert phase_of("Discuss it with your designated safeguarding lead.") == "tell"
    assert phase_of("Refer to children's social care within one working day.") == "refer"
    assert phase_of("Forced marriage is a form of abuse.") == "situation"


def test_short_top_paragraph_is_quoted_whole_in_document_order():
    first = _hit("Call 999 if a child is in danger. Then tell your lead.", 5, "A 1.6.2")
    second = _hit("Referral must be made within one working day.", 2, "A 1.6.6")
    chosen = select_groups("what do I do if a child is in danger?", [first, second], {}, SETTINGS)
    assert [g.paragraph.ref for g in chosen] == ["A 1.6.6", "A 1.6.2", "A 1.6.2"]  # document order
    assert [g.text for g in chosen][1:] == ["Call 999 if a child is in danger.", "Then tell your lead."]


def test_steps_are_capped_but_every_paragraph_keeps_its_best_unit():
    long = " ".join(f"The child must be seen on day {i}." for i in range(30))
    hits = [_hit(long, 0, "1.1.1"), _hit("The child must be seen by a doctor.", 1, "1.1.2")]
    chosen = select_groups("when must the child be seen?", hits, {}, SETTINGS)
    assert len(chosen) <= SETTINGS.max_steps
    assert {g.paragraph.ref for g in chosen} == {"1.1.1", "1.1.2"}


def test_answer_text_is_rendered_from_its_sections():
    answer = Answer(
        "q",
        abstained=False,
        sections=(
            Section("a", "A: Doc (2025)", "", (Step("Do this.", (1,)), Step("Then that.", (1, 2)))),
            Section("b", "B: Other (2008 edition)", "Old edition.", ()),
        ),
    )
    assert answer.text == (
        "A: Doc (2025)\n- Do this. [1]\n- Then that. [1][2]\n\n"
        "B: Other (2008 edition)\nThese procedures do not appear to cover this question."
    )
    assert Answer("q", abstained=True).text == FALLBACK
    tentative = Answer("q", abstained=False, sections=answer.sections[:1], tentative=True)
    assert tentative.text.startswith(TENTATIVE + "\n\nA: Doc (2025)\n- Do this. [1]")
    data = answer.to_json()
    assert data["sections"][0]["steps"][1] == {"text": "Then that.", "citations": [1, 2], "phase": ""}
    assert data["sections"][1]["covered"] is False
