#!/usr/bin/env bash
# Both layers act on the object the NT layer checked (docs/fsd.md "Same object"): a racer
# (tests/fsd/lib/swapper.py, root) keeps exchanging the names d/target and d/other while
# alice sends DELETE, PUT, MOVE and PROPPATCH to d/target. One of the two inodes is alice's
# own file (the NT layer allows her everything on it); the other, "guard", is root's with a
# stored descriptor granting her only FILE_READ_DATA, while Linux (mode 0666 in a 0777
# directory) would let her delete, replace, move and tag it. Invariant after every request:
# the guard inode still sits under one of the two names, its content and its dead properties
# unchanged - whatever the timing. Responses are 2xx (her own file), 403 (NT refused the
# guard) or 409 (the name was rebound between the check and the operation).
source "$(dirname "$0")/lib/fixture.bash"
need_root
command -v python3 >/dev/null || { echo "skipped: python3 missing"; exit 0; }
A=fsdra$$
fsd_mkuser $A
R=$W/root; mkdir -p $R/d; chmod 755 $R; chmod 0777 $R/d
# the directory grants add-file and read but not FILE_DELETE_CHILD: deleting or moving a
# member needs DELETE on the member itself
"$FSD" acl set $R/d "O:SYG:SYD:(A;;FRFWFX;;;WD)(A;;FA;;;SY)"
echo GUARD > $R/d/other; chmod 0666 $R/d/other
"$FSD" acl set $R/d/other "O:SYG:SYD:(A;;FR;;;WD)(A;;FA;;;SY)"
setfattr -n user.ntsec.dav.guardprop -v kept $R/d/other 2>/dev/null || true
guard_ino=$(stat -c %i $R/d/other)
mkok() { echo OK > $R/d/$1; chown $A $R/d/$1; chmod 0666 $R/d/$1; }
mkok target
fsd_start $R
coproc SW { python3 "$S/tests/fsd/lib/swapper.py" $R/d target other; }
SWPID=$SW_PID
trap 'kill $SWPID 2>/dev/null || true; wait $SWPID 2>/dev/null || true; fsd_cleanup' EXIT
echo "ok: racer pid $SWPID"
PP='<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:x"><D:set><D:prop><Z:tag>alice</Z:tag></D:prop></D:set></D:propertyupdate>'
echo new > $W/new.txt; chmod 644 $W/new.txt
declare -A seen
n=0
for i in $(seq 1 120); do
    # both names present again (a 2xx DELETE or MOVE took alice's file away)
    for f in target other; do [ -e $R/d/$f ] || mkok $f; done
    rm -f $R/d/moved
    case $((i % 4)) in
    0) args=(-X DELETE http://localhost/d/target) ;;
    1) args=(-T $W/new.txt http://localhost/d/target) ;;
    2) args=(-X MOVE -H "Destination: http://localhost/d/moved" http://localhost/d/target) ;;
    3) args=(-X PROPPATCH -H 'Content-Type: application/xml' --data-binary "$PP" http://localhost/d/target) ;;
    esac
    echo 3000 >&"${SW[1]}"
    out=$(as $A "${args[@]}" -o /dev/null)
    read -r _ <&"${SW[0]}"
    code=$(status_of "$out")
    case $code in 201|204|207|403|409) ;; *) fail "request $i (${args[0]} ${args[1]}): status $code" ;; esac
    seen[$code]=$(( ${seen[$code]:-0} + 1 ))
    found=""
    for f in target other; do [ -e $R/d/$f ] && [ "$(stat -c %i $R/d/$f)" = "$guard_ino" ] && found=$f; done
    [ -n "$found" ] || fail "request $i (${args[0]} ${args[1]}) -> $code: the guard inode is gone from its names"
    [ "$(cat $R/d/$found)" = GUARD ] || fail "request $i: the guard's content changed"
    if getfattr -d -m '^user\.ntsec\.dav\.' $R/d/$found 2>/dev/null | grep '=' | grep -vq guardprop; then
        fail "request $i: a dead property was set on the guard"
    fi
    n=$((i))
done
echo "ok: $n requests against a racing rename; status counts: $(for k in "${!seen[@]}"; do printf '%s=%s ' $k ${seen[$k]}; done)"
echo "ok: the guard inode was never deleted, replaced, moved or tagged"
grep -c 'status=409 layer=path' $W/server.err | sed 's/^/ok: 409 (object replaced during the request) answered: /'
exec {SW[1]}>&-
wait $SWPID 2>/dev/null || true
fsd_stop
echo "fsd_race: OK"
