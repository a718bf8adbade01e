"""Exact small examples for every evaluation metric."""

from __future__ import annotations

import math

import pytest

from procqa.eval.baselines import ParagraphLocator
from procqa.eval.metrics import (
    citation_precision,
    hit_at_k,
    mean,
    mrr_at_k,
    must_mention_recall,
    ndcg_at_k,
    percentile,
    section_hit_at_k,
    section_of,
)
from procqa.records import Paragraph

RANKED = ["A 1.2.1", "A 1.6.4", "A 1.6.5", "B 2.1.1"]


def test_hit_at_k():
    assert hit_at_k(RANKED, {"A 1.6.5"}, 1) == 0.0
    assert hit_at_k(RANKED, {"A 1.6.5"}, 3) == 1.0
    assert hit_at_k(RANKED, {"A 1.2.1"}, 1) == 1.0
    assert hit_at_k([], {"A 1.2.1"}, 5) == 0.0


def test_mrr_at_k():
    assert mrr_at_k(RANKED, {"A 1.6.5"}, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(RANKED, {"A 1.6.5", "B 2.1.1"}, 10) == pytest.approx(1 / 3)  # first gold counts
    assert mrr_at_k(RANKED, {"A 1.6.5"}, 2) == 0.0  # beyond the cut-off
    assert mrr_at_k(RANKED, {"X 9"}, 10) == 0.0


def test_ndcg_at_k():
    assert ndcg_at_k(RANKED, {"A 1.2.1"}, 10) == pytest.approx(1.0)
    assert ndcg_at_k(RANKED, {"A 1.6.4"}, 10) == pytest.approx(1 / math.log2(3))
    # Two gold refs at ranks 2 and 4 against an ideal of ranks 1 and 2.
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(RANKED, {"A 1.6.4", "B 2.1.1"}, 10) == pytest.approx(expected)
    assert ndcg_at_k(RANKED, {"A 1.6.4", "B 2.1.1"}, 3) == pytest.approx(
        1 / math.log2(3) / (1 + 1 / math.log2(3))
    )
    assert ndcg_at_k(RANKED, set(), 10) == 0.0


def test_section_of():
    assert section_of("A 1.6.5") == "A 1.6"
    assert section_of("3.8.3") == "3.8"
    assert section_of("3.8.3.1") == "3.8.3"
    assert section_of("B 2") == "B 2"
    assert section_of("Box 2") == "Box 2"
    assert section_of("A 1.6.5 (2)") == "A 1.6"
    assert section_of("Glossary: LSCB") == "Glossary"
    assert section_of("Introduction") == "Introduction"


def test_section_hit_at_k():
    assert section_hit_at_k(RANKED, {"A 1.6.9"}, 5) == 1.0  # A 1.6.4 shares section A 1.6
    assert section_hit_at_k(RANKED, {"A 1.6.9"}, 1) == 0.0
    assert section_hit_at_k(RANKED, {"Box 2"}, 5) == 0.0


def test_must_mention_recall():
    text = "Refer within ONE working\n day [1]. Tell the Designated Safeguarding Lead."
    assert must_mention_recall(text, ["one working day", "designated safeguarding lead"]) == 1.0
    assert must_mention_recall(text, ["one working day", "strategy discussion"]) == 0.5
    assert must_mention_recall(text, ["child’s safety"]) == 0.0
    assert must_mention_recall("the child’s safety", ["child's safety"]) == 1.0  # curly quote
    assert must_mention_recall(text, []) is None


def test_citation_precision():
    assert citation_precision(["A 1.6.5", "A 1.6.2", "B 3.1.1", "A 1.7.1"], {"A 1.6.5"}) == 0.5
    assert citation_precision(["3.8.3"], {"3.8.3"}) == 1.0
    assert citation_precision([], {"3.8.3"}) is None


def test_percentile_and_mean():
    assert percentile([30, 10, 20, 40], 50) == pytest.approx(25.0)
    assert percentile([10, 20, 30, 40, 50], 95) == pytest.approx(48.0)
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None
    assert mean([1.0, None, 0.0]) == 0.5
    assert mean([None]) is None


def test_paragraph_locator_maps_a_chunk_to_the_paragraphs_it_holds():
    words = [f"w{i}" for i in range(60)]
    paras = [
        Paragraph("d", "1.1", " ".join(words[0:20]), order=0),
        Paragraph("d", "1.2", " ".join(words[20:40]), order=1),
        Paragraph("d", "1.3", " ".join(words[40:60]), order=2),
        Paragraph("d", "Box 1", "w5 w6 w7 w8 w9", order=3),  # short: matched as a whole line only
    ]
    locator = ParagraphLocator(paras)
    # The chunk holds all of 1.2, most of 1.1 and only the first few words of 1.3.
    chunk = "# " + " ".join(words[4:44]).upper() + "."
    assert locator.refs(chunk) == ["1.1", "1.2"]
    assert locator.refs(chunk + "\n\n- W5 w6 w7 w8 w9\n") == ["1.1", "1.2", "Box 1"]
