#!/usr/bin/env bash
# ntsec-fsd MKCOL race (review finding): MKCOL makes a temp directory as the client, opens
# it by name and has a system worker write the inherited descriptor on it. A local user who
# renames another user's directory into the temp name between the mkdirat and the open
# would have the server write a descriptor naming him the owner onto that directory. The
# window is widened deterministically with strace's syscall delay injection on mkdirat;
# the other user's directory must keep its descriptor.
source "$(dirname "$0")/lib/fixture.bash"
need_root
command -v setpriv >/dev/null || { echo "skipped: setpriv missing"; exit 77; }
command -v strace >/dev/null || { echo "skipped: strace missing"; exit 77; }
[ -n "${FSD_OVERRIDE:-}" ] && FSD=$FSD_OVERRIDE   # to show the test fails against an older binary
STRACE_PID=
trap 'rc=$?; [ -n "$STRACE_PID" ] && { kill "$STRACE_PID" 2>/dev/null || true; wait "$STRACE_PID" 2>/dev/null || true; }; (exit $rc); fsd_cleanup' EXIT
sfx=$$
A=fsdra$sfx; Bo=fsdrb$sfx
fsd_mkuser $A
fsd_mkuser $Bo
AU=$(uid_of $A); BU=$(uid_of $Bo)
R=$W/root
mkdir -p $R/shared; chmod 777 $R/shared
"$FSD" acl set $R/shared "O:S-1-22-1-0G:S-1-22-2-0D:(A;OICI;FA;;;WD)"
mkdir $R/shared/victim; chown $Bo $R/shared/victim; chmod 755 $R/shared/victim
"$FSD" acl set $R/shared/victim "O:S-1-22-1-${BU}G:S-1-22-2-0D:(A;;FA;;;S-1-22-1-$BU)(A;;0x1200a9;;;WD)"
ino=$(stat -c %i $R/shared/victim)
fsd_start $R
strace -f -qq -p "$FSD_PID" -e trace=mkdirat -e inject=mkdirat:delay_exit=3000000 -o /dev/null &
STRACE_PID=$!
for _ in $(seq 1 200); do
    [ "$(awk '/^TracerPid/ {print $2}' /proc/$FSD_PID/status)" != 0 ] && break; sleep 0.05
done
[ "$(awk '/^TracerPid/ {print $2}' /proc/$FSD_PID/status)" != 0 ] || fail "strace did not attach"
as $A -X MKCOL http://localhost/shared/new > $W/mkcol.out 2>&1 &
MK=$!
temp=
for _ in $(seq 1 200); do
    temp=$(ls -a $R/shared | grep '^\.ntsec-fsd-put\.' | head -n 1 || true)
    [ -n "$temp" ] && break; sleep 0.02
done
[ -n "$temp" ] || fail "no temp directory seen"
# alice (Linux may: the shared directory is 0777, not sticky) swaps bob's directory in
setpriv --reuid $AU --regid 65534 --clear-groups mv "$R/shared/$temp" "$R/shared/alice-moved"
setpriv --reuid $AU --regid 65534 --clear-groups mv "$R/shared/victim" "$R/shared/$temp"
wait $MK || true
kill "$STRACE_PID" 2>/dev/null || true; wait "$STRACE_PID" 2>/dev/null || true; STRACE_PID=
now=$(find $R/shared -maxdepth 1 -inum "$ino")
[ -n "$now" ] || fail "bob's directory vanished"
"$FSD" acl get "$now" | grep -q "O:S-1-22-1-${BU}" || { "$FSD" acl get "$now"; fail "bob's directory got a descriptor the MKCOL meant for alice's new one"; }
echo "ok: bob's directory kept its descriptor ($(status_of "$(cat $W/mkcol.out)") for the MKCOL)"
fsd_stop
echo "fsd_mkcol_race: OK"
