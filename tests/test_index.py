"""Ingest is repeatable, cheap on unchanged documents, and never leaves users without an index."""

from __future__ import annotations

import shutil

import pytest

from procqa.config import Settings
from procqa.engine import ingest
from procqa.index import store

pytestmark = pytest.mark.slow


@pytest.fixture()
def scratch(data_dir, tmp_path) -> Settings:
    """A private copy of the session's data folder, so tests may re-ingest into it."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, symlinks=True)
    return Settings(data_dir=copy)


def test_reingest_of_unchanged_sources_does_nothing(scratch):
    before = store.live_path(scratch)
    stats = ingest(scratch, progress=lambda m: None)
    assert stats.embedded == 0 and stats.reused == stats.paragraphs == 3129 + 373
    assert store.live_path(scratch) == before == stats.path  # same sources, same build: kept as it is


def test_forced_reingest_of_unchanged_documents_embeds_nothing(scratch):
    before = store.live_path(scratch)
    stats = ingest(scratch, progress=lambda m: None, force=True)
    assert stats.embedded == 0 and stats.reused == stats.paragraphs == 3129 + 373
    assert store.live_path(scratch) != before and not before.exists()  # replaced, old build removed


def test_a_changed_source_is_not_mistaken_for_unchanged(scratch, tmp_path):
    """The fingerprint follows the files' bytes: one changed word in one paragraph is found and embedded."""
    corpus = tmp_path / "corpus"
    shutil.copytree(Settings().manifest.parent, corpus)
    moved = Settings(data_dir=scratch.data_dir, manifest=corpus / "manifest.json")
    # The documents' entries name their files: a corpus that moved is rebuilt, with nothing to embed.
    assert ingest(moved, progress=lambda m: None).embedded == 0
    wales = corpus / "all-wales-cpp-2008.txt"
    text = wales.read_text(encoding="utf-8")
    wales.write_text(text.replace("a comprehensive overview", "a thorough overview"), encoding="utf-8")
    before = store.live_path(scratch)
    stats = ingest(moved, progress=lambda m: None)
    assert stats.embedded == 1 and stats.path != before


def test_failed_ingest_leaves_the_previous_index_answering(scratch, tmp_path):
    from procqa.ingest.pdf import UnreadablePDF

    before = store.live_path(scratch)
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n%%EOF garbage")
    with pytest.raises(UnreadablePDF):
        ingest(scratch, [bad], progress=lambda m: None)
    assert store.live_path(scratch) == before
    assert len(store.load(scratch).paragraphs) == 3129 + 373


def test_half_finished_build_is_ignored_and_cleaned(scratch):
    before = store.live_path(scratch)
    half = scratch.data_dir / "index-20000101T000000-999999"
    (half / "chroma").mkdir(parents=True)  # no meta.json: an interrupted build
    assert store.live_path(scratch) == before
    ingest(scratch, progress=lambda m: None)
    assert not half.exists()


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(store.IndexMissing, match="procqa ingest"):
        store.load(Settings(data_dir=tmp_path / "empty"))


def test_two_ingests_at_once_lose_neither_document(scratch, tmp_path):
    import os
    import subprocess
    import sys

    docs = []
    for name, duty in (("first-policy", "record"), ("second-policy", "report")):
        doc = tmp_path / f"{name}.md"
        doc.write_text(
            f"1. Policy\n\n1.1 Duty\n\n1.1.1 Every member of staff must {duty} a concern about a child "
            f"on the same day, in writing, and tell the designated safeguarding lead before going home.\n",
            encoding="utf-8",
        )
        docs.append(doc)
    env = {**os.environ, "PROCQA_DATA": str(scratch.data_dir)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "procqa.cli", "ingest", str(doc)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for doc in docs
    ]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert {d.doc_id for d in store.read_docs(scratch)} == {
        "set-2025",
        "wales-2008",
        "first-policy",
        "second-policy",
    }


