/*
 * acl.c - the ACL container: create, validate, query, walk, insert and delete ACEs.
 *
 * Layout (MS-DTYP 2.4.5): an 8-byte header (revision, Sbz1, AclSize, AceCount, Sbz2) then
 * AceCount ACEs, each starting with an ACE_HEADER whose AceSize is a multiple of 4.
 */
#include <string.h>
#include "rtlp.h"

#define RTLP_ACL_REVISION_OK(r) ((r) >= MIN_ACL_REVISION && (r) <= MAX_ACL_REVISION)

/* RtlpHasSidAt8 - ACE types laid out as header, mask, SID (plus optional trailing data). */
static BOOLEAN RtlpHasSidAt8(UCHAR AceType)
{
    return AceType <= SYSTEM_ALARM_ACE_TYPE ||
           AceType == ACCESS_ALLOWED_CALLBACK_ACE_TYPE ||
           AceType == ACCESS_DENIED_CALLBACK_ACE_TYPE ||
           AceType == SYSTEM_AUDIT_CALLBACK_ACE_TYPE ||
           AceType == SYSTEM_ALARM_CALLBACK_ACE_TYPE ||
           (AceType >= SYSTEM_MANDATORY_LABEL_ACE_TYPE && AceType <= SYSTEM_ACCESS_FILTER_ACE_TYPE);
}

