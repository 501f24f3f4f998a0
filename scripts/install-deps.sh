#!/usr/bin/env bash
# Installs the Debian packages Concord needs to build, test and run. Safe to run again: it installs
# only what is missing. Needs root (or sudo) when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsimdjson-dev libsqlite3-dev sqlite3 zlib1g-dev libssl-dev libfmt-dev libcli11-dev
  libre2-dev libicu-dev libtomlplusplus-dev
  libboost-dev libsodium-dev   # HTTPS (Asio/Beast), Argon2id
  openssl                      # the TAXII end-to-end test makes its certificate as docs/taxii.md says
  wrk                          # the TAXII load benchmark's cross-check
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev   # sanitizer and fuzzer runtimes for CI
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
