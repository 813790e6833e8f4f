#!/usr/bin/env bash
# `ntsec whoami --via local`: the token a server builds for this process, end to end through
# SSPI over a socketpair (a forked client, AcceptSecurityContext with the socket); an
# unavailable package fails with SEC_E_SECPKG_NOT_FOUND.
set -euo pipefail
bin="${NTSEC_BUILD_DIR:-.}/ntsec"
out=$("$bin" whoami --via local --all)
echo "$out"
uid=$(id -u)
grep -qE "^Token a server builds for this process over SSPI: package ntsec-local, client pid [0-9]+, 1 accept leg\(s\), token level Impersonation$" <<<"$out" || { echo "FAIL: header" >&2; exit 1; }
grep -qE " S-1-22-1-$uid +uid $uid$" <<<"$out" || { echo "FAIL: user" >&2; exit 1; }
grep -qF "NT AUTHORITY\\NETWORK" <<<"$out" || { echo "FAIL: NETWORK" >&2; exit 1; }
set +e
err=$("$bin" whoami --via NoSuchPackage 2>&1)
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "FAIL: rc $rc" >&2; exit 1; }
grep -qF "0x80090305" <<<"$err" || { echo "FAIL: $err" >&2; exit 1; }
echo "whoami_via: OK"
