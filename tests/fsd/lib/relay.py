# relay.py PORTFILE SOCKET - a loopback TCP listener (free port written to PORTFILE) that
# forwards each connection to the Unix socket SOCKET. Run as a local user (setpriv), it lets a
# TCP-only client (davfs2) reach ntsec-fsd as that user: the server authenticates the relay's
# connection from the kernel's peer credentials. Stopped by pid by the test.
import os, socket, sys, threading

def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

def serve(c, path):
    u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        u.connect(path)
    except OSError:
        c.close()
        return
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    pump(u, c)
    c.close()
    u.close()

l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 0))
l.listen(64)
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    f.write(str(l.getsockname()[1]))
os.rename(tmp, sys.argv[1])
for _ in range(100000):      # bounded: at most this many connections
    c, _ = l.accept()
    threading.Thread(target=serve, args=(c, sys.argv[2]), daemon=True).start()
