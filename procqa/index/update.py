"""Bring the index up to date with documents: parse what changed, keep the rest, build, swap."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from procqa.config import Settings
from procqa.index import store
from procqa.index.embedder import use_threads
from procqa.ingest.load import parse_document
from procqa.ingest.manifest import info_for_file, load_manifest
from procqa.records import DocumentInfo, Paragraph


class IndexWriteError(OSError):
    """The new index could not be written (a full disk, a file-size limit); the previous one stays live."""


def update_index(
    settings: Settings,
    paths: list[Path] | None = None,
    progress: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
    force: bool = False,
) -> store.BuildStats:
    """No paths: the manifest's corpus. Paths: those files are added to (or replace, by doc id) what
    the live index holds; every other document keeps its paragraphs as they are.

    One ingest at a time per data folder: a second waits for the first (a lock file), then reads the
    index the first left, so neither document is lost.

    When the sources, the parser and the passage settings are those the live index was built from
    (its fingerprint), nothing is parsed or written: the build would come out the same. `force` builds
    anyway."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / ".ingest.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("another ingest is writing this index; waiting for it to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
        return _update(settings, paths, progress, force)


def _update(
    settings: Settings, paths: list[Path] | None, progress: Callable[[str], None], force: bool
) -> store.BuildStats:
    start = time.perf_counter()
    manifest = load_manifest(settings.manifest)
    if not paths:
        docs, to_parse = manifest, {d.doc_id for d in manifest}
    else:
        new = [info_for_file(Path(p), manifest) for p in paths]
        new_ids = {d.doc_id for d in new}
        indexed = store.read_docs(settings)  # read once: the live index may be swapped meanwhile
        docs = [d for d in (indexed or manifest) if d.doc_id not in new_ids] + new
        # Without a live index the bundled documents are parsed too, so they are not lost.
        to_parse = new_ids | (set() if indexed else {d.doc_id for d in manifest})

    fingerprint = sources_fingerprint(settings, docs, to_parse)
    live = store.live_meta(settings)
    if not force and live and live.get("fingerprint") == fingerprint:
        store.tidy(settings)
        n = int(live.get("paragraphs", 0))
        progress("the sources are unchanged since the live index was built; nothing to do")
        return store.BuildStats(n, 0, n, time.perf_counter() - start, Path(live["path"]))

    use_threads(settings.ingest_threads)
    paragraphs: list[Paragraph] = []
    for doc in docs:
        if doc.doc_id in to_parse:
            parsed = parse_document(doc)
            progress(f"{doc.doc_id}: {len(parsed)} paragraphs from {Path(doc.file).name}")
        else:
            parsed = store.read_paragraphs(settings, doc.doc_id)
        paragraphs.extend(parsed)
    return _build(settings, docs, paragraphs, progress, fingerprint)


# What decides the paragraphs and passages a build holds, besides the documents: the parser's code.
_PARSER_CODE = ("ingest", "index/passages.py", "records.py")


def sources_fingerprint(settings: Settings, docs: list[DocumentInfo], to_parse: set[str]) -> str:
    """A hash of everything a build's content follows from: the documents' entries, the bytes of the
    files to parse, which documents are parsed (the others are carried from the live index), the
    parser's source code and the passage length. Equal fingerprints, equal builds."""
    from procqa.config import PACKAGE
    from procqa.index.embedder import model_name

    h = hashlib.sha1()
    h.update(json.dumps([store.FORMAT, model_name(), settings.passage_words, sorted(to_parse)]).encode())
    for doc in docs:
        h.update(json.dumps(asdict(doc), sort_keys=True).encode())
        if doc.doc_id in to_parse:
            try:
                h.update(hashlib.sha1(Path(doc.file).read_bytes()).digest())
            except OSError:
                h.update(b"unreadable")  # the parser will say why
    for part in _PARSER_CODE:
        target = PACKAGE / part
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            h.update(path.read_bytes())
    return h.hexdigest()


def _build(
    settings: Settings,
    docs: list[DocumentInfo],
    paragraphs: list[Paragraph],
    progress: Callable[[str], None],
    fingerprint: str,
) -> store.BuildStats:
    """store.build, with a failed write (OSError, or Chroma's database error) made one clear message.

    The half-written folder is removed at once, to give the space back; the live link was never moved."""
    from chromadb.errors import ChromaError

    try:
        return store.build(settings, docs, paragraphs, progress, fingerprint)
    except (OSError, ChromaError) as exc:
        live = store.live_path(settings)
        for folder in settings.data_dir.glob(f"index-*-{os.getpid()}"):
            if folder.resolve() != live:
                shutil.rmtree(folder, ignore_errors=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        disk = settings.data_dir.resolve()
        while not os.path.ismount(disk):
            disk = disk.parent
        free = shutil.disk_usage(disk).free // 2**20
        raise IndexWriteError(
            f"cannot write the new index in {settings.data_dir} ({reason}); the disk holding it ({disk}, "
            f"{free} MB free) may be full. The previous index is still live; free some space and run "
            "`procqa ingest` again"
        ) from exc
