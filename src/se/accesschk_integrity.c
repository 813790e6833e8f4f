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
 * SepMandatoryDeniedAccess - the bits the mandatory policy takes away.
 * @remarks Microsoft, "Mandatory Integrity Control" and MS-DTYP 2.5.3.2: when the token's
 * mandatory policy includes TOKEN_MANDATORY_POLICY_NO_WRITE_UP and its level is below the
 * object's, it may have only the generic-read, generic-write and generic-execute rights of
 * the object's mapping that the label does not forbid (NO_WRITE_UP removes GenericWrite,
 * NO_READ_UP GenericRead, NO_EXECUTE_UP GenericExecute); every other bit (DELETE,
 * WRITE_DAC, WRITE_OWNER, ...) is denied. A token at or above the object's level, or whose
 * policy is OFF, is not limited. A token without an integrity SID counts as Medium (5-D19).
 */
ACCESS_MASK SepMandatoryDeniedAccess(const SEP_ACCESS_REQUEST *Request)
{
    PTOKEN token = Request->Token;
    const GENERIC_MAPPING *m = Request->Mapping;
    ULONG objectRid, policy;
    PSEP_TRACE trace = Request->Trace;

    SepObjectIntegrity(Request->Sd, &objectRid, &policy);
    ULONG tokenRid = token->IntegrityIndex == SEP_NO_INTEGRITY
                         ? SECURITY_MANDATORY_MEDIUM_RID
                         : SepTokenIntegrityRid(token);
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
    ACCESS_MASK allowed = 0;
    if (!(policy & SYSTEM_MANDATORY_LABEL_NO_WRITE_UP))
        allowed |= m->GenericWrite;
    if (!(policy & SYSTEM_MANDATORY_LABEL_NO_READ_UP))
        allowed |= m->GenericRead;
    if (!(policy & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP))
        allowed |= m->GenericExecute;
    ACCESS_MASK denied = ~allowed & ~(ACCESS_MASK)(MAXIMUM_ALLOWED | SEP_GENERIC_BITS);
    if (trace) {
        SepTrace(trace, "integrity pass: token 0x%04x < object 0x%04x, label policy%s%s%s: "
                        "allows only 0x%08x",
                 (unsigned)tokenRid, (unsigned)objectRid,
                 (policy & SYSTEM_MANDATORY_LABEL_NO_WRITE_UP) ? " NO_WRITE_UP" : "",
                 (policy & SYSTEM_MANDATORY_LABEL_NO_READ_UP) ? " NO_READ_UP" : "",
                 (policy & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP) ? " NO_EXECUTE_UP" : "",
                 (unsigned)allowed);
        SepTraceMask(trace, allowed);
        SepTrace(trace, "\n");
    }
    return denied;
}
