#!/usr/bin/env bash
# Whole-run benchmarks (docs/ARCHITECTURE.md, "Benchmarks"; issue 6), in one invocation:
# `scripts/dev.sh bench`.
# Generates its own corpora and prints
#   working tree  MB/s per core (--threads 1) and in total (default threads), peak RSS, and
#                 the ratio to ripgrep looking for the rules' keywords on the same tree;
#   history       seconds, blobs/s, ratio to `git cat-file --batch-all-objects --batch`;
#   pre-commit    wall time of `keyhole scan --staged` on a one-file change (median);
#   start-up      `keyhole scan` of an empty directory, cold (empty cache) and warm.
# "Per core" figures divide by CPU time (user+sys), so they hold on a shared machine;
# "total" figures divide by wall time. Ratios compare runs made in the same invocation.
#
# Usage: bench/run.sh [--size MB] [--commits N] [--dir DIR]
#   --size MB     working-tree corpus size (default 400)
#   --commits N   commits in the history corpus (default 5000)
#   --dir DIR     keep corpora in DIR and reuse them next time (default: a temp dir under
#                 /tmp, removed at exit). Corpora must not sit in a git work tree: keyhole
#                 and rg honour .gitignore.
#   KEYHOLE       the binary (default build/release/keyhole)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=400
COMMITS=5000
DIR=
while (($#)); do
  case "$1" in
    --size) SIZE=$2; shift 2 ;;
    --commits) COMMITS=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    *) echo "usage: bench/run.sh [--size MB] [--commits N] [--dir DIR]" >&2; exit 2 ;;
  esac
done
KEYHOLE=$(realpath "${KEYHOLE:-build/release/keyhole}")
TIME=/usr/bin/time
for tool in "$TIME" "$KEYHOLE"; do [[ -x $tool ]] || { echo "bench: missing $tool" >&2; exit 2; }; done
command -v rg >/dev/null || { echo "bench: needs ripgrep (scripts/setup.sh)" >&2; exit 2; }
if [[ -z $DIR ]]; then
  DIR=$(mktemp -d /tmp/keyhole-bench.XXXXXX)
  trap 'rm -rf "$DIR"' EXIT
fi
mkdir -p "$DIR"
DIR=$(realpath "$DIR")
if git -C "$DIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "bench: $DIR is inside a git work tree; pick a directory outside (e.g. under /tmp)" >&2
  exit 2
fi
# Every keyhole run: no cache of the user's, no progress line.
export XDG_CACHE_HOME=$DIR/cache

echo "keyhole: $("$KEYHOLE" --version)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# --- working tree -------------------------------------------------------------------------
TREE=$DIR/tree-$SIZE
if [[ ! -f $DIR/tree-$SIZE.done ]]; then
  rm -rf "$TREE"
  echo "generating a $SIZE MB working tree in $TREE ..." >&2
  python3 bench/gen_tree.py "$TREE" --size "$SIZE"
  touch "$DIR/tree-$SIZE.done"
fi
"$KEYHOLE" rules list --format json | python3 -c '
import json, sys
kws = sorted({k.lower() for r in json.load(sys.stdin) for k in r["keywords"]})
print("\n".join(kws))' > "$DIR/keywords.txt"
tree_bytes=$(find "$TREE" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')  # file bytes only
tree_files=$(find "$TREE" -type f | wc -l)
find "$TREE" -type f -exec cat {} + > /dev/null  # warm the page cache: both sides read from memory

measure() {  # measure CMD...: prints "wall_s cpu_s peak_kb" (exit 1 = findings is fine)
  local out rc=0
  out=$(mktemp)
  "$TIME" -o "$out" -f '%e %U %S %M' "$@" > /dev/null || rc=$?
  if ((rc > 1)); then echo "bench: failed (exit $rc): $*" >&2; cat "$out" >&2; exit 2; fi
  awk 'END { printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$out"
  rm -f "$out"
}
best() {  # best N CMD...: the run with the least CPU time of N (noise only adds)
  local n=$1 best_line="" line
  shift
  for ((i = 0; i < n; i++)); do
    line=$(measure "$@")
    if [[ -z $best_line ]] || awk -v a="$line" -v b="$best_line" 'BEGIN { split(a, x); split(b, y); exit !(x[2] < y[2]) }'; then
      best_line=$line
    fi
  done
  echo "$best_line"
}

"$KEYHOLE" scan "$TREE" --no-progress -q -o /dev/null >/dev/null 2>&1 || true  # fill the DB cache
read -r k1_wall k1_cpu k1_kb < <(best 3 "$KEYHOLE" scan "$TREE" --threads 1 --no-progress --format json -o /dev/null)
read -r kn_wall kn_cpu kn_kb < <(best 3 "$KEYHOLE" scan "$TREE" --no-progress --format json -o /dev/null)
read -r r1_wall r1_cpu _ < <(best 3 rg -j1 -c -F -i -f "$DIR/keywords.txt" "$TREE")
read -r rn_wall rn_cpu _ < <(best 3 rg -c -F -i -f "$DIR/keywords.txt" "$TREE")
findings=$("$KEYHOLE" scan "$TREE" --no-progress --format json 2>/dev/null |
           python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))' || echo "?")

