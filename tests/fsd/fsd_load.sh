#!/usr/bin/env bash
# Reliability, bounded: 200 concurrent keep-alive connections from 4 different local users
# (50 each, 20 GETs per connection): every response is 200 and was served as its own user
# (X-Ntsec-Served-As and the body, a file only that user can read); no fd growth in the
# server afterwards. Then hostile clients: 10,000 headers, a 10 GiB Content-Length, a
# truncated body and a dropped connection mid-PUT, garbage XML - each gets its error,
# nothing is left behind, and the server keeps serving.
# No timing assumption: every wait is for a condition, bounded generously (a loaded CI box only
# makes it slower); the 60-second variant is bench/fsd_soak.sh.
source "$(dirname "$0")/lib/fixture.bash"
need_root
sfx=$$
R=$W/root; mkdir -p $R; chmod 755 $R
cp "$S/tests/fsd/lib/loadclient.py" "$S/tests/fsd/lib/httpwire.py" $W/; chmod 644 $W/loadclient.py $W/httpwire.py
users=()
for i in 1 2 3 4; do
    u=fsdl$i$sfx; fsd_mkuser $u; users+=($u)
    mkdir $R/$u; chown $u $R/$u; chmod 700 $R/$u
    echo "secret of $u" > $R/$u/mine.txt; chown $u $R/$u/mine.txt; chmod 600 $R/$u/mine.txt
done
mkdir $R/drop; chmod 1777 $R/drop
sleep 2.5   # settled files: the descriptor cache serves them, so the load runs the kept way (docs/fsd.md)
fsd_start $R
fds() { ls /proc/$FSD_PID/fd | wc -l; }
curl -s --max-time 120 --unix-socket $W/sock http://localhost/ -o /dev/null
base=$(fds)
outs=()
for u in "${users[@]}"; do
    setpriv --reuid "$(id -u $u)" --regid "$(id -g $u)" --init-groups /usr/bin/python3 $W/loadclient.py \
        $W/sock /$u/mine.txt "S-1-22-1-$(id -u $u)" "secret of $u
" 50 20 > $W/load.$u &
    outs+=($!)
done
for p in "${outs[@]}"; do wait $p || fail "load client failed"; done
for u in "${users[@]}"; do
    r=$(cat $W/load.$u); echo "$u: $r"
    [ "$r" = "ok=1000 wrong=0 bad=0 errors=0" ] || fail "$u: $r"
done
sleep 0.3   # the request log is written in batches every 50 ms (tools/ntsec-fsd/log.c)
grep -q ' status=5[0-9][0-9] ' $W/server.err && fail "a 5xx was served"
for _ in $(seq 1 1200); do [ "$(fds)" -le "$base" ] && break; sleep 0.05; done
[ "$(fds)" -le "$base" ] || fail "fd growth: $base before, $(fds) after"
kept=$(grep -c 'path=/fsdl[1-4][0-9]*/mine.txt status=200 .*way=kept' $W/server.err || true)
[ "$kept" -ge 2000 ] || fail "only $kept of 4000 GETs went the kept way"
echo "ok: 4000 requests on 200 connections from 4 users, all served as their own user ($kept the kept way); fds $base -> $(fds)"

# hostile clients
hdrs=$W/hdrs; { printf 'GET / HTTP/1.1\r\nHost: localhost\r\n'; for i in $(seq 1 10000); do printf 'X-H%d: v\r\n' $i; done; printf '\r\n'; } > $hdrs
st=$(/usr/bin/python3 - $W/sock $hdrs <<'PY'
import socket,sys
s=socket.socket(socket.AF_UNIX); s.settimeout(120); s.connect(sys.argv[1])
try:
    s.sendall(open(sys.argv[2],'rb').read())
except OSError:
    pass   # the server may refuse and close before it read everything
data=b''
while len(data) < 12:
    chunk=s.recv(64)
    if not chunk: break
    data+=chunk
print(data.split(b' ')[1].decode() if len(data) >= 12 else 'closed')
PY
) || st=closed
case "$st" in 4*|closed) echo "ok: 10,000 headers -> $st";; *) fail "10,000 headers -> $st";; esac
/usr/bin/python3 - $W/sock <<'PY'
import socket,sys,time
# a 10 GiB Content-Length with a few bytes, then the connection drops; a truncated body likewise
for cl in (10*1024**3, 100):
    s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
    s.sendall(b"PUT /drop/x%d.bin HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n0123456789" % (cl, cl))
    time.sleep(0.2); s.close()
PY
for _ in $(seq 1 1200); do ls -A $R/drop | grep -q . || break; sleep 0.05; done
ls -A $R/drop | grep -q . && fail "left behind in drop/: $(ls -A $R/drop)"
echo "ok: dropped uploads (10 GiB Content-Length, truncated body) left nothing behind"
code=$(curl -s --max-time 120 --unix-socket $W/sock -o /dev/null -w '%{http_code}' -X PROPFIND --data-binary '<<<garbage' http://localhost/)
[ "$code" = 400 ] || fail "garbage XML -> $code"
code=$(curl -s --max-time 120 --unix-socket $W/sock -o /dev/null -w '%{http_code}' -X PROPFIND -H 'Content-Length: 99999999999' http://localhost/)
[ "$code" = 413 ] || fail "huge XML body -> $code"
code=$(curl -s --max-time 120 --unix-socket $W/sock -o /dev/null -w '%{http_code}' http://localhost/)
[ "$code" = 200 ] || fail "server stopped serving: $code"
echo "ok: garbage XML 400, huge XML 413, still serving"
fsd_stop
echo "fsd_load: OK"
