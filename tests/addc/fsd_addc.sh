#!/usr/bin/env bash
# ntsec-fsd against a real Active Directory domain (docs/addc.md, docs/fsd.md): under
# scripts/addc/run.sh (a fresh copy of the golden Samba AD DC in private namespaces, tickets
# for alice and bob), ntsec-fsd listens on 127.0.0.1 in the same network namespace with the
# HTTP/web.ntsec.test keytab exported from the DC. `curl --negotiate -u :` with alice's
# ticket (her PAC names the domain group ntsec-devs) reads a file whose NT ACL grants only
# ntsec-devs; bob's ticket (Domain Users only) is refused by the NT layer (403, layer nt);
# the log names each one's domain SID; PUT as alice creates a file owned by her mapped uid.
# Run by CTest as `scripts/addc/run.sh bash tests/addc/fsd_addc.sh` (FIXTURES_REQUIRED addc).
if [ "${ADDC_INSIDE:-}" != 1 ]; then
    exec bash "$(dirname "$0")/../../scripts/addc/run.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/../fsd/lib/fixture.bash"
need_root
curl -V | grep -qi 'GSS-API\|SPNEGO' || { echo "skipped: curl without GSS-API"; exit 77; }
: "${ADDC_DOMAIN_SID:?}" "${ADDC_ALICE_RID:?}" "${ADDC_BOB_RID:?}" "${ADDC_DEVS_RID:?}" "${ADDC_HTTP_KEYTAB:?}"
DOM=$ADDC_DOMAIN_SID
ALICE=$DOM-$ADDC_ALICE_RID BOB=$DOM-$ADDC_BOB_RID DEVS=$DOM-$ADDC_DEVS_RID
sfx=$$; LA=fsdda$sfx; LB=fsddb$sfx; LG=fsddg$sfx
fsd_mkgroup $LG; fsd_mkuser $LA $LG; fsd_mkuser $LB $LG
# The PAC is authoritative for the token; the id map only says which local uid/gid the host
# backend runs each domain SID as.
cat > $W/idmap <<MAP
uid $ALICE $LA
uid $BOB $LB
gid $DOM-513 $LG
MAP
R=$W/root; mkdir -p $R/team; chmod 1777 $R/team
echo "for ntsec-devs only" > $R/team/devs.txt; chmod 644 $R/team/devs.txt
"$FSD" acl set $R/team/devs.txt "O:S-1-22-1-0G:S-1-22-2-0D:(A;;FR;;;$DEVS)"
"$FSD" acl set $R/team "O:S-1-22-1-0G:S-1-22-2-0D:(A;OICI;FA;;;$DEVS)(A;;0x1200a9;;;$DOM-513)"
NTSEC_IDMAP=$W/idmap fsd_start $R --listen 127.0.0.1:0 --keytab "$ADDC_HTTP_KEYTAB"
port=$(sed -n 's/^  tcp 127.0.0.1:\([0-9]*\) .*/\1/p' $W/server.out)
[ -n "$port" ] || fail "no tcp port in the banner"
# The service principal is HTTP/web.ntsec.test: curl names the service after the URL's host
# (krb5.conf: rdns = false, dns_canonicalize_hostname = false); --resolve points it at us.
U=http://web.ntsec.test:$port
neg() { KRB5CCNAME=$1 curl -s -i --max-time 20 --resolve web.ntsec.test:$port:127.0.0.1 --negotiate -u : "${@:2}" | tr -d '\r'; }

out=$(curl -s -i --max-time 20 --resolve web.ntsec.test:$port:127.0.0.1 $U/team/devs.txt | tr -d '\r')
grep -q '^HTTP/1.1 401' <<<"$out" && grep -q '^WWW-Authenticate: Negotiate$' <<<"$out" || { echo "$out"; fail "no ticket: want 401 + challenge"; }
echo "ok: no ticket -> 401 with a Negotiate challenge"

out=$(neg "$ADDC_ALICE_CCACHE" $U/team/devs.txt)
grep -q '^HTTP/1.1 200' <<<"$out" || { echo "$out"; fail "alice (in ntsec-devs) GET"; }
grep -q "^X-Ntsec-Served-As: $ALICE$" <<<"$out" || { echo "$out"; fail "not served as alice's domain SID"; }
grep -q 'for ntsec-devs only' <<<"$out" || fail "alice's content"
grep -qE '^WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+$' <<<"$out" || fail "no mutual-authentication token"
echo "ok: alice's AD ticket -> 200 as $ALICE (NT ACL names ntsec-devs $DEVS), mutual token"

out=$(neg "$ADDC_BOB_CCACHE" $U/team/devs.txt)
grep -q '^HTTP/1.1 403' <<<"$out" || { echo "$out"; fail "bob (Domain Users only) must be refused"; }
grep -q "^X-Ntsec-Served-As: $BOB$" <<<"$out" || { echo "$out"; fail "bob not served as his domain SID"; }
grep -q 'FILE_READ_DATA' <<<"$out" || { echo "$out"; fail "the 403 body does not say what was missing"; }
echo "ok: bob's AD ticket -> 403 (NT layer)"

echo "from the domain" > $W/up.txt; chmod 644 $W/up.txt
out=$(neg "$ADDC_ALICE_CCACHE" -T $W/up.txt $U/team/up.txt)
grep -q '^HTTP/1.1 201' <<<"$out" || { echo "$out"; fail "alice PUT"; }
[ "$(stat -c %u $R/team/up.txt)" = "$(id -u $LA)" ] || fail "PUT not owned by alice's uid"
echo "ok: PUT as alice creates a file owned by $LA"

fsd_stop
in_log $W/server.err "user=\"[^\"]*($ALICE)\" uid=-1 method=GET path=/team/devs.txt status=200 layer=-" ||
    { cat $W/server.err; fail "log does not name alice's domain SID"; }
in_log $W/server.err "user=\"[^\"]*($BOB)\" uid=-1 method=GET path=/team/devs.txt status=403 layer=nt" ||
    { cat $W/server.err; fail "log does not name bob's domain SID and the nt layer"; }
grep "path=/team/devs.txt" $W/server.err | sed 's/^/  log: /'
echo "fsd_addc: OK"
