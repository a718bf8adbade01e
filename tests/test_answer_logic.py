"""Small exact tests of answer selection and rendering: which units of a paragraph an answer quotes."""

from __future__ import annotations

from procqa.answer.extractive import select_units, units
from procqa.config import Settings
from procqa.records import FALLBACK, Answer, Hit, Paragraph, Section, Step

SETTINGS = Settings()


def _hit(text: str, order: int, ref: str = "1.1.1") -> Hit:
    return Hit(Paragraph("d", ref, text, order=order), score=1.0, dense_similarity=0.7)


def test_units_split_sentences_and_keep_bullets_whole():
    p = Paragraph(
        "d", "1", "First sentence. Second one (with a bracket).\n- a bullet. Still the bullet\nLast."
    )
    assert units(p) == [
        "First sentence.", "Second one (with a bracket).", "- a bullet. Still the bullet", "Last.",
    ]  # fmt: skip


def test_a_bullet_brings_its_lead_in_and_a_lead_in_brings_its_list():
    text = (
        "Background sentence about meetings and minutes. Another about rooms and chairs. "
        "A third about parking. A fourth about tea.\n"
        "Professionals should:\n- record the concern in writing\n- tell the designated lead"
    )
    chosen = select_units("how should professionals record the concern?", [_hit(text, 0)], {}, SETTINGS)
    texts = [u.text for u in chosen]
    assert "Professionals should:" in texts
    assert "- record the concern in writing" in texts and "- tell the designated lead" in texts
    assert texts.index("Professionals should:") < texts.index("- record the concern in writing")


def test_short_top_paragraph_is_quoted_whole_in_document_order():
    first = _hit("Call 999 if a child is in danger. Then tell your lead.", 5, "A 1.6.2")
    second = _hit("Referral must be made within one working day.", 2, "A 1.6.6")
    chosen = select_units("what do I do if a child is in danger?", [first, second], {}, SETTINGS)
    assert [u.paragraph.ref for u in chosen] == ["A 1.6.6", "A 1.6.2", "A 1.6.2"]  # document order
    assert [u.text for u in chosen][1:] == ["Call 999 if a child is in danger.", "Then tell your lead."]


def test_steps_are_capped_but_every_paragraph_keeps_its_best_unit():
    long = " ".join(f"The child must be seen on day {i}." for i in range(30))
    hits = [_hit(long, 0, "1.1.1"), _hit("The child must be seen by a doctor.", 1, "1.1.2")]
    chosen = select_units("when must the child be seen?", hits, {}, SETTINGS)
    assert len(chosen) <= SETTINGS.max_steps
    assert {u.paragraph.ref for u in chosen} == {"1.1.1", "1.1.2"}


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
    data = answer.to_json()
    assert data["sections"][0]["steps"][1] == {"text": "Then that.", "citations": [1, 2], "phase": ""}
    assert data["sections"][1]["covered"] is False
