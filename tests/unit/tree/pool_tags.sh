#!/usr/bin/env bash
# Pool tags live in src/ex/pooltags.h only (issue 10 "pool tags are real"), and two names
# never share a value: a shared value would make the verifier's per-tag leak report and the
# ExFreePoolWithTag check unable to tell two owners apart.
set -euo pipefail
src=${NTSEC_SOURCE_DIR:?}
cd "$src"
stray=$(grep -rnE '^#define [A-Z0-9_]*TAG[A-Z0-9_]* +0x[0-9a-fA-F]+' src --include='*.c' --include='*.h' |
        grep -v '^src/ex/pooltags.h:' | grep -v 'GCM' || true)
[ -z "$stray" ] || { echo "pool_tags: tags defined outside src/ex/pooltags.h (move them there):"; echo "$stray"; exit 1; }
dups=$(sed -nE 's/^#define ([A-Z0-9_]+) +(0x[0-9a-fA-F]+)U.*/\2/p' src/ex/pooltags.h | tr 'A-F' 'a-f' | sort | uniq -d)
[ -z "$dups" ] || { echo "pool_tags: values used by two names: $dups"; exit 1; }
n=$(grep -cE '^#define [A-Z0-9_]+ +0x' src/ex/pooltags.h)
echo "pool_tags: $n tags, one definition each, all distinct"
