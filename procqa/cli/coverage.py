"""`procqa coverage`: the coverage report for policy leads, written as one folder.

procqa coverage --out coverage/                          every document in the index
procqa coverage --doc set-2025 --topics mine.csv --out set/
procqa coverage --compare set-2025 wales-2008 --out compare/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from procqa.cli.common import fail
from procqa.config import Settings
from procqa.engine import IndexMissing, open_engine


def cmd_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from procqa.coverage.gold import GoldError
    from procqa.coverage.report import ReportError, build_report, write_report
    from procqa.coverage.topics import TopicsError, load_topics

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return fail(f"cannot write {out}: it is a file, not a folder")
    parent = out.resolve().parent
    if not parent.is_dir():
        return fail(f"cannot write {out}: the folder {parent} does not exist")
    try:
        load_topics(args.topics)  # a bad topics file fails before the slow part
    except TopicsError as exc:
        return fail(str(exc))
    try:
        engine = open_engine(settings)
    except IndexMissing as exc:
        return fail(str(exc))
    doc_ids = list(args.compare or []) + [d for d in (args.doc or []) if d not in (args.compare or [])]
    doc_ids = doc_ids or sorted(engine.docs)
    try:
        report = build_report(engine, doc_ids, args.topics)
        path = write_report(report, out)
    except (ReportError, TopicsError, GoldError) as exc:
        return fail(str(exc))
    counts = ", ".join(
        f"{d.label}: {sum(c.status == 'covered' for c in report.checklist if c.doc_id == d.doc_id)}/"
        f"{report.topics} topics covered, "
        f"{sum(r.doc_id == d.doc_id for r in report.register)} timescales"
        for d in report.docs
    )
    print(f"{counts}; wrote {path / 'report.html'}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("coverage", help="topic checklist, timescales and cited law, for policy leads")
    p.add_argument("--doc", action="append", help="document id (repeatable); default: every document")
    p.add_argument("--topics", help="CSV of topics (columns topic,description[,also]); default: shipped")
    p.add_argument(
        "--compare", nargs=2, metavar=("A", "B"), help="two documents whose timescales are compared"
    )
    p.add_argument("--out", required=True, help="folder to write (replaced whole when it exists)")
    p.set_defaults(func=cmd_coverage)
