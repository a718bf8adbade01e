"""How procqa's cost grows with the corpus: ingest time, index size, memory and query latency at 1, 10
and 40 documents' worth of paragraphs, for the embedded index and a Chroma server.

    .venv/bin/python eval/bench_scale.py                    # sizes 1,10,40, both modes
    .venv/bin/python eval/bench_scale.py --sizes 1,10 --modes embedded --questions 20

The documents are the bundled two, re-issued under new ids (SET, AWCPP, SET, ...) with small textual
changes per copy (place names and a few words), so no two copies are byte duplicates and every copy's
paragraphs are new to the index. Sizes grow in one index: each ingest adds the new copies, so its time
is that of the new paragraphs (and of rewriting the rest). Every measurement runs in a process of its
own (ingest: `procqa ingest`; serving: this script's `serve` step), so memory is that process's peak.
Questions are dev-split gold questions (never test). Results: eval/results/scale.{json,md,png}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results"
BUNDLED = ROOT / "corpus"
# Small changes per copy: the places and a few everyday words, chosen by the copy's number.
PLACES = ("Southend", "Essex", "Thurrock", "Wales", "Welsh")
SWAPS = (("must", "should"), ("child", "young person"), ("staff", "practitioners"), ("worried", "concerned"))


def make_corpus(folder: Path, n: int) -> Path:
    """A manifest of n documents: copy i is SET (even i) or AWCPP (odd i) under id `copy-i`."""
    folder.mkdir(parents=True, exist_ok=True)
    bundled = json.loads((BUNDLED / "manifest.json").read_text(encoding="utf-8"))["documents"]
    entries = []
    for i in range(n):
        base = bundled[i % 2]
        source = BUNDLED / base["file"]
        target = folder / f"copy-{i:02d}{source.suffix}"
        if not target.exists():
            text = source.read_text(encoding="utf-8")
            if i >= 2:  # the first two are the bundled documents as they are
                for place in PLACES:
                    text = text.replace(place, f"{place} Area {i}")
                for bit, (old, new) in enumerate(SWAPS):
                    if (i >> bit) & 1:
                        text = re.sub(rf"\b{old}\b", new, text)
            target.write_text(text, encoding="utf-8")
        entries.append(
            {
                **base,
                "doc_id": f"copy-{i:02d}",
                "label": f"C{i:02d}",
                "file": target.name,
                "pathway": base["pathway"],
            }
        )
    manifest = folder / f"manifest-{n}.json"
    manifest.write_text(json.dumps({"documents": entries}, indent=1), encoding="utf-8")
    return manifest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak resident MB and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err[-3000:]}")
    peak = _peak_rss_mb(err)
    return seconds, peak, out


def _peak_rss_mb(stderr: str) -> int:
    found = re.findall(r"PEAK_RSS_MB=(\d+)", stderr)
    return int(found[-1]) if found else 0


def folder_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return round(total / 2**20, 1)


def serve(args: argparse.Namespace) -> None:
    """One serving process: open, warm, then ask each question with one document and with several."""
    import resource

    import psutil

    from procqa.config import Settings
    from procqa.engine import open_engine
    from procqa.eval.gold import load_gold

    start = time.perf_counter()
    engine = open_engine(Settings(), warm=True)
    ready = time.perf_counter() - start
    docs = list(engine.docs)
    # Two sets of questions: a question asked again reuses its cached vector, which would flatter the
    # second measurement.
    dev = [q.question for q in load_gold(Settings().gold, "dev")]
    sets = {"one": dev[: args.questions], "several": dev[args.questions : 2 * args.questions]}
    several = docs[: args.several]
    out: dict[str, object] = {
        "ready_s": round(ready, 2),
        "docs": len(docs),
        "paragraphs": len(engine.index.paragraphs),
    }
    for label, chosen in (("one", docs[:1]), ("several", several)):
        times = []
        for q in sets[label]:
            t = time.perf_counter()
            engine.ask(q, chosen)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        out[f"{label}_p50_ms"] = round(statistics.median(times), 1)
        out[f"{label}_p95_ms"] = round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1)
    out["several_docs"] = len(several)
    out["rss_mb"] = round(psutil.Process().memory_info().rss / 2**20)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out))


class ChromaServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        chroma = Path(sys.executable).parent / "chroma"
        self.log = open(folder.parent / "chroma.log", "w")  # noqa: SIM115  (open for the server's life)
        self.proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2).close()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("chroma run did not start")

    def rss_mb(self) -> int:
        import psutil

        return round(sum(p.memory_info().rss for p in [psutil.Process(self.proc.pid)]) / 2**20)

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def bench(args: argparse.Namespace) -> None:
    work = Path(args.work)
    if work.exists() and not args.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    results = json.loads(Path(args.json).read_text()) if args.resume and Path(args.json).exists() else []
    done = {(r["mode"], r["documents"]) for r in results}
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.borrow and not any(r.get("passages_per_s") for r in results):
        _, _, out = run_measured([sys.executable, str(Path(__file__).resolve()), "rate"], dict(os.environ))
        results.append({"mode": "embedder", "documents": 0, **json.loads(out.strip().splitlines()[-1])})
        print(results[-1], flush=True)
    server = ChromaServer(work / "chroma") if "server" in args.modes else None
    try:
        for n in sizes:
            manifest = make_corpus(work / "corpus", n)
            for mode in args.modes.split(","):
                if (mode, n) in done:
                    continue
                # One data folder for both modes: a server ingest reuses the vectors the embedded one made.
                data = work / "data"
                env = {
                    **os.environ,
                    "PROCQA_CORPUS": str(manifest),
                    "PROCQA_DATA": str(data),
                    "PROCQA_CHROMA_URL": server.url if mode == "server" else "",
                    "PROCQA_BENCH_PEAK": "1",
                }
                step = [sys.executable, str(Path(__file__).resolve()), "ingest-step"]
                seconds, peak, out = run_measured(step + (["--borrow"] if args.borrow else []), env)
                stats = json.loads(out.strip().splitlines()[-1])
                _, serve_peak, served = run_measured(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "serve",
                        "--questions",
                        str(args.questions),
                    ],
                    env,
                )
                row = {
                    "mode": mode,
                    "documents": n,
                    "paragraphs": stats["paragraphs"],
                    "passages": stats["passages"],
                    "embedded": stats["embedded"],
                    "borrowed": stats.get("borrowed", 0),
                    "ingest_s": round(seconds, 1),
                    "ingest_inside_s": stats["seconds"],
                    "ingest_peak_rss_mb": peak,
                    "index_mb": folder_mb(
                        (data / "index").resolve() if mode == "embedded" else work / "chroma"
                    ),
                    **json.loads(served.strip().splitlines()[-1]),
                }
                if server is not None and mode == "server":
                    row["server_rss_mb"] = server.rss_mb()
                results.append(row)
                print(json.dumps(row), flush=True)
                Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
                write_report(results, Path(args.md), Path(args.png))
    finally:
        if server is not None:
            server.stop()


def ingest_step(args: argparse.Namespace) -> None:
    """`procqa ingest` of the manifest in PROCQA_CORPUS, reporting what it did as JSON.

    With --borrow, a copy's passages take the vectors of the same passage of the bundled document it
    was made from (same structure, a few words changed) instead of being embedded: the serving figures
    (latency, memory, size) at 10 and 40 documents then cost minutes, not hours, on a busy machine;
    ingest time is measured where passages are really embedded and projected from passages/s beyond."""
    import resource

    from procqa.config import Settings
    from procqa.engine import ingest

    settings = Settings()
    if args.borrow:
        _borrow_vectors(settings)
    stats = ingest(settings, progress=lambda m: print(m, file=sys.stderr, flush=True))
    out = {k: getattr(stats, k) for k in ("paragraphs", "embedded", "reused")}
    out.update(passages=_count_passages(settings), seconds=round(stats.seconds, 1), borrowed=BORROWED[0])
    print(json.dumps(out))
    print(f"PEAK_RSS_MB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}", file=sys.stderr)


BORROWED = [0]


def _borrow_vectors(settings) -> None:
    """Make the index's reuse of unchanged vectors also hand each copy's passage the vector of the same
    passage (same paragraph position, same passage number) of the bundled document it was made from, as
    the index in PROCQA_BENCH_BORROW (default: the checkout's data/) holds it."""
    from dataclasses import replace

    from procqa.index import store
    from procqa.index.passages import passages
    from procqa.ingest.load import parse_document
    from procqa.ingest.manifest import load_manifest

    bundled = [parse_document(d) for d in load_manifest(BUNDLED / "manifest.json")]
    source: dict[str, str] = {}  # a copy's passage id -> the bundled document's passage id
    for i, doc in enumerate(load_manifest(settings.manifest)):
        for p, q in zip(parse_document(doc), bundled[i % 2], strict=False):
            words = settings.passage_words
            for n in range(min(len(passages(p, words)), len(passages(q, words)))):
                source[f"{p.pid}:{n}"] = f"{q.pid}:{n}"
    real = store.reusable_embeddings
    lender = replace(
        settings, data_dir=Path(os.environ.get("PROCQA_BENCH_BORROW", ROOT / "data")), chroma_url=""
    )

    def reusable(s, ids):
        found = real(s, ids)
        wanted = {i: source[i] for i in ids if i not in found and i in source}
        if wanted:
            originals = real(lender, sorted(set(wanted.values())))
            for i, o in wanted.items():
                if o in originals:
                    found[i] = originals[o]
                    BORROWED[0] += 1
        return found

    store.reusable_embeddings = reusable


def embed_rate(_: argparse.Namespace) -> None:
    """Passages per second of the real embedder on 512 of the bundled corpus's passages."""
    from procqa.config import Settings
    from procqa.engine import parse_corpus
    from procqa.index.embedder import embed, use_threads
    from procqa.index.passages import passages

    use_threads(0)
    texts = [t for _, ps in parse_corpus(Settings()).values() for p in ps for t in passages(p, 110)][::8][
        :512
    ]
    embed(texts[:32])
    start = time.perf_counter()
    embed(texts)
    print(json.dumps({"passages_per_s": round(len(texts) / (time.perf_counter() - start), 1)}))


def _count_passages(settings) -> int:
    from procqa.engine import open_engine

    return int(open_engine(settings).index.collection.count())


def write_report(results: list[dict], md: Path, png: Path) -> None:
    rates = [r["passages_per_s"] for r in results if r["mode"] == "embedder"]
    results = [r for r in results if r["mode"] != "embedder"]
    cols = [
        ("mode", "mode"),
        ("documents", "documents"),
        ("paragraphs", "paragraphs"),
        ("passages", "passages"),
        ("embedded", "new paragraphs embedded"),
        ("ingest_s", "ingest s"),
        ("index_mb", "index MB"),
        ("ingest_peak_rss_mb", "ingest peak MB"),
        ("ready_s", "start to warm s"),
        ("peak_rss_mb", "serving peak MB"),
        ("server_rss_mb", "chroma server MB"),
        ("one_p50_ms", "p50 ms, 1 doc"),
        ("one_p95_ms", "p95 ms, 1 doc"),
        ("several_p50_ms", "p50 ms, several"),
        ("several_p95_ms", "p95 ms, several"),
        ("several_docs", "several ="),
    ]
    lines = ["| " + " | ".join(h for _, h in cols) + " |", "|" + "---|" * len(cols)]
    for r in sorted(results, key=lambda r: (r["mode"], r["documents"])):
        lines.append("| " + " | ".join(str(r.get(k, "–")) for k, _ in cols) + " |")
    md.write_text(
        "# Scale benchmark\n\n`eval/bench_scale.py` on this 2-core machine (shared with other work).\n\n"
        + "\n".join(lines)
        + "\n"
        + (f"\nThe embedder, measured in the same run: {rates[0]} passages/s.\n" if rates else ""),
        encoding="utf-8",
    )
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for mode in sorted({r["mode"] for r in results}):
        rows = sorted((r for r in results if r["mode"] == mode), key=lambda r: r["documents"])
        x = [r["passages"] for r in rows]
        axes[0].plot(x, [r["several_p95_ms"] for r in rows], "o-", label=f"{mode}, several docs")
        axes[0].plot(x, [r["one_p95_ms"] for r in rows], "s--", label=f"{mode}, one doc")
        axes[1].plot(x, [r["peak_rss_mb"] for r in rows], "o-", label=mode)
        axes[2].plot(x, [r["ingest_s"] for r in rows], "o-", label=f"{mode} (all)")
    axes[0].axhline(300, color="grey", lw=0.8, ls=":")
    axes[1].axhline(2560, color="grey", lw=0.8, ls=":")
    axes[0].set(title="query p95 (ms)", xlabel="passages in the index")
    axes[1].set(title="serving peak memory (MB)", xlabel="passages in the index")
    axes[2].set(title="ingest step (s)", xlabel="passages in the index")
    for ax in axes:
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="step")
    run = sub.add_parser("run")
    run.add_argument("--sizes", default="1,10,40")
    run.add_argument("--modes", default="embedded,server")
    run.add_argument("--questions", type=int, default=20)
    run.add_argument("--borrow", action="store_true", help="copies borrow the bundled index's vectors")
    run.add_argument("--work", default="/tmp/procqa-scale")
    run.add_argument("--keep", action="store_true", help="keep the work folder (resume a run)")
    run.add_argument("--resume", action="store_true", help="skip sizes already in the JSON")
    run.add_argument("--json", default=str(RESULTS / "scale.json"))
    run.add_argument("--md", default=str(RESULTS / "scale.md"))
    run.add_argument("--png", default=str(RESULTS / "scale.png"))
    s = sub.add_parser("serve")
    s.add_argument("--questions", type=int, default=20)
    s.add_argument("--several", type=int, default=5)
    step = sub.add_parser("ingest-step")
    step.add_argument("--borrow", action="store_true")
    sub.add_parser("report")
    sub.add_parser("rate")
    args = parser.parse_args(sys.argv[1:] or ["run"])
    if args.step == "serve":
        serve(args)
    elif args.step == "rate":
        embed_rate(args)
    elif args.step == "ingest-step":
        ingest_step(args)
    elif args.step == "report":
        results = json.loads((RESULTS / "scale.json").read_text())
        write_report(results, RESULTS / "scale.md", RESULTS / "scale.png")
    else:
        bench(args)


if __name__ == "__main__":
    main()
