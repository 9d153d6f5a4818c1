#!/usr/bin/env bash
# Stops what deploy/local/up.sh started, by the process ids it kept: nginx, the portal's nodes, Redis, PostgreSQL.
#   deploy/local/down.sh [--dir DIR] [--purge]
# A node is asked to stop (SIGTERM: it finishes the requests in flight) and killed only if it has not within 30 s.
# --purge also deletes DIR (databases, keys, logs). Stopping what is not running is not an error.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${repo}/.deploy-local"
purge=0
while (($# > 0)); do
  case "$1" in
    --dir) [ -n "${2:-}" ] || { echo "down.sh: --dir needs a folder" >&2; exit 2; }; dir="$2"; shift 2 ;;
    --purge) purge=1; shift ;;
    -h | --help) sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "down.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -d "${dir}" ] || { echo "down.sh: nothing in ${dir}" >&2; exit 0; }
dir="$(realpath -- "${dir}")"

# Sends SIGNAL to the process in PIDFILE and waits up to SECONDS for it to end, then kills it.
stop() {
  local pidfile="$1" signal="$2" seconds="$3" pid
  [ -s "${pidfile}" ] || return 0
  pid="$(cat "${pidfile}")"
  if kill -0 "${pid}" 2>/dev/null; then
    kill "-${signal}" "${pid}" 2>/dev/null || true
    for _ in $(seq $((seconds * 10))); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "${pid}" 2>/dev/null; then
      echo "down.sh: $(basename "${pidfile}" .pid) did not stop within ${seconds} s; killing it" >&2
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  fi
  rm -f "${pidfile}"
}

stop "${dir}/pids/nginx.pid" QUIT 10
for pidfile in "${dir}"/pids/node-*.pid; do
  [ -e "${pidfile}" ] && stop "${pidfile}" TERM 30
done
stop "${dir}/pids/redis.pid" TERM 10
if [ -d "${dir}/postgres" ]; then
  "${repo}/scripts/postgres.sh" down --dir "${dir}/postgres" 2>/dev/null || true
fi
if ((purge)); then
  rm -rf "${dir}"
  echo "Stopped, and deleted ${dir}."
else
  echo "Stopped. The data stays in ${dir} for the next up (--purge deletes it)."
fi
