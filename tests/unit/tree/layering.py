#!/usr/bin/env python3
"""The layering is a DAG written down in docs/layers.md, and the build keeps to it (issue 10).

docs/layers.md holds the order of the components (a ```layers block, lowest first) and the
declared back-edges (a ```back-edges block, "from -> to  reason"). Every component's
src/<folder>/CMakeLists.txt names the components it calls (ntsec_component(<name> DEPENDS
...)). This test fails when
  - a DEPENDS entry points up the order and is not a declared back-edge;
  - a component's objects leave a library symbol undefined that is defined neither by
    itself nor by a component it DEPENDS on (naming the symbol and the file);
  - a declared back-edge is in no DEPENDS or no object uses it any more;
  - a component is missing from the order (or the order names one that does not exist);
  - any component depends on host_switch or ksec (the pure model must build without them).
The objects are the ones the build links (BUILD_DIR/layering/<component>.objects, written by
src/CMakeLists.txt), not whatever lies under CMakeFiles/.
Usage: layering.py SOURCE_DIR BUILD_DIR
"""
import glob
import os
import re
import subprocess
import sys

src, build = sys.argv[1], sys.argv[2]
failures = []

doc = open(os.path.join(src, "docs", "layers.md")).read()
def block(name):
    m = re.search(r"^```%s\n(.*?)^```" % re.escape(name), doc, re.S | re.M)
    if not m:
        sys.exit("FAIL: docs/layers.md has no ```%s block" % name)
    return [l for l in m.group(1).splitlines() if l.strip()]
order = [l.split()[0] for l in block("layers")]
rank = {c: i for i, c in enumerate(order)}
back = {}
for l in block("back-edges"):
    m = re.match(r"(\w+)\s*->\s*(\w+)\s+(\S.*)", l)
    if not m:
        sys.exit("FAIL: docs/layers.md back-edge line without 'from -> to reason': %s" % l)
    back[(m.group(1), m.group(2))] = m.group(3)

depends, folder = {}, {}
for lst in sorted(glob.glob(os.path.join(src, "src", "*", "CMakeLists.txt"))):
    text = open(lst).read()
    for m in re.finditer(r"ntsec_component\((\w+)\s*\n(?:\s*DEPENDS([^\n]*)\n)?", text):
        depends[m.group(1)] = set((m.group(2) or "").split())
        folder[m.group(1)] = os.path.basename(os.path.dirname(lst))
if not depends:
    sys.exit("FAIL: no ntsec_component() found under src/")

for c in sorted(set(depends) - set(rank)):
    failures.append("%s is not in docs/layers.md's order" % c)
for c in sorted(set(rank) - set(depends)):
    failures.append("docs/layers.md orders %s, which no src/*/CMakeLists.txt defines" % c)
for (a, b) in sorted(back):
    if a not in depends or b not in depends[a]:
        failures.append("declared back-edge %s -> %s is in no DEPENDS: remove it from docs/layers.md" % (a, b))
    elif a in rank and b in rank and rank[b] < rank[a]:
        failures.append("declared back-edge %s -> %s points down the order: remove it" % (a, b))
for a in sorted(depends):
    for b in sorted(depends[a]):
        if b not in depends:
            failures.append("src/%s/CMakeLists.txt: %s DEPENDS on %s, no such component" % (folder[a], a, b))
        elif a in rank and b in rank and rank[b] >= rank[a] and (a, b) not in back:
            failures.append("src/%s/CMakeLists.txt: %s DEPENDS on %s, which is not below it in "
                            "docs/layers.md: invert the call or declare the back-edge there with a reason"
                            % (folder[a], a, b))

defined, undefined = {}, {}
for name in depends:
    listing = os.path.join(build, "layering", name + ".objects")
    if not os.path.exists(listing):
        sys.exit("FAIL: %s missing (re-run cmake on %s)" % (listing, build))
    objs = [l for l in open(listing).read().splitlines() if l]
    missing = [o for o in objs if not os.path.exists(o)]
    if not objs or missing:
        sys.exit("FAIL: objects of component %s not built under %s (build it first)" % (name, build))
    for obj in objs:
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                undefined.setdefault(name, []).append((parts[1], os.path.basename(obj)))
            elif len(parts) == 3 and parts[1] in "TDBRCVW":
                defined[parts[2]] = name

used = set()
for name, refs in sorted(undefined.items()):
    for symbol, obj in refs:
        owner = defined.get(symbol)
        if owner is None or owner == name:
            continue
        used.add((name, owner))
        if owner not in depends[name]:
            failures.append("%s (%s) calls %s of component %s, which src/%s/CMakeLists.txt does "
                            "not list in its DEPENDS" % (name, obj, symbol, owner, folder[name]))
for edge in sorted(set(back) - used):
    if edge[0] in depends and edge[1] in depends[edge[0]]:
        failures.append("declared back-edge %s -> %s: no object uses it any more; remove it from "
                        "docs/layers.md and the DEPENDS" % edge)
for name in ("host_switch", "ksec"):
    users = sorted(c for c, d in depends.items() if name in d)
    if users:
        failures.append("%s depends on %s: the pure model must not (DESIGN \"Layers\")"
                        % (", ".join(users), name))

for f in failures:
    print("FAIL: " + f)
if failures:
    sys.exit(1)
print("ok: %d components in the order of docs/layers.md, %d declared back-edges, every call "
      "within the declared DEPENDS" % (len(depends), len(back)))
