"""The one API every front end uses: the CLI, the app and its pages, eval (and quiz and coverage).

    engine = open_engine(settings)          # the live index; the model loads on first use
    engine.ask("what must I do now?", ["set-2025"])   -> Answer (records.py)
    engine.context("set-2025", "A 1.6.5")   -> InContext: the paragraph(s) with neighbours
    engine.contents("set-2025")             -> chapters > sections > paragraphs
    engine.paragraphs("set-2025")           -> every paragraph in document order
    ingest(settings, [path, ...])           -> BuildStats

Front ends import this module and the records, never the index, retrieval or answer stages.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from procqa.answer.ask import QuestionError, answer_question, clean_question, too_weak
from procqa.config import Settings
from procqa.contents import Chapter, build_contents
from procqa.generate.check import check as check_sentence
from procqa.generate.check import sentences as split_reply
from procqa.generate.client import LLMError, RemoteRefused, check_url, configured, remote
from procqa.generate.meaning import similarity as sentence_similarity
from procqa.generate.write import Writing
from procqa.index import store
from procqa.index.store import BuildStats, IndexMissing
from procqa.index.update import update_index
from procqa.ingest.load import UnsupportedDocument
from procqa.ingest.load import parse_corpus as _parse_corpus
from procqa.ingest.pdf import UnreadablePDF
from procqa.records import Answer, DocumentInfo, Paragraph
from procqa.retrieval.ranker import DECISION_FEATURES, LinearModel, decision_row, load_models, save_models

__all__ = [
    "BuildStats",
    "DECISION_FEATURES",
    "Engine",
    "InContext",
    "IndexMissing",
    "IngestError",
    "LLMError",
    "LinearModel",
    "RemoteRefused",
    "Writing",
    "QuestionError",
    "check_sentence",
    "sentence_similarity",
    "clean_question",
    "decision_row",
    "ingest",
    "live_index",
    "llm_configured",
    "llm_problem",
    "llm_remote",
    "open_engine",
    "parse_corpus",
    "save_models",
    "split_reply",
    "too_weak",
]

_OPENING = threading.Lock()
_RELOADING = threading.Lock()

# What a bad document raises, whichever stage finds it.
IngestError = (UnsupportedDocument, UnreadablePDF, IndexMissing, FileNotFoundError)


@dataclass(frozen=True)
class InContext:
    """A paragraph (or every ¶ under a heading) with the paragraphs around it, for a source view."""

    doc: DocumentInfo
    matches: tuple[Paragraph, ...]
    before: tuple[Paragraph, ...]
    after: tuple[Paragraph, ...]


@dataclass(frozen=True)
class CandidateRows:
    """The candidates for one question in one document, with the ranker's features (for fitting)."""

    names: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    rows: object  # numpy array, one row per paragraph