/* RtlpSidOffset - offset of the SID in an ACE of known type, or 0 (unknown type / too short). */
static ULONG RtlpSidOffset(PACE_HEADER Ace)
{
    if (RtlpHasSidAt8(Ace->AceType))
        return 8;
    if (RtlpIsObjectAceType(Ace->AceType)) {
        ULONG flags, offset = 12;
        if (Ace->AceSize < 12)
            return 0;
        memcpy(&flags, (PUCHAR)Ace + 8, sizeof(flags));
        if (flags & ACE_OBJECT_TYPE_PRESENT)
            offset += sizeof(GUID);
        if (flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
            offset += sizeof(GUID);
        return offset;
    }
    return 0;
}

/* RtlpAceSid - see rtlp.h (the ACE must already have passed RtlValidAcl). */
PSID RtlpAceSid(PACE_HEADER Ace)
{
    ULONG offset = RtlpSidOffset(Ace);
    if (offset == 0 || offset + 8 > Ace->AceSize)
        return NULL;
    return (PUCHAR)Ace + offset;
}

/*
 * RtlpValidAce - one ACE of AceSize bytes (already known to lie inside the ACL).
 * @remarks Windows rule (RtlValidAcl): ACEs of known layout must hold a valid SID inside
 * AceSize; object ACEs need an ACL of revision ACL_REVISION_DS; compound ACEs revision 3;
 * ACE types Windows does not know are skipped over by size.
 */
static BOOLEAN RtlpValidAce(PACE_HEADER Ace, UCHAR AclRevision)
{
    ULONG offset;
    if (Ace->AceType == ACCESS_ALLOWED_COMPOUND_ACE_TYPE)
        return AclRevision >= 3;
    if (RtlpIsObjectAceType(Ace->AceType) && AclRevision < ACL_REVISION_DS)
        return FALSE;
    if (!RtlpHasSidAt8(Ace->AceType) && !RtlpIsObjectAceType(Ace->AceType))
        return TRUE;
    offset = RtlpSidOffset(Ace);
    if (offset == 0 || offset >= Ace->AceSize)
        return FALSE;
    return RtlpValidSidBounded((PUCHAR)Ace + offset, Ace->AceSize - offset);
}

/*
 * RtlpWalkAcl - bounds-checked walk over the ACL's ACEs; *FreeOffset receives the offset of
 * the first byte after the last ACE. FALSE if any ACE header or body leaves AclSize.
 */
static BOOLEAN RtlpWalkAcl(PACL Acl, BOOLEAN Validate, ULONG *FreeOffset)
{
    ULONG offset = sizeof(ACL), i;
    for (i = 0; i < Acl->AceCount; i++) {
        PACE_HEADER ace;
        if (offset + sizeof(ACE_HEADER) > Acl->AclSize)
            return FALSE;
        ace = (PACE_HEADER)((PUCHAR)Acl + offset);
        if (ace->AceSize < sizeof(ACE_HEADER) || (ace->AceSize & 3) != 0 ||
            ace->AceSize > Acl->AclSize - offset)
            return FALSE;
        if (Validate && !RtlpValidAce(ace, Acl->AclRevision))
            return FALSE;
        offset += ace->AceSize;
    }
    if (FreeOffset != NULL)
        *FreeOffset = offset;
    return TRUE;
}

/*
 * RtlCreateAcl - initialises an empty ACL of AclLength bytes in the caller's buffer.
 * @return STATUS_BUFFER_TOO_SMALL below 8 bytes; STATUS_INVALID_PARAMETER for a revision
 * other than 2..4, a length above 0xFFFF or a NULL Acl. The length is rounded down to a
 * ULONG multiple.
 */
NTSTATUS RtlCreateAcl(PACL Acl, ULONG AclLength, ULONG AclRevision)
{
    if (Acl == NULL)
        return STATUS_INVALID_PARAMETER;
    if (AclLength < sizeof(ACL))
        return STATUS_BUFFER_TOO_SMALL;
    if (!RTLP_ACL_REVISION_OK(AclRevision) || AclLength > 0xFFFF)
        return STATUS_INVALID_PARAMETER;
    memset(Acl, 0, sizeof(ACL));
    Acl->AclRevision = (UCHAR)AclRevision;
    Acl->AclSize = (USHORT)(AclLength & ~3u);
    Acl->AceCount = 0;
    return STATUS_SUCCESS;
}

/*
 * RtlValidAcl - TRUE if the ACL's header and every ACE are well formed within AclSize.
 * Reads nothing beyond Acl + AclSize.
 */
BOOLEAN RtlValidAcl(PACL Acl)
{
    if (Acl == NULL || !RTLP_ACL_REVISION_OK(Acl->AclRevision))
        return FALSE;
    if (Acl->AclSize < sizeof(ACL) || (Acl->AclSize & 3) != 0)
        return FALSE;
    return RtlpWalkAcl(Acl, TRUE, NULL);
}

/*
 * RtlQueryInformationAcl - revision or size information into the caller's buffer.
 * @return STATUS_INVALID_PARAMETER for a malformed ACL, STATUS_BUFFER_TOO_SMALL for a short
 * AclInformationLength, STATUS_INVALID_INFO_CLASS for an unknown class, and
 * STATUS_INVALID_PARAMETER for a NULL Acl or AclInformation.
 */
NTSTATUS RtlQueryInformationAcl(PACL Acl, PVOID AclInformation, ULONG AclInformationLength,
                                ACL_INFORMATION_CLASS AclInformationClass)
{
    ULONG used;
    if (Acl == NULL || AclInformation == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!RTLP_ACL_REVISION_OK(Acl->AclRevision))
        return STATUS_INVALID_PARAMETER;
    switch (AclInformationClass) {
    case AclRevisionInformation:
        if (AclInformationLength < sizeof(ACL_REVISION_INFORMATION))
            return STATUS_BUFFER_TOO_SMALL;
        ((PACL_REVISION_INFORMATION)AclInformation)->AclRevision = Acl->AclRevision;
        return STATUS_SUCCESS;
    case AclSizeInformation: {
        PACL_SIZE_INFORMATION info = AclInformation;
        if (AclInformationLength < sizeof(ACL_SIZE_INFORMATION))
            return STATUS_BUFFER_TOO_SMALL;
        if (!RtlpWalkAcl(Acl, FALSE, &used))
            return STATUS_INVALID_PARAMETER;
        info->AceCount = Acl->AceCount;
        info->AclBytesInUse = used;
        info->AclBytesFree = Acl->AclSize - used;
        return STATUS_SUCCESS;
    }
    default:
        return STATUS_INVALID_INFO_CLASS;
    }
}

/*
 * RtlGetAce - *Ace points at ACE number AceIndex inside the caller's ACL (no copy).
 * @return STATUS_INVALID_PARAMETER for a bad revision, an index >= AceCount or an ACE
 * that runs past AclSize, and for a NULL Acl or Ace (docs/null-arguments.md).
 */
NTSTATUS RtlGetAce(PACL Acl, ULONG AceIndex, PVOID *Ace)
{
    ULONG offset = sizeof(ACL), i;
    if (Ace == NULL)
        return STATUS_INVALID_PARAMETER;
    *Ace = NULL;
    if (Acl == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!RTLP_ACL_REVISION_OK(Acl->AclRevision) || AceIndex >= Acl->AceCount)
        return STATUS_INVALID_PARAMETER;
    for (i = 0;; i++) {
        PACE_HEADER ace;
        if (offset + sizeof(ACE_HEADER) > Acl->AclSize)
            return STATUS_INVALID_PARAMETER;
        ace = (PACE_HEADER)((PUCHAR)Acl + offset);
        if (ace->AceSize < sizeof(ACE_HEADER) || ace->AceSize > Acl->AclSize - offset)
            return STATUS_INVALID_PARAMETER;
        if (i == AceIndex) {
            *Ace = ace;
            return STATUS_SUCCESS;
        }
        offset += ace->AceSize;
    }
}

/* RtlpFirstFree - offset of the first free byte of a well-formed ACL, or 0 if malformed. */
ULONG RtlpAclFirstFree(PACL Acl)
{
    ULONG free_offset;
    if (!RTLP_ACL_REVISION_OK(Acl->AclRevision) || Acl->AclSize < sizeof(ACL))
        return 0;
    return RtlpWalkAcl(Acl, FALSE, &free_offset) ? free_offset : 0;
}

/*
 * RtlAddAce - copies the ACEs of AceList (AceListLength bytes) into the ACL before ACE
 * number StartingAceIndex (MAXULONG or any index past the end appends).
 * @remarks Windows rules: the list must consist of whole ACEs; the ACL revision becomes
 * the larger of its own and AceRevision, and at least ACL_REVISION_DS when the list holds
 * an object ACE. STATUS_INVALID_PARAMETER for a malformed ACL or list,
 * STATUS_REVISION_MISMATCH for an AceRevision outside 2..4, STATUS_BUFFER_TOO_SMALL when
 * the ACEs do not fit (the ACL is then unchanged). A NULL Acl, or a NULL AceList with a
 * nonzero AceListLength, is STATUS_INVALID_PARAMETER.
 */
NTSTATUS RtlAddAce(PACL Acl, ULONG AceRevision, ULONG StartingAceIndex, PVOID AceList,
                   ULONG AceListLength)
{
    ULONG free_offset, offset, count = 0, insert_offset, i;
    UCHAR revision;

    if (Acl == NULL || (AceList == NULL && AceListLength != 0) || (free_offset = RtlpAclFirstFree(Acl)) == 0)
        return STATUS_INVALID_PARAMETER;
    if (!RTLP_ACL_REVISION_OK(AceRevision))
        return STATUS_REVISION_MISMATCH;
    revision = (UCHAR)(AceRevision > Acl->AclRevision ? AceRevision : Acl->AclRevision);
    for (offset = 0; offset < AceListLength; count++) {
        PACE_HEADER ace = (PACE_HEADER)((PUCHAR)AceList + offset);
        if (AceListLength - offset < sizeof(ACE_HEADER) || ace->AceSize < sizeof(ACE_HEADER) ||
            ace->AceSize > AceListLength - offset)
            return STATUS_INVALID_PARAMETER;
        if (RtlpIsObjectAceType(ace->AceType) && revision < ACL_REVISION_DS)
            revision = ACL_REVISION_DS;
        offset += ace->AceSize;
    }
    if ((ULONG)Acl->AceCount + count > 0xFFFF)
        return STATUS_INVALID_PARAMETER;
    if (AceListLength > (ULONG)Acl->AclSize - free_offset)
        return STATUS_BUFFER_TOO_SMALL;

    insert_offset = sizeof(ACL);
    for (i = 0; i < StartingAceIndex && i < Acl->AceCount; i++)
        insert_offset += ((PACE_HEADER)((PUCHAR)Acl + insert_offset))->AceSize;
    memmove((PUCHAR)Acl + insert_offset + AceListLength, (PUCHAR)Acl + insert_offset,
            free_offset - insert_offset);
    memcpy((PUCHAR)Acl + insert_offset, AceList, AceListLength);
    Acl->AceCount = (USHORT)(Acl->AceCount + count);
    Acl->AclRevision = revision;
    return STATUS_SUCCESS;
}

/*
 * RtlDeleteAce - removes ACE number AceIndex, moving later ACEs down and zeroing the freed
 * bytes. STATUS_INVALID_PARAMETER for a NULL or malformed ACL or an index >= AceCount.
 */
NTSTATUS RtlDeleteAce(PACL Acl, ULONG AceIndex)
{
    ULONG free_offset, offset;
    PACE_HEADER ace;
    USHORT size;
    if (Acl == NULL || (free_offset = RtlpAclFirstFree(Acl)) == 0 || AceIndex >= Acl->AceCount)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(RtlGetAce(Acl, AceIndex, (PVOID *)&ace)))
        return STATUS_INVALID_PARAMETER;
    offset = (ULONG)((PUCHAR)ace - (PUCHAR)Acl);
    size = ace->AceSize;
    memmove(ace, (PUCHAR)ace + size, free_offset - offset - size);
    memset((PUCHAR)Acl + free_offset - size, 0, size);
    Acl->AceCount--;
    return STATUS_SUCCESS;
}
