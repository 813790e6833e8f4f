#!/usr/bin/env bash
# bench/fsd.sh [BUILD_DIR] [SECONDS] - 4 KiB GETs with keep-alive against ntsec-fsd and nginx,
# side by side in one run, loopback only, every load bounded (SECONDS, default 10):
#   wrk -t2 -c16 -dSECONDS over 127.0.0.1: ntsec-fsd (guest token, impersonated per request)
#                                          and nginx (static files, as www-data)
#   h2load --h1 -t2 -c16 -DSECONDS -B unix:SOCK: ntsec-fsd over its Unix socket (peer creds),
#                                          as uid 65534 and as root (no credential switch)
#   wrk over 127.0.0.1: lighttpd (static, www-data) and Apache prefork + mpm-itk serving each
#                       connection as a per-user uid (Basic auth), when installed
# Prints the issue's ratios (fsd/nginx, fsd/mpm-itk, unix/nginx-tcp, impersonation on/off).
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
# lighttpd (static, as www-data), when installed
lport=""
if command -v lighttpd >/dev/null; then
    lport=$(freeport); mkdir -p "$W/lighttpd"
    cat >"$W/lighttpd/lighttpd.conf" <<CONF
server.document-root = "$W/www"
server.bind = "127.0.0.1"
server.port = $lport
server.pid-file = "$W/lighttpd/lighttpd.pid"
server.errorlog = "$W/lighttpd/error.log"
server.username = "www-data"
server.groupname = "www-data"
include_shell "/usr/share/lighttpd/create-mime.conf.pl"
CONF
    chmod 777 "$W/lighttpd"
    lighttpd -f "$W/lighttpd/lighttpd.conf"
    for _ in $(seq 1 100); do [ -s "$W/lighttpd/lighttpd.pid" ] && break; sleep 0.05; done
    pids+=("$(cat "$W/lighttpd/lighttpd.pid")")
fi
# Apache prefork + mpm-itk: each connection forked and switched to the Basic user's uid
# (../shared/recipes/webdav-peers.md §2: the user name comes from the Authorization header,
# mod_auth_basic checks the password afterwards), when libapache2-mpm-itk is installed
iport=""; IU=""
if [ -x /usr/sbin/apache2 ] && [ -f /usr/lib/apache2/modules/mpm_itk.so ] && command -v htpasswd >/dev/null; then
    iport=$(freeport); IU=fsdbi$$; A="$W/itk"
    useradd -M -N -g nogroup -d /nonexistent -s /usr/sbin/nologin "$IU"
    mkdir -p "$A/run" "$A/logs"
    htpasswd -bc "$A/htpasswd" "$IU" benchpw 2>/dev/null; chmod 644 "$A/htpasswd"
    cat >"$A/httpd.conf" <<CONF
ServerRoot $A
ServerName localhost
Listen 127.0.0.1:$iport
PidFile $A/run/httpd.pid
Mutex file:$A/run
DefaultRuntimeDir $A/run
ErrorLog $A/logs/error.log
LogLevel warn
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule mpm_itk_module /usr/lib/apache2/modules/mpm_itk.so
LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
LoadModule authn_file_module /usr/lib/apache2/modules/mod_authn_file.so
LoadModule auth_basic_module /usr/lib/apache2/modules/mod_auth_basic.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authz_user_module /usr/lib/apache2/modules/mod_authz_user.so
LoadModule setenvif_module /usr/lib/apache2/modules/mod_setenvif.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
User www-data
Group www-data
TypesConfig /etc/mime.types
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 5
StartServers 5
MinSpareServers 5
MaxSpareServers 10
MaxRequestWorkers 150
MaxConnectionsPerChild 0
EnableSendfile On
SetEnvIf Request_URI "^" ITK_USER=www-data
SetEnvIf Authorization "^Basic +([A-Za-z0-9+/=]+)\$" ITK_B64=\$1
SetEnvIfExpr "unbase64(reqenv('ITK_B64')) =~ /^([a-z][a-z0-9_-]*):/" ITK_USER=\$1
AssignUserIDExpr %{reqenv:ITK_USER}
DocumentRoot $W/www
<Directory $W/www>
  AuthType Basic
  AuthName "bench"
  AuthBasicProvider file
  AuthUserFile $A/htpasswd
  Require valid-user
</Directory>
CONF
    chmod 755 "$A"
    /usr/sbin/apache2 -f "$A/httpd.conf" -k start
    for _ in $(seq 1 100); do [ -s "$A/run/httpd.pid" ] && break; sleep 0.05; done
    pids+=("$(cat "$A/run/httpd.pid")")
fi
cleanup2() { cleanup; [ -n "$IU" ] && userdel "$IU" 2>/dev/null || true; }
trap cleanup2 EXIT
wrk_rps() { local o; o=$(wrk -t2 -c16 -d"${T}s" "$@")
            if grep -q 'Non-2xx' <<<"$o"; then echo "bench: non-2xx responses from ${*: -1}" >&2; fi
            awk '/Requests\/sec/ {print $2}' <<<"$o"; }
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
if [ -n "$lport" ]; then
    l=$(wrk_rps "http://127.0.0.1:$lport/f4k.bin")
    printf 'lighttpd tcp (wrk)          %10s req/s  %.2fx nginx\n' "$l" "$(echo "$l / $n" | bc -l)"
fi
if [ -n "$iport" ]; then
    auth="Authorization: Basic $(printf '%s:benchpw' "$IU" | base64)"
    curl -sf -H "$auth" "http://127.0.0.1:$iport/f4k.bin" -o /dev/null || echo "apache mpm-itk: GET failed" >&2
    i=$(wrk_rps -H "$auth" "http://127.0.0.1:$iport/f4k.bin")
    printf 'apache mpm-itk per-user (wrk)%9s req/s  %.2fx nginx\n' "$i" "$(echo "$i / $n" | bc -l)"
    printf 'ntsec-fsd tcp / apache mpm-itk per-user: %.2f (goal >= 3)\n' "$(echo "$f / $i" | bc -l)"
fi
printf 'goals: fsd tcp / nginx %.2f (>= 0.8); fsd unix / nginx tcp %.2f (>= 1.5); impersonation on / off %.2f (>= 0.9)\n' \
    "$(echo "$f / $n" | bc -l)" "$(echo "$u / $n" | bc -l)" "$(echo "$u / $r" | bc -l)"

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
