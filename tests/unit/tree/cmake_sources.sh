#!/bin/bash
# Every .c file under src/ is in its component's explicit source list
# (src/<component>/CMakeLists.txt, issue 10 item 10), and no CMakeLists.txt globs src/.
set -u
src=${NTSEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
fail=0
while IFS= read -r file; do
    rel=${file#"$src"/}
    dir=$(dirname "$rel")
    base=$(basename "$rel")
    list=$src/$dir/CMakeLists.txt
    if [ ! -f "$list" ] || ! grep -qE "^[[:space:]]+$base[[:space:]]*$" "$list"; then
        echo "FAIL: $rel is in no source list. Add the line '    $base' to the SOURCES of" \
             "ntsec_component(...) in $dir/CMakeLists.txt (sorted; in src/host: host_identity if" \
             "it changes no credentials, else host_switch), then re-run cmake." >&2
        fail=1
    fi
done < <(find "$src/src" -name '*.c' | sort)
# ...and every listed file exists (a stale entry breaks the configure step anyway, but say so).
for list in "$src"/src/*/CMakeLists.txt; do
    dir=$(dirname "$list")
    while IFS= read -r base; do
        [ -f "$dir/$base" ] || { echo "FAIL: ${list#"$src"/} lists $base, which does not exist" >&2; fail=1; }
    done < <(grep -oE "^[[:space:]]+[A-Za-z0-9_]+\.c[[:space:]]*$" "$list" | tr -d '[:space:]' | sed 's/$//')
done
if grep -n "GLOB_RECURSE" "$src/CMakeLists.txt" "$src"/src/CMakeLists.txt "$src"/src/*/CMakeLists.txt >&2; then
    echo "FAIL: the library's sources are listed explicitly, never globbed" >&2
    fail=1
fi
[ "$fail" = 0 ] && echo "ok: every src/*/*.c is listed ($(find "$src/src" -name '*.c' | wc -l) files)"
exit "$fail"
