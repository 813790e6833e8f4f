#!/usr/bin/env bash
# The README's main job (scripts/demo.sh) runs to the end and shows what it promises.
set -euo pipefail
src=${NTSEC_SOURCE_DIR:?}
out=$(NTSEC_BUILD_DIR="${NTSEC_BUILD_DIR:?}" bash "$src/scripts/demo.sh" 2>&1) || {
    echo "$out"; echo "demo_main_job: scripts/demo.sh failed" >&2; exit 1; }
for want in 'sddl:    O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(D;;WD;;;WD)(A;;FR;;;AU)S:(ML;;NW;;;LW)' \
            'result:     downgraded to identification' \
            'STATUS_ACCESS_DENIED' \
            '== result: as expected ==' \
            'result: success (0x00000000)' \
            'USER INFORMATION'; do
    grep -qF -- "$want" <<<"$out" || { echo "$out"; echo "demo_main_job: missing: $want" >&2; exit 1; }
done
if [ "$(id -u)" -eq 0 ]; then   # the ntsec-fsd part (scripts/demo-fsd.sh) needs root
    for want in 'ntsec-fsd: serving' 'try: curl --unix-socket' 'path=/alice/plan.txt status=403 layer=nt' \
                'path=/bob/notes.txt status=403 layer=linux' 'owner on disk: fsd-demo-alice' \
                'path=/public/from-alice.txt status=403 layer=linux' 'ntsec-fsd stopped (exit 0)'; do
        grep -qF -- "$want" <<<"$out" || { echo "$out"; echo "demo_main_job: missing: $want" >&2; exit 1; }
    done
fi
echo "demo_main_job: OK"
