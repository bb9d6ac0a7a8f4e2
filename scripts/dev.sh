#!/usr/bin/env bash
# The README's two commands:
#   scripts/dev.sh demo   set up, build, and scan the bundled demo (fixtures/demo)
#   scripts/dev.sh test   set up, build, and run the whole test suite through CTest
# Other verbs: build [PRESET], asan (the suite under ASan+UBSan), fuzz [SECONDS] (every
# libFuzzer target for SECONDS each; the suite runs them for 5 s as the fuzz_smoke test), bench.
set -euo pipefail
cd "$(dirname "$0")/.."
verb="${1:-demo}"
jobs="$(nproc 2>/dev/null || echo 2)"

build() {
  local preset="$1"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
}

case "$verb" in
  demo)
    scripts/setup.sh
    build release
    echo
    echo "$ keyhole scan fixtures/demo"
    set +e
    build/release/keyhole scan fixtures/demo
    rc=$?
    set -e
    echo "(exit code $rc: 0 clean, 1 findings, 2 error)"
    [ "$rc" -eq 1 ] ;;
  test)
    scripts/setup.sh
    build release
    ctest --preset release ;;
  asan)
    scripts/setup.sh
    build asan
    ctest --preset asan ;;
  fuzz)
    scripts/setup.sh
    KEYHOLE_FUZZ_SECONDS="${2:-60}" exec tests/fuzz/run_smoke.sh ;;
  build)
    build "${2:-release}" ;;
  bench)
    scripts/setup.sh
    build release
    exec bench/run.sh "${@:2}" ;;
  *)
    echo "usage: scripts/dev.sh demo|test|asan|fuzz [SECONDS]|build [PRESET]|bench" >&2
    exit 2 ;;
esac
