#!/usr/bin/env bash
# bench/fsd.sh [BUILD_DIR] [SECONDS] [ROUNDS] - 4 KiB GETs with keep-alive against ntsec-fsd and
# its peers, side by side, in alternating rounds (ROUNDS, default 3; each configuration runs
# SECONDS, default 10, per round, and the order of the impersonation pair alternates between
# rounds), loopback and Unix sockets only, every load bounded:
#   wrk -t2 -c16 over 127.0.0.1:  nginx (static, www-data); ntsec-fsd with the guest token
#                                 (uid 65534) impersonation on, and the same with
#                                 --bench-no-impersonation (NTSEC_FSD_BENCH_UNSAFE=1: the
#                                 benchmark mode that serves everything as the server);
#                                 lighttpd and Apache prefork + mpm-itk per user, if installed;
#                                 the bare libmicrohttpd server (bench/peer_mhd.c), alone and
#                                 with a raw per-request uid switch
#   h2load --h1 -t2 -c16 -B unix:SOCK as uid 65534: ntsec-fsd over its Unix socket (peer
#                                 credentials), impersonation on and off; bare libmicrohttpd
#   h2load --h1 -t2 -c16 over 127.0.0.1: nginx (the same load generator as the Unix rows)
# Prints each round (with the load average) and the medians, and the issue's ratios: fsd/nginx,
# fsd/mpm-itk, unix/nginx-tcp, impersonation on/off; and what bounds them: fsd against the
# bare libmicrohttpd server, and that server against nginx. Then PROPFIND depth 1 over 1,000 entries,
# PUT of 1 MiB, and memory: RSS per idle unauthenticated TCP connection and per authenticated
# Unix-socket client (connected, nothing sent; and after one GET). Servers are stopped by pid.
# As root.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}; T=${2:-10}; ROUNDS=${3:-3}
W=$(mktemp -d /tmp/fsd-bench.XXXXXX); chmod 755 "$W"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; sleep 0.3;
            for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mkdir -p "$W/www"; head -c 4096 /dev/urandom > "$W/www/f4k.bin"; chmod 755 "$W/www"; chmod 644 "$W/www/f4k.bin"
# ntsec-fsd: impersonation on, and the benchmark mode with impersonation off (same binary)
GUEST='user=S-1-22-1-65534 groups=S-1-22-2-65534,WD'
fsd_serve() { # fsd_serve NAME [options]: one instance on $W/NAME.sock and a TCP port ($port, $pid)
    local name=$1; shift
    "$B/ntsec-fsd" serve "$W/www" --socket "$W/$name.sock" --listen 127.0.0.1:0 "$@" \
        >"$W/$name.out" 2>"$W/$name.err" &
    pid=$!; pids+=($pid)
    for _ in $(seq 1 200); do grep -q 'try: curl http' "$W/$name.out" 2>/dev/null && break; sleep 0.05; done
    port=$(sed -n 's/^  tcp 127.0.0.1:\([0-9]*\) .*/\1/p' "$W/$name.out")
}
fsd_serve on --guest "$GUEST"; fport=$port; fpid_on=$pid
NTSEC_FSD_BENCH_UNSAFE=1 fsd_serve off --guest "$GUEST" --bench-no-impersonation; oport=$port
fsd_serve noauth; naport=$port; napid=$pid   # TCP without credentials: connections never authenticated
# the bare libmicrohttpd file server (bench/peer_mhd.c, nothing of ntsec in it), the same
# with a raw per-request credential switch to uid 65534, and over a Unix socket
peer_serve() { # peer_serve LISTEN [UID GID]: one instance ($pid)
    "$B/peer_mhd" "$1" "$W/www" "$(( $(nproc) * 2 ))" "${@:2}" >"$W/peer.$RANDOM.out" 2>&1 &
    pid=$!; pids+=($pid)
    for _ in $(seq 1 200); do
        case $1 in unix:*) [ -S "${1#unix:}" ] && break ;; *) curl -s "http://127.0.0.1:$1/" -o /dev/null && break ;; esac
        sleep 0.05
    done
}
mport=$(freeport); peer_serve "$mport"
msport=$(freeport); peer_serve "$msport" 65534 65534
peer_serve "unix:$W/mhd.sock"
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
h2_rps() { setpriv --reuid 65534 --regid 65534 --clear-groups h2load --h1 -t2 -c16 -D"$T" -B "unix:$W/$1.sock" \
               "http://localhost/f4k.bin" | awk '/^finished in/ {gsub(",","",$4); print $4}'; }
