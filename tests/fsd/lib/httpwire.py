# httpwire.py - the response head as the fsd test clients read it off a keep-alive
# connection (imported by loadclient.py and keepclient.py; not a test itself).

def read_head(f):
    """Reads a status line and headers from the binary file f: (status line split in
    words, headers with lower-case names). At EOF: ([], {})."""
    status = f.readline().split()
    headers = {}
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        k, _, v = line.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers
