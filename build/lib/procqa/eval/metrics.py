"""Pure evaluation metrics: ranked-list retrieval scores, answer checks and latency percentiles.

A ranked list is a sequence of refs (already de-duplicated, best first); `gold` is a collection of refs.
Callers match within one document, so refs alone identify paragraphs here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence

from procqa.eval.gold import normalise

# "A 1.6.5", "B 2", "3.8.3", "3.8.3.1", optionally with the parser's " (2)" duplicate suffix.
_NUMBERED = re.compile(r"^(?P<prefix>[A-Z] )?(?P<num>\d+(?:\.\d+)*)(?: \(\d+\))?$")


def hit_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """1.0 if any gold ref is among the first k, else 0.0."""
    return 1.0 if any(r in gold for r in ranked[:k]) else 0.0


def mrr_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """Reciprocal rank of the first gold ref within the first k (0.0 if none)."""
    for i, r in enumerate(ranked[:k], start=1):
        if r in gold:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """Binary-relevance nDCG: each gold ref counts once; the ideal list puts all gold refs first."""
    gold_set = set(gold)
    if not gold_set:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for i, r in enumerate(ranked[:k], start=1):
        if r in gold_set and r not in seen:
            seen.add(r)
            dcg += 1.0 / math.log2(i + 1)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(gold_set), k) + 1))
    return dcg / ideal


def section_of(ref: str) -> str:
    """The parent heading of a ref: its last number dropped ("A 1.6.5" -> "A 1.6", "3.8.3" -> "3.8").

    A single-number ref ("B 2") is its own section, as are boxes and un-numbered parts; glossary
    entries all belong to the glossary. A " (2)" duplicate suffix does not change the section.
    """
    m = _NUMBERED.match(ref)
    if m:
        parts = m["num"].split(".")
        num = ".".join(parts[:-1]) if len(parts) > 1 else parts[0]
        return f"{m['prefix'] or ''}{num}"
    if ref.startswith("Glossary:"):
        return "Glossary"
    return ref


def section_hit_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """1.0 if any of the first k refs shares a section with a gold ref."""
    sections = {section_of(g) for g in gold}
    return 1.0 if any(section_of(r) in sections for r in ranked[:k]) else 0.0


def must_mention_recall(answer_text: str, facts: Sequence[str]) -> float | None:
    """Share of facts found in the answer (case, whitespace and typography ignored); None if no facts."""
    if not facts:
        return None
    text = normalise(answer_text)
    return sum(1 for f in facts if normalise(f) in text) / len(facts)


def citation_precision(cited: Sequence[str], gold: Collection[str]) -> float | None:
    """Share of cited refs that are gold or in a gold ref's section; None when nothing was cited."""
    if not cited:
        return None
    sections = {section_of(g) for g in gold}
    return sum(1 for c in cited if c in gold or section_of(c) in sections) / len(cited)


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation between ranks (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; None when there are none (a metric that does not apply)."""
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None