h2_tcp_rps() { h2load --h1 -t2 -c16 -D"$T" "http://127.0.0.1:$1/f4k.bin" | awk '/^finished in/ {gsub(",","",$4); print $4}'; }
# the descriptor cache keeps only objects unchanged for 2 s (tools/ntsec-fsd/sdcache.c): a GET
# of a file changed just now takes the checked way; wait until f4k.bin is settled
sleep 2.5
for p in $fport $oport $nport $mport $msport; do curl -sf "http://127.0.0.1:$p/f4k.bin" -o /dev/null; done
hdr=$(curl -sfi --unix-socket "$W/off.sock" http://localhost/f4k.bin -o /dev/null -D -)
grep -qi '^X-Ntsec-Served-As: SERVER (bench-no-impersonation)' <<<"$hdr" \
    || { echo "bench: the impersonation-off instance does not say so" >&2; exit 1; }
auth=""
if [ -n "$iport" ]; then
    auth="Authorization: Basic $(printf '%s:benchpw' "$IU" | base64)"
    curl -sf -H "$auth" "http://127.0.0.1:$iport/f4k.bin" -o /dev/null || echo "apache mpm-itk: GET failed" >&2
fi
# one round: every configuration once; the impersonation pairs in the order $1 $2
declare -A R
names=(nginx_tcp nginx_tcp_h2 fsd_tcp_on fsd_tcp_off fsd_unix_on fsd_unix_off mhd_tcp mhd_switch_tcp mhd_unix lighttpd_tcp itk_tcp)
measure() { # measure NAME: one figure into R[NAME,round]
    case $1 in
    nginx_tcp) wrk_rps "http://127.0.0.1:$nport/f4k.bin" ;;
    nginx_tcp_h2) h2_tcp_rps "$nport" ;;
    mhd_tcp) wrk_rps "http://127.0.0.1:$mport/f4k.bin" ;;
    mhd_switch_tcp) wrk_rps "http://127.0.0.1:$msport/f4k.bin" ;;
    mhd_unix) h2_rps mhd ;;
    fsd_tcp_on) wrk_rps "http://127.0.0.1:$fport/f4k.bin" ;;
    fsd_tcp_off) wrk_rps "http://127.0.0.1:$oport/f4k.bin" ;;
    fsd_unix_on) h2_rps on ;;
    fsd_unix_off) h2_rps off ;;
    lighttpd_tcp) [ -n "$lport" ] && wrk_rps "http://127.0.0.1:$lport/f4k.bin" || echo - ;;
    itk_tcp) [ -n "$iport" ] && wrk_rps -H "$auth" "http://127.0.0.1:$iport/f4k.bin" || echo - ;;
    esac
}
ratio() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; echo "$1 / $2" | bc -l | xargs printf '%.2f'; }
median() { tr ' ' '\n' <<<"$*" | grep -v '^-$' | sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then order=("${names[@]}")
    else order=(); for ((i = ${#names[@]} - 1; i >= 0; i--)); do order+=("${names[i]}"); done; fi
    for c in "${order[@]}"; do R[$c,$r]=$(measure $c); done
    R[ratio_tcp_nginx,$r]=$(ratio "${R[fsd_tcp_on,$r]}" "${R[nginx_tcp,$r]}")
    R[ratio_unix_nginx,$r]=$(ratio "${R[fsd_unix_on,$r]}" "${R[nginx_tcp,$r]}")
    R[ratio_onoff_tcp,$r]=$(ratio "${R[fsd_tcp_on,$r]}" "${R[fsd_tcp_off,$r]}")
    R[ratio_onoff_unix,$r]=$(ratio "${R[fsd_unix_on,$r]}" "${R[fsd_unix_off,$r]}")
    R[ratio_itk,$r]=$(ratio "${R[fsd_tcp_on,$r]}" "${R[itk_tcp,$r]}")
    R[ratio_unix_nginx_h2,$r]=$(ratio "${R[fsd_unix_on,$r]}" "${R[nginx_tcp_h2,$r]}")
    R[ratio_tcp_mhd,$r]=$(ratio "${R[fsd_tcp_on,$r]}" "${R[mhd_tcp,$r]}")
    R[ratio_unix_mhd,$r]=$(ratio "${R[fsd_unix_on,$r]}" "${R[mhd_unix,$r]}")
    R[ratio_mhd_nginx,$r]=$(ratio "${R[mhd_tcp,$r]}" "${R[nginx_tcp,$r]}")
    R[ratio_mhd_switch_nginx,$r]=$(ratio "${R[mhd_switch_tcp,$r]}" "${R[nginx_tcp,$r]}")
    R[ratio_mhd_unix_nginx,$r]=$(ratio "${R[mhd_unix,$r]}" "${R[nginx_tcp,$r]}")
    printf 'round %d (%s): ' "$r" "${order[*]}"
    for c in "${names[@]}"; do printf '%s=%s ' "$c" "${R[$c,$r]}"; done
    printf '| load average %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
done
med() { local v=(); for r in $(seq 1 "$ROUNDS"); do v+=("${R[$1,$r]}"); done; median "${v[@]}"; }
printf '\nmedians over %d rounds of %ss each (req/s):\n' "$ROUNDS" "$T"
printf '  %-52s %10s\n' "nginx tcp (wrk)" "$(med nginx_tcp)" \
    "nginx tcp (h2load --h1)" "$(med nginx_tcp_h2)" \
    "ntsec-fsd tcp guest, impersonation on (wrk)" "$(med fsd_tcp_on)" \
    "ntsec-fsd tcp guest, impersonation off (wrk)" "$(med fsd_tcp_off)" \
    "ntsec-fsd unix uid 65534, impersonation on" "$(med fsd_unix_on)" \
    "ntsec-fsd unix uid 65534, impersonation off" "$(med fsd_unix_off)" \
    "bare libmicrohttpd tcp (bench/peer_mhd.c, wrk)" "$(med mhd_tcp)" \
    "bare libmicrohttpd + per-request uid switch tcp (wrk)" "$(med mhd_switch_tcp)" \
    "bare libmicrohttpd unix (h2load --h1)" "$(med mhd_unix)" \
    "lighttpd tcp (wrk)" "$(med lighttpd_tcp)" \
    "apache mpm-itk per-user tcp (wrk)" "$(med itk_tcp)"
printf 'ratios (median of the per-round ratios):\n'
printf '  impersonation on / off, tcp   %s  unix %s  (goal >= 0.90)\n' "$(med ratio_onoff_tcp)" "$(med ratio_onoff_unix)"
printf '  fsd tcp / nginx tcp           %s  (goal >= 0.8)\n' "$(med ratio_tcp_nginx)"
printf '  fsd unix / nginx tcp          %s  (goal >= 1.5)\n' "$(med ratio_unix_nginx)"
printf '  fsd tcp / apache mpm-itk      %s  (goal >= 3)\n' "$(med ratio_itk)"
printf '  fsd unix / nginx tcp, both h2load  %s\n' "$(med ratio_unix_nginx_h2)"
printf '  fsd / bare libmicrohttpd      tcp %s  unix %s\n' "$(med ratio_tcp_mhd)" "$(med ratio_unix_mhd)"
printf '  bare libmicrohttpd / nginx tcp    tcp %s  unix %s  with a per-request switch, tcp %s\n' \
    "$(med ratio_mhd_nginx)" "$(med ratio_mhd_unix_nginx)" "$(med ratio_mhd_switch_nginx)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# which way the impersonating instance served its GETs (docs/fsd.md "Keeping the client")
sleep 0.3   # the request log is written in batches every 50 ms (tools/ntsec-fsd/log.c)
kept=$(grep -c 'method=GET path=/f4k.bin status=200 .*way=kept' "$W/on.err" || true)
gets=$(grep -c 'method=GET path=/f4k.bin status=200' "$W/on.err" || true)
printf 'impersonation-on instance: %s of %s GETs of f4k.bin served the kept way\n' "$kept" "$gets"

# PROPFIND depth 1 over 1,000 entries, PUT of 1 MiB, memory per idle connection (Unix socket)
mkdir -p "$W/www/many" "$W/www/up"; chmod 1777 "$W/www/up"
for i in $(seq 1 1000); do : > "$W/www/many/f$i"; done
ms() { python3 -c "import sys; print('%.2f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000 / int(sys.argv[3])))" "$@"; }
t0=$(date +%s.%N)
for i in $(seq 1 20); do setpriv --reuid 65534 --regid 65534 --clear-groups curl -sf --unix-socket "$W/on.sock" -X PROPFIND -H 'Depth: 1' http://localhost/many/ -o /dev/null; done
t1=$(date +%s.%N)
printf 'PROPFIND depth 1 (allprop), 1,000 entries, as uid 65534: %s ms/request (20 requests, curl per request)\n' "$(ms "$t0" "$t1" 20)"
head -c 1048576 /dev/urandom > "$W/1m"; chmod 644 "$W/1m"
t0=$(date +%s.%N)
for i in $(seq 1 20); do setpriv --reuid 65534 --regid 65534 --clear-groups curl -sf --unix-socket "$W/on.sock" -T "$W/1m" "http://localhost/up/f$i" -o /dev/null; done
t1=$(date +%s.%N)
printf 'PUT 1 MiB as uid 65534: %s ms/request (20 requests, curl per request)\n' "$(ms "$t0" "$t1" 20)"
# memory: RSS of a server before and after 100 connections that sent nothing (the server's
# threads counted too), then after one GET on each (idle keep-alive)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
threads() { awk '/^Threads/ {print $2}' "/proc/$1/status"; }
idle_conns() { # idle_conns PID unix:PATH|tcp:PORT GET(0/1) READYFILE: holds 100 connections 8 s
    python3 - "$2" "$3" "$4" <<'PY' &
import socket, sys, time
where, get, ready = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
conns = []
for _ in range(100):
    if where.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX); s.connect(where[5:])
    else:
        s = socket.socket(); s.connect(("127.0.0.1", int(where[4:])))
    if get:
        s.sendall(b"GET /f4k.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"); s.recv(8192)
    conns.append(s)
open(ready, "w").write("ready")
time.sleep(8)
PY
}
mem_row() { # mem_row LABEL PID WHERE GET
    local before after t0 ready=$W/ready.$RANDOM
    sleep 1; t0=$(threads "$2"); before=$(rss "$2")
    idle_conns "$2" "$3" "$4" "$ready"; local ipid=$!
    for _ in $(seq 1 400); do [ -s "$ready" ] && break; sleep 0.05; done
    sleep 0.5; after=$(rss "$2")
    printf '%-62s %4s KiB RSS per connection (100: %s -> %s KiB, threads %s -> %s)\n' "$1" \
        "$(( (after - before) / 100 ))" "$before" "$after" "$t0" "$(threads "$2")"
    wait $ipid || true
    sleep 0.5
}
mem_row "idle TCP connection, not authenticated (nothing sent)" $napid tcp:$naport 0
mem_row "authenticated Unix-socket client (connected, nothing sent)" $fpid_on unix:$W/on.sock 0
mem_row "authenticated Unix-socket client after one GET (keep-alive)" $fpid_on unix:$W/on.sock 1
mem_row "guest TCP client after one GET (keep-alive)" $fpid_on tcp:$fport 1
