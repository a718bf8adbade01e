"""All configuration in one typed place. Environment variables override the defaults, nothing else does.

Every knob of ingest, retrieval, answering and abstention lives in `Settings`; the values marked "dev"
were chosen on the dev split of the gold set by `procqa eval --split dev --sweep` (a grid, never per
question), which writes the grid it searched to eval/results/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# In a source checkout the package sits beside pyproject.toml, corpus/ and eval/; installed from a
# wheel it sits in site-packages with the corpus inside it (package data) and no eval/ folder.
CHECKOUT = PACKAGE.parent if (PACKAGE.parent / "pyproject.toml").is_file() else None

# Offline by construction: no model hub, no telemetry. Set before any of those libraries is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def _default_data_dir() -> Path:
    if env := os.environ.get("PROCQA_DATA"):
        return Path(env)
    if CHECKOUT is not None:
        return CHECKOUT / "data"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "procqa"


def _default_manifest() -> Path:
    """PROCQA_CORPUS (a folder holding manifest.json, or the manifest itself), else the bundled corpus."""
    if env := os.environ.get("PROCQA_CORPUS"):
        path = Path(env)
        return path / "manifest.json" if path.is_dir() else path
    packaged = PACKAGE / "corpus" / "manifest.json"
    if packaged.is_file():
        return packaged
    return (CHECKOUT or PACKAGE.parent) / "corpus" / "manifest.json"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_float(name: str, default: float) -> float:
    try:
        return float(_env(name) or default)
    except ValueError:
        return default


def _default_eval_dir() -> Path:
    """Gold questions and reports: eval/ of the checkout, or ./eval where procqa is installed."""
    return CHECKOUT / "eval" if CHECKOUT is not None else Path.cwd() / "eval"


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    """Where things live and the knobs of ingest, retrieval and answering."""

    data_dir: Path = field(default_factory=_default_data_dir)
    manifest: Path = field(default_factory=_default_manifest)
    eval_dir: Path = field(default_factory=_default_eval_dir)

    # --- where the index lives ---
    # Empty: the embedded index in data_dir. "http://127.0.0.1:8000": a Chroma server (`chroma run`),
    # the single source of truth for every process that ingests or asks (see index/server.py).
    chroma_url: str = field(default_factory=lambda: os.environ.get("PROCQA_CHROMA_URL", ""))
    # A server beyond loopback receives every question and the procedures: only when asked for.
    chroma_allow_remote: bool = field(
        default_factory=lambda: os.environ.get("PROCQA_CHROMA_ALLOW_REMOTE", "") in ("1", "true", "yes")
    )
    # How often (seconds, at most) a running engine checks for a newer ingest before a question; the
    # check is one readlink (embedded) or one small request to the server.
    reload_check_seconds: float = field(default_factory=lambda: _env_float("PROCQA_RELOAD_SECONDS", 2.0))

    # --- ingest ---
    passage_words: int = 110  # MiniLM reads 256 word pieces; longer paragraphs are embedded in passages
    embed_batch: int = 32  # texts per forward pass of the embedding model
    embed_chunk: int = 256  # texts embedded between progress updates
    store_batch: int = 1000  # nodes per write to Chroma

    # --- retrieval ---
    candidates: int = 40  # candidates each retriever contributes to fusion
    top_k: int = 8  # paragraphs per document an answer is chosen from
    dense_oversample: int = 3  # passages fetched per wanted paragraph (a paragraph scores as its best)
    rrf_k: int = 20  # dev (fusion, used without a fitted ranker)
    bm25_weight: float = 0.3  # weight of the keyword ranking in fusion, dense is 1.0 (dev)

    pathway_pool: int = 15  # paragraphs taken as the pathway of a document that declares none
    # Threads torch uses to encode one question. One: a question is a few words, and with the default
    # (one per core) each encode spins every core, so concurrent sessions fight over them; on this
    # 2-core machine one thread cut the CPU per question from 0.19 s to 0.04 s. Ingest (a batch of
    # thousands of passages) uses one per core: ingest_threads 0.
    query_threads: int = 1
    ingest_threads: int = 0
    pathway_paragraphs: int = 2  # of those, how many an action answer quotes (dev)

    # --- answer selection ---
    answer_paragraphs: int = 4  # paragraphs an answer may draw its steps from
    max_steps: int = 10
    action_bonus: float = 0.08  # a unit with "must/refer/within..." when the question asks what to do
    fact_bonus: float = 0.05  # a unit stating a timescale or phone number
    keep_share_first: float = 0.3  # units scoring this share of the best unit are kept (top paragraph)
    keep_share_rest: float = 0.6  # ... and of the other paragraphs
    whole_first: int = 4  # a top paragraph of this many units or fewer is quoted whole
    whole_rest: int = 2
    max_list_items: int = 8  # bullets a lead-in line brings with it

    # --- abstention (dev) ---
    # With a fitted decision (procqa eval --split dev --fit-ranker writes it beside the ranker): decline
    # below `decline_below`, answer "tentatively" (the closest paragraphs, with a caution) below
    # `sure_above`. Both chosen on dev: at most `max_wrongly_declined` of answerable questions declined.
    max_wrongly_declined: float = 0.05
    decline_below: float = 0.574
    sure_above: float = 0.802
    # A "what do I do" question using the vocabulary's words for a situation is answered (tentatively,
    # with the general pathway) however weak the match: sending a worried person away is the worse error.
    never_decline_situations: bool = True
    # Without a fitted decision:
    min_similarity: float = 0.42  # decline below this cosine similarity of the best paragraph
    sure_similarity: float = 0.44  # between min and sure, also require the question's words ...
    min_coverage: float = 0.2  # ... to this idf-weighted share in what was found

    # --- input ---
    max_question_chars: int = 2000

    # --- optional local language model (off unless llm_url and llm_model are both set) ---
    # An OpenAI-compatible server (Ollama: http://127.0.0.1:11434/v1, llama.cpp: http://127.0.0.1:8080/v1).
    llm_url: str = field(default_factory=lambda: _env("PROCQA_LLM_URL"))
    llm_model: str = field(default_factory=lambda: _env("PROCQA_LLM_MODEL"))
    # Questions would leave this machine: refused unless this is set (PROCQA_LLM_ALLOW_REMOTE=1).
    llm_allow_remote: bool = field(default_factory=lambda: _env("PROCQA_LLM_ALLOW_REMOTE") == "1")
    llm_timeout_s: float = field(default_factory=lambda: _env_float("PROCQA_LLM_TIMEOUT", 60.0))
    llm_connect_timeout_s: float = 3.0  # a server that is not there is known at once
    llm_max_tokens: int = field(default_factory=lambda: int(_env_float("PROCQA_LLM_MAX_TOKENS", 400)))
    # Each cited paragraph is shown to the model up to this many words (the check reads all of it).
    llm_paragraph_words: int = field(default_factory=lambda: int(_env_float("PROCQA_LLM_WORDS", 160)))
    # A generated sentence is kept when its content words and phrases are this well supported by a
    # paragraph it cites (fitted on the dev part of eval/llm_check.jsonl; see eval/results/llm_check.md).
    llm_support: float = 0.56
    # ... or, for a paraphrase in words of its own, at least this support and this cosine (the bundled
    # embedding model) with a sentence of a cited paragraph (fitted with llm_support).
    llm_support_floor: float = 0.4
    llm_meaning: float = 0.8
    llm_min_kept: int = 2  # fewer kept sentences in a document's part: the quoted answer instead
    # The server takes a llama.cpp grammar (llama.cpp's server, llama-cpp-python's; PROCQA_LLM_GRAMMAR=1):
    # the reply is then constrained to lines that each end in the number of a paragraph shown, so a
    # model that forgets "[n]" still cites. Off by default: other servers may reject the field.
    llm_grammar: bool = field(default_factory=lambda: _env("PROCQA_LLM_GRAMMAR") == "1")

    # --- coverage report ---
    staff_questions: int = 200  # distinct staff questions (most recent) the report asks again and lists

    @property
    def index_link(self) -> Path:
        """The live index is whatever this symlink points at; ingest swaps it only when complete."""
        return self.data_dir / "index"

    @property
    def gold(self) -> Path:
        return self.eval_dir / "gold.jsonl"

    @property
    def results(self) -> Path:
        return self.eval_dir / "results"
