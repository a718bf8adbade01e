"""Run systems over gold questions and score each answer: one `Record` per question per system."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from procqa.engine import Engine
from procqa.eval import metrics as m
from procqa.eval.gold import GoldQuestion
from procqa.eval.readability import check
from procqa.progress import progress_bar
from procqa.records import Answer

SYSTEMS = ("hybrid", "fusion", "bm25", "dense", "llamaindex")
DEPTH = 10  # ranked-list depth for Hit@10, MRR@10 and nDCG@10


@dataclass(frozen=True)
class Output:
    """What a system produced for one question, in the terms the metrics need."""

    ranked: list[tuple[str, str, str]]  # (doc, ref, label), best first, one entry per (doc, ref)
    cited: list[tuple[str, str]]  # (doc, ref) the answer cites
    text: str
    abstained: bool
    latency_ms: float
    answer: Answer | None = None  # the structured answer, where the system gives one


@dataclass(frozen=True)
class Record:
    """One question's scores for one system; None where a metric does not apply."""

    system: str
    id: str
    split: str
    doc: str | None
    kind: str
    persona: str
    answerable: bool
    hit1: float | None
    hit5: float | None
    hit10: float | None
    mrr10: float | None
    ndcg10: float | None
    section_hit5: float | None
    must_mention: float | None
    citation_precision: float | None
    abstained: bool
    latency_ms: float
    readability_problems: int | None  # dangling lead-ins, orphan items, mid-thought starts, non-extractive
    gold: str
    top3: str
    cited: str

    def to_json(self) -> dict:
        return asdict(self)


Runner = Callable[[GoldQuestion], Output]


