#!/usr/bin/env bash
# Build everything and start procqa on the bundled corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
if [ ! -e data/index/meta.json ]; then
  .venv/bin/procqa ingest
fi
if [ -f app.py ]; then
  exec .venv/bin/streamlit run app.py "$@"
fi
exec .venv/bin/procqa ask "A child has told me they are being hurt at home. What must I do now?"
