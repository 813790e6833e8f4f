#!/usr/bin/env bash
# negotiate_http.sh - a client nobody here wrote: `curl --negotiate -u :` (MIT GSSAPI, SPNEGO)
# against examples/negotiate-http, which authenticates through ntsec's "Negotiate" package
# and impersonates the client. Realm: the ksec_kdc fixture (tests/fixtures/kdc.sh).
set -uo pipefail
build=${NTSEC_BUILD_DIR:?}
server="$build/example-negotiate-http"
dir=$(cat "$build/ksec-kdc.state") || { echo "no KDC fixture"; exit 1; }
set -a; . "$dir/env"; set +a
work=$(mktemp -d /tmp/ntsec-negotiate.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail=0
check() { if grep -qE -- "$2" <<<"$out"; then echo "ok   $1"; else echo "FAIL $1: want /$2/ in:"; echo "$out"; fail=1; fi; }

printf 'principal alice@%s S-1-5-21-7-8-9-1104 S-1-5-21-7-8-9-513\n' "$NTSEC_KRB5_REALM" >"$work/idmap"
NTSEC_IDMAP="$work/idmap" "$server" --port 0 --count 4 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 50); do grep -q '^port ' "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^port /{print $2}' "$work/out")
[ -n "$port" ] || { echo "server did not start"; cat "$work/err"; exit 1; }
url="http://localhost:$port/"

# 1. no ticket: 401 with a Negotiate challenge, curl gives up
out=$(KRB5CCNAME="FILE:$work/none" curl -s -i --max-time 10 --negotiate -u : "$url" 2>&1)
check no-ticket-401 '^HTTP/1.1 401'
check no-ticket-challenge '^WWW-Authenticate: Negotiate'

# 2. alice's ticket: 200, mutual authentication token, the server impersonated alice's mapped SID
echo alicepw | KRB5CCNAME="FILE:$work/alice" kinit alice >/dev/null 2>&1 || { echo "kinit failed"; exit 1; }
out=$(KRB5CCNAME="FILE:$work/alice" curl -s -i --max-time 10 --negotiate -u : "$url" 2>&1)
check alice-200 '^HTTP/1.1 200'
check alice-mutual '^WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+'
check alice-impersonated "client=alice@$NTSEC_KRB5_REALM user=S-1-5-21-7-8-9-1104 impersonated"

# 3. a garbage token: refused (400), never 200
out=$(curl -s -i --max-time 10 -H 'Authorization: Negotiate AAAAAAAAAAAA' "$url" 2>&1)
check garbage-refused '^HTTP/1.1 40[01]'

# 4. a valid token for a principal without any mapping (bob): authenticated but no token -> 401
echo bobpw | KRB5CCNAME="FILE:$work/bob" kinit bob >/dev/null 2>&1
out=$(KRB5CCNAME="FILE:$work/bob" curl -s -i --max-time 10 --negotiate -u : "$url" 2>&1)
check unmapped-401 '^HTTP/1.1 401'
check unmapped-status 'X-Sspi-Status: 0x8009030C'

wait "$pid"; rc=$?; pid=""
[ "$rc" = 0 ] || { echo "FAIL server exit $rc"; cat "$work/err"; fail=1; }
exit $fail
