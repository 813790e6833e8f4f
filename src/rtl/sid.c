/*
 * sid.c - the binary SID: length, validity, comparison, copy, initialisation, accessors.
 *
 * Layout (MS-DTYP 2.4.2.2): Revision (1), SubAuthorityCount (1), IdentifierAuthority (6,
 * big-endian), SubAuthority[SubAuthorityCount] (4 each, little-endian). 8 + 4n bytes.
 */
#include <string.h>
#include "rtlp.h"

/* RtlLengthSid - bytes occupied by Sid (8 + 4 * SubAuthorityCount). Sid must be readable;
 * NULL gives 0 (docs/null-arguments.md). */
ULONG RtlLengthSid(PSID Sid)
{
    PISID sid = Sid;
    if (sid == NULL)
        return 0;
    return 8u + 4u * sid->SubAuthorityCount;
}

/* RtlLengthRequiredSid - bytes a SID with SubAuthorityCount sub-authorities needs. */
ULONG RtlLengthRequiredSid(ULONG SubAuthorityCount)
{
    return 8u + 4u * SubAuthorityCount;
}

/*
 * RtlValidSid - TRUE if Sid is a structurally valid SID.
 * @remarks Windows rule: Revision must be SID_REVISION and SubAuthorityCount at most
 * SID_MAX_SUB_AUTHORITIES (15). NULL is not valid.
 */
BOOLEAN RtlValidSid(PSID Sid)
{
    PISID sid = Sid;
    if (sid == NULL)
        return FALSE;
    return sid->Revision == SID_REVISION && sid->SubAuthorityCount <= SID_MAX_SUB_AUTHORITIES;
}

/*
 * RtlEqualSid - TRUE if both SIDs have the same revision, authority and sub-authorities.
 * @remarks Windows compares revisions first; SIDs of different revisions are unequal.
 * A NULL SID equals nothing (FALSE; docs/null-arguments.md).
 */
BOOLEAN RtlEqualSid(PSID Sid1, PSID Sid2)
{
    PISID a = Sid1, b = Sid2;
    if (a == NULL || b == NULL)
        return FALSE;
    if (a->Revision != b->Revision || a->SubAuthorityCount != b->SubAuthorityCount)
        return FALSE;
    return memcmp(a, b, RtlLengthSid(a)) == 0;
}

/*
 * RtlEqualPrefixSid - TRUE if the SIDs are equal except for their last sub-authority.
 * @remarks Windows requires the same revision and sub-authority count; two SIDs with no
 * sub-authorities compare on revision and authority only. NULL: FALSE.
 */
BOOLEAN RtlEqualPrefixSid(PSID Sid1, PSID Sid2)
{
    PISID a = Sid1, b = Sid2;
    ULONG i;
    if (a == NULL || b == NULL)
        return FALSE;
    if (a->Revision != b->Revision || a->SubAuthorityCount != b->SubAuthorityCount)
        return FALSE;
    if (memcmp(&a->IdentifierAuthority, &b->IdentifierAuthority, 6) != 0)
        return FALSE;
    for (i = 0; i + 1 < a->SubAuthorityCount; i++)
        if (a->SubAuthority[i] != b->SubAuthority[i])
            return FALSE;
    return TRUE;
}

/*
 * RtlCopySid - copies SourceSid into the caller's DestinationSid buffer.
 * @return STATUS_BUFFER_TOO_SMALL if DestinationSidLength cannot hold it (nothing written),
 * STATUS_INVALID_PARAMETER for a NULL SID or buffer.
 */
NTSTATUS RtlCopySid(ULONG DestinationSidLength, PSID DestinationSid, PSID SourceSid)
{
    if (DestinationSid == NULL || SourceSid == NULL)
        return STATUS_INVALID_PARAMETER;
    ULONG length = RtlLengthSid(SourceSid);
    if (DestinationSidLength < length)
        return STATUS_BUFFER_TOO_SMALL;
    memmove(DestinationSid, SourceSid, length);
    return STATUS_SUCCESS;
}

/*
 * RtlInitializeSid - writes revision, count and authority into the caller's buffer; the
 * sub-authorities are left for the caller (RtlSubAuthoritySid).
 * @return STATUS_INVALID_PARAMETER if SubAuthorityCount exceeds 15 or a pointer is NULL.
 */
NTSTATUS RtlInitializeSid(PSID Sid, PSID_IDENTIFIER_AUTHORITY IdentifierAuthority,
                          UCHAR SubAuthorityCount)
{
    PISID sid = Sid;
    if (sid == NULL || IdentifierAuthority == NULL)
        return STATUS_INVALID_PARAMETER;
    if (SubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
        return STATUS_INVALID_PARAMETER;
    sid->Revision = SID_REVISION;
    sid->SubAuthorityCount = SubAuthorityCount;
    memcpy(&sid->IdentifierAuthority, IdentifierAuthority, sizeof(SID_IDENTIFIER_AUTHORITY));
    return STATUS_SUCCESS;
}

/* RtlSubAuthoritySid - address of sub-authority SubAuthority (no range check, as Windows).
 * The three accessors return NULL for a NULL Sid (docs/null-arguments.md). */
PULONG RtlSubAuthoritySid(PSID Sid, ULONG SubAuthority)
{
    if (Sid == NULL)
        return NULL;
    return &((PISID)Sid)->SubAuthority[SubAuthority];
}

/* RtlSubAuthorityCountSid - address of the SubAuthorityCount byte. */
PUCHAR RtlSubAuthorityCountSid(PSID Sid)
{
    if (Sid == NULL)
        return NULL;
    return &((PISID)Sid)->SubAuthorityCount;
}

/* RtlIdentifierAuthoritySid - address of the six-byte identifier authority. */
PSID_IDENTIFIER_AUTHORITY RtlIdentifierAuthoritySid(PSID Sid)
{
    if (Sid == NULL)
        return NULL;
    return &((PISID)Sid)->IdentifierAuthority;
}
