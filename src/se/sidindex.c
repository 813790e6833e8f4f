/*
 * sidindex.c - the access check's per-token SID index.
 *
 * An open-addressing hash table over every SID of the token (UserAndGroups and
 * RestrictedSids). Entries store the hash and a position in the token's arrays, never a
 * pointer, so a duplicate whose arrays have the same shape copies the table with one
 * memcpy (SepSidIndexClone) instead of rehashing. Attributes are not cached: the check
 * reads them live under the token lock, so SeAdjustGroups-style changes need no rebuild.
 *
 * The index is one pool block owned by the token ('SeIx'); SepSidIndexFree releases it.
 */
#include "se/accesschk.h"

#define SEP_INDEX_TAG 0x78496553 /* 'SeIx' */
#define SEP_INDEX_RESTRICTED 0x80000000u

typedef struct _SEP_SID_INDEX_ENTRY {
    ULONG Hash;
    ULONG Where; /* 0: empty; else (position + 1) | SEP_INDEX_RESTRICTED for restricted SIDs */
} SEP_SID_INDEX_ENTRY;

typedef struct _SEP_SID_INDEX {
    ULONG Mask;                /* table size - 1 (size is a power of two) */
    ULONG UserAndGroupCount;   /* shape of the arrays it was built for */
    ULONG RestrictedSidCount;
    ULONG Reserved;
    SEP_SID_INDEX_ENTRY Entries[];
} SEP_SID_INDEX, *PSEP_SID_INDEX;

/* A cheap hash of a SID: domain SIDs differ in the last RID, well-known ones in the
 * authority and first RID; the count separates prefixes. Never 0 (0 marks nothing). */
static inline ULONG SepSidHash(PSID Sid)
{
    const SID *s = (const SID *)Sid;
    ULONG n = s->SubAuthorityCount;
    ULONG h = (ULONG)s->IdentifierAuthority.Value[5] * 0x01000193u ^ (n << 20);
    if (n) {
        h ^= s->SubAuthority[0] * 0x9E3779B1u;
        h ^= s->SubAuthority[n - 1] * 0x85EBCA77u;
        if (n > 2)
            h ^= s->SubAuthority[n - 2] * 0xC2B2AE3Du;
    }
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    return h | 1;
}

static SIZE_T SepIndexSize(ULONG Slots)
{
    return sizeof(SEP_SID_INDEX) + (SIZE_T)Slots * sizeof(SEP_SID_INDEX_ENTRY);
}

static VOID SepIndexInsert(PSEP_SID_INDEX Index, PSID Sid, ULONG Where)
{
    ULONG h = SepSidHash(Sid);
    ULONG i = h & Index->Mask;
    while (Index->Entries[i].Where != 0)
        i = (i + 1) & Index->Mask;
    Index->Entries[i].Hash = h;
    Index->Entries[i].Where = Where;
}

/*
 * SepSidIndexBuild - builds Token->SidIndex from the token's arrays. Called by
 * SepCreateToken after the arrays are filled, before the token is published. On
 * STATUS_NO_MEMORY Token->SidIndex stays NULL (lookups fall back to a linear scan, which
 * is correct, only slower); no references are taken.
 */
NTSTATUS SepSidIndexBuild(PTOKEN Token)
{
    Token->SidIndex = NULL;
    ULONG total = Token->UserAndGroupCount + Token->RestrictedSidCount;
    ULONG slots = 16;
    while (slots < total * 2)
        slots <<= 1;
    PSEP_SID_INDEX index = ExAllocatePoolWithTag(PagedPool, SepIndexSize(slots), SEP_INDEX_TAG);
    if (index == NULL)
        return STATUS_NO_MEMORY;
    index->Mask = slots - 1;
    index->UserAndGroupCount = Token->UserAndGroupCount;
    index->RestrictedSidCount = Token->RestrictedSidCount;
    for (ULONG i = 0; i < Token->UserAndGroupCount; i++)
        SepIndexInsert(index, Token->UserAndGroups[i].Sid, i + 1);
    for (ULONG i = 0; i < Token->RestrictedSidCount; i++)
        SepIndexInsert(index, Token->RestrictedSids[i].Sid, (i + 1) | SEP_INDEX_RESTRICTED);
    Token->SidIndex = index;
    return STATUS_SUCCESS;
}

