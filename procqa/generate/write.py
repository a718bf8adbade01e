"""One answer written by the local model: per document, the model is shown that document's cited
paragraphs (jurisdictions are never mixed in one prompt), its reply is cut into sentences as it streams,
and each sentence is checked the moment it is complete. Only kept sentences are ever yielded.

Any failure, or too few kept sentences, leaves the quoted answer standing with a one-line notice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace

from procqa.config import Settings
from procqa.generate import check, meaning, prompt
from procqa.generate.client import Client, LLMError
from procqa.records import Answer, Checked, Written

NOTICE = "The local model's answer could not be used ({why}), so this answer is quoted from the procedures."
# A sentence is complete once a full stop (and any markers after it) is followed by more text or a line.
# (Not before a "[": its markers may still be on their way.)
_COMPLETE = re.compile(r"[.!?](?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*\s+(?=[^\s\[])|\n")


class Writing:
    """Iterate for the text of each kept sentence as it passes the check ("sentence [n]\\n"); afterwards
    `answer` is the answer with `written` set (the model's sentences, or the notice of the fallback)."""

    def __init__(self, answer: Answer, settings: Settings):
        self._source = answer
        self.settings = settings
        self.answer = answer
        self.checked: list[Checked] = []

    def __iter__(self) -> Iterator[str]:
        t0 = time.perf_counter()
        model = self.settings.llm_model
        notice = ""
        try:
            client = Client.from_settings(self.settings)
            sections = [s for s in self._source.sections if s.covered]
            if self._source.abstained or not sections:
                raise LLMError("the procedures do not appear to answer this")
            for section in sections:
                kept_before = sum(c.kept for c in self.checked)
                for c in self._section(client, section.doc_id):
                    self.checked.append(c)
                    if c.kept:
                        yield f"{c.text} {''.join(f'[{n}]' for n in c.citations)}\n"
                kept = sum(c.kept for c in self.checked) - kept_before
                if kept < self.settings.llm_min_kept:
                    raise LLMError(f"only {kept} of its sentences passed the check")
        except LLMError as exc:
            notice = NOTICE.format(why=str(exc).rstrip("."))
        written = Written(model, tuple(self.checked), notice, (time.perf_counter() - t0) * 1000)
        timings = {**self._source.timings_ms, "llm": written.ms}
        self.answer = replace(self._source, written=written, timings_ms=timings)

    def _section(self, client: Client, doc_id: str) -> Iterator[Checked]:
        citations = [c for c in self._source.citations if c.paragraph.doc_id == doc_id]
        shown = {c.n: c.paragraph for c in citations}
        question = self._source.question
        messages = prompt.messages(question, citations, self.settings.llm_paragraph_words)
        grammar = prompt.citing_grammar(list(shown)) if self.settings.llm_grammar else None
        buffer = ""
        for delta in client.stream(messages, grammar):
            buffer += delta
            # Check every sentence already complete; keep the unfinished tail for the next delta.
            cut = 0
            for m in _COMPLETE.finditer(buffer):
                cut = m.end()
            if cut:
                yield from self._check(buffer[:cut], shown, doc_id)
                buffer = buffer[cut:]
        yield from self._check(buffer, shown, doc_id)

    def _check(self, text: str, shown, doc_id: str) -> Iterator[Checked]:
        s = self.settings
        for sentence, cited in check.sentences(text):
            yield check.check(
                sentence, cited, shown, s.llm_support, doc_id,
                similar=meaning.similarity, floor=s.llm_support_floor, meaning=s.llm_meaning,
            )  # fmt: skip


def write(answer: Answer, settings: Settings) -> Answer:
    """The answer with the model's checked sentences (or the fallback notice), written to the end."""
    writing = Writing(answer, settings)
    for _ in writing:
        pass
    return writing.answer
