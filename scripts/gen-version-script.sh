#!/usr/bin/env bash
# gen-version-script.sh HEADER_DIR OUT - writes libntsec.so's version script: the symbols the
# public headers declare (scripts/public-symbols.sh) are global, everything else is local.
set -euo pipefail
here=$(dirname "$0")
syms=$(bash "$here/public-symbols.sh" "$1")
[ -n "$syms" ] || { echo "gen-version-script: no public symbols found in $1" >&2; exit 1; }
{
    echo "/* Generated from $1 by scripts/gen-version-script.sh: do not edit. */"
    echo "NTSEC_0 {"
    echo "  global:"
    sed 's/^/    /; s/$/;/' <<<"$syms"
    echo "  local:"
    echo "    *;"
    echo "};"
} >"$2.tmp"
mv "$2.tmp" "$2"
