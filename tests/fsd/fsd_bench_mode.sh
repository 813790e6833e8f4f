#!/usr/bin/env bash
# --bench-no-impersonation (docs/fsd.md "Benchmark mode"): refused unless
# NTSEC_FSD_BENCH_UNSAFE=1 makes the danger explicit, never taken from --config; with it the
# server says so at start and in every response (X-Ntsec-Served-As is not a SID), and really
# serves as itself: a file Linux keeps from the client (root's, mode 0600; the NT ACL allows
# everyone) is refused (layer linux) in the normal mode and read in the benchmark mode. The
# NT layer still runs in both.
source "$(dirname "$0")/lib/fixture.bash"
need_root
A=fsdbm$$
fsd_mkuser $A
R=$W/root; mkdir -p $R; chmod 755 $R
echo "root only" > $R/rootonly.txt; chmod 600 $R/rootonly.txt
"$FSD" acl set $R/rootonly.txt "O:SYG:SYD:(A;;FR;;;WD)(A;;FA;;;SY)"
echo "nt denies" > $R/ntdenies.txt; chmod 644 $R/ntdenies.txt
"$FSD" acl set $R/ntdenies.txt "O:SYG:SYD:(A;;FA;;;SY)"
rc=0; env -u NTSEC_FSD_BENCH_UNSAFE "$FSD" serve $R --socket $W/x.sock --bench-no-impersonation >/dev/null 2>$W/refused.err || rc=$?
[ $rc = 2 ] || fail "--bench-no-impersonation without NTSEC_FSD_BENCH_UNSAFE=1: exit $rc, want 2"
grep -q "refused unless NTSEC_FSD_BENCH_UNSAFE=1" $W/refused.err || fail "no reason given: $(cat $W/refused.err)"
[ -e $W/x.sock ] && fail "the refused server made its socket"
rc=0; NTSEC_FSD_BENCH_UNSAFE=yes "$FSD" serve $R --socket $W/x.sock --bench-no-impersonation >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "NTSEC_FSD_BENCH_UNSAFE=yes (not 1) accepted: exit $rc"
printf 'socket=%s\nbench-no-impersonation=1\n' $W/x.sock > $W/bench.conf
rc=0; NTSEC_FSD_BENCH_UNSAFE=1 "$FSD" serve $R --config $W/bench.conf >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "the benchmark mode taken from --config: exit $rc"
echo "ok: refused without NTSEC_FSD_BENCH_UNSAFE=1 and from --config"

fsd_start $R
out=$(as $A -i http://localhost/rootonly.txt); expect 403 "normal mode: Linux keeps root's 0600 file from the client" "$out"
grep -q '^X-Ntsec-Served-As: S-1-22-1-' <<<"$(tr -d '\r' <<<"$out")" || fail "normal mode: served-as is not the client's SID"
fsd_stop
NTSEC_FSD_BENCH_UNSAFE=1 fsd_start $R --bench-no-impersonation
grep -q "BENCHMARK MODE" $W/server.out || fail "the start message does not say benchmark mode"
grep -q "WARNING: benchmark mode" $W/server.err || fail "no warning on stderr"
out=$(as $A -i http://localhost/rootonly.txt); expect 200 "benchmark mode: served as the server" "$out"
grep -q '^X-Ntsec-Served-As: SERVER (bench-no-impersonation)$' <<<"$(tr -d '\r' <<<"$out")" || fail "benchmark mode: the response does not say so"
out=$(as $A http://localhost/ntdenies.txt); expect 403 "benchmark mode: the NT layer still refuses" "$out"
fsd_stop
echo "fsd_bench_mode: OK"
