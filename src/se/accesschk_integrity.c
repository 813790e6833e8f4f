/*
 * accesschk_integrity.c - mandatory integrity control in the access check (Vista and later).
 *
 * No references are taken; the caller holds the token lock shared.
 */
#include "se/accesschk.h"

/*
 * SepObjectIntegrity - the object's integrity level and label policy.
 * @remarks The label is the first SYSTEM_MANDATORY_LABEL_ACE of the SACL that is not
 * inherit-only. An object without one is treated as Medium with NO_WRITE_UP (Microsoft,
 * "Mandatory Integrity Control": "objects without a label are treated as medium").
 */
VOID SepObjectIntegrity(const SEP_SD_VIEW *Sd, PULONG Rid, PULONG Policy)
{
    *Rid = SECURITY_MANDATORY_MEDIUM_RID;
    *Policy = SYSTEM_MANDATORY_LABEL_NO_WRITE_UP;
    if (Sd->Sacl == NULL)
        return;
    PACE_HEADER ace = SepFirstAce(Sd->Sacl);
    for (ULONG i = 0; i < Sd->Sacl->AceCount; i++, ace = SepNextAce(ace)) {
        if (ace->AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE || (ace->AceFlags & INHERIT_ONLY_ACE))
            continue;
        const SID *sid = (const SID *)SepAceSid(ace);
        if (sid->SubAuthorityCount < 1 || sid->IdentifierAuthority.Value[5] != 16)
            continue; /* not a mandatory-label SID: ignored */
        *Rid = sid->SubAuthority[sid->SubAuthorityCount - 1];
        *Policy = SepAceMask(ace) & SYSTEM_MANDATORY_LABEL_VALID_MASK;
        return;
    }
}

/*
 * SepMandatoryAllowedAccess - the rights a token below the object's level may still have,
 * given the label policy (NO_READ_UP / NO_WRITE_UP / NO_EXECUTE_UP) and the type's mapping.
 * @remarks Each of the three categories owns a set of rights: read = GenericRead|READ_CONTROL;
 * execute = the GenericExecute bits that are not read bits, plus SYNCHRONIZE; write =
 * GenericWrite|DELETE|WRITE_DAC|WRITE_OWNER|ACCESS_SYSTEM_SECURITY. The starting set is
 * GenericRead|GenericExecute|READ_CONTROL|SYNCHRONIZE, plus GenericAll when writing up is
 * allowed; a right is then removed when it belongs to a forbidden category and to no
 * permitted one (so READ_CONTROL and SYNCHRONIZE, shared by the file mapping's three
 * generic sets, survive as long as one category is permitted). A label policy of 0 forbids
 * nothing (GenericAll). This is the behaviour measured on Windows and modelled by
 * J. Forshaw (NtApiDotNet GenericMapping.GetAllowedMandatoryAccess; "Windows Security
 * Internals" ch. 7, Test-MandatoryIntegrityLevel); MS-DTYP 2.5.3.3 states only that the
 * label restricts the bits the DACL may grant. SeRelabelPrivilege (enabled) adds WRITE_OWNER.
 */
static ACCESS_MASK SepMandatoryAllowedAccess(const GENERIC_MAPPING *m, ULONG Policy, BOOLEAN Relabel)
{
    BOOLEAN canRead = !(Policy & SYSTEM_MANDATORY_LABEL_NO_READ_UP);
    BOOLEAN canWrite = !(Policy & SYSTEM_MANDATORY_LABEL_NO_WRITE_UP);
    BOOLEAN canExecute = !(Policy & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP);
    ACCESS_MASK readSet = m->GenericRead | READ_CONTROL;
    ACCESS_MASK executeSet = (m->GenericExecute & ~m->GenericRead) | SYNCHRONIZE;
    ACCESS_MASK writeSet = m->GenericWrite | DELETE | WRITE_DAC | WRITE_OWNER | ACCESS_SYSTEM_SECURITY;
    ACCESS_MASK allowed;

    if (canRead && canWrite && canExecute) {
        allowed = m->GenericAll;
    } else {
        ACCESS_MASK permitted = (canRead ? readSet : 0) | (canWrite ? writeSet : 0) |
                                (canExecute ? executeSet : 0);
        ACCESS_MASK forbidden = (canRead ? 0 : readSet) | (canWrite ? 0 : writeSet) |
                                (canExecute ? 0 : executeSet);
        allowed = m->GenericRead | m->GenericExecute | READ_CONTROL | SYNCHRONIZE |
                  (canWrite ? m->GenericAll : 0);
        allowed &= ~(forbidden & ~permitted);
    }
    if (Relabel)
        allowed |= WRITE_OWNER;
    return allowed;
}

