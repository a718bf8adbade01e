"""The `procqa` command as a user runs it: real index, clear one-line errors. Commands run in-process
through `main(argv)`; one smoke test runs the installed console script as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from procqa.cli import main

pytestmark = pytest.mark.slow


def test_console_script_runs_as_a_process(data_dir):
    env = {**os.environ, "PROCQA_DATA": str(data_dir)}
    question = "who must be told when a child dies?"
    result = subprocess.run(
        [sys.executable, "-m", "procqa.cli", "ask", question, "--doc", "set-2025"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "SET A 9." in result.stdout and "Sources:" in result.stdout


def test_ask_json_lines_from_stdin(cli):
    status, out, _ = cli(
        ["ask", "--json", "-"], "what is significant harm?\n\nwhat is the capital of France?\n"
    )
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in rows] == ["what is significant harm?", "what is the capital of France?"]
    assert rows[0]["citations"] and not rows[0]["abstained"] and rows[0]["sections"]
    assert rows[1]["abstained"] and rows[1]["related"] and rows[1]["sections"] == []


def test_show_prints_paragraph_in_context(cli):
    status, out, _ = cli(["show", "wales-2008", "2.1.1 ¶1"])
    assert status == 0
    assert out.startswith("AWCPP 2.1.1 ¶1  (page 39)")
    assert "\nnext:     AWCPP 2.1.1 ¶2 — " in out and "\nprevious: AWCPP " in out


def test_show_without_a_para_prints_every_paragraph_under_the_heading(cli):
    status, out, _ = cli(["show", "wales-2008", "2.1.1"])
    assert status == 0
    assert out.startswith("AWCPP 2.1.1 ¶1") and "\nAWCPP 2.1.1 ¶2" in out
    assert "next:     AWCPP 2.1.1 ¶" not in out  # the neighbours are outside the heading


@pytest.mark.parametrize(
    "args, message",
    [
        (["ask", ""], "the question is empty"),
        (["ask", "what is neglect?", "--doc", "nowhere"], "unknown document"),
        (["ask", "q" * 100_000], "characters long"),
        (["ask", "what is neglect?", "-k", "0"], "-k must be between 1 and 50"),
        (["show", "set-2025", "Z 9.9.9"], "no paragraph"),
        (["show", "nowhere", "1.1"], "unknown document"),
        (["ingest", "notes.docx"], "unsupported file type"),
        (["eval", "--gold", "no-such-file.jsonl"], "no gold file"),
    ],
)
def test_bad_input_is_one_clear_line(cli, args, message):
    status, _, err = cli(args)
    assert status == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_index_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PROCQA_DATA", str(tmp_path / "nothing-here"))
    assert main(["ask", "what is neglect?"]) == 2
    assert "run `procqa ingest` first" in capsys.readouterr().err


def test_undecodable_and_nul_lines_on_stdin_are_reported_and_the_run_goes_on(cli):
    status, out, _ = cli(
        ["ask", "--json", "-"], b"what is neglect?\n\xff\xfe\nnul\x00here\nwhat is a core group?\n"
    )
    assert status == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [("error" in r) for r in rows] == [False, True, True, False]
    assert "not valid UTF-8" in rows[1]["error"] and "NUL" in rows[2]["error"]
    assert rows[3]["citations"]


def test_megabyte_question_on_stdin_is_refused_and_the_rest_answered(cli):
    status, out, _ = cli(["ask", "--json", "-"], "x" * 1_000_000 + "\nwhat is neglect?\n")
    assert status == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert "characters long" in rows[0]["error"] and len(rows[0]["question"]) <= 200
    assert rows[1]["citations"]
