# Sourced by setup.sh and go/setup-go.sh (which define `log`): apt_install installs Debian packages,
# running `apt-get update` once per script run. Works as root without a TTY; as another user it uses
# `sudo -n` when available. Waits up to 5 minutes for a dpkg lock another installer holds.
apt_updated=0
apt_install() {
    local -a sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo_cmd=(sudo -n)
        else
            log "need root (or sudo) to apt-get install $*"
            return 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        log "apt-get not available; install $* by hand"
        return 1
    fi
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
        apt_updated=1
    fi
    log "apt-get install -y $*"
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" </dev/null >&2
}
