#!/usr/bin/env bash
# Prints every public symbol declared in include/ntsec/*.h, one per line, sorted: routines and
# data declared with an export macro (NTKERNELAPI, NTSYSAPI, NTSEC_API, KSECDDDECLSPEC).
# The build turns this list into libntsec.so's version script (scripts/gen-version-script.sh);
# tests/unit/api/contract_link.sh checks the library exports exactly these names.
set -euo pipefail
dir=${1:-"$(dirname "$0")/../include/ntsec"}
# A declaration may span lines: join each one up to its ';' before reading the name.
cat "$dir"/*.h |
    awk '
        /^(extern )?(_Must_inspect_result_ )?(NTKERNELAPI|NTSYSAPI|NTSEC_API|KSECDDDECLSPEC) / { decl = ""; on = 1 }
        on { decl = decl " " $0; if ($0 ~ /;/) { print decl; on = 0 } }
        /^#define/ { on = 0 }
    ' |
    sed -E 's/\(.*//; s/[;[:space:]]+$//; s/.*[ *]([A-Za-z_][A-Za-z0-9_]*)$/\1/' |
    sort -u
