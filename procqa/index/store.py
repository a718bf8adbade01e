"""The on-disk index: one folder per build, and a symlink naming the live one.

    data/index -> index-20261123T141500-1234/
        docs.json  paragraphs.jsonl  meta.json  chroma/  bm25/

A build writes a fresh folder and swaps the symlink only when everything is written, so a failed or
interrupted ingest leaves the previous index answering. Embeddings of unchanged paragraphs (same
deterministic id) are copied from the live index instead of being computed again.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import procqa.config  # noqa: F401  (offline environment first)
from procqa.config import Settings
from procqa.index.passages import passages
from procqa.index.tokens import tokenize
from procqa.progress import progress_bar
from procqa.records import DocumentInfo, Paragraph

COLLECTION = "paragraphs"
FORMAT = 2


class IndexMissing(RuntimeError):
    """No complete index in the data folder."""


@dataclass(frozen=True)
class BuildStats:
    paragraphs: int
    embedded: int
    reused: int
    seconds: float
    path: Path


def chroma_client(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Chroma sends anonymous usage data unless told not to; procqa never talks to the network.
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def _vector_store(client, create: bool):
    from llama_index.vector_stores.chroma import ChromaVectorStore

    if create:
        collection = client.create_collection(COLLECTION, metadata={"hnsw:space": "cosine"})
    else:
        collection = client.get_collection(COLLECTION)
    return collection, ChromaVectorStore(chroma_collection=collection)


def cosine_from_llama_similarity(similarity: float) -> float:
    """llama-index reports exp(-distance); with Chroma's cosine space distance = 1 - cosine."""
    return 1.0 + math.log(max(similarity, 1e-12))


def live_path(settings: Settings) -> Path | None:
    if settings.chroma_url:
        from procqa.index import server

        return server.live_path(settings)
    link = settings.index_link
    if not link.exists():
        return None
    target = link.resolve()
    return target if (target / "meta.json").is_file() else None


def reusable_embeddings(settings: Settings, ids: list[str]) -> dict[str, list[float]]:
    current = live_path(settings)
    if current is None:
        return {}
    out: dict[str, list[float]] = {}
    try:
        collection = chroma_client(current / "chroma").get_collection(COLLECTION)
        # In batches: one request naming more ids than SQLite takes variables (32,766; 85,000 passages
        # at 40 documents) fails, and everything would be embedded again.
        for start in range(0, len(ids), settings.store_batch):
            found = collection.get(ids=ids[start : start + settings.store_batch], include=["embeddings"])
            pairs = zip(found["ids"], found["embeddings"], strict=True)
            out.update((i, list(map(float, e))) for i, e in pairs)
    except Exception as exc:  # an unreadable old index only costs a re-embed
        print(f"note: previous index unreadable ({exc}); embedding everything", file=sys.stderr)
        return {}
    return out


