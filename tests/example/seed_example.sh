#!/bin/bash
# Runs examples/seed-impersonation and checks the three outcomes in its output.
set -u
out=$("${NTSEC_BUILD_DIR:-.}/example-seed-impersonation") || { echo "example failed"; echo "$out"; exit 1; }
echo "$out"
fail=0
expect() { grep -qF -- "$1" <<<"$out" || { echo "MISSING: $1"; fail=1; }; }
expect "[1] during the task: thread token is the SYSTEM token itself, level Impersonation"
expect "[1] PerformSpecialTask -> 0x00000000"
expect "[1] after: impersonating the client's token, level Impersonation, CopyOnOpen 0, EffectiveOnly 1"
expect "[1] previous impersonation restored exactly: yes"
expect "[2] during the task: thread token is a COPY of the SYSTEM token, level Identification"
expect "[2] during the task: SeCreateClientSecurity -> 0xC00000A5 (STATUS_BAD_IMPERSONATION_LEVEL)"
expect "[2] during the task: acts as SYSTEM: NO"
expect "[2] PerformSpecialTask -> 0x00000000"
expect "[3] PerformSpecialTask -> 0xC0000024 (STATUS_OBJECT_TYPE_MISMATCH)"
expect "[3] previous impersonation restored exactly: yes"
expect "== result: as expected =="
# With the verifier on, the example's handler shows it catching scenario 3's mix-up.
case "${NTSEC_VERIFIER:-0}" in
    ""|0) ! grep -qF -- "verifier:" <<<"$out" || { echo "UNEXPECTED verifier line"; fail=1; } ;;
    *) expect "[3] verifier: wrong object type in PsImpersonateClient" ;;
esac
exit $fail
