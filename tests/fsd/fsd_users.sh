#!/usr/bin/env bash
# ntsec-fsd over its Unix socket, driven by curl as several local users (setpriv): each
# sees exactly what its uid, groups and the NT ACLs allow; PUT creates files owned by the
# caller; another user's DELETE is refused and the file stays; an NT-allows/Linux-denies and
# a Linux-allows/NT-denies file are both refused and the log names the layer; hostile paths
# and XML are refused with the right status; SIGTERM exits 0.
source "$(dirname "$0")/lib/fixture.bash"
need_root
command -v setpriv >/dev/null || { echo "skipped: setpriv missing"; exit 77; }
sfx=$$
A=fsda$sfx; Bo=fsdb$sfx; G=fsdg$sfx
fsd_mkgroup $G
fsd_mkuser $A $G
fsd_mkuser $Bo
R=$W/root
mkdir -p $R/shared $R/alice $R/team
chmod 1777 $R/shared
chown $A $R/alice; chmod 700 $R/alice
chgrp $G $R/team; chmod 2770 $R/team
echo "team notes" > $R/team/notes.txt; chgrp $G $R/team/notes.txt; chmod 640 $R/team/notes.txt
ln -s /etc $R/shared/escape
# NT allows (Everyone full), Linux denies (0600 root)
echo secret > $R/shared/nt-allows.txt; chmod 600 $R/shared/nt-allows.txt
"$FSD" acl set $R/shared/nt-allows.txt 'O:S-1-22-1-0G:S-1-22-2-0D:(A;;FA;;;WD)'
# Linux allows (0644), NT denies bob reading (and, through FR, reading the descriptor)
echo public > $R/shared/nt-denies.txt; chmod 644 $R/shared/nt-denies.txt
"$FSD" acl set $R/shared/nt-denies.txt "O:S-1-22-1-0G:S-1-22-2-0D:(D;;FR;;;S-1-22-1-$(uid_of $Bo))(A;;FA;;;WD)"
# NT denies bob writing, but he may read the descriptor: the 403 body explains with the trace
echo guarded > $R/shared/explained.txt; chmod 666 $R/shared/explained.txt
"$FSD" acl set $R/shared/explained.txt "O:S-1-22-1-0G:S-1-22-2-0D:(D;;0x116;;;S-1-22-1-$(uid_of $Bo))(A;;FA;;;WD)"
"$FSD" acl get $R/shared/explained.txt | grep -q 'stored in trusted.ntsec.sd' || fail "acl get"
fsd_start $R --audit $W/audit.log
U=http://localhost

out=$(as $A -T - $U/shared/a.txt <<<"from alice"); expect 201 "alice PUT new file" "$out"
[ "$(stat -c %u $R/shared/a.txt)" = "$(uid_of $A)" ] || fail "PUT file not owned by alice"
out=$(as $A -T - $U/shared/a.txt <<<"from alice, v2"); expect 204 "alice PUT over her file" "$out"
[ "$(stat -c %u $R/shared/a.txt)" = "$(uid_of $A)" ] || fail "replaced file not owned by alice"
out=$(as $Bo $U/shared/a.txt); expect 200 "bob GET alice's 0644 file" "$out"
grep -q "from alice, v2" <<<"$out" || fail "bob read the wrong content"
out=$(as $Bo -X DELETE $U/shared/a.txt); expect 403 "bob DELETE alice's file (sticky dir)" "$out"
[ -f $R/shared/a.txt ] || fail "alice's file vanished after bob's DELETE"
in_log $W/server.err "user=\"Unix User\\\\$Bo (S-1-22-1-$(uid_of $Bo))\" .*method=DELETE path=/shared/a.txt status=403 layer=linux" \
    || fail "bob's DELETE not logged as refused by the linux layer"
out=$(as $Bo -T - $U/shared/a.txt <<<"bob was here"); expect 403 "bob PUT over alice's file" "$out"
grep -q "from alice, v2" $R/shared/a.txt || fail "alice's content changed"

