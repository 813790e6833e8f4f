#!/usr/bin/env bash
# bench/fsd.sh [BUILD_DIR] [SECONDS] - 4 KiB GETs with keep-alive against ntsec-fsd and nginx,
# side by side in one run, loopback only, every load bounded (SECONDS, default 10):
#   wrk -t2 -c16 -dSECONDS over 127.0.0.1: ntsec-fsd (guest token, impersonated per request)
#                                          and nginx (static files, as www-data)
#   h2load --h1 -t2 -c16 -DSECONDS -B unix:SOCK: ntsec-fsd over its Unix socket (peer creds),
#                                          as uid 65534 and as root (no credential switch)
# Prints req/s and the ratios to nginx; then PROPFIND depth 1 over 1,000 entries, PUT of 1 MiB
# and RSS per idle connection (Unix socket). Servers are stopped by pid. As root.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}; T=${2:-10}
W=$(mktemp -d /tmp/fsd-bench.XXXXXX); chmod 755 "$W"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; sleep 0.3;
            for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mkdir -p "$W/www"; head -c 4096 /dev/urandom > "$W/www/f4k.bin"; chmod 755 "$W/www"; chmod 644 "$W/www/f4k.bin"
# ntsec-fsd
"$B/ntsec-fsd" serve "$W/www" --socket "$W/fsd.sock" --listen 127.0.0.1:0 \
    --guest 'user=S-1-22-1-65534 groups=S-1-22-2-65534,WD' >"$W/fsd.out" 2>/dev/null &
pids+=($!)
for _ in $(seq 1 100); do grep -q 'try: curl http' "$W/fsd.out" 2>/dev/null && break; sleep 0.05; done
fport=$(sed -n 's/^  tcp 127.0.0.1:\([0-9]*\) .*/\1/p' "$W/fsd.out")
# nginx
nport=$(freeport); mkdir -p "$W/nginx/logs" "$W/nginx/tmp"
cat >"$W/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $W/nginx/tmp;
  server { listen 127.0.0.1:$nport; root $W/www; location / { } } }
CONF
nginx -c "$W/nginx/nginx.conf" -p "$W/nginx/"
for _ in $(seq 1 100); do [ -s "$W/nginx/nginx.pid" ] && break; sleep 0.05; done
pids+=("$(cat "$W/nginx/nginx.pid")")
wrk_rps() { wrk -t2 -c16 -d"${T}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
h2_rps() { "$@" h2load --h1 -t2 -c16 -D"$T" -B "unix:$W/fsd.sock" "http://localhost/f4k.bin" | awk '/^finished in/ {gsub(",","",$4); print $4}'; }
curl -sf "http://127.0.0.1:$fport/f4k.bin" -o /dev/null && curl -sf "http://127.0.0.1:$nport/f4k.bin" -o /dev/null
curl -sf --unix-socket "$W/fsd.sock" http://localhost/f4k.bin -o /dev/null
n=$(wrk_rps "http://127.0.0.1:$nport/f4k.bin")
f=$(wrk_rps "http://127.0.0.1:$fport/f4k.bin")
u=$(h2_rps setpriv --reuid 65534 --regid 65534 --clear-groups)
r=$(h2_rps)
printf 'nginx tcp (wrk)             %10s req/s\n' "$n"
printf 'ntsec-fsd tcp guest (wrk)   %10s req/s  %.2fx nginx\n' "$f" "$(echo "$f / $n" | bc -l)"
printf 'ntsec-fsd unix peer (h2load)%10s req/s  %.2fx nginx-over-tcp (client uid 65534: a credential switch per file operation)\n' "$u" "$(echo "$u / $n" | bc -l)"
printf 'ntsec-fsd unix root (h2load)%10s req/s  (client uid 0 = the server: the same path with no credential syscall)\n' "$r"
printf 'impersonating / not switching: %.2f\n' "$(echo "$u / $r" | bc -l)"

# PROPFIND depth 1 over 1,000 entries, PUT of 1 MiB, memory per idle connection (Unix socket)
mkdir -p "$W/www/many" "$W/www/up"; chmod 1777 "$W/www/up"
for i in $(seq 1 1000); do : > "$W/www/many/f$i"; done
ms() { python3 -c "import sys; print('%.2f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000 / int(sys.argv[3])))" "$@"; }
t0=$(date +%s.%N)
for i in $(seq 1 20); do curl -sf --unix-socket "$W/fsd.sock" -X PROPFIND -H 'Depth: 1' http://localhost/many/ -o /dev/null; done
t1=$(date +%s.%N)
printf 'PROPFIND depth 1, 1,000 entries: %s ms/request (20 requests, curl per request)\n' "$(ms "$t0" "$t1" 20)"
head -c 1048576 /dev/urandom > "$W/1m"; chmod 644 "$W/1m"
t0=$(date +%s.%N)
for i in $(seq 1 20); do setpriv --reuid 65534 --regid 65534 --clear-groups curl -sf --unix-socket "$W/fsd.sock" -T "$W/1m" "http://localhost/up/f$i" -o /dev/null; done
t1=$(date +%s.%N)
printf 'PUT 1 MiB as uid 65534: %s ms/request (20 requests, curl per request)\n' "$(ms "$t0" "$t1" 20)"
fpid=${pids[0]}
rss() { awk '/^VmRSS/ {print $2}' "/proc/$fpid/status"; }
before=$(rss)
python3 - "$W/fsd.sock" "$W/idle.ready" <<'PY' &
import socket, sys, time
conns = []
for _ in range(100):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
    s.sendall(b"GET /f4k.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"); s.recv(8192); conns.append(s)
open(sys.argv[2], "w").write("ready")
time.sleep(5)
PY
ipid=$!
for _ in $(seq 1 200); do [ -s "$W/idle.ready" ] && break; sleep 0.05; done
sleep 0.5
after=$(rss)
wait $ipid || true
printf 'memory per idle authenticated connection: %s KiB RSS (100 connections: %s -> %s KiB)\n' \
    "$(( (after - before) / 100 ))" "$before" "$after"
