#!/usr/bin/env bash
# The behavioural specification ships with the code (docs/spec.md): every "spec x.y" section,
# every "5-Dnn" choice row and every test_caseNN the tree cites must exist in it.
set -euo pipefail
src=${NTSEC_SOURCE_DIR:?}
spec="$src/docs/spec.md"
[ -f "$spec" ] || { echo "spec_citations: docs/spec.md missing" >&2; exit 1; }
cd "$src"
files=$(git ls-files 2>/dev/null | grep -E '\.(c|h|md|sh|inc|py)$' | grep -v '^docs/spec.md$' || true)
[ -n "$files" ] || files=$(find src include tests tools examples docs bench fuzz -type f \( -name '*.[ch]' -o -name '*.md' -o -name '*.sh' \) ! -path docs/spec.md)
bad=0; n=0
for s in $(grep -hoE 'spec §?[0-9]+\.[0-9]+' $files | sed -E 's/spec §?//' | sort -u); do
    n=$((n + 1))
    grep -qE "^###? ${s//./\\.}[ .]" "$spec" || { echo "cited 'spec $s' has no section in docs/spec.md"; bad=1; }
done
for d in $(grep -hoE '\b5-D[0-9]+\b' $files | sed 's/^5-//' | sort -u); do
    n=$((n + 1))
    grep -qE "^\| $d \|" "$spec" || { echo "cited '5-$d' has no row in docs/spec.md section 5"; bad=1; }
done
cases=$(sed -n '/^## 6\. Test cases/,/^## 7\./p' "$spec")
for c in $(grep -hoE 'test_case[0-9]+' $files | sed 's/test_case0*//' | sort -un); do
    n=$((n + 1))
    grep -qE "^$c\. " <<<"$cases" || { echo "test_case$c has no case $c in docs/spec.md section 6"; bad=1; }
done
[ $bad -eq 0 ] || exit 1
echo "spec_citations: $n citations resolve in docs/spec.md"
