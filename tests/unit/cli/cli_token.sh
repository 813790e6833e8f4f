#!/bin/bash
# cli_token.sh - `ntsec token`: whoami-style output, canonical text, exit 2 on bad text.
set -u
NTSEC="${NTSEC_BUILD_DIR:-.}/ntsec"
fail() { echo "FAIL: $*"; exit 1; }

out=$("$NTSEC" token 'user=S-1-5-21-1-2-3-1001 groups=WD,BA:deny-only privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled integrity=high type=impersonation level=identification auth-id=0x0:0x77') \
    || fail "good text exited $?"
grep -q '^USER INFORMATION$' <<<"$out" || fail "no user section"
grep -q 'S-1-5-21-1-2-3-1001' <<<"$out" || fail "user SID missing"
grep -Eq '^BUILTIN\\Administrators +Alias +S-1-5-32-544 +Group used for deny only \(0x00000010\)$' <<<"$out" || fail "BA group line missing"
grep -q 'Group used for deny only (0x00000010)' <<<"$out" || fail "deny-only attribute not spelled out"
grep -Eq '^Everyone +Well-known group +S-1-1-0 +Mandatory group, Enabled by default, Enabled group \(0x00000007\)$' <<<"$out" || fail "default attributes not spelled out"
grep -Eq '^S-1-5-21-1-2-3-1001 +S-1-5-21-1-2-3-1001$' <<<"$out" || fail "user line"
grep -Eq '^SeChangeNotifyPrivilege +Bypass traverse checking +Enabled$' <<<"$out" || fail "privilege state"
grep -Eq '^SeImpersonatePrivilege +.* +Disabled$' <<<"$out" || fail "disabled privilege state"
grep -q '^Integrity level:     S-1-16-12288$' <<<"$out" || fail "integrity"
grep -q '^Impersonation level: Identification$' <<<"$out" || fail "level"
grep -q '^Authentication id:   0x0:0x77$' <<<"$out" || fail "auth id"
grep -qx 'user=S-1-5-21-1-2-3-1001 groups=WD,BA:deny-only privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled integrity=high type=impersonation level=identification auth-id=0x0:0x77 source=ntsec' <<<"$out" \
    || fail "canonical text"

err=$("$NTSEC" token 'user=SY privileges=SeFooPrivilege' 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] || fail "bad privilege exit $rc (want 2)"
grep -q 'unknown privilege "SeFooPrivilege" in privileges' <<<"$err" || fail "error text: $err"

"$NTSEC" token 'user=S-1-9x' >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "bad SID exit $rc (want 2)"
echo "cli_token: ok"
