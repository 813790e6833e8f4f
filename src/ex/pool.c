/*
 * pool.c - pool allocation with a per-thread failure-injection seam.
 *
 * All of ntsec allocates through ExAllocatePoolWithTag so that a test can make the Nth
 * allocation of the calling thread fail (NtsecSetAllocationFailure) and check that every
 * routine returns its failure status with state unchanged.
 */
#include <stdlib.h>
#include <string.h>

#define EXP_CACHE_LINE 64
#include "ntsec.h"
#include "ob/obp.h"

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
 * ExAllocatePoolWithTag - returns NumberOfBytes of zeroed memory the caller frees with
 * ExFreePool(WithTag), or NULL when out of memory (or when a test injected a failure).
 * The *CacheAligned pool types return whole 64-byte cache lines, 64-byte aligned.
 */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    ExpAllocations++;
    if (ExpFailAt != 0 && --ExpFailAt == 0)
        return NULL;
    if (PoolType & NonPagedPoolCacheAligned) {
        SIZE_T size = (NumberOfBytes + EXP_CACHE_LINE - 1) & ~(SIZE_T)(EXP_CACHE_LINE - 1);
        PVOID p = aligned_alloc(EXP_CACHE_LINE, size ? size : EXP_CACHE_LINE);
        if (p != NULL)
            memset(p, 0, size ? size : EXP_CACHE_LINE);
        return p;
    }
    return calloc(1, NumberOfBytes ? NumberOfBytes : 1);
}

PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, 0x20206f4e /* 'No  ' */);
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    free(P);
}

VOID ExFreePool(PVOID P)
{
    free(P);
}

/* NtsecFree - frees a buffer an Ntsec* routine returned to the caller. NULL is ignored. */
VOID NtsecFree(PVOID Memory)
{
    free(Memory);
}
