"""Everyday words to the procedures' words: "he keeps turning up hungry and smelly" should find neglect.

The mapping is a reviewed data file (vocabulary.csv beside this module: phrase, terms, source), built from
the documents' own definitions, glossaries, acronym lists and indicator lists, and from general
safeguarding language; never from evaluation questions. Phrases match on stemmed words, so "bruise"
matches "bruises"; a phrase of several words must appear as a run of words (stop words aside).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from procqa.index.tokens import tokenize

DEFAULT = Path(__file__).resolve().parent / "vocabulary.csv"


SOURCE = re.compile(r"(set-2025|wales-2008)\s+((?:[AB] )?\d+(?:\.\d+)*|Box \d+)")


@dataclass(frozen=True)
class Entry:
    phrase: tuple[str, ...]  # stemmed tokens
    terms: tuple[str, ...]  # the procedures' own words, as written
    source: str
    places: tuple[tuple[str, str], ...] = ()  # (doc id, ref) of the definitions and indicator lists cited


def section_of(ref: str) -> str:
    """ "A 1.4.10" -> "A 1.4", "4.8.4" -> "4.8": the section a numbered reference sits in."""
    return ref.rsplit(".", 1)[0] if ref.count(".") >= 1 else ref


def chapter_of(ref: str) -> str:
    """ "A 1.4.10" -> "A 1", "4.8.4" -> "4"."""
    return ref.split(".", 1)[0]


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = DEFAULT) -> tuple[Entry, ...]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    entries = []
    for row in rows:
        phrase = tuple(tokenize(row["phrase"]))
        terms = tuple(t.strip() for t in row["terms"].split(";") if t.strip())
        if phrase and terms:
            places = tuple(dict.fromkeys(SOURCE.findall(row["source"])))
            entries.append(Entry(phrase, terms, row["source"], places))
    return tuple(entries)


def matches(question: str, entries: tuple[Entry, ...]) -> list[Entry]:
    """The entries whose phrase occurs in the question, as a run of stemmed words."""
    tokens = tokenize(question)
    found = []
    for e in entries:
        n = len(e.phrase)
        if any(tuple(tokens[i : i + n]) == e.phrase for i in range(len(tokens) - n + 1)):
            found.append(e)
    return found


def vocabulary_terms(question: str, entries: tuple[Entry, ...]) -> list[str]:
    """The procedures' terms for the everyday phrases in a question, each once, in entry order."""
    return list(dict.fromkeys(t for e in matches(question, entries) for t in e.terms))