def _dedupe(items: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for doc, ref, label in items:
        if (doc, ref) not in seen:
            seen.add((doc, ref))
            out.append((doc, ref, label))
    return out


def pipeline_runner(engine: Engine, mode: str, k: int) -> Runner:
    """Our pipeline through `ask`, exactly as `procqa ask` calls it, in one retrieval mode."""

    def run(q: GoldQuestion) -> Output:
        doc_ids = [q.doc] if q.doc else None
        t0 = time.perf_counter()
        answer = engine.ask(q.question, doc_ids, k, None, mode)
        latency = (time.perf_counter() - t0) * 1000
        # The ranking a reader sees: cited paragraphs, then related ones, then the rest of what was
        # retrieved (the answer carries every ranked hit), to the depth the metrics need.
        shown = answer.citations + answer.related + answer.hits
        return Output(
            ranked=_dedupe([(c.paragraph.doc_id, c.paragraph.ref, c.label) for c in shown]),
            cited=[(c.paragraph.doc_id, c.paragraph.ref) for c in answer.citations],
            text=answer.text,
            abstained=answer.abstained,
            latency_ms=latency,
            answer=answer,
        )

    return run


def llamaindex_runner(engine: Engine, k: int) -> Runner:
    """The llama-index default recipe: ranked refs of the top-k chunks; answer = top-3 chunks' text."""
    from procqa.eval.baselines import build_baseline

    baseline, seconds = build_baseline(engine)
    print(f"llamaindex baseline ready in {seconds:.1f}s", file=sys.stderr)

    def run(q: GoldQuestion) -> Output:
        doc_ids = [q.doc] if q.doc else list(engine.docs)
        t0 = time.perf_counter()
        chunks = baseline.retrieve(q.question, doc_ids, k)
        latency = (time.perf_counter() - t0) * 1000
        label = {d: info.label for d, info in engine.docs.items()}
        ranked = [(c.doc_id, r, f"{label[c.doc_id]} {r}") for c in chunks for r in c.refs]
        cited = _dedupe([(c.doc_id, r, "") for c in chunks[:3] for r in c.refs])
        return Output(
            ranked=_dedupe(ranked),
            cited=[(d, r) for d, r, _ in cited],
            text="\n\n".join(c.text for c in chunks[:3]),
            abstained=False,  # the recipe always answers
            latency_ms=latency,
        )

    return run


def score(system: str, q: GoldQuestion, out: Output) -> Record:
    # Refs from another document can never match, whatever their number says.
    ranked = [ref if doc == q.doc else "" for doc, ref, _ in out.ranked][:DEPTH]
    cited = [ref if doc == q.doc else "" for doc, ref in out.cited]
    gold = set(q.gold)
    answerable = q.answerable

    def when_answerable(value: float | None) -> float | None:
        return value if answerable else None

    return Record(
        system=system,
        id=q.id,
        split=q.split,
        doc=q.doc,
        kind=q.kind,
        persona=q.persona,
        answerable=answerable,
        hit1=when_answerable(m.hit_at_k(ranked, gold, 1)),
        hit5=when_answerable(m.hit_at_k(ranked, gold, 5)),
        hit10=when_answerable(m.hit_at_k(ranked, gold, 10)),
        mrr10=when_answerable(m.mrr_at_k(ranked, gold, 10)),
        ndcg10=when_answerable(m.ndcg_at_k(ranked, gold, 10)),
        section_hit5=when_answerable(m.section_hit_at_k(ranked, gold, 5)),
        must_mention=m.must_mention_recall(out.text, q.must_mention) if answerable else None,
        citation_precision=m.citation_precision(cited, gold) if answerable else None,
        abstained=out.abstained,
        latency_ms=out.latency_ms,
        readability_problems=(
            check(out.answer).problems if out.answer is not None and not out.abstained else None
        ),
        gold="; ".join(q.gold),
        top3="; ".join(label for _, _, label in out.ranked[:3]),
        cited="; ".join(f"{d}:{r}" for d, r in out.cited),
    )


def make_runner(system: str, engine: Engine, k: int) -> Runner:
    if system == "llamaindex":
        return llamaindex_runner(engine, k)
    if system == "fusion":  # the same candidates, ranked by reciprocal rank fusion instead of the ranker
        plain = engine.with_settings()
        plain.retriever.models = {}
        return pipeline_runner(plain, "hybrid", k)
    if system in ("hybrid", "bm25", "dense"):
        return pipeline_runner(engine, system, k)
    raise ValueError(f"unknown system {system!r}; choose from {', '.join(SYSTEMS)}")


def run_system(system: str, engine: Engine, questions: list[GoldQuestion], k: int = DEPTH) -> list[Record]:
    """Every question through one system, after one untimed warm-up call."""
    runner = make_runner(system, engine, k)
    runner(questions[0])  # warm caches and lazy imports so the first timed question is not penalised
    records = []
    with progress_bar(len(questions), system) as bar:
        for q in questions:
            records.append(score(system, q, runner(q)))
            bar.update(1)
    return records


def aggregate(records: list[Record]) -> dict[str, float | int | None]:
    """Mean of each metric over the questions it applies to, decline rates, and latency figures."""
    answerable = [r for r in records if r.answerable]
    unanswerable = [r for r in records if not r.answerable]
    latencies = [r.latency_ms for r in records]
    return {
        "questions": len(records),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": m.mean(r.hit1 for r in records),
        "hit@5": m.mean(r.hit5 for r in records),
        "hit@10": m.mean(r.hit10 for r in records),
        "mrr@10": m.mean(r.mrr10 for r in records),
        "ndcg@10": m.mean(r.ndcg10 for r in records),
        "section_hit@5": m.mean(r.section_hit5 for r in records),
        "must_mention_recall": m.mean(r.must_mention for r in records),
        "citation_precision": m.mean(r.citation_precision for r in records),
        "unanswerable_declined": m.mean(float(r.abstained) for r in unanswerable),
        "answerable_declined": m.mean(float(r.abstained) for r in answerable),
        "unreadable_answers": m.mean(
            float(r.readability_problems > 0) for r in records if r.readability_problems is not None
        ),
        "latency_p50_ms": m.percentile(latencies, 50),
        "latency_p95_ms": m.percentile(latencies, 95),
        "latency_total_s": sum(latencies) / 1000,
    }


def breakdowns(records: list[Record]) -> dict[str, dict[str, dict]]:
    """The aggregate per document, per kind of question and per persona."""
    out: dict[str, dict[str, dict]] = {}
    for field in ("doc", "kind", "persona"):
        groups: dict[str, list[Record]] = {}
        for r in records:
            groups.setdefault(str(getattr(r, field) or "none"), []).append(r)
        out[field] = {name: aggregate(rs) for name, rs in sorted(groups.items())}
    return out


def worst(records: list[Record], n: int = 10) -> list[Record]:
    """The clearest failures: answerable questions ranked lowest (then fewest facts), and unanswerable
    questions that were answered anyway."""
    missed = [r for r in records if not r.answerable and not r.abstained]
    answerable = [r for r in records if r.answerable]
    answerable.sort(key=lambda r: (r.mrr10 or 0.0, r.section_hit5 or 0.0, r.must_mention or 0.0, r.id))
    return (answerable[: max(n - len(missed), n // 2)] + missed)[:n]


def evaluate(
    engine: Engine, questions: list[GoldQuestion], systems: list[str], k: int = DEPTH
) -> tuple[dict, dict[str, list[Record]]]:
    """Every system over the questions: the aggregate figures and the per-question records."""
    records = {}
    for system in systems:
        print(f"running {system} on {len(questions)} questions", file=sys.stderr)
        records[system] = run_system(system, engine, questions, k)
    result = {
        "questions": len(questions),
        "k": k,
        "systems": systems,
        "aggregate": {s: aggregate(rs) for s, rs in records.items()},
        "breakdowns": {s: breakdowns(rs) for s, rs in records.items()},
    }
    return result, records
