#!/usr/bin/env bash
# Installs what keyhole's build and tests need, from Debian packages (and the pinned SARIF
# validator from npm). Idempotent: skips whatever is already present. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libre2-dev libgit2-dev libvectorscan-dev libssl-dev zlib1g-dev
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  pre-commit ripgrep python3 python3-yaml time groff-base bsdutils
  clang libclang-rt-14-dev
)
# The SARIF validator the suite runs (GitHub's ingestion rules). Pinned.
SARIF_MULTITOOL_VERSION=5.7.0

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present"
fi

tools=".cache/tools"
mt="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$mt" ] || ! grep -q "\"version\": \"$SARIF_MULTITOOL_VERSION\"" \
     "$tools/node_modules/@microsoft/sarif-multitool/package.json" 2>/dev/null; then
  echo "setup: installing @microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION"
  mkdir -p "$tools"
  (cd "$tools" && [ -f package.json ] || echo '{"name":"keyhole-tools","private":true}' > package.json)
  (cd "$tools" && npm install --no-audit --no-fund --silent "@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION" >/dev/null)
  # npm may skip the package's install script, which marks the binary executable.
  chmod u+x "$mt"
else
  echo "setup: sarif-multitool $SARIF_MULTITOOL_VERSION present"
fi
