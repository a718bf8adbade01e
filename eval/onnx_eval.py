"""Is an ONNX export of the bundled MiniLM (fp32, or int8-quantised) worth shipping? Passages/s against
torch, and how far its vectors stray from torch's; with --eval, the test-split report of procqa with
that embedder (a fresh index built with it, questions encoded with it).

    PYTHONPATH=/tmp/onnx-extra .venv/bin/python eval/onnx_eval.py --passages 1024 [--eval int8]

The export is made locally from the bundled weights (torch.onnx, no download); it and the int8
quantisation need the `onnx` package, which procqa does not ship (see README, Scale). Runtime is
onnxruntime, which is installed. Mean pooling and normalisation as sentence-transformers does them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

import procqa.config  # noqa: F401  (offline environment first)

WORK = Path(os.environ.get("PROCQA_ONNX_DIR", "/tmp/procqa-onnx"))


def export(model, folder: Path) -> tuple[Path, Path]:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    fp32, int8 = folder / "minilm.onnx", folder / "minilm-int8.onnx"
    if not fp32.exists():
        bert = model[0].auto_model.eval()

        class Encoder(torch.nn.Module):  # keyword arguments: BertModel.forward's positions moved in v5
            def __init__(self):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask, token_type_ids):
                out = self.bert(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                )
                return out.last_hidden_state

        enc = model.tokenizer(["a", "a child is in danger"], padding=True, return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        torch.onnx.export(
            Encoder(),
            tuple(enc[n] for n in names),
            str(fp32),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    if not int8.exists():
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return fp32, int8


class OnnxEmbedder:
    def __init__(self, path: Path, tokenizer, max_length: int, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        out = []
        for i in range(0, len(texts), batch_size):
            enc = self.tokenizer(
                texts[i : i + batch_size],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="np",
            )
            feeds = {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")}
            hidden = self.session.run(None, feeds)[0]
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            out.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        return np.concatenate(out).tolist()


def corpus_passages(n: int) -> list[str]:
    from procqa.config import Settings
    from procqa.engine import parse_corpus
    from procqa.index.passages import passages

    texts = [t for _, paras in parse_corpus(Settings()).values() for p in paras for t in passages(p, 110)]
    step = max(1, len(texts) // n)
    return texts[::step][:n]


def rate(fn, texts: list[str]) -> float:
    fn(texts[:64])  # warm
    start = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=1024)
    parser.add_argument(
        "--eval", choices=["fp32", "int8"], help="also build an index with it and report test"
    )
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "onnx.json"))
    args = parser.parse_args()

    from procqa.index import embedder

    embedder.use_threads(0)
    model = embedder.load_model()
    fp32, int8 = export(model, WORK)
    texts = corpus_passages(args.passages)
    threads = os.cpu_count() or 1
    variants = {
        "torch": embedder.embed,
        "onnx-fp32": OnnxEmbedder(fp32, model.tokenizer, model.max_seq_length, threads),
        "onnx-int8": OnnxEmbedder(int8, model.tokenizer, model.max_seq_length, threads),
    }
    reference = np.asarray(embedder.embed(texts))
    report: dict[str, dict] = {}
    for name, fn in variants.items():
        vectors = np.asarray(fn(texts))
        cos = (vectors * reference).sum(1)
        report[name] = {
            "passages_per_s": round(rate(fn, texts), 1),
            "cosine_to_torch_min": round(float(cos.min()), 5),
            "cosine_to_torch_mean": round(float(cos.mean()), 5),
            "file_mb": round((fp32 if name == "onnx-fp32" else int8).stat().st_size / 2**20, 1)
            if name != "torch"
            else None,
        }
        print(name, report[name], flush=True)

    if args.eval:
        report["eval"] = evaluate(variants[f"onnx-{args.eval}"], args.eval)
    out = Path(args.out)
    old = json.loads(out.read_text()) if out.exists() else {}
    out.write_text(json.dumps({**old, **report}, indent=1), encoding="utf-8")


def evaluate(fn, name: str) -> dict:
    """A fresh index embedded by `fn`, the test split asked with questions embedded by `fn`."""
    import tempfile

    from procqa.config import Settings
    from procqa.engine import ingest, open_engine
    from procqa.eval.gold import load_gold
    from procqa.eval.harness import aggregate, run_system
    from procqa.index import embedder
    from procqa.retrieval import hybrid

    # This script's whole point: the same procqa with another encoder, for ingest and for questions.
    embedder.embed = fn
    hybrid.embed = fn
    data = Path(tempfile.mkdtemp(prefix=f"procqa-onnx-{name}-"))
    settings = Settings(data_dir=data)
    ingest(settings, progress=lambda m: print(m, file=sys.stderr))
    engine = open_engine(settings, warm=True)
    questions = load_gold(settings.gold, "test")
    return aggregate(run_system("hybrid", engine, questions))


if __name__ == "__main__":
    main()
