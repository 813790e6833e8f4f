#!/usr/bin/env bash
# bench/fsd_soak.sh [BUILD_DIR] [SECONDS] [CONNS_PER_USER] - the reliability load test of
# issue 12 (docs/fsd.md "Reliability"): CONNS_PER_USER (default 50) keep-alive connections from
# each of 4 throwaway local users (200 at once, all open before the first request) send GETs
# over the Unix socket for SECONDS (default 60) - bounded in time and, per connection, in count
# (at most 1,000,000 requests). Each user GETs a file only that user may read; every response
# must be 200, say it was served as that user (X-Ntsec-Served-As) and carry that user's file:
# all of them are checked. Zero wrong-identity responses, zero 5xx (client side and the
# server's log), and no fd or memory growth: the server's fd count and RSS after a 5-second
# warm-up run are compared with the same after the long run, once its connections are gone.
# Prints the figures; exits 1 on any failure. As root; loopback/Unix socket only.
set -euo pipefail
cd "$(dirname "$0")/.."
export NTSEC_BUILD_DIR=$(cd "${1:-build}" && pwd) NTSEC_SOURCE_DIR=$(pwd)
SECS=${2:-60}; PER=${3:-50}
source tests/fsd/lib/fixture.bash
need_root
R=$W/root; mkdir -p $R; chmod 755 $R
cp "$S/tests/fsd/lib/loadclient.py" "$S/tests/fsd/lib/httpwire.py" $W/; chmod 644 $W/loadclient.py $W/httpwire.py
users=()
for i in 1 2 3 4; do
    u=fsds$i$$; fsd_mkuser $u; users+=($u)
    mkdir $R/$u; chown $u $R/$u; chmod 700 $R/$u
    echo "secret of $u" > $R/$u/mine.txt; chown $u $R/$u/mine.txt; chmod 600 $R/$u/mine.txt
done
fsd_start $R
fds() { ls /proc/$FSD_PID/fd | wc -l; }
rss() { awk '/^VmRSS/ {print $2}' /proc/$FSD_PID/status; }
threads() { awk '/^Threads/ {print $2}' /proc/$FSD_PID/status; }
t0=$(threads)
run() { # run SECONDS TAG: the four users' clients at once; their result lines in $W/TAG.USER
    local p=() u
    for u in "${users[@]}"; do
        setpriv --reuid "$(id -u $u)" --regid "$(id -g $u)" --init-groups /usr/bin/python3 $W/loadclient.py \
            $W/sock /$u/mine.txt "S-1-22-1-$(id -u $u)" "secret of $u
" $PER 1000000 "$1" > $W/$2.$u 2>$W/$2.$u.err &
        p+=($!)
    done
    for u in "${p[@]}"; do wait $u || fail "a load client failed"; done
}
settle() { # wait (bounded) until the connections' threads are gone
    for _ in $(seq 1 1200); do [ "$(threads)" -le "$t0" ] && break; sleep 0.05; done
    sleep 1
}
run 5 warm; settle
fd0=$(fds); rss0=$(rss)
echo "after a 5 s warm-up: fds $fd0, RSS $rss0 KiB, threads $(threads); load average $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
run "$SECS" soak
end=$(date +%s.%N)
settle
fd1=$(fds); rss1=$(rss)
total=0; bad=0
for u in "${users[@]}"; do
    r=$(cat $W/soak.$u); echo "$u: $r"
    ok=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' <<<"$r"); total=$((total + ok))
    grep -q ' wrong=0 bad=0 errors=0' <<<"$r" || { bad=1; cat $W/soak.$u.err; }
done
sleep 0.3   # the request log is written in batches every 50 ms (tools/ntsec-fsd/log.c)
fives=$(grep -c ' status=5[0-9][0-9] ' $W/server.err || true)
echo "$total responses in $(python3 -c "print('%.1f' % ($end - $start))") s on $((PER * 4)) connections from 4 users ($(python3 -c "print(int($total / ($end - $start)))") req/s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "5xx in the server log: $fives"
kept=$(grep -c 'method=GET path=/fsds[1-4][0-9]*/mine.txt status=200 .*way=kept' $W/server.err || true)
echo "GETs served the kept way (docs/fsd.md \"Keeping the client\"): $kept"
echo "server fds: $fd0 before, $fd1 after; RSS: $rss0 KiB before, $rss1 KiB after ($((rss1 - rss0)) KiB)"
[ "$bad" = 0 ] || fail "wrong-identity, non-200 or failed responses"
[ "$fives" = 0 ] || fail "5xx responses"
[ "$total" -gt 0 ] || fail "no responses"
[ "$fd1" -le "$fd0" ] || fail "fd growth: $fd0 -> $fd1"
# memory: the warm-up already grew the allocator's arenas to 200 threads' worth; more than 10 %
# over that after 12x the requests is growth
[ "$rss1" -le $((rss0 + rss0 / 10)) ] || fail "memory growth: $rss0 -> $rss1 KiB"
fsd_stop
echo "fsd_soak: OK (zero wrong-identity responses, zero 5xx, no fd or memory growth)"
