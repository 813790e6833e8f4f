#!/usr/bin/env bash
# A browser sees the HTML listing of a collection (names, sizes, dates, the caller's
# effective rights): headless Chromium, run with the server inside a private network
# namespace (unshare -n, lo up) and the resolver rules that keep it off the network, takes
# a screenshot; the test decodes it (tests/fsd/lib/pngcheck.py) and checks the DOM.
source "$(dirname "$0")/lib/fixture.bash"
need_root
command -v chromium >/dev/null || { echo "skipped: chromium missing"; exit 77; }
command -v unshare >/dev/null && unshare -n true 2>/dev/null || { echo "skipped: cannot make a network namespace"; exit 77; }
command -v ip >/dev/null || { echo "skipped: ip (iproute2) missing"; exit 77; }
R=$W/root; mkdir -p $R/docs; chown -R 65534:65534 $R
echo "hello browser" > $R/hello.txt; chown 65534 $R/hello.txt
cat > $W/inner.sh <<INNER
set -euo pipefail
ip link set lo up
"$FSD" serve $R --socket $W/sock --listen 127.0.0.1:0 --guest 'user=S-1-22-1-65534 groups=S-1-22-2-65534,WD' >$W/server.out 2>$W/server.err &
spid=\$!
trap 'kill -TERM \$spid 2>/dev/null; wait \$spid 2>/dev/null || true' EXIT
for _ in \$(seq 1 200); do grep -q 'try: curl http' $W/server.out 2>/dev/null && break; sleep 0.05; done
port=\$(sed -n 's/^  tcp 127.0.0.1:\([0-9]*\) .*/\1/p' $W/server.out)
flags="--headless --no-sandbox --disable-gpu --user-data-dir=$W/profile --window-size=900,500 \
  --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1' \
  --disable-background-networking --disable-component-update --no-first-run"
eval timeout 90 chromium \$flags --screenshot=$W/shot.png http://127.0.0.1:\$port/ >$W/chromium.log 2>&1 || true
eval timeout 90 chromium \$flags --dump-dom http://127.0.0.1:\$port/ >$W/dom.html 2>>$W/chromium.log || true
INNER
unshare -n bash $W/inner.sh
[ -s $W/shot.png ] || { tail -n 20 $W/chromium.log >&2; fail "no screenshot"; }
grep -q 'Index of /' $W/dom.html || fail "DOM has no listing"
grep -q 'hello.txt' $W/dom.html || fail "DOM lacks hello.txt"
grep -q '<td>read write delete' $W/dom.html || fail "DOM lacks the effective rights"
in_log $W/server.err 'method=GET path=/ status=200' || fail "server did not serve the listing"
info=$(/usr/bin/python3 "$S/tests/fsd/lib/pngcheck.py" $W/shot.png)
echo "screenshot: $info"
read -r size dark <<<"$info"
[ "$size" = 900x500 ] || fail "screenshot size $size"
[ "${dark#dark=}" -gt 500 ] || fail "screenshot looks blank ($dark)"
mkdir -p "$B/fsd-artifacts"; cp $W/shot.png "$B/fsd-artifacts/listing.png"
echo "fsd_chromium: OK (screenshot kept in $B/fsd-artifacts/listing.png)"
