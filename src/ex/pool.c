/*
 * pool.c - pool allocation: tagged blocks with a per-thread failure-injection seam.
 *
 * All of ntsec allocates through ExAllocatePoolWithTag so that a test can make the Nth
 * allocation of the calling thread fail (NtsecSetAllocationFailure) and check that every
 * routine returns its failure status with state unchanged.
 *
 * Every block carries a header just before the caller's bytes recording its tag and size,
 * as NT's pool does: ExFreePoolWithTag checks the tag (a mismatch is a verifier finding,
 * NtsecFindingPoolTagMismatch; the block is still freed, as it is the caller's), and while
 * the verifier is on, live blocks are counted per tag (src/verifier/pool.c) so the leak
 * report names what is left by tag (docs/verifier.md). The header keeps the alignment of
 * malloc (16 bytes); the *CacheAligned types still return whole 64-byte aligned lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXP_CACHE_LINE 64
#include "ntsec.h"
#include "ntsec_testing.h"
#include "ex/exp.h"
#include "ob/obp.h"
#include "verifier/vf.h"
#include "ex/pooltags.h"

#define EXP_POOL_MAGIC 0x6c6f6f50UL /* 'Pool' */
#define EXP_POOL_TRACKED 0x1UL      /* counted by the verifier when allocated */

typedef struct _EXP_POOL_HEADER {
    ULONG Magic;
    ULONG Tag;
    ULONG Flags;
    ULONG Offset; /* bytes from the start of the allocation to the caller's block */
    SIZE_T Size;  /* the caller's NumberOfBytes */
    SIZE_T Reserved;
} EXP_POOL_HEADER, *PEXP_POOL_HEADER;

_Static_assert(sizeof(EXP_POOL_HEADER) % 16 == 0, "pool header keeps 16-byte alignment");
_Static_assert(sizeof(EXP_POOL_HEADER) <= EXP_CACHE_LINE, "pool header fits before a cache line");

static NTSEC_HOT_TLS ULONG ExpFailAt;      /* 0 = off; else countdown to the failing allocation */
static NTSEC_HOT_TLS ULONG ExpAllocations; /* allocations made by this thread */

VOID NtsecSetAllocationFailure(ULONG FailAt)
{
    ExpFailAt = FailAt;
}

ULONG NtsecAllocationCount(VOID)
{
    return ExpAllocations;
}

/*
 * ExAllocatePoolWithTag - returns NumberOfBytes of zeroed memory tagged Tag, which the caller
 * frees with ExFreePoolWithTag(P, Tag) or ExFreePool, or NULL when out of memory (or when a
 * test injected a failure). The *CacheAligned pool types return whole 64-byte cache lines,
 * 64-byte aligned.
 */
/* The header of a block at Base + Offset (the caller's bytes); counts it for the verifier. */
static PVOID ExpFinishBlock(PUCHAR Base, SIZE_T Offset, SIZE_T NumberOfBytes, ULONG Tag)
{
    PEXP_POOL_HEADER h = (PEXP_POOL_HEADER)(Base + Offset - sizeof(EXP_POOL_HEADER));
    h->Magic = EXP_POOL_MAGIC;
    h->Tag = Tag;
    h->Offset = (ULONG)Offset;
    h->Size = NumberOfBytes;
    if (VfIsEnabled()) {
        h->Flags = EXP_POOL_TRACKED;
        VfPoolAllocated(Tag, NumberOfBytes);
    }
    return Base + Offset;
}

/* TRUE if the test seam fails this allocation (counts it either way). */
static inline BOOLEAN ExpInjectedFailure(VOID)
{
    ExpAllocations++;
    return ExpFailAt != 0 && --ExpFailAt == 0;
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    if (ExpInjectedFailure())
        return NULL;
    SIZE_T offset = sizeof(EXP_POOL_HEADER), size = NumberOfBytes ? NumberOfBytes : 1;
    PUCHAR base;
    if (PoolType & NonPagedPoolCacheAligned) {
        offset = EXP_CACHE_LINE;
        size = (size + EXP_CACHE_LINE - 1) & ~(SIZE_T)(EXP_CACHE_LINE - 1);
        if (size > SIZE_MAX - offset)
            return NULL;
        base = aligned_alloc(EXP_CACHE_LINE, offset + size);
        if (base != NULL)
            memset(base, 0, offset + size);
    } else {
        if (size > SIZE_MAX - offset)
            return NULL;
        base = calloc(1, offset + size);
    }
    if (base == NULL)
        return NULL;
    return ExpFinishBlock(base, offset, NumberOfBytes, Tag);
}

