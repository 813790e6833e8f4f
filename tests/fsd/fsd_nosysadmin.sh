#!/usr/bin/env bash
# A server that cannot see the trusted namespace must not take "no trusted.ntsec.sd" for "no
# descriptor" (tools/ntsec-fsd/ntacl.c FsdGetSd): without CAP_SYS_ADMIN the kernel answers a
# read of trusted.* with ENODATA (xattr_permission), exactly as for a file that has none, so
# the descriptor derived from the mode would stand in for the stored one - here a file the
# stored descriptor gives only B, mode 644 (derived: everyone reads) - and A would read it.
# Root in a container with the default capabilities (CAP_SETUID/SETGID, no CAP_SYS_ADMIN)
# is such a server. Fail closed: the NT layer refuses what it cannot read.
source "$(dirname "$0")/lib/fixture.bash"
need_root
A=fsdna$$; Bu=fsdnb$$
fsd_mkuser $A; fsd_mkuser $Bu
SIDB=S-1-22-1-$(uid_of $Bu)
R=$W/root; mkdir -p $R; chmod 755 $R
echo "only B" > $R/b-only.txt; chmod 644 $R/b-only.txt
"$FSD" acl set $R/b-only.txt "O:SYG:SYD:(A;;FR;;;$SIDB)(A;;FA;;;SY)"
sleep 3   # settled, so the descriptor cache (sdcache.c) would keep what was read

# the same binary, started without CAP_SYS_ADMIN (bounding set: permitted and effective lose it)
printf '#!/bin/sh\nexec setpriv --bounding-set -sys_admin "%s" "$@"\n' "$FSD" >$W/fsd-nosysadmin
chmod 755 $W/fsd-nosysadmin
REAL_FSD=$FSD; FSD=$W/fsd-nosysadmin
fsd_start $R
FSD=$REAL_FSD

for i in 1 2; do   # the second on a warm cache
    out=$(as $A -i http://localhost/b-only.txt) || true
    expect 403 "A reads a file whose stored descriptor it cannot see (try $i)" "$out"
    grep -q "only B" <<<"$out" && fail "the content was served"
done
in_log $W/server.err "path=/b-only.txt status=403 layer=nt" || fail "the refusal is not the NT layer's"
fsd_stop
echo "fsd_nosysadmin: OK"
