"""How well the check on generated sentences does its job, on a labelled set (eval/llm_check.jsonl):
each line a sentence, the paragraphs it was written from, the numbers it cites, and a label read by a
person (supported / unsupported) with its kind (model, wrong-timescale, wrong-role, dropped-negation,
must-for-should, invented-step, supported-paraphrase, ...).

The set is split in two by a hash of the id: `fit` chooses the support threshold, `report` is only
measured. Figures: the share of unsupported sentences removed (target >= 0.95), the share of supported
sentences removed (target <= 0.10), and the precision of removal (removed sentences that were unsupported).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from procqa.engine import check_sentence
from procqa.records import Paragraph

KEYS = {"id", "question_id", "sentence", "paragraphs", "cited", "label", "kind", "source"}
LABELS = {"supported", "unsupported"}
GRID = [round(0.02 * i, 2) for i in range(51)]
MAX_SUPPORTED_REMOVED = 0.10


@dataclass(frozen=True)
class Item:
    id: str
    question_id: str
    sentence: str
    paragraphs: tuple[
        tuple[str, str, int | None], ...
    ]  # (doc, ref, para) shown to the writer as [1], [2] ...
    cited: tuple[int, ...]
    label: str
    kind: str
    source: str  # "model" (SmolLM2 on a dev question), "hand", "hand-blind" (written after the rules froze)

    @property
    def split(self) -> str:
        return "fit" if int(hashlib.sha1(self.id.encode()).hexdigest(), 16) % 2 == 0 else "report"

    @property
    def unsupported(self) -> bool:
        return self.label == "unsupported"


def load(path: Path) -> list[Item]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        d = json.loads(line)
        if set(d) != KEYS or d["label"] not in LABELS:
            raise ValueError(f"{path.name}:{n}: keys must be {sorted(KEYS)}, label one of {sorted(LABELS)}")
        paragraphs = tuple((p["doc"], p["ref"], p.get("para")) for p in d["paragraphs"])
        out.append(
            Item(d["id"], d["question_id"], d["sentence"], paragraphs, tuple(d["cited"]), d["label"],
                 d["kind"], d["source"])
        )  # fmt: skip
    return out


def shown(item: Item, corpus: dict[tuple[str, str, int | None], Paragraph]) -> dict[int, Paragraph]:
    return {i: corpus[key] for i, key in enumerate(item.paragraphs, start=1)}


def verdicts(items: list[Item], corpus, threshold: float) -> list[tuple[Item, object]]:
    return [(it, check_sentence(it.sentence, it.cited, shown(it, corpus), threshold)) for it in items]


def _at(judged: list[tuple[Item, object]], threshold: float) -> list[tuple[Item, object]]:
    """Verdicts made at threshold 0 (every other rule applied), re-decided at `threshold`: only the
    support rule depends on it, so a grid costs one pass."""
    out = []
    for it, v in judged:
        if v.kept and v.support < threshold:
            v = replace(v, kept=False, reason=f"not supported (support {v.support:.2f} < {threshold:.2f})")
        out.append((it, v))
    return out


def figures(judged: list[tuple[Item, object]]) -> dict:
    bad = [v for it, v in judged if it.unsupported]
    good = [v for it, v in judged if not it.unsupported]
    removed = [(it, v) for it, v in judged if not v.kept]
    return {
        "sentences": len(judged),
        "unsupported": len(bad),
        "supported": len(good),
        "unsupported_removed": _share(sum(not v.kept for v in bad), len(bad)),
        "supported_removed": _share(sum(not v.kept for v in good), len(good)),
        "removal_precision": _share(sum(it.unsupported for it, _ in removed), len(removed)),
    }


def _share(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _cites_shown(it: Item) -> bool:
    return bool(it.cited) and all(1 <= n <= len(it.paragraphs) for n in it.cited)


def fit_threshold(items: list[Item], corpus) -> tuple[float, list[dict]]:
    """The threshold removing the most unsupported sentences of the fit half while removing at most
    MAX_SUPPORTED_REMOVED of its supported ones (ties: the lower threshold, which removes less)."""
    fit = verdicts([it for it in items if it.split == "fit"], corpus, 0.0)
    grid = [{"threshold": t, **figures(_at(fit, t))} for t in GRID]
    allowed = [g for g in grid if (g["supported_removed"] or 0) <= MAX_SUPPORTED_REMOVED]
    best = max(allowed, key=lambda g: (g["unsupported_removed"] or 0, -g["threshold"]))
    return best["threshold"], grid


def evaluate(items: list[Item], corpus, threshold: float) -> dict:
    out = {"threshold": threshold}
    parts = {
        "fit": [it for it in items if it.split == "fit"],
        "report": [it for it in items if it.split == "report"],
        "all": items,
        # Without the model's uncited sentences (rule 1 removes them all): what the content rules face.
        "all but uncited": [it for it in items if it.kind != "model-uncited"],
        # Model sentences whose citations exist: those the content rules, not rule 1, must judge.
        "model, cited": [it for it in items if it.source == "model" and _cites_shown(it)],
        "hand-written": [it for it in items if it.source == "hand"],
        # Written after the rules and the threshold were frozen, and never used to change them.
        "hand-written, blind": [it for it in items if it.source == "hand-blind"],
    }
    for split, part in parts.items():
        judged = verdicts(part, corpus, threshold)
        out[split] = figures(judged)
        by_kind: dict[str, Counter] = {}
        for it, v in judged:
            c = by_kind.setdefault(f"{it.source}:{it.kind}:{it.label}", Counter())
            c["n"] += 1
            c["removed"] += not v.kept
        out[split]["by_kind"] = {k: dict(c) for k, c in sorted(by_kind.items())}
    judged = verdicts(items, corpus, threshold)
    out["misses"] = [
        {"id": it.id, "label": it.label, "kind": it.kind, "sentence": it.sentence, "reason": v.reason}
        for it, v in judged
        if it.unsupported == v.kept
    ]
    return out


def report(result: dict, target_removed: float = 0.95) -> str:
    lines = [
        "# The check on generated sentences, measured",
        "",
        f"Labelled set: `eval/llm_check.jsonl`. Threshold {result['threshold']:.2f} (fitted on the `fit` "
        "half; `report` is the other half, never used to choose).",
        "",
        "| part | sentences | unsupported | supported | unsupported removed (target >= "
        f"{target_removed:.2f}) | supported removed (target <= {MAX_SUPPORTED_REMOVED:.2f}) "
        "| removal precision |",
        "|---|---|---|---|---|---|---|",
    ]
    for split in (
        "fit",
        "report",
        "all",
        "all but uncited",
        "model, cited",
        "hand-written",
        "hand-written, blind",
    ):
        f = result[split]
        lines.append(
            f"| {split} | {f['sentences']} | {f['unsupported']} | {f['supported']} | "
            f"{_pct(f['unsupported_removed'])} | {_pct(f['supported_removed'])} | "
            f"{_pct(f['removal_precision'])} |"
        )
    lines += [
        "",
        "By source, kind and label (all):",
        "",
        "| source:kind:label | n | removed |",
        "|---|---|---|",
    ]
    for k, c in result["all"]["by_kind"].items():
        lines.append(f"| {k} | {c['n']} | {c.get('removed', 0)} |")
    lines += ["", "Where the check and the label disagree:", ""]
    for m in result["misses"]:
        lines.append(
            f"- `{m['id']}` ({m['label']}, {m['kind']}): {m['sentence']} — check: {m['reason'] or 'kept'}"
        )
    return "\n".join(lines) + "\n"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"
