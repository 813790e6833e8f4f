# loadclient.py SOCKET PATH SID BODY CONNS REQS [SECONDS] - CONNS keep-alive connections to the
# Unix socket, each sending GETs of PATH: REQS each, or with SECONDS as many as fit in that
# time (at most REQS). Every response must be 200, say it was served as SID
# (X-Ntsec-Served-As) and carry BODY. Bounded in count and time; no timing assumption: a
# slow server only makes fewer requests (the socket timeout is generous). Prints
# "ok=N wrong=N bad=N errors=N" (and with SECONDS also "status=CODE:N ..." for non-200s).
import collections, os, socket, sys, threading, time
sys.dont_write_bytecode = True   # nothing written next to the script (it runs as test users)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from httpwire import read_head
path, url, sid, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
conns, reqs = int(sys.argv[5]), int(sys.argv[6])
seconds = float(sys.argv[7]) if len(sys.argv) > 7 else None
deadline = time.monotonic() + seconds if seconds else None
count = {"ok": 0, "wrong": 0, "bad": 0, "errors": 0}
statuses = collections.Counter()
lock = threading.Lock()
errs = set()
start = threading.Barrier(conns)

def one():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(300)
    local = dict(ok=0, wrong=0, bad=0, errors=0)
    codes = collections.Counter()
    try:
        try:
            s.connect(path)
        finally:
            try:   # every thread passes once: all connections are open before the first request
                start.wait(timeout=300)
            except threading.BrokenBarrierError:
                pass
        f = s.makefile("rb")
        for _ in range(reqs):
            if deadline is not None and time.monotonic() >= deadline:
                break
            s.sendall(f"GET {url} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            status, hdr = read_head(f)
            data = f.read(int(hdr.get("content-length", "0")))
            if len(status) < 2 or status[1] != b"200":
                local["bad"] += 1
                codes[status[1].decode() if len(status) > 1 else "none"] += 1
            elif hdr.get("x-ntsec-served-as") != sid or data != body:
                local["wrong"] += 1
            else:
                local["ok"] += 1
    except OSError as e:
        local["errors"] += 1
        with lock:
            errs.add(type(e).__name__ + ": " + str(e))
    finally:
        s.close()
    with lock:
        for k in count:
            count[k] += local[k]
        statuses.update(codes)

ts = [threading.Thread(target=one) for _ in range(conns)]
for t in ts: t.start()
for t in ts: t.join()
line = " ".join(f"{k}={v}" for k, v in count.items())
if seconds:
    line += "".join(f" status={k}:{v}" for k, v in sorted(statuses.items()))
print(line)
for e in sorted(errs)[:5]:
    print("error:", e, file=sys.stderr)
