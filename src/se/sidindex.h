/*
 * sidindex.h - the per-token SID index's layout and its lookup, inline so the access
 * check's ACL walk (accesschk.c) probes the table without a call per ACE (issue 15 §3).
 * Building, cloning and freeing are in sidindex.c, which describes the design (Robin Hood
 * open addressing, a secret seed, duplicates chained off one entry). Private to src/se.
 */
#ifndef NTSEC_SE_SIDINDEX_H
#define NTSEC_SE_SIDINDEX_H

#include "se/accesschk.h"

#define SEP_INDEX_RESTRICTED 0x80000000u

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
    ULONG FilterShift;         /* 64 - log2(filter bits) */
    ULONG FilterOffset;        /* bytes from the index to the filter (8-aligned) */
    ULONG Reserved;
    ULONG64 FilterSeed;        /* the filter's key, from Seed */
    SEP_SID_INDEX_ENTRY Entries[]; /* Mask + 1 entries, then ULONG Next[UserAndGroupCount +
                                    * RestrictedSidCount], then the filter's ULONG64 words */
} SEP_SID_INDEX, *PSEP_SID_INDEX;

#define SEP_HASH_MULTIPLIER 0x9E3779B97F4A7C15ull

/* The hash of a SID under Seed: the 8-byte head (revision, count, authority) and then the
 * sub-authorities two at a time go through a 64-bit multiply-xor step (a bijection of the
 * state for a fixed input and of the input for a fixed state, so SIDs of one length that
 * differ in one word never collide before the fold), then the well-mixed high half is
 * folded onto the slot bits. Every byte of the SID counts. Never 0. The SID must be valid
 * (8 + 4 * SubAuthorityCount readable bytes). */
static inline ULONG SepSidHash(PSID Sid, ULONG Seed)
{
    const UCHAR *p = (const UCHAR *)Sid;
    ULONG n = p[1];
    ULONG64 w;
    memcpy(&w, p, sizeof(w));
    ULONG64 h = (((ULONG64)Seed << 32) ^ w) * SEP_HASH_MULTIPLIER;
    p += 8;
    for (; n >= 2; n -= 2, p += 8) {
        memcpy(&w, p, sizeof(w));
        h = (h ^ w) * SEP_HASH_MULTIPLIER;
    }
    if (n) {
        ULONG last;
        memcpy(&last, p, sizeof(last));
        h = (h ^ last) * SEP_HASH_MULTIPLIER;
    }
    h ^= h >> 29;
    return (ULONG)(h >> 32) | 1;
}

/*
 * The filter: a bit per (keyed) value of a SID's last 8 bytes - for a domain SID its last two
 * sub-authorities - set for every SID of the token. Most ACE SIDs are not in a given token;
 * a clear bit proves that with one multiply and one load, without hashing the whole SID or
 * probing the table. A set bit proves nothing: the full lookup follows, so a SID set chosen
 * to set every bit (or one sharing the ACL's last sub-authorities) costs at most this test
 * more than no filter. The filter has at least 32 bits per SID (4 bytes; the table has 16 per SID).
 */
static inline ULONG64 SepSidFilterBitLast(const UCHAR *Last8, ULONG64 Seed, ULONG Shift)
{
    ULONG64 w;
    memcpy(&w, Last8, sizeof(w));
    return ((w ^ Seed) * SEP_HASH_MULTIPLIER) >> Shift;
}
static inline ULONG64 SepSidFilterBit(const UCHAR *Sid, ULONG64 Seed, ULONG Shift)
{
    return SepSidFilterBitLast(Sid + 4 * (ULONG)Sid[1], Seed, Shift); /* the last 8 of the 8 + 4n bytes */
}

/* The filter's words, key and shift, which a walk over many ACEs keeps in registers. */
typedef struct _SEP_SID_FILTER {
    const ULONG64 *Words;
    ULONG64 Seed;
    ULONG Shift;
} SEP_SID_FILTER;

