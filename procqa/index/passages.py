"""What the dense index embeds for a paragraph: the heading path, and the text in passages short
enough for the model. all-MiniLM-L6-v2 reads 256 word pieces; a long paragraph (AWCPP's run to
several pages) would otherwise be searched on its first few sentences only."""

from __future__ import annotations

import re
from dataclasses import replace

from procqa.records import Paragraph

SPLIT = re.compile(r"(?<=[.!?;:])\s+|\n")


def passages(paragraph: Paragraph, max_words: int) -> list[str]:
    if len(paragraph.text.split()) <= max_words * 1.3:
        return [paragraph.embed_text()]
    out, current = [], []
    for piece in (s for s in SPLIT.split(paragraph.text) if s.strip()):
        words = piece.split()
        if current and len(current) + len(words) > max_words:
            out.append(" ".join(current))
            current = []
        current.extend(words)
    if current:
        out.append(" ".join(current))
    # Each passage carries the heading path, exactly as a whole paragraph does.
    return [replace(paragraph, text=text).embed_text() for text in out]
