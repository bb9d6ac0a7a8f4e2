#!/usr/bin/env bash
# Fuzz smoke run: builds the `fuzz` preset (clang, libFuzzer, ASan+UBSan) if needed and
# runs every target for a few seconds from its seed corpus (tests/fuzz/corpus/<target>/).
# New inputs go to a scratch directory; the checked-in seeds are never modified.
# Exit 0: no crash, leak, timeout or sanitizer report. Exit 77 (skipped): clang is not
# installed, or KEYHOLE_SKIP_FUZZ=1.
#   KEYHOLE_FUZZ_SECONDS  seconds per target (default 5)
#   KEYHOLE_FUZZ_TARGETS  space-separated subset of targets (default: all)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${KEYHOLE_FUZZ_SECONDS:-5}"
targets="${KEYHOLE_FUZZ_TARGETS:-fuzz_rules fuzz_jwt fuzz_keys fuzz_allow fuzz_scan fuzz_credfiles}"

if [ "${KEYHOLE_SKIP_FUZZ:-0}" = 1 ]; then
  echo "run_smoke: KEYHOLE_SKIP_FUZZ=1; skipped" >&2
  exit 77
fi
if ! command -v clang++ >/dev/null 2>&1; then
  echo "run_smoke: clang++ is not installed; skipped" >&2
  exit 77
fi
if [ ! -f build/fuzz/build.ninja ]; then cmake --preset fuzz >/dev/null; fi
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
artifacts="build/fuzz/artifacts"
mkdir -p "$artifacts"
failed=""
for t in $targets; do
  mkdir -p "$scratch/$t"
  echo "== $t (${secs}s)"
  # -rss_limit_mb bounds memory per input; -timeout flags any input taking over 10 s (a
  # hang or quadratic blow-up); leaks are reported at exit (detect_leaks is on with ASan).
  if ! "build/fuzz/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
       "$scratch/$t" "tests/fuzz/corpus/$t" 2>"$scratch/$t.log"; then
    tail -n 60 "$scratch/$t.log" >&2
    failed="$failed $t"
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$scratch/$t.log" | tr '\n' ' '
    echo
  fi
done
if [ -n "$failed" ]; then
  echo "run_smoke: FAILED:$failed (reproducers in $artifacts/)" >&2
  exit 1
fi
echo "run_smoke: all targets ran ${secs}s without a finding"
