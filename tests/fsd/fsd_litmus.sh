#!/usr/bin/env bash
# litmus (the WebDAV conformance suite) against ntsec-fsd: all 104 tests of basic,
# copymove, props, locks and http pass with no warning; Apache mod_dav runs through the
# same script for comparison (docs/fsd.md records both).
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (CI runs as root)"; exit 77; }
command -v litmus >/dev/null || { echo "skipped: litmus missing"; exit 77; }
out=$(bash "${NTSEC_SOURCE_DIR:?}/scripts/litmus-compare.sh" "${NTSEC_BUILD_DIR:?}")
echo "$out"
grep -q '^ntsec-fsd total: 104/104 passed$' <<<"$out" || { echo "FAIL: ntsec-fsd did not pass all 104" >&2; exit 1; }
[ "$(grep -c '^ntsec-fsd [a-z]*: run=[0-9]* pass=[0-9]* fail=0 warn=0$' <<<"$out")" = 5 ] ||
    { echo "FAIL: a group failed or warned" >&2; exit 1; }
grep -q '^ntsec-fsd exit: 0$' <<<"$out" || { echo "FAIL: ntsec-fsd did not exit 0 after SIGTERM" >&2; exit 1; }
echo "fsd_litmus: OK"
