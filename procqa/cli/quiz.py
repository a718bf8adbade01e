"""`procqa quiz`: a checked, cited quiz written in a learning platform's import format.

procqa quiz --doc set-2025 --section "A 4" -n 20 --types mcq,gap --format gift --out a4.gift
procqa quiz --doc wales-2008 --topic "strategy discussion" --format moodle-xml --out strategy.xml
procqa quiz --doc set-2025 --report [--out report.md]      every section: candidates, rejections, reach
procqa quiz --doc set-2025 --report --chapters             ... and which chapters give a 20-item quiz
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from procqa.cli.common import fail
from procqa.config import Settings
from procqa.engine import IndexMissing, open_engine


def _types(value: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in value.split(",") if t.strip())


def cmd_quiz(args: argparse.Namespace, settings: Settings) -> int:
    from procqa.quiz.build import QuizError, build_quiz
    from procqa.quiz.export import FORMATS, write
    from procqa.quiz.report import quiz_report

    if not args.report and (not args.format or not args.out):
        return fail("quiz needs --format and --out (or --report)")
    if args.format and args.format not in FORMATS:
        return fail(f"unknown format '{args.format}'; choose from {', '.join(FORMATS)}")
    try:
        engine = open_engine(settings)
    except IndexMissing as exc:
        return fail(str(exc))
    try:
        if args.report:
            report = quiz_report(engine, args.doc, _types(args.types), args.seed, chapters=args.chapters)
            text = report.markdown()
            if args.out:
                Path(args.out).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return 0
        quiz = build_quiz(
            engine, args.doc, args.section or (), args.topic, args.n, _types(args.types), args.seed
        )
    except QuizError as exc:
        return fail(str(exc))
    try:
        path = write(quiz, args.format, Path(args.out))
    except (OSError, ValueError) as exc:
        return fail(f"cannot write {args.out}: {getattr(exc, 'strerror', None) or exc}")
    rejected = ", ".join(f"{name} {count}" for name, count in quiz.rejected.items() if count) or "none"
    print(
        f"{quiz.candidates} candidate items generated; rejected by check: {rejected}; "
        f"wrote {len(quiz.items)} items from {quiz.sections_covered} sections to {path}",
        file=sys.stderr,
    )
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("quiz", help="build a checked, cited quiz for a learning platform")
    p.add_argument("--doc", required=True, help="document id, e.g. set-2025 or wales-2008")
    p.add_argument("--section", action="append", help="a chapter or section ref ('A 4', '3.8'); repeatable")
    p.add_argument("--topic", help="pick sections by what the procedures say about this topic")
    p.add_argument("-n", type=int, default=20, help="number of items (default 20)")
    p.add_argument("--types", default="mcq,truefalse,gap,match", help="comma-separated question types")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same quiz")
    p.add_argument("--format", help="gift, moodle-xml, csv, anki or html")
    p.add_argument("--out", help="file to write (the report: markdown, stdout unless given)")
    p.add_argument(
        "--chapters",
        action="store_true",
        help="with --report: build a 20-item quiz on each chapter and list those that fall short (minutes)",
    )
    p.add_argument(
        "--report", action="store_true", help="report candidates and rejections for the whole document"
    )
    p.set_defaults(func=cmd_quiz)