/*
 * ExpAllocatePoolLines - see exp.h: whole cache lines no other block shares, the pool header
 * inside the first of them.
 */
/* ExpCopyString - see exp.h. */
PSTR ExpCopyString(PCSTR Text, ULONG Tag)
{
    SIZE_T n = strlen(Text) + 1;
    PSTR copy = ExAllocatePoolWithTag(PagedPool, n, Tag);
    if (copy != NULL)
        memcpy(copy, Text, n);
    return copy;
}

PVOID ExpAllocatePoolLines(SIZE_T NumberOfBytes, ULONG Tag)
{
    if (ExpInjectedFailure())
        return NULL;
    SIZE_T offset = sizeof(EXP_POOL_HEADER), size = NumberOfBytes ? NumberOfBytes : 1;
    if (size > SIZE_MAX - offset - EXP_CACHE_LINE)
        return NULL;
    size = (offset + size + EXP_CACHE_LINE - 1) & ~(SIZE_T)(EXP_CACHE_LINE - 1);
    PUCHAR base = aligned_alloc(EXP_CACHE_LINE, size);
    if (base == NULL)
        return NULL;
    memset(base, 0, size);
    return ExpFinishBlock(base, offset, NumberOfBytes, Tag);
}

PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, EXP_UNTAGGED_TAG);
}

/* ExpFree - frees P; CheckTag: the caller named Tag, which must be the block's. */
static VOID ExpFree(PVOID P, BOOLEAN CheckTag, ULONG Tag, PCSTR Routine)
{
    if (P == NULL)
        return;
    PEXP_POOL_HEADER h = (PEXP_POOL_HEADER)((PUCHAR)P - sizeof(EXP_POOL_HEADER));
    if (h->Magic != EXP_POOL_MAGIC) {
        /* Not a pool block (or already freed): freeing it would corrupt the heap. */
        VfReportBadPoolBlock(Routine, P);
        return;
    }
    /* Tag 0 checks nothing: the WDK defines ExFreePool as ExFreePoolWithTag(P, 0). */
    if (CheckTag && Tag != 0 && h->Tag != Tag)
        VfReportPoolTagMismatch(Routine, P, h->Tag, Tag);
    if (h->Flags & EXP_POOL_TRACKED)
        VfPoolFreed(h->Tag, h->Size);
    h->Magic = 0;
    free((PUCHAR)P - h->Offset);
}

/* ExAllocatePoolWithQuotaTag - see ntex.h: ExAllocatePoolWithTag without the modifier bits. */
PVOID ExAllocatePoolWithQuotaTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return ExAllocatePoolWithTag((POOL_TYPE)(PoolType & ~(POOL_QUOTA_FAIL_INSTEAD_OF_RAISE |
                                                          POOL_RAISE_IF_ALLOCATION_FAILURE)),
                                 NumberOfBytes, Tag);
}

PVOID ExAllocatePoolWithQuota(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return ExAllocatePoolWithQuotaTag(PoolType, NumberOfBytes, EXP_UNTAGGED_TAG);
}

/* ExpPoolBlockSize - the NumberOfBytes P was allocated with (P: a live pool block). */
SIZE_T ExpPoolBlockSize(PVOID P)
{
    PEXP_POOL_HEADER h = (PEXP_POOL_HEADER)((PUCHAR)P - sizeof(EXP_POOL_HEADER));
    return h->Magic == EXP_POOL_MAGIC ? h->Size : 0;
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    ExpFree(P, TRUE, Tag, "ExFreePoolWithTag");
}

VOID ExFreePool(PVOID P)
{
    ExpFree(P, FALSE, 0, "ExFreePool");
}

/* NtsecFree - frees a buffer an Ntsec* routine returned to the caller (a pool block of the
 * routine's tag). NULL is ignored. */
VOID NtsecFree(PVOID Memory)
{
    ExpFree(Memory, FALSE, 0, "NtsecFree");
}
