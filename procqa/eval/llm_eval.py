"""`procqa eval --llm`: the same questions answered quoted and by the local model, side by side.

Per question the quoted answer is made once; the model then writes from exactly its paragraphs. Figures:
sentences generated, kept and removed by the check, fallbacks to the quoted answer (and why),
must-mention recall of what the user is shown in each mode, and latency (quoted alone; quoted + model).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from procqa.engine import Engine
from procqa.eval import metrics as m
from procqa.eval.gold import GoldQuestion
from procqa.progress import progress_bar


def evaluate_llm(engine: Engine, questions: list[GoldQuestion], k: int) -> dict:
    rows = []
    with progress_bar(len(questions), "local model") as bar:
        for q in questions:
            rows.append(_one(engine, q, k))
            bar.update(1)
    return _summary(engine, rows)


def _one(engine: Engine, q: GoldQuestion, k: int) -> dict:
    docs = [q.doc] if q.doc else None
    t0 = time.perf_counter()
    quoted = engine.ask(q.question, docs, k)
    t1 = time.perf_counter()
    writing = engine.write(quoted)
    for _ in writing:
        pass
    t2 = time.perf_counter()
    written = writing.answer.written
    assert written is not None
    shown = written.text if written.used else quoted.text
    return {
        "id": q.id,
        "kind": q.kind,
        "generated": len(written.sentences),
        "kept": len(written.kept),
        "fallback": not written.used,
        "notice": written.notice,
        "must_quoted": m.must_mention_recall(quoted.text, q.must_mention),
        "must_llm": m.must_mention_recall(shown, q.must_mention),
        "ms_quoted": (t1 - t0) * 1000,
        "ms_llm": (t2 - t0) * 1000,
        "removed_reasons": [c.reason for c in written.sentences if not c.kept],
        "sentences": [c.to_json() for c in written.sentences],
    }


def _summary(engine: Engine, rows: list[dict]) -> dict:
    reasons: Counter = Counter()
    for r in rows:
        reasons.update(_kind_of(x) for x in r["removed_reasons"])
    fallbacks = Counter(_why(r["notice"]) for r in rows if r["fallback"])
    generated = sum(r["generated"] for r in rows)
    kept = sum(r["kept"] for r in rows)
    return {
        "model": engine.settings.llm_model,
        "questions": len(rows),
        "sentences_generated": generated,
        "sentences_kept": kept,
        "sentences_removed": generated - kept,
        "removed_by_rule": dict(reasons.most_common()),
        "fallbacks": sum(r["fallback"] for r in rows),
        "fallbacks_by_reason": dict(fallbacks.most_common()),
        "must_mention_quoted": m.mean(r["must_quoted"] for r in rows),
        "must_mention_llm": m.mean(r["must_llm"] for r in rows),
        "latency_ms_quoted": {"p50": m.percentile([r["ms_quoted"] for r in rows], 50),
                              "p95": m.percentile([r["ms_quoted"] for r in rows], 95)},
        "latency_ms_llm": {"p50": m.percentile([r["ms_llm"] for r in rows], 50),
                           "p95": m.percentile([r["ms_llm"] for r in rows], 95)},
        "per_question": rows,
    }  # fmt: skip


def _kind_of(reason: str) -> str:
    """The rule behind a removal reason ("time span '48 hours' is not in [2]" -> "time span")."""
    rules = ("cites", "time span", "age", "phone number", "number", "role", "name", "drops a negation",
             "adds a negation", "says 'must'", "gives the duty", "not supported")  # fmt: skip
    return next((r for r in rules if reason.startswith(r)), reason)


def _why(notice: str) -> str:
    inner = notice.split("(", 1)[-1].split(")", 1)[0]
    return "too few sentences passed the check" if "passed the check" in inner else inner


def write_llm_report(out: Path, result: dict) -> str:
    out.mkdir(parents=True, exist_ok=True)
    (out / "llm_eval.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    quoted, model = result["latency_ms_quoted"], result["latency_ms_llm"]

    def pct(x):
        return "–" if x is None else f"{100 * x:.1f}%"

    lines = [
        f"# Local model ({result['model']}) beside the quoted answer",
        "",
        f"{result['questions']} questions. The model writes from the quoted answer's paragraphs.",
        "",
        "| | quoted | local model (checked) |",
        "|---|---|---|",
        f"| Must-mention recall | {pct(result['must_mention_quoted'])} | {pct(result['must_mention_llm'])} |",
        f"| Latency p50 (ms) | {quoted['p50']:.0f} | {model['p50']:.0f} |",
        f"| Latency p95 (ms) | {quoted['p95']:.0f} | {model['p95']:.0f} |",
        f"| Sentences generated | – | {result['sentences_generated']} |",
        f"| Sentences kept | – | {result['sentences_kept']} |",
        f"| Sentences removed | – | {result['sentences_removed']} |",
        f"| Fallbacks to the quoted answer | – | {result['fallbacks']} of {result['questions']} |",
        "",
        f"Removed, by the rule that removed them: {result['removed_by_rule']}",
        "",
        f"Fallbacks, by reason: {result['fallbacks_by_reason']}",
        "",
        "(Must-mention of the model's column counts the quoted answer where the model's was not used.)",
    ]
    text = "\n".join(lines) + "\n"
    (out / "llm_eval.md").write_text(text)
    return text
