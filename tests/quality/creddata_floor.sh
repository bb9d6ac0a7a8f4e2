#!/usr/bin/env bash
# Floor on the CredData development split ($KEYHOLE_EVAL_DIR/creddata-dev and its scorer
# $KEYHOLE_EVAL_DIR/creddata-score.py): line-level
# F1 and precision must not fall below the figures the context model reached when it was
# committed (F1 0.836, P 0.958), less a small margin. Skipped (77) where the split is absent.
set -euo pipefail
bin="$1"
eval_dir="${KEYHOLE_EVAL_DIR:-}"
[ -n "$eval_dir" ] && [ -d "$eval_dir/creddata-dev" ] || { echo "KEYHOLE_EVAL_DIR/creddata-dev not found: skipped"; exit 77; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$bin" scan "$eval_dir/creddata-dev/data" --format sarif -o "$tmp/cd.sarif" -q || true
python3 "$eval_dir/creddata-score.py" "$eval_dir/creddata-dev" "$tmp/cd.sarif" > "$tmp/score.json"
cat "$tmp/score.json"
python3 - "$tmp/score.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ok = s["f1"] >= 0.82 and s["precision"] >= 0.93
print("floor F1 >= 0.82, P >= 0.93:", "ok" if ok else "BELOW")
sys.exit(0 if ok else 1)
PY
