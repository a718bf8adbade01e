"""Users drop in their own procedures: small documents of either style parse into cited paragraphs."""

from __future__ import annotations

import pytest

from procqa.ingest.load import UnsupportedDocument, parse_document
from procqa.records import DocumentInfo


def _parse(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_document(DocumentInfo("mine", "My policy", "MINE", "", "", str(path)))


def test_numbered_paragraphs_in_a_short_markdown_file(tmp_path):
    paragraphs = _parse(
        tmp_path, "policy.md", "1. Extra\n\n1.1 Section\n\n1.1.1 Staff must record every concern.\n"
    )
    assert [(p.ref, p.text) for p in paragraphs] == [("1.1.1", "Staff must record every concern.")]
    assert paragraphs[0].heading == ("1. Extra", "1.1 Section")


def test_numbered_headings_in_a_short_text_file(tmp_path):
    text = "Our policy\nThis is an intro line.\n1. Reporting\n1.1 What to do\nTell the DSL the same day.\n"
    paragraphs = _parse(tmp_path, "policy.txt", text + "1.2 Records\nKeep records safe.\n")
    assert [(p.cite_ref, p.text) for p in paragraphs] == [
        ("Front matter ¶1", "Our policy This is an intro line."),
        ("1.1 ¶1", "Tell the DSL the same day."),
        ("1.2 ¶1", "Keep records safe."),
    ]


@pytest.mark.parametrize("name, content", [("notes.docx", b"PK\x03\x04"), ("empty.md", b"\n\n")])
def test_unusable_files_are_refused_with_the_file_name(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnsupportedDocument, match=name):
        parse_document(DocumentInfo("x", "x", "X", "", "", str(path)))


def test_a_users_document_is_titled_by_its_own_title(tmp_path):
    from fpdf import FPDF

    from procqa.ingest.manifest import info_for_file

    md = tmp_path / "policy_v3-final.md"
    md.write_text("# Riverside School Safeguarding Policy\n\n1. Reporting\n", encoding="utf-8")
    assert info_for_file(md, []).title == "Riverside School Safeguarding Policy"
    pdf = FPDF()
    pdf.set_title("Harbour Youth Club Child Protection Procedures")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "1.1.1 Tell the lead the same day.")
    pdf.output(str(tmp_path / "scan0001.pdf"))
    info = info_for_file(tmp_path / "scan0001.pdf", [])
    assert info.title == "Harbour Youth Club Child Protection Procedures" and info.doc_id == "scan0001"
    (plain := tmp_path / "notes_2024.txt").write_text("Some notes\n", encoding="utf-8")
    assert info_for_file(plain, []).title == "notes 2024"  # no title of its own: from the name
