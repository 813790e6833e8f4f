#!/usr/bin/env bash
# Worker threads serve many connections (tools/ntsec-fsd/main.c FsdpStart, auth_local.c):
# with --threads 1 every connection's requests run on one thread, which may still keep the
# client of another connection from its last GET. Requests of two users interleaved on that
# thread must each be served as their own client - by the Linux layer too, on files only one
# of them may read - and a connection that ends takes its client with it: the next
# connection (another user, likely the same FSD_CONN address) is not served as the last one.
# Two connections of one user alternate on the thread the kept way. Two guest connections
# over TCP alternate on that listener's one thread without any impersonation call (the
# guest token is shared: auth_local.c FsdpKeptGuest) and are still refused by Linux as the
# guest, also right after a method that made the thread the server again. The server runs with
# NTSEC_VERIFIER=1 NTSEC_VERIFIER_FATAL=1, so a verifier finding would abort it.
source "$(dirname "$0")/lib/fixture.bash"
need_root
A=fsdpa$$; Bu=fsdpb$$
fsd_mkuser $A; fsd_mkuser $Bu
SIDA=S-1-22-1-$(uid_of $A); SIDB=S-1-22-1-$(uid_of $Bu); SIDG=S-1-22-1-65534
R=$W/root; mkdir -p $R; chmod 755 $R
for f in a_only b_only both; do
    echo "$f" > $R/$f.txt
    "$FSD" acl set $R/$f.txt "O:SYG:SYD:(A;;FR;;;$SIDA)(A;;FR;;;$SIDB)(A;;FR;;;$SIDG)(A;;FA;;;SY)"
done
chown $A $R/a_only.txt; chmod 600 $R/a_only.txt     # NT allows both; Linux only A
chown $Bu $R/b_only.txt; chmod 600 $R/b_only.txt    # NT allows both; Linux only B
chmod 644 $R/both.txt
sleep 3   # the cache keeps only descriptors of objects unchanged for 2 s (sdcache.c)
NTSEC_VERIFIER=1 NTSEC_VERIFIER_FATAL=1 fsd_start $R --threads 1 --listen 127.0.0.1:0 --guest "user=$SIDG groups=WD"
grep -qi "thread pool" $W/server.err && fail "--threads 1 printed libmicrohttpd's pool warning"
PORT=$(sed -n 's/^  tcp 127.0.0.1:\([0-9]*\) .*/\1/p' $W/server.out); [ -n "$PORT" ] || fail "no TCP port"

client() { setpriv --reuid "$(uid_of $1)" --regid "$(id -g $1)" --init-groups /usr/bin/python3 "$S/tests/fsd/lib/keepclient.py" "$W/sock"; }
coproc KA { client $A; }
coproc KB { client $Bu; }
req() { # req FD_IN FD_OUT METHOD PATH
    echo "$3 $4" >&"$1"; local line; read -r -t 60 line <&"$2" || fail "no answer to $3 $4"; echo "$line"; }
want() { # want WHO "STATUS SERVED-AS" DESCRIPTION PATH
    local got
    if [ "$1" = A ]; then got=$(req "${KA[1]}" "${KA[0]}" GET "$4"); else got=$(req "${KB[1]}" "${KB[0]}" GET "$4"); fi
    [ "$got" = "$2" ] || fail "$3: got '$got', want '$2'"
    echo "ok: $3 -> $got"
}
want A "200 $SIDA" "A reads its own file" /a_only.txt
want A "200 $SIDA" "A again (the thread keeps A)" /a_only.txt
want B "403 $SIDB" "B, right after A on the same thread: Linux refuses B" /a_only.txt
want B "200 $SIDB" "B reads its own file" /b_only.txt
want A "403 $SIDA" "A, right after B: Linux refuses A" /b_only.txt
want B "200 $SIDB" "B the shared file" /both.txt
want A "200 $SIDA" "A the shared file" /both.txt
want B "403 $SIDB" "B once more on A's file" /a_only.txt
in_log $W/server.err "path=/a_only.txt status=403 layer=linux" || fail "B's refusal is not the Linux layer's"
n=$(grep -c "path=/a_only.txt status=200 .*way=kept" $W/server.err || true)
[ "$n" -ge 1 ] || fail "A's second GET was not served the kept way"

