/*
 * pool.c - the verifier's view of the pool: live blocks counted per tag, tag mismatches and
 * frees of memory that is no pool block (docs/verifier.md "Pool").
 *
 * Counting is lock-free: a fixed open-addressed table of tags (a slot is claimed once with a
 * compare-exchange and never released), each with atomic block and byte counts. Blocks
 * allocated while the verifier was off are never counted (src/ex/pool.c marks the block),
 * so turning the verifier on or off never makes a count go negative. A table that is full
 * counts the rest under one overflow slot rather than losing them.
 */
#include <stdio.h>
#include "ex/pooltags.h"
#include "verifier/vfp.h"

#define VFP_POOL_SLOTS 512 /* power of two */

typedef struct _VFP_POOL_SLOT {
    _Atomic unsigned long long Key; /* 0: free; else (1 << 32) | tag */
    _Atomic LONG_PTR Blocks;
    _Atomic LONG_PTR Bytes;
} VFP_POOL_SLOT;

static VFP_POOL_SLOT VfpPoolSlots[VFP_POOL_SLOTS];
static VFP_POOL_SLOT VfpPoolOverflow; /* tags beyond the table */

static VFP_POOL_SLOT *VfpPoolSlot(ULONG Tag)
{
    unsigned long long key = (1ULL << 32) | Tag;
    ULONG start = (Tag * 2654435761U) & (VFP_POOL_SLOTS - 1);
    for (ULONG i = 0; i < VFP_POOL_SLOTS; i++) {
        VFP_POOL_SLOT *s = &VfpPoolSlots[(start + i) & (VFP_POOL_SLOTS - 1)];
        unsigned long long seen = atomic_load_explicit(&s->Key, memory_order_acquire);
        if (seen == key)
            return s;
        if (seen == 0) {
            if (atomic_compare_exchange_strong(&s->Key, &seen, key) || seen == key)
                return s;
        }
    }
    return &VfpPoolOverflow;
}

VOID VfPoolAllocated(ULONG Tag, SIZE_T Size)
{
    VFP_POOL_SLOT *s = VfpPoolSlot(Tag);
    atomic_fetch_add_explicit(&s->Blocks, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->Bytes, (LONG_PTR)Size, memory_order_relaxed);
}

VOID VfPoolFreed(ULONG Tag, SIZE_T Size)
{
    VFP_POOL_SLOT *s = VfpPoolSlot(Tag);
    atomic_fetch_sub_explicit(&s->Blocks, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&s->Bytes, (LONG_PTR)Size, memory_order_relaxed);
}

/* "'Tokn'" for a tag whose four bytes print (NT's tags are four characters, low byte
 * first); otherwise "0x6e6b6f54". */
static VOID VfpFormatTag(ULONG Tag, PSTR Buffer, SIZE_T Size)
{
    char c[4];
    for (int i = 0; i < 4; i++) {
        c[i] = (char)((Tag >> (8 * i)) & 0xFF);
        if (c[i] < 0x20 || c[i] > 0x7E) {
            snprintf(Buffer, Size, "0x%08x", (unsigned)Tag);
            return;
        }
    }
    snprintf(Buffer, Size, "'%c%c%c%c'", c[0], c[1], c[2], c[3]);
}

LONG_PTR NtsecPoolBlocksInUse(ULONG Tag, PSIZE_T Bytes)
{
    VFP_POOL_SLOT *s = VfpPoolSlot(Tag);
    if (Bytes != NULL)
        *Bytes = (SIZE_T)atomic_load_explicit(&s->Bytes, memory_order_relaxed);
    return atomic_load_explicit(&s->Blocks, memory_order_relaxed);
}

VOID VfReportPoolTagMismatch(PCSTR Routine, PVOID Block, ULONG BlockTag, ULONG CallerTag)
{
    if (!VfIsEnabled())
        return;
    char have[16], named[16], msg[256];
    VfpFormatTag(BlockTag, have, sizeof(have));
    VfpFormatTag(CallerTag, named, sizeof(named));
    snprintf(msg, sizeof(msg),
             "%s(%p, %s) frees a pool block allocated with tag %s. The block is freed; the "
             "caller names the wrong block or the wrong tag.", Routine, Block, named, have);
    VfpDeliver(NtsecFindingPoolTagMismatch, NtsecSeverityError, Routine, Block, "pool block", NULL, msg);
}

VOID VfReportBadPoolBlock(PCSTR Routine, PVOID Block)
{
    char msg[256];
    snprintf(msg, sizeof(msg),
             "%s(%p): the memory is no live pool block (freed twice, or never allocated by "
             "ExAllocatePoolWithTag). It is not freed.", Routine, Block);
    if (VfIsEnabled()) {
        VfpDeliver(NtsecFindingBadPoolBlock, NtsecSeverityError, Routine, Block, "pool block", NULL, msg);
        return;
    }
    /* Without the verifier a bad free still must not pass silently. */
    KeBugCheckEx(BAD_POOL_CALLER, 0x46, (ULONG_PTR)Block, 0, 0);
}

/* Tags of what the library keeps for the process's life by design, not on anyone's behalf,
 * so at shutdown they say nothing about the caller: the ksec handle table's chunks, never
 * freed (a lookup reads a chunk without a global lock, src/ksec/handles.c; a handle still
 * open is seen by what its object holds), and the host backend's base identity, which
 * threads still running after NtsecShutdown go back to. */
static BOOLEAN VfpPoolTagIsPermanent(ULONG Tag)
{
    return Tag == KSECP_TABLE_TAG || Tag == HOSTP_BASE_TAG;
}

ULONG VfReportPoolUsage(VOID)
{
    ULONG reported = 0;
    for (ULONG i = 0; i <= VFP_POOL_SLOTS; i++) {
        VFP_POOL_SLOT *s = i < VFP_POOL_SLOTS ? &VfpPoolSlots[i] : &VfpPoolOverflow;
        unsigned long long key = atomic_load(&s->Key);
        LONG_PTR blocks = atomic_load(&s->Blocks), bytes = atomic_load(&s->Bytes);
        if (blocks <= 0 || (i < VFP_POOL_SLOTS && (key == 0 || VfpPoolTagIsPermanent((ULONG)key))))
            continue;
        char tag[16], msg[256];
        if (i < VFP_POOL_SLOTS)
            VfpFormatTag((ULONG)key, tag, sizeof(tag));
        else
            snprintf(tag, sizeof(tag), "(other tags)");
        snprintf(msg, sizeof(msg), "pool tag %s: %ld block(s), %ld bytes still in use at shutdown.", tag,
                 (long)blocks, (long)bytes);
        VfpDeliver(NtsecFindingPoolInUse, NtsecSeverityHint, "NtsecShutdown", NULL, "pool block", NULL, msg);
        reported++;
    }
    return reported;
}
