"""Bad input gets one clear message and loses nothing: each case asserts what the user sees.

Three outcomes only: one line on stderr and exit status 2 (a command that cannot run), `{question, error}`
and the run going on (`procqa ask --json -`), or a message on the page (the app). Never a traceback.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from procqa.config import Settings

pytestmark = pytest.mark.slow


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# --- procqa ask / show / eval: refused with one line and status 2 ---

REFUSED = [
    (["ask", ""], "the question is empty"),
    (["ask", "   \t  "], "the question is empty"),
    (["ask", "\x01\x02\x1b\x7f"], "the question is empty"),  # control characters only
    (["ask", "q" * 2001], "2,001 characters long"),
    (["ask", "what is neglect?", "-k", "0"], "-k must be between 1 and 50"),
    (["ask", "what is neglect?", "-k", "51"], "-k must be between 1 and 50"),
    (["ask", "what is neglect?", "-k", "-3"], "-k must be between 1 and 50"),
    (["ask", "what is neglect?", "--doc", "nowhere"], "unknown document 'nowhere'"),
    (["ask", "what is neglect?", "--doc", "<script>alert(1)</script>"], "unknown document"),
    (["show", "nowhere", "1.1"], "unknown document 'nowhere'"),
    (["show", "set-2025", "Z 9.9.9"], "no paragraph 'Z 9.9.9' in set-2025"),
    (["show", "set-2025", "<img src=x onerror=alert(1)>"], "no paragraph"),
    (["show", "wales-2008", "2.1.1 ¶99"], "no paragraph"),
    (["eval", "--gold", "no-such-file.jsonl"], "no gold file"),
    (["eval", "--split", "dev", "--limit", "0"], "--limit must be at least 1"),
    (["eval", "-k", "0"], "-k must be between 1 and 50"),
]


@pytest.mark.parametrize("args, message", REFUSED, ids=[" ".join(a)[:40] for a, _ in REFUSED])
def test_refused_with_one_clear_line(cli, args, message):
    status, _, err = cli(args)
    assert status == 2
    assert message in one_line(err)


@pytest.mark.parametrize(
    "content, message",
    [("{not json\n", "line 1 is not JSON"), ('{"id": "x"}\n', "keys must be")],
)
def test_a_bad_gold_file_is_named_with_its_fault(cli, tmp_path, content, message):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(content, encoding="utf-8")
    status, _, err = cli(["eval", "--gold", str(gold), "--split", "all"])
    assert status == 2 and message in one_line(err)


# --- procqa ask --json -: a bad line gets {question, error}, the run goes on ---

LINES = [
    (b"\xff\xfe\xfa", "not valid UTF-8"),
    (b"why\x00 now", "NUL byte"),
    (b"\x07\x08\x1b", "the question is empty"),
    (b"x" * 5_000_000, "characters long"),  # a 5 MB paste
    (b"y" * 2001, "2,001 characters long"),
]


@pytest.mark.parametrize("line, message", LINES, ids=["invalid-utf8", "nul", "control", "5MB", "2001"])
def test_a_bad_line_on_stdin_is_reported_and_the_next_is_answered(cli, line, message):
    status, out, _ = cli(["ask", "--json", "-"], line + b"\nwhat is a core group?\n")
    assert status == 1
    first, second = (json.loads(r) for r in out.splitlines())
    assert set(first) == {"question", "error"} and message in first["error"] and len(first["question"]) <= 200
    assert second["citations"] and not second["abstained"]


@pytest.mark.parametrize(
    "question",
    [
        "Beth ddylwn i ei wneud os yw plentyn yn dweud wrthyf ei fod yn cael ei gam-drin?",  # Welsh
        "孩子告诉我他在家里被打了，我该怎么办？",  # Chinese
        "<script>alert('x')</script> what is neglect?",
        "![x](http://example.com/track.png) [click](javascript:alert(1)) who chairs a conference?",
    ],
    ids=["welsh", "chinese", "script", "markdown-remote"],
)
def test_other_languages_and_markup_get_an_answer_or_an_honest_decline(cli, question):
    status, out, err = cli(["ask", "--json", "-"], question + "\n")
    assert status == 0 and "Traceback" not in err
    row = json.loads(out)
    assert row["question"] == question and isinstance(row["abstained"], bool)
    assert row["citations"] or row["abstained"]


# --- procqa ingest: refused with one line and status 2, the live index unchanged ---


@pytest.fixture
def scratch(data_dir, tmp_path, monkeypatch) -> Settings:
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, symlinks=True)
    monkeypatch.setenv("PROCQA_DATA", str(copy))
    return Settings(data_dir=copy)


def _encrypted_pdf(path):
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 10, "1.1.1 Staff must record every concern the same day and tell the lead.")
    plain = path.with_suffix(".plain.pdf")
    pdf.output(str(plain))
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt("secret")
    writer.write(str(path))


def _image_only_pdf(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a drawing, no text: as a scan would be
    pdf.output(str(path))


def _make(tmp_path, kind: str):
    folder = tmp_path / "files"
    folder.mkdir(exist_ok=True)
    if kind == "zero-byte.pdf":
        (path := folder / "empty.pdf").write_bytes(b"")
    elif kind == "text-named.pdf":
        (path := folder / "notes.pdf").write_text("just some notes, not a PDF\n")
    elif kind == "truncated.pdf":
        _encrypted_pdf(folder / "whole.pdf")
        data = (folder / "whole.plain.pdf").read_bytes()
        (path := folder / "truncated.pdf").write_bytes(data[: len(data) // 3])
    elif kind == "encrypted.pdf":
        _encrypted_pdf(path := folder / "locked.pdf")
    elif kind == "image-only.pdf":
        _image_only_pdf(path := folder / "scan.pdf")
    elif kind == "50MB.txt":
        path = folder / "huge.txt"
        with open(path, "wb") as fh:
            fh.truncate(50_000_000)
    elif kind == "directory":
        (path := folder / "policies").mkdir()
    elif kind == "missing":
        path = folder / "nowhere.md"
    elif kind == "docx":
        (path := folder / "policy.docx").write_bytes(b"PK\x03\x04")
    elif kind == "zero-byte.md":
        (path := folder / "empty.md").write_bytes(b"")
    return path


INGEST_REFUSED = [
    ("zero-byte.pdf", "not a readable PDF"),
    ("text-named.pdf", "not a readable PDF"),
    ("truncated.pdf", "not a readable PDF"),
    ("encrypted.pdf", "the PDF is encrypted"),
    ("image-only.pdf", "no text layer"),
    ("50MB.txt", "larger than any procedures manual"),
    ("directory", "is a folder"),
    ("missing", "no such file"),
    ("docx", "unsupported file type .docx"),
    ("zero-byte.md", "no text found"),
]


@pytest.mark.parametrize("kind, message", INGEST_REFUSED, ids=[k for k, _ in INGEST_REFUSED])
def test_a_document_that_cannot_be_ingested_is_refused_and_the_index_kept(
    cli, scratch, tmp_path, kind, message
):
    from procqa.engine import live_index

    before = live_index(scratch)
    status, _, err = cli(["ingest", str(_make(tmp_path, kind))])
    assert status == 2
    line = one_line(err)
    assert message in line and "previous index" in line
    assert live_index(scratch) == before


def test_latin1_text_and_a_path_with_spaces_and_accents_ingest(cli, scratch, tmp_path):
    folder = tmp_path / "mes procédures é"
    folder.mkdir()
    doc = folder / "politique école.txt"
    doc.write_bytes(
        "Our policy\nCafé staff must record every concern about a child the same day.\n"
        "1. Reporting\n1.1 What to do\nTell the designated lead before going home.\n".encode("cp1252")
    )
    status, out, err = cli(["ingest", str(doc)])
    assert status == 0, err
    assert "indexed" in out
    status, out, _ = cli(["show", "politique-cole", "1.1 ¶1"])
    assert status == 0 and "Tell the designated lead" in out


# --- a damaged index or feedback store: one line naming the remedy ---


@pytest.mark.parametrize(
    "damage",
    ["paragraphs.jsonl", "chroma", "docs.json-corrupt", "bm25"],
)
def test_a_damaged_index_names_the_remedy(cli, scratch, damage):
    from procqa.engine import live_index

    live = live_index(scratch)
    if damage == "docs.json-corrupt":
        (live / "docs.json").write_text("{half written", encoding="utf-8")
    elif (live / damage).is_dir():
        shutil.rmtree(live / damage)
    else:
        (live / damage).unlink()
    status, _, err = cli(["ask", "what is neglect?"])
    assert status == 2
    line = one_line(err)
    assert "damaged" in line and "procqa ingest" in line


def test_a_corrupt_feedback_store_is_named_not_a_traceback(cli, scratch):
    (scratch.data_dir / "feedback.sqlite").write_bytes(b"this is not a database" * 100)
    status, _, err = cli(["feedback", "export"])
    assert status == 2 and "feedback store" in one_line(err)


def test_a_feedback_store_locked_by_a_writer_says_so(cli, scratch):
    from procqa.feedback.store import db_path, record

    record(db_path(scratch), "helpful", ["SET A 1.6.5"], "q", ["set-2025"])
    holder = sqlite3.connect(db_path(scratch))
    holder.execute("BEGIN EXCLUSIVE")  # another process is writing
    try:
        status, out, err = cli(["feedback", "export"])
    finally:
        holder.rollback()
        holder.close()
    assert status == 2 and "is busy (another process is writing)" in one_line(err)


def test_feedback_export_to_a_folder_that_does_not_exist(cli, scratch, tmp_path):
    status, _, err = cli(["feedback", "export", "--out", str(tmp_path / "no" / "such" / "dir.csv")])
    assert status == 2 and "cannot write" in one_line(err)


# --- the app: markup and script in the chat and in a source-view URL are shown as text ---

APP = str(Settings().eval_dir.parent / "app.py")


@pytest.mark.parametrize(
    "params, shown",
    [
        ({"doc": "<script>alert(1)</script>"}, r"no procedures called \<script\>alert\(1\)\</script\>"),
        ({"doc": "set-2025", "ref": "<img src=x onerror=alert(1)>", "para": ""}, r"has no paragraph \<img"),
        (
            {"doc": "set-2025", "ref": "[x](javascript:alert(1))", "para": "2"},
            r"has no paragraph \[x\]\(javascript",
        ),
        ({"doc": "set-2025", "ref": "A 1.6.5", "para": "not-a-number"}, None),  # a bad ¶ is ignored
    ],
    ids=["doc-script", "ref-img-onerror", "ref-js-link", "bad-para"],
)
def test_source_view_urls_with_markup_are_shown_as_text(data_dir, monkeypatch, params, shown):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))
    view = AppTest.from_file(APP, default_timeout=180)
    view.query_params.update(params)
    view.run()
    assert not view.exception
    if shown is None:
        assert view.subheader[0].value == "SET A 1.6.5" and not view.error
    else:
        assert shown in view.error[0].value
