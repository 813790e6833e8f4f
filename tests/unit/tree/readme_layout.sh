#!/usr/bin/env bash
# README's "What is where" matches the tree (issue 10 "Done when"): every top-level folder,
# every src/ and tools/ folder and every component that is not named after its folder
# (ex_system, host_identity, ...) has its row; every path the table names exists; and
# README.md is regenerated from docs/README.head.md (scripts/readme.sh) since it changed.
set -euo pipefail
src=${NTSEC_SOURCE_DIR:?}
cd "$src"
head=docs/README.head.md
table=$(sed -n '/^## What is where/,/^## /p' "$head" | grep '^| `')
[ -n "$table" ] || { echo "readme_layout: no 'What is where' table in $head"; exit 1; }
# The first column's paths: `a/`, `b/` -> a/ b/
named=$(cut -d'|' -f2 <<<"$table" | grep -oE '`[^`]+`' | tr -d '`')
fail=0
for p in $named; do
    # shellcheck disable=SC2086
    compgen -G "${p%/}" >/dev/null || { echo "readme_layout: the table names $p, which does not exist"; fail=1; }
done
# A top-level folder is covered by its own row or by rows of its subfolders (src/rtl/, ...).
for f in $(find . -mindepth 1 -maxdepth 1 -type d ! -name '.*' ! -name 'build*' -printf '%f/\n' | sort); do
    grep -q "^$f" <<<"$named" || { echo "readme_layout: $f has no row in $head's 'What is where'"; fail=1; }
done
for f in $(find src tools -mindepth 1 -maxdepth 1 -type d -printf '%p/\n' | sort); do
    grep -qxF "$f" <<<"$named" || { echo "readme_layout: $f has no row in $head's 'What is where'"; fail=1; }
done
for list in src/*/CMakeLists.txt; do
    dir=$(basename "$(dirname "$list")")
    row=$(grep -F "| \`src/$dir/\`" <<<"$table" || true)
    for c in $(sed -nE 's/^ntsec_component\(([a-z_]+).*/\1/p' "$list"); do
        [ "$c" = "$dir" ] && continue
        grep -qF "\`$c\`" <<<"$row" ||
            { echo "readme_layout: component $c ($list) is not named in the src/$dir/ row"; fail=1; }
    done
done
lines=$(wc -l < "$head")
if ! cmp -s <(head -n "$lines" README.md) "$head"; then
    echo "readme_layout: README.md does not start with $head: run scripts/readme.sh"
    fail=1
fi
[ "$fail" = 0 ] && echo "readme_layout: $(wc -w <<<"$named") paths in 'What is where', every folder and component has its row"
exit "$fail"
