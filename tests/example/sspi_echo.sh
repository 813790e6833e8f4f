#!/usr/bin/env bash
# examples/sspi-echo end to end (docs/sspi.md): over a Unix socket a client (as root: running
# as uid 40001 via setpriv) authenticates with ntsec-local, the server (host backend on when
# root) impersonates it and reports the thread's Linux ids, and a sealed message is echoed;
# over TCP on 127.0.0.1 the server refuses ntsec-local with SEC_E_INVALID_PARAMETER (no
# kernel facts about a TCP peer). Servers are stopped by pid whatever happens.
set -euo pipefail
bin="${NTSEC_BUILD_DIR:-.}/example-sspi-echo"
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "== $f"; cat "$f"; done >&2; exit 1; }
wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; fail "no '$2' in $1"; }

if [ "$(id -u)" -eq 0 ]; then
    as_client=(setpriv --reuid 40001 --regid 40001 --clear-groups)
    host=(--host)
    want_uid=40001
else
    as_client=()
    host=()
    want_uid=$(id -u)
fi

# 1. Unix socket, ntsec-local.
timeout 20 "$bin" server --unix "$work/echo.sock" "${host[@]}" --once > "$work/unix.log" 2>&1 &
pids+=($!)
wait_for "$work/unix.log" "listening on unix"
out=$(timeout 20 "${as_client[@]}" "$bin" client --unix "$work/echo.sock" --package ntsec-local \
      --message "sealed hello") || fail "unix client failed: $out"
echo "$out"
grep -qF "client: server says: acting as S-1-22-1-$want_uid at Impersonation" <<<"$out" || fail "identity: $out"
grep -qF "client: echo: sealed hello" <<<"$out" || fail "echo: $out"
if [ "$(id -u)" -eq 0 ]; then
    # the server thread really ran as the client: effective and fs uid 40001, real/saved 0
    grep -qE "thread uids \(real effective saved fs\): 0 40001 0 40001" <<<"$out" || fail "thread ids: $out"
fi
wait "${pids[0]}" || fail "unix server exited non-zero"

# 2. TCP on 127.0.0.1, ntsec-local: refused with the documented status.
timeout 20 "$bin" server --tcp 0 --once > "$work/tcp.log" 2>&1 &
pids+=($!)
wait_for "$work/tcp.log" "listening on tcp"
port=$(sed -n 's/^listening on tcp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/tcp.log")
set +e
out=$(timeout 20 "$bin" client --tcp "$port" --package ntsec-local 2>&1)
rc=$?
set -e
echo "$out"
[ "$rc" -eq 1 ] || fail "tcp client exit $rc"
grep -qF "client: the server refused the authentication: 0x8009035D" <<<"$out" || fail "tcp status: $out"
wait "${pids[1]}" || fail "tcp server exited non-zero"
grep -qF "server: AcceptSecurityContext failed: 0x8009035D" "$work/tcp.log" || fail "tcp server log"

# 3. An unknown package is refused before anything is sent.
set +e
out=$(timeout 20 "$bin" client --unix "$work/none.sock" --package NoSuchPackage 2>&1)
set -e
grep -qE "connect|0x80090305" <<<"$out" || fail "unknown package: $out"
echo "sspi_echo: OK"
