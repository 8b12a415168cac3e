#!/usr/bin/env bash
# Runs the AWS SDK for Go v1 and v2 compatibility programs (go/v1, go/v2; Debian's Go and SDK
# packages, built by go/setup-go.sh) against $RIVULET_ENDPOINT (a running server).
# Last line of output: `N passed, N failed` over both; exit status non-zero on any failure.
# An extra argument is a substring of the test names to run (e.g. split_shard).
# Also read: RIVULET_CA_FILE (PEM to trust for https), RIVULET_AUTH_VERIFY=1, RIVULET_REGION,
# RIVULET_ACCOUNT_ID, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${RIVULET_ENDPOINT:-}" ]; then
    echo "RIVULET_ENDPOINT is not set (e.g. http://127.0.0.1:45678)" >&2
    echo "0 passed, 1 failed"
    exit 2
fi

# Installs the packages and rebuilds the programs only when something changed; quick otherwise.
if ! "$here/go/setup-go.sh" >&2; then
    echo "go suite: setup-go.sh failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# A server verifying signatures knows only the keys of its credentials file: unless AWS_ACCESS_KEY_ID
# is set, the programs sign with the profile RIVULET_CREDENTIALS_PROFILE (default: the first one) of
# RIVULET_CREDENTIALS_FILE, and expect its aws_account_id in ARNs.
trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
if [ -n "${RIVULET_CREDENTIALS_FILE:-}" ] && [ -z "${AWS_ACCESS_KEY_ID:-}" ]; then
    unset AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
    while IFS= read -r line; do
        key="$(trim "${line%%=*}")"
        value="$(trim "${line#*=}")"
        case "$key" in
            aws_access_key_id) export AWS_ACCESS_KEY_ID="$value" ;;
            aws_secret_access_key) export AWS_SECRET_ACCESS_KEY="$value" ;;
            aws_session_token) export AWS_SESSION_TOKEN="$value" ;;
            aws_account_id) export RIVULET_ACCOUNT_ID="$value" ;;
        esac
    done < <(awk -v want="${RIVULET_CREDENTIALS_PROFILE:-}" '
        /^[[:space:]]*[#;]/ { next }
        /^[[:space:]]*\[/ {
            name = $0; gsub(/^[[:space:]]*\[[[:space:]]*|[[:space:]]*\][[:space:]]*$/, "", name)
            if (chosen == "" && (want == "" || name == want)) chosen = name
            inside = (name == chosen); next
        }
        inside && /=/ { print }' "$RIVULET_CREDENTIALS_FILE")
    if [ -z "${AWS_ACCESS_KEY_ID:-}" ]; then
        echo "no profile ${RIVULET_CREDENTIALS_PROFILE:-} with aws_access_key_id in $RIVULET_CREDENTIALS_FILE" >&2
        echo "0 passed, 1 failed"
        exit 2
    fi
fi

out="$(mktemp -t rivulet-go.XXXXXX)"
trap 'rm -f "$out"' EXIT

export RIVULET_ENDPOINT
# Both programs should finish in seconds; the cap (shared by the two) only stops a hung run (every
# request already has its own 30 s timeout).
limit="${RIVULET_SUITE_TIMEOUT:-170}"
deadline=$((SECONDS + limit))
passed=0 failed=0 status=0
for v in v1 v2; do
    remaining=$((deadline - SECONDS))
    [ "$remaining" -gt 0 ] || remaining=1
    program_status=0
    timeout --kill-after=10 "$remaining" "$here/go/bin/go-$v" "$@" | tee "$out" || program_status=${PIPESTATUS[0]}
    counts="$(sed -n "s/^go-$v: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1 \2/p" "$out" | tail -n 1)"
    if [ "$program_status" -eq 124 ] || [ "$program_status" -eq 137 ]; then
        echo "go-$v: stopped after ${limit}s"
    fi
    if [ -n "$counts" ]; then
        read -r p f <<<"$counts"
    else
        p=0 f=1  # the program died before its summary
    fi
    if [ "$program_status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f))
    [ "$program_status" -eq 0 ] || status=1
done

echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ] || [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; then
    exit 1
fi
exit 0
