"""Load test: N concurrent sessions of the real app, each asking its own dev questions.

    .venv/bin/python scripts/loadtest.py [--sessions 20] [--questions 3] [--out eval/results]

Starts `streamlit run app.py` on 127.0.0.1 and a free port (headless, usage statistics off), then opens N
sessions over the app's own websocket (`/_stcore/stream`), speaking Streamlit's protobuf messages as the
browser does: a first run, then for each question a rerun carrying the chat input's value (and the
procedures the question is about, chosen in the sidebar select box), reading ForwardMsgs until the run
finishes. A question's time is from sending it to the end of the run that renders its answer. Questions
are distinct dev-split questions of eval/gold.jsonl, never test-split ones. One warm-up question (not
counted) loads the model first, as the first user of a fresh server would.

Writes load.json and load.md to --out: sessions, questions, p50/p95/max, errors, the server process
tree's peak RSS, the machine's cores. Loopback only; exits non-zero when any question failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from procqa.config import Settings  # noqa: E402
from procqa.eval.gold import GoldQuestion, load_gold  # noqa: E402

BOTH_LABEL = "Both, side by side"  # procqa/web/app.py: the choice's label for both documents


@dataclass
class Result:
    session: int
    question_id: str
    question: str
    seconds: float | None
    error: str | None
    outcome: str | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    cmd += [
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with open(log, "w") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(port: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on port {port} within {seconds}s")


class RssMonitor(threading.Thread):
    """Peak resident memory of a process and its children, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak = 0
        self.stopping = threading.Event()

    def sample(self) -> int:
        total = 0
        for p in [self.root, *self.root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):  # a child that has just exited
                total += p.memory_info().rss
        return total

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            try:
                self.peak = max(self.peak, self.sample())
            except psutil.Error:
                return


