"""`procqa feedback export [--out FILE]`: the stored feedback as CSV."""

from __future__ import annotations

import argparse
import sqlite3
import sys

from procqa.cli.common import fail
from procqa.config import Settings


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from procqa.feedback.store import db_path, export_csv

    path = db_path(settings)
    try:
        if args.out in (None, "-"):
            count = export_csv(path, sys.stdout)
        else:
            # newline="" lets the csv module write its own line endings, as the csv docs require.
            with open(args.out, "w", encoding="utf-8", newline="") as fh:
                count = export_csv(path, fh)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            return fail(f"the feedback store {path} is busy (another process is writing); try again shortly")
        return fail(f"the feedback store {path} cannot be read ({exc}); move it aside to start a new one")
    except sqlite3.Error as exc:
        return fail(f"the feedback store {path} cannot be read ({exc}); move it aside to start a new one")
    except OSError as exc:
        return fail(f"cannot write {args.out}: {exc.strerror or exc}")
    print(f"exported {count} feedback row(s) from {path}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("feedback", help="feedback given in the app")
    sub = p.add_subparsers(dest="feedback_command", required=True)
    e = sub.add_parser("export", help="write all feedback as CSV (stdout unless --out)")
    e.add_argument("--out", help="CSV file to write ('-' for stdout)")
    e.set_defaults(func=cmd_export)
