#!/bin/bash
# scripts/mutate.sh - our own mutation pass over the security rules (issue 10 item 5;
# docs/testing.md "Mutation pass"). For every mutant of scripts/mutants.txt: apply it to a
# scratch copy of the tree, rebuild only the test binaries it names (ninja, a build dir of its
# own), run them (each under a timeout), record killed (a test failed or timed out) or
# survived, restore the file. Prints a table; exits 1 if any mutant survived or failed to
# build, 2 on a usage or set-up error. No network. Bounded: one build + the listed tests per
# mutant.
#
#   scripts/mutate.sh [-w WORKDIR] [-t SECONDS] [ID...]   (default: every mutant)
#   WORKDIR defaults to build-mutate/ in the tree; the scratch tree is WORKDIR/src, the
#   build WORKDIR/build (kept between runs: the first run builds the library once).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build-mutate
limit=120
while getopts "w:t:h" opt; do
    case $opt in
    w) work=$OPTARG ;;
    t) limit=$OPTARG ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
list=$root/scripts/mutants.txt
py=$root/scripts/mutate.py
src=$work/src
bld=$work/build
mkdir -p "$work"

# The scratch tree: the working tree's tracked and new files (not build dirs, not .git).
mkdir -p "$src"
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 -r ls -d 2>/dev/null | tar -cf - -T -) |
    tar -xf - -C "$src" || { echo "copying the tree failed" >&2; exit 2; }
# ...and nothing the tree no longer has (a moved test would be registered twice).
comm -23 <(cd "$src" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) \
    <(cd "$root" && git ls-files -co --exclude-standard | LC_ALL=C sort) |
    while IFS= read -r gone; do rm -f "$src/$gone"; done
python3 "$py" check "$list" "$src" || exit 2

if [ ! -f "$bld/build.ninja" ]; then
    cmake -S "$src" -B "$bld" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/configure.log" 2>&1 ||
        { echo "configure failed: $work/configure.log" >&2; exit 2; }
fi
mapfile -t rows < <(python3 "$py" list "$list")
all_tests=$(printf '%s\n' "${rows[@]}" | cut -f3 | tr ' ' '\n' | sort -u | tr '\n' ' ')
echo "baseline: building and running $all_tests"
# shellcheck disable=SC2086
ninja -C "$bld" $all_tests >"$work/baseline.log" 2>&1 || { echo "baseline build failed: $work/baseline.log" >&2; exit 2; }

run_tests() { # TEST... : 0 when every test passes
    local t
    for t in "$@"; do
        (cd "$bld" && NTSEC_SOURCE_DIR=$src NTSEC_BUILD_DIR=$bld timeout "$limit" "$bld/tests/$t") \
            >"$work/last-test.log" 2>&1 || { echo "$t"; return 1; }
    done
    return 0
}
# shellcheck disable=SC2086
bad=$(run_tests $all_tests) || { echo "baseline: $bad fails without a mutant" >&2; exit 2; }

printf '%-32s %-10s %s\n' MUTANT RESULT "BY (first failing test) / FILE"
killed=0 survived=0 broken=0 start=$SECONDS
for row in "${rows[@]}"; do
    IFS=$'\t' read -r id file tests what <<<"$row"
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$id"; then
        continue
    fi
    cp -p "$src/$file" "$work/orig"
    python3 "$py" apply "$list" "$src" "$id" || { cp -p "$work/orig" "$src/$file"; exit 2; }
    # shellcheck disable=SC2086
    if ! ninja -C "$bld" $tests >"$work/mutant-build.log" 2>&1; then
        result=BROKEN by="does not compile ($file)"; broken=$((broken + 1))
    elif by=$(run_tests $tests); then
        result=SURVIVED by="$file: $what"; survived=$((survived + 1))
    else
        result=killed; killed=$((killed + 1))
    fi
    cp -p "$work/orig" "$src/$file"
    touch "$src/$file" # the restored file is newer than the mutant's objects
    printf '%-32s %-10s %s\n' "$id" "$result" "$by"
done
# shellcheck disable=SC2086
ninja -C "$bld" $all_tests >/dev/null 2>&1
echo "killed $killed, survived $survived, broken $broken in $((SECONDS - start)) s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$survived" = 0 ] && [ "$broken" = 0 ]
