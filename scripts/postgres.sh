#!/usr/bin/env bash
# PostgreSQL clusters of one's own on free loopback ports: one for the catalog and one per shard, to run the portal on
# PostgreSQL, or (--test) the servers for the tests on real PostgreSQL, which test.sh starts and stops around a run.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
Usage:
  scripts/postgres.sh up   [--dir DIR] [--clusters N] [--test]
  scripts/postgres.sh env  [--dir DIR] [--test]
  scripts/postgres.sh down [--dir DIR] [--test]

up    Creates N clusters in DIR (default 3: a catalog cluster and N-1 shard clusters), starts them on free loopback
      ports, creates medicalportal_catalog on cluster 0 and medicalportal_shard_0, _1, ... on clusters 1..N-1 (all
      on cluster 0 when N is 1), and prints the environment that runs the portal on them:
        eval "$(scripts/postgres.sh up)"
        dotnet run --project MedicalPortal.Web
      Clusters already running are left as they are and their environment printed again.
env   Prints the same export lines again for the running clusters.
down  Stops the clusters (fast shutdown). DIR keeps their data for the next up; delete it to start afresh.

--test      Clusters for a test run: no databases (the tests create their own), durability off (fsync,
            synchronous_commit, full_page_writes), and one line instead of the portal's settings:
              export MEDICALPORTAL_TEST_POSTGRES="Host=127.0.0.1;Port=P0;Username=postgres,..."
            (the catalog's server first). Their down deletes their data, and DIR once nothing else is left in it.
            For env and down it only picks the default DIR.
--dir DIR   Where the clusters live. Default: .postgres/ in the repository (--test: .postgres-test/).
--clusters  How many clusters up creates (N >= 1, default 3); a DIR that has clusters keeps its own number.

Only the export lines go to stdout; progress goes to stderr. Run as root, the clusters run as the postgres user
(PostgreSQL refuses root), so that user must be able to reach DIR: under /tmp, or the repository's own folder.
Needs the Debian package postgresql (test.sh installs it when run as root).
EOF
}

fail() {
  echo "postgres.sh: $*" >&2
  exit 1
}

bad_argument() {
  echo "postgres.sh: $*" >&2
  usage
  exit 2
}

repo="$(cd "$(dirname "$0")/.." && pwd)"

action="${1:-}"
case "${action}" in
  up | env | down) shift ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  "") bad_argument "say up, env or down" ;;
  *) bad_argument "unknown command: ${action}" ;;
esac