awk -v bytes="$tree_bytes" -v files="$tree_files" -v kw="$(wc -l < "$DIR/keywords.txt")" \
    -v k1w="$k1_wall" -v k1c="$k1_cpu" -v k1k="$k1_kb" -v knw="$kn_wall" -v knc="$kn_cpu" -v knk="$kn_kb" \
    -v r1w="$r1_wall" -v r1c="$r1_cpu" -v rnw="$rn_wall" -v rnc="$rn_cpu" -v threads="$(nproc)" -v found="$findings" '
function rate(s) { return s > 0 ? bytes / 1e6 / s : 0 }
BEGIN {
  printf "== working tree: %d files, %.1f MB, %d findings; rg over %d keywords\n", files, bytes / 1e6, found, kw
  printf "%-34s %8s %8s %12s %12s %9s\n", "", "wall s", "cpu s", "MB/s wall", "MB/s/core", "peak RSS"
  printf "%-34s %8.2f %8.2f %12.0f %12.0f %6.0f MB\n", "keyhole scan --threads 1", k1w, k1c, rate(k1w), rate(k1c), k1k / 1024
  printf "%-34s %8.2f %8.2f %12.0f %12.0f %6.0f MB\n", "keyhole scan (" threads " threads)", knw, knc, rate(knw), rate(knc), knk / 1024
  printf "%-34s %8.2f %8.2f %12.0f %12.0f\n", "rg -j1 -c -F -i -f keywords.txt", r1w, r1c, rate(r1w), rate(r1c)
  printf "%-34s %8.2f %8.2f %12.0f %12.0f\n", "rg -c -F -i -f keywords.txt", rnw, rnc, rate(rnw), rate(rnc)
  printf "keyhole per core: %.0f MB/s; total: %.0f MB/s; ratio keyhole/rg: %.2fx CPU (1 thread), %.2fx wall (%d threads)\n",
         rate(k1c), rate(knw), (r1c > 0 ? k1c / r1c : 0), (rnw > 0 ? knw / rnw : 0), threads
}'
echo

# --- history ------------------------------------------------------------------------------
echo "== history"
BENCH_DIR=$DIR COMMITS=$COMMITS KEYHOLE=$KEYHOLE bench/history_bench.sh
echo

# --- pre-commit ---------------------------------------------------------------------------
REPO=$DIR/history-repo
git -C "$REPO" checkout -q -f main
git -C "$REPO" reset -q --hard
target=$(git -C "$REPO" ls-files | sed -n 100p)
printf '  const extra = computeValue(options, 42);\n' >> "$REPO/$target"
git -C "$REPO" add "$target"
read -r staged_med staged_min < <(python3 bench/timeit.py --runs 15 --cwd "$REPO" -- "$KEYHOLE" scan --staged --no-progress -q)
git -C "$REPO" reset -q --hard
echo "== pre-commit: keyhole scan --staged, one file changed in a repository of $(git -C "$REPO" ls-files | wc -l) files, $(git -C "$REPO" rev-list --count HEAD) commits"
printf "median %.1f ms, min %.1f ms (15 runs)\n" "$staged_med" "$staged_min"
echo

# --- start-up -----------------------------------------------------------------------------
EMPTY=$DIR/empty
mkdir -p "$EMPTY"
read -r cold_med cold_min < <(python3 bench/timeit.py --runs 10 --fresh-env XDG_CACHE_HOME -- "$KEYHOLE" scan "$EMPTY" --no-progress -q)
read -r warm_med warm_min < <(python3 bench/timeit.py --runs 15 -- "$KEYHOLE" scan "$EMPTY" --no-progress -q)
# A custom rule set cannot use the database built into the binary: cold means compiling.
CUSTOM=$DIR/custom
mkdir -p "$CUSTOM"
cat > "$CUSTOM/.keyhole.toml" <<'TOML'
[extend]
useDefault = true
[[rules]]
id = "bench-custom-token"
description = "Benchmark custom token"
regex = '''bench_[0-9a-f]{32}'''
keywords = ["bench_"]
examples = ['''t = "bench_0123456789abcdef0123456789abcdef"''']
negative_examples = ['''t = "bench_"''']
TOML
read -r ccold_med ccold_min < <(python3 bench/timeit.py --runs 5 --fresh-env XDG_CACHE_HOME -- "$KEYHOLE" scan "$CUSTOM" --no-progress -q)
read -r cwarm_med cwarm_min < <(python3 bench/timeit.py --runs 15 -- "$KEYHOLE" scan "$CUSTOM" --no-progress -q)
echo "== start-up: keyhole scan of an empty directory (median / min ms)"
printf "%-40s %8s %8s\n" "" "cold" "warm"
printf "%-40s %8.1f %8.1f   (min %.1f / %.1f)\n" "default rules" "$cold_med" "$warm_med" "$cold_min" "$warm_min"
printf "%-40s %8.1f %8.1f   (min %.1f / %.1f)\n" "defaults + one custom rule" "$ccold_med" "$cwarm_med" "$ccold_min" "$cwarm_min"
echo "(cold: an empty \$XDG_CACHE_HOME on every run; warm: the cached database)"
