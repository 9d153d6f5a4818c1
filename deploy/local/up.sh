#!/usr/bin/env bash
# The production topology on one machine, one command:
#   deploy/local/up.sh [--port 8080] [--dir DIR] [--nodes 2]
# nginx on http://127.0.0.1:PORT (sticky sessions, WebSocket upgrade) in front of NODES Release nodes of the portal,
# Redis (with a password, as ElastiCache has one), a PostgreSQL catalog and two PostgreSQL shards on clusters of their
# own: all on loopback, all processes of this script (no system service), their pids kept in DIR. nginx, Redis and
# PostgreSQL come from Debian packages, installed when missing (as root). It exits once the site answers through nginx,
# printing the URL and how to sign in; deploy/local/down.sh stops everything it started, by process id.
#
# The nodes run in the Development environment for the demo accounts and patients (outside Development no account
# exists); everything else is as in production: Release build, explicit shared keys, Redis, PostgreSQL, Data Protection
# keys shared through the catalog and encrypted there to a certificate of DIR's, forwarded headers from the proxy.
# docs/DEPLOYMENT.md says more.
#
# DIR (default .deploy-local/ in the repository) keeps the databases, keys and logs between runs: up after down
# serves the same data; down.sh --purge deletes it. If anything fails on the way up, what was started is stopped again.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "${repo}"

port=8080
dir="${repo}/.deploy-local"
nodes=2
usage() { sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; }
while (($# > 0)); do
  case "$1" in
    --port) [[ "${2:-}" =~ ^[0-9]{2,5}$ ]] || { usage; exit 2; }; port="$2"; shift 2 ;;
    --dir) [ -n "${2:-}" ] || { usage; exit 2; }; dir="$2"; shift 2 ;;
    --nodes) [[ "${2:-}" =~ ^[1-9]$ ]] || { usage; exit 2; }; nodes="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "up.sh: unknown argument '$1'" >&2; usage; exit 2 ;;
  esac
done
mkdir -p "${dir}"
dir="$(realpath -- "${dir}")"
say() { echo "up.sh: $*" >&2; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ -f "${dir}/pids/nginx.pid" ] && kill -0 "$(cat "${dir}/pids/nginx.pid")" 2>/dev/null; then
  echo "up.sh: the topology in ${dir} is running already (deploy/local/down.sh --dir ${dir} stops it)." >&2
  exit 1
fi
if port_taken "${port}"; then
  echo "up.sh: port ${port} is taken; choose another with --port." >&2
  exit 1
fi

# Whatever fails from here stops what was started.
trap 'status=$?; if ((status != 0)); then say "failed; stopping what was started"; "${repo}/deploy/local/down.sh" --dir "${dir}" >&2 || true; fi' EXIT

scripts/require-packages.sh nginx redis-server python3 curl openssl
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || scripts/require-packages.sh initdb:postgresql
mkdir -p "${dir}/pids" "${dir}/logs" "${dir}/exports" "${dir}/redis" "${dir}/nginx"

# 1. The portal, published in Release (what the image carries in production).
say "publishing the portal (Release)"
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish MedicalPortal.Web -c Release -o "${dir}/portal" --nologo -v quiet >"${dir}/logs/publish.log" 2>&1 ||
  { cat "${dir}/logs/publish.log" >&2; exit 1; }

# 2. PostgreSQL: a catalog cluster and two shard clusters (their own servers, as RDS instances are).
say "starting PostgreSQL (catalog and two shards)"
postgres_env="$(scripts/postgres.sh up --dir "${dir}/postgres" --clusters 3 2>>"${dir}/logs/postgres.log")"
eval "${postgres_env}"

# 3. Redis with a password, persisting nothing (a cache).
if [ ! -f "${dir}/redis/password" ]; then
  (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(24))' >"${dir}/redis/password")
fi
redis_port="$(free_port)"
say "starting Redis on 127.0.0.1:${redis_port}"
redis_password="$(cat "${dir}/redis/password")"
redis-server - >>"${dir}/logs/redis.log" 2>&1 <<EOF
port ${redis_port}
bind 127.0.0.1
daemonize yes
dir ${dir}/redis
pidfile ${dir}/pids/redis.pid
logfile ${dir}/logs/redis.log
save ""
appendonly no
requirepass ${redis_password}
EOF
for _ in $(seq 50); do [ -s "${dir}/pids/redis.pid" ] && port_taken "${redis_port}" && break; sleep 0.1; done
port_taken "${redis_port}" || { say "Redis did not start; see ${dir}/logs/redis.log"; exit 1; }

# 4. The keys every node shares (the audit HMAC key and the export pseudonym key), made once, readable by the owner only.
if [ ! -f "${dir}/keys.env" ]; then
  (
    umask 077
    echo "export Audit__HmacKey=$(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
    echo "export Export__PseudonymKey=$(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
  ) >"${dir}/keys.env"
