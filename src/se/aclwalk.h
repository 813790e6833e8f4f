/*
 * aclwalk.h - the structural check of one ACE, inline so that the access check's DACL walk
 * (accesschk.c) checks each ACE as it reaches it instead of in a separate pass first
 * (issue 15 §3). SepValidateAclStructure (accesschk_sd.c) is the same check in a loop.
 * Private to src/se; nothing here takes or releases references.
 */
#ifndef NTSEC_SE_ACLWALK_H
#define NTSEC_SE_ACLWALK_H

#include "se/accesschk.h"
#include "rtl/rtlp.h"

/* Offset of the SID inside an ACE, or 0 when the type carries none we understand. The
 * caller has checked that an object ACE holds its Flags (12 bytes). */
static inline ULONG SepAceSidOffset(const ACE_HEADER *Ace)
{
    if (RtlpIsObjectAceType(Ace->AceType)) {
        ULONG flags = ((const ACCESS_ALLOWED_OBJECT_ACE *)Ace)->Flags;
        ULONG off = 12;
        if (flags & ACE_OBJECT_TYPE_PRESENT)
            off += sizeof(GUID);
        if (flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
            off += sizeof(GUID);
        return off;
    }
    if (Ace->AceType == ACCESS_ALLOWED_COMPOUND_ACE_TYPE || Ace->AceType > ACCESS_MAX_MS_V5_ACE_TYPE)
        return 0;
    return 8;
}

/* The ACL header: a known revision and room for the header itself. */
static inline BOOLEAN SepAclHeaderValid(const ACL *Acl)
{
    return Acl->AclRevision >= MIN_ACL_REVISION && Acl->AclRevision <= MAX_ACL_REVISION &&
           Acl->AclSize >= sizeof(ACL);
}

/*
 * SepAceWellFormed - @remarks RtlValidAcl's rules for one ACE, of which Room bytes (up to
 * the ACL's AclSize) are readable: the header fits, AceSize is at least the header, a
 * multiple of 4 (MS-DTYP 2.4.4.1: ACEs stay DWORD aligned) and inside Room; an object ACE
 * holds its Flags (offset 8, MS-DTYP 2.4.4.3) before they are read to find the SID; a
 * known ACE type holds a whole, valid SID inside AceSize.
 */
static inline __attribute__((always_inline)) BOOLEAN SepAceWellFormed(const ACE_HEADER *Ace, SIZE_T Room)
{
    if (Room < sizeof(ACE_HEADER))
        return FALSE;
    ULONG size = Ace->AceSize;
    if ((size & 3) != 0 || size > Room)
        return FALSE;
    ULONG sidOff = 8;
    if (Ace->AceType > SYSTEM_ALARM_ACE_TYPE) { /* types 0-3: the SID at 8, the common case */
        if (size < sizeof(ACE_HEADER) || (RtlpIsObjectAceType(Ace->AceType) && size < 12))
            return FALSE;
        sidOff = SepAceSidOffset(Ace);
        if (sidOff == 0)
            return TRUE;
    }
    /* RtlpValidSidBounded((PUCHAR)Ace + sidOff, size - sidOff), with sidOff < size: the
     * head inside the ACE before it is read (this also gives size >= the header), then
     * revision 1 and at most 15 sub-authorities in one compare (SID_REVISION is 1,
     * SID_MAX_SUB_AUTHORITIES 15: the count's high nibble must be 0), all inside the ACE. */
    if (sidOff + 8 > size)
        return FALSE;
    const UCHAR *sid = (const UCHAR *)Ace + sidOff;
    ULONG head = sid[0] | (ULONG)sid[1] << 8;
    _Static_assert(SID_REVISION == 1 && SID_MAX_SUB_AUTHORITIES == 15, "one-compare SID head test");
    return (head & 0xF0FF) == SID_REVISION && sidOff + 8 + 4 * (ULONG)sid[1] <= size;
}

/* SepValidateAclTail - SepAceWellFormed for the ACEs of Acl from the Index-th (at Ace,
 * inside the ACL) to the last: STATUS_SUCCESS or STATUS_INVALID_ACL. */
NTSTATUS SepValidateAclTail(PACL Acl, ULONG Index, PACE_HEADER Ace);

#endif /* NTSEC_SE_ACLWALK_H */
