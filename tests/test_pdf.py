"""A PDF of the same text gives the same refs: render SET chapters with page furniture, read it back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from procqa.ingest.clean import Line
from procqa.ingest.load import parse_document
from procqa.ingest.numbered import parse_numbered
from procqa.records import DocumentInfo

ROOT = Path(__file__).resolve().parent.parent
LATIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "•": "-", "…": "..."})


def _chapters(first: str, stop: str) -> list[str]:
    lines = (ROOT / "corpus" / "set-procedures-2025.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, t in enumerate(lines) if t.strip() == first and i > 400)
    end = next(i for i, t in enumerate(lines) if t.startswith(stop) and i > start)
    return [t.translate(LATIN).encode("latin-1", "replace").decode("latin-1") for t in lines[start:end]]


def _render(lines: list[str], path: Path) -> None:
    from fpdf import FPDF

    class Procedures(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            title = "Southend, Essex and Thurrock Safeguarding and Child Protection Procedures"
            self.cell(0, 6, title, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 6, f"Page {self.page_no()}", align="C")

    pdf = Procedures(format="A4")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for text in lines:
        if not text.strip():
            pdf.ln(3)
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "")
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    lines = _chapters("PART A", "3. Child Protection s47 Enquiries")
    path = tmp_path_factory.mktemp("pdf") / "set-chapters-1-2.pdf"
    _render(lines, path)
    return lines, path


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\n- ", " ")).strip()[:80]


def test_pdf_gives_the_same_refs_and_text(rendered):
    lines, path = rendered
    from_text = parse_numbered("set-2025", [Line(t) for t in lines])
    from_pdf = parse_document(DocumentInfo("set-pdf", "SET chapters 1-2", "SET", "", "", str(path)))
    assert len(from_text) > 150
    assert [p.ref for p in from_pdf] == [p.ref for p in from_text]
    mismatched = [p.ref for p, q in zip(from_pdf, from_text, strict=True) if _norm(p.text) != _norm(q.text)]
    assert len(mismatched) <= len(from_text) // 20, mismatched  # wrapping may differ at the edges


def test_pdf_keeps_page_numbers_and_drops_furniture(rendered):
    _, path = rendered
    paragraphs = parse_document(DocumentInfo("set-pdf", "SET chapters 1-2", "SET", "", "", str(path)))
    pages = [p.page for p in paragraphs]
    assert pages[0] == 1 and pages[-1] > 10 and pages == sorted(pages)
    assert not any(
        "Page " in p.text or "Thurrock Safeguarding and Child Protection Procedures" in p.text
        for p in paragraphs
    )


def test_broken_pdf_gives_a_clear_error(tmp_path):
    from procqa.ingest.pdf import UnreadablePDF

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n this is not really a pdf")
    with pytest.raises(UnreadablePDF, match="broken.pdf"):
        parse_document(DocumentInfo("bad", "bad", "BAD", "", "", str(bad)))