dir=""
clusters=""
test_mode=0
while (($# > 0)); do
  case "$1" in
    --dir)
      if (($# < 2)) || [ -z "$2" ]; then bad_argument "--dir needs a folder"; fi
      dir="$2"
      shift 2
      ;;
    --clusters)
      [ "${action}" = up ] || bad_argument "--clusters is for up only"
      if (($# < 2)) || ! [[ "$2" =~ ^[1-9][0-9]{0,2}$ ]]; then bad_argument "--clusters needs a number from 1"; fi
      clusters="$2"
      shift 2
      ;;
    --test)
      test_mode=1
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) bad_argument "unknown argument: $1" ;;
  esac
done

if [ -z "${dir}" ]; then
  if ((test_mode)); then dir="${repo}/.postgres-test"; else dir="${repo}/.postgres"; fi
fi
dir="$(realpath -m -- "${dir}")"
state_file="${dir}/postgres.state"

# Runs initdb or pg_ctl with its output to OUTPUT. They refuse to run as root: as root they run as the postgres user
# (the package creates it), from / so that a current folder closed to that user does not trouble them. The output is
# redirected inside the subshell on purpose: a redirection of a function call stays in force in this shell while a
# trap runs, and would swallow the messages of up's cleanup after a Ctrl-C.
server_tool() {
  local output="$1"
  shift
  (
    exec >"${output}" 2>&1
    cd /
    if [ "$(id -u)" -eq 0 ]; then exec runuser -u postgres -- "$@"; fi
    exec "$@"
  )
}

# The newest installed server; Debian keeps it off PATH, under /usr/lib/postgresql/VERSION/bin.
server_bin() {
  local initdb
  initdb="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)"
  [ -n "${initdb}" ] || fail "PostgreSQL is not installed: apt-get install -y postgresql (test.sh does it when run as root)."
  dirname "${initdb}"
}

# The state file: key=value lines, mode, clusters, and port.I / pid.I per cluster.
declare -A state=()

load_state() {
  [ -f "${state_file}" ] || return 1
  local key value
  while IFS='=' read -r key value; do
    [ -n "${key}" ] && state["${key}"]="${value}"
  done <"${state_file}"
}

save_state() {
  local key
  for key in "${!state[@]}"; do
    echo "${key}=${state[${key}]}"
  done | sort >"${state_file}.new"
  mv "${state_file}.new" "${state_file}"
}

cluster_dir() { echo "${dir}/cluster-$1"; }

is_running() { server_tool /dev/null "${bin}/pg_ctl" -D "$(cluster_dir "$1")" status; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nothing listens on: the kernel's pick (bind to port 0) where python3 is, else a random one that refuses a
# connection. Someone may take it before the cluster binds it: up then tries another.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! port_taken "${port}"; then
      echo "${port}"
      return
    fi
  done
}

# The shards' layout, as the test support lays them out too: shard S on cluster 1 + S, or all on cluster 0 alone.
shard_count() { if ((state[clusters] == 1)); then echo 1; else echo $((state[clusters] - 1)); fi; }
shard_cluster() { if ((state[clusters] == 1)); then echo 0; else echo $((1 + $1)); fi; }

server() { echo "Host=127.0.0.1;Port=${state[port.$1]};Username=postgres"; }

print_env() {
  local i s servers=()
  if [ "${state[mode]}" = test ]; then
    for ((i = 0; i < state[clusters]; i++)); do servers+=("$(server "${i}")"); done
    local IFS=,
    echo "export MEDICALPORTAL_TEST_POSTGRES=\"${servers[*]}\""
    return
  fi
  echo "export Database__Provider=Postgres"
  echo "export Database__Catalog=\"$(server 0);Database=medicalportal_catalog\""
  for ((s = 0; s < $(shard_count); s++)); do
    echo "export Database__Shards__${s}__Name=shard-${s}"
    echo "export Database__Shards__${s}__ConnectionString=\"$(server "$(shard_cluster "${s}")");Database=medicalportal_shard_${s}\""
  done
}

initdb_cluster() {
  local i="$1" data
  data="$(cluster_dir "$1")"
  echo "Creating cluster ${i} in ${data}" >&2
  local no_sync=()
  [ "${state[mode]}" = test ] && no_sync=(--no-sync)
  if ! server_tool "${dir}/cluster-${i}.initdb.log" \
    "${bin}/initdb" -D "${data}" -U postgres --auth=trust -E UTF8 --no-locale "${no_sync[@]}"; then
    cat "${dir}/cluster-${i}.initdb.log" >&2
    fail "initdb failed for cluster ${i}"
  fi
}

# The settings of a cluster, added to its postgresql.conf once. TCP on loopback only: the portal and the tests connect
# over TCP, and a socket file in a deep DIR would pass the 107-byte limit of its path.
configure_cluster() {
  local conf
  conf="$(cluster_dir "$1")/postgresql.conf"
  if grep -qxF "# scripts/postgres.sh" "${conf}"; then
    return
  fi
  {
    echo "# scripts/postgres.sh"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = ''"
    echo "max_connections = 200"
    if [ "${state[mode]}" = test ]; then
      echo "# A test run's clusters die with it: nothing to make durable, and the tests create and drop many databases."
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >>"${conf}"
}

start_cluster() {
  local i="$1" data port attempt
  data="$(cluster_dir "$1")"
  port="${state[port.${i}]:-}"
  if [ -n "${port}" ] && port_taken "${port}"; then
    echo "Port ${port} of cluster ${i} is taken now: it gets another" >&2
    port=""
  fi
  for attempt in 1 2 3; do
    port="${port:-$(free_port)}"
    echo "Starting cluster ${i} on 127.0.0.1:${port}" >&2
    if server_tool /dev/null "${bin}/pg_ctl" -D "${data}" -l "${dir}/cluster-${i}.log" -o "-p ${port}" -w -t 60 start; then
      state["port.${i}"]="${port}"
      state["pid.${i}"]="$(head -n 1 "${data}/postmaster.pid")"
      save_state
      return
    fi
    echo "Cluster ${i} did not start on port ${port} (attempt ${attempt}); its log:" >&2
    tail -n 5 "${dir}/cluster-${i}.log" >&2 || true
    port=""
  done
  fail "cluster ${i} did not start; see ${dir}/cluster-${i}.log"
}

ensure_database() {
  local port="$1" name="$2"
  if [ -z "$("${bin}/psql" -X -h 127.0.0.1 -p "${port}" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '${name}'")" ]; then
    echo "Creating database ${name} on port ${port}" >&2
    "${bin}/createdb" -h 127.0.0.1 -p "${port}" -U postgres "${name}"
  fi
}

create_databases() {
  local s
  ensure_database "${state[port.0]}" medicalportal_catalog
  for ((s = 0; s < $(shard_count); s++)); do
    ensure_database "${state[port.$(shard_cluster "${s}")]}" "medicalportal_shard_${s}"
  done
}

# Stops one cluster by its data folder; when pg_ctl cannot (the folder gone, say), by the postmaster's pid, once sure
# that this pid still is that postmaster. (No early return: it also runs in up's EXIT trap.)
stop_cluster() {
  local i="$1" data pid
  data="$(cluster_dir "$1")"
  pid="${state[pid.${i}]:-}"
  if [ -f "${data}/postmaster.pid" ]; then
    echo "Stopping cluster ${i}" >&2
    if server_tool /dev/null "${bin}/pg_ctl" -D "${data}" -m fast -w -t 60 stop; then
      pid=""
    elif [ -f "${data}/postmaster.pid" ]; then
      pid="$(head -n 1 "${data}/postmaster.pid")"
    fi
  fi
  if [ -n "${pid}" ] && tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "-D ${data} "; then
    echo "Stopping cluster ${i} by its postmaster's pid ${pid}" >&2
    kill -INT "${pid}" 2>/dev/null || true
    local waited=0
    while kill -0 "${pid}" 2>/dev/null && ((waited++ < 50)); do sleep 0.2; done
    kill -KILL "${pid}" 2>/dev/null || true
  fi
}

stop_all() {
  local i
  for ((i = 0; i < state[clusters]; i++)); do stop_cluster "${i}"; done
  if [ "${state[mode]}" = test ]; then
    for ((i = 0; i < state[clusters]; i++)); do
      rm -rf -- "$(cluster_dir "${i}")" "${dir}/cluster-${i}.log" "${dir}/cluster-${i}.initdb.log"
    done
    rm -f -- "${state_file}"
    rmdir -- "${dir}" 2>/dev/null || true
  fi
}

# The clusters this up started, for its EXIT trap (which may run outside up, after a fail).
started=()

# The EXIT trap of up: stops the clusters a failed up started, rather than leave servers nobody knows of.
abandon_up() {
  local status=$? i
  # A second Ctrl-C (or a signal sent to the whole process group twice, as timeout does) must not cut this short.
  trap '' HUP INT TERM
  if ((status != 0)) && ((${#started[@]} > 0)); then
    echo "up failed: stopping the clusters it started" >&2
    for i in "${started[@]}"; do stop_cluster "${i}"; done
  fi
}

mode_wanted() { if ((test_mode)); then echo test; else echo portal; fi; }

up() {
  if load_state; then
    [ "${state[mode]}" = "$(mode_wanted)" ] ||
      fail "${dir} holds ${state[mode]} clusters, not $(mode_wanted) ones: choose another --dir"
    if [ -n "${clusters}" ] && ((clusters != state[clusters])); then
      echo "${dir} has ${state[clusters]} clusters already: keeping them" >&2
    fi
  else
    state[mode]="$(mode_wanted)"
    state[clusters]="${clusters:-3}"
  fi

  # DIR becomes the clusters' own (as root: the postgres user's, mode 700), so never a folder that holds anything else.
  if [ ! -f "${state_file}" ] && [ -d "${dir}" ] && [ -n "$(ls -A -- "${dir}")" ]; then
    fail "${dir} is not empty and holds no clusters of this script: choose a new or empty --dir"
  fi
  local created=0
  [ -d "${dir}" ] || created=1
  mkdir -p -- "${dir}"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "${dir}"
    chmod 700 "${dir}"
    if ! (cd / && runuser -u postgres -- test -w "${dir}" -a -x "${dir}"); then
      ((created)) && rmdir -- "${dir}"
      fail "the postgres user cannot reach ${dir} (a folder above it is closed to it): choose a --dir under /tmp"
    fi
  fi
  save_state

  # A failed or interrupted up stops what it started. A signal becomes an exit, so that the EXIT trap sees a failure
  # (bash would run it with the last command's status).
  local i
  started=()
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap abandon_up EXIT
  for ((i = 0; i < state[clusters]; i++)); do
    [ -f "$(cluster_dir "${i}")/PG_VERSION" ] || initdb_cluster "${i}"
    configure_cluster "${i}"
    if ! is_running "${i}"; then
      started+=("${i}")
      start_cluster "${i}"
    fi
  done
  if ((${#started[@]} == 0)); then
    echo "Already running in ${dir}" >&2
  fi
  [ "${state[mode]}" = test ] || create_databases
  trap - EXIT HUP INT TERM
  print_env
}

env_of_running() {
  load_state || fail "no clusters in ${dir}: scripts/postgres.sh up starts them"
  local i
  for ((i = 0; i < state[clusters]; i++)); do
    is_running "${i}" || fail "cluster ${i} in ${dir} is not running: scripts/postgres.sh up starts it"
  done
  print_env
}

down() {
  if ! load_state; then
    echo "No clusters in ${dir}: nothing to stop" >&2
    return
  fi
  stop_all
}

bin="$(server_bin)"
case "${action}" in
  up) up ;;
  env) env_of_running ;;
  down) down ;;
esac
