#!/usr/bin/env bash
# The README's test command. On a fresh machine it installs what the tests need (Debian's Chromium for the
# end-to-end tests, redis-server for the cache tests, nginx, Node and PostgreSQL, when run as root), builds with warnings
# as errors, starts this run's own PostgreSQL servers, and runs every test project in turn:
# unit (Core), integration on real SQLite files, a real Redis and real PostgreSQL (Data), API over HTTP, two-node and
# bUnit (Web), e2e in real Chromium (the local topology of deploy/local among them: nginx, two nodes, Redis, PostgreSQL),
# a scan of everything the portals logged meanwhile for patient data, and last the deployment's offline checks
# (deploy/checks: Terraform, Spinnaker). The PostgreSQL servers stop when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")"

# Chromium for the end-to-end tests; redis-server for the cache tests, which start and stop their own servers (the
# package's own service stays off); nginx for the end-to-end test of the local topology (deploy/local/up.sh runs its own).
scripts/require-packages.sh chromium redis-server nginx node:nodejs npm
# PostgreSQL for the tests on real PostgreSQL; Debian keeps initdb off PATH, so look for it where the package puts it.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || scripts/require-packages.sh initdb:postgresql

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore MedicalPortal.sln
dotnet build MedicalPortal.sln --no-restore --configuration Debug

# Every provider's migrations are current: a model change that lacks its migration for one provider stops the run here.
dotnet tool restore >/dev/null
for provider in Sqlite Postgres SqlServer; do
  for database in Catalog Shard; do
    dotnet ef migrations has-pending-model-changes --no-build --configuration Debug --project MedicalPortal.Data \
      --startup-project MedicalPortal.Web --context "${provider}${database}DbContext"
  done
done

# This run's PostgreSQL servers: the catalog's and two shards', on free loopback ports; each test creates and drops its
# own databases on them. The trap stops them (by data folder, else by pid) and deletes them however the run ends; a second
# Ctrl-C does not cut that short.
postgres_dir="$(mktemp -d)"
trap 'trap "" HUP INT TERM; scripts/postgres.sh down --dir "${postgres_dir}"' EXIT
postgres_env="$(scripts/postgres.sh up --test --clusters 3 --dir "${postgres_dir}")"
eval "${postgres_env}" # export MEDICALPORTAL_TEST_POSTGRES=...

# axe-core, which the end-to-end tests inject into each page they visit (the accessibility checks).
(cd e2e/accessibility && npm ci --no-audit --no-fund --loglevel=error)
# Redocly, which lints the OpenAPI document the portal serves (tests/MedicalPortal.Web.Tests/Api/OpenApiDocumentTests).
(cd openapi && npm ci --no-audit --no-fund --loglevel=error)

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
# Each project's console output is also kept, so that the end of the run can name the tests that failed (a CI log may
# show only its last lines).
outputs="$(mktemp -d)"
failed=()
for project in "${projects[@]}"; do
  echo
  echo "=== ${project}"
  if ! dotnet test "${project}" --no-build --configuration Debug --blame-hang-timeout 10m \
      --logger "console;verbosity=minimal" 2>&1 | tee "${outputs}/$(basename "${project}").txt"; then
    failed+=("${project}")
  fi
done

# The deployment's offline checks (Node): the Terraform against the AWS provider's schema and the policy rules, the
# Spinnaker pipeline's structure; each rule is also broken on a copy to see the check fail.
echo
echo "=== deploy/checks"
if ! (cd deploy/checks && npm ci --no-audit --no-fund --loglevel=error && npm test); then
  failed+=("deploy/checks")
fi

echo
if ((${#failed[@]} > 0)); then
  echo "Tests that failed, and why:" >&2
  grep -h -A 2 -E '^[[:space:]]*Failed [A-Za-z]' "${outputs}"/*.txt | head -n 60 >&2 || true
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "All tests passed."