/*
 * SepSidIndexClone - gives NewToken (a duplicate of Source whose variable block was copied)
 * its index. @remarks When the arrays kept their shape (no EffectiveOnly filtering) the
 * table is copied byte for byte - positions stay valid; otherwise it is rebuilt.
 */
NTSTATUS SepSidIndexClone(PTOKEN Source, PTOKEN NewToken)
{
    PSEP_SID_INDEX src = Source->SidIndex;
    NewToken->SidIndex = NULL;
    if (src == NULL || src->UserAndGroupCount != NewToken->UserAndGroupCount ||
        src->RestrictedSidCount != NewToken->RestrictedSidCount ||
        Source->UserAndGroupCount != NewToken->UserAndGroupCount)
        return SepSidIndexBuild(NewToken);
    SIZE_T size = SepIndexSize(src->Mask + 1);
    PSEP_SID_INDEX copy = ExAllocatePoolWithTag(PagedPool, size, SEP_INDEX_TAG);
    if (copy == NULL)
        return STATUS_NO_MEMORY;
    memcpy(copy, src, size);
    NewToken->SidIndex = copy;
    return STATUS_SUCCESS;
}

/* SepSidIndexFree - releases Token->SidIndex (token deletion). */
VOID SepSidIndexFree(PTOKEN Token)
{
    if (Token->SidIndex)
        ExFreePool(Token->SidIndex);
    Token->SidIndex = NULL;
}

/*
 * How one token entry matches ACEs. @remarks MS-DTYP 2.5.3.2 SidInToken: an allow ACE
 * needs the SID enabled; a deny ACE also matches SE_GROUP_USE_FOR_DENY_ONLY entries. The
 * user entry (index 0) carries no SE_GROUP_ENABLED bit but is always enabled unless marked
 * deny-only. Integrity SIDs never match DACL ACEs. Restricted SIDs are enabled unless
 * deny-only.
 */
static inline ULONG SepEntryMatch(ULONG Attributes, BOOLEAN AlwaysEnabled)
{
    if (Attributes & SE_GROUP_USE_FOR_DENY_ONLY)
        return SEP_MATCH_DENY;
    if (Attributes & SE_GROUP_INTEGRITY)
        return 0;
    if (AlwaysEnabled || (Attributes & SE_GROUP_ENABLED))
        return SEP_MATCH_ALLOW | SEP_MATCH_DENY;
    return 0;
}

ULONG SepTokenSidMatchLinear(PTOKEN Token, PSID Sid, BOOLEAN Restricted)
{
    ULONG match = 0;
    if (Restricted) {
        for (ULONG i = 0; i < Token->RestrictedSidCount; i++)
            if (SepSidEqual(Token->RestrictedSids[i].Sid, Sid))
                match |= SepEntryMatch(Token->RestrictedSids[i].Attributes, TRUE);
    } else {
        for (ULONG i = 0; i < Token->UserAndGroupCount; i++)
            if (SepSidEqual(Token->UserAndGroups[i].Sid, Sid))
                match |= SepEntryMatch(Token->UserAndGroups[i].Attributes, i == 0);
    }
    return match;
}

ULONG SepTokenSidMatch(PTOKEN Token, PSID Sid, BOOLEAN Restricted)
{
    PSEP_SID_INDEX index = Token->SidIndex;
    if (index == NULL)
        return SepTokenSidMatchLinear(Token, Sid, Restricted);
    ULONG h = SepSidHash(Sid);
    ULONG match = 0;
    /* Duplicates (the same SID twice with different attributes) are all visited. */
    for (ULONG i = h & index->Mask;; i = (i + 1) & index->Mask) {
        const SEP_SID_INDEX_ENTRY *e = &index->Entries[i];
        if (e->Where == 0)
            return match;
        if (e->Hash != h || ((e->Where & SEP_INDEX_RESTRICTED) != 0) != Restricted)
            continue;
        ULONG pos = (e->Where & ~SEP_INDEX_RESTRICTED) - 1;
        if (Restricted) {
            if (SepSidEqual(Token->RestrictedSids[pos].Sid, Sid))
                match |= SepEntryMatch(Token->RestrictedSids[pos].Attributes, TRUE);
        } else if (SepSidEqual(Token->UserAndGroups[pos].Sid, Sid)) {
            match |= SepEntryMatch(Token->UserAndGroups[pos].Attributes, pos == 0);
        }
    }
}
