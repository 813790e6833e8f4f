#!/usr/bin/env bash
# ntsec-fsd: the NT layer of the members a recursive request touches (review findings).
# - COPY Depth: infinity reads every member: an NT-denied file inside the copied collection
#   is not copied (403, layer nt), so its content cannot be read through the copy.
# - PROPFIND Depth: infinity does not list a member collection whose DACL denies listing.
# - COPY/MOVE Overwrite: T onto an existing collection removes its members only if each may
#   be deleted (as DELETE checks); DELETE of a tree deeper than the checked depth is refused.
# - PROPPATCH of {urn:ntsec:}security-descriptor: WRITE_OWNER does not let a client name
#   another user as the owner (STATUS_INVALID_OWNER), a SACL needs ACCESS_SYSTEM_SECURITY,
#   and a DACL-only change keeps the owner.
# - PROPFIND returns dead properties (extended attributes) only with FILE_READ_EA on the
#   resource: a denied one is a 403 propstat (prop) or left out (allprop), the rest of the
#   response stays, for the target and for members at depth 1.
source "$(dirname "$0")/lib/fixture.bash"
need_root
command -v setpriv >/dev/null || { echo "skipped: setpriv missing"; exit 77; }
[ -n "${FSD_OVERRIDE:-}" ] && FSD=$FSD_OVERRIDE   # to show a test fails against an older binary
sfx=$$
A=fsdma$sfx; Bo=fsdmb$sfx
fsd_mkuser $A
fsd_mkuser $Bo
AU=$(uid_of $A); BU=$(uid_of $Bo)
R=$W/root
mkdir -p $R/pub/sub $R/pub/hidden $R/pub/deep $R/bobs
chmod -R 777 $R/pub; chmod 777 $R/bobs
echo secret > $R/pub/sub/secret.txt; chmod 644 $R/pub/sub/secret.txt
# Linux lets everyone read it; the NT layer denies bob reading it
"$FSD" acl set $R/pub/sub/secret.txt "O:S-1-22-1-0G:S-1-22-2-0D:(D;;FR;;;S-1-22-1-$BU)(A;;FA;;;WD)"
echo inside > $R/pub/hidden/name-only-alice-may-list.txt
"$FSD" acl set $R/pub/hidden "O:S-1-22-1-0G:S-1-22-2-0D:(D;;FR;;;S-1-22-1-$BU)(A;;FA;;;WD)"
# a file bob may not delete (NT), below an existing collection bob overwrites
mkdir -p $R/pub/target; chmod 777 $R/pub/target
echo keep > $R/pub/target/keep.txt; chmod 666 $R/pub/target/keep.txt
"$FSD" acl set $R/pub/target/keep.txt "O:S-1-22-1-0G:S-1-22-2-0D:(D;;SD;;;S-1-22-1-$BU)(A;;FA;;;WD)"
"$FSD" acl set $R/pub/target "O:S-1-22-1-0G:S-1-22-2-0D:(D;;0x40;;;S-1-22-1-$BU)(A;;FA;;;WD)"
# a tree of 70 levels with an NT-protected file at the bottom
d=$R/pub/deep; for i in $(seq 1 70); do d=$d/d; done
mkdir -p $d; chmod -R 777 $R/pub/deep; echo bottom > $d/bottom.txt; chmod 666 $d/bottom.txt
"$FSD" acl set $d/bottom.txt "O:S-1-22-1-0G:S-1-22-2-0D:(D;;SD;;;S-1-22-1-$BU)(A;;FA;;;WD)"
"$FSD" acl set $d "O:S-1-22-1-0G:S-1-22-2-0D:(D;;0x40;;;S-1-22-1-$BU)(A;;FA;;;WD)"
fsd_start $R
U=http://localhost

out=$(as $Bo $U/pub/sub/secret.txt); expect 403 "bob GET the NT-denied file" "$out"
out=$(as $Bo -X COPY -H "Destination: $U/bobs/copy" -H 'Depth: infinity' $U/pub/sub); \
    expect 403 "bob COPY of a collection with an NT-denied member" "$out"
