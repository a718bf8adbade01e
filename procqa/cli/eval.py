"""`procqa eval`: run the gold questions through the real pipeline and the baselines, write a report;
`--sweep` searches the fusion and abstention grids on a split and writes the grid it searched."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from procqa.cli.common import fail
from procqa.config import Settings
from procqa.engine import IndexMissing, llm_configured, llm_problem, open_engine, parse_corpus


def _llm_check(settings: Settings, out: Path) -> int:
    """Fit the support bar on the labelled set's fit half, measure both halves, write the report."""
    from procqa.eval import llm_check as lc

    path = settings.eval_dir / "llm_check.jsonl"
    try:
        items = lc.load(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return _fail(f"bad labelled set {path}: {exc}".replace("\n", " "))
    corpus = {(d, p.ref, p.para): p for d, (_, ps) in parse_corpus(settings).items() for p in ps}
    missing = sorted({key for it in items for key in it.paragraphs if key not in corpus})
    if missing:
        return _fail(f"{path.name} cites paragraphs not in the corpus, first: {missing[0]}")
    bar, grid = lc.fit_bar(items, corpus)
    shipped = lc.Bar(settings.llm_support, settings.llm_support_floor, settings.llm_meaning)
    result = {
        **lc.evaluate(items, corpus, bar),
        "shipped": {"threshold": shipped.lexical, "floor": shipped.floor, "meaning": shipped.meaning},
        "grid": grid,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "llm_check.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    text = lc.report(result)
    (out / "llm_check.md").write_text(text)
    print(text)
    if bar != shipped:
        print(
            f"note: the fitted bar {bar} differs from Settings "
            f"(llm_support, llm_support_floor, llm_meaning) {shipped}"
        )
    print(f"written to {out}/ (llm_check.md, llm_check.json)")
    return 0


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
    p.add_argument(
        "--llm",
        action="store_true",
        help="also answer with the local model (PROCQA_LLM_URL, PROCQA_LLM_MODEL): sentences kept and "
        "removed, fallbacks, must-mention and latency beside the quoted answer (llm_eval.md)",
    )
    p.add_argument(
        "--llm-check",
        action="store_true",
        help="measure the check on generated sentences on eval/llm_check.jsonl (llm_check.md); "
        "needs no index or model",
    )
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from procqa.eval.gold import check_gold, load_gold

    gold = args.gold or settings.gold
    out = args.out or settings.results
    if args.llm_check:
        return _llm_check(settings, out)
    if args.llm and not llm_configured(settings):
        return _fail("--llm needs a local model: set PROCQA_LLM_URL and PROCQA_LLM_MODEL (see the README)")
    if args.llm and (problem := llm_problem(settings)):
        return _fail(problem)
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

    if args.llm:
        from procqa.eval.llm_eval import evaluate_llm, write_llm_report

        result = {"gold": str(gold), "split": args.split, **evaluate_llm(engine, questions, args.k)}
        print(write_llm_report(out, result))
        print(f"written to {out}/ (llm_eval.md, llm_eval.json)")
        return 0

    from procqa.eval.harness import evaluate
    from procqa.eval.report import headline_table, write_all

    result, records = evaluate(engine, questions, args.systems, args.k)
    result = {"gold": str(gold), "split": args.split, **result}
    write_all(out, result, records, {q.id: q.question for q in questions})
    print(headline_table(result["aggregate"]))
    print(f"\nwritten to {out}/ (report.md, results.json, per_question.csv, chart.png)")
    return 0
