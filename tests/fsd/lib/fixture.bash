# Shared fixture of the fsd tests (sourced; not a test itself): a scratch directory, local
# test users (removed again), an ntsec-fsd server stopped by pid whatever happens.
set -euo pipefail
B=${NTSEC_BUILD_DIR:?}
S=${NTSEC_SOURCE_DIR:?}
FSD=$B/ntsec-fsd
W=$(mktemp -d /tmp/fsd-test.XXXXXX)
chmod 755 "$W"
FSD_PID=
FSD_USERS=()
FSD_GROUPS=()
fsd_cleanup() {
    local rc=$?
    if [ -n "$FSD_PID" ]; then kill -9 "$FSD_PID" 2>/dev/null || true; wait "$FSD_PID" 2>/dev/null || true; fi
    for u in "${FSD_USERS[@]}"; do userdel "$u" 2>/dev/null || true; done
    for g in "${FSD_GROUPS[@]}"; do groupdel "$g" 2>/dev/null || true; done
    rm -rf "$W"
    exit $rc
}
trap fsd_cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$W/server.err" ] && tail -n 30 "$W/server.err" >&2; exit 1; }
need_root() { [ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (CI runs as root)"; exit 77; }; }

# fsd_mkgroup NAME ; fsd_mkuser NAME [supplementary group]
fsd_mkgroup() { groupadd "$1"; FSD_GROUPS+=("$1"); }
fsd_mkuser() {
    useradd -M -N -g nogroup -d /nonexistent -s /usr/sbin/nologin ${2:+-G "$2"} "$1"
    FSD_USERS+=("$1")
}
uid_of() { id -u "$1"; }

# fsd_start ROOT [server options...]: serves ROOT on $W/sock; logs in $W/server.err
fsd_start() {
    local root=$1; shift
    "$FSD" serve "$root" --socket "$W/sock" "$@" >"$W/server.out" 2>"$W/server.err" &
    FSD_PID=$!
    for _ in $(seq 1 1200); do
        [ -S "$W/sock" ] && grep -q 'try: curl' "$W/server.out" 2>/dev/null && return 0
        kill -0 "$FSD_PID" 2>/dev/null || { cat "$W/server.err" >&2; fail "server did not start"; }
        sleep 0.05
    done
    fail "server did not start in 60 s"
}
# fsd_stop: SIGTERM, the server must exit 0
fsd_stop() {
    kill -TERM "$FSD_PID"
    local rc=0
    wait "$FSD_PID" || rc=$?
    FSD_PID=
    [ "$rc" -eq 0 ] || fail "server exited $rc after SIGTERM"
}
# as USER [--clear-groups] curl-args... : curl over the socket as that local user; prints
# the HTTP status on the last line (body before it)
as() {
    local u=$1; shift
    local groups=--init-groups
    if [ "${1:-}" = "--clear-groups" ]; then groups=--clear-groups; shift; fi
    setpriv --reuid "$(id -u "$u")" --regid "$(id -g "$u")" $groups \
        curl -s --max-time 20 --unix-socket "$W/sock" -w '\n%{http_code}' "$@"
}
# in_log FILE GREP-ARGS...: the server writes a request's log line once the response is sent,
# so the client may see the response first: wait (bounded, 60 s) for the line to appear
in_log() {
    local f=$1; shift
    for _ in $(seq 1 1200); do grep -q "$@" "$f" 2>/dev/null && return 0; sleep 0.05; done
    return 1
}
# status_of OUTPUT: last line
status_of() { tail -n 1 <<<"$1"; }
expect() { # expect WANT DESCRIPTION OUTPUT
    local got; got=$(status_of "$3")
    [ "$got" = "$1" ] || { echo "$3" >&2; fail "$2: status $got, want $1"; }
    echo "ok: $2 -> $1"
}
