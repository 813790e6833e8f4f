#!/usr/bin/env bash
# Per-user quota (quota= in a --config file, with audit=), accounted by system worker threads: a user's uploads beyond
# the limit are refused with 507 (layer quota); another user still has its own allowance.
source "$(dirname "$0")/lib/fixture.bash"
need_root
sfx=$$; A=fsdqa$sfx; Bo=fsdqb$sfx
fsd_mkuser $A; fsd_mkuser $Bo
R=$W/root; mkdir -p $R; chmod 1777 $R
printf "# test configuration\nquota=100\naudit=%s\n" "$W/audit.log" > $W/fsd.conf
[ -n "${FSD_OVERRIDE:-}" ] && FSD=$FSD_OVERRIDE   # to show a test fails against an older binary
fsd_start $R --config $W/fsd.conf
U=http://localhost
head -c 60 /dev/zero > $W/60; chmod 644 $W/60
out=$(as $A -T $W/60 $U/a1); expect 201 "alice 60 bytes (quota 100)" "$out"
out=$(as $A -T $W/60 $U/a2); expect 507 "alice 60 more (over quota)" "$out"
[ ! -e $R/a2 ] || fail "refused upload left a file"
in_log $W/server.err "path=/a2 status=507 layer=quota" || fail "quota refusal not logged"
out=$(as $Bo -T $W/60 $U/b1); expect 201 "bob has his own 100 bytes" "$out"
# a Content-Length near 2^64 must not wrap the account round to a small number (review):
# before, 60 used + 18446744073709551556 (2^64 - 60) wrapped to 0, and bob's next uploads passed
out=$(as $Bo --max-time 3 -X PUT -H 'Content-Length: 18446744073709551556' --data-binary x $U/b2 || true)
[ "$(status_of "$out")" = 201 ] && fail "a wrapping Content-Length was accepted"
out=$(as $Bo -T $W/60 $U/b3); expect 507 "bob 60 more after a wrapping Content-Length (over quota)" "$out"
fsd_stop
grep -q "path=/a2 status=507 layer=quota" $W/audit.log || fail "audit log (from --config) misses the refusal"
echo "fsd_quota: OK"
