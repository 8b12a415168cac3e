#!/usr/bin/env bash
# Makes the Go compatibility clients available: Debian's Go toolchain and the AWS SDKs for Go v1 and
# v2 as Debian ships them, and the two test programs built into bin/ (git-ignored).
#
# Idempotent and quick when everything is present (about 0.2 s): dpkg probes and one hash, no network.
#   packages: golang-go, golang-github-aws-aws-sdk-go-dev (v1), golang-github-aws-aws-sdk-go-v2-dev
#             (v2, with smithy-go), installed with apt-get only when one is missing.
#   programs: bin/go-v1 (v1/*.go) and bin/go-v2 (v2/*.go), both built with the package they
#             share (harness/: runner, environment, HTTP client, the checks needing no SDK);
#             rebuilt only when the sources, the toolchain or an SDK package changed (a SHA-256
#             over all of them is kept in bin/.sources.sha256 beside the binaries).
#
# How the programs are built: GOPATH mode (GO111MODULE=off), never a module download. The SDKs come
# from Debian's GOPATH tree /usr/share/gocode/src (github.com/aws/aws-sdk-go,
# github.com/aws/aws-sdk-go-v2, github.com/aws/smithy-go, ...). The programs are `package main`
# directories built by path (`go build ./v1`): in GOPATH mode a directory outside every GOPATH entry
# is a local package ("_/.../v1") whose imports are looked up in GOROOT and then GOPATH, so no
# src/ layout or symlink is needed. A local package, and only one, may also import another by a
# relative path: v1 and v2 both import "../harness", the local package "_/.../harness". GOPATH is
# .gopath/ here (git-ignored; Go writes nothing there for a `go build -o`) followed by
# /usr/share/gocode; GOCACHE is .cache/go-build here; GOPROXY=off, GOFLAGS and the user's go env
# file are ignored, and CGO_ENABLED=0 (pure-Go net and crypto, no C compiler needed).
#
# Runners may call this concurrently: installs and builds are serialised with flock on .setup.lock.
# Works as root without a TTY; as another user it uses `sudo -n` for apt-get when available.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin_dir="$here/bin"
packages=(golang-go golang-github-aws-aws-sdk-go-dev golang-github-aws-aws-sdk-go-v2-dev)
gocode=/usr/share/gocode
go_bin=/usr/bin/go

log() { printf 'setup-go: %s\n' "$*" >&2; }

if command -v flock >/dev/null 2>&1; then
    exec 9>"$here/.setup.lock"
    flock -w 600 9 || { log "timed out waiting for another setup-go.sh"; exit 1; }
fi

# Prints "<package>=<version>" for each installed package; fails when any is missing.
installed_versions() {
    local pkg status version ok=0
    for pkg in "${packages[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$pkg" 2>/dev/null || true)"
        version="${status#* }"
        if [ "${status%% *}" = installed ]; then
            printf '%s=%s\n' "$pkg" "$version"
        else
            ok=1
        fi
    done
    return "$ok"
}

sdk_present() {
    [ -x "$go_bin" ] \
        && [ -f "$gocode/src/github.com/aws/aws-sdk-go/service/kinesis/api.go" ] \
        && [ -f "$gocode/src/github.com/aws/aws-sdk-go-v2/service/kinesis/api_client.go" ] \
        && [ -d "$gocode/src/github.com/aws/aws-sdk-go-v2/service/kinesis/types" ]
}

# shellcheck source=../apt-install.sh
. "$here/../apt-install.sh"

# --- packages ------------------------------------------------------------------------------------
if ! versions="$(installed_versions)" || ! sdk_present; then
    apt_install "${packages[@]}"
    if ! versions="$(installed_versions)" || ! sdk_present; then
        log "installed ${packages[*]} but the toolchain or an SDK's kinesis package is still missing"
        exit 1
    fi
fi

# --- programs ------------------------------------------------------------------------------------
export GO111MODULE=off GOPATH="$here/.gopath:$gocode" GOCACHE="$here/.cache/go-build" \
    GOPROXY=off GOFLAGS= GOENV=off CGO_ENABLED=0 GOTOOLCHAIN=local
unset GOROOT GOBIN

# The SDKs' own dependencies are compiled in as well: their versions count too.
sources_hash="$({
    printf '%s\n' "$versions"
    dpkg-query -W -f='${Package}=${Version}\n' golang-github-aws-smithy-go-dev \
        golang-github-jmespath-go-jmespath-dev 2>/dev/null || true
    "$go_bin" version
    cat "$here"/v1/*.go "$here"/v2/*.go "$here"/harness/*.go "${BASH_SOURCE[0]}"
} | sha256sum | cut -d' ' -f1)"

if [ -x "$bin_dir/go-v1" ] && [ -x "$bin_dir/go-v2" ] \
    && [ "$(cat "$bin_dir/.sources.sha256" 2>/dev/null || true)" = "$sources_hash" ]; then
    exit 0
fi

log "building bin/go-v1 and bin/go-v2 ($("$go_bin" version | cut -d' ' -f3), GOPATH mode)"
mkdir -p "$bin_dir" "$here/.gopath" "$GOCACHE"
rm -f "$bin_dir/.sources.sha256"
cd "$here"
for v in v1 v2; do
    "$go_bin" build -trimpath -o "$bin_dir/go-$v.tmp" "./$v" >&2
    mv -f "$bin_dir/go-$v.tmp" "$bin_dir/go-$v"
done
printf '%s\n' "$sources_hash" >"$bin_dir/.sources.sha256"
log "built: $(printf '%s ' $versions)"
