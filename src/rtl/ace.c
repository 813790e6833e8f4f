/*
 * ace.c - the RtlAdd*Ace routines that build one ACE of a known type at the end of an ACL.
 */
#include <string.h>
#include "rtlp.h"

/*
 * RtlpAddKnownAce - appends a header/mask/SID ACE of AceType to the caller's ACL.
 * @remarks Windows rules (RtlAddAccessAllowedAceEx and friends): the SID must be valid
 * (STATUS_INVALID_SID); ACL revision and AceRevision must be 2..4
 * (STATUS_REVISION_MISMATCH); flags outside AllowedFlags are STATUS_INVALID_PARAMETER; a
 * malformed ACL is STATUS_INVALID_ACL; no room is STATUS_ALLOTTED_SPACE_EXCEEDED. On
 * success the ACL revision becomes max(ACL revision, AceRevision). On failure the ACL is
 * unchanged.
 */
static NTSTATUS RtlpAddKnownAce(PACL Acl, ULONG AceRevision, ULONG AceFlags, ULONG AllowedFlags,
                                ACCESS_MASK Mask, PSID Sid, UCHAR AceType)
{
    ULONG free_offset, sid_length, ace_size;
    PACCESS_ALLOWED_ACE ace;

    if (!RtlValidSid(Sid))
        return STATUS_INVALID_SID;
    if (Acl == NULL || Acl->AclRevision < MIN_ACL_REVISION || Acl->AclRevision > MAX_ACL_REVISION ||
        AceRevision < MIN_ACL_REVISION || AceRevision > MAX_ACL_REVISION)
        return STATUS_REVISION_MISMATCH;
    if (AceFlags & ~AllowedFlags)
        return STATUS_INVALID_PARAMETER;
    if ((free_offset = RtlpAclFirstFree(Acl)) == 0)
        return STATUS_INVALID_ACL;
    sid_length = RtlLengthSid(Sid);
    ace_size = 8 + sid_length;
    if (free_offset > Acl->AclSize || ace_size > (ULONG)Acl->AclSize - free_offset)
        return STATUS_ALLOTTED_SPACE_EXCEEDED;
    if (Acl->AceCount == 0xFFFF)
        return STATUS_ALLOTTED_SPACE_EXCEEDED;

    ace = (PACCESS_ALLOWED_ACE)((PUCHAR)Acl + free_offset);
    ace->Header.AceType = AceType;
    ace->Header.AceFlags = (UCHAR)AceFlags;
    ace->Header.AceSize = (USHORT)ace_size;
    ace->Mask = Mask;
    memcpy(&ace->SidStart, Sid, sid_length);
    Acl->AceCount++;
    if (AceRevision > Acl->AclRevision)
        Acl->AclRevision = (UCHAR)AceRevision;
    return STATUS_SUCCESS;
}

/* RtlAddAccessAllowedAce - appends an access-allowed ACE without flags. */
NTSTATUS RtlAddAccessAllowedAce(PACL Acl, ULONG AceRevision, ACCESS_MASK AccessMask, PSID Sid)
{
    return RtlpAddKnownAce(Acl, AceRevision, 0, 0, AccessMask, Sid, ACCESS_ALLOWED_ACE_TYPE);
}

/* RtlAddAccessAllowedAceEx - appends an access-allowed ACE; AceFlags are inheritance flags only. */
NTSTATUS RtlAddAccessAllowedAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                  ACCESS_MASK AccessMask, PSID Sid)
{
    return RtlpAddKnownAce(Acl, AceRevision, AceFlags, VALID_INHERIT_FLAGS, AccessMask, Sid,
                           ACCESS_ALLOWED_ACE_TYPE);
}

/* RtlAddAccessDeniedAce - appends an access-denied ACE without flags. */
NTSTATUS RtlAddAccessDeniedAce(PACL Acl, ULONG AceRevision, ACCESS_MASK AccessMask, PSID Sid)
{
    return RtlpAddKnownAce(Acl, AceRevision, 0, 0, AccessMask, Sid, ACCESS_DENIED_ACE_TYPE);
}

/* RtlAddAccessDeniedAceEx - appends an access-denied ACE; AceFlags are inheritance flags only. */
NTSTATUS RtlAddAccessDeniedAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                 ACCESS_MASK AccessMask, PSID Sid)
{
    return RtlpAddKnownAce(Acl, AceRevision, AceFlags, VALID_INHERIT_FLAGS, AccessMask, Sid,
                           ACCESS_DENIED_ACE_TYPE);
}

/*
 * RtlAddAuditAccessAce - appends a system-audit ACE; AuditSuccess/AuditFailure set
 * SUCCESSFUL_ACCESS_ACE_FLAG / FAILED_ACCESS_ACE_FLAG.
 */
NTSTATUS RtlAddAuditAccessAce(PACL Acl, ULONG AceRevision, ACCESS_MASK AccessMask, PSID Sid,
                              BOOLEAN AuditSuccess, BOOLEAN AuditFailure)
{
    return RtlAddAuditAccessAceEx(Acl, AceRevision, 0, AccessMask, Sid, AuditSuccess,
                                  AuditFailure);
}

/* RtlAddAuditAccessAceEx - as RtlAddAuditAccessAce plus inheritance flags in AceFlags. */
NTSTATUS RtlAddAuditAccessAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                ACCESS_MASK AccessMask, PSID Sid, BOOLEAN AuditSuccess,
                                BOOLEAN AuditFailure)
{
    ULONG flags = AceFlags;
    if (AceFlags & ~VALID_INHERIT_FLAGS) {
        if (!RtlValidSid(Sid))
            return STATUS_INVALID_SID;
        return STATUS_INVALID_PARAMETER;
    }
    if (AuditSuccess)
        flags |= SUCCESSFUL_ACCESS_ACE_FLAG;
    if (AuditFailure)
        flags |= FAILED_ACCESS_ACE_FLAG;
    return RtlpAddKnownAce(Acl, AceRevision, flags,
                           VALID_INHERIT_FLAGS | SUCCESSFUL_ACCESS_ACE_FLAG | FAILED_ACCESS_ACE_FLAG,
                           AccessMask, Sid, SYSTEM_AUDIT_ACE_TYPE);
}

/*
 * RtlAddMandatoryAce - appends a mandatory label ACE (type SYSTEM_MANDATORY_LABEL_ACE_TYPE,
 * mask = MandatoryFlags, SID = the integrity label S-1-16-N).
 * @remarks Windows rule: any other AceType, MandatoryFlags outside NO_WRITE_UP|NO_READ_UP|
 * NO_EXECUTE_UP, or non-inheritance AceFlags are STATUS_INVALID_PARAMETER.
 */
NTSTATUS RtlAddMandatoryAce(PACL Acl, ULONG AceRevision, ULONG AceFlags, ULONG MandatoryFlags,
                            UCHAR AceType, PSID LabelSid)
{
    if (AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE ||
        (MandatoryFlags & ~SYSTEM_MANDATORY_LABEL_VALID_MASK) != 0)
        return STATUS_INVALID_PARAMETER;
    return RtlpAddKnownAce(Acl, AceRevision, AceFlags, VALID_INHERIT_FLAGS, MandatoryFlags,
                           LabelSid, SYSTEM_MANDATORY_LABEL_ACE_TYPE);
}
