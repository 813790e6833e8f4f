#!/usr/bin/env bash
# Prints the README's status table: every public routine declared in include/ntsec/*.h,
# whether libntsec defines it, and the STATUS_NOT_IMPLEMENTED paths found in src/.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${1:-build/libntsec.a}
defined=$(nm -g --defined-only "$lib" 2>/dev/null | awk '$2 ~ /[TD]/ {print $3}' | sort -u)
echo "| routine | header | status |"
echo "|---|---|---|"
for h in include/ntsec/*.h; do
    # Declarations start with one of the export macros; the name precedes the first '('.
    (grep -hE '^(_Must_inspect_result_ )?(NTKERNELAPI|NTSYSAPI|NTSEC_API|KSECDDDECLSPEC) ' "$h" |
        grep -v '^extern' | grep '(' || true) |
        sed -E 's/\(.*//; s/.*[ *]([A-Za-z_][A-Za-z0-9_]*)$/\1/' | sort -u |
        while read -r name; do
            if grep -qx "$name" <<<"$defined"; then s="implemented"; else s="**not yet**"; fi
            echo "| \`$name\` | $(basename "$h") | $s |"
        done
done
echo
echo "Code paths that return STATUS_NOT_IMPLEMENTED (found in src/ by this script):"
echo
# Each non-comment use, with the function it is in (the last line that starts a definition).
for f in $(grep -rl 'STATUS_NOT_IMPLEMENTED\|NTSEC_NOT_IMPLEMENTED()' src --include='*.c' | grep -v '^src/rtl/notimpl.c$' | sort); do
    awk -v file="$f" '
        /^[A-Za-z_][A-Za-z0-9_ \*]*\(/ { fn = $0; sub(/\(.*/, "", fn); n = split(fn, w, /[ *]+/); fn = w[n] }
        /^ *\/\*/ || /^ \*( |\/|$)/ { next }
        /STATUS_NOT_IMPLEMENTED|NTSEC_NOT_IMPLEMENTED\(\)/ { printf "- `%s` in `%s:%d`\n", fn, file, NR }
    ' "$f"
done
