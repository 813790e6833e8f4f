/*
 * sidindex.c - the access check's per-token SID index.
 *
 * A Robin Hood open-addressing hash table over every SID of the token (UserAndGroups and
 * RestrictedSids). Entries store the hash and a position in the token's arrays, never a
 * pointer, so a duplicate whose arrays have the same shape copies the table with one
 * memcpy (SepSidIndexClone) instead of rehashing. Attributes are not cached: the check
 * reads them live under the token lock, so SeAdjustGroups-style changes need no rebuild.
 *
 * Worst case (issue 15 section 4): token SIDs can come from the network (a PAC), so the
 * index must not degrade on chosen SID sets.
 *  - The hash mixes every sub-authority with a per-process secret seed (getrandom), so a
 *    sender cannot choose SIDs that collide.
 *  - A SID present several times (same SID, different attributes) has one table entry; the
 *    other positions hang off it in a chain (Next[]), so duplicates never form a cluster.
 *  - Robin Hood insertion bounds every entry's displacement from its home slot; a lookup
 *    stops as soon as it meets an entry closer to its home than the probe distance, so a
 *    miss costs no more than a hit. The build records the largest displacement; when it
 *    exceeds SEP_INDEX_MAX_DISPLACEMENT it rebuilds with another seed, then a larger
 *    table (bounded attempts). Building is linear in the SIDs (expected).
 *
 * The index is one pool block owned by the token ('SeIx'); SepSidIndexFree releases it.
 */
#include <sys/random.h>
#include <time.h>
#include "se/sidindex.h"
#include "ex/pooltags.h"

#define SEP_INDEX_MAX_DISPLACEMENT 8u
#define SEP_INDEX_ATTEMPTS 6u

static _Atomic ULONG SepIndexSecret;

/* The per-process secret, made on first use (any value is correct; only its secrecy matters). */
static ULONG SepIndexProcessSecret(void)
{
    ULONG s = atomic_load_explicit(&SepIndexSecret, memory_order_relaxed);
    if (s != 0)
        return s;
    if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        s = (ULONG)ts.tv_nsec ^ (ULONG)(ULONG_PTR)&ts ^ ((ULONG)ts.tv_sec << 16);
    }
    s |= 1;
    ULONG expected = 0;
    if (!atomic_compare_exchange_strong(&SepIndexSecret, &expected, s))
        s = expected;
    return s;
}

/* Filter bits for Sids SIDs: a power of two, at least 32 per SID (false positives about
 * 1 - e^(-1/32), 3 %) and at least 64. */
static ULONG SepFilterBits(ULONG Sids)
{
    ULONG bits = 64;
    while (bits < Sids * 32)
        bits <<= 1;
    return bits;
}

/* Where the filter starts: after Next[], 8-aligned. */
static SIZE_T SepFilterOffset(ULONG Slots, ULONG Sids)
{
    SIZE_T end = sizeof(SEP_SID_INDEX) + (SIZE_T)Slots * sizeof(SEP_SID_INDEX_ENTRY) +
                 (SIZE_T)Sids * sizeof(ULONG);
    return (end + 7) & ~(SIZE_T)7;
}

static SIZE_T SepIndexSize(ULONG Slots, ULONG Sids)
{
    return SepFilterOffset(Slots, Sids) + SepFilterBits(Sids) / 8;
}

static VOID SepFilterAdd(PSEP_SID_INDEX Index, PSID Sid)
{
    ULONG64 bit = SepSidFilterBit((const UCHAR *)Sid, Index->FilterSeed, Index->FilterShift);
    ULONG64 *filter = (ULONG64 *)((PUCHAR)Index + Index->FilterOffset);
    filter[bit >> 6] |= 1ull << (bit & 63);
}

