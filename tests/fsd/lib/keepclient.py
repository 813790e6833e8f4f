# keepclient.py SOCKET|tcp:PORT - one keep-alive connection to the server's Unix socket (or its
# 127.0.0.1 TCP port), kept for the
# whole run: reads "METHOD PATH" lines from stdin, sends each on the same connection and
# prints "STATUS SERVED-AS" per request (flushed), so a test can change the served tree
# between two requests of one connection. Bounded: 60 s socket timeout, at most 1,000 lines.
import os, socket, sys
sys.dont_write_bytecode = True   # nothing written next to the script (it runs as test users)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from httpwire import read_head
if sys.argv[1].startswith("tcp:"):   # tcp:PORT - 127.0.0.1 (the guest, no credentials sent)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(("127.0.0.1", int(sys.argv[1][4:])))
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(sys.argv[1])
f = s.makefile("rb")
for n, line in enumerate(sys.stdin):
    if n >= 1000:
        break
    method, path = line.split()
    body = b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>' \
        if method == "PROPFIND" else b""
    extra = f"Depth: 0\r\nContent-Type: application/xml\r\n" if method == "PROPFIND" else ""
    s.sendall(f"{method} {path} HTTP/1.1\r\nHost: localhost\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode()
              + body)
    status, headers = read_head(f)
    length = int(headers.get("content-length", "0"))
    if method != "HEAD" and length:
        f.read(length)
    print(status[1].decode() if len(status) > 1 else "none", headers.get("x-ntsec-served-as", "-"), flush=True)
