#!/usr/bin/env bash
# Build everything and run the test suite (real corpus, real model, real Chroma).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The local-model tests run a real llama.cpp server with a small model (requirements-llm.lock).
bash scripts/setup-llm.sh
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
.venv/bin/ruff check .
# Layer contracts (pyproject.toml [tool.importlinter]): front ends > engine > stages > records.
.venv/bin/lint-imports --no-cache
# The browser test drives Debian's headless Chromium; install it (and its driver) if missing.
bash scripts/install-browser.sh
exec .venv/bin/python -m pytest "$@"
