"""From a file on disk to the ordered paragraphs of one document."""

from __future__ import annotations

from pathlib import Path

from procqa.ingest.clean import Line
from procqa.ingest.headings import parse_headings
from procqa.ingest.numbered import looks_numbered, parse_numbered
from procqa.ingest.pdf import read_pdf
from procqa.records import DocumentInfo, Paragraph

SUPPORTED = {".pdf", ".md", ".markdown", ".txt"}
# A 600-page procedures manual is a few MB as PDF; a file far larger is not one (and would take hours).
MAX_BYTES = 40_000_000


class UnsupportedDocument(ValueError):
    """A file procqa cannot ingest, with the reason in plain words."""


def read_lines(path: Path) -> tuple[list[Line], bool]:
    """The document's lines, and whether its lines are hard-wrapped (PDF or wrapped text)."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise UnsupportedDocument(f"{path.name}: is a folder; give the PDF, Markdown or text files in it")
    if suffix not in SUPPORTED:
        raise UnsupportedDocument(
            f"{path.name}: unsupported file type {suffix or '(none)'}; use PDF, Markdown or text"
        )
    if not path.is_file():
        raise UnsupportedDocument(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UnsupportedDocument(
            f"{path.name}: {size / 1e6:.0f} MB is larger than any procedures manual "
            f"({MAX_BYTES / 1e6:.0f} MB at most)"
        )
    if suffix == ".pdf":
        return read_pdf(path), True
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = [Line(t) for t in text.replace("\r\n", "\n").split("\n")]
    long_lines = sum(len(ln.text) > 200 for ln in lines)
    return lines, suffix == ".txt" and long_lines * 50 < len(lines)


def parse_document(info: DocumentInfo) -> list[Paragraph]:
    """Numbered-paragraph documents (SET) and numbered-heading documents (AWCPP) parse differently;
    which one a file is, is read from the file itself."""
    lines, wrapped = read_lines(Path(info.file))
    if looks_numbered(lines):
        paragraphs = parse_numbered(info.doc_id, lines, wrapped=wrapped)
    else:
        paragraphs = parse_headings(info.doc_id, lines)
    if not paragraphs:
        raise UnsupportedDocument(f"{Path(info.file).name}: no text found to index")
    return paragraphs


def parse_corpus(manifest: Path) -> dict[str, tuple[DocumentInfo, list[Paragraph]]]:
    """Every document of a manifest, parsed, without touching the index (for tests and gold checks)."""
    from procqa.ingest.manifest import load_manifest

    return {d.doc_id: (d, parse_document(d)) for d in load_manifest(manifest)}
