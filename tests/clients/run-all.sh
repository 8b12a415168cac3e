#!/usr/bin/env bash
# Manual end-to-end run: builds Rivulet.Server, starts it in memory on free loopback ports (cleartext
# and TLS), runs the Python (boto3 + AWS CLI) and JS (SDK v3, HTTP/2) suites over http and again over
# https (trusting the certificate the server prints), then starts a second server with
# `--auth verify --credentials auth-credentials.ini` and runs the signature-verification tests
# (python/test_auth.py, js/test/auth.test.mjs) over http and https. Always stops its servers.
#
#   tests/clients/run-all.sh            build, start, run everything
#   RIVULET_ENDPOINT=http://127.0.0.1:4567 tests/clients/run-all.sh   both suites once against a running
#                                       server (RIVULET_CA_FILE, RIVULET_AUTH_VERIFY are passed on)
#   RIVULET_SKIP_BUILD=1 tests/clients/run-all.sh                     reuse the last Release build
#
# Last line: `N passed, N failed` over every run; exit status non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
project="$repo/src/Rivulet.Server"
dll="$project/bin/Release/net10.0/Rivulet.Server.dll"
credentials="$here/auth-credentials.ini"
startup_timeout_seconds=120

"$here/setup.sh"

server_pids=()
temp_files=()
cleanup() {
    local pid
    for pid in "${server_pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [ "${#temp_files[@]}" -gt 0 ]; then
        rm -f "${temp_files[@]}"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server <log> [serve flags...]: starts an in-memory server on free ports and waits for
#   rivulet listening on http://127.0.0.1:<p> and https://127.0.0.1:<tp>
#   rivulet TLS certificate: <pem>
# Sets http_endpoint, https_endpoint, cert_file.
start_server() {
    local log="$1" pid ports
    shift
    dotnet "$dll" serve --in-memory --host 127.0.0.1 --port 0 --tls-port 0 "$@" >"$log" 2>&1 &
    pid=$!
    server_pids+=("$pid")
    ports="" cert_file=""
    for _ in $(seq 1 $((startup_timeout_seconds * 10))); do
        ports="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\) and https://127\.0\.0\.1:\([0-9][0-9]*\).*|\1 \2|p' "$log" | head -n 1)"
        cert_file="$(sed -n 's|^rivulet TLS certificate: \(.*\)$|\1|p' "$log" | head -n 1)"
        [ -n "$ports" ] && [ -n "$cert_file" ] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "the server exited during startup:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [ -z "$ports" ] || [ -z "$cert_file" ]; then
        echo "no 'listening on http://… and https://…' and 'TLS certificate' lines within ${startup_timeout_seconds}s:" >&2
        cat "$log" >&2
        exit 1
    fi
    http_endpoint="http://127.0.0.1:${ports% *}"
    https_endpoint="https://127.0.0.1:${ports#* }"
    echo "server pid $pid on $http_endpoint and $https_endpoint (certificate $cert_file)${*:+ with $*}"
}

summary() { tail -n 1 "$1" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p'; }

total_passed=0 total_failed=0 any_status=0
report=()
# run_suite <label> <runner> [VAR=value...]: runs one runner with the given environment and tallies it.
run_suite() {
    local label="$1" runner="$2" out status=0 passed failed started elapsed
    shift 2
    out="$(mktemp -t rivulet-suite.XXXXXX)"
    temp_files+=("$out")
    echo "=== $label"
    started=$SECONDS
    env "$@" "$here/$runner" 2>&1 | tee "$out" || status=$?
    elapsed=$((SECONDS - started))
    read -r passed failed <<<"$(summary "$out")" || true
    passed="${passed:-0}" failed="${failed:-1}"
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1
    fi
    [ "$status" -eq 0 ] || any_status=1
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    report+=("$label: $passed passed, $failed failed (${elapsed}s)")
}

show_log_on_failure() {
    if [ "$total_failed" -ne 0 ] && [ -f "$1" ]; then
        echo "--- last output of $2 ---"
        tail -n 40 "$1" || true
    fi
}

if [ -n "${RIVULET_ENDPOINT:-}" ]; then
    # A server someone else runs: both suites once, with the caller's RIVULET_CA_FILE / RIVULET_AUTH_VERIFY.
    run_suite "python ($RIVULET_ENDPOINT)" run-python.sh RIVULET_ENDPOINT="$RIVULET_ENDPOINT"
    run_suite "js ($RIVULET_ENDPOINT)" run-js.sh RIVULET_ENDPOINT="$RIVULET_ENDPOINT"
else
    if [ -z "${RIVULET_SKIP_BUILD:-}" ]; then
        echo "building $project (Release)"
        dotnet build "$project" -c Release -nologo -v quiet
    fi
    if [ ! -f "$dll" ]; then
        echo "no server build at $dll" >&2
        exit 1
    fi

    # The suites sign with made-up keys, so they must not inherit a verifying setup.
    unset RIVULET_AUTH_VERIFY RIVULET_CREDENTIALS_FILE RIVULET_CA_FILE

    server_log="$(mktemp -t rivulet-server.XXXXXX)"
    temp_files+=("$server_log")
    start_server "$server_log"
    run_suite "python over http" run-python.sh RIVULET_ENDPOINT="$http_endpoint"
    run_suite "js over http" run-js.sh RIVULET_ENDPOINT="$http_endpoint"
    run_suite "python over https" run-python.sh RIVULET_ENDPOINT="$https_endpoint" RIVULET_CA_FILE="$cert_file"
    run_suite "js over https" run-js.sh RIVULET_ENDPOINT="$https_endpoint" RIVULET_CA_FILE="$cert_file"
    show_log_on_failure "$server_log" "the server"

    auth_log="$(mktemp -t rivulet-server-auth.XXXXXX)"
    temp_files+=("$auth_log")
    failed_before=$total_failed
    start_server "$auth_log" --auth verify --credentials "$credentials"
    for transport in http https; do
        if [ "$transport" = http ]; then
            target=(RIVULET_ENDPOINT="$http_endpoint")
        else
            target=(RIVULET_ENDPOINT="$https_endpoint" RIVULET_CA_FILE="$cert_file")
        fi
        auth=(RIVULET_AUTH_VERIFY=1 RIVULET_CREDENTIALS_FILE="$credentials")
        run_suite "python auth over $transport" run-python.sh "${target[@]}" "${auth[@]}"
        run_suite "js auth over $transport" run-js.sh "${target[@]}" "${auth[@]}"
    done
    if [ "$total_failed" -ne "$failed_before" ]; then
        echo "--- last output of the verifying server ---"
        tail -n 40 "$auth_log" || true
    fi
fi

echo "=== summary"
printf '%s\n' "${report[@]}"
echo "$total_passed passed, $total_failed failed"
if [ "$any_status" -ne 0 ] || [ "$total_failed" -ne 0 ]; then
    exit 1
fi
