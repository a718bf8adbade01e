"""The `procqa` console entry point: thin subcommands over ingest, ask, show, eval and feedback."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eval.cli import add_eval_parser
from feedback.cli import add_feedback_parser
from procqa.config import Settings


def _fail(message: str, code: int = 2) -> int:
    print(f"procqa: error: {message}", file=sys.stderr)
    return code


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from index.store import IndexMissing
    from ingest.load import UnsupportedDocument
    from ingest.pdf import UnreadablePDF
    from ingest.pipeline import ingest

    try:
        stats = ingest(settings, [Path(p) for p in args.paths] or None)
    except (UnsupportedDocument, UnreadablePDF, IndexMissing, FileNotFoundError) as exc:
        return _fail(f"{exc} (the previous index, if any, is unchanged)")
    print(
        f"indexed {stats.paragraphs} paragraphs ({stats.embedded} embedded, {stats.reused} unchanged) "
        f"in {stats.seconds:.1f}s -> {stats.path}"
    )
    return 0


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            page = f", p. {c.paragraph.page}" if c.paragraph.page else ""
            print(f"  [{c.n}] {c.label} — {' › '.join(c.paragraph.heading[-2:])}{page}")
    if answer.related:
        print("\nRelated paragraphs:" if answer.abstained else "\nSee also:")
        for c in answer.related:
            print(f"  {c.label} — {' › '.join(c.paragraph.heading[-2:])}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from answer.ask import QuestionError, ask, clean_question, load_engine
    from index.store import IndexMissing

    if args.k is not None and not 1 <= args.k <= 50:
        return _fail("-k must be between 1 and 50")
    if args.question != "-":
        try:
            clean_question(args.question, settings)  # fail fast, before loading models
        except QuestionError as exc:
            return _fail(str(exc))
    try:
        engine = load_engine(settings)
    except IndexMissing as exc:
        return _fail(str(exc))
    docs = [args.doc] if args.doc else None
    if args.doc and args.doc not in engine.docs:
        return _fail(f"unknown document {args.doc!r}; choose from {', '.join(engine.docs)}")

    if args.question != "-":
        try:
            _print_answer(ask(engine, args.question, docs, args.k), args.json)
        except QuestionError as exc:
            return _fail(str(exc))
        return 0

    # One question per line in, one JSON object per line out; models load once.
    status = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            _print_answer(ask(engine, line, docs, args.k), True)
        except QuestionError as exc:
            print(json.dumps({"question": line.strip()[:200], "error": str(exc)}), flush=True)
            status = 1
    return status


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from index.store import read_docs, read_paragraphs

    docs = {d.doc_id: d for d in read_docs(settings)}
    if not docs:
        return _fail(f"no index in {settings.data_dir}: run `procqa ingest` first")
    if args.doc not in docs:
        return _fail(f"unknown document {args.doc!r}; choose from {', '.join(docs)}")
    paragraphs = read_paragraphs(settings, args.doc)
    ref, _, para = args.ref.partition("¶")
    ref, para = ref.strip(), (int(para) if para.strip().isdigit() else None)
    matches = [i for i, p in enumerate(paragraphs) if p.ref == ref and (para is None or p.para == para)]
    if not matches:
        return _fail(f"no paragraph {args.ref!r} in {args.doc}")
    label = docs[args.doc].label
    for i in matches[:1] if para else matches:
        p = paragraphs[i]
        print(f"{label} {p.cite_ref}" + (f"  (page {p.page})" if p.page else ""))
        print(" › ".join(p.heading))
        print()
        print(p.text)
        print()
    before = paragraphs[matches[0] - 1] if matches[0] > 0 else None
    after = paragraphs[matches[-1] + 1] if matches[-1] + 1 < len(paragraphs) else None
    if before:
        print(f"previous: {label} {before.cite_ref} — {before.text[:100]}")
    if after:
        print(f"next:     {label} {after.cite_ref} — {after.text[:100]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="procqa", description="Cited answers from child-protection procedures"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build the index (no paths: the bundled corpus)")
    p.add_argument("paths", nargs="*", help="PDF, Markdown or text files to add")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="ask a question ('-' reads one per line from stdin, JSON out)")
    p.add_argument("question")
    p.add_argument("--doc", help="answer from one set of procedures (e.g. set-2025, wales-2008)")
    p.add_argument("-k", type=int, default=None, help="paragraphs to retrieve per document")
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("show", help="print one paragraph with its headings, page and neighbours")
    p.add_argument("doc")
    p.add_argument("ref", help='e.g. "A 1.6.5" or "3.8.3 ¶2"')
    p.set_defaults(func=cmd_show)

    add_eval_parser(sub)
    add_feedback_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, Settings())
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
