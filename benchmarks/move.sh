#!/usr/bin/env bash
# The bucket move's benchmark (shards move), SQLite, one command:
#   benchmarks/move.sh [--patients N] [--moves K] [--span B] [--baseline-seconds S] [--connections C]
# defaults: 100,000 patients x 10 visits on 2 shards, 5 moves of 256 buckets under load, 15 s baselines, 4 + 4 connections.
#  1. Publishes the portal in Release (benchmarks/.out/portal, as run.sh does) and seeds a 2-shard installation into
#     benchmarks/.data/move/seed (kept for the next run, with the harness's random seed and keys).
#  2. Throughput: on a scratch copy with a third, empty shard added (shard-2), no portal serving:
#     shards move --buckets 0-(4096/4-1) --to shard-2, timed; patients/s = moved patients / wall time of the command.
#  3. Under load: a fresh scratch copy with shard-2, the portal started on it (Release, Development for the demo
#     accounts, logging at Warning, 127.0.0.1). For each of K ranges of B buckets (0-255, 256-511, ...): a baseline of
#     S s with no move, then the same load during `shards move` of the range. The load is two wrk processes: writers
#     POSTing visits for patients of that range (so every write goes to a moving bucket) and readers GETting patients
#     drawn from all of them. Reports each move's freeze (from its last line), p50/p99 of the freezes, and the writes'
#     latency with and without a move, with the responses counted by status.
# Figures are printed and kept in benchmarks/.data/move/results/<UTC time>/summary.txt; nothing is written to docs/.
# The portal and wrk processes started here are stopped at the end, whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

patients=100000
visits=10
moves=5
span=256
baseline_seconds=15
connections=4
while (($# > 0)); do
  case "$1" in
    --patients) patients="$2"; shift 2 ;;
    --moves) moves="$2"; shift 2 ;;
    --span) span="$2"; shift 2 ;;
    --baseline-seconds) baseline_seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "move.sh: unknown argument '$1' (see the header)" >&2; exit 2 ;;
  esac
done
if ((moves * span > 2048)); then
  echo "move.sh: --moves x --span must stay within shard-0's buckets 0-2047" >&2
  exit 2
fi

scripts/require-packages.sh wrk sqlite3 curl jq

data="${root}/benchmarks/.data/move"
seed="${data}/seed"
scratch="${data}/scratch"
results="${data}/results/$(date -u +%Y%m%dT%H%M%SZ)"
portal_dir="${root}/benchmarks/.out/portal"
lua="${root}/benchmarks/MedicalPortal.Benchmarks/Scripts/move-load.lua"
mkdir -p "${seed}" "${results}"
summary="${results}/summary.txt"
say() { echo "$*" | tee -a "${summary}"; }

# What the processes started here are, so that the end stops them (and only them).
portal_pid=""
wrk_pids=()
stop_all() {
  for pid in "${wrk_pids[@]}" ${portal_pid}; do
    if kill -0 "${pid}" 2>/dev/null; then
      kill "${pid}" 2>/dev/null || true
      wait "${pid}" 2>/dev/null || true
    fi
  done
  portal_pid=""
  wrk_pids=()
}
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'trap "" HUP INT TERM; stop_all' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish MedicalPortal.Web -c Release -o "${portal_dir}" -v quiet --nologo

# The harness's settings (PortalProcess.cs): Development for the demo accounts, fixed throwaway keys, Warning logs.
key="YmVuY2htYXJrLWtleS1ub3QtZm9yLXJlYWwtZGF0YS0wMTIzNDU2Nzg5"
export ASPNETCORE_ENVIRONMENT=Development Database__Provider=Sqlite \
  Logging__LogLevel__Default=Warning \
  Audit__HmacKey="${key}" Export__PseudonymKey="${key}" Security__AccessTokenMinutes=600
use_data() {
  export Database__Catalog="Data Source=$1/catalog.db" \
    Database__Shards__0__Name=shard-0 Database__Shards__0__ConnectionString="Data Source=$1/shard-0.db" \
    Database__Shards__1__Name=shard-1 Database__Shards__1__ConnectionString="Data Source=$1/shard-1.db" \
    Export__Directory="$1/exports"
}
portal() { (cd "${portal_dir}" && exec dotnet MedicalPortal.Web.dll "$@"); }
now() { date +%s.%N; }

say "Bucket move benchmark, $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git describe --always --dirty)"
say "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB memory, $(uname -sr), .NET $(dotnet --version); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

expected="${patients} patients x ${visits} visits, random seed 2026"
if [ -f "${seed}/seeded.txt" ] && [ "$(cat "${seed}/seeded.txt")" = "${expected}" ]; then
  say "Data set: reusing ${expected} (2 shards) in ${seed}"
