"""The opt-in local log of asked questions, in the `questions` table of <data_dir>/feedback.sqlite.

Off unless a user switches it on in the app's sidebar; `clear_log` empties it. Each row keeps the time,
the question as typed, the procedures asked, whether the app declined it, and the refs of the closest
paragraphs (doc, ref, ¶) so the coverage report can say where questions land without asking them again.
Nothing leaves the machine. Errors (a read-only, locked or corrupt file) are raised as sqlite3.Error or
OSError for the caller to report; nothing already stored is touched by a failed write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime

from procqa.config import Settings
from procqa.feedback.store import db_path
from procqa.records import Answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    question TEXT NOT NULL,
    procedures TEXT NOT NULL,
    declined INTEGER NOT NULL,
    top_refs TEXT NOT NULL
)
"""
TOP_PER_DOC = 3  # closest paragraphs kept per document asked

Ref = tuple[str, str, int | None]  # (doc_id, ref, para)


@dataclass(frozen=True)
class LoggedQuestion:
    time: str
    question: str
    doc_ids: tuple[str, ...]
    declined: bool
    top_refs: tuple[Ref, ...]  # best first within each document

    def top_ref(self, doc_id: str) -> Ref | None:
        """The closest paragraph of one document, when the question was asked of it."""
        return next((r for r in self.top_refs if r[0] == doc_id), None)


def _connect(settings: Settings) -> sqlite3.Connection:
    path = db_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10)
    conn.execute(_SCHEMA)
    return conn


def top_refs(answer: Answer, per_doc: int = TOP_PER_DOC) -> list[Ref]:
    """The first `per_doc` ranked hits of each document (the answer's hits are best first per document)."""
    taken: dict[str, int] = {}
    out: list[Ref] = []
    for c in answer.hits:
        p = c.paragraph
        if taken.get(p.doc_id, 0) < per_doc:
            taken[p.doc_id] = taken.get(p.doc_id, 0) + 1
            out.append((p.doc_id, p.ref, p.para))
    return out


def log_question(
    settings: Settings, question: str, doc_ids: Sequence[str], declined: bool, top_refs: Sequence[Ref]
) -> None:
    """Keep one asked question (the caller checks the user switched the log on)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    refs = json.dumps([[d, r, p] for d, r, p in top_refs], ensure_ascii=False)
    with closing(_connect(settings)) as conn, conn:
        conn.execute(
            "INSERT INTO questions (time, question, procedures, declined, top_refs) VALUES (?, ?, ?, ?, ?)",
            (now, question, ",".join(doc_ids), int(declined), refs),
        )


def logged(settings: Settings) -> list[LoggedQuestion]:
    """Every logged question, oldest first; none (and no file created) when nothing was ever stored."""
    if not db_path(settings).is_file():
        return []
    with closing(_connect(settings)) as conn:
        found = conn.execute(
            "SELECT time, question, procedures, declined, top_refs FROM questions ORDER BY id"
        ).fetchall()
    out = []
    for time, question, procedures, declined, refs in found:
        try:
            parsed = tuple(
                (str(d), str(r), p if isinstance(p, int) else None) for d, r, p in json.loads(refs)
            )
        except (ValueError, TypeError):
            parsed = ()  # a damaged row still counts as a question asked
        out.append(
            LoggedQuestion(
                time, question, tuple(d for d in procedures.split(",") if d), bool(declined), parsed
            )
        )
    return out


def clear_log(settings: Settings) -> int:
    """Delete every logged question (feedback rows are kept); returns how many were deleted."""
    if not db_path(settings).is_file():
        return 0
    with closing(_connect(settings)) as conn, conn:
        return conn.execute("DELETE FROM questions").rowcount