out=$(as $A -X MKCOL $U/alice/docs); expect 201 "alice MKCOL in her dir" "$out"
[ "$(stat -c %u $R/alice/docs)" = "$(uid_of $A)" ] || fail "MKCOL dir not owned by alice"
out=$(as $A -T - $U/alice/docs/p.txt <<<"private"); expect 201 "alice PUT private" "$out"
out=$(as $Bo $U/alice/docs/p.txt); expect 403 "bob GET in alice's 0700 dir" "$out"
out=$(as $Bo -X PROPFIND -H 'Depth: 1' $U/alice/); expect 403 "bob PROPFIND alice's dir" "$out"

out=$(as $A $U/team/notes.txt); expect 200 "alice (in group) GET team file" "$out"
out=$(as $A --clear-groups $U/team/notes.txt); expect 403 "alice without groups GET team file" "$out"
out=$(as $Bo $U/team/notes.txt); expect 403 "bob (not in group) GET team file" "$out"
out=$(as $A -T - $U/team/new.txt <<<"team"); expect 201 "alice PUT in team dir" "$out"
[ "$(stat -c %g $R/team/new.txt)" = "$(getent group $G | cut -d: -f3)" ] || fail "setgid dir group not kept"

out=$(as $Bo $U/shared/nt-allows.txt); expect 403 "NT allows, Linux denies" "$out"
in_log $W/server.err "path=/shared/nt-allows.txt status=403 layer=linux" || fail "layer linux not logged"
out=$(as $Bo $U/shared/nt-denies.txt); expect 403 "Linux allows, NT denies" "$out"
in_log $W/server.err "path=/shared/nt-denies.txt status=403 layer=nt" || fail "layer nt not logged"
grep -q "not shown: you may not read it" <<<"$out" || fail "denial disclosed a descriptor bob may not read"
grep -q "ACE" <<<"$out" && fail "denial body shows ACEs to a requester without READ_CONTROL"
out=$(as $A $U/shared/nt-denies.txt); expect 200 "alice reads the NT-denies-bob file" "$out"
out=$(as $Bo -T - $U/shared/explained.txt <<<"x"); expect 403 "bob PUT on NT write-denied file" "$out"
grep -q "trace (your own token)" <<<"$out" || { echo "$out"; fail "no explain trace in the 403 body"; }
grep -q "guarded" $R/shared/explained.txt || fail "explained.txt changed"

# inheritance: a stored, inheritable descriptor on a directory reaches new files
mkdir $R/inh; chmod 777 $R/inh
"$FSD" acl set $R/inh "O:S-1-22-1-0G:S-1-22-2-0D:(D;OICI;FR;;;S-1-22-1-$(uid_of $Bo))(A;OICI;FA;;;WD)"
out=$(as $A -T - $U/inh/f.txt <<<"inherit me"); expect 201 "alice PUT under an inheritable ACL" "$out"
"$FSD" acl get $R/inh/f.txt | grep -q "stored" || fail "new file has no stored descriptor"
"$FSD" acl get $R/inh/f.txt | grep -q "O:S-1-22-1-$(uid_of $A)" || fail "new file's owner is not alice"
out=$(as $Bo $U/inh/f.txt); expect 403 "bob GET denied by the inherited ACE" "$out"
out=$(as $A $U/inh/f.txt); expect 200 "alice GET her inherited-ACL file" "$out"
"$FSD" acl explain $R/inh/f.txt --user $Bo --desired FILE_READ_DATA >/dev/null && fail "acl explain grants bob"
"$FSD" acl explain $R/inh/f.txt --user $A --desired FILE_READ_DATA | grep -q "result: granted" || fail "acl explain"

