"""`procqa ingest [PATH ...]`: build the index (no paths: the bundled corpus)."""

from __future__ import annotations

import argparse
from pathlib import Path

from procqa.cli.common import fail
from procqa.config import Settings
from procqa.engine import IngestError, ingest


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    try:
        stats = ingest(settings, [Path(p) for p in args.paths] or None, force=args.force)
    except IngestError as exc:
        return fail(f"{exc} (the previous index, if any, is unchanged)")
    except OSError as exc:  # the new index could not be written (a full disk): the engine says which
        return fail(str(exc))
    print(
        f"indexed {stats.paragraphs} paragraphs ({stats.embedded} embedded, {stats.reused} unchanged) "
        f"in {stats.seconds:.1f}s -> {stats.path}"
    )
    return 0


def register(sub) -> None:
    p = sub.add_parser("ingest", help="build the index (no paths: the bundled corpus)")
    p.add_argument("paths", nargs="*", help="PDF, Markdown or text files to add")
    p.add_argument("--force", action="store_true", help="rebuild even if the sources are unchanged")
    p.set_defaults(func=cmd_ingest)