in_log $W/server.err "path=/pub/sub status=403 layer=nt" || fail "member refusal not logged as layer nt"
[ -e $R/bobs/copy/secret.txt ] && fail "the NT-denied member was copied"
out=$(as $Bo $U/bobs/copy/secret.txt || true)
grep -q secret <<<"$out" && fail "bob read the NT-denied file through a copy"
out=$(as $A -X COPY -H "Destination: $U/bobs/acopy" -H 'Depth: infinity' $U/pub/sub); \
    expect 201 "alice COPY of the same collection" "$out"
grep -q secret $R/bobs/acopy/secret.txt || fail "alice's copy lacks the member"

out=$(as $Bo -X PROPFIND -H 'Depth: 1' $U/pub/hidden/); expect 403 "bob PROPFIND the unlistable collection" "$out"
out=$(as $Bo -X PROPFIND -H 'Depth: infinity' $U/pub/); expect 207 "bob PROPFIND infinity above it" "$out"
grep -q "name-only-alice-may-list" <<<"$out" && fail "PROPFIND infinity listed a collection bob may not list"
grep -q "/pub/hidden/" <<<"$out" || fail "the collection itself is missing from the listing"
out=$(as $A -X PROPFIND -H 'Depth: infinity' $U/pub/); expect 207 "alice PROPFIND infinity" "$out"
grep -q "name-only-alice-may-list" <<<"$out" || fail "alice's PROPFIND misses the member"

mkdir -p $R/pub/src; chmod 777 $R/pub/src; echo new > $R/pub/src/new.txt; chmod 666 $R/pub/src/new.txt
out=$(as $Bo -X COPY -H "Destination: $U/pub/target" -H 'Overwrite: T' $U/pub/src); \
    expect 403 "bob COPY over a collection with an undeletable member" "$out"
[ -f $R/pub/target/keep.txt ] || fail "COPY Overwrite removed a member bob may not delete"
out=$(as $Bo -X MOVE -H "Destination: $U/pub/target" -H 'Overwrite: T' $U/pub/src); \
    expect 403 "bob MOVE over a collection with an undeletable member" "$out"
[ -f $R/pub/target/keep.txt ] || fail "MOVE Overwrite removed a member bob may not delete"
out=$(as $Bo -X DELETE $U/pub/deep); expect 403 "bob DELETE a tree deeper than checked" "$out"
[ -f $d/bottom.txt ] || fail "DELETE removed a deep member bob may not delete"

# dead properties need FILE_READ_EA (live ones FILE_READ_ATTRIBUTES / listing the parent)
out=$(as $A -T - $U/pub/tagged.txt <<<"tagged"); expect 201 "alice PUT tagged.txt" "$out"
tag='<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:x"><D:set><D:prop><Z:tag>VALUE-ONLY-ALICE-READS</Z:tag></D:prop></D:set></D:propertyupdate>'
out=$(as $A -X PROPPATCH --data-binary "$tag" $U/pub/tagged.txt); expect 207 "alice PROPPATCH a dead property" "$out"
chmod 666 $R/pub/tagged.txt
"$FSD" acl set $R/pub/tagged.txt "O:S-1-22-1-${AU}G:S-1-22-2-0D:(D;;0x8;;;S-1-22-1-$BU)(A;;FA;;;WD)"
want='<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:Z="urn:x"><D:prop><D:getcontentlength/><Z:tag/></D:prop></D:propfind>'
out=$(as $Bo -X PROPFIND -H 'Depth: 0' --data-binary "$want" $U/pub/tagged.txt); expect 207 "bob PROPFIND a dead property without FILE_READ_EA" "$out"
grep -q VALUE-ONLY-ALICE-READS <<<"$out" && fail "bob read a dead property without FILE_READ_EA"
flat() { sed 's/^ *//' <<<"$1" | tr -d '\n'; }
flat "$out" | grep -q '<D:propstat><D:prop><tag xmlns="urn:x"/></D:prop><D:status>HTTP/1.1 403 Forbidden</D:status>' \
    || { echo "$out"; fail "the denied dead property is not a 403 propstat"; }
