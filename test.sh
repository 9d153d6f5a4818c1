#!/usr/bin/env bash
# The README's test command. On a fresh machine it installs what the tests need (Debian's Chromium for the
# end-to-end tests, and redis-server for the cache tests, when run as root), builds with warnings as errors, and runs every test project in turn:
# unit (Core), integration on real SQLite files and a real Redis (Data), API over HTTP, two-node and bUnit (Web), e2e in real Chromium, and last a
# scan of everything the portals logged meanwhile for patient data.
set -euo pipefail
cd "$(dirname "$0")"

# Chromium for the end-to-end tests; redis-server for the cache tests, which start and stop their own servers (the
# package's own service stays off).
scripts/require-packages.sh chromium redis-server

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore MedicalPortal.sln
dotnet build MedicalPortal.sln --no-restore --configuration Debug

# Every portal the tests start logs into this one file; the last project proves it holds no patient data.
MEDICALPORTAL_TEST_LOG="$(mktemp -d)/test-run.log"
export MEDICALPORTAL_TEST_LOG

projects=(
  tests/MedicalPortal.Core.Tests
  tests/MedicalPortal.Data.Tests
  tests/MedicalPortal.Web.Tests
  e2e/MedicalPortal.E2E
  tests/MedicalPortal.LogScan.Tests
)
failed=()
for project in "${projects[@]}"; do
  echo
  echo "=== ${project}"
  if ! dotnet test "${project}" --no-build --configuration Debug --blame-hang-timeout 10m \
      --logger "console;verbosity=minimal"; then
    failed+=("${project}")
  fi
done

echo
if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "All tests passed."
