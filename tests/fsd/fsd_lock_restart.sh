#!/usr/bin/env bash
# Locks live in memory (docs/fsd.md "Locks and restarts"; RFC 4918 section 6.8 lets a lock
# end before its timeout): a server killed (SIGKILL, no cleanup) or stopped while a resource
# is locked - an existing file, with depth infinity on a collection, and an unmapped URL
# (which LOCK creates as an empty file) - comes back with no lock at all, so nothing is left
# unlockable: PUT and DELETE without a token succeed, the old token in an If header no longer
# matches (412), UNLOCK with it is 409, and a new LOCK is granted.
source "$(dirname "$0")/lib/fixture.bash"
need_root
A=fsdlr$$
fsd_mkuser $A
R=$W/root; mkdir -p $R/dir; chmod 777 $R $R/dir
echo old > $R/f.txt; chown $A $R/f.txt
U=http://localhost
LI='<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>alice</D:owner></D:lockinfo>'
lock() { # lock PATH [DEPTH]: prints the lock token
    local out; out=$(as $A -i -X LOCK -H "Depth: ${2:-0}" -H 'Timeout: Infinite, Second-604800' --data-binary "$LI" $U/$1)
    case $(status_of "$out") in 200|201) ;; *) echo "$out" >&2; fail "LOCK $1: $(status_of "$out")" ;; esac
    tr -d '\r' <<<"$out" | sed -n 's/^Lock-Token: <\(.*\)>$/\1/Ip'
}
for how in KILL TERM; do
    fsd_start $R
    t1=$(lock f.txt); t2=$(lock dir infinity); t3=$(lock unmapped.txt)
    [ -n "$t1" ] && [ -n "$t2" ] && [ -n "$t3" ] || fail "no lock tokens"
    [ -f $R/unmapped.txt ] || fail "LOCK on an unmapped URL made no file"
    out=$(as $A -T - $U/f.txt <<<"new"); expect 423 "PUT without the token while locked" "$out"
    out=$(as $A -T - $U/dir/in.txt <<<"new"); expect 423 "PUT into the locked collection" "$out"
    if [ $how = KILL ]; then kill -9 $FSD_PID; wait $FSD_PID 2>/dev/null || true; FSD_PID=
    else fsd_stop; fi
    echo "ok: server stopped with SIG$how while three resources were locked"
    fsd_start $R
    out=$(as $A -T - $U/f.txt <<<"after"); expect 204 "PUT without a token after the restart" "$out"
    out=$(as $A -T - $U/dir/in.txt <<<"after"); expect 201 "PUT into the formerly locked collection" "$out"
    out=$(as $A -T - -H "If: (<$t1>)" $U/f.txt <<<"x"); expect 412 "the old token no longer matches" "$out"
    out=$(as $A -X UNLOCK -H "Lock-Token: <$t3>" $U/unmapped.txt); expect 409 "UNLOCK with the old token" "$out"
    t4=$(lock f.txt); [ -n "$t4" ] && [ "$t4" != "$t1" ] || fail "no new lock after the restart"
    echo "ok: a new LOCK is granted after the restart"
    out=$(as $A -X UNLOCK -H "Lock-Token: <$t4>" $U/f.txt); expect 204 "UNLOCK the new lock" "$out"
    out=$(as $A -X DELETE $U/unmapped.txt); expect 204 "DELETE the lock-created empty file" "$out"
    out=$(as $A -X DELETE $U/dir/in.txt); expect 204 "DELETE in the formerly locked collection" "$out"
    fsd_stop
done
echo "fsd_lock_restart: OK"