class Session:
    """One browser tab, as the app's server sees it: a websocket and Streamlit's messages."""

    def __init__(self, port: int, timeout: float) -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.timeout = timeout
        self.chat_id: str | None = None
        self.radio_id: str | None = None
        self.radio_options: list[str] = []

    async def __aenter__(self) -> Session:
        from websockets.asyncio.client import connect

        self.ws = await connect(self.url, max_size=None, open_timeout=self.timeout)
        await self.run({})  # the first run, as a browser's first load: finds the widgets' ids
        if self.chat_id is None:
            raise RuntimeError("the first run rendered no chat input")
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, widgets: dict[str, tuple[str, str]]) -> list:
        """Send a rerun with these widget values ({id: (field, value)}); return the run's new elements."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        for wid, (field, value) in widgets.items():
            ws = state.widget_states.widgets.add()
            ws.id = wid
            if field == "chat":
                ws.chat_input_value.data = value
            else:
                ws.string_value = value
        await self.ws.send(msg.SerializeToString())
        elements = []
        started = False
        async with asyncio.timeout(self.timeout):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await self.ws.recv())
                kind = fwd.WhichOneof("type")
                if kind == "new_session":
                    started = True
                elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                    el = fwd.delta.new_element
                    elements.append(el)
                    which = el.WhichOneof("type")
                    if which == "chat_input":
                        self.chat_id = el.chat_input.id
                    elif which in ("radio", "selectbox") and self.radio_id is None:
                        # The procedures choice (a select box since the accessibility work).
                        widget = getattr(el, which)
                        self.radio_id, self.radio_options = widget.id, list(widget.options)
                elif kind == "script_finished" and started:
                    status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                    if status == "FINISHED_EARLY_FOR_RERUN":
                        started = False  # a rerun the app asked for follows
                        continue
                    if status != "FINISHED_SUCCESSFULLY":
                        raise RuntimeError(f"run ended with {status}")
                    return elements

    async def ask(self, question: str, procedures: str) -> str:
        """Ask; returns "answered" or "declined", raises on an error or when nothing was rendered."""
        widgets = {self.chat_id: ("chat", question)}
        if self.radio_id is not None and procedures in self.radio_options:
            widgets[self.radio_id] = ("radio", procedures)
        elements = await self.run(widgets)
        problems = [el.exception.message for el in elements if el.WhichOneof("type") == "exception"]
        problems += [
            el.alert.body
            for el in elements
            if el.WhichOneof("type") == "alert" and el.alert.format == el.alert.ERROR
        ]
        if problems:
            raise RuntimeError("; ".join(problems)[:300])
        # The new turn is what the run renders after the chat input (earlier turns and notes come first).
        kinds = [el.WhichOneof("type") for el in elements]
        turn = elements[kinds.index("chat_input") + 1 :] if "chat_input" in kinds else []
        # An answer lists its sources; a declined question is a warning (with the nearest paragraphs).
        if any(el.WhichOneof("type") == "markdown" and el.markdown.body == "Sources" for el in turn):
            return "answered"
        if any(el.WhichOneof("type") == "alert" and el.alert.format == el.alert.WARNING for el in turn):
            return "declined"
        raise RuntimeError("the run rendered neither an answer nor a declined question")


async def drive(port: int, plan: list[list[GoldQuestion]], labels: dict, timeout: float) -> list[Result]:
    """Open every session (a first run each), then let all of them ask at once."""
    results: list[Result] = []
    opened = await asyncio.gather(
        *(Session(port, timeout).__aenter__() for _ in plan), return_exceptions=True
    )

    async def one(i: int, session: Session | BaseException, questions: list[GoldQuestion]) -> None:
        if isinstance(session, BaseException):  # every question of a session that never opened fails
            for q in questions:
                results.append(
                    Result(i, q.id, q.question, None, f"session: {type(session).__name__}: {session}")
                )
            return
        try:
            for q in questions:
                t0 = time.perf_counter()
                try:
                    outcome = await session.ask(q.question, labels.get(q.doc, BOTH_LABEL))
                    results.append(Result(i, q.id, q.question, time.perf_counter() - t0, None, outcome))
                except Exception as exc:
                    results.append(Result(i, q.id, q.question, None, f"{type(exc).__name__}: {exc}"))
        finally:
            await session.__aexit__()

    await asyncio.gather(*(one(i, s, qs) for i, (s, qs) in enumerate(zip(opened, plan, strict=True))))
    return results


def cpu_seconds(proc: psutil.Process) -> float:
    """User and system CPU time of a process and its children so far."""
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=3, help="questions per session, asked in turn")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results")
    parser.add_argument("--timeout", type=float, default=180, help="seconds for one question's run")
    args = parser.parse_args(argv)

    settings = Settings()
    dev = load_gold(settings.gold, "dev")  # never the test split
    need = args.sessions * args.questions + 1
    if len(dev) < need:
        parser.error(f"{need} distinct questions needed, the dev split has {len(dev)}")
    warmup, measured = dev[0], dev[1:need]
    plan = [measured[i * args.questions : (i + 1) * args.questions] for i in range(args.sessions)]

    from procqa.index import store

    labels = {d.doc_id: f"{d.label} ({d.edition})" for d in store.read_docs(settings)}
    load_before = os.getloadavg()[0]  # other work on the machine competes for the same cores
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="procqa-load-")) / "server.log"
    proc = start_server(port, log)
    try:
        wait_healthy(port, proc)
        t0 = time.perf_counter()

        async def warm() -> None:
            async with Session(port, args.timeout) as s:
                await s.ask(warmup.question, labels.get(warmup.doc, BOTH_LABEL))

        asyncio.run(warm())
        warm_seconds = time.perf_counter() - t0
        monitor = RssMonitor(proc.pid)
        idle_mb = monitor.sample() / 2**20
        monitor.start()
        server_cpu, client_cpu = cpu_seconds(monitor.root), time.process_time()
        t0 = time.perf_counter()
        results = asyncio.run(drive(port, plan, labels, args.timeout))
        wall = time.perf_counter() - t0
        server_cpu, client_cpu = cpu_seconds(monitor.root) - server_cpu, time.process_time() - client_cpu
        monitor.stopping.set()
        monitor.join()
        peak_mb = max(monitor.peak, monitor.sample()) / 2**20
    except BaseException:
        print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    times = [r.seconds for r in results if r.seconds is not None]
    errors = [r for r in results if r.error is not None]
    report = {
        "sessions": args.sessions,
        "questions_per_session": args.questions,
        "questions": len(results),
        "answered": len(times),
        "errors": len(errors),
        "declined": sum(r.outcome == "declined" for r in results),
        "p50_s": round(percentile(times, 50), 3) if times else None,
        "p95_s": round(percentile(times, 95), 3) if times else None,
        "max_s": round(max(times), 3) if times else None,
        "mean_s": round(sum(times) / len(times), 3) if times else None,
        "wall_s": round(wall, 1),
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_s_per_question": round(server_cpu / max(1, len(results)), 2),
        "client_cpu_s": round(client_cpu, 1),
        "warmup_s": round(warm_seconds, 1),
        "idle_rss_mb": round(idle_mb),
        "peak_rss_mb": round(peak_mb),
        "cores": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "machine": f"{platform.machine()}, {psutil.virtual_memory().total / 2**30:.0f} GiB",
        "client": "websocket (/_stcore/stream), Streamlit protobuf BackMsg/ForwardMsg",
        "split": "dev",
        "target": "p95 <= 2 s with 20 sessions on 2 cores, 0 errors",
        "results": [asdict(r) for r in results],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (args.out / "load.md").write_text(markdown(report, errors), "utf-8")
    print(
        f"{args.sessions} sessions x {args.questions} questions: p50 {report['p50_s']} s, "
        f"p95 {report['p95_s']} s, max {report['max_s']} s, {len(errors)} errors, "
        f"peak RSS {report['peak_rss_mb']} MB -> {args.out / 'load.md'}"
    )
    return 1 if errors else 0


def markdown(r: dict, errors: list[Result]) -> str:
    lines = [
        "# Load test",
        "",
        f"`.venv/bin/python scripts/loadtest.py --sessions {r['sessions']} --questions "
        f"{r['questions_per_session']}`: the real app (`streamlit run app.py`, 127.0.0.1) and "
        f"{r['sessions']} concurrent sessions over its websocket, each asking {r['questions_per_session']} "
        "distinct dev-split questions in turn (all sessions open before the first question goes out). "
        "A question's time runs from sending it to the end of the run that renders its answer. The "
        "load generator runs on the same machine as the server and shares its cores.",
        "",
        "| sessions | questions | p50 | p95 | max | errors | peak RSS | cores |",
        "|---|---|---|---|---|---|---|---|",
        f"| {r['sessions']} | {r['questions']} | {r['p50_s']} s | {r['p95_s']} s | {r['max_s']} s | "
        f"{r['errors']} | {r['peak_rss_mb']} MB | {r['cores']} |",
        "",
        f"Target: {r['target']}. Mean {r['mean_s']} s; all questions done in {r['wall_s']} s, in which "
        f"the server used {r['server_cpu_s']} s of CPU ({r['server_cpu_s_per_question']} s a question) "
        f"and this load generator {r['client_cpu_s']} s. The server "
        f"held {r['idle_rss_mb']} MB after a warm-up question ({r['warmup_s']} s, model load included, "
        f"not counted). Machine: {r['machine']}, {r['cores']} cores; 1-minute load average before the run "
        f"{r['load_average_before']} (other work on the machine shares the cores).",
        "",
    ]
    if errors:
        lines += (
            ["## Errors", ""] + [f"- session {e.session}, {e.question_id}: {e.error}" for e in errors] + [""]
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
