#!/usr/bin/env bash
# Runs examples/worker-elevation and checks each step of its output (spec 2.21 pattern).
# With the verifier on and fatal (as CI runs it) any finding would abort the example.
set -euo pipefail
bin="${NTSEC_BUILD_DIR:-.}/example-worker-elevation"
out=$(NTSEC_VERIFIER=1 NTSEC_VERIFIER_FATAL=1 "$bin" 2>&1)
echo "$out"
expect() {
    if ! grep -qE -- "$1" <<<"$out"; then
        echo "FAIL: missing: $1" >&2
        exit 1
    fi
}
expect '^1\. alice'
expect '\[alice\] .* a user process, effective user=S-1-5-21-1-2-3-1001$'
expect '^3\. worker: .* as SYSTEM'
expect '\[worker\] .* the System process, effective user=(SY|S-1-5-18)$'
expect '\[worker\] .* the System process, effective user=S-1-5-21-1-2-3-1001 \(impersonating\)'
expect 'level Impersonation: no downgrade'
expect '^5\. worker: SeStopImpersonatingClient'
expect '^6\. worker: SeDeleteClientSecurity'
expect '^7\. alice'
expect '^result: success \(0x00000000\)$'
if grep -q 'ntsec verifier' <<<"$out"; then
    echo "FAIL: verifier findings" >&2
    exit 1
fi
# The worker's last identity line (after step 5) must be SYSTEM again.
after=$(sed -n '/^5\./,/^6\./p' <<<"$out" | grep '\[worker\]')
grep -qv impersonating <<<"$after" || { echo "FAIL: still impersonating after step 5" >&2; exit 1; }
echo "worker-elevation: OK"
