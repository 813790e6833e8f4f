#!/bin/bash
# bench/instructions.sh - exact instructions per operation (issue 15 section 1): runs each
# benchmark's --once mode under callgrind with 1 and with 1+N calls and prints
# (Ir(1+N) - Ir(1)) / N, so set-up, the agreement check and exit cancel out.
# Usage: bash bench/instructions.sh [build-dir] [N]     (needs valgrind)
set -euo pipefail
build=${1:-build}
n=${2:-100}
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Total instructions of one run: the "summary:" line of the callgrind output.
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" >/dev/null 2>&1
    awk '/^summary:/ { print $2 }' "$tmp/cg.out"
}

per_call() { # label, binary, mode, case
    local one many
    one=$(ir "$build/$2" "$3" "$4" 1)
    many=$(ir "$build/$2" "$3" "$4" $((n + 1)))
    printf '| %s | `%s %s %s N` | %s |\n' "$1" "$2" "$3" "$4" $(((many - one) / n))
}

echo "| operation | command | instructions per call (callgrind, N=$n) |"
echo "|---|---|---:|"
for c in 5x10 5x100 20x10 20x100 100x10 100x100 20x1000 20x1000a 20x100c 20x100p; do
    label="SeAccessCheck ${c%[acp]}"
    [[ $c == *a ]] && label="$label adversarial SIDs"
    [[ $c == *c ]] && label="$label, 5 conditional ACEs (Member_of && claim ==)"
    [[ $c == *p ]] && label="$label, the same 5 ACEs without conditions"
    per_call "$label" bench_accesscheck --once "$c"
done
for g in 10 100 1000 1000a 4000 4000a; do
    label="SepCreateToken + release, ${g%a} groups"
    [[ $g == *a ]] && label="$label adversarial SIDs"
    per_call "$label" bench_accesscheck --once-build "$g"
done
