/*
 * aclwalk.h - the structural check of one ACE, inline so that the access check's DACL walk
 * (accesschk.c) checks each ACE as it reaches it instead of in a separate pass first
 * (issue 15 §3). SepValidateAclStructure (accesschk_sd.c) is the same check in a loop.
 * Private to src/se; nothing here takes or releases references.
 */
#ifndef NTSEC_SE_ACLWALK_H
#define NTSEC_SE_ACLWALK_H

#include "se/accesschk.h"
#include "se/sidindex.h"
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

/*
 * SepSkipUnmatchedAces - the untraced DACL walk's fast path (issue 15 §3). From the Index-th
 * ACE (*Ace, inside the ACL that ends at End) skips every ACE that changes nothing and moves
 * *Ace to the first one that may: returns its index (Count when every ACE was skipped). An
 * ACE is skipped when it is a plain ACCESS_ALLOWED or ACCESS_DENIED ACE (type 0 or 1), not
 * inherit-only, well formed by SepAceWellFormed's rules for these types (the same
 * conditions, tested on the header and the SID head loaded as words), its SID is not OWNER
 * RIGHTS (S-1-3-4 stands for the owner, whatever the token holds: any SID with its 8-byte
 * head stops here) and Filter, the filter of the token the walk checks, proves the SID in
 * none of the token's sets: the full walk would match nothing and go on. Every other ACE
 * stops the scan and is checked and decided by the walk as before (a SID the filter lets
 * through by chance costs one full step of the walk). Reads nothing past End; no references.
 */
static inline __attribute__((always_inline)) ULONG
SepSkipUnmatchedAces(PACE_HEADER *Ace, const UCHAR *End, ULONG Index, ULONG Count,
                     SEP_SID_FILTER Filter, PSEP_SID_INDEX SidIndex, PTOKEN Token, BOOLEAN Restricted,
                     PULONG Match)
{
    _Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ACE header and SID head read as words");
    const ULONG64 ownerRightsHead = (ULONG64)SID_REVISION | 1ull << 8 | 3ull << 56; /* S-1-3, 1 sub */
    const UCHAR *ace = (const UCHAR *)*Ace;
    for (; Index < Count; Index++) {
        SIZE_T room = (SIZE_T)(End - ace);
        if (room < 16) /* a header, a mask and a SID head */
            break;
        ULONG header; /* AceType, AceFlags, AceSize */
        memcpy(&header, ace, sizeof(header));
        ULONG size = header >> 16;
        /* 16 <= size <= room in one compare (room >= 16) */
        if ((header & (0xFEu | (ULONG)INHERIT_ONLY_ACE << 8 | 3u << 16)) != 0 ||
            (SIZE_T)size - 16 > room - 16)
            break;
        ULONG64 head; /* the SID's revision, count and authority */
        memcpy(&head, ace + 8, sizeof(head));
        ULONG subs = (ULONG)(head >> 8) & 0xFF;
        if ((head & 0xF0FF) != SID_REVISION || 16 + 4 * subs > size || head == ownerRightsHead)
            break;
        if (SepSidFilterMaybeLast(Filter, ace + 8 + 4 * subs)) {
            ULONG match = SepSidIndexProbe(SidIndex, Token, (PSID)(ace + 8), Restricted);
            if (match != 0) {
                *Match = match;
                break;
            }
        }
        ace += size;
    }
    *Ace = (PACE_HEADER)ace;
    return Index;
}

/* SepValidateAclTail - SepAceWellFormed for the ACEs of Acl from the Index-th (at Ace,
 * inside the ACL) to the last: STATUS_SUCCESS or STATUS_INVALID_ACL. */
NTSTATUS SepValidateAclTail(PACL Acl, ULONG Index, PACE_HEADER Ace);

#endif /* NTSEC_SE_ACLWALK_H */
