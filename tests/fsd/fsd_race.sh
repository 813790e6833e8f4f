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
[ -n "${FSD_OVERRIDE:-}" ] && FSD=$FSD_OVERRIDE   # to show a test fails against an older binary
command -v python3 >/dev/null || { echo "skipped: python3 missing"; exit 77; }
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

# race_start A B: a racer exchanging d/A and d/B; race_round: one request while it swaps
race_start() {
    coproc SW { python3 "$S/tests/fsd/lib/swapper.py" $R/d "$1" "$2"; }
    SWPID=$SW_PID
}
race_stop() { exec {SW[1]}>&-; wait $SWPID 2>/dev/null || true; }
race_request() { # race_request CURL-ARGS... : the response (status on the last line)
    echo 3000 >&"${SW[1]}"
    out=$(as $A "$@")
    read -r _ <&"${SW[0]}"
}
AS=S-1-22-1-$(id -u $A)

# 1. two collections exchanged under PROPFIND depth 1 and GET
mkdir $R/d/open $R/d/closed; chmod 755 $R/d/open $R/d/closed
echo o > $R/d/open/open-entry.txt; echo c > $R/d/closed/member-of-closed.txt
chmod 644 $R/d/open/open-entry.txt $R/d/closed/member-of-closed.txt
"$FSD" acl set $R/d/closed "O:SYG:SYD:(A;;0x80;;;WD)(A;;FA;;;SY)"
race_start open closed
declare -A seen1
for i in $(seq 1 80); do
    if [ $((i % 2)) = 0 ]; then race_request -X PROPFIND -H 'Depth: 1' http://localhost/d/open/
    else race_request http://localhost/d/open/; fi
    code=$(status_of "$out")
    case $code in 200|207|403|409) ;; *) fail "collection race $i: status $code" ;; esac
    grep -q member-of-closed <<<"$out" && fail "collection race $i: a collection the NT layer may not list was listed ($code)"
    seen1[$code]=$(( ${seen1[$code]:-0} + 1 ))
done
race_stop
echo "ok: 80 PROPFIND/GET of a collection exchanged with an unlistable one; never listed it; $(for k in "${!seen1[@]}"; do printf '%s=%s ' $k ${seen1[$k]}; done)"

# 2. two members exchanged under PROPFIND depth 1 allprop (dead properties need FILE_READ_EA)
mkdir $R/d/m; chmod 755 $R/d/m
for f in pub sec; do echo $f > $R/d/m/$f; chown $A $R/d/m/$f; chmod 666 $R/d/m/$f; done
tagpp() { echo "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:x\"><D:set><D:prop><Z:tag>$1</Z:tag></D:prop></D:set></D:propertyupdate>"; }
out=$(as $A -X PROPPATCH --data-binary "$(tagpp public-value)" http://localhost/d/m/pub); [ "$(status_of "$out")" = 207 ] || fail "tag pub"
out=$(as $A -X PROPPATCH --data-binary "$(tagpp HIDDEN-BY-THE-NT-LAYER)" http://localhost/d/m/sec); [ "$(status_of "$out")" = 207 ] || fail "tag sec"
chown root $R/d/m/sec; chmod 644 $R/d/m/sec
"$FSD" acl set $R/d/m/sec "O:SYG:SYD:(A;;0x81;;;WD)(A;;FA;;;SY)"
out=$(as $A -X PROPFIND -H 'Depth: 1' http://localhost/d/m/)
grep -q public-value <<<"$out" || fail "member race: alice does not see her own member's dead property"
race_start m/pub m/sec
for i in $(seq 1 40); do
    race_request -X PROPFIND -H 'Depth: 1' http://localhost/d/m/
    code=$(status_of "$out")
    [ "$code" = 207 ] || fail "member race $i: status $code"
    grep -q HIDDEN-BY-THE-NT-LAYER <<<"$out" && fail "member race $i: a dead property without FILE_READ_EA was returned"
done
race_stop
echo "ok: 40 PROPFIND depth 1 while two members were exchanged; the hidden dead property never returned"

# 3. a tree's member exchanged with a guard while the tree is deleted
echo GUARD2 > $R/d/guard2; chmod 0666 $R/d/guard2
"$FSD" acl set $R/d/guard2 "O:SYG:SYD:(A;;FR;;;WD)(A;;FA;;;SY)"
guard2_ino=$(stat -c %i $R/d/guard2)
mktree() { mkdir -p $R/d/tree; chown $A $R/d/tree; chmod 0777 $R/d/tree
           "$FSD" acl set $R/d/tree "O:${AS}G:SYD:(A;;0x1f01bf;;;$AS)(A;;FA;;;SY)"
           [ -e $R/d/tree/x ] || { echo x > $R/d/tree/x; chown $A $R/d/tree/x; chmod 0666 $R/d/tree/x; }; }
race_start tree/x guard2
declare -A seen3
for i in $(seq 1 60); do
    mktree
    race_request -X DELETE http://localhost/d/tree -o /dev/null
    code=$(status_of "$out")
    case $code in 204|403|409) ;; *) fail "tree race $i: status $code" ;; esac
    seen3[$code]=$(( ${seen3[$code]:-0} + 1 ))
    found=""
    for f in guard2 tree/x; do [ -e $R/d/$f ] && [ "$(stat -c %i $R/d/$f)" = "$guard2_ino" ] && found=$f; done
    [ -n "$found" ] || fail "tree race $i -> $code: the guard was removed with the tree"
    [ "$(cat $R/d/$found)" = GUARD2 ] || fail "tree race $i: the guard's content changed"
    # the guard back at its own name for the next round
    [ "$found" = guard2 ] || { mv $R/d/tree/x $R/d/guard2; }
done
race_stop
echo "ok: 60 DELETEs of a tree whose member was exchanged with a guard: the guard stayed; $(for k in "${!seen3[@]}"; do printf '%s=%s ' $k ${seen3[$k]}; done)"
fsd_stop
echo "fsd_race: OK"
