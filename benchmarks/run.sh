#!/usr/bin/env bash
# The benchmark suite (issue 7), one command:
#   benchmarks/run.sh            full run: 100,000 patients x 10 visits, 10 s per measurement
#   benchmarks/run.sh --quick    10,000 patients x 10 visits, 5 s per measurement
#   benchmarks/run.sh --micro    BenchmarkDotNet on the hot paths (any further arguments go to BenchmarkDotNet)
#   benchmarks/run.sh --compare REV [--workloads cached,search ...]
#                                the working tree against commit REV, builds alternated round by round on the quick
#                                data set (the before and after of one change; see the harness's compare command)
#   --provider sqlite|postgres   the portal's databases (default sqlite). postgres: five PostgreSQL clusters of the
#                                suite's own (scripts/postgres.sh) under benchmarks/.data/postgres/clusters, the catalog
#                                on one and each shard on one of its own (the 4-shard data set uses all five); started
#                                here and stopped at the end, whatever the outcome. The seeded databases stay in them
#                                for the next run.
# It publishes the portal in Release, seeds the data sets under benchmarks/.data (kept for the next run), starts the
# portal on 127.0.0.1, measures each workload with wrk alternated with the baseline GET /api/v1/ping, and writes the
# table with the date, machine, commit, provider and data-set size to docs/PERFORMANCE.md. Nothing of it runs in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

provider=sqlite
arguments=()
while (($# > 0)); do
  case "$1" in
    --provider)
      if (($# < 2)); then
        echo "run.sh: --provider needs sqlite or postgres" >&2
        exit 2
      fi
      provider="$2"
      shift 2
      ;;
    *)
      arguments+=("$1")
      shift
      ;;
  esac
done
case "${provider}" in
  sqlite | postgres) ;;
  *)
    echo "run.sh: --provider is sqlite or postgres, not '${provider}'" >&2
    exit 2
    ;;
esac

scripts/require-packages.sh wrk chromium
if [ "${provider}" = postgres ]; then
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || scripts/require-packages.sh initdb:postgresql
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# dotnet-gcdump (the repository's tool manifest): the circuit figure's managed heap after a full collection.
dotnet tool restore >/dev/null
dotnet publish MedicalPortal.Web -c Release -o benchmarks/.out/portal -v quiet --nologo
dotnet publish benchmarks/MedicalPortal.Benchmarks -c Release -o benchmarks/.out/harness -v quiet --nologo

if [ "${arguments[0]:-}" = "--compare" ]; then
  # The working tree (after) against an earlier commit (before), alternated on the quick SQLite data set.
  if ((${#arguments[@]} < 2)); then
    echo "run.sh: --compare needs the commit to compare with (the before)" >&2
    exit 2
  fi
  before="$(mktemp -d)"
  git worktree add --quiet --detach "${before}" "${arguments[1]}"
  dotnet publish "${before}/MedicalPortal.Web" -c Release -o benchmarks/.out/before -v quiet --nologo
  git worktree remove --force "${before}"
  exec dotnet benchmarks/.out/harness/MedicalPortal.Benchmarks.dll compare --before benchmarks/.out/before \
    --after benchmarks/.out/portal "${arguments[@]:2}"
fi

if [ "${arguments[0]:-}" = "--micro" ]; then
  cd benchmarks/.out
  exec dotnet harness/MedicalPortal.Benchmarks.dll micro --filter '*' "${arguments[@]:1}"
fi

harness=(dotnet benchmarks/.out/harness/MedicalPortal.Benchmarks.dll macro --portal benchmarks/.out/portal --provider "${provider}")
if [ "${provider}" = sqlite ]; then
  exec "${harness[@]}" "${arguments[@]}"
fi

# A catalog cluster and four shard clusters. Their settings are read in a subshell: exported here, the Database__*
# variables would reach every portal the harness starts, and give the 1- and 2-shard data sets the other shards.
clusters="benchmarks/.data/postgres/clusters"
mkdir -p benchmarks/.data/postgres
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'trap "" HUP INT TERM; scripts/postgres.sh down --dir "${clusters}"' EXIT
postgres_env="$(scripts/postgres.sh up --dir "${clusters}" --clusters 5)"
servers="$(
  eval "${postgres_env}"
  list="${Database__Catalog}"
  for shard in 0 1 2 3; do
    variable="Database__Shards__${shard}__ConnectionString"
    list+=",${!variable}"
  done
  echo "${list}"
)"
"${harness[@]}" --postgres "${servers}" "${arguments[@]}"
