#!/usr/bin/env bash
# Runs the boto3 + AWS CLI compatibility suite against $RIVULET_ENDPOINT (a running server).
# Last line of output: `N passed, N failed`; exit status non-zero on any failure.
# Extra arguments go to python/run_tests.py (e.g. -k garbled, or test_put_record.PutRecordTests).
# Also read: RIVULET_CA_FILE (the PEM to trust when the endpoint is https; exported to boto3 and the
# AWS CLI as AWS_CA_BUNDLE), RIVULET_AUTH_VERIFY=1 (the server verifies signatures: only
# python/test_auth.py runs) with RIVULET_CREDENTIALS_FILE (default: auth-credentials.ini here).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${RIVULET_ENDPOINT:-}" ]; then
    echo "RIVULET_ENDPOINT is not set (e.g. http://127.0.0.1:45678)" >&2
    echo "0 passed, 1 failed"
    exit 2
fi

# Select (or install) the clients once; later runs only source the recorded choice.
if [ ! -f "$here/.env.sh" ]; then
    "$here/setup.sh" >&2
fi
# shellcheck source=/dev/null
. "$here/.env.sh"
if ! [ -x "${RIVULET_PYTHON:-}" ] || ! [ -x "${RIVULET_AWS:-}" ]; then
    "$here/setup.sh" >&2
    # shellcheck source=/dev/null
    . "$here/.env.sh"
fi

export RIVULET_ENDPOINT RIVULET_AWS RIVULET_AWS_MAJOR
# Over https boto3 and the AWS CLI trust the server's certificate through AWS_CA_BUNDLE.
if [ -n "${RIVULET_CA_FILE:-}" ]; then
    if [ ! -r "$RIVULET_CA_FILE" ]; then
        echo "RIVULET_CA_FILE=$RIVULET_CA_FILE is not a readable file"
        echo "0 passed, 1 failed"
        exit 2
    fi
    export RIVULET_CA_FILE AWS_CA_BUNDLE="$RIVULET_CA_FILE"
fi
if [ "${RIVULET_AUTH_VERIFY:-}" = "1" ]; then
    export RIVULET_AUTH_VERIFY RIVULET_CREDENTIALS_FILE="${RIVULET_CREDENTIALS_FILE:-$here/auth-credentials.ini}"
fi
# The installed botocore may predate the model Rivulet is built from: have boto3 and the CLI load that
# model (the unmodified botocore file, symlinked from tools/Rivulet.ModelGen/model) instead.
export AWS_DATA_PATH="$here/python/model${AWS_DATA_PATH:+:$AWS_DATA_PATH}"
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# The suite should finish well inside a minute; the cap only stops a hung run (every request
# already has its own timeout).
status=0
timeout --kill-after=10 "${RIVULET_SUITE_TIMEOUT:-170}" "$RIVULET_PYTHON" "$here/python/run_tests.py" "$@" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "python suite: stopped after ${RIVULET_SUITE_TIMEOUT:-170}s"
    echo "0 passed, 1 failed"
fi
exit "$status"
