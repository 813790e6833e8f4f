#!/usr/bin/python3
# populate.py - the test objects of the throwaway NTSEC.TEST domain (docs/addc.md), created
# offline in the provisioned sam.ldb through Samba's Python API (one process: ~1-3 s, where
# one samba-tool call costs ~1 s). Writes the service keytabs and a facts file of SIDs/RIDs
# for the tests.
#   /usr/bin/python3 populate.py DC_DIR OUT_DIR
# (/usr/bin/python3: a python3 earlier on PATH may lack the samba module.)
import os
import sys

import ldb
import samba.dckeytab  # noqa: F401  (adds Net.export_keytab)
from samba.auth import system_session
from samba.dsdb import (GTYPE_SECURITY_DOMAIN_LOCAL_GROUP, GTYPE_SECURITY_UNIVERSAL_GROUP,
                        UF_NO_AUTH_DATA_REQUIRED)
from samba.net import Net
from samba.param import LoadParm
from samba.samdb import SamDB

dc_dir, out_dir = sys.argv[1], sys.argv[2]
lp = LoadParm()
lp.load(os.path.join(dc_dir, "etc", "smb.conf"))
db = SamDB(url=lp.private_path("sam.ldb"), session_info=system_session(), lp=lp)
base = str(db.domain_dn())

# Users. Passwords are test data of a domain that lives for one test and never leaves a netns.
db.newuser("alice", "Al1ce-Pass.2024", givenname="Alice", surname="Test",
           uidnumber=10001, gidnumber=10000, loginshell="/bin/bash", unixhome="/home/alice")
db.newuser("bob", "B0b-Pass.2024")
# Groups: two global ones nested (alice in devs, devs in ops), a domain-local and a universal.
db.newgroup("ntsec-devs", gidnumber=10000, nisdomain="ntsec")
db.newgroup("ntsec-ops")
db.newgroup("ntsec-local", grouptype=GTYPE_SECURITY_DOMAIN_LOCAL_GROUP)
db.newgroup("ntsec-univ", grouptype=GTYPE_SECURITY_UNIVERSAL_GROUP)
db.add_remove_group_members("ntsec-devs", ["alice"], add_members_operation=True)
db.add_remove_group_members("ntsec-ops", ["ntsec-devs"], add_members_operation=True)
db.add_remove_group_members("ntsec-local", ["alice"], add_members_operation=True)
db.add_remove_group_members("ntsec-univ", ["alice"], add_members_operation=True)


def service(name, spn, uac_extra):
    db.newuser(name, "Svc-%s-Pw.9" % os.urandom(8).hex())
    dn = "CN=%s,CN=Users,%s" % (name, base)
    m = ldb.Message(ldb.Dn(db, dn))
    m["servicePrincipalName"] = ldb.MessageElement(spn, ldb.FLAG_MOD_ADD, "servicePrincipalName")
    m["msDS-SupportedEncryptionTypes"] = ldb.MessageElement("24", ldb.FLAG_MOD_REPLACE,
                                                            "msDS-SupportedEncryptionTypes")
    if uac_extra:
        uac = int(db.search(dn, scope=ldb.SCOPE_BASE, attrs=["userAccountControl"])[0]["userAccountControl"][0])
        m["userAccountControl"] = ldb.MessageElement(str(uac | uac_extra), ldb.FLAG_MOD_REPLACE,
                                                     "userAccountControl")
    db.modify(m)
    keytab = os.path.join(out_dir, name + ".keytab")
    if os.path.exists(keytab):
        os.unlink(keytab)
    Net(None, lp).export_keytab(keytab=keytab, principal=spn)


# The HTTP service (tickets with a PAC) and one whose tickets carry none (UF_NO_AUTH_DATA_REQUIRED).
service("httpsvc", "HTTP/web.ntsec.test", 0)
service("nopacsvc", "HTTP/nopac.ntsec.test", UF_NO_AUTH_DATA_REQUIRED)


def sid_of(name):
    r = db.search(base, scope=ldb.SCOPE_SUBTREE, expression="(sAMAccountName=%s)" % ldb.binary_encode(name),
                  attrs=["objectSid"])
    return str(ndr_sid(r[0]["objectSid"][0]))


def ndr_sid(raw):
    from samba.dcerpc import security
    from samba.ndr import ndr_unpack
    return ndr_unpack(security.dom_sid, raw)


facts = {"ADDC_DOMAIN_SID": str(db.get_domain_sid())}
for key, name in [("ALICE", "alice"), ("BOB", "bob"), ("DEVS", "ntsec-devs"), ("OPS", "ntsec-ops"),
                  ("LOCAL", "ntsec-local"), ("UNIV", "ntsec-univ"), ("HTTPSVC", "httpsvc"),
                  ("NOPACSVC", "nopacsvc")]:
    facts["ADDC_%s_RID" % key] = sid_of(name).rsplit("-", 1)[1]
with open(os.path.join(out_dir, "facts.env"), "w") as f:
    for k in sorted(facts):
        f.write("%s=%s\n" % (k, facts[k]))
print("populate.py: domain SID %s" % facts["ADDC_DOMAIN_SID"])
