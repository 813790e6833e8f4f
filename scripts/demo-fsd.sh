#!/usr/bin/env bash
# The main job's file-server part: ntsec-fsd on a demo directory with two demo users' files
# and NT ACLs; prints the curl line to try as each user, runs it, and shows who was allowed
# what and why (the server's log line names the refusing layer). Needs root (useradd,
# setpriv); the demo users are removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-${NTSEC_BUILD_DIR:-build}}
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null || ! command -v curl >/dev/null; then
    echo "ntsec-fsd demo skipped: needs root, setpriv and curl"; exit 0
fi
D=$(mktemp -d /tmp/ntsec-fsd-demo.XXXXXX); chmod 755 "$D"
made=()
pid=
cleanup() {
    [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
    for u in "${made[@]}"; do userdel "$u" 2>/dev/null || true; done
    rm -rf "$D"
}
trap cleanup EXIT
# demo users of this run only (a concurrent run has its own)
A=fsd-demo-alice-$$; Bo=fsd-demo-bob-$$
for n in $A $Bo; do useradd -M -N -g nogroup -d /nonexistent -s /usr/sbin/nologin "$n"; made+=("$n"); done
ua=$(id -u $A); ub=$(id -u $Bo)
R=$D/share; mkdir -p $R/public $R/alice $R/bob
chmod 1777 $R/public
echo "welcome, everyone" > $R/public/readme.txt
chown $A $R/alice; chown $Bo $R/bob
echo "alice's plan: ship it" > $R/alice/plan.txt; chown $A $R/alice/plan.txt; chmod 644 $R/alice/plan.txt
echo "bob's notes" > $R/bob/notes.txt; chown $Bo $R/bob/notes.txt; chmod 600 $R/bob/notes.txt
F=$B/ntsec-fsd
# NT ACLs: alice's plan is hers alone (Linux mode 0644 would let bob read it);
# bob's notes allow everyone in NT (Linux mode 0600 does not).
$F acl set $R/alice/plan.txt "O:S-1-22-1-${ua}G:S-1-22-2-65534D:(D;;FA;;;S-1-22-1-${ub})(A;;FA;;;S-1-22-1-${ua})(A;;0x120089;;;WD)"
$F acl set $R/bob/notes.txt "O:S-1-22-1-${ub}G:S-1-22-2-65534D:(A;;FA;;;WD)"
printf '\n$ %s acl get %s\n' "$F" "$R/alice/plan.txt"; $F acl get $R/alice/plan.txt
printf '\n$ %s serve %s --socket %s\n' "$F" "$R" "$D/fsd.sock"
$F serve $R --socket $D/fsd.sock >$D/out 2>$D/log &
pid=$!
for _ in $(seq 1 200); do grep -q 'try: curl' $D/out 2>/dev/null && break; sleep 0.05; done
cat $D/out
try() { # try USER DESCRIPTION curl-args...
    local u=$1 what=$2; shift 2
    printf '\n# %s: %s\n$ setpriv --reuid %s --regid nogroup --init-groups curl -s --unix-socket %s %s\n' \
        "$u" "$what" "$u" "$D/fsd.sock" "$*"
    local before; before=$(wc -l <$D/log)
    local body; body=$(setpriv --reuid "$(id -u $u)" --regid "$(id -g $u)" --init-groups \
        curl -s --max-time 10 --unix-socket $D/fsd.sock -w '\n-> HTTP %{http_code}' "$@" || true)
    printf '%s\n' "$body" | sed -n '1,6p;$p' | awk '!seen[$0]++'
    for _ in $(seq 1 40); do [ "$(wc -l <$D/log)" -gt "$before" ] && break; sleep 0.05; done
    tail -n +$((before + 1)) $D/log | sed 's/^/   server log: /'
}
U=http://localhost
try $A "read the public readme" $U/public/readme.txt
try $Bo "read the public readme" $U/public/readme.txt
try $A "read her own plan" $U/alice/plan.txt
try $Bo "read alice's plan (Linux 0644 would allow; her NT ACL denies bob)" $U/alice/plan.txt
try $Bo "read his own notes" $U/bob/notes.txt
try $A "read bob's notes (NT ACL allows everyone; Linux 0600 denies)" $U/bob/notes.txt
try $A "upload a file to public/" -T $R/public/readme.txt $U/public/from-alice.txt
echo "   owner on disk: $(stat -c %U $R/public/from-alice.txt)"
try $Bo "delete alice's upload (sticky public/: the kernel refuses)" -X DELETE $U/public/from-alice.txt
try $A "delete her upload" -X DELETE $U/public/from-alice.txt
kill -TERM $pid; wait $pid; pid=
echo
echo "ntsec-fsd stopped (exit 0). Every request ran on a thread impersonating its client:"
echo "the NT layer (SeAccessCheck on trusted.ntsec.sd) and then the kernel (as that uid) both had to allow."
