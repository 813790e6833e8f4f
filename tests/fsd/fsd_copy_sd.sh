#!/usr/bin/env bash
# A COPY's new object must get the descriptor it inherits from the destination collection, or
# not exist (tools/ntsec-fsd/ops_copy.c): the descriptor is written by a worker after the
# copy's dead properties, and a source whose owner filled its extended-attribute space
# (user.ntsec.dav.*, which Linux lets the owner set) makes that write fail (ENOSPC on ext4).
# Ignoring the failure left the copy with the descriptor derived from its mode (644: everyone
# reads) inside a collection whose inherited descriptor gives only the copier and SYSTEM.
source "$(dirname "$0")/lib/fixture.bash"
need_root
A=fsdca$$; Bu=fsdcb$$
fsd_mkuser $A; fsd_mkuser $Bu
SIDA=S-1-22-1-$(uid_of $A)
R=$W/root; mkdir -p $R/priv; chmod 755 $R; chmod 777 $R/priv
"$FSD" acl set $R/priv "O:SYG:SYD:(A;OICI;FA;;;$SIDA)(A;OICI;FA;;;SY)"
echo "copied" > $R/src.txt; chown $A $R/src.txt; chmod 644 $R/src.txt
setpriv --reuid "$(uid_of $A)" --regid "$(id -g $A)" --clear-groups \
    setfattr -n user.ntsec.dav.pad -v "$(head -c 3950 /dev/zero | tr '\0' x)" $R/src.txt
fsd_start $R

out=$(as $A -i -X COPY -H "Destination: http://localhost/priv/copy.txt" http://localhost/src.txt) || true
st=$(status_of "$out")
if [ -e $R/priv/copy.txt ]; then
    "$FSD" acl get $R/priv/copy.txt | grep -q "(stored in" || { "$FSD" acl get $R/priv/copy.txt; fail "the copy (COPY status $st) has no stored descriptor"; }
    echo "ok: the copy exists with its inherited descriptor (COPY $st)"
else
    [ "$st" -ge 400 ] || fail "COPY said $st but left no copy"
    echo "ok: COPY refused ($st) and left nothing"
fi
out=$(as $Bu -i http://localhost/priv/copy.txt) || true
[ "$(status_of "$out")" != 200 ] || fail "B reads the copy the inherited descriptor keeps from him"
echo "ok: B cannot read the copy ($(status_of "$out"))"
fsd_stop
echo "fsd_copy_sd: OK"
