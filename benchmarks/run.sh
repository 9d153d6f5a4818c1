#!/usr/bin/env bash
# The benchmark suite (issue 7), one command:
#   benchmarks/run.sh            full run: 100,000 patients x 10 visits, 10 s per measurement
#   benchmarks/run.sh --quick    10,000 patients x 10 visits, 5 s per measurement
#   benchmarks/run.sh --micro    BenchmarkDotNet on the hot paths (any further arguments go to BenchmarkDotNet)
# It publishes the portal in Release, seeds the data sets under benchmarks/.data (kept for the next run), starts the
# portal on 127.0.0.1, measures each workload with wrk alternated with the baseline GET /api/v1/ping, and writes the
# table with the date, machine, commit and data-set size to docs/PERFORMANCE.md. Nothing of it runs in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/require-packages.sh wrk chromium

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish MedicalPortal.Web -c Release -o benchmarks/.out/portal -v quiet --nologo
dotnet publish benchmarks/MedicalPortal.Benchmarks -c Release -o benchmarks/.out/harness -v quiet --nologo

if [ "${1:-}" = "--micro" ]; then
  shift
  cd benchmarks/.out
  exec dotnet harness/MedicalPortal.Benchmarks.dll micro --filter '*' "$@"
fi

exec dotnet benchmarks/.out/harness/MedicalPortal.Benchmarks.dll macro --portal benchmarks/.out/portal "$@"
