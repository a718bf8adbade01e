#!/usr/bin/env bash
# Build everything and start procqa on the bundled corpus.
#
#   bash scripts/start.sh                 the app on http://127.0.0.1:8501, this machine only
#   bash scripts/start.sh --team [PORT]   the app on every network interface (default port 8501);
#                                         read "Privacy, and sharing with a team" in README.md first
#
# Other arguments go to `streamlit run`. PROCQA_HOST names this machine as colleagues reach it (default:
# `hostname`); PROCQA_SKIP_SETUP=1 skips scripts/setup.sh (for an installed checkout, and the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
team=()
if [ "${1:-}" = "--team" ]; then
  shift
  port=8501
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    port=$1
    shift
  fi
  host="${PROCQA_HOST:-$(hostname)}"
  # browser.serverAddress given, Streamlit does not look up this machine's internal or external address
  # at start; usage statistics stay off (.streamlit/config.toml).
  team=(--server.address 0.0.0.0 --server.port "$port" --browser.serverAddress "$host")
  echo "procqa: WARNING: --team listens on 0.0.0.0:$port with no sign-in and no TLS: anyone who can reach this machine can ask questions, read the answers, write to the feedback store (which keeps question text), and see questions in transit; put it behind the organisation's sign-in (README: Privacy, and sharing with a team)." >&2
fi
if [ "${PROCQA_SKIP_SETUP:-}" != 1 ]; then
  bash scripts/setup.sh
fi
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
# With a Chroma server (PROCQA_CHROMA_URL) the server holds the index and ingest is its keeper's job: an
# ingest of the bundled corpus here would replace documents others added.
if [ -z "${PROCQA_CHROMA_URL:-}" ] && [ ! -e "${PROCQA_DATA:-data}/index/meta.json" ]; then
  .venv/bin/procqa ingest
fi
if [ -f app.py ]; then
  exec .venv/bin/streamlit run app.py ${team[@]+"${team[@]}"} "$@"
fi
exec .venv/bin/procqa ask "A child has told me they are being hurt at home. What must I do now?"
