"""The load test script, small: real app, real sessions over its websocket, a report written.

The figures of the full run (20 sessions) are in eval/results/load.md; this checks the harness works and
the app serves concurrent sessions without an error. No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from procqa.eval.gold import load_gold

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_four_sessions_two_questions_each_no_errors(data_dir, tmp_path, gold_path):
    out = tmp_path / "results"
    result = subprocess.run(
        [sys.executable, "scripts/loadtest.py", "--sessions", "4", "--questions", "2", "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "PROCQA_DATA": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((out / "load.json").read_text("utf-8"))
    assert (report["sessions"], report["questions"], report["answered"], report["errors"]) == (4, 8, 8, 0)
    assert 0 < report["p50_s"] <= report["p95_s"] <= report["max_s"]
    assert report["peak_rss_mb"] >= report["idle_rss_mb"] > 100  # the model and index are loaded
    assert report["cores"] == os.cpu_count() and report["split"] == "dev"
    asked = [r["question_id"] for r in report["results"]]
    assert len(set(asked)) == 8 and {r["session"] for r in report["results"]} == {0, 1, 2, 3}
    assert set(asked) <= {q.id for q in load_gold(gold_path, "dev")}  # never a test-split question
    assert {r["outcome"] for r in report["results"]} <= {"answered", "declined"}
    table = (out / "load.md").read_text("utf-8")
    assert f"| 4 | 8 | {report['p50_s']} s | {report['p95_s']} s |" in table
