#!/usr/bin/env bash
# Install what the local-model tests need (requirements-llm.lock) into .venv. Safe to run again: it
# installs only when the lock changed. Not part of scripts/start.sh: procqa runs without it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
stamp=.venv/.procqa-llm-installed
want="$(sha1sum requirements-llm.lock | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "procqa: installing the local-model test server (llama-cpp-python builds from source once, ~5 min)" >&2
  .venv/bin/python -m pip install --quiet -r requirements-llm.lock
  echo "$want" > "$stamp"
fi
