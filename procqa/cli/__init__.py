"""The `procqa` console entry point: a thin parser that registers one module per command group.

procqa ingest ...          cli/ingest.py
procqa ask / show ...      cli/ask.py
procqa eval ...            cli/eval.py
procqa feedback ...        cli/feedback.py
procqa quiz ...            cli/quiz.py
procqa coverage ...        cli/coverage.py
"""

from __future__ import annotations

import argparse
import sys

from procqa.cli import ask, coverage, eval, feedback, ingest, quiz
from procqa.cli.common import fail
from procqa.config import Settings

GROUPS = (ingest, ask, eval, feedback, quiz, coverage)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="procqa", description="Cited answers from child-protection procedures"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, Settings())
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
