#!/usr/bin/env bash
# The main job: shows what ntsec does, with the tool and the two examples.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${NTSEC_BUILD_DIR:-build}   # the build to demonstrate (the test suite passes its own)
[ -x "$B/ntsec" ] || ./scripts/bootstrap.sh
run() { printf '\n$ %s\n' "$*"; "$@"; }
# Commands whose non-zero exit is the point of the demonstration (a downgrade, a denial).
show() { printf '\n$ %s\n' "$*"; "$@" && rc=0 || rc=$?; printf '(exit status %d)\n' "$rc"; }

run "$B"/ntsec sddl 'O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(D;;WD;;;WD)(A;;FR;;;AU)S:(ML;;NW;;;LW)'
run "$B"/ntsec token 'user=S-1-5-21-1-2-3-1001 groups=WD,AU,BU,S-1-5-21-1-2-3-513:deny-only privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled integrity=ME type=impersonation level=identification'
if "$B"/ntsec --help 2>&1 | grep -qE '^ +impersonate '; then
    show "$B"/ntsec impersonate --process 'user=S-1-5-21-1-2-3-1001 integrity=ME' \
        --token 'user=S-1-5-21-1-2-3-1002 integrity=ME type=impersonation level=impersonation' --level impersonation
fi
show "$B"/ntsec check --sd 'O:BAG:SYD:(D;;FW;;;S-1-5-21-1-2-3-513)(A;;FA;;;AU)' \
    --token 'user=S-1-5-21-1-2-3-1001 groups=AU,S-1-5-21-1-2-3-513 type=impersonation' \
    --desired 'FILE_GENERIC_READ|FILE_WRITE_DATA' --explain
run "$B"/example-seed-impersonation
run "$B"/example-worker-elevation
run "$B"/ntsec whoami --all
run bash scripts/demo-fsd.sh "$B"