/* Robin Hood insertion; a SID already present (same set) joins that entry's chain. */
static VOID SepIndexInsert(PSEP_SID_INDEX Index, PTOKEN Token, PSID Sid, ULONG Where)
{
    ULONG mask = Index->Mask;
    SEP_SID_INDEX_ENTRY cur = { SepSidHash(Sid, Index->Seed), Where };
    BOOLEAN carryingNew = TRUE;
    for (ULONG i = cur.Hash & mask, d = 0;; i = (i + 1) & mask, d++) {
        SEP_SID_INDEX_ENTRY *e = &Index->Entries[i];
        if (e->Where == 0) {
            *e = cur;
            if (d > Index->MaxDisplacement)
                Index->MaxDisplacement = d;
            return;
        }
        if (carryingNew && e->Hash == cur.Hash &&
            (e->Where & SEP_INDEX_RESTRICTED) == (Where & SEP_INDEX_RESTRICTED) &&
            SepSidEqual(SepIndexSid(Token, e->Where), Sid)) {
            ULONG *next = SepIndexNext(Index);
            next[SepIndexFlat(Index, Where)] = next[SepIndexFlat(Index, e->Where)];
            next[SepIndexFlat(Index, e->Where)] = Where;
            return;
        }
        ULONG ed = (i - e->Hash) & mask;
        if (ed < d) {
            SEP_SID_INDEX_ENTRY t = *e;
            *e = cur;
            if (d > Index->MaxDisplacement)
                Index->MaxDisplacement = d;
            cur = t;
            d = ed;
            carryingNew = FALSE;
        }
    }
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
    ULONG seed = SepIndexProcessSecret();
    PSEP_SID_INDEX index = NULL;
    for (ULONG attempt = 0; attempt < SEP_INDEX_ATTEMPTS; attempt++) {
        if (index != NULL)
            ExFreePool(index);
        if (attempt >= 2)
            slots <<= 1; /* two seeds failed: lower the load */
        SIZE_T size = SepIndexSize(slots, total);
        index = ExAllocatePoolWithTag(PagedPool, size, SEP_INDEX_TAG);
        if (index == NULL)
            return STATUS_NO_MEMORY;
        memset(index, 0, size);
        index->Mask = slots - 1;
        index->UserAndGroupCount = Token->UserAndGroupCount;
        index->RestrictedSidCount = Token->RestrictedSidCount;
        index->Seed = seed + attempt * 0x9E3779B9u;
        index->FilterOffset = (ULONG)SepFilterOffset(slots, total);
        index->FilterSeed = ((ULONG64)index->Seed << 32 | index->Seed) * SEP_HASH_MULTIPLIER;
        index->FilterShift = 64 - (ULONG)__builtin_ctz(SepFilterBits(total));
        for (ULONG i = 0; i < Token->UserAndGroupCount; i++) {
            SepIndexInsert(index, Token, Token->UserAndGroups[i].Sid, i + 1);
            SepFilterAdd(index, Token->UserAndGroups[i].Sid);
        }
        for (ULONG i = 0; i < Token->RestrictedSidCount; i++) {
            SepIndexInsert(index, Token, Token->RestrictedSids[i].Sid, (i + 1) | SEP_INDEX_RESTRICTED);
            SepFilterAdd(index, Token->RestrictedSids[i].Sid);
        }
        if (index->MaxDisplacement <= SEP_INDEX_MAX_DISPLACEMENT)
            break;
    }
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
    SIZE_T size = SepIndexSize(src->Mask + 1, src->UserAndGroupCount + src->RestrictedSidCount);
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

/* SepSidIndexWorstProbe - see accesschk.h. No lock needed: the index is immutable. */
ULONG SepSidIndexWorstProbe(PTOKEN Token)
{
    PSEP_SID_INDEX index = Token->SidIndex;
    return index ? index->MaxDisplacement + 2 : 0;
}

/* SepTokenDeviceSidMatch - how Sid matches Token's device groups (MS-DTYP 2.5.2
 * DeviceSIDs[]), by the same attribute rule as the normal set; linear (device groups are few). */
ULONG SepTokenDeviceSidMatch(PTOKEN Token, PSID Sid)
{
    ULONG match = 0;
    PTOKEN_GROUPS g = Token->DeviceGroups;
    for (ULONG i = 0; g != NULL && i < g->GroupCount; i++)
        if (SepSidEqual(g->Groups[i].Sid, Sid))
            match |= SepEntryMatch(g->Groups[i].Attributes, FALSE);
    return match;
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

/* SepTokenSidMatch - see accesschk.h; the access check's walk uses the inline form. */
ULONG SepTokenSidMatch(PTOKEN Token, PSID Sid, BOOLEAN Restricted)
{
    return SepTokenSidMatchInline(Token, Sid, Restricted);
}
