#!/usr/bin/env bash
# The main job: shows what ntsec does, with the tool and the two examples.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/ntsec ] || ./scripts/bootstrap.sh
run() { printf '\n$ %s\n' "$*"; "$@"; }

run build/ntsec sddl 'O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(D;;WD;;;WD)(A;;FR;;;AU)S:(ML;;NW;;;LW)'
run build/ntsec token 'user=S-1-5-21-1-2-3-1001 groups=WD,AU,BU,S-1-5-21-1-2-3-513:deny-only privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled integrity=ME type=impersonation level=identification'
if build/ntsec --help 2>&1 | grep -qE '^ +impersonate '; then
    run build/ntsec impersonate --process 'user=S-1-5-21-1-2-3-1001 integrity=ME' \
        --token 'user=S-1-5-21-1-2-3-1002 integrity=ME type=impersonation level=impersonation' --level impersonation
fi
run build/ntsec check --sd 'O:BAG:SYD:(D;;FW;;;S-1-5-21-1-2-3-513)(A;;FA;;;AU)' \
    --token 'user=S-1-5-21-1-2-3-1001 groups=AU,S-1-5-21-1-2-3-513 type=impersonation' \
    --desired 'FILE_GENERIC_READ|FILE_WRITE_DATA' --explain || true
run build/example-seed-impersonation
run build/example-worker-elevation
run build/ntsec whoami --all
