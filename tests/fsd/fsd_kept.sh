#!/usr/bin/env bash
# The kept way of GET (docs/fsd.md "Keeping the client", tools/ntsec-fsd/ops_get.c): on one
# keep-alive connection the thread stays the client between GETs and the descriptor comes
# from the cache - and every change of the file's descriptor (acl set) or mode (chmod) is
# seen by the very next request of that same connection; another method on the connection
# runs as the server again; every response is served as the client; a connection that ends
# while its thread keeps its client, and a connection still open at SIGTERM, raise no verifier
# finding and NtsecShutdown not even a pool hint (the server runs with NTSEC_VERIFIER=1
# NTSEC_VERIFIER_FATAL=1, so a finding would abort it).
source "$(dirname "$0")/lib/fixture.bash"
need_root
A=fsdka$$; Bu=fsdkb$$
fsd_mkuser $A; fsd_mkuser $Bu
SIDA=S-1-22-1-$(uid_of $A); SIDB=S-1-22-1-$(uid_of $Bu)
R=$W/root; mkdir -p $R; chmod 755 $R
echo "stored" > $R/a.txt; chmod 644 $R/a.txt
"$FSD" acl set $R/a.txt "O:SYG:SYD:(A;;FR;;;$SIDA)(A;;FR;;;$SIDB)(A;;FA;;;SY)"
echo "derived" > $R/nosd.txt; chmod 644 $R/nosd.txt
echo "last" > $R/b.txt; chmod 644 $R/b.txt
sleep 3   # the cache keeps only descriptors of objects unchanged for 2 s (sdcache.c)
NTSEC_VERIFIER=1 NTSEC_VERIFIER_FATAL=1 fsd_start $R

coproc KC { setpriv --reuid "$(uid_of $A)" --regid "$(id -g $A)" --init-groups /usr/bin/python3 "$S/tests/fsd/lib/keepclient.py" "$W/sock"; }
req() { echo "$1 $2" >&"${KC[1]}"; local line; read -r -t 60 line <&"${KC[0]}" || fail "no answer to $1 $2"; echo "$line"; }
want() { # want "STATUS SERVED-AS" DESCRIPTION METHOD PATH
    local got; got=$(req "$3" "$4")
    [ "$got" = "$1" ] || fail "$2: got '$got', want '$1'"
    echo "ok: $2 -> $got"
}
kept_lines() { grep -c "path=/$1 status=200 .*way=kept" $W/server.err || true; }

want "200 $SIDA" "first GET (reads the descriptor as the server)" GET /a.txt
want "200 $SIDA" "second GET on the connection" GET /a.txt
want "200 $SIDA" "third GET on the connection" GET /a.txt
in_log $W/server.err "path=/a.txt status=200 .*way=kept" || fail "no GET of a.txt was served the kept way"
for _ in $(seq 1 1200); do [ "$(kept_lines a.txt)" -ge 2 ] && break; sleep 0.05; done   # lines come in batches
n=$(kept_lines a.txt); [ "$n" -ge 2 ] || fail "kept GETs of a.txt: $n, want 2"
echo "ok: $n GETs of a.txt served the kept way"

"$FSD" acl set $R/a.txt "O:SYG:SYD:(A;;FR;;;$SIDB)(A;;FA;;;SY)"
want "403 $SIDA" "GET after the descriptor no longer names the client (same connection)" GET /a.txt
in_log $W/server.err "path=/a.txt status=403 layer=nt" || fail "the refusal is not the NT layer's"

want "207 $SIDA" "PROPFIND on the connection (runs as the server: reads the descriptor)" PROPFIND /nosd.txt
want "200 $SIDA" "GET of a file without a stored descriptor" GET /nosd.txt
want "200 $SIDA" "again (kept)" GET /nosd.txt
in_log $W/server.err "path=/nosd.txt status=200 .*way=kept" || fail "nosd.txt was not served the kept way"
chmod 640 $R/nosd.txt
want "403 $SIDA" "GET after chmod took 'other' read away (same connection)" GET /nosd.txt
want "200 $SIDA" "GET of b.txt" GET /b.txt
want "200 $SIDA" "GET of b.txt again: the thread keeps the client when the connection ends" GET /b.txt
in_log $W/server.err "path=/b.txt status=200 .*way=kept" || fail "b.txt was not served the kept way"
exec {KC[1]}>&-   # the client closes while its thread keeps its client
wait $KC_PID 2>/dev/null || true

out=$(as $Bu -i http://localhost/a.txt) || fail "the server stopped answering after the kept connection ended"; expect 200 "another user, new connection: still allowed" "$out"
grep -q "^X-Ntsec-Served-As: $SIDB" <<<"$(tr -d '\r' <<<"$out")" || fail "not served as $Bu"
kill -0 $FSD_PID || fail "the server died"
grep -qi "verifier" $W/server.err && { grep -i verifier $W/server.err | head; fail "verifier finding"; }

# A connection still open - its thread keeping its client - when SIGTERM comes: the server
# ends it, and NtsecShutdown finds everything given back (no finding, not even a pool hint;
# before, every stop printed hints for NObj, Tokn, SeIx, KsCt and HOst).
coproc KC { setpriv --reuid "$(uid_of $Bu)" --regid "$(id -g $Bu)" --init-groups /usr/bin/python3 "$S/tests/fsd/lib/keepclient.py" "$W/sock"; }
want "200 $SIDB" "GET on a connection that stays open over the shutdown" GET /b.txt
want "200 $SIDB" "again (kept)" GET /b.txt
fsd_stop
exec {KC[1]}>&-
wait $KC_PID 2>/dev/null || true
grep -q "ntsec-fsd: stopped" $W/server.err || fail "no orderly stop"
grep -qi "verifier" $W/server.err && { grep -i verifier $W/server.err | head; fail "verifier finding or hint at shutdown"; }
echo "ok: a connection open at SIGTERM: stopped, no verifier finding or hint"
echo "fsd_kept: OK"
