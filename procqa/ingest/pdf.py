"""Read a PDF with pypdf, keeping the page each line was printed on."""

from __future__ import annotations

import logging
from pathlib import Path

from procqa.ingest.clean import Line, strip_repeated_furniture


class UnreadablePDF(ValueError):
    """The file is not a PDF pypdf can read, or it has no extractable text (a scan)."""


def read_pdf(path: Path) -> list[Line]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs its repairs ("EOF marker not found"); the user gets one clear line instead.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise UnreadablePDF(
                f"{path.name}: the PDF is encrypted; save an unprotected copy and ingest that"
            )
        pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    except UnreadablePDF:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnreadablePDF(f"{path.name}: not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    if not any(line.strip() for lines in pages for line in lines):
        raise UnreadablePDF(f"{path.name}: the PDF has no text layer (a scan?); nothing to index")
    pages = strip_repeated_furniture(pages)
    out: list[Line] = []
    for number, lines in enumerate(pages, start=1):
        out.extend(Line(text, number) for text in lines)
        out.append(Line("", number))  # a page break ends a line
    return out
