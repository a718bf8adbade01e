"""No test-split question appears in code, comments, docs or the app's examples: the test split is only
ever scored, so the figures reported from it stay honest."""

from __future__ import annotations

import re
from pathlib import Path

from procqa.eval.gold import load_gold
from procqa.web.app import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_app_examples_are_not_test_questions(gold_path):
    test = {_norm(q.question) for q in load_gold(gold_path, "test")}
    assert EXAMPLES and not [e for e in EXAMPLES if _norm(e) in test]


def test_no_test_question_is_written_into_the_code_or_docs(gold_path):
    sources = [*ROOT.glob("procqa/**/*.py"), ROOT / "app.py", ROOT / "README.md", *ROOT.glob("docs/*.md")]
    text = _norm(" ".join(p.read_text(encoding="utf-8") for p in sources if p.is_file()))
    # Long enough that a match is a copied question, not a stock phrase.
    leaked = [
        q.id
        for q in load_gold(gold_path, "test")
        if len(_norm(q.question)) > 25 and _norm(q.question) in text
    ]
    assert leaked == []
