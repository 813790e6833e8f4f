#!/usr/bin/env bash
# cli_host.sh - `ntsec whoami` and `ntsec run-as` as documented in docs/host.md.
set -uo pipefail
NTSEC="${NTSEC_BUILD_DIR:-.}/ntsec"
fail=0
check() { # check NAME EXPECTED-RC COMMAND... ; output in $out
    local name=$1 want=$2; shift 2
    out=$("$@" 2>&1); local rc=$?
    if [ "$rc" != "$want" ]; then echo "FAIL $name: rc=$rc want $want"; echo "$out"; fail=1; else echo "ok   $name"; fi
}
contains() { if ! grep -qF -- "$2" <<<"$out"; then echo "FAIL $1: missing '$2'"; echo "$out"; fail=1; fi; }

check whoami 0 "$NTSEC" whoami
contains whoami "S-1-22-1-$(id -u)"
check whoami-all 0 "$NTSEC" whoami --all
contains whoami-all "S-1-22-2-$(id -g)"
contains whoami-all "SeChangeNotifyPrivilege"
contains whoami-all "LINUX CREDENTIALS"
contains whoami-all "Logon ID"
check whoami-token 0 "$NTSEC" whoami --all --token 'user=S-1-22-1-40001 groups=S-1-22-2-40101,S-1-22-2-40111:deny-only,S-1-5-21-9-9-9-513'
contains whoami-token "gid 40101"
contains whoami-token "deny-only, never a gid"
contains whoami-token "no gid mapping"
contains whoami-token "uid 40001  gid 40101  groups 40101"
check whoami-bad-token 2 "$NTSEC" whoami --token 'user=bogus'

if [ "$(id -u)" != 0 ]; then
    check run-as-unprivileged 125 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- true
    echo "run-as kernel checks skipped: need root (CI runs as root)"
    exit $fail
fi
dir=$(mktemp -d /tmp/ntsec-cli-XXXXXX); chmod 0711 "$dir"
echo secret >"$dir/secret"; chmod 0600 "$dir/secret"                       # root's
echo mine >"$dir/mine"; chown 40001:40101 "$dir/mine"; chmod 0600 "$dir/mine" # 40001's
echo grp >"$dir/grp"; chown 0:40110 "$dir/grp"; chmod 0040 "$dir/grp"
trap 'rm -rf "$dir"' EXIT

check run-as-eacces 1 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- cat "$dir/secret"
contains run-as-eacces "Permission denied"
check run-as-own-file 0 "$NTSEC" run-as --token 'user=S-1-22-1-40001 groups=S-1-22-2-40101' -- cat "$dir/mine"
contains run-as-own-file "mine"
check run-as-group 0 "$NTSEC" run-as --token 'user=S-1-22-1-40002 groups=S-1-22-2-40110' -- cat "$dir/grp"
check run-as-deny-only 1 "$NTSEC" run-as --token 'user=S-1-22-1-40002 groups=S-1-22-2-40110:deny-only' -- cat "$dir/grp"
check run-as-ids 0 "$NTSEC" run-as --token 'user=S-1-22-1-40001 groups=S-1-22-2-40101,S-1-22-2-40110,S-1-22-2-40111:deny-only' -- cat /proc/self/status
contains run-as-ids "$(printf 'Uid:\t40001\t40001\t40001\t40001')"
contains run-as-ids "$(printf 'Gid:\t40101\t40101\t40101\t40101')"
contains run-as-ids "$(printf 'Groups:\t40101 40110 ')"
check run-as-cannot-regain-root 125 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- "$NTSEC" run-as --token 'user=S-1-22-1-0' -- true
contains run-as-cannot-regain-root "STATUS_PRIVILEGE_NOT_HELD"
check run-as-identification 1 "$NTSEC" run-as --identification --token 'user=S-1-22-1-40001 groups=S-1-22-2-40101' -- cat "$dir/mine"
check run-as-none-mapped 125 "$NTSEC" run-as --token 'user=S-1-5-21-1-2-3-1000' -- true
contains run-as-none-mapped "STATUS_NONE_MAPPED"
check run-as-missing-command 127 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- /nonexistent/ntsec-cmd
exit $fail
