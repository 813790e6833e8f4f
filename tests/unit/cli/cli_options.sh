#!/bin/bash
# cli_options.sh - what every ntsec subcommand shares (issue 14 "The ntsec tool"): --help and
# --version, usage errors exit 2, rights lists that parse exactly, --domain and
# NTSEC_DOMAIN_SID, @FILE / @- arguments, --sd-hex, sddl's inferred and overridden object
# type, a descriptor with an unprintable ACE, and impersonate's Identification-level token.
set -u
NTSEC="${NTSEC_BUILD_DIR:-.}/ntsec"
fail=0
check() { # check NAME WANT-RC TEXT COMMAND...: exit code and a fixed string in stdout+stderr
    local name=$1 want=$2 text=$3; shift 3
    out=$("$@" 2>&1); local rc=$?
    if [ "$rc" != "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
        echo "FAIL $name: rc=$rc (want $want), want text '$text'"; echo "$out"; fail=1
    else echo "ok   $name"; fi
}
lacks() { if grep -qF -- "$2" <<<"$out"; then echo "FAIL $1: has '$2'"; echo "$out"; fail=1; fi; }

check version 0 "ntsec 0.1.0" "$NTSEC" --version
for c in sddl token impersonate check whoami run-as assign; do
    check "help-$c" 0 "usage: ntsec $c" "$NTSEC" "$c" --help
    check "usage-$c" 2 "usage: ntsec $c" "$NTSEC" "$c" --no-such-option x
done
# The table-driven option parser of assign, check and whoami (tools/ntsec/common.c): an
# option without its value is an incomplete argument, named; /all is whoami's alias of --all.
check usage-check-incomplete 2 "unknown or incomplete argument '--desired'" \
    "$NTSEC" check --sd 'D:' --token 'user=SY' --desired
check usage-assign-incomplete 2 "ntsec assign: unknown or incomplete argument '--parent'" "$NTSEC" assign --parent
check whoami-all-alias 0 "GROUP INFORMATION" "$NTSEC" whoami /all
check usage-run-as-unknown-before-dashdash 2 "unknown option '-x'" "$NTSEC" run-as --token 'user=S-1-22-1-40001' -x -- true

SD='D:(A;;FA;;;WD)'
TOK='user=S-1-5-21-1-2-3-1001 groups=WD'
# Rights lists parse exactly: blanks, '|', ',' and '+' separate; a bad or empty word is exit 2.
check rights-blank 0 "granted: 0x0000000D (FILE_READ_DATA|FILE_APPEND_DATA|FILE_READ_EA)" \
    "$NTSEC" check --sd "$SD" --token "$TOK" --desired 'FILE_READ_DATA 12'
check rights-mixed 0 "granted: 0x00020011 (READ_CONTROL|FILE_READ_DATA|FILE_WRITE_EA)" \
    "$NTSEC" check --sd "$SD" --token "$TOK" --desired 'FILE_READ_DATA, 0x10 | READ_CONTROL'
check rights-bad-word 2 "unknown right 'FILE_RAED_DATA' in --desired" \
    "$NTSEC" check --sd "$SD" --token "$TOK" --desired 'FILE_READ_DATA FILE_RAED_DATA'
check rights-empty-word 2 "empty right at offset 15" \
    "$NTSEC" check --sd "$SD" --token "$TOK" --desired 'FILE_READ_DATA||READ_CONTROL'
check rights-trailing 2 "empty right" "$NTSEC" check --sd "$SD" --token "$TOK" --desired 'FILE_READ_DATA|'
check rights-number-junk 2 "unknown right '12x'" "$NTSEC" check --sd "$SD" --token "$TOK" --desired '12x'

# --domain SID and NTSEC_DOMAIN_SID: LA, DA, DU, ... parse
DOM=S-1-5-21-1-2-3
check domain-missing 2 'domain SID alias "LA" needs a domain SID' "$NTSEC" sddl 'O:LAG:DUD:(A;;FA;;;DA)'
check domain-sddl 0 "owner:   LA (Administrator) S-1-5-21-1-2-3-500" "$NTSEC" sddl --domain "$DOM" 'O:LAG:DUD:(A;;FA;;;DA)'
check domain-env 0 "trustee: DA (Domain Admins) S-1-5-21-1-2-3-512" env NTSEC_DOMAIN_SID="$DOM" "$NTSEC" sddl 'O:LAG:DUD:(A;;FA;;;DA)'
check domain-bad 2 "--domain 'bogus' is not a SID" "$NTSEC" sddl --domain bogus 'O:BA'
check domain-token 0 "S-1-5-21-1-2-3-513" "$NTSEC" token --domain "$DOM" 'user=LA groups=DU'
check domain-check 0 "status: 0x00000000 STATUS_SUCCESS" "$NTSEC" check --domain "$DOM" --sd 'D:(A;;FA;;;DU)' --token 'user=LA groups=DU' --desired FILE_READ_DATA
check domain-impersonate 0 "result:     allowed" "$NTSEC" impersonate --domain "$DOM" --process 'user=LA' --token 'user=LA type=impersonation'
check domain-assign 0 "sddl: O:LAG:LAD:(A;;FA;;;DA)" "$NTSEC" assign --domain "$DOM" --parent 'D:(A;OICI;FA;;;DA)' --token 'user=LA groups=DA'

# Input from a file or stdin, and --sd-hex
tmp=$(mktemp /tmp/ntsec-cli-opt-XXXXXX); trap 'rm -f "$tmp"' EXIT
printf '%s\n' "$SD" >"$tmp"
check sd-file 0 "STATUS_SUCCESS" "$NTSEC" check --sd "@$tmp" --token "$TOK" --desired FR
out=$(printf '%s\n' "$TOK" | "$NTSEC" check --sd "$SD" --token @- --desired FR 2>&1); rc=$?
if [ $rc != 0 ] || ! grep -qF "STATUS_SUCCESS" <<<"$out"; then echo "FAIL token-stdin: rc=$rc"; echo "$out"; fail=1; else echo "ok   token-stdin"; fi
check sd-file-missing 2 "--sd /nonexistent/ntsec-sd" "$NTSEC" check --sd @/nonexistent/ntsec-sd --token "$TOK" --desired FR
hex=$("$NTSEC" sddl --hex 'O:BAG:SYD:(A;;FA;;;SY)')
check sd-hex 0 "granted: 0x00000001 (FILE_READ_DATA)" "$NTSEC" check --sd-hex "$hex" --token 'user=SY' --desired FILE_READ_DATA
check sd-hex-bad 2 "not a valid self-relative" "$NTSEC" check --sd-hex "${hex:0:40}" --token 'user=SY' --desired FILE_READ_DATA
check sd-and-hex 2 "one of --sd and --sd-hex" "$NTSEC" check --sd "$SD" --sd-hex "$hex" --token 'user=SY' --desired FR

# sddl: file rights inferred from FA/FR/FW/FX, key rights from KA/KR/..., --type overrides
check sddl-infer-file 0 "FILE_READ_DATA" "$NTSEC" sddl 'D:(A;;FR;;;WD)'
lacks sddl-infer-file "CC (create child)"
check sddl-infer-key 0 "KEY_QUERY_VALUE" "$NTSEC" sddl 'D:(A;;KR;;;WD)'
check sddl-type-override 0 "FILE_LIST_DIRECTORY" "$NTSEC" sddl --type dir 'D:(A;;FR;;;WD)'
check sddl-no-inference 0 "CC (create child)" "$NTSEC" sddl 'D:(A;;0x1;;;WD)'
# One ACE without an SDDL form (type 0x40): everything else is shown, that ACE in hex, exit 1
badhex=$(sed 's/^\(.\{56\}\)00/\140/' <<<"$hex")
check sddl-unprintable 1 "bytes:   40 00 14 00 ff 01 1f 00" "$NTSEC" sddl --from-hex "$badhex"
for want in "owner:   BA (BUILTIN\\Administrators) S-1-5-32-544" "not printable as SDDL" "ACE type 0x40 has no SDDL form"; do
    grep -qF -- "$want" <<<"$out" || { echo "FAIL sddl-unprintable: lacks '$want'"; fail=1; }
done

# One naming of SIDs: the host's Unix SIDs by account name everywhere
check name-sddl 0 "(Unix User\\root) S-1-22-1-0" "$NTSEC" sddl 'O:S-1-22-1-0'
check name-token 0 "Unix User\\root" "$NTSEC" token 'user=S-1-22-1-0'
check name-whoami 0 "Unix User\\root" "$NTSEC" whoami --token 'user=S-1-22-1-0'

# One whoami /all layout: token and whoami print the same user, group and privilege tables
# (whoami adds the Linux column before the attributes)
T1='user=S-1-22-1-40001 groups=WD,S-1-22-2-40101 privileges=SeChangeNotifyPrivilege'
tok=$("$NTSEC" token "$T1"); who=$("$NTSEC" whoami --all --token "$T1")
for pat in '^Everyone +Well-known group +S-1-1-0 ' '^Unix Group\\40101 +Group +S-1-22-2-40101 ' \
           '^SeChangeNotifyPrivilege +Bypass traverse checking +Enabled$' '^Group Name +Type +SID ' \
           '^USER INFORMATION$' '^GROUP INFORMATION$' '^PRIVILEGES INFORMATION$'; do
    grep -Eq -- "$pat" <<<"$tok" || { echo "FAIL layout: token lacks /$pat/"; fail=1; }
    grep -Eq -- "$pat" <<<"$who" || { echo "FAIL layout: whoami lacks /$pat/"; fail=1; }
done
[ "$(grep -E '^Everyone ' <<<"$tok" | cut -c1-104)" = "$(grep -E '^Everyone ' <<<"$who" | cut -c1-104)" ] \
    || { echo "FAIL layout: the Everyone rows differ"; fail=1; }

# impersonate: allowed, but the token itself is Identification-level
check imp-ident-token 1 "allowed, but the token itself is Identification-level: the thread cannot act as the client" \
    "$NTSEC" impersonate --process 'user=S-1-5-21-1-2-3-1001' --token 'user=S-1-5-21-1-2-3-1001 type=impersonation level=identification'
check imp-ident-asked 0 "result:     allowed" \
    "$NTSEC" impersonate --process 'user=S-1-5-21-1-2-3-1001' --token 'user=S-1-5-21-1-2-3-1001 type=impersonation level=identification' --level identification

# check --explain lists every ACE, also those that did not apply, and why
check explain-all 0 "ACE[7] allow S-1-1-0 (WD) changes nothing: its bits were decided by an earlier ACE" \
    "$NTSEC" check --explain --token "$TOK" --desired FILE_READ_DATA \
    --sd 'D:(A;;FR;;;BA)(A;IO;FA;;;WD)(D;;FW;;;S-1-5-21-9-9-9-1)(A;;GA;;;WD)(OA;;CC;bf967aba-0de6-11d0-a285-00aa003049e2;;WD)(A;;FX;;;WD)(A;;FR;;;WD)(A;;FR;;;WD)'
for want in "ACE[0] allow S-1-5-32-544 (BA) does not apply: the SID is not in the token" \
            "ACE[1] skipped: inherit-only" \
            "ACE[2] deny S-1-5-21-9-9-9-1 does not apply: the SID is not in the token" \
            "ACE[3] allow S-1-1-0 (WD) changes nothing: unmapped generic rights in the ACE (0x10000000)" \
            "ACE[4] skipped: object ACE for an object type" \
            "ACE[5] allow S-1-1-0 (WD) changes nothing: none of the bits asked for" \
            "ACE[6] allow S-1-1-0 (WD) grants 0x00000001 (FILE_READ_DATA)"; do
    grep -qF -- "$want" <<<"$out" || { echo "FAIL explain-all: lacks '$want'"; fail=1; }
done

# callback ACEs without a condition: UNKNOWN; an allow ACE then does not apply, a deny ACE does
# (MS-DTYP 2.4.4.17.3; docs/conditions.md)
wdhex=$("$NTSEC" sddl --hex 'O:BAG:SYD:(A;;FA;;;WD)')
check explain-allow-callback 1 "ACE[0] allow-callback S-1-1-0 (WD) condition <none> is UNKNOWN (no conditional expression (application data without \"artx\")): the ACE does not apply" \
    "$NTSEC" check --explain --sd-hex "$(sed 's/^\(.\{56\}\)00/\109/' <<<"$wdhex")" --token "$TOK" --desired FILE_READ_DATA
check explain-deny-callback 1 "ACE[0] deny-callback S-1-1-0 (WD) condition <none> is UNKNOWN (no conditional expression (application data without \"artx\")): the ACE applies" \
    "$NTSEC" check --explain --sd-hex "$(sed 's/^\(.\{56\}\)00/\10a/' <<<"$wdhex")" --token "$TOK" --desired FILE_READ_DATA

# --json: one JSON object on stdout (docs/cli.md), the exit codes unchanged
json() { # json NAME WANT-RC PYTHON-ASSERTION COMMAND...
    local name=$1 want=$2 expr=$3; shift 3
    out=$("$@" 2>/dev/null); local rc=$?
    if [ "$rc" != "$want" ] || ! python3 -c 'import json,sys; d=json.loads(sys.argv[2]); assert eval(sys.argv[1]), d' "$expr" "$out"; then
        echo "FAIL $name: rc=$rc (want $want), '$expr' on: $out"; fail=1
    else echo "ok   $name"; fi
}
json json-check 0 'd["granted"] == "0x00120089" and d["status_name"] == "STATUS_SUCCESS" and "ACE[0]" in d["explain"]' \
    "$NTSEC" check --json --explain --sd "$SD" --token "$TOK" --desired FR
json json-check-denied 1 'd["status_name"] == "STATUS_ACCESS_DENIED" and d["explain"] is None' \
    "$NTSEC" check --json --sd 'D:' --token "$TOK" --desired FR
json json-token 0 'd["user"]["name"] == "NT AUTHORITY\\SYSTEM" and d["groups"][1]["account"]["alias"] == "BA" and d["groups"][1]["attributes"] == 16 and d["privileges"][0] == {"name": "SeImpersonatePrivilege", "luid": 29, "enabled": True} and d["level"] == "identification"' \
    "$NTSEC" token --json 'user=SY groups=WD,BA:deny-only privileges=SeImpersonatePrivilege type=impersonation level=identification'
json json-whoami 0 'd["uid"] == 40001 and d["linux"]["gid"] == 40101 and [g["linux"] for g in d["groups"]][:3] == ["granted", "deny-only", "not-mapped"]' \
    "$NTSEC" whoami --json --token 'user=S-1-22-1-40001 groups=S-1-22-2-40101,S-1-22-2-40111:deny-only,S-1-5-21-9-9-9-513'
json json-sddl 0 'd["sddl"] == "O:BAG:SYD:(A;;FA;;;SY)" and d["owner"]["alias"] == "BA" and d["dacl"]["aces"][0]["mask"] == "0x001f01ff" and d["sacl"]["present"] is False' \
    "$NTSEC" sddl --json 'O:BAG:SYD:(A;;FA;;;SY)'
json json-sddl-unprintable 1 'd["sddl"] is None and d["dacl"]["aces"][0]["bytes"].startswith("40001400") and d["owner"]["sid"] == "S-1-5-32-544"' \
    "$NTSEC" sddl --json --from-hex "$badhex"
json json-impersonate 1 'd["result"] == "downgraded" and d["copy"] is True and d["installed_level"] == "identification" and "step 5" in d["why"]' \
    "$NTSEC" impersonate --json --process 'user=S-1-5-21-1-2-3-1001' --token 'user=S-1-5-21-1-2-3-1002 type=impersonation'
json json-assign 0 'd["sddl"] == "O:SYG:SYD:(A;;FA;;;WD)" and d["status_name"] == "STATUS_SUCCESS" and d["explain"] is None' \
    "$NTSEC" assign --json --parent 'D:(A;OICI;FA;;;WD)' --token 'user=SY'
exit $fail