else
  rm -f "${seed}"/*.db* "${seed}/seeded.txt"
  use_data "${seed}"
  echo "Seeding ${expected} into ${seed} ..."
  started=$(now)
  portal seed --patients "${patients}" --visits-per-patient "${visits}" --random-seed 2026 >"${results}/seed.log"
  echo "${expected}" >"${seed}/seeded.txt"
  say "Data set: seeded ${expected} (2 shards) in $(echo "$(now) - ${started}" | bc | xargs printf '%.0f') s"
fi

# A scratch copy of the seeded files with shard-2 added (empty): each measurement starts from the same data.
fresh_copy() {
  rm -rf "${scratch}"
  mkdir -p "${scratch}"
  cp "${seed}"/*.db* "${scratch}/"
  use_data "${scratch}"
  portal shards add --name shard-2 --connection "Data Source=${scratch}/shard-2.db" >>"${results}/shards.log"
}

# Runs one move, its lines stamped with the time they arrived (the mover's own log at Information, for the stages);
# sets move_line, move_patients, move_visits, move_freeze_ms, move_seconds, and move_stages: the freeze split into
# its steps (final catch-up, verification, fences and flip), as the mover logs them.
run_move() {
  local range="$1" log="$2" started
  started=$(now)
  (cd "${portal_dir}" && exec env Logging__LogLevel__MedicalPortal.Data.Sharding.BucketMover=Information \
    Logging__Console__FormatterOptions__SingleLine=true dotnet MedicalPortal.Web.dll shards move --buckets "${range}" --to shard-2) 2>&1 |
    while IFS= read -r line; do printf '%s %s\n' "${EPOCHREALTIME}" "${line}"; done >"${log}" || { cat "${log}" >&2; return 1; }
  move_seconds=$(echo "$(now) - ${started}" | bc)
  move_stages=$(sed -nE 's/.*were held back for [0-9,]+ ms \((.*)\)\.?$/\1/p' "${log}" | tail -1)
  [[ -n "${move_stages}" ]] || move_stages="stages not found"
  move_line=$(grep -o 'Moved buckets.*' "${log}" | tail -1)
  move_patients=$(sed -E 's/.*: ([0-9]+) patient\(s\).*/\1/' <<<"${move_line}")
  move_visits=$(sed -E 's/.* ([0-9]+) visit\(s\).*/\1/' <<<"${move_line}")
  move_freeze_ms=$(sed -E 's/.*held back for ([0-9,]+) ms.*/\1/' <<<"${move_line}" | tr -d ,)
}

percentile() { # nearest rank: percentile Q VALUE...
  local q="$1"
  shift
  printf '%s\n' "$@" | sort -g | awk -v q="${q}" '{ v[NR] = $1 } END { r = q * NR / 100; n = int(r); if (n < r) n++; if (n < 1) n = 1; print v[n] }'
}

# --- 1. Throughput, no portal serving --------------------------------------------------------------------------------
say ""
say "1. Throughput: shards move --buckets 0-1023 --to shard-2, portal not serving"
fresh_copy
run_move 0-1023 "${results}/throughput-move.log"
say "  ${move_line}"
say "  wall time $(printf '%.1f' "${move_seconds}") s (the whole command, start-up included): $(echo "${move_patients} / ${move_seconds}" | bc -l | xargs printf '%.0f') patients/s, $(echo "${move_visits} / ${move_seconds}" | bc -l | xargs printf '%.0f') visits/s; freeze ${move_freeze_ms} ms (${move_stages})"

# --- 2. Under load ---------------------------------------------------------------------------------------------------
say ""
say "2. Under load: ${moves} moves of ${span} buckets to shard-2 with the portal serving; wrk writers (POST visits for patients of the moving range, -t1 -c${connections}) + readers (GET patients of both shards, -t1 -c${connections})"
fresh_copy
sqlite3 -readonly "${scratch}/shard-0.db" 'SELECT Id FROM Patients' >"${results}/read-ids.txt"
sqlite3 -readonly "${scratch}/shard-1.db" 'SELECT Id FROM Patients' >>"${results}/read-ids.txt"
for ((i = 0; i < moves; i++)); do
  sqlite3 -readonly "${scratch}/shard-0.db" "SELECT Id FROM Patients WHERE Bucket BETWEEN $((i * span)) AND $(((i + 1) * span - 1))" \
    >"${results}/write-ids-${i}.txt"
done

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:${port}"
# Not through the function: $! must be the portal's own process (a function in the background is a subshell).
(cd "${portal_dir}" && exec dotnet MedicalPortal.Web.dll --urls="${url}") >"${results}/portal.log" 2>&1 &
portal_pid=$!
for ((t = 0; t < 360; t++)); do
  kill -0 "${portal_pid}" 2>/dev/null || { echo "The portal exited while starting:" >&2; tail -20 "${results}/portal.log" >&2; exit 1; }
  curl -fs "${url}/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