# Two connections of A: each GET on the thread that kept the other one's client
coproc KA2 { client $A; }
for i in 1 2 3; do
    got=$(req "${KA2[1]}" "${KA2[0]}" GET /a_only.txt); [ "$got" = "200 $SIDA" ] || fail "A's 2nd connection, round $i: $got"
    want A "200 $SIDA" "A's 1st connection, round $i" /a_only.txt
done
for _ in $(seq 1 1200); do [ "$(grep -c 'path=/a_only.txt status=200 .*way=kept' $W/server.err)" -ge 7 ] && break; sleep 0.05; done
n=$(grep -c "path=/a_only.txt status=200 .*way=kept" $W/server.err || true)
[ "$n" -ge 7 ] || fail "alternating connections of one user: $n GETs the kept way, want >= 7"
echo "ok: $n GETs of a_only.txt the kept way, across A's two connections"

# A's connections end while the thread keeps A's client; B's next connection is B. (The
# clients are killed: each coproc holds the others' pipes, so none would see end of input.)
end_client() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }
end_client $KA2_PID
got=$(req "${KA[1]}" "${KA[0]}" GET /a_only.txt); [ "$got" = "200 $SIDA" ] || fail "A's last GET: $got"
end_client $KA_PID; end_client $KB_PID
for i in 1 2 3; do
    out=$(as $Bu -i http://localhost/a_only.txt); expect 403 "B's new connection $i after A's ended" "$out"
    grep -q "^X-Ntsec-Served-As: $SIDB" <<<"$(tr -d '\r' <<<"$out")" || fail "not served as $Bu"
    out=$(as $A -i http://localhost/a_only.txt); expect 200 "A's new connection $i" "$out"
done
# Two guest connections over TCP, alternating on the listener's one thread
coproc G1 { setpriv --reuid 65534 --regid 65534 --clear-groups /usr/bin/python3 "$S/tests/fsd/lib/keepclient.py" "tcp:$PORT"; }
coproc G2 { setpriv --reuid 65534 --regid 65534 --clear-groups /usr/bin/python3 "$S/tests/fsd/lib/keepclient.py" "tcp:$PORT"; }
gwant() { # gwant 1|2 METHOD PATH "STATUS SERVED-AS" DESCRIPTION
    local got
    if [ "$1" = 1 ]; then got=$(req "${G1[1]}" "${G1[0]}" "$2" "$3"); else got=$(req "${G2[1]}" "${G2[0]}" "$2" "$3"); fi
    [ "$got" = "$4" ] || fail "$5: got '$got', want '$4'"
    echo "ok: $5 -> $got"
}
gwant 1 GET /both.txt "200 $SIDG" "guest 1 reads the shared file"
gwant 2 GET /both.txt "200 $SIDG" "guest 2, on the thread that keeps guest 1"
gwant 1 GET /a_only.txt "403 $SIDG" "guest 1 on A's file: Linux refuses the guest"
gwant 2 GET /a_only.txt "403 $SIDG" "guest 2 on A's file, straight after guest 1"
gwant 1 PROPFIND /both.txt "207 $SIDG" "guest 1 PROPFIND (the thread is the server again)"
gwant 2 GET /a_only.txt "403 $SIDG" "guest 2 on A's file after that: the guest, not the server"
gwant 2 GET /both.txt "200 $SIDG" "guest 2 the shared file"
gwant 1 GET /both.txt "200 $SIDG" "guest 1 the shared file, after guest 2"
in_log $W/server.err "uid=-1 method=GET path=/a_only.txt status=403 layer=linux" || fail "the guest's refusal is not the Linux layer's"
for _ in $(seq 1 1200); do [ "$(grep -c 'uid=-1 method=GET path=/both.txt status=200 .*way=kept' $W/server.err)" -ge 3 ] && break; sleep 0.05; done
n=$(grep -c "uid=-1 method=GET path=/both.txt status=200 .*way=kept" $W/server.err || true)
[ "$n" -ge 3 ] || fail "guest GETs of both.txt the kept way: $n, want >= 3"
n=$(grep -c "uid=-1 method=GET path=/a_only.txt status=403 layer=linux" $W/server.err || true)
[ "$n" -eq 3 ] || fail "guest refusals by Linux: $n, want 3"
end_client $G1_PID; end_client $G2_PID

kill -0 $FSD_PID || fail "the server died"
grep -qi "verifier" $W/server.err && { grep -i verifier $W/server.err | head; fail "verifier finding"; }
fsd_stop
echo "fsd_pool: OK"
