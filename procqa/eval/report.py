"""Writing the evaluation: report.md, results.json, per_question.csv and chart.png."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from procqa.eval.harness import Record, worst

# (key in the aggregate, heading in the tables, how to show it)
ROWS = [
    ("questions", "Questions", "int"),
    ("answerable", "Answerable", "int"),
    ("unanswerable", "Unanswerable", "int"),
    ("hit@1", "Hit@1", "pct"),
    ("hit@5", "Hit@5", "pct"),
    ("hit@10", "Hit@10", "pct"),
    ("mrr@10", "MRR@10", "dec"),
    ("ndcg@10", "nDCG@10", "dec"),
    ("section_hit@5", "Section Hit@5", "pct"),
    ("must_mention_recall", "Must-mention recall", "pct"),
    ("citation_precision", "Citation precision", "pct"),
    ("unanswerable_declined", "Unanswerable declined", "pct"),
    ("answerable_declined", "Answerable wrongly declined", "pct"),
    ("unreadable_answers", "Answers failing the readability check", "pct"),
    ("latency_p50_ms", "Latency p50 (ms)", "ms"),
    ("latency_p95_ms", "Latency p95 (ms)", "ms"),
    ("latency_total_s", "Latency total (s)", "s"),
]
BREAKDOWN_COLUMNS = [
    "questions", "hit@1", "hit@5", "mrr@10", "ndcg@10", "section_hit@5",
    "must_mention_recall", "citation_precision", "unanswerable_declined", "answerable_declined",
]  # fmt: skip
CHART_METRICS = [
    ("hit@1", "Hit@1"),
    ("hit@5", "Hit@5"),
    ("mrr@10", "MRR@10"),
    ("ndcg@10", "nDCG@10"),
    ("must_mention_recall", "Must-mention"),
]


def fmt(value: float | int | None, how: str) -> str:
    if value is None:
        return "–"
    return {
        "int": f"{value:d}" if isinstance(value, int) else f"{value:.0f}",
        "pct": f"{100 * value:.1f}%",
        "dec": f"{value:.3f}",
        "ms": f"{value:.0f}",
        "s": f"{value:.1f}",
    }[how]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def headline_table(aggregates: dict[str, dict]) -> str:
    """Metrics down, systems across: the table printed to stdout and heading the report."""
    systems = list(aggregates)
    rows = [[label] + [fmt(aggregates[s][key], how) for s in systems] for key, label, how in ROWS]
    return _table(["Metric", *systems], rows)


def breakdown_tables(groups: dict[str, dict[str, dict]]) -> str:
    how = {key: h for key, _, h in ROWS}
    label = {key: lbl for key, lbl, _ in ROWS}
    parts = []
    for field, by_value in groups.items():
        rows = [[name] + [fmt(agg[c], how[c]) for c in BREAKDOWN_COLUMNS] for name, agg in by_value.items()]
        parts.append(f"### By {field}\n\n" + _table([field] + [label[c] for c in BREAKDOWN_COLUMNS], rows))
    return "\n\n".join(parts)


def worst_table(records: list[Record], questions: dict[str, str]) -> str:
    rows = []
    for r in worst(records):
        q = questions[r.id]
        q = q if len(q) <= 90 else q[:87] + "..."
        outcome = "answered (should decline)" if not r.answerable else f"RR {r.mrr10:.2f}"
        rows.append([r.id, q.replace("|", "/"), r.gold or "–", r.top3 or "–", outcome])
    return _table(["id", "question", "gold", "top-3 retrieved", "outcome"], rows)


def write_markdown(
    path: Path, result: dict, records: dict[str, list[Record]], questions: dict[str, str]
) -> None:
    primary = "hybrid" if "hybrid" in records else next(iter(records))
    text = [
        "# procqa evaluation",
        "",
        f"Gold file `{result['gold']}`, split **{result['split']}**, {result['questions']} questions, "
        f"ranked lists cut at 10 paragraphs (k={result['k']}).",
        "",
        "Retrieval metrics are over answerable questions, matching document + ref; a section is the ref's "
        "parent heading. Citation precision counts a citation right when it is gold or in a gold section. "
        "The llamaindex baseline's 'answer' is its top-3 chunks and it never declines.",
        "",
        "## Systems",
        "",
        headline_table(result["aggregate"]),
        "",
        "![chart](chart.png)",
        "",
        f"## Breakdowns for {primary}",
        "",
        breakdown_tables(result["breakdowns"][primary]),
        "",
        f"## Worst questions for {primary}",
        "",
        worst_table(records[primary], questions),
        "",
    ]
    path.write_text("\n".join(text), encoding="utf-8")


def write_json(path: Path, result: dict, records: dict[str, list[Record]]) -> None:
    data = dict(result, per_question={s: [r.to_json() for r in rs] for s, rs in records.items()})
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def write_csv(path: Path, records: dict[str, list[Record]]) -> None:
    rows = [r.to_json() for rs in records.values() for r in rs]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_chart(path: Path, aggregates: dict[str, dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt

    systems = list(aggregates)
    width = 0.8 / len(systems)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for i, system in enumerate(systems):
        values = [aggregates[system][key] or 0.0 for key, _ in CHART_METRICS]
        xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(CHART_METRICS))]
        ax.bar(xs, values, width, label=system)
    ax.set_xticks(range(len(CHART_METRICS)), [label for _, label in CHART_METRICS])
    ax.set_ylim(0, 1)
    ax.set_ylabel("score (answerable questions)")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_all(out: Path, result: dict, records: dict[str, list[Record]], questions: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_markdown(out / "report.md", result, records, questions)
    write_json(out / "results.json", result, records)
    write_csv(out / "per_question.csv", records)
    write_chart(out / "chart.png", result["aggregate"])
