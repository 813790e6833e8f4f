#!/usr/bin/env bash
# The mutation pass's list (scripts/mutants.txt, run by scripts/mutate.sh; docs/testing.md
# "Mutation pass") still applies: every mutant's text occurs exactly once in its file, and
# every test it names exists, so a refactor cannot silently turn mutants into no-ops.
set -euo pipefail
src=${NTSEC_SOURCE_DIR:?}
command -v python3 >/dev/null || { echo "mutants_apply: no python3"; exit 77; }
python3 "$src/scripts/mutate.py" check "$src/scripts/mutants.txt" "$src"
fail=0
for t in $(python3 "$src/scripts/mutate.py" list "$src/scripts/mutants.txt" | cut -f3 | tr ' ' '\n' | sort -u); do
    if ! find "$src/tests" -name "$t.c" | grep -q .; then
        echo "FAIL: scripts/mutants.txt names the test $t, which has no tests/**/$t.c"
        fail=1
    fi
done
exit $fail