token=$(curl -fs -H 'Content-Type: application/json' \
  -d '{"email":"doctor@clinic.test","password":"Clinic-Demo-2026!"}' "${url}/api/v1/auth/login" | jq -r .accessToken)

# Starts the writers on range $1's patients and the readers; wrk runs until stopped (SIGINT: it then reports).
start_load() {
  local name="$1" ids="$2"
  BENCH_TOKEN="${token}" BENCH_MODE=write BENCH_IDS="${ids}" \
    wrk -t1 -c"${connections}" -d3600s --timeout 30s -s "${lua}" "${url}" >"${results}/${name}-writes.txt" 2>&1 &
  wrk_pids=($!)
  BENCH_TOKEN="${token}" BENCH_MODE=read BENCH_IDS="${results}/read-ids.txt" \
    wrk -t1 -c"${connections}" -d3600s --timeout 30s -s "${lua}" "${url}" >"${results}/${name}-reads.txt" 2>&1 &
  wrk_pids+=($!)
}
stop_load() {
  kill -INT "${wrk_pids[@]}"
  wait "${wrk_pids[@]}" || true
  wrk_pids=()
}
result() { grep '^MOVE-RESULT ' "${results}/$1.txt" | cut -d' ' -f2-; }
describe() { # one line of a wrk result
  result "$1" | jq -r '"\(.requests) requests in \(.seconds) s (\(.requests / .seconds | floor)/s): p50 \(.p50Ms) ms, p99 \(.p99Ms) ms, max \(.maxMs) ms; 2xx/3xx \(.ok), 4xx \(.status4xx), 503 \(.status503), other 5xx \(.status5xxOther), socket errors \(.socketErrors), timeouts \(.timeouts)"'
}

echo "Warm-up, 10 s (not counted)"
start_load warmup "${results}/write-ids-0.txt"
sleep 10
stop_load

freezes=()
for ((i = 0; i < moves; i++)); do
  range="$((i * span))-$(((i + 1) * span - 1))"
  say "  Range ${range} ($(wc -l <"${results}/write-ids-${i}.txt") patients written to):"
  start_load "baseline-${i}" "${results}/write-ids-${i}.txt"
  sleep "${baseline_seconds}"
  stop_load
  say "    no move   writes: $(describe "baseline-${i}-writes")"
  say "              reads:  $(describe "baseline-${i}-reads")"
  start_load "move-${i}" "${results}/write-ids-${i}.txt"
  sleep 2
  run_move "${range}" "${results}/move-${i}.log"
  sleep 2
  stop_load
  freezes+=("${move_freeze_ms}")
  say "    move      ${move_line}"
  say "              wall time $(printf '%.1f' "${move_seconds}") s, $(echo "${move_patients} / ${move_seconds}" | bc -l | xargs printf '%.0f') patients/s under load; freeze ${move_freeze_ms} ms (${move_stages})"
  say "    with move writes: $(describe "move-${i}-writes")"
  say "              reads:  $(describe "move-${i}-reads")"
done
stop_all
portal_errors=$(grep -ciE 'fail|error|exception' "${results}/portal.log" || true)

# --- Summary ---------------------------------------------------------------------------------------------------------
aggregate() { # KIND LOAD JQ: the median over the runs of one kind (baseline/move, writes/reads) of a figure
  local values=()
  for ((i = 0; i < moves; i++)); do values+=("$(result "$1-${i}-$2" | jq -r "$3")"); done
  percentile 50 "${values[@]}"
}
total() {
  local sum=0
  for ((i = 0; i < moves; i++)); do sum=$((sum + $(result "$1-${i}-$2" | jq -r ".$3"))); done
  echo "${sum}"
}
say ""
say "Summary"
say "  freezes (ms): ${freezes[*]}; p50 $(percentile 50 "${freezes[@]}") ms, p99 $(percentile 99 "${freezes[@]}") ms (nearest rank over ${moves} moves)"
for kind in baseline move; do
  for load in writes reads; do
    say "  ${kind} ${load}: median over runs of p50 $(aggregate "${kind}" "${load}" .p50Ms) ms, p99 $(aggregate "${kind}" "${load}" .p99Ms) ms, max $(aggregate "${kind}" "${load}" .maxMs) ms (median of max; highest $(for ((i = 0; i < moves; i++)); do result "${kind}-${i}-${load}" | jq -r .maxMs; done | sort -g | tail -1) ms); median rate $(aggregate "${kind}" "${load}" '.requests / .seconds | floor')/s; 503: $(total "${kind}" "${load}" status503), other 5xx: $(total "${kind}" "${load}" status5xxOther), 4xx: $(total "${kind}" "${load}" status4xx), socket errors/timeouts: $(total "${kind}" "${load}" socketErrors)/$(total "${kind}" "${load}" timeouts)"
  done
done
say "  portal log lines naming a failure, error or exception: ${portal_errors} (${results}/portal.log)"
say "Kept in ${results}"
