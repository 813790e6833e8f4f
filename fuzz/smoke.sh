#!/bin/bash
# smoke.sh - runs every fuzz target for a few seconds on its seed corpus (CI).
# usage: fuzz/smoke.sh [BUILD_DIR] [SECONDS]   (BUILD_DIR defaults to build-fuzz, SECONDS to 10)
# Build first:  CC=clang cmake -S . -B build-fuzz -G Ninja -DNTSEC_FUZZ=ON -DNTSEC_TESTS=OFF
#               ninja -C build-fuzz
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build-fuzz}"
seconds="${2:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for src in "$here"/fuzz_*.c; do
    target="$(basename "$src" .c)"
    bin="$build/fuzz/$target"
    [ -x "$bin" ] || { echo "smoke: $bin not built" >&2; exit 2; }
    mkdir -p "$work/$target"
    echo "== $target (${seconds}s)"
    if ! "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/$target-" \
         "$work/$target" $( [ -d "$here/corpus/$target" ] && echo "$here/corpus/$target" ) > "$work/$target.log" 2>&1; then
        tail -n 60 "$work/$target.log"
        echo "smoke: $target FAILED" >&2
        status=1
    else
        grep -E "stat::number_of_executed_units" "$work/$target.log" || true
    fi
done
exit $status
