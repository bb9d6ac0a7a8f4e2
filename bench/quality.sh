#!/usr/bin/env bash
# Quality benchmark (not a timed test): precision, recall and F1 by category on
#   1. the CredData development split (EVAL_DIR/creddata-dev with its scorer
#      EVAL_DIR/creddata-score.py; EVAL_DIR is the second argument or $KEYHOLE_EVAL_DIR), and
#   2. the project's generated corpus (tests/precision, seed 7: the model is trained on
#      seeds 101 and 102, never on this one).
# Usage: bench/quality.sh [KEYHOLE_BINARY] [EVAL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release/keyhole}"
eval_dir="${2:-${KEYHOLE_EVAL_DIR:-}}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [ -n "$eval_dir" ] && [ -d "$eval_dir/creddata-dev" ]; then
  echo "== CredData development split (line level)"
  "$bin" scan "$eval_dir/creddata-dev/data" --format sarif -o "$tmp/cd.sarif" -q || true
  python3 "$eval_dir/creddata-score.py" "$eval_dir/creddata-dev" "$tmp/cd.sarif" --by-category
else
  echo "== CredData development split: no EVAL_DIR/creddata-dev (argument 2 or KEYHOLE_EVAL_DIR), skipped"
fi
echo "== generated corpus (seed 7)"
python3 tests/precision/gen_corpus.py --out "$tmp/corpus" --seed 7 >/dev/null
python3 tests/precision/score.py "$tmp/corpus" --keyhole "$bin"