/*
 * SepMandatoryDeniedAccess - the bits the mandatory policy takes away (0 when none).
 * @remarks Microsoft, "Mandatory Integrity Control": the check runs before the DACL (and,
 * as in Forshaw's model, before privileges: SeTakeOwnershipPrivilege and
 * SeSecurityPrivilege do not lift it); it applies only when the token's mandatory policy
 * has TOKEN_MANDATORY_POLICY_NO_WRITE_UP and its level is below the object's; the rights
 * left are those of SepMandatoryAllowedAccess. A token without an integrity SID counts as
 * Medium (spec 5-D19).
 */
ACCESS_MASK SepMandatoryDeniedAccess(const SEP_ACCESS_REQUEST *Request)
{
    PTOKEN token = Request->Token;
    const GENERIC_MAPPING *m = Request->Mapping;
    ULONG objectRid, policy;
    PSEP_TRACE trace = Request->Trace;

    if (Request->Sd->Sacl == NULL) { /* no label: SepObjectIntegrity's default, without the call */
        objectRid = SECURITY_MANDATORY_MEDIUM_RID;
        policy = SYSTEM_MANDATORY_LABEL_NO_WRITE_UP;
    } else {
        SepObjectIntegrity(Request->Sd, &objectRid, &policy);
    }
    ULONG tokenRid = SECURITY_MANDATORY_MEDIUM_RID; /* spec 5-D19: no integrity SID */
    if (token->IntegrityIndex != SEP_NO_INTEGRITY) { /* SepTokenIntegrityRid, inline */
        PISID sid = token->UserAndGroups[token->IntegrityIndex].Sid;
        tokenRid = sid->SubAuthority[sid->SubAuthorityCount - 1];
    }
    if (!(token->MandatoryPolicy & TOKEN_MANDATORY_POLICY_NO_WRITE_UP)) {
        if (trace)
            SepTrace(trace, "integrity pass: token mandatory policy is OFF: not applied\n");
        return 0;
    }
    if (tokenRid >= objectRid) {
        if (trace)
            SepTrace(trace, "integrity pass: token 0x%04x >= object 0x%04x: no limit\n",
                     (unsigned)tokenRid, (unsigned)objectRid);
        return 0;
    }
    BOOLEAN relabel = SepTokenPrivilegeEnabled(token, SE_RELABEL_PRIVILEGE);
    ACCESS_MASK allowed = SepMandatoryAllowedAccess(m, policy, relabel);
    ACCESS_MASK denied = ~allowed & ~(ACCESS_MASK)(MAXIMUM_ALLOWED | SEP_GENERIC_BITS);
    if (trace) {
        SepTrace(trace, "integrity pass: token 0x%04x < object 0x%04x, label policy%s%s%s%s: "
                        "allows only",
                 (unsigned)tokenRid, (unsigned)objectRid,
                 (policy & SYSTEM_MANDATORY_LABEL_NO_WRITE_UP) ? " NO_WRITE_UP" : "",
                 (policy & SYSTEM_MANDATORY_LABEL_NO_READ_UP) ? " NO_READ_UP" : "",
                 (policy & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP) ? " NO_EXECUTE_UP" : "",
                 relabel ? " (+WRITE_OWNER by SeRelabelPrivilege)" : "");
        SepTraceMask(trace, allowed);
        SepTrace(trace, "\n");
    }
    return denied;
}
