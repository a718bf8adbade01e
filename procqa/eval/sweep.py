"""`procqa eval --split dev --sweep`: reproduce the fallback knobs of `Settings` from the dev split.

The fitted ranker and decision (`--fit-ranker`) are what answers; these knobs are what procqa falls back
to without them (no ranker.json), and what the ranker was measured against. Two grids, searched in
order with the fitted models switched off, each written whole to the results folder so "chosen on dev"
can be checked:
1. fusion (rrf_k x bm25_weight), chosen by MRR@10 over answerable questions (ties: Hit@5);
2. abstention (min_similarity x sure_similarity x min_coverage), re-decided offline from the signals
   each answer carries: the most unanswerable questions declined while at most `max_wrongly_declined`
   of the answerable ones are (declining a real safeguarding question is the worse error).
"""

from __future__ import annotations

import csv
import itertools
import json
from dataclasses import replace
from pathlib import Path

from procqa.config import Settings
from procqa.engine import Engine, too_weak
from procqa.eval.gold import GoldQuestion
from procqa.eval.harness import aggregate, run_system
from procqa.records import Answer

RRF_K = (10, 20, 30, 60)
BM25_WEIGHT = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
MIN_SIMILARITY = tuple(round(0.30 + 0.01 * i, 2) for i in range(26))  # 0.30 .. 0.55
SURE_SIMILARITY = tuple(round(0.40 + 0.02 * i, 2) for i in range(11))  # 0.40 .. 0.60
MIN_COVERAGE = (0.0, 0.1, 0.2, 0.3, 0.4)


def fusion_grid(engine: Engine, questions: list[GoldQuestion], k: int) -> list[dict]:
    answerable = [q for q in questions if q.answerable]
    rows = []
    for rrf_k, weight in itertools.product(RRF_K, BM25_WEIGHT):
        tuned = engine.with_settings(rrf_k=rrf_k, bm25_weight=weight)
        tuned.retriever.models = {}  # fusion, not the fitted ranker
        figures = aggregate(run_system("hybrid", tuned, answerable, k))
        rows.append(
            {"rrf_k": rrf_k, "bm25_weight": weight, "mrr@10": figures["mrr@10"], "hit@5": figures["hit@5"]}
        )
    return rows


def declined(answer: Answer, settings: Settings) -> bool:
    """Would the answer have been declined under these settings? (Every document too weak.)"""
    return all(too_weak(s, settings) for s in answer.signals)


def abstention_grid(engine: Engine, questions: list[GoldQuestion], k: int) -> list[dict]:
    answers = [(q, engine.ask(q.question, [q.doc] if q.doc else None, k)) for q in questions]
    rows = []
    for low, sure, cover in itertools.product(MIN_SIMILARITY, SURE_SIMILARITY, MIN_COVERAGE):
        if sure < low:
            continue
        t = {"min_similarity": low, "sure_similarity": sure, "min_coverage": cover}
        settings = replace(engine.settings, **t)
        out = [(q.answerable, declined(a, settings)) for q, a in answers]
        un = [d for ans, d in out if not ans]
        an = [d for ans, d in out if ans]
        rows.append(
            {
                **t,
                "unanswerable_declined": sum(un) / max(1, len(un)),
                "answerable_declined": sum(an) / max(1, len(an)),
            }
        )
    return rows


def choose_fusion(rows: list[dict]) -> dict:
    return max(rows, key=lambda r: (round(r["mrr@10"], 4), round(r["hit@5"], 4)))


def choose_abstention(rows: list[dict], budget: float) -> dict:
    allowed = [r for r in rows if r["answerable_declined"] <= budget] or rows
    # Most unanswerables declined; then fewest real questions declined; then the least strict setting.
    return max(
        allowed,
        key=lambda r: (
            round(r["unanswerable_declined"], 4),
            -round(r["answerable_declined"], 4),
            -r["min_similarity"],
            -r["sure_similarity"],
            -r["min_coverage"],
        ),
    )


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def sweep(engine: Engine, questions: list[GoldQuestion], out: Path, k: int = 10) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    fusion = fusion_grid(engine, questions, k)
    best_fusion = choose_fusion(fusion)
    tuned = engine.with_settings(rrf_k=best_fusion["rrf_k"], bm25_weight=best_fusion["bm25_weight"])
    tuned.retriever.models = {}
    abstention = abstention_grid(tuned, questions, k)
    best_abstention = choose_abstention(abstention, engine.settings.max_wrongly_declined)
    _write_csv(out / "sweep_fusion.csv", fusion)
    _write_csv(out / "sweep_abstention.csv", abstention)
    chosen = {
        "questions": len(questions),
        "fusion": best_fusion,
        "abstention": best_abstention,
        "settings": {
            "rrf_k": best_fusion["rrf_k"],
            "bm25_weight": best_fusion["bm25_weight"],
            "min_similarity": best_abstention["min_similarity"],
            "sure_similarity": best_abstention["sure_similarity"],
            "min_coverage": best_abstention["min_coverage"],
        },
    }
    (out / "sweep.json").write_text(json.dumps(chosen, indent=2), encoding="utf-8")
    return chosen
