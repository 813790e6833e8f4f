#!/usr/bin/env python3
"""The mutant list of scripts/mutate.sh (scripts/mutants.txt): parse, check, apply one.

  mutate.py list MUTANTS                 ID<TAB>FILE<TAB>TESTS<TAB>WHAT, one mutant a line
  mutate.py check MUTANTS SRCDIR         every mutant's text occurs exactly once in its file
  mutate.py apply MUTANTS SRCDIR ID      writes mutant ID into SRCDIR (the caller restores)
Exit 1 with a message naming the mutant when a text is missing or ambiguous.
"""
import sys


def parse(path):
    mutants, tests, cur = [], [], None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        tag, rest = line[:2], line[2:]
        if tag == "= ":
            tests = rest.split()
        elif tag == "@ ":
            ident, file, what = rest.split(" ", 2)
            cur = {"id": ident, "file": file, "what": what, "tests": tests, "line": n}
            mutants.append(cur)
        elif tag in ("- ", "+ ") and cur is not None:
            cur["old" if tag == "- " else "new"] = rest
        else:
            sys.exit(f"{path}:{n}: cannot parse: {line}")
    ids = [m["id"] for m in mutants]
    for m in mutants:
        if "old" not in m or "new" not in m or not m["tests"]:
            sys.exit(f"{path}:{m['line']}: mutant {m['id']} needs '- ', '+ ' and a '= ' test list")
        if ids.count(m["id"]) != 1:
            sys.exit(f"{path}:{m['line']}: mutant id {m['id']} is not unique")
    return mutants


def count(m, src):
    return open(f"{src}/{m['file']}", encoding="utf-8").read().count(m["old"])


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    mutants = parse(path)
    if cmd == "list":
        for m in mutants:
            print("\t".join([m["id"], m["file"], " ".join(m["tests"]), m["what"]]))
    elif cmd == "check":
        bad = 0
        for m in mutants:
            c = count(m, sys.argv[3])
            if c != 1:
                print(f"FAIL: mutant {m['id']}: its text occurs {c} times in {m['file']} (must be "
                      f"exactly once; update scripts/mutants.txt): {m['old']}")
                bad = 1
        if not bad:
            print(f"ok: all {len(mutants)} mutants apply exactly once")
        sys.exit(bad)
    elif cmd == "apply":
        m = next((m for m in mutants if m["id"] == sys.argv[4]), None)
        if m is None:
            sys.exit(f"no mutant {sys.argv[4]}")
        f = f"{sys.argv[3]}/{m['file']}"
        text = open(f, encoding="utf-8").read()
        if text.count(m["old"]) != 1:
            sys.exit(f"mutant {m['id']}: text not found exactly once in {m['file']}")
        open(f, "w", encoding="utf-8").write(text.replace(m["old"], m["new"]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
