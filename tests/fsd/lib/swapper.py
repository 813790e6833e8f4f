#!/usr/bin/env python3
"""swapper.py DIR A B: the racer of fsd_race.sh. For each line "N" on stdin, exchanges the
names DIR/A and DIR/B N times (renameat2 RENAME_EXCHANGE: atomic, both names always exist
if both did), then prints "done". A missing name just skips the swap. Bounded by the caller."""
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
d, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
pa, pb = os.path.join(d, a).encode(), os.path.join(d, b).encode()
for line in sys.stdin:
    n = min(int(line.strip() or 0), 100000)
    for _ in range(n):
        libc.renameat2(AT_FDCWD, pa, AT_FDCWD, pb, RENAME_EXCHANGE)
    print("done", flush=True)
