"""How close in meaning a generated sentence is to the sentences it cites: the cosine of the bundled
embedding model. Words alone miss a paraphrase in words of its own ("take them to A&E" for "the nearest
emergency department"); the rules on facts, negations and duties still judge what it says."""

from __future__ import annotations

from procqa.index.embedder import embed


def similarity(sentence: str, sentences: list[str]) -> float:
    """The highest cosine between `sentence` and any of `sentences` (0 when there are none)."""
    if not sentences:
        return 0.0
    first, *rest = embed([sentence, *sentences])
    return max(sum(a * b for a, b in zip(first, v, strict=True)) for v in rest)
