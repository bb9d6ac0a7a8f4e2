#!/usr/bin/env bash
# Entry point of the `keyhole` pre-commit hook: builds keyhole inside pre-commit's clone of
# this repository on first use (cached afterwards), then scans what the commit adds.
# KEYHOLE_PREBUILT=/path/to/keyhole skips the build (CI images that already have it).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${KEYHOLE_PREBUILT:-}"
if [ -z "$bin" ]; then
  bin="$here/build/hook/keyhole"
  if [ ! -x "$bin" ]; then
    echo "keyhole: first run, building keyhole (once)..." >&2
    cmake -S "$here" -B "$here/build/hook" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKEYHOLE_BUILD_TESTS=OFF >/dev/null
    cmake --build "$here/build/hook" --target keyhole >/dev/null
  fi
fi
exec "$bin" scan --staged "$@"