fi
# shellcheck disable=SC1091
source "${dir}/keys.env"
# The certificate that encrypts the Data Protection keys in the catalog: self-signed RSA, its private key in the same
# PEM file, made once (replacing it would leave the keys encrypted to the old one unreadable; decision 0030).
if [ ! -f "${dir}/data-protection.pem" ]; then
  (
    umask 077
    work="$(mktemp -d "${dir}/data-protection.XXXXXX")"
    openssl req -x509 -newkey rsa:3072 -noenc -days 3650 -subj "/CN=MedicalPortal local topology" \
      -keyout "${work}/key.pem" -out "${work}/cert.pem" 2>/dev/null
    cat "${work}/cert.pem" "${work}/key.pem" >"${work}/data-protection.pem"
    mv "${work}/data-protection.pem" "${dir}/data-protection.pem"
    rm -rf "${work}"
  )
fi
export DataProtection__Certificate="${dir}/data-protection.pem"

# 5. The nodes, one after the other: the first migrates and seeds the demo data, the second finds them done.
export ASPNETCORE_ENVIRONMENT=Development DOTNET_CLI_TELEMETRY_OPTOUT=1
export Cache__Redis="127.0.0.1:${redis_port},password=${redis_password},abortConnect=false"
export Export__Directory="${dir}/exports"
export Audit__AnchorDirectory="${dir}/audit-anchors"
export Proxy__KnownProxies__0=127.0.0.1
export Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true
upstreams=""
for ((n = 1; n <= nodes; n++)); do
  node_port="$(free_port)"
  say "starting node ${n} on 127.0.0.1:${node_port}"
  (
    cd "${dir}/portal"
    exec setsid dotnet MedicalPortal.Web.dll --urls "http://127.0.0.1:${node_port}" </dev/null >>"${dir}/logs/node-${n}.log" 2>&1
  ) &
  echo $! >"${dir}/pids/node-${n}.pid"
  echo "${node_port}" >"${dir}/pids/node-${n}.port"
  for _ in $(seq 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:${node_port}/health/ready" 2>/dev/null && break
    kill -0 "$(cat "${dir}/pids/node-${n}.pid")" 2>/dev/null || { say "node ${n} stopped; its log:"; tail -n 20 "${dir}/logs/node-${n}.log" >&2; exit 1; }
    sleep 0.2
  done
  curl -fsS -o /dev/null "http://127.0.0.1:${node_port}/health/ready" ||
    { say "node ${n} did not become ready in 120 s; see ${dir}/logs/node-${n}.log"; exit 1; }
  upstreams+="    server 127.0.0.1:${node_port} max_fails=1 fail_timeout=10s;"$'\n'
done

# 6. nginx in front. Stickiness: a random, non-secret routing cookie that nginx hands out on a browser's first request
# and hashes (consistent hashing: adding a node moves few browsers); a node that does not answer is skipped, and the
# browser's next node is the next one on the ring. WebSockets (Blazor Server's circuits) are upgraded and kept for an
# hour idle. X-Upstream names the node that answered, for the end-to-end test and for whoever debugs stickiness.
user_line=""
if [ "$(id -u)" -eq 0 ]; then
  user_line="user www-data;"
  mkdir -p "${dir}/nginx/tmp"
  chown -R www-data: "${dir}/nginx/tmp"
fi
cat >"${dir}/nginx/nginx.conf" <<EOF
${user_line}
worker_processes 1;
pid ${dir}/pids/nginx.pid;
error_log ${dir}/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/logs/nginx-access.log;
  client_body_temp_path ${dir}/nginx/tmp/body;
  proxy_temp_path ${dir}/nginx/tmp/proxy;
  fastcgi_temp_path ${dir}/nginx/tmp/fastcgi;
  uwsgi_temp_path ${dir}/nginx/tmp/uwsgi;
  scgi_temp_path ${dir}/nginx/tmp/scgi;
  server_tokens off;

  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  map \$cookie_mp_route \$route { '' \$request_id; default \$cookie_mp_route; }
  map \$cookie_mp_route \$route_cookie { '' "mp_route=\$request_id; Path=/; HttpOnly; SameSite=Lax"; default ''; }

  upstream portal {
    hash \$route consistent;
${upstreams}  }

  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_next_upstream error timeout http_502 http_503;
      add_header Set-Cookie \$route_cookie always;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
EOF
say "starting nginx on 127.0.0.1:${port}"
nginx -c "${dir}/nginx/nginx.conf" -p "${dir}/nginx" -e "${dir}/logs/nginx-error.log"
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:${port}/health/ready" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:${port}/health/ready" || { say "the site does not answer through nginx; see ${dir}/logs"; exit 1; }

trap - EXIT
cat <<EOF
MedicalPortal is up: http://127.0.0.1:${port}/
  ${nodes} nodes behind nginx, Redis, a PostgreSQL catalog and two PostgreSQL shards; data, keys and logs in ${dir}
  Sign in as doctor@clinic.test (or admin@, nurse@, reception@, researcher@, patient@clinic.test),
  password Clinic-Demo-2026! (the demo accounts).
  Stop it with: deploy/local/down.sh$([ "${dir}" = "${repo}/.deploy-local" ] || echo " --dir ${dir}")
EOF
