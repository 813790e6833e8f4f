#!/usr/bin/env bash
# cli_host.sh - `ntsec whoami` and `ntsec run-as` as documented in docs/host.md.
set -uo pipefail
# shellcheck source=host_lib.bash
source "$(dirname "$0")/host_lib.bash"

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
# run-as usage errors exit 2 (nothing is started)
check run-as-no-args 2 "$NTSEC" run-as
check run-as-no-token 2 "$NTSEC" run-as -- true
check run-as-token-without-text 2 "$NTSEC" run-as --token
check run-as-no-command 2 "$NTSEC" run-as --token 'user=S-1-22-1-40001' --
check run-as-unknown-option 2 "$NTSEC" run-as --bogus --token 'user=S-1-22-1-40001' -- true
contains run-as-unknown-option "unknown option '--bogus'"
check run-as-bad-token 2 "$NTSEC" run-as --token 'user=bogus' -- true

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
# An Identification token cannot start a process (no primary token can be made of it)
check run-as-identification 125 "$NTSEC" run-as --identification --token 'user=S-1-22-1-40001 groups=S-1-22-2-40101' -- cat "$dir/mine"
contains run-as-identification "STATUS_BAD_IMPERSONATION_LEVEL"
check run-as-none-mapped 125 "$NTSEC" run-as --token 'user=S-1-5-21-1-2-3-1000' -- true
contains run-as-none-mapped "STATUS_NONE_MAPPED"
check run-as-missing-command 127 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- /nonexistent/ntsec-cmd
check run-as-not-executable 126 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- "$dir/grp"
check run-as-path-search 0 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- true
check run-as-exit-status 7 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- sh -c 'exit 7'
check run-as-killed 143 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- sh -c 'kill -TERM $$'
# Only stdin, stdout and stderr reach COMMAND, in a new session without a terminal
exec 7</dev/null
check run-as-fds 0 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- ls /proc/self/fd
exec 7<&-
if grep -qx 7 <<<"$out"; then echo "FAIL run-as-fds: fd 7 leaked"; echo "$out"; fail=1; fi
check run-as-session 0 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- sh -c 'read -r _ _ _ _ _ sid tty _ </proc/self/stat; [ "$sid" = $$ ] && [ "$tty" = 0 ]'
# SIGTERM to run-as reaches COMMAND (it is in another session: the terminal would not)
mkdir "$dir/w"; chmod 0777 "$dir/w"
"$NTSEC" run-as --token 'user=S-1-22-1-40001' -- sh -c 'echo $$ >"$0/pid.tmp"; mv "$0/pid.tmp" "$0/pid"; exec sleep 1000' "$dir/w" &
runas=$!
for _ in $(seq 600); do [ -s "$dir/w/pid" ] && break; sleep 0.1; done
kill -TERM "$runas"; wait "$runas"; rc=$?
if [ "$rc" != 143 ]; then echo "FAIL run-as-forwards-sigterm: rc=$rc want 143"; fail=1; else echo "ok   run-as-forwards-sigterm"; fi
if kill -0 "$(cat "$dir/w/pid" 2>/dev/null || echo 999999)" 2>/dev/null; then
    echo "FAIL run-as-forwards-sigterm: COMMAND still runs"; kill -KILL "$(cat "$dir/w/pid")"; fail=1
fi
# --pty with a piped stdin: the input arrives, its end is the terminal's EOF, output comes back
check run-as-pty-pipe 0 bash -c 'printf "abc\n" | "$0" run-as --pty --token "user=S-1-22-1-40001" -- sh -c "read x; echo got:\$x; cat >/dev/null; echo end"' "$NTSEC"
contains run-as-pty-pipe "got:abc"
contains run-as-pty-pipe "end"
check run-as-pty-exit-status 5 "$NTSEC" run-as --pty --token 'user=S-1-22-1-40001' -- sh -c 'exit 5' </dev/null
check run-as-no-new-privs 0 "$NTSEC" run-as --no-new-privs --token 'user=S-1-22-1-40001' -- cat /proc/self/status
contains run-as-no-new-privs "$(printf 'NoNewPrivs:	1')"
# A token that names a mapped user and no groups gets the account's gid and groups (getgrouplist)
check run-as-system-groups 0 "$NTSEC" run-as --token 'user=S-1-22-1-0' -- id -G
[ "$out" = "$(id -G root)" ] || { echo "FAIL run-as-system-groups: '$out' want '$(id -G root)'"; fail=1; }
check run-as-system-gid 0 "$NTSEC" run-as --token 'user=S-1-22-1-65534' -- id -g
[ "$out" = "$(id -g nobody)" ] || { echo "FAIL run-as-system-gid: '$out' want '$(id -g nobody)'"; fail=1; }
# -l/--login: the account's login environment, like runuser -l
rootshell=$(getent passwd root | cut -d: -f7)
check run-as-login 0 env FOO=bar "$NTSEC" run-as -l --token 'user=S-1-22-1-0' -- sh -c 'echo "$HOME|$USER|$LOGNAME|$SHELL|${FOO-unset}|$(pwd)"'
[ "$out" = "/root|root|root|$rootshell|unset|/root" ] || { echo "FAIL run-as-login: '$out'"; fail=1; }
check run-as-login-long 0 "$NTSEC" run-as --login --token 'user=S-1-22-1-65534' -- sh -c 'echo "user=$USER"'
contains run-as-login-long "user=nobody"   # (nobody's home /nonexistent: a warning, as runuser -l)
# One's own identity needs no root; another one does (setpriv: util-linux)
if command -v setpriv >/dev/null; then
    check run-as-own-identity-unprivileged 0 setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$NTSEC" run-as --token 'user=S-1-22-1-65534 groups=S-1-22-2-65534' -- id -u
    [ "$out" = 65534 ] || { echo "FAIL run-as-own-identity-unprivileged: '$out'"; fail=1; }
    check run-as-other-identity-unprivileged 125 setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$NTSEC" run-as --token 'user=S-1-22-1-0' -- id -u
    contains run-as-other-identity-unprivileged "STATUS_PRIVILEGE_NOT_HELD"
else
    echo "run-as own-identity checks skipped: no setpriv"
fi
exit $fail
