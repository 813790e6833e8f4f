#!/usr/bin/env bash
# cadaver (a WebDAV client nobody here wrote), scripted over 127.0.0.1 with the guest token:
# mkcol, put, get, move, propset/propget, lock/unlock, ls — each must succeed, and the
# files on disk belong to the guest's uid (the server impersonated it).
source "$(dirname "$0")/lib/fixture.bash"
need_root
command -v cadaver >/dev/null || { echo "skipped: cadaver missing"; exit 77; }
R=$W/root; mkdir -p $R; chown 65534:65534 $R
echo "cadaver file" > $W/up.txt
fsd_start $R --listen 127.0.0.1:0 --guest 'user=S-1-22-1-65534 groups=S-1-22-2-65534,WD'
port=$(sed -n 's/^  tcp 127.0.0.1:\([0-9]*\) .*/\1/p' $W/server.out)
[ -n "$port" ] || fail "no port"
out=$(cd $W && printf '%s\n' 'mkcol docs' 'put up.txt docs/up.txt' 'get docs/up.txt down.txt' \
      'move docs/up.txt docs/moved.txt' 'propset docs/moved.txt color blue' 'propget docs/moved.txt color' \
      'lock docs/moved.txt' 'unlock docs/moved.txt' 'ls docs' 'quit' |
      timeout 60 cadaver "http://127.0.0.1:$port/" 2>&1) || true
echo "$out"
for want in "Creating \`docs': succeeded." "Uploading up.txt to \`/docs/up.txt':" "Moving \`/docs/up.txt' to \`/docs/moved.txt':  succeeded." \
            "Value of color is: blue" "Locking \`docs/moved.txt': succeeded." "Unlocking \`docs/moved.txt': succeeded." "moved.txt"; do
    grep -qF -- "$want" <<<"$out" || fail "cadaver: missing: $want"
done
[ "$(grep -c 'succeeded' <<<"$out")" -ge 8 ] || fail "cadaver: not every command succeeded"
cmp -s $W/up.txt $W/down.txt || fail "downloaded content differs"
[ "$(stat -c %u $R/docs/moved.txt)" = 65534 ] || fail "file not owned by the guest uid"
fsd_stop
echo "fsd_cadaver: OK"
