"""The corpus manifest: which documents ship with procqa and how they are cited."""

from __future__ import annotations

import json
import re
from pathlib import Path

from procqa.records import DocumentInfo


def load_manifest(path: Path) -> list[DocumentInfo]:
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = []
    for entry in data["documents"]:
        # Files in the manifest are relative to it, so the corpus folder can move as a whole.
        docs.append(DocumentInfo.from_json({**entry, "file": str((path.parent / entry["file"]).resolve())}))
    return docs


def info_for_file(path: Path, manifest: list[DocumentInfo]) -> DocumentInfo:
    """A manifest entry for a known file; for a user's own file, one inferred from the file: its title
    from the PDF's metadata or the document's first heading, else from its name."""
    resolved = str(path.resolve())
    for info in manifest:
        if info.file == resolved:
            return info
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"
    return DocumentInfo(
        doc_id=stem,
        title=document_title(path) or path.stem.replace("_", " ").replace("-", " ").strip() or stem,
        label=stem.upper()[:12],
        edition="",
        jurisdiction="",
        file=resolved,
        note="Added by a user; not part of the bundled corpus.",
    )


def document_title(path: Path) -> str:
    """The title a document gives itself: PDF metadata, or a Markdown "# " heading near the top; "" when
    it gives none (or cannot be read: the parser will say why)."""
    try:
        if path.suffix.lower() == ".pdf":
            from pypdf import PdfReader

            title = (PdfReader(str(path)).metadata or {}).get("/Title") or ""
            return " ".join(str(title).split())[:200]
        with open(path, encoding="utf-8", errors="replace") as fh:
            for _, line in zip(range(40), fh, strict=False):
                if line.startswith("# "):
                    return line[2:].strip()[:200]
    except Exception:  # a title is a nicety; a broken file is reported by the parser
        return ""
    return ""
