#!/usr/bin/env bash
# Runs the @aws-sdk/client-kinesis (v3, HTTP/2) compatibility suite against $RIVULET_ENDPOINT.
# Last line of output: `N passed, N failed`; exit status non-zero on any failure.
# Extra arguments go to `node --test` (e.g. --test-name-pattern=HTTP/2).
# Also read: RIVULET_CA_FILE (the PEM to trust when the endpoint is https; given to node as
# NODE_EXTRA_CA_CERTS), RIVULET_AUTH_VERIFY=1 (the server verifies signatures: only
# test/auth.test.mjs runs) with RIVULET_CREDENTIALS_FILE (default: auth-credentials.ini here).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${RIVULET_ENDPOINT:-}" ]; then
    echo "RIVULET_ENDPOINT is not set (e.g. http://127.0.0.1:45678)" >&2
    echo "0 passed, 1 failed"
    exit 2
fi

if [ ! -f "$here/.env.sh" ] || [ ! -d "$here/js/node_modules/@aws-sdk/client-kinesis" ]; then
    "$here/setup.sh" >&2
fi
# shellcheck source=/dev/null
. "$here/.env.sh"
node_bin="${RIVULET_NODE:-}"
if ! [ -x "$node_bin" ]; then
    node_bin="$(command -v node || true)"
fi
if [ -z "$node_bin" ]; then
    echo "node not found (needs Node >= 20)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

tap="$(mktemp -t rivulet-js-tap.XXXXXX)"
trap 'rm -f "$tap"' EXIT

export RIVULET_ENDPOINT
# Over https the SDK trusts the server's certificate through NODE_EXTRA_CA_CERTS, which node reads
# only at start; raw connections in the tests load RIVULET_CA_FILE themselves.
if [ -n "${RIVULET_CA_FILE:-}" ]; then
    if [ ! -r "$RIVULET_CA_FILE" ]; then
        echo "RIVULET_CA_FILE=$RIVULET_CA_FILE is not a readable file"
        echo "0 passed, 1 failed"
        exit 2
    fi
    export RIVULET_CA_FILE NODE_EXTRA_CA_CERTS="$RIVULET_CA_FILE"
fi
cd "$here/js"
# A server that verifies signatures knows only the keys of the credentials file: run only the tests
# written for it (elsewhere they skip themselves).
tests=(test/*.test.mjs)
if [ "${RIVULET_AUTH_VERIFY:-}" = "1" ]; then
    export RIVULET_AUTH_VERIFY RIVULET_CREDENTIALS_FILE="${RIVULET_CREDENTIALS_FILE:-$here/auth-credentials.ini}"
    tests=(test/auth.test.mjs)
fi
status=0
# spec for people, TAP to a file for the counts. The cap only stops a hung run; every request has
# its own 30 s deadline.
timeout --kill-after=10 "${RIVULET_SUITE_TIMEOUT:-170}" \
    "$node_bin" --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@" "${tests[@]}" || status=$?

passed="$(sed -n 's/^# pass \([0-9][0-9]*\)$/\1/p' "$tap" | tail -n 1)"
failed="$(sed -n 's/^# fail \([0-9][0-9]*\)$/\1/p' "$tap" | tail -n 1)"
cancelled="$(sed -n 's/^# cancelled \([0-9][0-9]*\)$/\1/p' "$tap" | tail -n 1)"
passed="${passed:-0}"
failed=$(( ${failed:-0} + ${cancelled:-0} ))
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "js suite: stopped after ${RIVULET_SUITE_TIMEOUT:-170}s"
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1  # node itself failed (no tests ran, or the run was stopped)
fi
echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    exit 1
fi
exit 0
