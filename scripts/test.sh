#!/usr/bin/env bash
# Runs the test suite. Without arguments: the gcc build in build/.
# --all: also ASan+UBSan (gcc), TSan (clang-14), the suite with NTSEC_VERIFIER=1,
#        the fuzz smoke run and the examples - what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)
all=0; [ "${1:-}" = "--all" ] && all=1
# CI builds (--all) treat warnings as errors.
WERROR="-DNTSEC_WERROR=OFF"; [ $all -eq 1 ] && WERROR="-DNTSEC_WERROR=ON"

step() { printf '\n==== %s ====\n' "$*"; }

# Runs ctest with the given arguments and adds its test count to the totals printed at the end.
passed=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
run_ctest() {
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] || exit "$rc"
    local n
    n=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${n:-0}))
}

step "gcc build + tests (build/)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $WERROR >/dev/null
ninja -C build
run_ctest ctest --test-dir build --output-on-failure -j "$JOBS"

if [ $all -eq 0 ]; then
    printf '\ntests: %d passed, 0 failed\n' "$passed"
    exit 0
fi

step "verifier: whole suite with NTSEC_VERIFIER=1 NTSEC_VERIFIER_FATAL=1"
NTSEC_VERIFIER=1 NTSEC_VERIFIER_FATAL=1 run_ctest ctest --test-dir build --output-on-failure -j "$JOBS"

step "ASan+UBSan build + tests (build-asan/)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNTSEC_SANITIZE=address $WERROR >/dev/null
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$(pwd)/tests/lsan.supp" \
    run_ctest ctest --test-dir build-asan --output-on-failure -j "$JOBS"

step "TSan build + tests (build-tsan/, clang-14)"
CC=clang-14 cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNTSEC_SANITIZE=thread $WERROR >/dev/null
ninja -C build-tsan
# clang-14's TSan cannot map its shadow under high ASLR entropy: run without ASLR.
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    run_ctest setarch "$(uname -m)" -R ctest --test-dir build-tsan --output-on-failure -j "$JOBS"

if [ -f fuzz/CMakeLists.txt ]; then
    step "fuzz smoke (build-fuzz/, clang-14 libFuzzer)"
    CC=clang-14 cmake -S . -B build-fuzz -G Ninja -DNTSEC_FUZZ=ON -DNTSEC_TESTS=OFF >/dev/null
    ninja -C build-fuzz
    bash fuzz/smoke.sh build-fuzz 5
fi

printf '\nCounted over the gcc, verifier, ASan+UBSan and TSan runs:\n'
printf 'tests: %d passed, 0 failed\n' "$passed"
