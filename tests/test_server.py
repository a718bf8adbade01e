"""procqa on a real Chroma server (`chroma run` on a free loopback port, in a temporary folder): ingest,
two asking processes at once, a re-ingest while they answer, and the errors a user can meet. No mocks.

A small corpus (one policy of a few paragraphs) keeps embedding out of the test's time; what is tested
is the server path: the pointer switch, the reuse of vectors, readers deriving their keyword index from
the server and noticing a newer build.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from test_browser import _stop_group, beyond_loopback

from procqa.config import Settings
from procqa.engine import IndexMissing, ingest, open_engine

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PROCQA = [sys.executable, "-m", "procqa.cli"]

POLICY = """1. Reporting concerns

1.1 Who to tell

1.1.1 Any member of staff who is worried about a pupil must tell the designated safeguarding lead the same \
day and write down what they saw and heard, using the child's own words.

1.1.2 If the designated safeguarding lead cannot be reached, staff must ring the children's social care \
front door directly and must not wait until the next day to do it.

1.2 Online safety

1.2.1 Staff who see a pupil sharing indecent images must not view, copy or forward the images and must \
report it to the designated safeguarding lead at once.

1.2.2 The school's filtering system blocks harmful websites and the IT lead checks its logs every week.
"""
CHANGED = ("must ring the children's social care", "must ring the {} children's social care")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma() -> str:
    found = Path(sys.executable).parent / "chroma"
    return str(found) if found.exists() else shutil.which("chroma") or "chroma"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`chroma run` on a free loopback port, under strace when it is installed (Chroma's own telemetry
    must stay off: nothing beyond loopback)."""
    folder = tmp_path_factory.mktemp("chroma")
    port = _free_port()
    trace = folder / "connect.strace"
    strace = (
        ["strace", "-f", "-qq", "-e", "trace=connect,sendto", "-o", str(trace)]
        if shutil.which("strace")
        else []
    )
    cmd = [_chroma(), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)]
    with open(folder / "server.log", "w") as log:
        proc = subprocess.Popen(strace + cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start: {(folder / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
    yield url, trace if strace else None
    _stop_group(proc)


@pytest.fixture(scope="module")
def policy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("policy-corpus")
    (folder / "policy.md").write_text(POLICY, encoding="utf-8")
    entry = {
        "doc_id": "riverside",
        "title": "Riverside School safeguarding policy",
        "label": "RSP",
        "edition": "2026",
        "jurisdiction": "England",
        "file": "policy.md",
        "note": "",
    }
    (folder / "manifest.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
    return folder


def _settings(server, corpus: Path, data: Path) -> Settings:
    return Settings(data_dir=data, manifest=corpus / "manifest.json", chroma_url=server[0])


def _rewrite(corpus: Path, word: str) -> None:
    old, new = CHANGED
    (corpus / "policy.md").write_text(POLICY.replace(old, new.format(word)), encoding="utf-8")


def _collections(url: str) -> list[str]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    port = int(url.rsplit(":", 1)[1])
    api = chromadb.HttpClient(
        host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    return sorted(c if isinstance(c, str) else c.name for c in api.list_collections())


def test_ingest_into_the_server_reuses_unchanged_paragraphs_and_switches_whole(server, policy, tmp_path):
    settings = _settings(server, policy, tmp_path / "ingester")
    first = ingest(settings, progress=lambda m: None)
    assert first.paragraphs == first.embedded == 4

    same = ingest(settings, progress=lambda m: None)  # sources unchanged: nothing is parsed or written
    assert (same.embedded, same.reused, same.path) == (0, 4, first.path)

    forced = ingest(settings, progress=lambda m: None, force=True)
    assert (forced.embedded, forced.reused) == (0, 4) and forced.path != first.path

    _rewrite(policy, "local")
    changed = ingest(settings, progress=lambda m: None)
    assert (changed.embedded, changed.reused) == (1, 3)
    # The live build and the one before it stay (a reader may be mid-question on it); older ones go.
    builds = [n for n in _collections(server[0]) if n.startswith("procqa-v-")]
    assert builds == sorted([forced.path.name, changed.path.name])

    # A reader on another machine (its own, empty data folder) derives the keyword index from the server.
    reader = open_engine(_settings(server, policy, tmp_path / "reader"))
    assert reader.path.name == changed.path.name
    answer = reader.ask("who do staff ring if the designated safeguarding lead cannot be reached?")
    assert "local children's social care" in answer.to_json()["citations"][0]["text"]
    assert [p.ref for p in reader.paragraphs("riverside")] == ["1.1.1", "1.1.2", "1.2.1", "1.2.2"]


class Reader:
    """`procqa ask --json -` in a process of its own, with its own data folder, asked line by line."""

    def __init__(self, server, corpus: Path, data: Path):
        env = {
            **os.environ,
            "PROCQA_CHROMA_URL": server[0],
            "PROCQA_CORPUS": str(corpus),
            "PROCQA_DATA": str(data),
            "PROCQA_RELOAD_SECONDS": "0",
        }
        self.proc = subprocess.Popen(
            [*PROCQA, "ask", "--json", "-"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def ask(self, question: str) -> dict:
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the reader stopped: {self.proc.stderr.read()[-3000:]}"
        return json.loads(line)

    def close(self) -> str:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        return self.proc.stderr.read()


def _top_text(reply: dict) -> str:
    assert "error" not in reply, reply
    return reply["citations"][0]["text"]


def test_two_readers_keep_answering_through_a_reingest_and_see_the_new_build(server, policy, tmp_path):
    settings = _settings(server, policy, tmp_path / "ingester")
    _rewrite(policy, "borough")
    ingest(settings, progress=lambda m: None)
    question = "who do staff ring if the designated safeguarding lead cannot be reached?"
    readers = [Reader(server, policy, tmp_path / f"reader-{i}") for i in range(2)]
    try:
        # Both start (model, keyword index from the server) and answer at the same time.
        replies: dict[int, dict] = {}
        threads = [
            threading.Thread(target=lambda i=i: replies.__setitem__(i, readers[i].ask(question)))
            for i in (0, 1)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=240)
        assert all("borough children's social care" in _top_text(replies[i]) for i in (0, 1))

        # Re-ingest while both keep asking: every question is answered, from the old build or the new.
        during: list[dict] = []
        stop = threading.Event()

        def keep_asking(reader: Reader) -> None:
            while not stop.is_set():
                during.append(reader.ask(question))

        askers = [threading.Thread(target=keep_asking, args=(r,)) for r in readers]
        for t in askers:
            t.start()
        _rewrite(policy, "county")
        stats = ingest(settings, progress=lambda m: None)
        assert stats.embedded == 1
        time.sleep(1.0)
        stop.set()
        for t in askers:
            t.join(timeout=240)
        assert during and all("social care" in _top_text(r) for r in during)

        # Without a restart, each reader now answers from the new build.
        for reader in readers:
            assert "county children's social care" in _top_text(reader.ask(question))
    finally:
        errors = [r.close() for r in readers]
    assert not any("Traceback" in e for e in errors), errors


def test_the_server_made_no_connection_beyond_loopback(server):
    if server[1] is None:
        pytest.skip("strace is not installed")
    assert beyond_loopback(server[1]) == []


def test_a_closed_port_is_one_clear_line(tmp_path):
    env = {
        **os.environ,
        "PROCQA_CHROMA_URL": f"http://127.0.0.1:{_free_port()}",
        "PROCQA_DATA": str(tmp_path),
    }
    for args in (["ask", "what must I do?"], ["ingest"]):
        done = subprocess.run(
            [*PROCQA, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 2, done.stderr
        assert "cannot reach the Chroma server at http://127.0.0.1:" in done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_server_beyond_loopback_is_refused_unless_allowed(tmp_path):
    settings = Settings(data_dir=tmp_path, chroma_url="http://192.0.2.7:8000")
    with pytest.raises(IndexMissing, match="not a loopback address"):
        open_engine(settings)
    from procqa.index.server import parse_url  # the rule itself, without contacting anything

    allowed = Settings(data_dir=tmp_path, chroma_url="http://192.0.2.7:8000", chroma_allow_remote=True)
    assert str(parse_url(allowed)) == "http://192.0.2.7:8000"
    assert str(parse_url(Settings(chroma_url="localhost:9000"))) == "http://127.0.0.1:9000"
