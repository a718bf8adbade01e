"""Feedback storage and `procqa feedback export` (no index or model needed)."""

from __future__ import annotations

import csv
import io

import pytest

from procqa.cli import main
from procqa.config import Settings
from procqa.feedback.store import COLUMNS, db_path, export_csv, record, rows


def test_record_and_export_round_trip(tmp_path):
    path = tmp_path / "feedback.sqlite"
    record(path, "helpful", ["SET A 1.6.5", "SET A 1.6.6"], "What must I do?", ["set-2025"])
    record(path, "wrong citation", ["AWCPP 3.8.3 ¶2"], None, ["wales-2008"])

    stored = rows(path)
    assert [r[COLUMNS.index("choice")] for r in stored] == ["helpful", "wrong citation"]
    assert stored[1][COLUMNS.index("question")] is None  # question text not kept
    assert "T" in stored[0][COLUMNS.index("time")]  # ISO timestamp

    out = io.StringIO()
    assert export_csv(path, out) == 2
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert table[0]["refs"] == "SET A 1.6.5; SET A 1.6.6"
    assert table[0]["question"] == "What must I do?"
    assert table[1]["question"] == ""
    assert table[1]["refs"] == "AWCPP 3.8.3 ¶2"
    assert table[1]["procedures"] == "wales-2008"


def test_unknown_choice_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown feedback choice"):
        record(tmp_path / "feedback.sqlite", "meh", [], "q")
    assert rows(tmp_path / "feedback.sqlite") == []


def test_export_without_any_feedback_writes_only_the_header(tmp_path):
    out = io.StringIO()
    assert export_csv(tmp_path / "none.sqlite", out) == 0
    assert out.getvalue().strip() == ",".join(COLUMNS)
    assert not (tmp_path / "none.sqlite").exists()  # exporting does not create a database


def test_cli_export_to_file_and_stdout(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PROCQA_DATA", str(tmp_path))
    record(db_path(Settings()), "not helpful", ["SET A 1.1.1"], 'a "quoted", question')

    target = tmp_path / "out.csv"
    assert main(["feedback", "export", "--out", str(target)]) == 0
    with open(target, encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert table == [
        {
            "time": table[0]["time"],
            "question": 'a "quoted", question',
            "refs": "SET A 1.1.1",
            "choice": "not helpful",
            "procedures": "",
        }
    ]

    assert main(["feedback", "export"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == ",".join(COLUMNS)
    assert "not helpful" in captured.out
    assert "exported 1 feedback row(s)" in captured.err
