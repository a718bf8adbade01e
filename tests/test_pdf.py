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


CHROMIUM_PRINT = """<html><head><meta charset="utf-8"><title>Harbour Youth Club Procedures</title>
<style>body{font-family:serif;font-size:12pt} p{margin:0 0 8pt} .page{page-break-before:always}</style>
</head><body>
<p>1. Responding to concerns</p>
<p>1.1 Introduction</p>
<p>1.1.1 Any member of staff in the office who is sufficiently worried about a child must tell the designated
safeguarding lead the same day, and the effect on the child must be recorded.</p>
<p>1.1.2 The designated safeguarding lead must make a referral to children's social care within one working
day of the concern being raised by the staff member.</p>
<p class="page">1.2 Recording</p>
<p>1.2.1 Records should be accurate, signed and dated, and kept in the child's file in the office where only
authorised staff can see them.</p>
</body></html>"""


@pytest.mark.slow
@pytest.mark.browser
def test_a_pdf_printed_by_chromium_ingests_with_refs_pages_title_and_plain_letters(tmp_path):
    # A real renderer: Chromium's print-to-PDF keeps typographic ligatures ("oﬀice") in the text layer.
    import shutil
    import subprocess

    from procqa.ingest.manifest import info_for_file

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed: run scripts/install-browser.sh")
    html, pdf = tmp_path / "procedures.html", tmp_path / "harbour.pdf"
    html.write_text(CHROMIUM_PRINT, encoding="utf-8")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
    ]
    flags += ["--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run(
        [chromium, *flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    from pypdf import PdfReader

    assert "\ufb00" in PdfReader(str(pdf)).pages[0].extract_text()  # the renderer did use a ligature
    info = info_for_file(pdf, [])
    assert info.title == "Harbour Youth Club Procedures"
    paragraphs = parse_document(info)
    assert [(p.ref, p.page) for p in paragraphs] == [("1.1.1", 1), ("1.1.2", 1), ("1.2.1", 2)]
    assert "staff in the office who is sufficiently worried" in paragraphs[0].text
    assert not any(ch in p.text for p in paragraphs for ch in "\ufb00\ufb01\ufb02\ufb03\ufb04")
