"""How close in meaning a generated sentence is to the sentences it cites: the cosine of the bundled
embedding model. Words alone miss a paraphrase in words of its own ("take them to A&E" for "the nearest
emergency department"); the rules on facts, negations and duties still judge what it says."""

from __future__ import annotations

from procqa.index.embedder import embed

CACHED = 4096  # paragraph passages kept embedded: a streamed answer checks each sentence against the same few
_seen: dict[str, list[float]] = {}


def similarity(sentence: str, passages: list[str]) -> float:
    """The highest cosine between `sentence` and any of `passages` (0 when there are none)."""
    if not passages:
        return 0.0
    missing = [t for t in dict.fromkeys(passages) if t not in _seen]
    vectors = embed([sentence, *missing])
    for text, vector in zip(missing, vectors[1:], strict=True):
        if len(_seen) >= CACHED:
            _seen.pop(next(iter(_seen)))  # the oldest
        _seen[text] = vector
    return max(sum(a * b for a, b in zip(vectors[0], _seen[t], strict=True)) for t in passages)
