#!/bin/bash
# bench/host_syscalls.sh - the credential syscalls the host backend issues per operation,
# counted by the kernel's side (strace -c), not by the library (issue 15 section 5):
# runs `bench_host --once MODE N` with N = 1 and N = 1 + 100 and prints, per syscall, the
# difference of strace's call counts divided by 100, so set-up and exit cancel out.
#   user:  one user->user switch pair (A -> B -> A ...: two switches per pair)
#   root:  one impersonate-from-root + revert pair
#   reimp: one re-impersonation of the token in force (expected: nothing)
# Usage (as root): bash bench/host_syscalls.sh [build-dir]
set -euo pipefail
build=${1:-build}
n=100
command -v strace >/dev/null || { echo "strace not installed" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (the backend switches credentials)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
calls='setresuid|setresgid|setgroups|setfsuid|setfsgid|getresuid|getresgid|getgroups|capget|capset|prctl'

# "name calls" for every credential syscall of one run.
count() {
    strace -f -c -o "$tmp/c.txt" "$build/bench_host" --once "$1" "$2" >/dev/null
    awk -v re="^($calls)$" '$NF ~ re { print $NF, $4 }' "$tmp/c.txt"
}

printf '| operation | syscalls per operation (strace -c, N=%d) | total |\n|---|---|---:|\n' "$n"
for mode in user root reimp; do
    count "$mode" 1 | sort >"$tmp/one"
    count "$mode" $((n + 1)) | sort >"$tmp/many"
    per=$(join -a 2 -e 0 -o 0,1.2,2.2 "$tmp/one" "$tmp/many" |
          awk -v n="$n" -v d="$( [ "$mode" = user ] && echo 2 || echo 1 )" '
              { x = ($3 - $2) / n / d; if (x > 0) { printf "%s%s %.2f", sep, $1, x; sep = ", "; t += x } }
              END { printf "\t%.2f", t }')
    case $mode in
        user) label="user->user switch (per switch)" ;;
        root) label="impersonate from root + revert (per pair)" ;;
        reimp) label="re-impersonation of the token in force" ;;
    esac
    printf '| %s | %s | %s |\n' "$label" "${per%%$'\t'*}" "${per##*$'\t'}"
done
