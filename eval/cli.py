"""`procqa eval`: run the gold questions through the real pipeline and the baselines, write a report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from procqa.config import Settings

RESULTS = Path(__file__).resolve().parent / "results"


def _fail(message: str, code: int = 2) -> int:
    print(f"procqa eval: error: {message}", file=sys.stderr)
    return code


def _systems(value: str) -> list[str]:
    from eval.harness import SYSTEMS

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


def add_eval_parser(subparsers) -> None:
    from eval.gold import GOLD

    p = subparsers.add_parser("eval", help="score the pipeline and baselines on the gold questions")
    p.add_argument("--gold", type=Path, default=GOLD, help="gold questions (JSON lines)")
    p.add_argument("--split", choices=["dev", "test", "all"], default="test")
    p.add_argument(
        "--systems", type=_systems, default="hybrid,bm25,dense,llamaindex", help="comma-separated systems"
    )
    p.add_argument("--limit", type=int, default=None, help="only the first N questions of the split")
    p.add_argument("--out", type=Path, default=RESULTS, help="folder for report.md, results.json, ...")
    p.add_argument("-k", type=int, default=10, help="paragraphs retrieved per document (>= 10 for @10)")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from answer.ask import load_engine
    from eval.gold import check_gold, load_gold
    from eval.harness import evaluate
    from eval.report import headline_table, write_all
    from index.store import IndexMissing

    if args.k < 1 or args.k > 50:
        return _fail("-k must be between 1 and 50")
    try:
        questions = load_gold(args.gold, args.split)
    except json.JSONDecodeError as exc:  # its own line number counts within one JSON line
        return _fail(f"bad gold file {args.gold}: line {_first_bad_line(args.gold)} is not JSON ({exc.msg})")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return _fail(f"bad gold file {args.gold}: {exc}".replace("\n", " "))
    if args.limit is not None:
        if args.limit < 1:
            return _fail("--limit must be at least 1")
        questions = questions[: args.limit]
    if not questions:
        return _fail(f"no {args.split} questions in {args.gold}")
    try:
        engine = load_engine(settings)
    except IndexMissing as exc:
        return _fail(str(exc))
    unknown = sorted({q.doc for q in questions if q.doc and q.doc not in engine.docs})
    if unknown:
        return _fail(f"gold file names documents not in the index: {', '.join(unknown)}")
    corpus = {d: [p for p in engine.retriever.index.paragraphs if p.doc_id == d] for d in engine.docs}
    problems = check_gold(questions, corpus)
    if problems:  # worth knowing, but a stale quote should not block a run
        print(f"warning: {len(problems)} gold problem(s), first: {problems[0]}", file=sys.stderr)

    result, records = evaluate(engine, questions, args.systems, args.k)
    result = {"gold": str(args.gold), "split": args.split, **result}
    write_all(args.out, result, records, {q.id: q.question for q in questions})
    print(headline_table(result["aggregate"]))
    print(f"\nwritten to {args.out}/ (report.md, results.json, per_question.csv, chart.png)")
    return 0
