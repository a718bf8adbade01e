"""`procqa eval`: run the gold questions through the real pipeline and the baselines, write a report;
`--sweep` searches the fusion and abstention grids on a split and writes the grid it searched."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from procqa.cli.common import fail
from procqa.config import Settings
from procqa.engine import IndexMissing, open_engine


def _fail(message: str) -> int:
    return fail(message, prog="procqa eval")


def _systems(value: str) -> list[str]:
    from procqa.eval.harness import SYSTEMS

    names = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in names if s not in SYSTEMS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"unknown system(s) {unknown or value!r}; choose from {SYSTEMS}")
    return list(dict.fromkeys(names))


def _first_bad_line(path: Path) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            if line.strip():
                json.loads(line)
        except json.JSONDecodeError:
            return n
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="score the pipeline and baselines on the gold questions")
    p.add_argument(
        "--gold", type=Path, default=None, help="gold questions (JSON lines; default eval/gold.jsonl)"
    )
    p.add_argument("--split", choices=["dev", "test", "all"], default="test")
    p.add_argument(
        "--systems",
        type=_systems,
        default="hybrid,fusion,bm25,dense,llamaindex",
        help="comma-separated systems",
    )
    p.add_argument("--limit", type=int, default=None, help="only the first N questions of the split")
    p.add_argument("--out", type=Path, default=None, help="folder for report.md, results.json, ...")
    p.add_argument("-k", type=int, default=10, help="paragraphs retrieved per document (>= 10 for @10)")
    p.add_argument(
        "--sweep",
        action="store_true",
        help="search the fusion and abstention grids instead (use --split dev)",
    )
    p.add_argument(
        "--fit-ranker", action="store_true", help="fit the paragraph ranker instead (use --split dev)"
    )
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from procqa.eval.gold import check_gold, load_gold

    gold = args.gold or settings.gold
    out = args.out or settings.results
    if args.k < 1 or args.k > 50:
        return _fail("-k must be between 1 and 50")
    if not gold.is_file():
        return _fail(f"no gold file at {gold}: pass --gold FILE")
    try:
        questions = load_gold(gold, args.split)
    except json.JSONDecodeError as exc:  # its own line number counts within one JSON line
        return _fail(f"bad gold file {gold}: line {_first_bad_line(gold)} is not JSON ({exc.msg})")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return _fail(f"bad gold file {gold}: {exc}".replace("\n", " "))
    if args.limit is not None:
        if args.limit < 1:
            return _fail("--limit must be at least 1")
        questions = questions[: args.limit]
    if not questions:
        return _fail(f"no {args.split} questions in {gold}")
    try:
        engine = open_engine(settings, warm=True)
    except IndexMissing as exc:
        return _fail(str(exc))
    unknown = sorted({q.doc for q in questions if q.doc and q.doc not in engine.docs})
    if unknown:
        return _fail(f"gold file names documents not in the index: {', '.join(unknown)}")
    problems = check_gold(questions, {d: engine.paragraphs(d) for d in engine.docs})
    if problems:  # worth knowing, but a stale quote should not block a run
        print(f"warning: {len(problems)} gold problem(s), first: {problems[0]}", file=sys.stderr)

    if args.fit_ranker:
        from procqa.eval.fit import fit_ranker

        print(json.dumps(fit_ranker(engine, questions, out, args.k), indent=2))
        return 0

    if args.sweep:
        from procqa.eval.sweep import sweep

        chosen = sweep(engine, questions, out, args.k)
        print(json.dumps(chosen, indent=2))
        print(f"\nwritten to {out}/ (sweep_fusion.csv, sweep_abstention.csv, sweep.json)")
        return 0

    from procqa.eval.harness import evaluate
    from procqa.eval.report import headline_table, write_all

    result, records = evaluate(engine, questions, args.systems, args.k)
    result = {"gold": str(gold), "split": args.split, **result}
    write_all(out, result, records, {q.id: q.question for q in questions})
    print(headline_table(result["aggregate"]))
    print(f"\nwritten to {out}/ (report.md, results.json, per_question.csv, chart.png)")
    return 0
