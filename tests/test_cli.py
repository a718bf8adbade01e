"""The `procqa` command as a user runs it: real processes, real index, clear one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def run(args: list[str], data_dir, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PROCQA_DATA": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "procqa.cli", *args], input=stdin, capture_output=True, text=True, env=env,
        timeout=300,
    )  # fmt: skip


def test_ask_prints_cited_steps(data_dir):
    result = run(["ask", "who must be told when a child dies?", "--doc", "set-2025"], data_dir)
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "SET A 9." in result.stdout


def test_ask_json_lines_from_stdin(data_dir):
    questions = "what is significant harm?\n\nwhat is the capital of France?\n"
    result = run(["ask", "--json", "-"], data_dir, stdin=questions)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["what is significant harm?", "what is the capital of France?"]
    assert rows[0]["citations"] and not rows[0]["abstained"]
    assert rows[1]["abstained"] and rows[1]["related"]


def test_show_prints_paragraph_in_context(data_dir):
    result = run(["show", "wales-2008", "2.1.1 ¶1"], data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("AWCPP 2.1.1 ¶1  (page 39)")
    assert "next:" in result.stdout and "previous:" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["ask", ""], "the question is empty"),
        (["ask", "what is neglect?", "--doc", "nowhere"], "unknown document"),
        (["ask", "q" * 100_000], "characters long"),  # argv itself caps near 128 KB
        (["show", "set-2025", "Z 9.9.9"], "no paragraph"),
        (["ingest", "notes.docx"], "unsupported file type"),
    ],
)
def test_bad_input_is_one_clear_line(data_dir, args, message):
    result = run(args, data_dir)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_index_is_one_clear_line(tmp_path):
    result = run(["ask", "what is neglect?"], tmp_path / "nothing-here")
    assert result.returncode == 2
    assert "run `procqa ingest` first" in result.stderr and "Traceback" not in result.stderr


def test_megabyte_question_on_stdin_is_refused_and_the_rest_answered(data_dir):
    result = run(["ask", "--json", "-"], data_dir, stdin="x" * 1_000_000 + "\nwhat is neglect?\n")
    assert result.returncode == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert "characters long" in rows[0]["error"] and len(rows[0]["question"]) <= 200
    assert rows[1]["citations"]
