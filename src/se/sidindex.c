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
#include "se/accesschk.h"
#include "ex/pooltags.h"

#define SEP_INDEX_RESTRICTED 0x80000000u
#define SEP_INDEX_MAX_DISPLACEMENT 8u
#define SEP_INDEX_ATTEMPTS 6u

typedef struct _SEP_SID_INDEX_ENTRY {
    ULONG Hash;
    ULONG Where; /* 0: empty; else (position + 1) | SEP_INDEX_RESTRICTED for restricted SIDs */
} SEP_SID_INDEX_ENTRY;

typedef struct _SEP_SID_INDEX {
    ULONG Mask;                /* table size - 1 (size is a power of two) */
    ULONG UserAndGroupCount;   /* shape of the arrays it was built for */
    ULONG RestrictedSidCount;
    ULONG Seed;                /* hash seed of this table */
    ULONG MaxDisplacement;     /* largest distance of an entry from its home slot */
    ULONG Reserved;
    SEP_SID_INDEX_ENTRY Entries[]; /* Mask + 1 entries, then ULONG Next[UserAndGroupCount + RestrictedSidCount] */
} SEP_SID_INDEX, *PSEP_SID_INDEX;

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

/* The hash of a SID under Seed: sub-authorities two at a time go through a 64-bit
 * multiply-xor step (a bijection of the state for a fixed input and of the input for a
 * fixed state, so SIDs of one length differing in one pair never collide before the fold),
 * then the well-mixed high half is folded onto the slot bits. Every sub-authority counts.
 * Never 0. */
static inline ULONG SepSidHash(PSID Sid, ULONG Seed)
{
    const SID *s = (const SID *)Sid;
    ULONG n = s->SubAuthorityCount;
    const ULONG *sub = s->SubAuthority;
    ULONG64 h = ((ULONG64)Seed << 32) ^ ((ULONG)s->IdentifierAuthority.Value[5] << 8) ^ n;
    ULONG i = 0;
    for (; i + 1 < n; i += 2) {
        ULONG64 v;
        memcpy(&v, &sub[i], sizeof(v));
        h = (h ^ v) * 0x9E3779B97F4A7C15ull;
    }
    if (i < n)
        h = (h ^ sub[i]) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return (ULONG)(h >> 32) | 1;
}

static SIZE_T SepIndexSize(ULONG Slots, ULONG Sids)
{
    return sizeof(SEP_SID_INDEX) + (SIZE_T)Slots * sizeof(SEP_SID_INDEX_ENTRY) + (SIZE_T)Sids * sizeof(ULONG);
}

static inline ULONG *SepIndexNext(PSEP_SID_INDEX Index)
{
    return (ULONG *)&Index->Entries[Index->Mask + 1];
}

/* Position in Next[] of the SID that Where names. */
static inline ULONG SepIndexFlat(PSEP_SID_INDEX Index, ULONG Where)
{
    ULONG pos = (Where & ~SEP_INDEX_RESTRICTED) - 1;
    return (Where & SEP_INDEX_RESTRICTED) ? Index->UserAndGroupCount + pos : pos;
}

static inline PSID SepIndexSid(PTOKEN Token, ULONG Where)
{
    ULONG pos = (Where & ~SEP_INDEX_RESTRICTED) - 1;
    return (Where & SEP_INDEX_RESTRICTED) ? Token->RestrictedSids[pos].Sid : Token->UserAndGroups[pos].Sid;
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
        for (ULONG i = 0; i < Token->UserAndGroupCount; i++)
            SepIndexInsert(index, Token, Token->UserAndGroups[i].Sid, i + 1);
        for (ULONG i = 0; i < Token->RestrictedSidCount; i++)
            SepIndexInsert(index, Token, Token->RestrictedSids[i].Sid, (i + 1) | SEP_INDEX_RESTRICTED);
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

ULONG SepTokenSidMatch(PTOKEN Token, PSID Sid, BOOLEAN Restricted)
{
    PSEP_SID_INDEX index = Token->SidIndex;
    if (index == NULL)
        return SepTokenSidMatchLinear(Token, Sid, Restricted);
    ULONG h = SepSidHash(Sid, index->Seed);
    ULONG mask = index->Mask;
    ULONG cls = Restricted ? SEP_INDEX_RESTRICTED : 0;
    for (ULONG i = h & mask, d = 0;; i = (i + 1) & mask, d++) {
        const SEP_SID_INDEX_ENTRY *e = &index->Entries[i];
        /* Robin Hood: an entry nearer its home than d means Sid is absent. */
        if (e->Where == 0 || ((i - e->Hash) & mask) < d)
            return 0;
        if (e->Hash != h || (e->Where & SEP_INDEX_RESTRICTED) != cls ||
            !SepSidEqual(SepIndexSid(Token, e->Where), Sid))
            continue;
        /* Found: the entry and its duplicates (the same SID with other attributes). */
        const ULONG *next = SepIndexNext(index);
        ULONG match = 0;
        for (ULONG w = e->Where; w != 0; w = next[SepIndexFlat(index, w)]) {
            ULONG pos = (w & ~SEP_INDEX_RESTRICTED) - 1;
            if (Restricted)
                match |= SepEntryMatch(Token->RestrictedSids[pos].Attributes, TRUE);
            else
                match |= SepEntryMatch(Token->UserAndGroups[pos].Attributes, pos == 0);
        }
        return match;
    }
}
