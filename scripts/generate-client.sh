#!/usr/bin/env bash
# Regenerates the C# API client (clients/MedicalPortal.Client) after a change to the API: saves the OpenAPI document
# the portal serves as the client's copy and runs Kiota (the repository's dotnet tool, offline) on it. It runs the very
# test that checks the two agree (CheckedInClientTests), asking it to update them instead. Review and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 KIOTA_OFFLINE_ENABLED=true KIOTA_TUTORIAL_ENABLED=false
dotnet tool restore >/dev/null
dotnet build tests/MedicalPortal.Web.Tests --configuration Debug
MEDICALPORTAL_UPDATE_CLIENT=1 dotnet test tests/MedicalPortal.Web.Tests --no-build --configuration Debug \
  --filter "FullyQualifiedName~MedicalPortal.Web.Tests.Client.CheckedInClientTests"
dotnet build clients/MedicalPortal.Client --configuration Debug
git status --short clients/MedicalPortal.Client
