#!/usr/bin/env bash
# Runs the litmus WebDAV suite (groups basic, copymove, props, locks, http) against
# ntsec-fsd and against Apache httpd mod_dav (when apache2 is installed), same command for
# both, and prints one line per server and group: pass/fail/warn.
#   scripts/litmus-compare.sh [BUILD_DIR]      (as root; loopback only; servers stopped by pid)
# ntsec-fsd runs with --listen 127.0.0.1:<free port> and a guest token (litmus speaks TCP
# and has no Negotiate); the guest is impersonated like any client (uid 65534).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-${NTSEC_BUILD_DIR:-build}}
W=$(mktemp -d /tmp/litmus-compare.XXXXXX); chmod 755 "$W"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done; kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$W"
}
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
summary() { # summary NAME FILE
    python3 - "$1" "$2" <<'PY'
import re,sys
name,txt=sys.argv[1],open(sys.argv[2],errors='replace').read()
groups=re.split(r'^-> running `(\w+)\':\n',txt,flags=re.M)
total=0
for i in range(1,len(groups),2):
    g,body=groups[i],groups[i+1]
    m=re.search(r'of (\d+) tests run: (\d+) passed, (\d+) failed',body)
    w=re.search(r'-> (\d+) warnings? w',body)
    fails=re.findall(r'\d+\. (\w+)\.*\s*FAIL',body)
    if m:
        total+=int(m[2])
        print(f"{name} {g}: run={m[1]} pass={m[2]} fail={m[3]} warn={w[1] if w else 0}" + (f" failed={fails}" if fails else ""))
    else:
        print(f"{name} {g}: no summary")
print(f"{name} total: {total}/104 passed")
PY
}
run_litmus() { # run_litmus NAME URL
    mkdir -p "$W/$1-run"
    (cd "$W/$1-run" && timeout 300 litmus -k "$2" >"$W/$1.out" 2>&1) || true
    summary "$1" "$W/$1.out"
}

# ntsec-fsd
mkdir -p "$W/fsd"; chown 65534:65534 "$W/fsd"
port=$(freeport)
"$B/ntsec-fsd" serve "$W/fsd" --socket "$W/fsd.sock" --listen "127.0.0.1:$port" \
    --guest 'user=S-1-22-1-65534 groups=S-1-22-2-65534,WD,NU,AU' >"$W/fsd.log" 2>"$W/fsd.err" &
pids+=($!)
for _ in $(seq 1 100); do grep -q 'try: curl http' "$W/fsd.log" 2>/dev/null && break; sleep 0.05; done
run_litmus ntsec-fsd "http://127.0.0.1:$port/"
fsdpid=${pids[0]}; pids=()
kill -TERM "$fsdpid"; rc=0; wait "$fsdpid" || rc=$?
echo "ntsec-fsd exit: $rc"
[ "$rc" -eq 0 ] || tail -n 20 "$W/fsd.err" >&2

# Apache httpd mod_dav_fs (configuration of shared/recipes/webdav-peers.md)
if [ -x /usr/sbin/apache2 ] && [ -f /usr/lib/apache2/modules/mod_dav_fs.so ]; then
    A=$W/apache; mkdir -p "$A/dav" "$A/lock" "$A/run" "$A/logs"; chown www-data:www-data "$A/dav" "$A/lock"
    port=$(freeport)
    cat >"$A/httpd.conf" <<CONF
ServerRoot $A
ServerName localhost
Listen 127.0.0.1:$port
PidFile $A/run/httpd.pid
Mutex file:$A/run
DefaultRuntimeDir $A/run
ErrorLog $A/logs/error.log
LogLevel warn
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule autoindex_module /usr/lib/apache2/modules/mod_autoindex.so
LoadModule dav_module /usr/lib/apache2/modules/mod_dav.so
LoadModule dav_fs_module /usr/lib/apache2/modules/mod_dav_fs.so
User www-data
Group www-data
TypesConfig /etc/mime.types
DavLockDB $A/lock/DavLock
DocumentRoot $A/dav
<Directory $A/dav>
  Dav On
  Options Indexes
  Require all granted
</Directory>
CONF
    /usr/sbin/apache2 -f "$A/httpd.conf" -k start
    for _ in $(seq 1 100); do [ -s "$A/run/httpd.pid" ] && break; sleep 0.05; done
    pids+=("$(cat "$A/run/httpd.pid")")
    run_litmus apache-mod_dav "http://127.0.0.1:$port/"
else
    echo "apache-mod_dav: apache2 not installed, not run"
fi