@pytest.mark.parametrize("after", [1.0, 4.0, 7.0], ids=["early", "mid", "late"])
def test_ingest_killed_at_any_point_leaves_the_previous_index_answering(scratch, after):
    import os
    import signal
    import subprocess
    import sys
    import time

    before = store.live_path(scratch)
    env = {**os.environ, "PROCQA_DATA": str(scratch.data_dir)}
    proc = subprocess.Popen(
        # --force: the sources are unchanged, and without it ingest would rightly do nothing.
        [sys.executable, "-m", "procqa.cli", "ingest", "--force"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)  # no clean-up code runs
    proc.wait()
    # Readers see the previous index, or (killed after the swap) the complete new one: never a half.
    live = store.live_path(scratch)
    assert live == before or (live / "meta.json").is_file()
    assert len(store.load(scratch).paragraphs) == 3129 + 373
    # The next ingest completes and removes what the killed one left behind.
    ingest(scratch, progress=lambda m: None)
    assert [p.name for p in scratch.data_dir.glob("index-*")] == [store.live_path(scratch).name]


def test_disk_full_while_writing_leaves_the_previous_index_answering(scratch, tmp_path, monkeypatch, capsys):
    """A real `procqa ingest` whose writes fail past 1 MB (RLIMIT_FSIZE, SIGXFSZ ignored: EFBIG, as a full
    disk gives ENOSPC): one clear line, the old index answering, and the next ingest completes."""
    import os
    import resource
    import signal
    import subprocess
    import sys

    from procqa.cli import main

    before = store.live_path(scratch)
    doc = tmp_path / "records-policy.md"
    doc.write_text(
        "1. Records\n\n1.1 Keeping records\n\n1.1.1 Every member of staff must write down a concern about "
        "a child on the same day, sign and date it, and give it to the designated safeguarding lead.\n",
        encoding="utf-8",
    )

    def full_disk() -> None:  # runs in the child before procqa starts
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))

    result = subprocess.run(
        [sys.executable, "-m", "procqa.cli", "ingest", str(doc)],
        env={**os.environ, "PROCQA_DATA": str(scratch.data_dir)},
        preexec_fn=full_disk,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0 and result.stdout == ""
    assert "Traceback" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("procqa: error:")]
    assert len(errors) == 1, result.stderr
    assert f"cannot write the new index in {scratch.data_dir}" in errors[0]
    assert "may be full" in errors[0] and "previous index is still live" in errors[0]
    # Nothing moved: the live index is the old one, whole, and the half-written build is already gone.
    assert store.live_path(scratch) == before
    assert [p.name for p in scratch.data_dir.glob("index-*")] == [before.name]
    assert len(store.load(scratch).paragraphs) == 3129 + 373
    assert {d.doc_id for d in store.read_docs(scratch)} == {"set-2025", "wales-2008"}
    monkeypatch.setenv("PROCQA_DATA", str(scratch.data_dir))
    assert main(["ask", "How quickly must I make a referral to children's social care?"]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out and "Sources:" in out and "SET A " in out

    # Without the limit the same ingest completes, embedding only the new paragraph.
    stats = ingest(scratch, [doc], progress=lambda m: None)
    assert stats.embedded == 1 and stats.paragraphs == 3129 + 373 + 1
    assert [p.name for p in scratch.data_dir.glob("index-*")] == [store.live_path(scratch).name]
    assert [p.ref for p in store.read_paragraphs(scratch, "records-policy")] == ["1.1.1"]


def test_reuse_survives_more_ids_than_sqlite_takes_in_one_query(scratch):
    """At 40 documents a build asks for 85,000 passages' vectors; one query naming them all fails in
    SQLite ("too many SQL variables") and everything would be embedded again."""
    live = store.live_path(scratch)
    real = store.chroma_client(live / "chroma").get_collection(store.COLLECTION).get(include=[])["ids"]
    absent = [f"absent-{i}" for i in range(40_000)]
    found = store.reusable_embeddings(scratch, real + absent)
    assert set(found) == set(real) and len(real) > 4000
