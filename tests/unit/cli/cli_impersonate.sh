#!/bin/bash
# ntsec impersonate: allowed, downgraded (with the rule step), policy knob, bad input.
set -u
NTSEC="${NTSEC_BUILD_DIR:-.}/ntsec"
[ -x "$NTSEC" ] || { echo "no ntsec binary at $NTSEC"; exit 1; }
A='user=S-1-5-21-1-2-3-1001 groups=WD,BU integrity=ME'
B='user=S-1-5-21-1-2-3-1002 groups=WD,BU integrity=ME type=impersonation level=impersonation'
AI="$A type=impersonation level=impersonation"
AHI='user=S-1-5-21-1-2-3-1001 groups=WD,BU integrity=HI type=impersonation'
SVC='user=S-1-5-21-1-2-3-1003 groups=WD privileges=SeImpersonatePrivilege integrity=SI'
fail=0
check() { # name expected-rc expected-text args...
  local name=$1 want=$2 text=$3; shift 3
  out=$("$NTSEC" impersonate "$@" 2>&1); rc=$?
  if [ $rc -ne $want ] || ! grep -qiF -- "$text" <<<"$out"; then
    echo "FAIL $name: rc=$rc (want $want), missing '$text'"; echo "$out"; fail=1
  else echo "ok   $name"; fi
}
check same-user 0 "the token itself, impersonation token, level impersonation" --process "$A" --token "$AI"
check other-user 1 "downgraded to identification" --process "$A" --token "$B"
check other-user-step 1 "step 5" --process "$A" --token "$B"
check other-user-copy 1 "a COPY of the token, impersonation token, level identification" --process "$A" --token "$B"
check identify-level 0 "step 2" --process "$A" --token "$B" --level identification
check privilege 0 "step 4" --process "$SVC" --token "$B"
check integrity-vista 1 "step 7" --process "$A" --token "$AHI"
check integrity-xpsp2 0 "allowed" --process "$A" --token "$AHI" --policy xpsp2
check legacy 0 "step 1" --process "$A" --token "$B" --policy legacy
check bad-level 2 "unknown level" --process "$A" --token "$B" --level root
check bad-policy 2 "unknown policy" --process "$A" --token "$B" --policy win95
check bad-token 2 "bad --token token" --process "$A" --token "user=nonsense"
check missing 2 "usage" --process "$A"
exit $fail
