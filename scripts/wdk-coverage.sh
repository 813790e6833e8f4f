#!/usr/bin/env bash
# Which of the WDK identifiers listed in tests/wdk/identifiers.txt the public headers
# provide (docs/wdk-coverage.md). An identifier is provided when a translation unit that
# includes only ntifs.h (and wdmsec.h, which drivers include beside it) can use it as a macro, an expression (routine, variable, enum
# constant) or a type. Prints one line per file and the totals; with --missing-only, just
# the missing names (one per line, sorted).
set -euo pipefail
cd "$(dirname "$0")/.."
list=${WDK_IDENTIFIERS:-tests/wdk/identifiers.txt}
CC=${CC:-cc}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# WDK_PROBE_CACHE=DIR keeps each identifier's answer in DIR, so a second run with the same
# headers and compiler (tests/wdk/wdk_coverage.sh runs the script twice) compiles nothing.
cache=${WDK_PROBE_CACHE:-$work}
provided() {
    local id=$1
    [ -f "$cache/ok.$id" ] && return 0
    [ -f "$cache/no.$id" ] && return 1
    for probe in "#ifndef $id
#error no
#endif" "void *wdk_probe(void) { return (void *)&$id; }" "int wdk_probe(void) { return (int)sizeof($id); }" \
                 "long wdk_probe(void) { return (long)($id); }"; do
        printf "#include <ntifs.h>\n#if __has_include(<wdmsec.h>)\n#include <wdmsec.h>\n#endif\n%s\n" "$probe" > "$work/p.c"
        if $CC -fshort-wchar -std=gnu11 -c -w -I "${WDK_INCLUDE:-include/ntsec}" "$work/p.c" -o "$work/p.o" 2>/dev/null; then
            : > "$cache/ok.$id"; return 0
        fi
    done
    : > "$cache/no.$id"; return 1
}
file=""; used=0; have=0; missing=""; total_used=0; total_have=0
all_missing=""
flush() {
    [ -n "$file" ] || return 0
    [ "${1:-}" = "--missing-only" ] || printf '%s: %d of %d provided%s\n' "$file" "$have" "$used" \
        "${missing:+; missing:$missing}"
    total_used=$((total_used + used)); total_have=$((total_have + have))
}
mode=${1:-}
while IFS= read -r line; do
    case "$line" in
    '#'*|'') continue ;;
    '== '*) flush "$mode"; file=${line#== }; file=${file%% |*}; used=0; have=0; missing="" ;;
    *) for id in $line; do
           used=$((used + 1))
           if provided "$id"; then have=$((have + 1)); else missing="$missing $id"; all_missing="$all_missing $id"; fi
       done ;;
    esac
done < "$list"
flush "$mode"
if [ "$mode" = "--missing-only" ]; then
    for id in $all_missing; do echo "$id"; done | LC_ALL=C sort -u
    exit 0
fi
distinct=$(grep -v '^#\|^==' "$list" | tr -s ' ' '\n' | grep -v '^$' | sort -u | wc -l)
distinct_missing=$(for id in $all_missing; do echo "$id"; done | sort -u | grep -c . || true)
printf 'total: %d of %d uses provided; %d of %d distinct identifiers\n' "$total_have" "$total_used" \
    $((distinct - distinct_missing)) "$distinct"
