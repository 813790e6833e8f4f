#!/usr/bin/env bash
# golden.sh - provision the throwaway Samba AD domain NTSEC.TEST ONCE and keep it as a tarball
# (docs/addc.md). Prints the tarball's path. A tarball made by the same scripts is reused:
# its name carries a hash of provision+populate and Samba's version, so editing them (or an
# upgrade) provisions anew, and older tarballs are removed.
#   scripts/addc/golden.sh [CACHE_DIR]     (default: $NTSEC_ADDC_CACHE, else build/addc-cache)
# Safe to run concurrently: the first caller provisions under a lock, the others wait.
# Provisioning runs in a private network namespace (unshare -n) holding 127.0.0.2: it needs
# no network, and nothing it starts can reach one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${1:-${NTSEC_ADDC_CACHE:-$here/../../build/addc-cache}}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
key=$( { cat "$here/golden.sh" "$here/populate.py"; samba -V 2>/dev/null || true; } | sha256sum | cut -c1-16)
tarball="$cache/ntsec-addc-$key.tgz"
exec 9>"$cache/.lock"
flock 9
if [ -s "$tarball" ]; then
    echo "$tarball"
    exit 0
fi
skip() {   # 77: CTest "skipped"; under CI=true a missing prerequisite is a failure
    echo "golden.sh: $*" >&2
    if [ "${CI:-}" = true ]; then exit 1; fi
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (unshare -n)"
command -v samba-tool >/dev/null || skip "samba-tool missing (apt-get install samba samba-ad-provision)"
work=$(mktemp -d /tmp/ntsec-addc-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT
dc="$work/dc"
mkdir -p "$dc/run" "$dc/log" "$work/out"
t0=$(date +%s.%N)
# -s /dev/null: do not inherit /etc/samba/smb.conf's shares and options. Every path the DC
# writes is moved under $dc by --targetdir and the options below.
unshare -n bash -c '
    set -e
    ip link set lo up
    ip addr add 127.0.0.2/8 dev lo
    dc=$1
    samba-tool domain provision -s /dev/null --targetdir="$dc" \
        --realm=NTSEC.TEST --domain=NTSEC --host-name=dc1 --server-role=dc \
        --dns-backend=NONE --use-rfc2307 --adminpass="Adm1n-Pass.2024" --host-ip=127.0.0.2 \
        --option="interfaces = 127.0.0.2" --option="bind interfaces only = yes" \
        --option="pid directory = $dc/run" --option="ncalrpc dir = $dc/run/ncalrpc" \
        --option="winbindd socket directory = $dc/run/winbindd" \
        --option="ntp signd socket directory = $dc/run/ntp_signd" \
        --option="log file = $dc/log/log.%m" --option="binddns dir = $dc/bind-dns" \
        --option="usershare path = $dc/usershares" \
        --option="kdc default domain supported enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96"
    /usr/bin/python3 "$2" "$dc" "$3"
' addc-provision "$dc" "$here/populate.py" "$work/out" > "$work/provision.log" 2>&1 || {
    tail -n 40 "$work/provision.log" >&2
    echo "golden.sh: provisioning failed" >&2
    exit 1
}
# The golden copy holds paths under $dc; restore.sh rewrites them to the restore directory.
echo "$dc" > "$work/out/origin"
tar -C "$work" -czf "$tarball.tmp" --exclude='dc/run/*' dc out 2>/dev/null || true
[ -s "$tarball.tmp" ] || { echo "golden.sh: tar failed" >&2; exit 1; }
mv "$tarball.tmp" "$tarball"
for old in "$cache"/ntsec-addc-*.tgz; do [ "$old" = "$tarball" ] || rm -f "$old"; done
t1=$(date +%s.%N)
echo "golden.sh: provisioned in $(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s" >&2
echo "$tarball"
