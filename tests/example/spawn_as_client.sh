#!/usr/bin/env bash
# Runs examples/spawn-as-client: a program started from an impersonating thread with plain
# fork+exec is root (system() runs /bin/sh, which resets its euid to the real uid 0); the
# same program started with NtsecCreateProcessAsToken is the client, permanently, with no
# capability. Needs root (CI runs as root); the example skips itself otherwise.
set -euo pipefail
out=$("${NTSEC_BUILD_DIR:-.}/example-spawn-as-client" 2>&1)
echo "$out"
if [ "$(id -u)" != 0 ]; then exit 0; fi
expect() { grep -qF -- "$1" <<<"$out" || { echo "FAIL: missing: $1" >&2; exit 1; }; }
expect "$(printf '   Uid:\t0\t0\t0\t0 CapPrm:\t000')"
expect "$(printf '   Uid:\t40001\t40001\t40001\t40001 CapPrm:\t0000000000000000')"
