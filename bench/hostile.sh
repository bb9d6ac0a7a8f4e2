#!/usr/bin/env bash
# Hostile-input benchmark (issue 13 item 12): inputs that were quadratic in time or
# unbounded in memory, each scanned once, with MB/s, CPU seconds and peak RSS, and as the
# reference in the same invocation, `keyhole` on an ordinary file of the same size (the
# ratio says how much slower the hostile shape is than plain text). Linear means the
# ratio stays flat as the input doubles (the 10k/20k/40k rows).
#
# Usage: bench/hostile.sh [DIR]   (corpora are generated into DIR, default a temp dir)
#   KEYHOLE   the binary (default build/release/keyhole)
set -euo pipefail
cd "$(dirname "$0")/.."
KEYHOLE="${KEYHOLE:-build/release/keyhole}"
DIR="${1:-}"
if [ -z "$DIR" ]; then DIR="$(mktemp -d)"; trap 'rm -rf "$DIR"' EXIT; fi
mkdir -p "$DIR"
/usr/bin/python3 - "$DIR" <<'PY'
import os, random, string, sys, zlib
d = sys.argv[1]
r = random.Random(1)
A = string.digits + string.ascii_uppercase + string.ascii_lowercase  # GitHub's base62 order
def b62(n):
    s = ''
    while n: s = A[n % 62] + s; n //= 62
    return s.rjust(6, '0')
def gh():  # a GitHub-token-shaped string with a valid checksum (never a real token)
    body = ''.join(r.choice(A) for _ in range(30))
    return 'ghp_' + body + b62(zlib.crc32(body.encode()))
def write(name, text):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        open(p, 'w').write(text)
for n in (10000, 20000, 40000):
    write(f'one-line-{n}-tokens.txt', ' '.join(gh() for _ in range(n)) + '\n')
write('200k-lines-one-token-each.txt', ''.join('x = "%s"\n' % gh() for _ in range(200000)))
write('token-48MB-line.txt', 'token=abc ' * 4_800_000 + '\n')
words = ['password', 'secret', 'token', 'apikey', 'auth']
parts = []
while sum(map(len, parts)) < 1_600_000:
    parts.append('{"title":"%s %d","text":"%s"}' % (r.choice(words), len(parts),
                 ' '.join(r.choice(['lorem', 'ipsum', 'the', 'value', 'configure']) for _ in range(100))))
write('search-index-1.6MB.json', '[' + ','.join(parts) + ']')
attrs = ','.join('{"attributes": {"api_token": "Qx\\u0041%dvR2wT8nZ"}}' % (100000 + i) for i in range(20000))
write('20k-escaped-attributes.tfstate', '{"resources": [{"type": "t", "instances": [' + attrs + ']}]}')
write('60k-nested.tfstate', '{"resources": [{"instances": [{"attributes": {"a": ' + '[' * 60000 + ']' * 60000 + '}}]}]}')
PY
run() {  # prints: seconds(cpu) peak-KB (keyhole exits 1 on findings: not a failure here)
  { /usr/bin/time -f "%U %S %M" "$KEYHOLE" scan "$1" -q --threads 1 --format json -o /dev/null \
      --max-file-size 100000000 2>&1 >/dev/null || true; } | tail -1 | awk '{printf "%.2f %d\n", $1+$2, $3}'
}
printf '%-34s %8s %8s %9s %9s %7s\n' input MB "cpu s" "MB/s" "peak RSS" "ratio"
for f in "$DIR"/*.txt "$DIR"/*.json "$DIR"/*.tfstate; do
  case "$(basename "$f")" in reference-*) continue ;; esac
  size=$(stat -c %s "$f")
  ref="$DIR/reference-$size.txt"
  [ -f "$ref" ] || head -c "$size" /dev/zero | tr '\0' 'a' | fold -w 79 > "$ref"
  read -r cpu rss < <(run "$f")
  read -r rcpu _ < <(run "$ref")
  mb=$(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}')
  awk -v n="$(basename "$f")" -v mb="$mb" -v c="$cpu" -v r="$rss" -v rc="$rcpu" 'BEGIN{
    rate = c > 0 ? mb / c : 0; ratio = rc > 0 ? c / rc : 0;
    printf "%-34s %8s %8.2f %9.1f %7d MB %6.1fx\n", n, mb, c, rate, r / 1024, ratio }'
done
