"""The index on a Chroma server (`chroma run`), chosen by Settings.chroma_url; embedded stays the default.

The server is the single source of truth. One build is one collection, `procqa-v-<time>-<pid>`, holding
every passage (vector, text, and the paragraph record on each paragraph's first passage) with the
documents in the collection's metadata. A pointer collection's metadata names the live build: ingest
writes the new collection completely, then moves the pointer (one write), so readers see the old build
or the new one, never half of one. Readers build their keyword index from the collection (cached on
local disk per build, `data/server-cache/<build>/`), and compare the pointer with what they loaded to
notice a newer ingest without a restart. The build before the live one is kept, so a reader still on
it finishes its question; older ones are deleted.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import procqa.config  # noqa: F401  (offline environment first)
from procqa.config import Settings
from procqa.index.passages import passages
from procqa.index.store import FORMAT, BuildStats, IndexMissing, OpenIndex, write_bm25
from procqa.records import DocumentInfo, Paragraph

POINTER = "procqa-pointer"
PREFIX = "procqa-v-"
PAGE = 2000  # records per request when reading a collection back


class ServerUnavailable(IndexMissing):
    """The configured Chroma server cannot be used (refused, unreachable, or not a loopback address)."""


@dataclass(frozen=True)
class Address:
    host: str
    port: int
    ssl: bool

    def __str__(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}"


def parse_url(settings: Settings) -> Address:
    """The server's address. Only loopback unless settings.chroma_allow_remote: procqa contacts nothing
    beyond this machine unless told to (questions and procedures would travel to the server)."""
    url = settings.chroma_url.strip()
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerUnavailable(f"PROCQA_CHROMA_URL {url!r} is not an http(s)://host:port address")
    try:
        port = parts.port or 8000
    except ValueError as exc:
        raise ServerUnavailable(f"PROCQA_CHROMA_URL {url!r}: {exc}") from None
    host = parts.hostname
    # "localhost" is taken as 127.0.0.1 rather than looked up, so nothing is resolved beyond /etc/hosts.
    host = "127.0.0.1" if host == "localhost" else host
    if not settings.chroma_allow_remote:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ServerUnavailable(
                f"PROCQA_CHROMA_URL {url!r} is not a loopback address; questions and procedures would "
                "leave this machine. Set PROCQA_CHROMA_ALLOW_REMOTE=1 to allow it"
            )
    return Address(host, port, parts.scheme == "https")


_CLIENTS: dict[Address, object] = {}  # one per server and process: making one costs requests


def client(settings: Settings):
    """A client of the configured server; one clear error when it is not answering."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    address = parse_url(settings)
    if address in _CLIENTS:
        return _CLIENTS[address]
    try:
        api = chromadb.HttpClient(
            host=address.host,
            port=address.port,
            ssl=address.ssl,
            # Chroma's client sends anonymous usage data unless told not to.
            settings=ChromaSettings(anonymized_telemetry=False),
        )
        api.heartbeat()
    except Exception as exc:  # refused, timed out, not a Chroma server: the remedy is the same
        raise ServerUnavailable(
            f"cannot reach the Chroma server at {address} ({_reason(exc)}); start it with "
            f"`chroma run --path DIR --host {address.host} --port {address.port}` or unset PROCQA_CHROMA_URL"
        ) from None
    _CLIENTS[address] = api
    return api


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    if "refused" in text.lower() or "connecterror" in type(exc).__name__.lower():
        return "connection refused"
    return text[:160] or type(exc).__name__


def live_name(api) -> str | None:
    """The build the pointer names, or None before the first ingest."""
    from chromadb.errors import NotFoundError

    try:
        pointer = api.get_collection(POINTER, embedding_function=None)
    except (NotFoundError, ValueError):
        return None
    except Exception as exc:  # the server went away after this process first reached it
        raise ServerUnavailable(f"the Chroma server stopped answering ({_reason(exc)})") from None
    return (pointer.metadata or {}).get("live") or None


def cache_dir(settings: Settings, name: str) -> Path:
    """Where this process keeps what it derives from build `name` (the keyword index)."""
    return settings.data_dir / "server-cache" / name


def live_path(settings: Settings) -> Path | None:
    """The live build as a path (its local cache folder): a new ingest gives a new path, as embedded."""
    name = live_name(client(settings))
    return cache_dir(settings, name) if name else None