# the descriptor as a property: alice (owner: WRITE_DAC) denies bob through PROPPATCH; the
# worker writes it; bob may neither read the file now nor change the descriptor back
out=$(as $A -T - $U/shared/acl.txt <<<"alice's acl test"); expect 201 "alice PUT acl.txt" "$out"
pp="<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:N=\"urn:ntsec:\"><D:set><D:prop><N:security-descriptor>O:S-1-22-1-$(uid_of $A)G:S-1-22-2-65534D:(D;;FA;;;S-1-22-1-$(uid_of $Bo))(A;;FA;;;S-1-22-1-$(uid_of $A))(A;;FR;;;WD)</N:security-descriptor></D:prop></D:set></D:propertyupdate>"
out=$(as $A -X PROPPATCH --data-binary "$pp" $U/shared/acl.txt); expect 207 "alice PROPPATCH her descriptor" "$out"
grep -q "HTTP/1.1 200 OK" <<<"$out" || { echo "$out"; fail "descriptor PROPPATCH not applied"; }
"$FSD" acl get $R/shared/acl.txt | grep -q "(D;;FA;;;S-1-22-1-$(uid_of $Bo))" || fail "descriptor not stored"
out=$(as $Bo $U/shared/acl.txt); expect 403 "bob GET after alice's ACL change" "$out"
out=$(as $Bo -X PROPPATCH --data-binary "$pp" $U/shared/acl.txt); expect 403 "bob PROPPATCH alice's descriptor" "$out"
pf='<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><N:security-descriptor xmlns:N="urn:ntsec:"/></D:prop></D:propfind>'
out=$(as $A -X PROPFIND -H 'Depth: 0' --data-binary "$pf" $U/shared/acl.txt); expect 207 "alice PROPFIND her descriptor" "$out"
grep -q "(D;;FA;;;S-1-22-1-$(uid_of $Bo))" <<<"$out" || { echo "$out"; fail "descriptor property"; }

# hostile paths
out=$(as $A --path-as-is $U/shared/../../etc/passwd); expect 400 "dot-dot" "$out"
out=$(as $A $U/shared%2F..%2F..%2Fetc%2Fpasswd); expect 400 "encoded slash" "$out"
out=$(as $A "$U/shared/a.txt%00.png"); expect 400 "NUL byte" "$out"
out=$(as $A $U/shared/escape/passwd); expect 403 "symlink out of the tree" "$out"
in_log $W/server.err "path=/shared/escape/passwd status=403 layer=path" || fail "symlink escape not refused by path layer"
out=$(as $A $U/shared/$(printf 'n%.0s' $(seq 1 300))); expect 414 "overlong name" "$out"

# XML: XXE and billion laughs are refused
xxe='<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><D:propfind xmlns:D="DAV:"><D:prop><D:getetag>&x;</D:getetag></D:prop></D:propfind>'
out=$(as $A -X PROPFIND -H 'Depth: 0' --data-binary "$xxe" $U/shared/); expect 400 "XXE" "$out"
grep -q "root:" <<<"$out" && fail "XXE leaked /etc/passwd"
lol='<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">&i;</x></D:prop></D:set></D:propertyupdate>'
out=$(as $A -X PROPPATCH --data-binary "$lol" $U/shared/a.txt); expect 400 "billion laughs" "$out"

# ranges and conditional GET
out=$(as $A -H 'Range: bytes=5-9' $U/shared/a.txt); expect 206 "range" "$out"
[ "$(head -n 1 <<<"$out")" = "alice" ] || fail "range body: $(head -n 1 <<<"$out")"
etag=$(setpriv --reuid "$(uid_of $A)" --regid 65534 --clear-groups curl -s -I --unix-socket $W/sock $U/shared/a.txt | tr -d '\r' | sed -n 's/^ETag: //p')
[ -n "$etag" ] || fail "no ETag"
out=$(as $A -H "If-None-Match: $etag" $U/shared/a.txt); expect 304 "If-None-Match" "$out"
out=$(as $A -X PUT -H "If-Match: \"nope\"" --data-binary x $U/shared/a.txt); expect 412 "If-Match mismatch" "$out"
out=$(as $A -H 'Accept: text/html' $U/shared/); expect 200 "HTML listing" "$out"
grep -q "<td>read write delete" <<<"$out" || { echo "$out"; fail "listing shows no effective rights"; }

# who was served: every response says whom it was served as
hdr=$(setpriv --reuid "$(uid_of $Bo)" --regid 65534 --clear-groups curl -s -I --unix-socket $W/sock $U/shared/a.txt | tr -d '\r')
grep -q "^X-Ntsec-Served-As: S-1-22-1-$(uid_of $Bo)$" <<<"$hdr" || fail "served-as header: $hdr"

fsd_stop
in_log $W/audit.log "user=\"Unix User\\\\$Bo (S-1-22-1-$(uid_of $Bo))\" method=DELETE path=/shared/a.txt status=403 layer=linux" || fail "audit log misses the refusal"
[ "$(stat -c %a $W/audit.log)" = 600 ] || fail "audit log mode"
echo "fsd_users: OK"
