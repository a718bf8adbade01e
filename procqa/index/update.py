"""Bring the index up to date with documents: parse what changed, keep the rest, build, swap."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from collections.abc import Callable
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
) -> store.BuildStats:
    """No paths: the manifest's corpus. Paths: those files are added to (or replace, by doc id) what
    the live index holds; every other document keeps its paragraphs as they are.

    One ingest at a time per data folder: a second waits for the first (a lock file), then reads the
    index the first left, so neither document is lost."""
    use_threads(settings.ingest_threads)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / ".ingest.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("another ingest is writing this index; waiting for it to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
        return _update(settings, paths, progress)


def _update(
    settings: Settings, paths: list[Path] | None, progress: Callable[[str], None]
) -> store.BuildStats:
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

    paragraphs: list[Paragraph] = []
    for doc in docs:
        if doc.doc_id in to_parse:
            parsed = parse_document(doc)
            progress(f"{doc.doc_id}: {len(parsed)} paragraphs from {Path(doc.file).name}")
        else:
            parsed = store.read_paragraphs(settings, doc.doc_id)
        paragraphs.extend(parsed)
    return _build(settings, docs, paragraphs, progress)


def _build(
    settings: Settings,
    docs: list[DocumentInfo],
    paragraphs: list[Paragraph],
    progress: Callable[[str], None],
) -> store.BuildStats:
    """store.build, with a failed write (OSError, or Chroma's database error) made one clear message.

    The half-written folder is removed at once, to give the space back; the live link was never moved."""
    from chromadb.errors import ChromaError

    try:
        return store.build(settings, docs, paragraphs, progress)
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