static inline SEP_SID_FILTER SepSidIndexFilter(PSEP_SID_INDEX Index)
{
    SEP_SID_FILTER f = {(const ULONG64 *)((const UCHAR *)Index + Index->FilterOffset),
                        Index->FilterSeed, Index->FilterShift};
    return f;
}

/* FALSE: the SID whose last 8 bytes are at Last8 is in none of the token's sets. TRUE: it
 * may be (look it up). */
static inline BOOLEAN SepSidFilterMaybeLast(SEP_SID_FILTER Filter, const UCHAR *Last8)
{
    ULONG64 bit = SepSidFilterBitLast(Last8, Filter.Seed, Filter.Shift);
    return (Filter.Words[bit >> 6] >> (bit & 63)) & 1;
}
static inline BOOLEAN SepSidFilterMaybe(SEP_SID_FILTER Filter, PSID Sid)
{
    return SepSidFilterMaybeLast(Filter, (const UCHAR *)Sid + 4 * (ULONG)((const UCHAR *)Sid)[1]);
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

/* The match of the entry Where names and of its duplicates (the same SID, other attributes). */
static inline ULONG SepIndexChainMatch(PSEP_SID_INDEX Index, PTOKEN Token, ULONG Where)
{
    const ULONG *next = SepIndexNext(Index);
    ULONG match = 0;
    for (ULONG w = Where; w != 0; w = next[SepIndexFlat(Index, w)]) {
        ULONG pos = (w & ~SEP_INDEX_RESTRICTED) - 1;
        if (w & SEP_INDEX_RESTRICTED)
            match |= SepEntryMatch(Token->RestrictedSids[pos].Attributes, TRUE);
        else
            match |= SepEntryMatch(Token->UserAndGroups[pos].Attributes, pos == 0);
    }
    return match;
}

/*
 * SepSidIndexProbe - SepTokenSidMatch through Index (Token->SidIndex, not NULL) once the
 * filter let Sid pass: one probe sequence from the SID's home slot. Robin Hood: an entry
 * nearer its home than the probe distance means Sid is absent. The caller holds the token
 * lock shared; no references.
 */
static inline __attribute__((always_inline)) ULONG
SepSidIndexProbe(PSEP_SID_INDEX Index, PTOKEN Token, PSID Sid, BOOLEAN Restricted)
{
    ULONG h = SepSidHash(Sid, Index->Seed);
    ULONG mask = Index->Mask;
    ULONG cls = Restricted ? SEP_INDEX_RESTRICTED : 0;
    for (ULONG i = h & mask, d = 0;; i = (i + 1) & mask, d++) {
        const SEP_SID_INDEX_ENTRY *e = &Index->Entries[i];
        if (e->Where == 0 || ((i - e->Hash) & mask) < d)
            return 0;
        if (e->Hash == h && (e->Where & SEP_INDEX_RESTRICTED) == cls &&
            SepSidEqual(SepIndexSid(Token, e->Where), Sid))
            return SepIndexChainMatch(Index, Token, e->Where);
    }
}

/* SepSidIndexMatch - the filter, then the probe. */
static inline __attribute__((always_inline)) ULONG
SepSidIndexMatch(PSEP_SID_INDEX Index, PTOKEN Token, PSID Sid, BOOLEAN Restricted)
{
    if (!SepSidFilterMaybe(SepSidIndexFilter(Index), Sid))
        return 0;
    return SepSidIndexProbe(Index, Token, Sid, Restricted);
}

/* SepTokenSidMatch inline: the index when the token has one, else the linear scan. */
static inline __attribute__((always_inline)) ULONG
SepTokenSidMatchInline(PTOKEN Token, PSID Sid, BOOLEAN Restricted)
{
    PSEP_SID_INDEX index = Token->SidIndex;
    if (__builtin_expect(index == NULL, 0))
        return SepTokenSidMatchLinear(Token, Sid, Restricted);
    return SepSidIndexMatch(index, Token, Sid, Restricted);
}

#endif /* NTSEC_SE_SIDINDEX_H */
