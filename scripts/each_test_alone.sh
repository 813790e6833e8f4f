#!/usr/bin/env bash
# Runs every cmocka test function alone (docs/testing.md "Each test alone"): for each binary,
# the names it lists (NTSEC_TEST_LIST=1), then one run per name with NTSEC_TEST_FILTER=name.
# A test that passes in its binary but fails alone depends on the tests before it.
# Usage: scripts/each_test_alone.sh BUILD_DIR [TEST_NAME...]   (default: the ctest label unit)
set -uo pipefail
build=${1:?usage: each_test_alone.sh BUILD_DIR [TEST_NAME...]}; shift
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
if [ $# -eq 0 ]; then
    mapfile -t names < <(ctest --test-dir "$build" -N -L unit | sed -n 's/^ *Test *#[0-9]*: \(test_[a-z0-9_]*\|pure_test_[a-z0-9_]*\)$/\1/p')
else
    names=("$@")
fi
bad=0; runs=0
for name in "${names[@]}"; do
    bin=$build/tests/$name
    [ -x "$bin" ] || continue
    mapfile -t cases < <(cd "$build" && NTSEC_TEST_LIST=1 "$bin")
    for c in "${cases[@]}"; do
        runs=$((runs + 1))
        if ! out=$(cd "$build" && NTSEC_SOURCE_DIR=$src NTSEC_BUILD_DIR=$build NTSEC_TEST_FILTER=$c timeout 300 "$bin" 2>&1); then
            echo "FAIL alone: $name $c"; printf '%s\n' "$out" | tail -n 5 | sed 's/^/    /'
            bad=$((bad + 1))
        elif ! grep -q "\[  PASSED  \] 1 test(s)" <<<"$out"; then
            echo "FAIL alone: $name $c (the filter did not select exactly this test)"; bad=$((bad + 1))
        fi
    done
done
echo "each test alone: $runs runs, $bad failed"
[ "$bad" -eq 0 ]
