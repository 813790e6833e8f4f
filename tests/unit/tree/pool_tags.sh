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
# Every tag argument of the tagged routines is a name from pooltags.h (a literal or a
# variable would bypass the header); src/ex/pool.c passes its callers' Tag along.
untagged=$(python3 - <<'PY'
import glob, re
tags = set(re.findall(r"^#define ([A-Z0-9_]+) +0x", open("src/ex/pooltags.h").read(), re.M))
for f in sorted(glob.glob("src/**/*.c", recursive=True)):
    if f == "src/ex/pool.c":
        continue
    s = open(f).read()
    for m in re.finditer(r"\b(ExAllocatePoolWithTag|ExAllocatePoolWithQuotaTag|ExFreePoolWithTag|ExpCopyString)\s*\(", s):
        i = j = m.end(); depth = 1
        while depth:
            depth += (s[j] == "(") - (s[j] == ")"); j += 1
        tag = re.split(r",(?![^()]*\))", s[i:j - 1])[-1].strip()
        if tag not in tags:
            print("%s:%d: %s(..., %s)" % (f, s.count("\n", 0, m.start()) + 1, m.group(1), tag))
PY
)
[ -z "$untagged" ] || { echo "pool_tags: tag arguments that are not a name from src/ex/pooltags.h:"; echo "$untagged"; exit 1; }
n=$(grep -cE '^#define [A-Z0-9_]+ +0x' src/ex/pooltags.h)
echo "pool_tags: $n tags, one definition each, all distinct, every tag argument one of them"
