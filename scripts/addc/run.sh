#!/usr/bin/env bash
# run.sh - run a command against a fresh copy of the golden AD domain (docs/addc.md).
#   scripts/addc/run.sh COMMAND [ARGS...]
# Restores the golden tarball (golden.sh builds it once) into a temp dir, and inside private
# network, pid and mount namespaces (unshare -n -p -m: the DC is reachable only from inside,
# on 127.0.0.2, and dies with the namespace's init whatever happens to this script) starts
# Samba's KDC in the foreground, waits for port 88, gets tickets for alice and bob, runs
# COMMAND with the environment below, stops Samba by its process tree and returns COMMAND's
# status.
#   KRB5_CONFIG            a krb5.conf for NTSEC.TEST (no DNS, KDC 127.0.0.2)
#   GSS_MECH_CONFIG        an empty file: MIT's built-in mechanisms only
#   ADDC_DIR               the restored copy
#   ADDC_ALICE_CCACHE, ADDC_BOB_CCACHE   FILE: ccaches with a TGT
#   ADDC_HTTP_KEYTAB       keytab of HTTP/web.ntsec.test (tickets with a PAC)
#   ADDC_NOPAC_KEYTAB      keytab of HTTP/nopac.ntsec.test (UF_NO_AUTH_DATA_REQUIRED: no PAC)
#   ADDC_DOMAIN_SID, ADDC_<OBJECT>_RID   from populate.py's facts
# Exit 77 (CTest: skipped) without root or Samba, except under CI=true where that fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
skip() {
    echo "addc: $*" >&2
    if [ "${CI:-}" = true ]; then exit 1; fi
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (namespaces)"
command -v samba >/dev/null && command -v kinit >/dev/null || skip "samba/krb5-user not installed"
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

if [ "${ADDC_INSIDE:-}" != 1 ]; then
    tarball=$("$here/golden.sh")
    # --kill-child: if this script is killed, the namespace's init gets SIGKILL, and with it
    # every process in the pid namespace (the whole DC).
    exec env ADDC_INSIDE=1 ADDC_TARBALL="$tarball" \
        unshare --net --pid --mount --fork --kill-child --mount-proc "$0" "$@"
fi

# --- inside the namespaces (this shell is pid 1) ---
ip link set lo up
ip addr add 127.0.0.2/8 dev lo
work=$(mktemp -d /tmp/ntsec-addc.XXXXXX)
# The copy lives on a tmpfs of this private mount namespace: whatever ends the namespace,
# its ~35 MB go with it (only the empty mount point could stay behind).
mount -t tmpfs -o size=512m,mode=0700 ntsec-addc "$work"
samba_pid=""
stop_samba() {
    [ -n "$samba_pid" ] || return 0
    # Snapshot the tree (smbd/winbindd would make their own process groups), TERM the group,
    # then anything of the snapshot still alive; KILL after 5 s.
    local tree="" p
    walk() { tree="$tree $1"; local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do walk "$c"; done; }
    walk "$samba_pid"
    kill -TERM -- "-$samba_pid" 2>/dev/null || true
    for _ in $(seq 50); do
        local alive=""
        for p in $tree; do [ -d /proc/"$p" ] && [ "$(cut -d' ' -f3 /proc/"$p"/stat 2>/dev/null)" != Z ] && alive="$alive $p"; done
        [ -z "$alive" ] && break
        kill -TERM $alive 2>/dev/null || true
        sleep 0.1
    done
    for p in $tree; do kill -KILL "$p" 2>/dev/null || true; done
    wait "$samba_pid" 2>/dev/null || true
    samba_pid=""
}
cleanup() { stop_samba; umount "$work" 2>/dev/null || rm -rf "$work"; rmdir "$work" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' TERM INT

t0=$(date +%s.%N)
tar -C "$work" -xzf "$ADDC_TARBALL"
origin=$(cat "$work/out/origin")
sed -i "s#$origin#$work/dc#g" "$work/dc/etc/smb.conf"
mkdir -p "$work/dc/run"
cat > "$work/krb5.conf" <<KRB5
[libdefaults]
	default_realm = NTSEC.TEST
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
	ignore_acceptor_hostname = true
[realms]
	NTSEC.TEST = {
		kdc = 127.0.0.2
	}
[domain_realm]
	.ntsec.test = NTSEC.TEST
	ntsec.test = NTSEC.TEST
KRB5
t1=$(date +%s.%N)
# Only the KDC, one process (-M single): the tests need tickets, not LDAP or SMB.
setsid samba -s "$work/dc/etc/smb.conf" -i --no-process-group -M single \
    --option="server services = kdc" > "$work/samba.log" 2>&1 < /dev/null &
samba_pid=$!
up=0
for _ in $(seq 300); do
    if (exec 3<>/dev/tcp/127.0.0.2/88) 2>/dev/null; then up=1; break; fi
    kill -0 "$samba_pid" 2>/dev/null || break
    sleep 0.1
done
if [ $up -ne 1 ]; then
    tail -n 30 "$work/samba.log" >&2
    echo "addc: the KDC did not start" >&2
    exit 1
fi
t2=$(date +%s.%N)
# An empty GSS mechanism list: only MIT's built-in mechanisms (krb5, SPNEGO), never plugins
# from /etc/gss/mech.d (gss-ntlmssp), so the tests do not depend on what else is installed.
: > "$work/gss-mech"
export KRB5_CONFIG="$work/krb5.conf" ADDC_DIR="$work" GSS_MECH_CONFIG="$work/gss-mech"
export ADDC_HTTP_KEYTAB="$work/out/httpsvc.keytab" ADDC_NOPAC_KEYTAB="$work/out/nopacsvc.keytab"
export ADDC_ALICE_CCACHE="FILE:$work/alice.ccache" ADDC_BOB_CCACHE="FILE:$work/bob.ccache"
set -a; . "$work/out/facts.env"; set +a
echo 'Al1ce-Pass.2024' | KRB5CCNAME="$ADDC_ALICE_CCACHE" kinit alice@NTSEC.TEST >/dev/null
echo 'B0b-Pass.2024' | KRB5CCNAME="$ADDC_BOB_CCACHE" kinit bob@NTSEC.TEST >/dev/null
t3=$(date +%s.%N)
awk "BEGIN{printf \"addc: restored in %.2f s, KDC up in %.2f s, tickets in %.2f s\n\", $t1-$t0, $t2-$t1, $t3-$t2}" >&2
set +e
"$@"
rc=$?
set -e
exit $rc
