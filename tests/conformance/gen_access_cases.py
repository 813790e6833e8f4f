#!/usr/bin/env python3
"""Writes access_cases.inc: the conformance table of the access check.

Each row: source (public reference), token text, SDDL, mapping, desired, expected granted,
expected status, rules. Expected values are written by hand per rule below (from the cited
public behaviour); the generator only expands a rule across rights and object types.
Run: python3 gen_access_cases.py > access_cases.inc
"""
U = "S-1-5-21-1-2-3-1001"      # the token's user
O = "S-1-5-21-1-2-3-1002"      # another user
G = "S-1-5-21-1-2-3-513"       # a domain group in the token
R = "S-1-5-21-1-2-3-2000"      # a restricted SID
BASE = f"user={U} groups=WD,AU,BU,{G}"
rows = []

def row(src, tok, sddl, desired, granted, status, mapping="FILE", rules="SUBJECT"):
    rows.append((src, tok, sddl, mapping, desired, granted, status, rules))

OK, AD = "STATUS_SUCCESS", "STATUS_ACCESS_DENIED"
BL, PNH = "STATUS_BAD_IMPERSONATION_LEVEL", "STATUS_PRIVILEGE_NOT_HELD"
NIT, GNM = "STATUS_NO_IMPERSONATION_TOKEN", "STATUS_GENERIC_NOT_MAPPED"
MD = "MS-DTYP 2.5.3.2"
HAW = "Microsoft 'How DACLs Control Access to an Object'"
MIC = "Microsoft 'Mandatory Integrity Control'"
WINE = "Wine advapi32 tests test_AccessCheck (run on Windows)"
OWN = "Microsoft 'SID strings'/'Well-known SIDs' OWNER RIGHTS S-1-3-4"
RST = "Microsoft 'Restricted Tokens'"
tok = BASE + " integrity=medium"

# 1. NULL DACL / empty DACL (MS-DTYP 2.4.6 / 2.5.3.2; Microsoft 'Null DACLs and Empty DACLs')
NULLD = "Microsoft 'Null DACLs and Empty DACLs'"
for d in ["FILE_READ_DATA", "FILE_WRITE_DATA", "FILE_GENERIC_READ", "FILE_ALL_ACCESS", "DELETE", "WRITE_DAC"]:
    row(NULLD + ": NULL DACL grants everything", tok, f"O:{O}G:{O}D:NO_ACCESS_CONTROL", d, d, OK)
    row(NULLD + ": empty DACL grants nothing", tok, f"O:{O}G:{O}D:", d, "0", AD)
row(NULLD + ": NULL DACL + MAXIMUM_ALLOWED gives GenericAll", tok, f"O:{O}G:{O}D:NO_ACCESS_CONTROL", "MAXIMUM_ALLOWED", "FILE_ALL_ACCESS", OK)
row(NULLD + ": empty DACL + MAXIMUM_ALLOWED, not owner: denied", tok, f"O:{O}G:{O}D:", "MAXIMUM_ALLOWED", "0", AD)
row(MD + ": empty DACL, owner gets READ_CONTROL|WRITE_DAC", tok, f"O:{U}G:{U}D:", "READ_CONTROL|WRITE_DAC", "READ_CONTROL|WRITE_DAC", OK)
row(MD + ": empty DACL, owner MAXIMUM_ALLOWED is READ_CONTROL|WRITE_DAC", tok, f"O:{U}G:{U}D:", "MAXIMUM_ALLOWED", "READ_CONTROL|WRITE_DAC", OK)
row(MD + ": empty DACL, owner still lacks FILE_READ_DATA", tok, f"O:{U}G:{U}D:", "FILE_READ_DATA", "0", AD)

