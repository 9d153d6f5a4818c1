#!/usr/bin/env bash
# Jenkins job "medicalportal-smoke-sign-in", started by the pipeline's "Smoke test: sign-in (...)" stages right after a
# red/black deploy, through the balancer (which then sends every request to the new server group only).
# Signs in with the environment's smoke-test account and proves the session works, without reading any patient data:
#   1. GET  /Account/Login           200 (the Blazor sign-in page renders)
#   2. POST /api/v1/auth/login       200 with a bearer access token and a refresh token
#   3. POST /api/v1/auth/refresh     200 with new tokens (the catalog checked the account's security stamp)
# The account: a staff account in a custom role with no rights (a new role starts with none, decision 0011), made once
# per environment with `medicalportal-cli accounts add --email ... --role ... --name ...` (password on stdin).
#
# Parameters: BASE_URL (https://..., the environment's balancer). Credentials (Jenkins credentials binding, never
# printed): SMOKE_EMAIL, SMOKE_PASSWORD. Exit code: 0 when all three checks pass, 1 otherwise.
set -euo pipefail

: "${BASE_URL:?BASE_URL is required}"
: "${SMOKE_EMAIL:?SMOKE_EMAIL is required (Jenkins credentials)}"
: "${SMOKE_PASSWORD:?SMOKE_PASSWORD is required (Jenkins credentials)}"
[[ $BASE_URL == https://* ]] || { echo "BASE_URL must be https:// (the balancer ends TLS)" >&2; exit 1; }
base=${BASE_URL%/}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl_options=(--silent --show-error --proto '=https' --max-time 30 --retry 3 --retry-connrefused)

check_status() { # name expected actual
  if [[ $3 != "$2" ]]; then
    echo "FAIL $1: HTTP $3, expected $2" >&2
    exit 1
  fi
  echo "ok   $1: HTTP $3"
}

status=$(curl "${curl_options[@]}" -o /dev/null -w '%{http_code}' "$base/Account/Login")
check_status "GET /Account/Login" 200 "$status"

# The body goes through stdin, so the password is on no command line; JSON-encoded by python3.
python3 -c 'import json, os; print(json.dumps({"email": os.environ["SMOKE_EMAIL"], "password": os.environ["SMOKE_PASSWORD"]}))' \
  >"$work/login.json"
status=$(curl "${curl_options[@]}" -o "$work/tokens.json" -w '%{http_code}' -X POST \
  -H 'Content-Type: application/json' --data-binary @- "$base/api/v1/auth/login" <"$work/login.json")
check_status "POST /api/v1/auth/login" 200 "$status"
python3 - "$work/tokens.json" "$work/refresh.json" <<'PY'
import json, sys
tokens = json.load(open(sys.argv[1]))
assert tokens.get("tokenType") == "Bearer", "tokenType is not Bearer"
assert tokens.get("accessToken"), "no accessToken"
assert tokens.get("refreshToken"), "no refreshToken"
json.dump({"refreshToken": tokens["refreshToken"]}, open(sys.argv[2], "w"))
PY
echo "ok   sign-in answered a bearer token"

status=$(curl "${curl_options[@]}" -o "$work/refreshed.json" -w '%{http_code}' -X POST \
  -H 'Content-Type: application/json' --data-binary @- "$base/api/v1/auth/refresh" <"$work/refresh.json")
check_status "POST /api/v1/auth/refresh" 200 "$status"
python3 -c 'import json, sys; assert json.load(open(sys.argv[1])).get("accessToken"), "no accessToken"' "$work/refreshed.json"
echo "sign-in smoke test passed against ${base}"
