"""Bring the index up to date with documents: parse what changed, keep the rest, build, swap."""

from __future__ import annotations

import fcntl
import sys
from collections.abc import Callable
from pathlib import Path

from procqa.config import Settings
from procqa.index import store
from procqa.ingest.load import parse_document
from procqa.ingest.manifest import info_for_file, load_manifest
from procqa.records import Paragraph


def update_index(
    settings: Settings,
    paths: list[Path] | None = None,
    progress: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
) -> store.BuildStats:
    """No paths: the manifest's corpus. Paths: those files are added to (or replace, by doc id) what
    the live index holds; every other document keeps its paragraphs as they are.

    One ingest at a time per data folder: a second waits for the first (a lock file), then reads the
    index the first left, so neither document is lost."""
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
    return store.build(settings, docs, paragraphs, progress)