def build(
    settings: Settings,
    docs: list[DocumentInfo],
    paragraphs: list[Paragraph],
    progress: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
    fingerprint: str = "",
) -> BuildStats:
    """Build the index of `paragraphs` and make it live. `fingerprint` (of the sources it was parsed
    from) is stored with it, so a re-ingest of the same sources can skip the build."""
    if settings.chroma_url:
        from procqa.index import server

        return server.build(settings, docs, paragraphs, progress, fingerprint)
    from llama_index.core.schema import TextNode

    from procqa.index.embedder import embed, model_name

    start = time.perf_counter()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(settings)
    folder = settings.data_dir / f"index-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    folder.mkdir()
    ids = [p.pid for p in paragraphs]
    if len(set(ids)) != len(ids):
        raise ValueError("two paragraphs share an id: the parser produced a duplicate (doc, ref, text)")

    # One vector per passage; passage ids extend the paragraph id, so they are deterministic too.
    entries = [
        (f"{p.pid}:{i}", p, text)
        for p in paragraphs
        for i, text in enumerate(passages(p, settings.passage_words))
    ]
    vectors = reusable_embeddings(settings, [e[0] for e in entries])
    todo = [e for e in entries if e[0] not in vectors]
    changed = len({p.pid for _, p, _ in todo})
    progress(f"{len(paragraphs)} paragraphs: {len(paragraphs) - changed} unchanged, {changed} to embed")
    with progress_bar(len(todo), "embedding passages") as bar:
        for i in range(0, len(todo), settings.embed_chunk):
            batch = todo[i : i + settings.embed_chunk]
            texts = [t for _, _, t in batch]
            for (key, _, _), v in zip(batch, embed(texts, settings.embed_batch), strict=True):
                vectors[key] = v
            bar.update(len(batch))

    client = chroma_client(folder / "chroma")
    _, store = _vector_store(client, create=True)
    keys = ["procedures", "ref", "para", "pid"]
    nodes = [
        TextNode(
            id_=key,
            text=text,
            embedding=vectors[key],
            # Refs and ids are metadata, never embedded text. ("doc_id" is llama-index's own key.)
            metadata={"procedures": p.doc_id, "ref": p.ref, "para": p.para or 0, "pid": p.pid},
            excluded_embed_metadata_keys=keys,
            excluded_llm_metadata_keys=keys,
        )
        for key, p, text in entries
    ]
    for i in range(0, len(nodes), settings.store_batch):
        store.add(nodes[i : i + settings.store_batch])
    progress("  vector index written")

    write_bm25(folder / "bm25", paragraphs)
    progress("  keyword index written")
    with open(folder / "paragraphs.jsonl", "w", encoding="utf-8") as fh:
        for p in paragraphs:
            fh.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    (folder / "docs.json").write_text(json.dumps([asdict(d) for d in docs], indent=2), encoding="utf-8")
    meta = {
        "format": FORMAT,
        "model": model_name(),
        "paragraphs": len(paragraphs),
        "built": time.time(),
        "fingerprint": fingerprint,
    }
    # meta.json is written last: its presence is what marks a build complete.
    (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    _swap_link(settings, folder)
    _remove_stale_builds(settings)
    return BuildStats(
        len(paragraphs), changed, len(paragraphs) - changed, time.perf_counter() - start, folder
    )


def write_bm25(folder: Path, paragraphs: list[Paragraph]) -> None:
    import bm25s

    retriever = bm25s.BM25()
    # Headings are indexed with the text: "Listening to the child" is how people find 1.6.9.
    retriever.index(
        [tokenize(" ".join(p.heading[-2:]) + " " + p.text) for p in paragraphs], show_progress=False
    )
    retriever.save(str(folder))


def _swap_link(settings: Settings, folder: Path) -> None:
    tmp = settings.data_dir / f".index-link-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(folder.name)
    os.replace(tmp, settings.index_link)  # atomic: readers see the old index or the new one


def _remove_stale_builds(settings: Settings) -> None:
    """Folders of builds that were interrupted, or replaced, and are not live."""
    live = live_path(settings)
    for folder in settings.data_dir.glob("index-*"):
        if folder.is_dir() and folder.resolve() != live and not _is_fresh_other_build(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _is_fresh_other_build(folder: Path) -> bool:
    """Another ingest may be writing this folder right now; leave folders of live processes alone."""
    try:
        pid = int(folder.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


@dataclass
class OpenIndex:
    """Everything the query side reads, loaded once."""

    path: Path
    docs: dict[str, DocumentInfo]
    paragraphs: list[Paragraph]
    by_id: dict[str, int]
    bm25: object
    collection: object  # the Chroma collection of passages, asked directly on the query side

    @property
    def vector_store(self):
        """The collection through llama-index (the llamaindex baseline and tests use it)."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    def passage_vectors(self):
        """Every stored passage vector and the paragraph (by position) it belongs to, read once from
        Chroma: exact similarities for ranking features and section centroids come from these."""
        import numpy as np

        found = self.collection.get(include=["embeddings"])
        owner = np.array([self.by_id.get(i.split(":")[0], -1) for i in found["ids"]])
        vectors = np.asarray(found["embeddings"], dtype=np.float32)
        keep = owner >= 0
        return vectors[keep], owner[keep]


def load(settings: Settings) -> OpenIndex:
    if settings.chroma_url:
        from procqa.index import server

        return server.load(settings)
    import bm25s

    path = live_path(settings)
    if path is None:
        raise IndexMissing(f"no index in {settings.data_dir}: run `procqa ingest` first")
    missing = [name for name in PARTS if not (path / name).exists()]
    if missing:
        raise IndexMissing(_damaged(path, f"{', '.join(missing)} missing"))
    try:
        docs = {d.doc_id: d for d in _read_docs(path)}
        paragraphs = _read_paragraphs(path)
        collection = chroma_client(path / "chroma").get_collection(COLLECTION, embedding_function=None)
        bm25 = bm25s.BM25.load(str(path / "bm25"))
    except Exception as exc:  # whatever broke inside, the user's remedy is the same: rebuild
        raise IndexMissing(_damaged(path, f"{exc.__class__.__name__}: {exc}")) from exc
    return OpenIndex(
        path=path,
        docs=docs,
        paragraphs=paragraphs,
        by_id={p.pid: i for i, p in enumerate(paragraphs)},
        bm25=bm25,
        collection=collection,
    )


# What a complete build holds; checked before opening, so a damaged index is never "repaired" by a
# library creating an empty part in its place.
PARTS = ("docs.json", "paragraphs.jsonl", "chroma/chroma.sqlite3", "bm25")


def _damaged(path: Path, why: str) -> str:
    return f"the index in {path} is damaged ({why}); rebuild it with `procqa ingest`"


def _read_docs(path: Path) -> list[DocumentInfo]:
    return [DocumentInfo.from_json(d) for d in json.loads((path / "docs.json").read_text("utf-8"))]


def _read_paragraphs(path: Path, doc_id: str | None = None) -> list[Paragraph]:
    out = []
    with open(path / "paragraphs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if doc_id is None or d["doc_id"] == doc_id:
                out.append(Paragraph.from_json(d))
    return out


def is_gone(exc: BaseException) -> bool:
    """Whether `exc` says the build being read was deleted (a server removed a replaced collection)."""
    return type(exc).__name__ == "NotFoundError" and type(exc).__module__.startswith("chromadb")


def live_meta(settings: Settings) -> dict:
    """What the live build recorded of itself (fingerprint, paragraphs) and its path; {} without one."""
    if settings.chroma_url:
        from procqa.index import server

        return server.live_meta(settings)
    path = live_path(settings)
    try:
        meta = json.loads((path / "meta.json").read_text("utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return {**meta, "path": str(path)} if isinstance(meta, dict) else {}


def tidy(settings: Settings) -> None:
    """Remove what interrupted or replaced builds left behind (embedded mode keeps them as folders)."""
    if not settings.chroma_url:
        _remove_stale_builds(settings)


def read_docs(settings: Settings) -> list[DocumentInfo]:
    if settings.chroma_url:
        from procqa.index import server

        return server.read_docs(settings)
    path = live_path(settings)
    if path is None:
        return []
    try:
        return _read_docs(path)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexMissing(_damaged(path, f"docs.json: {exc}")) from exc


def read_paragraphs(settings: Settings, doc_id: str) -> list[Paragraph]:
    if settings.chroma_url:
        from procqa.index import server

        return server.read_paragraphs(settings, doc_id)
    path = live_path(settings)
    if path is None:
        return []
    try:
        return _read_paragraphs(path, doc_id)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexMissing(_damaged(path, f"paragraphs.jsonl: {exc}")) from exc
