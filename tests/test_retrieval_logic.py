"""Small exact tests of the query side's pure logic: tokenising, fusion, acronyms, follow-ups, passages."""

from __future__ import annotations

import pytest

from procqa.index.passages import passages
from procqa.index.tokens import tokenize
from procqa.records import Paragraph
from procqa.retrieval.expand import build_acronyms, expand
from procqa.retrieval.followup import contextualize
from procqa.retrieval.fusion import reciprocal_rank_fusion


def test_tokenize_lowercases_drops_stop_words_and_stems():
    assert tokenize("The Child's referrals were REFERRED to Children's Social Care") == [
        "child", "referr", "refer", "children", "social", "care",
    ]  # fmt: skip
    assert tokenize("") == [] and tokenize("and the of") == []


def test_fusion_sums_weighted_reciprocal_ranks():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], weights=[1.0, 2.0], k=10)
    scores = dict(fused)
    assert scores["a"] == pytest.approx(1 / 11 + 2 / 12)
    assert scores["c"] == pytest.approx(1 / 13 + 2 / 11)
    assert scores["b"] == pytest.approx(1 / 12)
    assert [i for i, _ in fused] == ["c", "a", "b"]


def test_fusion_ties_keep_first_seen_order_and_weights_must_match():
    assert [i for i, _ in reciprocal_rank_fusion([["x", "y"], ["y", "x"]], k=5)] == ["x", "y"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0])


def _p(text: str, kind: str = "paragraph") -> Paragraph:
    return Paragraph("d", "1.1.1", text, kind=kind)


def test_acronyms_come_from_definitions_tables_and_glossaries():
    acronyms = build_acronyms(
        [
            _p("Contact the Local Authority Designated Officer (LADO) within one working day."),
            _p("MARAC Multi-agency risk assessment conference"),
            _p("QZX: Quality zone examiner. Used for audits.", kind="glossary"),
        ]
    )
    assert acronyms["LADO"] == "Local Authority Designated Officer"
    assert acronyms["MARAC"] == "Multi-agency risk assessment conference"
    assert acronyms["QZX"] == "Quality zone examiner"


def test_an_acronym_the_documents_never_write_out_expands_from_the_shared_list():
    # "DSL" is written out nowhere in these paragraphs: the expansion comes from staff shorthand.
    acronyms = build_acronyms([_p("Tell the designated safeguarding lead.")])
    expanded = expand("should I tell the DSL first?", acronyms)
    assert expanded == "should I tell the DSL first? (designated safeguarding lead)"
    assert "design" in tokenize(expanded) and "design" not in tokenize("should I tell the DSL first?")


def test_lower_case_acronyms_expand_but_ordinary_words_do_not():
    acronyms = {"LADO": "Local Authority Designated Officer", "AGE": "Assessment Group England"}
    assert expand("what does the lado do", acronyms).endswith("(Local Authority Designated Officer)")
    assert expand("what age is a child", acronyms) == "what age is a child"
    assert expand("what happens after s47?", {}) == "what happens after s47? (section 47)"


def test_follow_up_questions_lean_on_the_previous_one():
    history = ["a foster carer has been accused of hitting a child"]
    assert contextualize("what happens to them now?", history) == f"{history[0]} what happens to them now?"
    assert contextualize("and the police?", history).startswith(history[0])
    assert contextualize("what is a core group?", history) == "what is a core group?"
    assert contextualize("what happens to them now?", []) == "what happens to them now?"


def test_short_paragraph_is_one_passage_with_its_headings():
    p = Paragraph("d", "A 1.1.1", "Refer within one working day.", ("Part A", "1. Concerns", "1.1 Intro"))
    assert passages(p, max_words=110) == ["Part A › 1. Concerns › 1.1 Intro\nRefer within one working day."]


def test_long_paragraph_splits_at_sentences_and_loses_no_word():
    sentences = [f"Sentence {i} says something about the child and the family here." for i in range(30)]
    p = Paragraph("d", "3.1", " ".join(sentences), ("Part 3", "3.1 Assessment"))
    out = passages(p, max_words=50)
    assert len(out) > 1 and all(x.startswith("Part 3 › 3.1 Assessment\n") for x in out)
    bodies = [x.split("\n", 1)[1] for x in out]
    assert " ".join(bodies).split() == p.text.split()
    assert all(b.endswith(".") for b in bodies)  # cut at sentence ends, never mid-sentence
    assert all(len(b.split()) <= 50 for b in bodies)


def test_ligatures_and_soft_hyphens_from_pdfs_are_unfolded():
    from procqa.ingest.clean import clean_inline

    assert (
        clean_inline("the o\ufb00ice must su\ufb03ciently de\u00adcide")
        == "the office must sufficiently decide"
    )
    assert clean_inline("wait… ½ hour") == "wait… ½ hour"  # other characters stay as printed
