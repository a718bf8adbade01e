"""Feedback rows in <data_dir>/feedback.sqlite: time, question (or NULL), cited refs, choice.

Nothing leaves the machine; `procqa feedback export` is the only way out, as CSV.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from procqa.config import Settings

CHOICES = ("helpful", "not helpful", "wrong citation")
COLUMNS = ("time", "question", "refs", "choice", "procedures")
FILENAME = "feedback.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    question TEXT,
    refs TEXT NOT NULL,
    choice TEXT NOT NULL,
    procedures TEXT NOT NULL
)
"""


def db_path(settings: Settings) -> Path:
    return settings.data_dir / FILENAME


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10)
    conn.execute(_SCHEMA)
    return conn


def record(
    path: Path,
    choice: str,
    refs: Sequence[str],
    question: str | None,
    procedures: Sequence[str] = (),
) -> None:
    """Store one judgement. `question` is None when the user chose not to keep question text."""
    if choice not in CHOICES:
        raise ValueError(f"unknown feedback choice {choice!r}; expected one of {', '.join(CHOICES)}")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    # Refs are joined with "; " because labels contain spaces ("SET A 1.6.5") but never semicolons.
    with closing(_connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO feedback (time, question, refs, choice, procedures) VALUES (?, ?, ?, ?, ?)",
            (now, question, "; ".join(refs), choice, ",".join(procedures)),
        )


def rows(path: Path) -> list[tuple]:
    """All rows, oldest first, as tuples in COLUMNS order; none when nothing was ever recorded."""
    if not path.is_file():
        return []
    with closing(_connect(path)) as conn:
        return conn.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id").fetchall()


def export_csv(path: Path, out: TextIO) -> int:
    """Write a header and every row as CSV; returns the number of rows. A NULL question is an empty cell."""
    found = rows(path)
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(found)
    return len(found)
