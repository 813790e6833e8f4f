#!/usr/bin/env python3
"""The layering the build declares is the layering the objects have (issue 10 item 10).

Every component's src/<folder>/CMakeLists.txt names the components it calls
(ntsec_component(<name> DEPENDS ...)). For each component, every library symbol its
objects leave undefined must be defined by itself or by a component it DEPENDS on;
a call into a component it does not declare fails here, naming the symbol and the file.
Usage: layering.py SOURCE_DIR BUILD_DIR
"""
import glob
import os
import re
import subprocess
import sys

src, build = sys.argv[1], sys.argv[2]
depends = {}
folder = {}
for lst in sorted(glob.glob(os.path.join(src, "src", "*", "CMakeLists.txt"))):
    text = open(lst).read()
    for m in re.finditer(r"ntsec_component\((\w+)\s*\n(?:\s*DEPENDS([^\n]*)\n)?", text):
        depends[m.group(1)] = set((m.group(2) or "").split())
        folder[m.group(1)] = os.path.basename(os.path.dirname(lst))
if not depends:
    sys.exit("FAIL: no ntsec_component() found under src/")

objects, defined, undefined = {}, {}, {}
for name in depends:
    objs = sorted(glob.glob(os.path.join(build, "src", folder[name], "CMakeFiles",
                                         "ntsec_%s.dir" % name, "*.o")))
    if not objs:
        sys.exit("FAIL: no objects for component %s under %s (build it first)" % (name, build))
    objects[name] = objs
    for obj in objs:
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                undefined.setdefault(name, []).append((parts[1], os.path.basename(obj)))
            elif len(parts) == 3 and parts[1] in "TDBRCVW":
                defined[parts[2]] = name

failures = 0
for name, refs in sorted(undefined.items()):
    for symbol, obj in refs:
        owner = defined.get(symbol)
        if owner is None or owner == name or owner in depends[name]:
            continue
        print("FAIL: %s (%s) calls %s of component %s, which src/%s/CMakeLists.txt does not "
              "list in its DEPENDS" % (name, obj, symbol, owner, folder[name]))
        failures += 1
for name in ("host_switch", "ksec"):
    users = sorted(c for c, d in depends.items() if name in d)
    if users:
        print("FAIL: %s depends on %s: the pure model must not (DESIGN \"Layers\")"
              % (", ".join(users), name))
        failures += 1
if failures:
    sys.exit(1)
print("ok: %d components, every call within the declared DEPENDS" % len(depends))
