#!/usr/bin/env bash
# Installs the Debian packages whose commands are missing; shared by test.sh and benchmarks/run.sh.
#   scripts/require-packages.sh COMMAND[:PACKAGE] ...   (PACKAGE defaults to COMMAND)
# As root it installs them; otherwise it names them and fails.
set -euo pipefail

missing=()
for wanted in "$@"; do
  command -v "${wanted%%:*}" >/dev/null 2>&1 || missing+=("${wanted#*:}")
done
((${#missing[@]} == 0)) && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing: ${missing[*]}. Install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
