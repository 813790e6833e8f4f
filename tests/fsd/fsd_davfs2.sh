#!/usr/bin/env bash
# davfs2 mounts the share through the kernel, once per local user: each user's mount
# reaches ntsec-fsd through a relay that user runs (tests/fsd/lib/relay.py: loopback TCP ->
# the Unix socket), so the server serves each mount as its user. Ordinary cp, mv, rm and
# ls -l work; uploads reach the server at unmount at the latest; files are owned by their
# uploader; bob cannot remove alice's file through his mount.
source "$(dirname "$0")/lib/fixture.bash"
need_root
command -v mount.davfs >/dev/null || { echo "skipped: davfs2 missing"; exit 77; }
getent group davfs2 >/dev/null || { echo "skipped: no davfs2 group"; exit 77; }
[ -e /dev/fuse ] || { echo "skipped: no /dev/fuse"; exit 77; }
sfx=$$; A=fsdva$sfx; Bo=fsdvb$sfx
fsd_mkuser $A; fsd_mkuser $Bo
R=$W/root; mkdir -p $R/shared; chmod 1777 $R/shared
fsd_start $R
RELAYS=(); MOUNTS=()
cleanup_davfs() {
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
    for p in "${RELAYS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap 'cleanup_davfs; fsd_cleanup' EXIT
chmod 711 $W
cp "$S/tests/fsd/lib/relay.py" $W/relay.py; chmod 644 $W/relay.py   # the source tree may be private
mount_as() { # mount_as USER DIR
    local u=$1 m=$2
    mkdir -p "$W/u.$u"; chown "$u" "$W/u.$u"; rm -f "$W/u.$u/port"
    setpriv --reuid "$(id -u $u)" --regid "$(id -g $u)" --init-groups /usr/bin/python3 \
        $W/relay.py "$W/u.$u/port" "$W/sock" &
    RELAYS+=($!)
    for _ in $(seq 1 100); do [ -s "$W/u.$u/port" ] && break; sleep 0.05; done
    local port; port=$(cat "$W/u.$u/port")
    mkdir -p "$m" "$W/cache.$u"; chown root:davfs2 "$W/cache.$u"; chmod 775 "$W/cache.$u"
    echo "http://127.0.0.1:$port/ anonymous x" > "$W/secrets.$u"; chmod 600 "$W/secrets.$u"
    printf 'secrets %s\ncache_dir %s\nuse_locks 1\nask_auth 0\nbuf_size 64\n' "$W/secrets.$u" "$W/cache.$u" > "$W/davfs2.$u.conf"
    mount -t davfs -o "conf=$W/davfs2.$u.conf,uid=$(id -u $u),gid=$(id -g $u)" "http://127.0.0.1:$port/" "$m" </dev/null \
        || fail "mount as $u"
    MOUNTS+=("$m")
}
run_as() { local u=$1; shift; setpriv --reuid "$(id -u $u)" --regid "$(id -g $u)" --init-groups "$@"; }
MA=$W/mnt-$A; MB=$W/mnt-$Bo
mount_as $A $MA
mount_as $Bo $MB
echo "alice's text" > $W/a.txt; chmod 644 $W/a.txt
run_as $A cp $W/a.txt $MA/shared/alice.txt || fail "alice cp"
run_as $A cp $W/a.txt $MA/shared/tmp.txt || fail "alice cp 2"
run_as $A mv $MA/shared/tmp.txt $MA/shared/renamed.txt || fail "alice mv"
run_as $A ls -l $MA/shared | grep -q renamed.txt || fail "alice ls -l"
run_as $A rm $MA/shared/renamed.txt || fail "alice rm"
echo "bob's text" > $W/b.txt; chmod 644 $W/b.txt
run_as $Bo cp $W/b.txt $MB/shared/bob.txt || fail "bob cp"
umount $MA; umount $MB; MOUNTS=()     # flushes the uploads
[ "$(cat $R/shared/alice.txt)" = "alice's text" ] || fail "alice's upload missing"
[ "$(stat -c %u $R/shared/alice.txt)" = "$(id -u $A)" ] || fail "alice.txt not owned by alice"
[ "$(stat -c %u $R/shared/bob.txt)" = "$(id -u $Bo)" ] || fail "bob.txt not owned by bob"
[ ! -e $R/shared/renamed.txt ] || fail "rm did not reach the server"
echo "ok: cp, mv, rm, ls -l through two users' mounts; owners on the server are the uploaders"
mount_as $Bo $MB
run_as $Bo ls -l $MB/shared | grep -q alice.txt || fail "bob does not see alice.txt"
run_as $Bo rm $MB/shared/alice.txt 2>/dev/null && echo "(davfs2 reported success locally)"
umount $MB; MOUNTS=()
[ -f $R/shared/alice.txt ] || fail "bob removed alice's file"
in_log $W/server.err "user=\"[^\"]*(S-1-22-1-$(id -u $Bo))\" .*method=DELETE path=/shared/alice.txt status=403 layer=linux" \
    || fail "bob's DELETE not refused by the linux layer"
echo "ok: bob's rm of alice's file refused by the server (layer linux); the file stays"
fsd_stop
echo "fsd_davfs2: OK"
