# loadclient.py SOCKET PATH SID BODY CONNS REQS - CONNS keep-alive connections to the Unix
# socket, REQS GETs of PATH each (bounded); every response must be 200, say it was served as
# SID (X-Ntsec-Served-As) and carry BODY. Prints "ok=N wrong=N bad=N errors=N".
import socket, sys, threading
path, url, sid, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
conns, reqs = int(sys.argv[5]), int(sys.argv[6])
count = {"ok": 0, "wrong": 0, "bad": 0, "errors": 0}
lock = threading.Lock()
errs = set()

def one():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    local = dict(ok=0, wrong=0, bad=0, errors=0)
    try:
        s.connect(path)
        f = s.makefile("rb")
        for _ in range(reqs):
            s.sendall(f"GET {url} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            status = f.readline().split()
            hdr = {}
            while True:
                line = f.readline()
                if line in (b"\r\n", b""):
                    break
                k, _, v = line.decode("latin-1").partition(":")
                hdr[k.strip().lower()] = v.strip()
            data = f.read(int(hdr.get("content-length", "0")))
            if len(status) < 2 or status[1] != b"200":
                local["bad"] += 1
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

ts = [threading.Thread(target=one) for _ in range(conns)]
for t in ts: t.start()
for t in ts: t.join()
print(" ".join(f"{k}={v}" for k, v in count.items()))
for e in sorted(errs)[:5]:
    print("error:", e, file=sys.stderr)
