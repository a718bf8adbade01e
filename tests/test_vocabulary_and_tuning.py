"""The everyday-words vocabulary: a reviewed data file, matched on stemmed runs of words."""

from __future__ import annotations

import csv
import json

from procqa.config import Settings
from procqa.retrieval.ranker import DEFAULT as RANKER
from procqa.retrieval.ranker import load_models
from procqa.retrieval.vocabulary import (
    DEFAULT,
    chapter_of,
    load_vocabulary,
    matches,
    section_of,
    vocabulary_terms,
)


def test_every_entry_has_a_phrase_terms_and_a_source():
    with open(DEFAULT, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 300
    assert all(r["phrase"].strip() and r["terms"].strip() and r["source"].strip() for r in rows)
    assert len({r["phrase"] for r in rows}) == len(rows)


def test_every_term_is_the_procedures_own_word(corpus):
    text = " ".join(p.text.lower() for _, paragraphs in corpus.values() for p in paragraphs)
    missing = {t for e in load_vocabulary() for t in e.terms if t.lower() not in text}
    assert missing == set()


def test_phrases_match_stemmed_runs_of_words_only():
    entries = load_vocabulary()
    assert "neglect" in vocabulary_terms("he keeps turning up hungry and smelly", entries)
    assert "bruises" in vocabulary_terms("she has a bruise on her cheek", entries)  # stemmed
    assert vocabulary_terms("what is a strategy discussion?", entries) == []
    home_alone = next(e for e in entries if e.phrase == ("home", "alon"))
    assert home_alone in matches("the kids were home alone all weekend", entries)
    assert home_alone not in matches("alone at home", entries)  # a phrase is a run of words, in order


def test_sources_name_places_in_the_documents():
    entry = next(e for e in load_vocabulary() if e.places)
    assert all(doc in {"set-2025", "wales-2008"} for doc, _ in entry.places)
    assert section_of("A 1.4.10") == "A 1.4" and chapter_of("A 1.4.10") == "A 1"
    assert section_of("4.8.4") == "4.8" and chapter_of("4.8.4") == "4"


def test_fitted_thresholds_in_settings_are_the_ones_the_fit_chose():
    # The fit (procqa eval --split dev --fit-ranker) records its thresholds beside the model; Settings
    # must use exactly those, or "chosen on dev" would not be true.
    data = json.loads(RANKER.read_text(encoding="utf-8"))["models"]["answerable"]
    settings = Settings()
    assert (settings.decline_below, settings.sure_above) == (data["decline_below"], data["sure_above"])
    assert set(load_models()) == {"paragraph", "answerable"}


def test_fallback_knobs_in_settings_are_the_ones_the_dev_sweep_chose():
    # procqa eval --split dev --sweep wrote eval/results/sweep.json and the grids beside it.
    settings = Settings()
    chosen = json.loads((settings.results / "sweep.json").read_text(encoding="utf-8"))["settings"]
    assert {name: getattr(settings, name) for name in chosen} == chosen
    assert (settings.results / "sweep_fusion.csv").is_file() and (
        settings.results / "sweep_abstention.csv"
    ).is_file()
