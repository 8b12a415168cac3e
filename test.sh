#!/usr/bin/env bash
# Runs every test: installs what the real-client tests need (idempotent, quick when present),
# then the whole solution's test suite, and prints one closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")"

if [ -x tests/clients/setup.sh ]; then
  tests/clients/setup.sh
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Rivulet.slnx -c Release 2>&1 | tee "$log" || status=$?

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo
echo "tests: ${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
