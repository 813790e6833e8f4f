#!/usr/bin/env bash
# sspi_echo_kerberos.sh - examples/sspi-echo and `ntsec whoami --via` with the Kerberos and
# Negotiate packages over TCP on 127.0.0.1, against the ksec_kdc realm: the client (daemon's
# ticket, kinit) authenticates, the server (host backend on as root) impersonates the client
# mapped by auth_to_local to the local user daemon, reports the thread's ids, and echoes a
# sealed message. Servers are stopped by pid whatever happens.
set -euo pipefail
build=${NTSEC_BUILD_DIR:?}
bin="$build/example-sspi-echo"
dir=$(cat "$build/ksec-kdc.state")
set -a; . "$dir/env"; set +a
work=$(mktemp -d /tmp/ntsec-echo-krb.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "== $f"; cat "$f"; done >&2; exit 1; }
wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; fail "no '$2' in $1"; }

uid=$(id -u daemon)
host=()
[ "$(id -u)" -eq 0 ] && host=(--host)
echo daemonpw | KRB5CCNAME="FILE:$work/daemon.cc" kinit daemon >/dev/null || fail "kinit daemon"
export KRB5CCNAME="FILE:$work/daemon.cc"

for pkg in Kerberos Negotiate; do
    timeout 20 "$bin" server --tcp 0 --package "$pkg" "${host[@]}" --once >"$work/$pkg.log" 2>&1 &
    pids+=($!)
    wait_for "$work/$pkg.log" "listening on tcp"
    port=$(sed -n 's/^listening on tcp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/$pkg.log")
    out=$(timeout 20 "$bin" client --tcp "$port" --package "$pkg" --target HTTP/localhost \
          --message "sealed $pkg") || fail "$pkg client failed: $out"
    echo "$out"
    grep -qF "client: server says: acting as S-1-22-1-$uid at Impersonation" <<<"$out" || fail "$pkg identity: $out"
    grep -qF "client: echo: sealed $pkg" <<<"$out" || fail "$pkg echo: $out"
    if [ "$(id -u)" -eq 0 ]; then
        grep -qE "thread uids \(real effective saved fs\): 0 $uid 0 $uid" <<<"$out" || fail "$pkg thread ids: $out"
    fi
    wait "${pids[-1]}" || fail "$pkg server exited non-zero"

    # ntsec whoami --via: the token the server builds for this caller
    out=$(timeout 20 "$build/ntsec" whoami --via "$pkg" --target HTTP/localhost 2>&1) || fail "whoami --via $pkg: $out"
    echo "$out" | head -5
    grep -qF "S-1-22-1-$uid" <<<"$out" || fail "whoami --via $pkg: $out"
done

# no ticket: the client's AcquireCredentialsHandleW finds none
set +e
out=$(KRB5CCNAME="FILE:$work/none.cc" timeout 20 "$build/ntsec" whoami --via kerberos --target HTTP/localhost 2>&1)
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "whoami without a ticket succeeded: $out"
grep -qF "0x8009030E" <<<"$out" || fail "no-ticket status: $out"
echo "sspi_echo_kerberos: OK"
