#!/usr/bin/env bash
# HTTP Negotiate over 127.0.0.1: `curl --negotiate -u :` with a ticket from a throwaway MIT
# KDC (tests/fixtures/kdc.sh, started and stopped here) reaches ntsec-fsd --keytab; the
# principal maps (id-map "principal" line) to a domain SID and a group SID that map to a
# local uid and gid, so the server impersonates that user: it reads what the user's uid and
# the NT ACL naming the domain group allow, PUT creates files it owns, the response carries
# the mutual-authentication token. No ticket: 401 with a challenge; garbage: 400; a
# principal without a mapping: 401.
source "$(dirname "$0")/lib/fixture.bash"
need_root
command -v krb5kdc >/dev/null && command -v kinit >/dev/null || { echo "skipped: MIT krb5 missing"; exit 77; }
curl -V | grep -qi 'GSS-API\|SPNEGO' || { echo "skipped: curl without GSS-API"; exit 77; }
bash "$S/tests/fixtures/kdc.sh" start $W/kdc.state >/dev/null
trap 'bash "$S/tests/fixtures/kdc.sh" stop $W/kdc.state >/dev/null 2>&1 || true; fsd_cleanup' EXIT
set -a; . "$(cat $W/kdc.state)/env"; set +a
sfx=$$; K=fsdka$sfx; G=fsdkg$sfx
fsd_mkgroup $G; fsd_mkuser $K $G
DOM=S-1-5-21-7-8-9
cat > $W/idmap <<MAP
principal alice@$NTSEC_KRB5_REALM $DOM-1104 $DOM-513
uid $DOM-1104 $K
gid $DOM-513 $G
MAP
R=$W/root; mkdir -p $R/alice $R/team; chown $K $R/alice; chmod 700 $R/alice; chmod 1777 $R/team
echo "alice's kerberos file" > $R/alice/k.txt; chown $K $R/alice/k.txt; chmod 600 $R/alice/k.txt
echo "domain group file" > $R/team/g.txt; chmod 644 $R/team/g.txt
"$FSD" acl set $R/team/g.txt "O:S-1-22-1-0G:S-1-22-2-0D:(A;;FR;;;$DOM-513)"
NTSEC_IDMAP=$W/idmap fsd_start $R --listen 127.0.0.1:0 --keytab "${KRB5_KTNAME#FILE:}"
port=$(sed -n 's/^  tcp 127.0.0.1:\([0-9]*\) .*/\1/p' $W/server.out)
grep -q "try: curl --negotiate -u : http://localhost:$port/" $W/server.out || fail "no negotiate curl line"
U=http://localhost:$port
neg() { KRB5CCNAME=FILE:$W/cc.$1 curl -s -i --max-time 20 --negotiate -u : "${@:2}" | tr -d '\r'; }
out=$(neg none $U/alice/k.txt)
grep -q '^HTTP/1.1 401' <<<"$out" && grep -q '^WWW-Authenticate: Negotiate$' <<<"$out" || { echo "$out"; fail "no ticket: want 401 + challenge"; }
echo "ok: no ticket -> 401 with a Negotiate challenge"
echo alicepw | KRB5CCNAME=FILE:$W/cc.alice kinit alice >/dev/null 2>&1 || fail "kinit alice"
out=$(neg alice $U/alice/k.txt)
grep -q '^HTTP/1.1 200' <<<"$out" || { echo "$out"; fail "alice GET"; }
grep -q "^X-Ntsec-Served-As: $DOM-1104$" <<<"$out" || fail "not served as alice's domain SID"
grep -qE '^WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+$' <<<"$out" || fail "no mutual-authentication token"
grep -q "alice's kerberos file" <<<"$out" || fail "alice's content"
echo "ok: alice's ticket -> 200 as $DOM-1104 (uid of $K), mutual token"
in_log $W/server.err -F "user=\"$NTSEC_KRB5_REALM\\alice ($DOM-1104)\" uid=-1 method=GET path=/alice/k.txt status=200" \
    || { grep 'path=/alice/k.txt' $W/server.err; fail "the log does not name alice as REALM\\alice (SID)"; }
echo "ok: the log names her $NTSEC_KRB5_REALM\\alice ($DOM-1104)"
out=$(neg alice $U/team/g.txt); grep -q '^HTTP/1.1 200' <<<"$out" || { echo "$out"; fail "NT ACL naming the domain group"; }
echo "ok: an NT ACL naming the domain group $DOM-513 grants alice"
echo "from kerberos" > $W/up.txt; chmod 644 $W/up.txt
out=$(neg alice -T $W/up.txt $U/team/up.txt); grep -q '^HTTP/1.1 201' <<<"$out" || { echo "$out"; fail "alice PUT"; }
[ "$(stat -c %u $R/team/up.txt)" = "$(id -u $K)" ] || fail "PUT not owned by alice's uid"
echo "ok: PUT over Negotiate creates a file owned by $K"
out=$(curl -s -i --max-time 10 -H 'Authorization: Negotiate AAAAAAAAAAAA' $U/ | tr -d '\r')
grep -qE '^HTTP/1.1 40[01]' <<<"$out" || { echo "$out"; fail "garbage token"; }
out=$(curl -s -i --max-time 10 -H 'Authorization: Negotiate !!notbase64' $U/ | tr -d '\r')
grep -q '^HTTP/1.1 400' <<<"$out" || { echo "$out"; fail "malformed token"; }
echo bobpw | KRB5CCNAME=FILE:$W/cc.bob kinit bob >/dev/null 2>&1 || fail "kinit bob"
out=$(neg bob $U/team/g.txt); grep -q '^HTTP/1.1 401' <<<"$out" || { echo "$out"; fail "unmapped bob"; }
echo "ok: garbage 40x, malformed 400, unmapped principal 401"
fsd_stop
echo "fsd_negotiate: OK"
