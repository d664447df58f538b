#!/usr/bin/env bash
# Set up (scripts/setup.sh), then run vanthu on its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
for f in samples/*.docx samples/*.pdf samples/*.png samples/*.txt; do
  [ -e "$f" ] || continue
  echo "=== vanthu read $f"
  .venv/bin/vanthu read "$f"
done