flat "$out" | grep -q '<D:getcontentlength>7</D:getcontentlength></D:prop><D:status>HTTP/1.1 200 OK' \
    || { echo "$out"; fail "the live property did not stay in the response"; }
echo "ok: the denied dead property is a 403 propstat, the live one 200"
out=$(as $Bo -X PROPFIND -H 'Depth: 1' --data-binary "$want" $U/pub/); expect 207 "bob PROPFIND depth 1 (member without FILE_READ_EA)" "$out"
grep -q VALUE-ONLY-ALICE-READS <<<"$out" && fail "bob read a member's dead property without FILE_READ_EA"
out=$(as $Bo -X PROPFIND -H 'Depth: 1' $U/pub/); expect 207 "bob PROPFIND allprop depth 1" "$out"
grep -q VALUE-ONLY-ALICE-READS <<<"$out" && fail "allprop gave bob a dead property without FILE_READ_EA"
grep -q "/pub/tagged.txt" <<<"$out" || fail "the member itself is missing from bob's listing"
out=$(as $A -X PROPFIND -H 'Depth: 1' $U/pub/); expect 207 "alice PROPFIND allprop depth 1" "$out"
grep -q VALUE-ONLY-ALICE-READS <<<"$out" || fail "alice (FILE_READ_EA granted) misses her dead property"
out=$(as $A -X PROPFIND -H 'Depth: 0' --data-binary "$want" $U/pub/tagged.txt); expect 207 "alice PROPFIND the dead property" "$out"
grep -q VALUE-ONLY-ALICE-READS <<<"$out" || fail "alice misses her dead property"

# the descriptor property: owner rules
out=$(as $A -T - $U/pub/own.txt <<<"alice's"); expect 201 "alice PUT own.txt" "$out"
pp() { echo "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:N=\"urn:ntsec:\"><D:set><D:prop><N:security-descriptor>$1</N:security-descriptor></D:prop></D:set></D:propertyupdate>"; }
out=$(as $A -X PROPPATCH --data-binary "$(pp "O:S-1-22-1-${BU}D:(A;;FA;;;WD)")" $U/pub/own.txt)
grep -q "HTTP/1.1 200 OK" <<<"$out" && fail "alice made bob the owner (WRITE_OWNER is not SeRestorePrivilege)"
"$FSD" acl get $R/pub/own.txt | grep -q "O:S-1-22-1-$BU" && fail "owner given away is stored"
out=$(as $A -X PROPPATCH --data-binary "$(pp "S:(AU;SAFA;FA;;;WD)")" $U/pub/own.txt)
grep -q "HTTP/1.1 200 OK" <<<"$out" && fail "alice set a SACL without SeSecurityPrivilege"
out=$(as $A -X PROPPATCH --data-binary "$(pp "D:(D;;FA;;;S-1-22-1-$BU)(A;;FA;;;S-1-22-1-$AU)")" $U/pub/own.txt)
expect 207 "alice PROPPATCH a DACL" "$out"
grep -q "HTTP/1.1 200 OK" <<<"$out" || { echo "$out"; fail "DACL change refused"; }
"$FSD" acl get $R/pub/own.txt | grep -q "O:S-1-22-1-$AU" || fail "DACL-only change lost the owner"
"$FSD" acl get $R/pub/own.txt | grep -q "(D;;FA;;;S-1-22-1-$BU)" || fail "DACL not stored"
out=$(as $A -X PROPPATCH --data-binary "$(pp "O:S-1-22-1-${AU}D:(A;;FA;;;S-1-22-1-$AU)")" $U/pub/own.txt)
grep -q "HTTP/1.1 200 OK" <<<"$out" || { echo "$out"; fail "alice naming herself owner refused"; }
fsd_stop
echo "fsd_nt_members: OK"
