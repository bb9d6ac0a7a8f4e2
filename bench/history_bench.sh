#!/usr/bin/env bash
# History-scan benchmark: keyhole --history against the cost of just reading every object
# (`git cat-file --batch-all-objects --batch`), on the same repository in the same run.
# Prints seconds, blobs/s, peak RSS and the ratio (ratios, not absolute times: the
# machines are shared and noisy — docs/ARCHITECTURE.md, "Benchmarks").
#
# Usage: bench/history_bench.sh [REPO]
#   REPO     an existing repository; without it one is generated with git fast-import
#            (COMMITS commits over FILES files of source-like text, a few planted fake
#            secrets) under $BENCH_DIR (kept, and reused by later runs of the same shape),
#            or in a temp dir removed at exit.
#   KEYHOLE  the binary (default build/release/keyhole); COMMITS (5000), FILES (2000).
set -euo pipefail

KEYHOLE=${KEYHOLE:-build/release/keyhole}
COMMITS=${COMMITS:-5000}
FILES=${FILES:-2000}
TIME=/usr/bin/time
[[ -x $TIME ]] || { echo "needs GNU time at $TIME" >&2; exit 2; }
[[ -x $KEYHOLE ]] || { echo "keyhole binary not found at $KEYHOLE (set KEYHOLE=)" >&2; exit 2; }

generate() {  # generate REPO: a fast-import stream, then one repack like a real clone has
  local repo=$1
  git init -q "$repo"
  python3 - "$COMMITS" "$FILES" <<'PY' | git -C "$repo" fast-import --quiet
import random, sys, zlib
commits, files = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(42)
words = ("const let return if else for while function class import export async await "
         "value result config options request response handler error index length push "
         "map filter reduce string number object array token user session cache").split()
def line():
    return "  " + " ".join(rng.choice(words) for _ in range(rng.randint(3, 10))) + ";\n"
def fake_token(i):  # 30 random chars + their CRC32 in base62, as real GitHub tokens have
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    r = random.Random(i)  # one generator: Random(i).choice per character repeats one character
    body = "".join(r.choice(alnum) for _ in range(30))
    crc, cs = zlib.crc32(body.encode()), ""
    for _ in range(6):
        cs, crc = b62[crc % 62] + cs, crc // 62
    return "ghp_" + body + cs
contents = {}
out = sys.stdout
def blob(data):
    b = data.encode()
    out.write("data %d\n" % len(b)); out.flush()
    sys.stdout.buffer.write(b); out.write("\n")
t = 1_600_000_000
for c in range(commits):
    if c == 0:
        changed = range(files)
    else:
        changed = [rng.randrange(files) for _ in range(3)]
    out.write("commit refs/heads/main\n")
    out.write("author Bench <bench@example.com> %d +0000\n" % (t + c * 60))
    out.write("committer Bench <bench@example.com> %d +0000\n" % (t + c * 60))
    blob("commit %d\n" % c)
    for f in changed:
        path = "src/mod%02d/file%04d.js" % (f % 50, f)
        body = contents.get(f) or ["function f%d() {\n" % f] + [line() for _ in range(60)]
        body = list(body)
        for _ in range(rng.randint(1, 4)):
            body[rng.randrange(1, len(body))] = line()
        if c in (commits // 5, commits // 2, commits - 10):  # planted fake secrets
            body.insert(2, '  const GITHUB_TOKEN = "%s";\n' % fake_token(c))
        contents[f] = body
        out.write("M 100644 inline %s\n" % path)
        blob("".join(body) + "}\n")
    out.write("\n")
PY
  git -C "$repo" repack -adq
}

if [[ $# -ge 1 ]]; then
  REPO=$1
else
  if [[ -z ${BENCH_DIR:-} ]]; then  # a temp dir of our own is removed; a given one is kept
    BENCH_DIR=$(mktemp -d)
    trap 'rm -rf "$BENCH_DIR"' EXIT
  fi
  REPO=$BENCH_DIR/history-repo
  if [[ -f $REPO/.git/bench-$COMMITS-$FILES ]]; then  # generated earlier with the same shape
    echo "reusing $REPO" >&2
  else
    rm -rf "$REPO"
    echo "generating $COMMITS commits over $FILES files in $REPO ..." >&2
    generate "$REPO"
    touch "$REPO/.git/bench-$COMMITS-$FILES"
  fi
fi

blobs=$(git -C "$REPO" cat-file --batch-all-objects --batch-check='%(objecttype)' | grep -c '^blob$' || true)
bytes=$(git -C "$REPO" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' \
        | awk '$1 == "blob" { s += $2 } END { print s + 0 }')

measure() {  # measure NAME CMD...: prints "seconds peak_kb"
  local out
  out=$(mktemp)
  "$TIME" -o "$out" -f '%e %M' "$@" > /dev/null
  tail -n 1 "$out"
  rm -f "$out"
}

# Warm the page cache once so neither side pays for the first read.
git -C "$REPO" cat-file --batch-all-objects --batch > /dev/null

read -r git_s git_kb < <(measure git -C "$REPO" cat-file --batch-all-objects --batch)
set +e
read -r kh_s kh_kb < <(measure "$KEYHOLE" scan --history "$REPO" --format json -o /dev/null)
set -e

awk -v blobs="$blobs" -v bytes="$bytes" -v gs="$git_s" -v gk="$git_kb" -v ks="$kh_s" -v kk="$kh_kb" 'BEGIN {
  printf "repository: %d blobs, %.1f MB of blob content\n", blobs, bytes / 1e6
  printf "%-28s %8s %12s %10s\n", "", "seconds", "blobs/s", "peak RSS"
  printf "%-28s %8.2f %12.0f %7.0f MB\n", "git cat-file --batch-all", gs, (gs > 0 ? blobs / gs : 0), gk / 1024
  printf "%-28s %8.2f %12.0f %7.0f MB\n", "keyhole scan --history", ks, (ks > 0 ? blobs / ks : 0), kk / 1024
  printf "ratio keyhole / cat-file: %.2fx\n", (gs > 0 ? ks / gs : 0)
}'
