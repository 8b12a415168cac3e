#!/usr/bin/env bash
# Makes the real AWS clients available for the compatibility tests and records which ones were
# chosen in tests/clients/.env.sh (git-ignored), which run-python.sh and run-js.sh source.
#
# Idempotent and quick when everything is present: three probes, no network.
#   python: the first python3 that can `import boto3`; otherwise apt-get install python3-boto3.
#   aws:    the CLI next to that python (same botocore), else the one on PATH, else apt-get install awscli.
#   js:     `npm ci` in tests/clients/js only when node_modules/@aws-sdk/client-kinesis is missing.
#   go:     go/setup-go.sh: Debian's golang-go and AWS SDK for Go v1/v2 packages, the test programs built when changed.
# Works as root without a TTY; as another user it uses `sudo -n` for apt-get when available.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
env_file="$here/.env.sh"

log() { printf 'setup: %s\n' "$*" >&2; }

# Runners may call this concurrently (e.g. from parallel xUnit tests): serialise installs.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$here/.setup.lock"
    flock -w 600 9 || { log "timed out waiting for another setup.sh"; exit 1; }
fi

# shellcheck source=apt-install.sh
. "$here/apt-install.sh"

# Prints the real interpreter path (not a pyenv shim) when $1 can import boto3.
python_with_boto3() {
    "$1" -c 'import sys, boto3; print(sys.executable)' 2>/dev/null
}

# Prints "<major> <version line>" when $1 is a working AWS CLI.
aws_cli_version() {
    local out
    out="$("$1" --version 2>&1)" || return 1
    case "$out" in
        aws-cli/*) printf '%s %s\n' "$(printf '%s' "$out" | sed -E 's|^aws-cli/([0-9]+).*|\1|')" "$out" ;;
        *) return 1 ;;
    esac
}

# --- python + boto3 ---------------------------------------------------------------------------
python_bin=""
if command -v python3 >/dev/null 2>&1; then
    python_bin="$(python_with_boto3 python3 || true)"
fi
if [ -z "$python_bin" ]; then
    apt_install python3-boto3
    python_bin="$(python_with_boto3 /usr/bin/python3 || true)"
    if [ -z "$python_bin" ]; then
        log "python3-boto3 installed but /usr/bin/python3 still cannot import boto3"
        exit 1
    fi
fi

# --- cbor2, the independent CBOR codec of test_cbor.py ------------------------------------------
# Debian's python3-cbor2 serves the chosen interpreter too (test_cbor.py falls back to its path).
cbor2_importable() {
    "$python_bin" -c 'import sys; sys.path.append("/usr/lib/python3/dist-packages"); import cbor2' 2>/dev/null
}
if ! cbor2_importable; then
    apt_install python3-cbor2
    if ! cbor2_importable; then
        log "python3-cbor2 installed but $python_bin cannot import cbor2"
        exit 1
    fi
fi

# --- AWS CLI -----------------------------------------------------------------------------------
aws_bin=""
aws_major=""
aws_version=""
candidates=("$(dirname "$python_bin")/aws")
if command -v aws >/dev/null 2>&1; then
    candidates+=("$(command -v aws)")
fi
candidates+=(/usr/bin/aws /usr/local/bin/aws)
for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    if version="$(aws_cli_version "$candidate")"; then
        aws_bin="$candidate"
        aws_major="${version%% *}"
        aws_version="${version#* }"
        break
    fi
done
if [ -z "$aws_bin" ]; then
    apt_install awscli
    if version="$(aws_cli_version /usr/bin/aws)"; then
        aws_bin=/usr/bin/aws
        aws_major="${version%% *}"
        aws_version="${version#* }"
    else
        log "awscli installed but /usr/bin/aws does not run"
        exit 1
    fi
fi

# --- JS SDK v3 ---------------------------------------------------------------------------------
node_bin="$(command -v node || true)"
if [ -z "$node_bin" ]; then
    log "node not found; the JS suite cannot run (needs Node >= 20)"
elif [ ! -d "$here/js/node_modules/@aws-sdk/client-kinesis" ] || [ ! -d "$here/js/node_modules/cbor" ]; then
    log "npm ci in tests/clients/js"
    (cd "$here/js" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# --- browser: Debian's chromium + the JS SDK v3 bundled for a page (run-browser.sh) ----------------
# Only Debian's package: a browser downloaded by an npm tool cannot be fetched here. A failure here
# is reported and leaves the other clients usable; run-browser.sh then fails with the reason.
if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium || log "could not install chromium; the browser check will fail"
fi
if [ -n "$node_bin" ]; then
    if [ ! -d "$here/browser/node_modules/@aws-sdk/client-kinesis" ] || [ ! -d "$here/browser/node_modules/esbuild" ]; then
        log "npm ci in tests/clients/browser"
        (cd "$here/browser" && npm ci --no-audit --no-fund --loglevel=error) >&2 \
            || log "npm ci in tests/clients/browser failed; the browser check will fail"
    fi
    # Rebuilds browser/dist/page.js only when page.mjs, build.mjs or the lock file changed.
    (cd "$here/browser" && "$node_bin" build.mjs) >&2 || log "bundling the browser page failed"
fi

# --- Go: Debian's toolchain and AWS SDKs for Go v1 and v2, the two test programs built (run-go.sh) ----
# A failure here is reported and leaves the other clients usable; run-go.sh then fails with the reason.
"$here/go/setup-go.sh" >&2 || log "could not set up the Go clients; the Go suite will fail"

# --- record the selection ----------------------------------------------------------------------
tmp="$(mktemp "$env_file.XXXXXX")"
{
    echo "# Written by tests/clients/setup.sh; sourced by the runners. Safe to delete."
    printf 'export RIVULET_PYTHON=%q\n' "$python_bin"
    printf 'export RIVULET_AWS=%q\n' "$aws_bin"
    printf 'export RIVULET_AWS_MAJOR=%q\n' "$aws_major"
    printf 'export RIVULET_NODE=%q\n' "$node_bin"
} >"$tmp"
mv -f "$tmp" "$env_file"

echo "python: $python_bin"
echo "aws:    $aws_bin ($aws_version)"
echo "node:   ${node_bin:-missing}"
