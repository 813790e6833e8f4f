#!/usr/bin/env bash
# No file is ever left half-written: a server killed with SIGKILL in the middle of a PUT
# leaves the old content intact (the upload goes to a temp file that is renamed into place
# only when complete). And SIGTERM lets an in-flight PUT finish before exiting 0.
source "$(dirname "$0")/lib/fixture.bash"
need_root
R=$W/root; mkdir -p $R; chmod 777 $R
echo "old content" > $R/f.txt; chmod 666 $R/f.txt
head -c 4194304 /dev/zero | tr '\0' 'N' > $W/big
fsd_start $R
# a slow upload (256 KiB/s for 4 MiB: about 16 s), killed after it started
curl -s --max-time 60 --limit-rate 256k --unix-socket $W/sock -T $W/big http://localhost/f.txt -o /dev/null &
cpid=$!
for _ in $(seq 1 200); do ls $R/.ntsec-fsd-put.* >/dev/null 2>&1 && break; sleep 0.05; done
ls $R/.ntsec-fsd-put.* >/dev/null 2>&1 || fail "upload did not start"
kill -9 $FSD_PID; wait $FSD_PID 2>/dev/null || true; FSD_PID=
wait $cpid 2>/dev/null || true
[ "$(cat $R/f.txt)" = "old content" ] || fail "SIGKILL mid-PUT changed the file"
echo "ok: SIGKILL mid-PUT left the old content"
# hidden from clients: the leftover temp file never appears in a listing
rm -f $W/sock
fsd_start $R
curl -s --unix-socket $W/sock http://localhost/ | grep -q ntsec-fsd-put && fail "temp file listed"
# SIGTERM with a PUT in flight: it completes, then the server exits 0
curl -s --max-time 60 --limit-rate 1m --unix-socket $W/sock -T $W/big -w '%{http_code}' http://localhost/f.txt > $W/code &
cpid=$!
for _ in $(seq 1 200); do [ "$(ls $R/.ntsec-fsd-put.* 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.05; done
sleep 0.3
fsd_stop
wait $cpid || true
[ "$(cat $W/code)" = 204 ] || fail "in-flight PUT after SIGTERM: $(cat $W/code)"
cmp -s $W/big $R/f.txt || fail "in-flight PUT content"
echo "ok: SIGTERM finished the in-flight PUT and exited 0"
echo "fsd_crash: OK"