@dataclass
class Engine:
    """The live index of one data folder. Opening reads the paragraphs; the retriever (keyword index,
    Chroma, embedding model) is loaded on first use, so a page that only browses starts fast."""

    settings: Settings
    index: store.OpenIndex
    _retriever: object = field(default=None, repr=False)
    _by_doc: dict[str, list[Paragraph]] = field(default_factory=dict, repr=False)
    _checked: float = field(default_factory=time.monotonic, repr=False)

    @property
    def docs(self) -> dict[str, DocumentInfo]:
        return self.index.docs

    @property
    def path(self) -> Path:
        """The index folder this engine reads: a newer ingest gives a new path."""
        return self.index.path

    @property
    def retriever(self):
        # The app shares one engine between sessions: two first questions at once open it once.
        with _OPENING:
            if self._retriever is None:
                from procqa.retrieval.hybrid import Retriever

                self._retriever = Retriever.open(self.index, self.settings)
        return self._retriever

    def warm(self) -> Engine:
        """Load the retriever and the model now, so the first question does not pay for them."""
        self.retriever.dense("warm up", list(self.docs), 1)
        return self

    def ask(
        self,
        question: str,
        doc_ids: list[str] | None = None,
        k: int | None = None,
        history: list[str] | None = None,
        mode: str = "hybrid",
        llm: bool = False,
    ) -> Answer:
        """Answer from the chosen procedures (all by default). mode: hybrid, bm25 or dense. llm: the
        configured local model writes the answer from the same paragraphs, every sentence checked
        (`Answer.written`); any failure leaves the quoted answer with a notice.

        A newer ingest (checked at most every `reload_check_seconds`) is loaded first; a question whose
        build was deleted under it (a server keeps only the live build and the one before) is asked
        again of the live one."""
        self.refresh()
        try:
            answer = answer_question(self.retriever, self.docs, question, doc_ids, k, history, mode)
        except Exception as exc:
            if not store.is_gone(exc) or not self.refresh(force=True):
                raise
            answer = answer_question(self.retriever, self.docs, question, doc_ids, k, history, mode)
        if not llm:
            return answer
        writing = self.write(answer)
        for _ in writing:
            pass
        return writing.answer

    def write(self, answer: Answer, settings: Settings | None = None) -> Writing:
        """The local model's version of a quoted answer, streamed: iterate for each kept sentence as it
        passes the check, then read `.answer` (with `written` set). `settings`: the model settings to use
        when they differ from the engine's (the app's shared engine, a page's current settings)."""
        return Writing(answer, settings or self.settings)

    def refresh(self, force: bool = False) -> bool:
        """Load the live index if a newer ingest replaced the one this engine reads; True if it did.

        The new index and retriever are built beside the old one, which keeps answering meanwhile
        (another thread finding a reload under way does not wait for it)."""
        now = time.monotonic()
        if not force and now - self._checked < self.settings.reload_check_seconds:
            return False
        self._checked = now
        try:
            live = store.live_path(self.settings)
        except IndexMissing:  # the server is away: keep answering from what is loaded, if it can
            return False
        if live is None or live == self.index.path or not _RELOADING.acquire(blocking=force):
            return False
        try:
            if live == self.index.path:
                return False
            index = store.load(self.settings)
            retriever = None
            if self._retriever is not None:
                from procqa.retrieval.hybrid import Retriever

                retriever = Retriever.open(index, self.settings)
            # Swapped together, in this order: a reader takes self.retriever, which holds its own index.
            self.index, self._retriever, self._by_doc = index, retriever, {}
            return True
        finally:
            _RELOADING.release()

    def candidates(self, question: str, doc_id: str, k: int | None = None) -> CandidateRows:
        """What the ranker sees for a question: every candidate paragraph and its features."""
        c = self.retriever.candidates(clean_question(question, self.settings), doc_id, k)
        return CandidateRows(c.names, tuple(self.index.paragraphs[i] for i in c.index), c.rows)

    def reload_models(self) -> None:
        """Pick up a ranker or decision just fitted (see procqa.eval.fit)."""
        self.retriever.models = load_models()

    def paragraphs(self, doc_id: str) -> list[Paragraph]:
        if not self._by_doc:
            by_doc: dict[str, list[Paragraph]] = {}
            for p in self.index.paragraphs:
                by_doc.setdefault(p.doc_id, []).append(p)
            self._by_doc.update(by_doc)  # one update: a concurrent reader sees all of it or none
        return self._by_doc.get(doc_id, [])

    def context(
        self, doc_id: str, ref: str, para: int | None = None, before: int = 2, after: int = 2
    ) -> InContext | None:
        """The paragraph `ref` (¶`para`, or every ¶ under the heading when none is given) with its
        neighbours; None when the document has no such paragraph."""
        paragraphs = self.paragraphs(doc_id)
        hits = [i for i, p in enumerate(paragraphs) if p.ref == ref and (para is None or p.para == para)]
        if doc_id not in self.docs or not hits:
            return None
        first, last = hits[0], hits[-1]
        return InContext(
            doc=self.docs[doc_id],
            matches=tuple(paragraphs[i] for i in hits),
            before=tuple(paragraphs[max(0, first - before) : first]),
            after=tuple(paragraphs[last + 1 : last + 1 + after]),
        )

    def contents(self, doc_id: str) -> list[Chapter]:
        return build_contents(self.paragraphs(doc_id))

    def with_settings(self, **changes) -> Engine:
        """The same loaded index and model under other knobs (for a sweep); the keyword statistics are
        shared, nothing is loaded again."""
        settings = replace(self.settings, **changes)
        retriever = replace(self.retriever, settings=settings)
        return Engine(settings, self.index, retriever, self._by_doc)


def llm_configured(settings: Settings) -> bool:
    """A local model is configured (PROCQA_LLM_URL and PROCQA_LLM_MODEL)."""
    return configured(settings)


def llm_problem(settings: Settings) -> str:
    """Why the configured model cannot be used at all (a remote URL not allowed, not a URL); "" if none."""
    try:
        check_url(settings.llm_url, settings.llm_allow_remote)
    except LLMError as exc:
        return str(exc)
    return ""


def llm_remote(settings: Settings) -> bool:
    """Questions go to a model on another machine (PROCQA_LLM_ALLOW_REMOTE): every page says so."""
    return remote(settings)


def live_index(settings: Settings) -> Path | None:
    """The folder of the complete live index, or None when nothing has been ingested."""
    return store.live_path(settings)


def open_engine(settings: Settings | None = None, warm: bool = False, preload: bool = False) -> Engine:
    """The live index of `settings.data_dir`; raises IndexMissing when there is none.

    `preload` (a command that will ask): the model loads in the background while the index is read."""
    settings = settings or Settings()
    if (preload or warm) and store.live_path(settings) is not None:
        from procqa.index.embedder import preload as preload_model

        preload_model()
    engine = Engine(settings, store.load(settings))
    return engine.warm() if warm else engine


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    progress: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
    force: bool = False,
) -> BuildStats:
    """No paths: the bundled corpus. Paths: those files are added to (or replace) the live index.
    Sources unchanged since the live build: nothing is done, unless `force`."""
    return update_index(settings, paths, progress, force)


def parse_corpus(settings: Settings) -> dict[str, tuple[DocumentInfo, list[Paragraph]]]:
    """The corpus of `settings.manifest` parsed, without an index (for checking gold sets)."""
    return _parse_corpus(settings.manifest)
