#!/usr/bin/env bash
# Floor on the CredData development split (../shared/eval beside the checkout): line-level
# F1 and precision must not fall below the figures the context model reached when it was
# committed (F1 0.836, P 0.958), less a small margin. Skipped (77) where the split is absent.
set -euo pipefail
bin="$1"; src="$2"
eval_dir="$src/../shared/eval"
[ -d "$eval_dir/creddata-dev" ] || { echo "no $eval_dir/creddata-dev: skipped"; exit 77; }
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
