#!/usr/bin/env bash
# Set up (scripts/setup.sh), then run the service on its embedded defaults:
# SQLite and blobs under ./var, a local Redis started when none answers, one worker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/vanthu serve "$@"