def _collection(api, name: str):
    return api.get_collection(name, embedding_function=None)


def _read_all(collection, include: list[str]) -> dict[str, list]:
    out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
    total = collection.count()
    for offset in range(0, total, PAGE):
        page = collection.get(limit=PAGE, offset=offset, include=include)
        out["ids"].extend(page["ids"])
        for k in include:
            out[k].extend(page[k])
    return out


def _reusable_embeddings(settings: Settings, api, ids: list[str]) -> dict[str, list[float]]:
    """Vectors of unchanged passages (ids are content hashes): from the server's live build, and for the
    rest from an embedded index in the data folder, so an office moving its index to a server embeds
    nothing again."""
    from dataclasses import replace

    from procqa.index import store

    found: dict[str, list[float]] = {}
    name = live_name(api)
    if name is not None:
        try:
            collection = _collection(api, name)
            for i in range(0, len(ids), settings.store_batch):
                got = collection.get(ids=ids[i : i + settings.store_batch], include=["embeddings"])
                found.update(
                    (k, list(map(float, e))) for k, e in zip(got["ids"], got["embeddings"], strict=True)
                )
        except Exception as exc:  # an unreadable old build only costs a re-embed
            print(f"note: previous build unreadable ({exc}); embedding what it held", file=sys.stderr)
    missing = [i for i in ids if i not in found]
    if missing:
        found.update(store.reusable_embeddings(replace(settings, chroma_url=""), missing))
    return found


def build(
    settings: Settings,
    docs: list[DocumentInfo],
    paragraphs: list[Paragraph],
    progress: Callable[[str], None],
    fingerprint: str = "",
) -> BuildStats:
    from procqa.index.embedder import embed, model_name
    from procqa.progress import progress_bar

    start = time.perf_counter()
    api = client(settings)
    entries = [
        (f"{p.pid}:{i}", p, i, text)
        for p in paragraphs
        for i, text in enumerate(passages(p, settings.passage_words))
    ]
    vectors = _reusable_embeddings(settings, api, [e[0] for e in entries])
    todo = [e for e in entries if e[0] not in vectors]
    changed = len({p.pid for _, p, _, _ in todo})
    progress(f"{len(paragraphs)} paragraphs: {len(paragraphs) - changed} unchanged, {changed} to embed")
    with progress_bar(len(todo), "embedding passages") as bar:
        for i in range(0, len(todo), settings.embed_chunk):
            batch = todo[i : i + settings.embed_chunk]
            for (key, *_), v in zip(batch, embed([t for *_, t in batch], settings.embed_batch), strict=True):
                vectors[key] = v
            bar.update(len(batch))

    # Time, process and a random part: two builds of one process within a second get two names.
    name = f"{PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
    meta = {
        "hnsw:space": "cosine",
        "format": FORMAT,
        "model": model_name(),
        "paragraphs": len(paragraphs),
        "built": time.time(),
        "fingerprint": fingerprint,
        "docs": json.dumps([asdict(d) for d in docs], ensure_ascii=False),
    }
    collection = api.create_collection(name, metadata=meta, embedding_function=None)
    try:
        for i in range(0, len(entries), settings.store_batch):
            part = entries[i : i + settings.store_batch]
            collection.add(
                ids=[key for key, *_ in part],
                embeddings=[vectors[key] for key, *_ in part],
                documents=[text for *_, text in part],
                metadatas=[_metadata(p, n) for _, p, n, _ in part],
            )
        progress("  vector index written")
        # The keyword index is derived, per build, by each reader; writing it here spares this machine.
        write_bm25(cache_dir(settings, name) / "bm25", paragraphs)
        previous = live_name(api)
        _point_at(api, name)  # the switch: one write readers see whole or not at all
    except BaseException:
        _delete(api, name)
        raise
    progress(f"  live build is now {name}")
    _remove_old_builds(api, keep={name, previous})
    _remove_old_caches(settings, keep={name, previous})
    seconds = time.perf_counter() - start
    return BuildStats(len(paragraphs), changed, len(paragraphs) - changed, seconds, cache_dir(settings, name))


def _metadata(p: Paragraph, n: int) -> dict:
    meta = {"procedures": p.doc_id, "ref": p.ref, "para": p.para or 0, "pid": p.pid}
    if n == 0:  # the paragraph record rides on its first passage, once
        meta["record"] = json.dumps(asdict(p), ensure_ascii=False)
    return meta


