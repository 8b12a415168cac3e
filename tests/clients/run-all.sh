#!/usr/bin/env bash
# Manual end-to-end run: builds Rivulet.Server, starts it in memory on a free loopback port, runs the
# Python (boto3 + AWS CLI) and JS (SDK v3, HTTP/2) suites against it, and always stops the server.
#
#   tests/clients/run-all.sh            build, start, run both suites
#   RIVULET_ENDPOINT=http://127.0.0.1:4567 tests/clients/run-all.sh   use a server that is already running
#   RIVULET_SKIP_BUILD=1 tests/clients/run-all.sh                     reuse the last Release build
#
# Last line: `N passed, N failed` over both suites; exit status non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
project="$repo/src/Rivulet.Server"
dll="$project/bin/Release/net10.0/Rivulet.Server.dll"
startup_timeout_seconds=120

"$here/setup.sh"

server_pid=""
server_log=""
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "$server_log" ]; then
        rm -f "$server_log"
    fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

if [ -z "${RIVULET_ENDPOINT:-}" ]; then
    if [ -z "${RIVULET_SKIP_BUILD:-}" ]; then
        echo "building $project (Release)"
        dotnet build "$project" -c Release -nologo -v quiet
    fi
    if [ ! -f "$dll" ]; then
        echo "no server build at $dll" >&2
        exit 1
    fi

    server_log="$(mktemp -t rivulet-server.XXXXXX)"
    dotnet "$dll" serve --in-memory --host 127.0.0.1 --port 0 --tls-port 0 >"$server_log" 2>&1 &
    server_pid=$!

    port=""
    for _ in $(seq 1 $((startup_timeout_seconds * 10))); do
        port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$server_log" | head -n 1)"
        [ -n "$port" ] && break
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "the server exited during startup:" >&2
            cat "$server_log" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "no 'listening on' line within ${startup_timeout_seconds}s:" >&2
        cat "$server_log" >&2
        exit 1
    fi
    export RIVULET_ENDPOINT="http://127.0.0.1:$port"
    echo "server pid $server_pid on $RIVULET_ENDPOINT"
fi
export RIVULET_ENDPOINT

summary() { tail -n 1 "$1" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p'; }

py_out="$(mktemp -t rivulet-py.XXXXXX)"
js_out="$(mktemp -t rivulet-js.XXXXXX)"
trap 'rm -f "$py_out" "$js_out"; stop_server' EXIT

py_status=0
"$here/run-python.sh" 2>&1 | tee "$py_out" || py_status=$?
js_status=0
"$here/run-js.sh" 2>&1 | tee "$js_out" || js_status=$?

read -r py_passed py_failed <<<"$(summary "$py_out")" || true
read -r js_passed js_failed <<<"$(summary "$js_out")" || true
py_passed="${py_passed:-0}" py_failed="${py_failed:-1}"
js_passed="${js_passed:-0}" js_failed="${js_failed:-1}"

if [ -n "$server_log" ] && [ $((py_failed + js_failed)) -ne 0 ]; then
    echo "--- last server output ---"
    tail -n 40 "$server_log" || true
fi
echo "python: $py_passed passed, $py_failed failed; js: $js_passed passed, $js_failed failed"
echo "$((py_passed + js_passed)) passed, $((py_failed + js_failed)) failed"
if [ "$py_status" -ne 0 ] || [ "$js_status" -ne 0 ] || [ $((py_failed + js_failed)) -ne 0 ]; then
    exit 1
fi
