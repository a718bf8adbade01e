"""`procqa ask` and `procqa show`: answers and paragraphs, rendered from the engine's records."""

from __future__ import annotations

import argparse
import json
import sys

from procqa.cli.common import fail
from procqa.config import Settings
from procqa.engine import (
    IndexMissing,
    QuestionError,
    clean_question,
    llm_configured,
    llm_problem,
    open_engine,
)
from procqa.records import Answer, Citation


def _source_line(c: Citation) -> str:
    page = f", p. {c.paragraph.page}" if c.paragraph.page else ""
    return f"{c.label} — {' › '.join(c.paragraph.heading[-2:])}{page}"


def render_text(answer: Answer) -> str:
    # Urgent help first: a "what do I do" answer opens with what each document says to do when a child
    # is in immediate danger, and the numbers it prints for referring now.
    lines = [u.text + "\n" for u in answer.urgent]
    written = answer.written
    if written is not None and written.used:
        lines.append(f"Written by {written.model}; every sentence checked against the paragraph it cites.")
        for section in answer.sections:
            if kept := written.lines(section.doc_id):
                note = f"\nNote: {section.note}" if section.note else ""
                lines += ["", f"{section.heading}{note}", kept]
    else:
        if written is not None:  # the notice ends "... so this answer is quoted from the procedures."
            lines += [written.notice, ""]
        lines.append(answer.text)
    if answer.citations:
        lines += ["", "Sources:"] + [f"  [{c.n}] {_source_line(c)}" for c in answer.citations]
    if answer.related:
        lines += ["", "Related paragraphs:" if answer.abstained else "See also:"]
        lines += [f"  {c.label} — {' › '.join(c.paragraph.heading[-2:])}" for c in answer.related]
    return "\n".join(lines)


def _print_answer(answer: Answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
    else:
        print(render_text(answer))


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.k is not None and not 1 <= args.k <= 50:
        return fail("-k must be between 1 and 50")
    if args.question != "-":
        try:
            clean_question(args.question, settings)  # fail fast, before loading models
        except QuestionError as exc:
            return fail(str(exc))
    if args.llm and not llm_configured(settings):
        return fail("--llm needs a local model: set PROCQA_LLM_URL and PROCQA_LLM_MODEL (see the README)")
    if args.llm and (problem := llm_problem(settings)):
        return fail(problem)
    try:
        engine = open_engine(settings, preload=True)
    except IndexMissing as exc:
        return fail(str(exc))
    docs = [args.doc] if args.doc else None
    if args.doc and args.doc not in engine.docs:
        return fail(f"unknown document {args.doc!r}; choose from {', '.join(engine.docs)}")

    if args.question != "-":
        try:
            _print_answer(engine.ask(args.question, docs, args.k, llm=args.llm), args.json)
        except QuestionError as exc:
            return fail(str(exc))
        return 0

    # One question per line in, one JSON object per line out; models load once. Lines are read as bytes
    # so one undecodable line is reported and skipped, never the end of the run.
    status = 0
    for raw in sys.stdin.buffer:
        line, error = _decode(raw)
        if not line.strip() and error is None:
            continue
        try:
            if error is not None:
                raise QuestionError(error)
            _print_answer(engine.ask(line, docs, args.k, llm=args.llm), True)
        except QuestionError as exc:
            print(json.dumps({"question": line.strip()[:200], "error": str(exc)}), flush=True)
            status = 1
    return status


def _decode(raw: bytes) -> tuple[str, str | None]:
    """A line of stdin as text, or the text it could be read as and why it is refused."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw.decode(
            "utf-8", errors="replace"
        ), f"the line is not valid UTF-8 text (byte {exc.start + 1})"
    if "\x00" in text:
        return text.replace("\x00", ""), "the line contains a NUL byte"
    return text, None


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    try:
        engine = open_engine(settings)
    except IndexMissing as exc:
        return fail(str(exc))
    if args.doc not in engine.docs:
        return fail(f"unknown document {args.doc!r}; choose from {', '.join(engine.docs)}")
    ref, _, para = args.ref.partition("¶")
    found = engine.context(args.doc, ref.strip(), int(para) if para.strip().isdigit() else None, 1, 1)
    if found is None:
        return fail(f"no paragraph {args.ref!r} in {args.doc}")
    label = found.doc.label
    for p in found.matches:
        print(f"{label} {p.cite_ref}" + (f"  (page {p.page})" if p.page else ""))
        print(" › ".join(p.heading))
        print()
        print(p.text)
        print()
    for name, near in (("previous:", found.before), ("next:    ", found.after)):
        for p in near:
            print(f"{name} {label} {p.cite_ref} — {p.text[:100]}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("ask", help="ask a question ('-' reads one per line from stdin, JSON out)")
    p.add_argument("question")
    p.add_argument("--doc", help="answer from one set of procedures (e.g. set-2025, wales-2008)")
    p.add_argument("-k", type=int, default=None, help="paragraphs to retrieve per document")
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.add_argument(
        "--llm",
        action="store_true",
        help="let the local model (PROCQA_LLM_URL, PROCQA_LLM_MODEL) write the answer; every sentence is "
        "checked against the paragraph it cites, and any failure gives the quoted answer",
    )
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("show", help="print one paragraph with its headings, page and neighbours")
    p.add_argument("doc")
    p.add_argument("ref", help='e.g. "A 1.6.5" or "3.8.3 ¶2"')
    p.set_defaults(func=cmd_show)
