#!/usr/bin/env bash
# cli_runas_json.sh - `ntsec run-as --json` (docs/cli.md "run-as"): one JSON object on
# stderr after COMMAND ends - the Linux identity it ran as, its pid, how it ended, run-as's
# exit code - with COMMAND's stdout untouched; a command that cannot start is reported with
# started false and the status; usage errors stay text and exit 2.
set -uo pipefail
NTSEC="${NTSEC_BUILD_DIR:-.}/ntsec"
fail=0
note() { if [ "$1" = ok ]; then echo "ok   $2"; else echo "FAIL $2: $3"; fail=1; fi; }
# field NAME JSON PY-EXPR WANT: the JSON's value of PY-EXPR (on object j) printed is WANT
field() {
    local got
    got=$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$2" "$3" 2>&1)
    if [ "$got" = "$4" ]; then note ok "$1"; else note fail "$1" "$3 is '$got', wanted '$4'"; fi
}

out=$("$NTSEC" run-as --json --token 'user=S-1-22-1-40001' 2>&1); rc=$?
if [ $rc = 2 ] && grep -qF "no COMMAND" <<<"$out" && ! grep -q '^{' <<<"$out"; then
    note ok usage-is-text; else note fail usage-is-text "rc=$rc $out"; fi
out=$("$NTSEC" run-as --json --token 'user=bogus' -- true 2>&1); rc=$?
if [ $rc = 2 ] && ! grep -q '^{' <<<"$out"; then note ok bad-token-is-text; else note fail bad-token-is-text "rc=$rc $out"; fi

if [ "$(id -u)" != 0 ]; then
    echo "run-as --json kernel checks skipped: need root (CI runs as root)"
    exit $fail
fi
err=$(mktemp /tmp/ntsec-runas-json-XXXXXX); trap 'rm -f "$err"' EXIT

# A command that runs and exits 3: stdout is COMMAND's, the report is the last stderr line.
stdout=$("$NTSEC" run-as --json --token 'user=S-1-22-1-40001 groups=S-1-22-2-40101,S-1-22-2-40111:deny-only' \
         -- sh -c 'id -u; exit 3' 2>"$err"); rc=$?
[ $rc = 3 ] && note ok exit-code || note fail exit-code "rc=$rc"
[ "$stdout" = 40001 ] && note ok stdout-untouched || note fail stdout-untouched "stdout '$stdout'"
j=$(tail -n 1 "$err")
field command "$j" 'j["command"]' "['sh', '-c', 'id -u; exit 3']"
field mode "$j" 'j["mode"]' detached
field uid "$j" 'j["identity"]["uid"]' 40001
field gid "$j" 'j["identity"]["gid"]' 40101
field groups "$j" 'j["identity"]["groups"]' "[40101]"
field started "$j" 'j["started"]' True
field pid "$j" 'j["pid"] > 0' True
field status "$j" 'j["status"], j["status_name"], j["error"]' "('0x00000000', 'STATUS_SUCCESS', None)"
field ended "$j" 'j["exit_code"], j["signal"], j["exit"]' "(3, None, 3)"

# Ended by a signal: exit_code null, signal 15, run-as exits 128 + 15.
"$NTSEC" run-as --json --token 'user=S-1-22-1-40001' -- sh -c 'kill -TERM $$' 2>"$err"; rc=$?
[ $rc = 143 ] && note ok signal-exit || note fail signal-exit "rc=$rc"
field signal "$(tail -n 1 "$err")" 'j["exit_code"], j["signal"], j["exit"]' "(None, 15, 143)"

# Not found: nothing started, the status and run-as's message are in the report, exit 127.
"$NTSEC" run-as --json --token 'user=S-1-22-1-40001' -- /nonexistent/ntsec-no-such 2>"$err"; rc=$?
[ $rc = 127 ] && note ok notfound-exit || note fail notfound-exit "rc=$rc"
[ "$(wc -l <"$err")" = 1 ] && note ok notfound-one-line || note fail notfound-one-line "$(cat "$err")"
j=$(tail -n 1 "$err")
field notfound "$j" 'j["started"], j["pid"], j["status"], j["exit_code"], j["exit"]' "(False, None, '0xC0000034', None, 127)"
field notfound-error "$j" 'j["error"]' "/nonexistent/ntsec-no-such: not found"

# An Identification-level token cannot start a process (exit 125, the status says why).
"$NTSEC" run-as --json --identification --token 'user=S-1-22-1-40001' -- true 2>"$err"; rc=$?
[ $rc = 125 ] && note ok identification-exit || note fail identification-exit "rc=$rc"
field identification "$(tail -n 1 "$err")" 'j["started"], j["status"], j["status_name"]' \
    "(False, '0xC00000A5', 'STATUS_BAD_IMPERSONATION_LEVEL')"
exit $fail