# 2. Allow / deny ordering (MS-DTYP 2.5.3.2; HAW)
for who in ["WD", "AU", "BU", G, U]:
    row(HAW + f": allow ACE for {who} grants", tok, f"O:{O}G:{O}D:(A;;FR;;;{who})", "FILE_READ_DATA", "FILE_READ_DATA", OK)
    row(HAW + f": deny before allow for {who} denies", tok, f"O:{O}G:{O}D:(D;;FR;;;{who})(A;;FA;;;WD)", "FILE_READ_DATA", "0", AD)
    row(HAW + f": allow before deny for {who}: first decides", tok, f"O:{O}G:{O}D:(A;;FR;;;WD)(D;;FR;;;{who})", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(HAW + ": ACE for a SID not in the token is ignored", tok, f"O:{O}G:{O}D:(A;;FA;;;{O})", "FILE_READ_DATA", "0", AD)
row(HAW + ": deny for a SID not in the token is ignored", tok, f"O:{O}G:{O}D:(D;;FA;;;{O})(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(HAW + ": rights accumulate over ACEs", tok, f"O:{O}G:{O}D:(A;;0x1;;;WD)(A;;0x2;;;AU)", "FILE_READ_DATA|FILE_WRITE_DATA", "FILE_READ_DATA|FILE_WRITE_DATA", OK)
row(HAW + ": one missing bit denies all", tok, f"O:{O}G:{O}D:(A;;0x1;;;WD)", "FILE_READ_DATA|FILE_WRITE_DATA", "0", AD)
row(HAW + ": deny on an unrequested bit does not matter", tok, f"O:{O}G:{O}D:(D;;0x2;;;WD)(A;;0x1;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(HAW + ": deny after partial grant denies remaining bit", tok, f"O:{O}G:{O}D:(A;;0x1;;;WD)(D;;0x3;;;WD)(A;;0x2;;;WD)", "FILE_READ_DATA|FILE_WRITE_DATA", "0", AD)
row(HAW + ": deny after full grant is not reached", tok, f"O:{O}G:{O}D:(A;;0x3;;;WD)(D;;0x3;;;WD)", "FILE_READ_DATA|FILE_WRITE_DATA", "FILE_READ_DATA|FILE_WRITE_DATA", OK)

# 3. Inherit-only ACEs are skipped (MS-DTYP 2.5.3.2 step: skip INHERIT_ONLY)
row(MD + ": inherit-only allow is skipped", tok, f"O:{O}G:{O}D:(A;OICIIO;FA;;;WD)", "FILE_READ_DATA", "0", AD)
row(MD + ": inherit-only deny is skipped", tok, f"O:{O}G:{O}D:(D;OICIIO;FA;;;WD)(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(MD + ": inherited (ID) ACE applies", tok, f"O:{O}G:{O}D:(A;ID;FR;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(MD + ": OI|CI ACE without IO applies", tok, f"O:{O}G:{O}D:(A;OICI;FR;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)

# 4. MAXIMUM_ALLOWED (MS-DTYP 2.5.3.2; Wine test_AccessCheck)
row(MD + ": MAXIMUM_ALLOWED = union of allows", tok, f"O:{O}G:{O}D:(A;;FR;;;WD)(A;;0x2;;;AU)", "MAXIMUM_ALLOWED", "FILE_GENERIC_READ|FILE_WRITE_DATA", OK)
row(MD + ": MAXIMUM_ALLOWED minus earlier denies", tok, f"O:{O}G:{O}D:(D;;0x1;;;WD)(A;;FR;;;WD)", "MAXIMUM_ALLOWED", "FILE_GENERIC_READ&~FILE_READ_DATA", OK)
row(MD + ": MAXIMUM_ALLOWED keeps bits granted before a deny", tok, f"O:{O}G:{O}D:(A;;FR;;;WD)(D;;FR;;;WD)", "MAXIMUM_ALLOWED", "FILE_GENERIC_READ", OK)
row(WINE + ": MAXIMUM_ALLOWED with nothing granted is denied", tok, f"O:{O}G:{O}D:(A;;FA;;;{O})", "MAXIMUM_ALLOWED", "0", AD)
row(MD + ": MAXIMUM_ALLOWED|bit needs the bit", tok, f"O:{O}G:{O}D:(A;;FR;;;WD)", "MAXIMUM_ALLOWED|FILE_WRITE_DATA", "0", AD)
row(MD + ": MAXIMUM_ALLOWED|bit granted", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "MAXIMUM_ALLOWED|FILE_WRITE_DATA", "FILE_ALL_ACCESS", OK)
row(MD + ": MAXIMUM_ALLOWED full", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "MAXIMUM_ALLOWED", "FILE_ALL_ACCESS", OK)
row(MD + ": MAXIMUM_ALLOWED, owner adds RC|WD", tok, f"O:{U}G:{O}D:(A;;0x1;;;WD)", "MAXIMUM_ALLOWED", "FILE_READ_DATA|READ_CONTROL|WRITE_DAC", OK)

# 5. Generic mapping (MS-DTYP 2.5.3.2 / Microsoft 'Generic Access Rights')
GEN = "Microsoft 'Generic Access Rights'"
row(GEN + ": GENERIC_READ mapped", tok, f"O:{O}G:{O}D:(A;;FR;;;WD)", "GENERIC_READ", "FILE_GENERIC_READ", OK)
row(GEN + ": GENERIC_ALL mapped", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "GENERIC_ALL", "FILE_ALL_ACCESS", OK)
row(GEN + ": GENERIC_WRITE mapped, only read allowed", tok, f"O:{O}G:{O}D:(A;;FR;;;WD)", "GENERIC_WRITE", "0", AD)
# Generic bits in an ACE are not mapped by the check: MS-DTYP 2.5.3.2 removes Ace.Mask from the
# request as stored, and Forshaw's Windows model (windows-security-internals ch. 7,
# Get-DiscretionaryAccess) does the same; SeAssignSecurity maps them when the descriptor is
# built (MS-DTYP 2.5.3.4). Wine's server and ReactOS map them in the check (more permissive).
ACEGEN = MD + " / Forshaw 'Windows Security Internals' ch. 7 model: ACE masks used as stored"
row(ACEGEN + ": GA in an ACE grants no specific right", tok, f"O:{O}G:{O}D:(A;;GA;;;WD)", "FILE_WRITE_DATA", "0", AD)
row(ACEGEN + ": GR in an ACE does not grant FILE_GENERIC_READ", tok, f"O:{O}G:{O}D:(A;;GR;;;WD)", "FILE_GENERIC_READ", "0", AD)
row(GEN + ": GR in ACE does not grant write", tok, f"O:{O}G:{O}D:(A;;GR;;;WD)", "FILE_WRITE_DATA", "0", AD)
row(ACEGEN + ": KEY_READ not granted by an unmapped GR ACE", tok, f"O:{O}G:{O}D:(A;;GR;;;WD)", "KEY_READ", "0", AD, mapping="KEY")
row(ACEGEN + ": GA ACE plus a specific ACE: only the specific one counts", tok, f"O:{O}G:{O}D:(A;;GA;;;WD)(A;;0x1;;;WD)", "MAXIMUM_ALLOWED", "FILE_READ_DATA", OK)
row(ACEGEN + ": GENERIC_READ asked is mapped, a KR ACE grants it", tok, f"O:{O}G:{O}D:(A;;KR;;;WD)", "GENERIC_READ", "KEY_READ", OK, mapping="KEY")
row(GEN + ": KEY_SET_VALUE needs write", tok, f"O:{O}G:{O}D:(A;;KR;;;WD)", "KEY_SET_VALUE", "0", AD, mapping="KEY")
row(GEN + ": GENERIC_ALL on key", tok, f"O:{O}G:{O}D:(A;;KA;;;WD)", "GENERIC_ALL", "KEY_ALL_ACCESS", OK, mapping="KEY")
row(WINE + ": explicit check rejects unmapped generic bits", "type=impersonation level=impersonation " + tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "GENERIC_READ", "0", GNM, rules="EXPLICIT")

# 6. Owner implicit rights and OWNER RIGHTS (MS-DTYP 2.5.3.2; OWN)
row(MD + ": owner gets READ_CONTROL despite deny Everyone", tok, f"O:{U}G:{O}D:(D;;FA;;;WD)", "READ_CONTROL", "READ_CONTROL", OK)
row(MD + ": owner gets WRITE_DAC despite deny Everyone", tok, f"O:{U}G:{O}D:(D;;FA;;;WD)", "WRITE_DAC", "WRITE_DAC", OK)
row(MD + ": owner does not get WRITE_OWNER implicitly", tok, f"O:{U}G:{O}D:", "WRITE_OWNER", "0", AD)
row(MD + ": owner by group membership", tok, f"O:{G}G:{O}D:", "READ_CONTROL", "READ_CONTROL", OK)
row(MD + ": owner SID deny-only gets no implicit rights", f"user={U} groups=WD,BA:deny-only integrity=medium", f"O:BAG:{O}D:", "READ_CONTROL", "0", AD)
row(OWN + ": OWNER RIGHTS ACE replaces implicit rights", tok, f"O:{U}G:{O}D:(A;;0x1;;;OW)", "READ_CONTROL", "0", AD)
row(OWN + ": OWNER RIGHTS ACE grants its mask to the owner", tok, f"O:{U}G:{O}D:(A;;0x1;;;OW)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(OWN + ": OWNER RIGHTS ACE not for non-owners", tok, f"O:{O}G:{O}D:(A;;FA;;;OW)", "FILE_READ_DATA", "0", AD)
row(OWN + ": OWNER RIGHTS deny removes WRITE_DAC from owner", tok, f"O:{U}G:{O}D:(D;;WD;;;OW)(A;;FA;;;WD)", "WRITE_DAC", "0", AD)
row(OWN + ": OWNER RIGHTS deny, owner still reads via Everyone", tok, f"O:{U}G:{O}D:(D;;WD;;;OW)(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(OWN + ": OWNER RIGHTS + deny: MAXIMUM_ALLOWED", tok, f"O:{U}G:{O}D:(D;;WD;;;OW)(A;;RC;;;OW)", "MAXIMUM_ALLOWED", "READ_CONTROL", OK)
row(OWN + ": inherit-only OWNER RIGHTS ACE does not cancel implicit rights", tok, f"O:{U}G:{O}D:(A;OICIIO;0x1;;;OW)", "READ_CONTROL|WRITE_DAC", "READ_CONTROL|WRITE_DAC", OK)

# 7. Deny-only groups (Microsoft 'SID Attributes in an Access Token': SE_GROUP_USE_FOR_DENY_ONLY)
DO = "Microsoft 'SID Attributes in an Access Token' (deny-only)"
tdo = f"user={U} groups=WD,AU,{G}:deny-only integrity=medium"
row(DO + ": deny-only group ignored for allow", tdo, f"O:{O}G:{O}D:(A;;FA;;;{G})", "FILE_READ_DATA", "0", AD)
row(DO + ": deny-only group matches deny", tdo, f"O:{O}G:{O}D:(D;;FR;;;{G})(A;;FA;;;WD)", "FILE_READ_DATA", "0", AD)
row(DO + ": deny-only group, unrelated deny bit", tdo, f"O:{O}G:{O}D:(D;;0x2;;;{G})(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(DO + ": deny-only MAXIMUM_ALLOWED", tdo, f"O:{O}G:{O}D:(D;;0x2;;;{G})(A;;FA;;;WD)", "MAXIMUM_ALLOWED", "FILE_ALL_ACCESS&~FILE_WRITE_DATA", OK)
row(DO + ": disabled group matches nothing (allow)", f"user={U} groups=WD,{G}:disabled integrity=medium", f"O:{O}G:{O}D:(A;;FA;;;{G})", "FILE_READ_DATA", "0", AD)
row(DO + ": disabled group matches nothing (deny)", f"user={U} groups=WD,{G}:disabled integrity=medium", f"O:{O}G:{O}D:(D;;FA;;;{G})(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)

# 8. Restricted tokens (RST; Wine test_CreateRestrictedToken)
trs = f"{BASE} restricted={R},WD integrity=medium"
row(RST + ": both passes grant", trs, f"O:{O}G:{O}D:(A;;FR;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(RST + ": normal grants, restricted SIDs do not", trs, f"O:{O}G:{O}D:(A;;FR;;;AU)", "FILE_READ_DATA", "0", AD)
row(RST + ": restricted SID grants only", trs, f"O:{O}G:{O}D:(A;;FR;;;{R})", "FILE_READ_DATA", "0", AD)
row(RST + ": intersection of passes", trs, f"O:{O}G:{O}D:(A;;FR;;;AU)(A;;FR;;;{R})", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(RST + ": deny in restricted pass", trs, f"O:{O}G:{O}D:(D;;0x1;;;{R})(A;;FA;;;WD)", "FILE_READ_DATA", "0", AD)
row(RST + ": MAXIMUM_ALLOWED is the intersection", trs, f"O:{O}G:{O}D:(A;;FA;;;AU)(A;;FR;;;WD)", "MAXIMUM_ALLOWED", "FILE_GENERIC_READ", OK)
row(RST + ": owner rights need owner in restricted SIDs", trs, f"O:{U}G:{O}D:", "READ_CONTROL", "0", AD)
row(RST + ": owner in restricted SIDs gets implicit rights", f"{BASE} restricted={U} integrity=medium", f"O:{U}G:{O}D:", "READ_CONTROL", "READ_CONTROL", OK)
row(RST + ": NULL DACL grants in both passes", trs, f"O:{O}G:{O}D:NO_ACCESS_CONTROL", "FILE_ALL_ACCESS", "FILE_ALL_ACCESS", OK)
tdr = f"user={U} groups=WD,AU,{G}:deny-only restricted={R},{G} integrity=medium"
row(RST + " + " + DO + ": deny-only group denies in normal pass", tdr, f"O:{O}G:{O}D:(D;;0x1;;;{G})(A;;FA;;;WD)(A;;FA;;;{R})", "FILE_READ_DATA", "0", AD)
row(RST + " + " + DO + ": deny-only in normal set is still enabled as restricted SID, but normal pass fails", tdr, f"O:{O}G:{O}D:(A;;FA;;;{G})", "FILE_READ_DATA", "0", AD)
row(RST + " + " + DO + ": normal via WD, restricted via the group", tdr, f"O:{O}G:{O}D:(A;;FA;;;WD)(A;;0x1;;;{G})", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(RST + " + " + DO + ": MAXIMUM_ALLOWED", tdr, f"O:{O}G:{O}D:(A;;FA;;;WD)(A;;0x1;;;{G})", "MAXIMUM_ALLOWED", "FILE_READ_DATA", OK)

# 9. Write-restricted tokens (Microsoft 'CreateRestrictedToken' WRITE_RESTRICTED)
WRS = "Microsoft 'CreateRestrictedToken' (WRITE_RESTRICTED) / TechNet blog 'Write-restricted token'"
twr = f"{BASE} restricted={R} write-restricted integrity=medium"
row(WRS + ": reads not limited", twr, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(WRS + ": writes need a restricted SID", twr, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_WRITE_DATA", "0", AD)
row(WRS + ": writes with the restricted SID", twr, f"O:{O}G:{O}D:(A;;FA;;;WD)(A;;0x2;;;{R})", "FILE_WRITE_DATA", "FILE_WRITE_DATA", OK)
WRC = "Microsoft blog 'Write-restricted token' (TechNet voy 2007): restricting SIDs only for write access; write = GenericWrite&~GenericRead&~GenericExecute (NtApiDotNet GenericMapping.HasWrite); (C) non-write bits come from the normal pass"
row(WRC + ": READ_CONTROL (in FILE_GENERIC_WRITE and READ) not limited", twr, f"O:{O}G:{O}D:(A;;FA;;;WD)", "READ_CONTROL|SYNCHRONIZE", "READ_CONTROL|SYNCHRONIZE", OK)
row(WRC + ": DELETE not limited", twr, f"O:{O}G:{O}D:(A;;FA;;;WD)", "DELETE", "DELETE", OK)
row(WRC + ": FILE_APPEND_DATA limited", twr, f"O:{O}G:{O}D:(A;;FA;;;WD)(A;;0x2;;;{R})", "FILE_APPEND_DATA", "0", AD)
row(WRC + ": deny for a restricted SID on a write bit", twr, f"O:{O}G:{O}D:(D;;0x2;;;{R})(A;;FA;;;WD)(A;;FA;;;{R})", "FILE_WRITE_DATA", "0", AD)
row(WRC + ": key write needs the restricted SID", twr, f"O:{O}G:{O}D:(A;;KA;;;WD)", "KEY_SET_VALUE", "0", AD, mapping="KEY")
row(WRS + ": MAXIMUM_ALLOWED drops write bits", twr, f"O:{O}G:{O}D:(A;;FA;;;WD)", "MAXIMUM_ALLOWED", "FILE_ALL_ACCESS&~(FILE_WRITE_DATA|FILE_APPEND_DATA|FILE_WRITE_EA|FILE_WRITE_ATTRIBUTES)", OK)

# 10. Mandatory integrity (MIC)
for il, rid in [("low", "LW"), ("untrusted", "LW")]:
    pass
tlow = f"{BASE} integrity=low"
thi = f"{BASE} integrity=high"
row(MIC + ": low token reads unlabeled (medium) object", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_GENERIC_READ", "FILE_GENERIC_READ", OK)
row(MIC + ": low token cannot write unlabeled object (no-write-up)", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_WRITE_DATA", "0", AD)
row(MIC + ": low token cannot DELETE up", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)", "DELETE", "0", AD)
row(MIC + ": low token cannot WRITE_DAC up", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)", "WRITE_DAC", "0", AD)
row(MIC + ": low token executes up", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_GENERIC_EXECUTE", "FILE_GENERIC_EXECUTE", OK)
row(MIC + ": low token writes a low object", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;LW)", "FILE_WRITE_DATA", "FILE_WRITE_DATA", OK)
row(MIC + ": medium token writes a low object", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;LW)", "FILE_WRITE_DATA", "FILE_WRITE_DATA", OK)
row(MIC + ": medium token cannot write a high object", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;HI)", "FILE_WRITE_DATA", "0", AD)
row(MIC + ": medium token reads a high no-write-up object", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;HI)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(MIC + ": no-read-up denies reads", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NWNR;;;HI)", "FILE_READ_DATA", "0", AD)
row(MIC + ": no-execute-up denies execute", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NX;;;HI)", "FILE_EXECUTE", "0", AD)
row(MIC + ": no-execute-up only: write allowed by label", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NX;;;HI)", "FILE_WRITE_DATA", "FILE_WRITE_DATA", OK)
row(MIC + ": high token writes a high object", thi, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;HI)", "FILE_WRITE_DATA", "FILE_WRITE_DATA", OK)
row(MIC + ": high token writes a medium object", thi, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NWNR;;;ME)", "FILE_ALL_ACCESS", "FILE_ALL_ACCESS", OK)
row(MIC + ": label does not grant: DACL still decides", thi, f"O:{O}G:{O}D:S:(ML;;NW;;;LW)", "FILE_READ_DATA", "0", AD)
row(MIC + ": integrity + MAXIMUM_ALLOWED removes write", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)", "MAXIMUM_ALLOWED", "FILE_GENERIC_READ|FILE_GENERIC_EXECUTE", OK)
# The rights a lower token keeps under a label: Forshaw's Windows model (NtApiDotNet
# GenericMapping.GetAllowedMandatoryAccess; windows-security-internals ch. 7
# Test-MandatoryIntegrityLevel): read = GR|RC, execute = (GX&~GR)|SYNCHRONIZE, write =
# GW|DELETE|WRITE_DAC|WRITE_OWNER|ACCESS_SYSTEM_SECURITY; a right of a forbidden category survives
# only if a permitted category holds it.
FMIC = MIC + " / Forshaw NtApiDotNet GetAllowedMandatoryAccess"
row(FMIC + ": integrity + MAXIMUM_ALLOWED with no-read-up leaves FILE_EXECUTE|SYNCHRONIZE", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NWNR;;;HI)", "MAXIMUM_ALLOWED", "FILE_EXECUTE|SYNCHRONIZE", OK)
row(FMIC + ": no-read-up: READ_CONTROL is a read right", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NWNR;;;HI)", "READ_CONTROL", "0", AD)
row(FMIC + ": no-execute-up only: DELETE allowed (write up permitted)", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NX;;;HI)", "DELETE", "DELETE", OK)
row(FMIC + ": no-execute-up only: MAXIMUM_ALLOWED loses FILE_EXECUTE only", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NX;;;HI)", "MAXIMUM_ALLOWED", "FILE_ALL_ACCESS&~FILE_EXECUTE", OK)
row(FMIC + ": no-read-up only: READ_CONTROL kept (also a write right)", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NR;;;HI)", "READ_CONTROL|FILE_WRITE_DATA", "READ_CONTROL|FILE_WRITE_DATA", OK)
row(FMIC + ": no-read-up only: FILE_READ_ATTRIBUTES lost", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NR;;;HI)", "FILE_READ_ATTRIBUTES", "0", AD)
row(FMIC + ": no-write-up: ACCESS_SYSTEM_SECURITY is a write right even with SeSecurityPrivilege", f"{BASE} privileges=SeSecurityPrivilege integrity=low", f"O:{O}G:{O}D:(A;;FA;;;WD)", "ACCESS_SYSTEM_SECURITY", "0", AD)
row(MIC + ": integrity + MAXIMUM_ALLOWED owner RC survives", tlow, f"O:{U}G:{O}D:", "MAXIMUM_ALLOWED", "READ_CONTROL", OK)
row(MIC + ": inherit-only label ignored", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;OICIIO;NW;;;SI)", "FILE_GENERIC_READ", "FILE_GENERIC_READ", OK)
row(MIC + ": NULL DACL still subject to integrity", tlow, f"O:{O}G:{O}D:NO_ACCESS_CONTROL", "FILE_WRITE_DATA", "0", AD)
row("spec 5-D19: token without integrity SID counts as Medium (reads high NW object)", BASE + " integrity=none", f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;HI)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row("spec 5-D19: token without integrity SID counts as Medium (cannot write high)", BASE + " integrity=none", f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;HI)", "FILE_WRITE_DATA", "0", AD)
row("spec 5-D19: token without integrity SID writes unlabeled", BASE + " integrity=none", f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_WRITE_DATA", "FILE_WRITE_DATA", OK)
row(MIC + ": key object, low cannot KEY_SET_VALUE", tlow, f"O:{O}G:{O}D:(A;;KA;;;WD)", "KEY_SET_VALUE", "0", AD, mapping="KEY")
row(MIC + ": key object, low can KEY_READ", tlow, f"O:{O}G:{O}D:(A;;KA;;;WD)", "KEY_READ", "KEY_READ", OK, mapping="KEY")

# 11. Privileges (Microsoft 'SACL Access Right', 'Privilege Constants')
SACLR = "Microsoft 'SACL Access Right'"
TOWN = "Microsoft 'Privilege Constants' SeTakeOwnershipPrivilege"
tsec = f"{BASE} privileges=SeSecurityPrivilege integrity=medium"
row(SACLR + ": ACCESS_SYSTEM_SECURITY without privilege", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "ACCESS_SYSTEM_SECURITY", "0", PNH)
row(SACLR + ": ACCESS_SYSTEM_SECURITY with privilege", tsec, f"O:{O}G:{O}D:", "ACCESS_SYSTEM_SECURITY", "ACCESS_SYSTEM_SECURITY", OK)
row(SACLR + ": ACCESS_SYSTEM_SECURITY + read", tsec, f"O:{O}G:{O}D:(A;;FR;;;WD)", "ACCESS_SYSTEM_SECURITY|FILE_READ_DATA", "ACCESS_SYSTEM_SECURITY|FILE_READ_DATA", OK)
row(SACLR + ": privilege disabled does not count", f"{BASE} privileges=SeSecurityPrivilege:disabled integrity=medium", f"O:{O}G:{O}D:(A;;FA;;;WD)", "ACCESS_SYSTEM_SECURITY", "0", PNH)
row(SACLR + ": DACL cannot grant ACCESS_SYSTEM_SECURITY", tok, f"O:{O}G:{O}D:(A;;0x01000000;;;WD)", "ACCESS_SYSTEM_SECURITY", "0", PNH)
row(SACLR + ": MAXIMUM_ALLOWED does not include ACCESS_SYSTEM_SECURITY", tsec, f"O:{O}G:{O}D:(A;;FA;;;WD)", "MAXIMUM_ALLOWED", "FILE_ALL_ACCESS", OK)
ttake = f"{BASE} privileges=SeTakeOwnershipPrivilege integrity=medium"
row(TOWN + ": WRITE_OWNER via privilege", ttake, f"O:{O}G:{O}D:", "WRITE_OWNER", "WRITE_OWNER", OK)
row(TOWN + ": WRITE_OWNER via privilege despite deny", ttake, f"O:{O}G:{O}D:(D;;WO;;;WD)", "WRITE_OWNER", "WRITE_OWNER", OK)
row(TOWN + ": privilege gives only WRITE_OWNER", ttake, f"O:{O}G:{O}D:", "WRITE_OWNER|READ_CONTROL", "0", AD)
row(TOWN + ": MAXIMUM_ALLOWED includes WRITE_OWNER", ttake, f"O:{O}G:{O}D:(A;;FR;;;WD)", "MAXIMUM_ALLOWED", "FILE_GENERIC_READ|WRITE_OWNER", OK)
row(TOWN + ": without privilege WRITE_OWNER denied", tok, f"O:{O}G:{O}D:", "WRITE_OWNER", "0", AD)
row(TOWN + ": disabled privilege does not count", f"{BASE} privileges=SeTakeOwnershipPrivilege:disabled integrity=medium", f"O:{O}G:{O}D:", "WRITE_OWNER", "0", AD)

# 11b. Integrity with privileges: the mandatory check comes first (Microsoft 'Mandatory Integrity
# Control': evaluated before the DACL; Forshaw ch. 7 Get-PSGrantedAccess: Test-MandatoryAccess before
# Resolve-TokenPrivilegeAccess), so SeTakeOwnershipPrivilege / SeSecurityPrivilege do not lift it;
# SeRelabelPrivilege adds WRITE_OWNER to what the label allows and grants it (Forshaw ch. 7).
IP = MIC + " + Forshaw ch. 7 (integrity before privileges)"
row(IP + ": low token with SeTakeOwnershipPrivilege cannot take a medium object", f"{BASE} privileges=SeTakeOwnershipPrivilege integrity=low", f"O:{O}G:{O}D:", "WRITE_OWNER", "0", AD)
row(IP + ": medium token with SeTakeOwnershipPrivilege cannot take a high object", f"{BASE} privileges=SeTakeOwnershipPrivilege integrity=medium", f"O:{O}G:{O}D:S:(ML;;NW;;;HI)", "WRITE_OWNER", "0", AD)
row(IP + ": high token with SeTakeOwnershipPrivilege takes a high object", f"{BASE} privileges=SeTakeOwnershipPrivilege integrity=high", f"O:{O}G:{O}D:S:(ML;;NW;;;HI)", "WRITE_OWNER", "WRITE_OWNER", OK)
row(IP + ": low token without SeSecurityPrivilege: integrity denies first (not PRIVILEGE_NOT_HELD)", tlow, f"O:{O}G:{O}D:(A;;FA;;;WD)", "ACCESS_SYSTEM_SECURITY", "0", AD)
row(IP + ": SeRelabelPrivilege lets a low token have WRITE_OWNER on a medium object", f"{BASE} privileges=SeRelabelPrivilege integrity=low", f"O:{O}G:{O}D:", "WRITE_OWNER", "WRITE_OWNER", OK)
row(IP + ": integrity + MAXIMUM_ALLOWED with SeTakeOwnershipPrivilege: no WRITE_OWNER up", f"{BASE} privileges=SeTakeOwnershipPrivilege integrity=low", f"O:{O}G:{O}D:(A;;FA;;;WD)", "MAXIMUM_ALLOWED", "FILE_GENERIC_READ|FILE_GENERIC_EXECUTE", OK)

# 12. Levels (spec 2.20)
L = "spec 2.20"
row(L + " step 3: Identification-level subject fails", "type=impersonation level=identification " + tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_READ_DATA", "0", BL)
row(L + " step 3: Anonymous-level subject fails", "type=impersonation level=anonymous " + tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_READ_DATA", "0", BL)
row(L + " step 3: Impersonation-level subject checked", "type=impersonation level=impersonation " + tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(L + " step 3: Delegation-level subject checked", "type=impersonation level=delegation " + tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(L + ": downgraded (Identification) thread, even with a NULL DACL", "type=impersonation level=identification " + tok, f"O:{O}G:{O}D:NO_ACCESS_CONTROL", "FILE_READ_DATA", "0", BL)
row(L + ": downgraded (Identification) thread, MAXIMUM_ALLOWED", "type=impersonation level=identification " + tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "MAXIMUM_ALLOWED", "0", BL)
row(L + " / WINE-T-sec: explicit check, primary token", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_READ_DATA", "0", NIT, rules="EXPLICIT")
row(L + " / WINE-T-sec: explicit check, Anonymous", "type=impersonation level=anonymous " + tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "FILE_READ_DATA", "0", BL, rules="EXPLICIT")
row(L + " / WINE-T-sec: explicit check, Identification works", "type=impersonation level=identification " + tok, f"O:{O}G:{O}D:(A;;KR;;;WD)", "KEY_READ", "KEY_READ", OK, mapping="KEY", rules="EXPLICIT")
row(L + " / WINE-T-sec: explicit check, Identification denied by DACL", "type=impersonation level=identification " + tok, f"O:{O}G:{O}D:(A;;KR;;;WD)", "KEY_SET_VALUE", "0", AD, mapping="KEY", rules="EXPLICIT")
row(L + " / WINE-T-sec: explicit check, Impersonation", "type=impersonation level=impersonation " + tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "MAXIMUM_ALLOWED", "FILE_ALL_ACCESS", OK, rules="EXPLICIT")

# 13. Object and callback ACEs without a type list (MS-DTYP 2.5.3.2)
GUIDX = "bf967aba-0de6-11d0-a285-00aa003049e2"
row(MD + ": object ACE with object type skipped without a type list", tok, f"O:{O}G:{O}D:(OA;;FA;{GUIDX};;WD)", "FILE_READ_DATA", "0", AD)
row(MD + ": object ACE without object type acts as plain ACE", tok, f"O:{O}G:{O}D:(OA;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(MD + ": object deny without object type denies", tok, f"O:{O}G:{O}D:(OD;;FR;;;WD)(A;;FA;;;WD)", "FILE_READ_DATA", "0", AD)
row(MD + ": audit ACE in DACL position grants nothing", tok, f"O:{O}G:{O}D:(A;;FR;;;{O})S:(AU;SA;FA;;;WD)", "FILE_READ_DATA", "0", AD)

# 14. Empty request (ReactOS/Windows SeAccessCheck: nothing asked, nothing granted)
row("WDK SeAccessCheck: DesiredAccess 0 and nothing previously granted is denied", tok, f"O:{O}G:{O}D:(A;;FA;;;WD)", "0", "0", AD)

# 15. More interactions
row(HAW + ": deny FW also denies READ_CONTROL|SYNCHRONIZE in FILE_GENERIC_READ", tok, f"O:{O}G:{O}D:(D;;FW;;;BU)(A;;FA;;;WD)", "FILE_GENERIC_READ", "0", AD)
row(HAW + ": deny FW leaves FILE_READ_DATA", tok, f"O:{O}G:{O}D:(D;;FW;;;BU)(A;;FA;;;WD)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(NULLD + ": NULL DACL MAXIMUM_ALLOWED on a key", tok, f"O:{O}G:{O}D:NO_ACCESS_CONTROL", "MAXIMUM_ALLOWED", "KEY_ALL_ACCESS", OK, mapping="KEY")
row(MIC + ": untrusted token cannot write a low object", f"{BASE} integrity=untrusted", f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;LW)", "FILE_WRITE_DATA", "0", AD)
row(MIC + ": untrusted token reads a low object", f"{BASE} integrity=untrusted", f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NW;;;LW)", "FILE_READ_DATA", "FILE_READ_DATA", OK)
row(MIC + ": system token writes a high object", f"{BASE} integrity=system", f"O:{O}G:{O}D:(A;;FA;;;WD)S:(ML;;NWNRNX;;;HI)", "FILE_ALL_ACCESS", "FILE_ALL_ACCESS", OK)

print("/* Generated by gen_access_cases.py - do not edit; edit the generator. */")
for (src, tk, sd, mp, de, gr, stt, rl) in rows:
    esc = lambda s: s.replace('\\', '\\\\').replace('"', '\\"')
    print(f'ROW("{esc(src)}",\n    "{esc(tk)}",\n    "{esc(sd)}", {mp}, {de}, {gr}, {stt}, {rl})')
import sys
print(f"/* {len(rows)} rows */")
sys.stderr.write(f"{len(rows)} rows\n")
