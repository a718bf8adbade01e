"""The gold question set stays honest: every reference exists in the parsed corpus, every evidence
quote is in its paragraph, and the set has the shape the evaluation promises."""

from __future__ import annotations

from collections import Counter

from eval.gold import check_gold, load_gold


def test_every_gold_ref_and_quote_exists_in_the_parsed_corpus(corpus):
    problems = check_gold(load_gold(), {doc: paragraphs for doc, (_, paragraphs) in corpus.items()})
    assert problems == []


def test_gold_set_covers_both_documents_and_unanswerables():
    questions = load_gold()
    by_doc = Counter(q.doc for q in questions)
    assert len(questions) >= 200
    assert by_doc["set-2025"] >= 120 and by_doc["wales-2008"] >= 60 and by_doc[None] >= 20
    assert {q.persona for q in questions} == {"staff", "trainer", "policy"}
    assert {q.kind for q in questions} == {
        "action",
        "timescale",
        "definition",
        "role",
        "threshold",
        "unanswerable",
    }


def test_split_is_fixed_by_id():
    questions = load_gold()
    split = Counter(q.split for q in questions)
    assert split["dev"] + split["test"] == len(questions)
    assert 0.3 < split["dev"] / len(questions) < 0.5
    assert all(q.split == ("dev" if q in load_gold(split="dev") else "test") for q in questions[:20])
