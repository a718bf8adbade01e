"""Scoring the report against a gold set built by reading the documents (eval/coverage_gold.json).

The gold file:

    {"checklist": {"set-2025": {"Neglect": {"status": "covered", "refs": ["A 1.4.10"]}, ...}, ...},
     "timescales": {"set-2025": {"scope": "A ", "pairs": [["A 2.4.11", "3 working days"], ...]}, ...}}

- checklist agreement: the share of gold topics (of the topics checked) whose status the report gives;
- register precision and recall over (ref, normalised timescale) pairs, per document, counting only
  paragraphs in the gold's scope (refs starting with `scope`; "" is the whole document), since the gold
  lists every time-bound duty of that part of the document and nothing outside it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from procqa.coverage.checklist import STATUSES, CheckRow
from procqa.coverage.register import RegisterRow


class GoldError(ValueError):
    """A gold file that cannot be read."""


@dataclass(frozen=True)
class Score:
    doc_id: str
    agreement: float | None  # None: no gold topics for this document
    topics: int  # gold topics compared
    disagreements: tuple[tuple[str, str, str], ...]  # (topic, gold status, report status)
    precision: float | None  # None: no gold timescales for this document
    recall: float | None
    gold_pairs: int
    found_pairs: int
    scope: str


def load_gold(path: Path) -> dict:
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldError(f"cannot read coverage gold {path}: {exc}") from exc
    for doc in gold.get("checklist", {}).values():
        for topic, entry in doc.items():
            if entry.get("status") not in STATUSES:
                raise GoldError(f"coverage gold {path}: '{topic}' has status {entry.get('status')!r}")
    return gold


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def score(gold: dict, doc_id: str, checks: Sequence[CheckRow], register: Sequence[RegisterRow]) -> Score:
    """How the report for one document agrees with the gold."""
    wanted = gold.get("checklist", {}).get(doc_id, {})
    mine = {c.topic: c.status for c in checks if c.doc_id == doc_id}
    compared = [t for t in wanted if t in mine]
    wrong = tuple((t, wanted[t]["status"], mine[t]) for t in compared if wanted[t]["status"] != mine[t])
    ts = gold.get("timescales", {}).get(doc_id)
    precision = recall = None
    gold_pairs: set[tuple[str, str]] = set()
    found: set[tuple[str, str]] = set()
    scope = ""
    if ts:
        scope = ts.get("scope", "")
        gold_pairs = {(ref, norm) for ref, norm in ts["pairs"]}
        found = {
            (r.paragraph.cite_ref, r.timescale)
            for r in register
            if r.doc_id == doc_id and r.paragraph.cite_ref.startswith(scope)
        }
        precision = _ratio(len(found & gold_pairs), len(found))
        recall = _ratio(len(found & gold_pairs), len(gold_pairs))
    return Score(
        doc_id=doc_id,
        agreement=_ratio(len(compared) - len(wrong), len(compared)),
        topics=len(compared),
        disagreements=wrong,
        precision=precision,
        recall=recall,
        gold_pairs=len(gold_pairs),
        found_pairs=len(found),
        scope=scope,
    )