def _point_at(api, name: str) -> None:
    pointer = api.get_or_create_collection(POINTER, embedding_function=None)
    pointer.modify(metadata={"live": name, "switched": time.time()})


def _delete(api, name: str) -> None:
    with contextlib.suppress(Exception):  # already gone: nothing to give back
        api.delete_collection(name)


def _remove_old_builds(api, keep: set[str | None]) -> None:
    for c in api.list_collections():
        name = c if isinstance(c, str) else c.name
        if name.startswith(PREFIX) and name not in keep:
            _delete(api, name)


def _remove_old_caches(settings: Settings, keep: set[str | None]) -> None:
    for folder in (settings.data_dir / "server-cache").glob(f"{PREFIX}*"):
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def live_meta(settings: Settings) -> dict:
    """What the live build recorded of itself, and its path; {} before the first ingest."""
    from chromadb.errors import NotFoundError

    api = client(settings)
    name = live_name(api)
    if name is None:
        return {}
    try:
        meta = dict(_collection(api, name).metadata or {})
    except NotFoundError:
        return {}
    meta.pop("docs", None)
    return {**meta, "path": str(cache_dir(settings, name))}


@dataclass
class ServerIndex(OpenIndex):
    """An OpenIndex whose passages were read from the server once, at load."""

    name: str = ""
    vectors: object = None
    owner: object = None

    def passage_vectors(self):
        return self.vectors, self.owner


def load(settings: Settings) -> OpenIndex:
    import bm25s
    import numpy as np
    from chromadb.errors import NotFoundError

    api = client(settings)
    for _attempt in range(2):  # the build may be replaced between reading the pointer and reading it
        name = live_name(api)
        if name is None:
            where = parse_url(settings)
            raise IndexMissing(f"no index on the Chroma server at {where}: run `procqa ingest` first")
        try:
            collection = _collection(api, name)
            found = _read_all(collection, ["metadatas", "embeddings"])
            break
        except NotFoundError:
            continue
    else:
        raise IndexMissing(f"the live build on {parse_url(settings)} keeps vanishing; is an ingest looping?")
    docs = {d.doc_id: d for d in _docs(collection)}
    records = _records(found["metadatas"])
    order = {doc_id: i for i, doc_id in enumerate(docs)}
    paragraphs = sorted(records, key=lambda p: (order.get(p.doc_id, len(order)), p.order))
    by_id = {p.pid: i for i, p in enumerate(paragraphs)}
    owner = np.array([by_id.get(k.split(":")[0], -1) for k in found["ids"]])
    vectors = np.asarray(found["embeddings"], dtype=np.float32).reshape(len(found["ids"]), -1)
    keep = owner >= 0

    folder = cache_dir(settings, name) / "bm25"
    if not folder.is_dir():  # built by another machine's ingest: derive it once, atomically
        tmp = folder.with_name(f".bm25-{os.getpid()}")
        write_bm25(tmp, paragraphs)
        try:
            tmp.rename(folder)
        except OSError:  # another reader won the race; its copy is the same
            shutil.rmtree(tmp, ignore_errors=True)
    return ServerIndex(
        path=cache_dir(settings, name),
        docs=docs,
        paragraphs=paragraphs,
        by_id=by_id,
        bm25=bm25s.BM25.load(str(folder)),
        collection=collection,
        name=name,
        vectors=vectors[keep],
        owner=owner[keep],
    )


def read_docs(settings: Settings) -> list[DocumentInfo]:
    api = client(settings)
    name = live_name(api)
    if name is None:
        return []
    return _docs(_collection(api, name))


def read_paragraphs(settings: Settings, doc_id: str) -> list[Paragraph]:
    api = client(settings)
    name = live_name(api)
    if name is None:
        return []
    collection = _collection(api, name)
    got = collection.get(where={"procedures": doc_id}, include=["metadatas"])
    return sorted(_records(got["metadatas"]), key=lambda p: p.order)


def _docs(collection) -> list[DocumentInfo]:
    """The documents a build's collection records in its metadata."""
    return [DocumentInfo.from_json(d) for d in json.loads((collection.metadata or {}).get("docs", "[]"))]


def _records(metadatas) -> list[Paragraph]:
    """The paragraphs stored in vectors' metadata (one record per paragraph, on its first passage)."""
    return [Paragraph.from_json(json.loads(m["record"])) for m in metadatas if m and "record" in m]
