#!/usr/bin/env bash
# Runs the browser check against $RIVULET_ENDPOINT: headless Chromium (Debian's) loads a page from
# another loopback origin that calls Rivulet through the browser build of @aws-sdk/client-kinesis v3,
# so every call needs CORS. See browser/run.mjs. Last line: `N passed, N failed`; non-zero on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${RIVULET_ENDPOINT:-}" ]; then
    echo "RIVULET_ENDPOINT is not set (e.g. http://127.0.0.1:45678)" >&2
    echo "0 passed, 1 failed"
    exit 2
fi

export RIVULET_CHROMIUM="${RIVULET_CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"
if [ ! -f "$here/.env.sh" ] || [ ! -x "$RIVULET_CHROMIUM" ] \
    || [ ! -d "$here/browser/node_modules/@aws-sdk/client-kinesis" ] || [ ! -d "$here/browser/node_modules/esbuild" ]; then
    "$here/setup.sh" >&2
    RIVULET_CHROMIUM="$(command -v chromium || echo "$RIVULET_CHROMIUM")"
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

# run.mjs kills Chromium itself; this covers run.mjs being killed before it could. Chromium's
# profile and temporary files go to a scratch directory (TMPDIR) removed on the way out.
scratch="$(mktemp -d -t rivulet-browser.XXXXXX)"
pidfile="$scratch/chromium.pid"
cleanup() {
    local pid
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export RIVULET_ENDPOINT RIVULET_BROWSER_PIDFILE="$pidfile" TMPDIR="$scratch"
status=0
# The page bounds each call (10 s) and run.mjs the whole page (45 s); this only stops a hung driver.
timeout --kill-after=5 "${RIVULET_SUITE_TIMEOUT:-90}" "$node_bin" "$here/browser/run.mjs" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "browser check: run.mjs was stopped (status $status; the cap is ${RIVULET_SUITE_TIMEOUT:-90}s)"
    echo "0 passed, 1 failed"
fi
exit "$status"
