/*
 * handles.c - the one handle table of the ksecdd layer: credential and context handles
 * (docs/sspi.md "Handles").
 *
 * An object lives in a slot. Slots come in chunks of KSECP_CHUNK_SLOTS that are allocated on
 * demand and never freed or moved, so a lookup reads a chunk pointer without any global lock
 * and then takes only the slot's own mutex: the ImpersonateSecurityContext path has no global
 * lock (DESIGN "Per-thread state is per thread").
 *
 * Handle = { dwLower = slot index + 1, dwUpper = generation }. The generation comes from one
 * process-wide counter that only grows, shared by both kinds, so no two handles ever get the
 * same value (a stale handle stays dead even when its slot is reused; a credential handle
 * can never name a context), and a handle made of garbage fails the range, generation or
 * kind test: SEC_E_INVALID_HANDLE, never a crash.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include "ksec/ksecp.h"
#include "ex/pooltags.h"

#define KSECP_CHUNK_SLOTS 256U
#define KSECP_MAX_CHUNKS 1024U /* 262144 live handles at most */

typedef struct _KSECP_SLOT {
    pthread_mutex_t Lock;  /* guards Generation, Kind, Object */
    ULONG_PTR Generation;  /* the live handle's dwUpper; 0 when free */
    ULONG Kind;
    PKSEC_OBJECT Object;   /* one reference owned by the table */
    ULONG NextFree;        /* free list link: index + 1, 0 ends (table lock) */
} KSECP_SLOT, *PKSECP_SLOT;

static _Atomic(PKSECP_SLOT) KsecpChunks[KSECP_MAX_CHUNKS];
static pthread_mutex_t KsecpTableLock = PTHREAD_MUTEX_INITIALIZER; /* free list, chunks, counter */
static ULONG KsecpChunkCount;             /* chunks published (table lock) */
static ULONG KsecpFreeHead;               /* index + 1 of the first free slot, 0: none (table lock) */
static ULONG_PTR KsecpNextGeneration = 1; /* table lock */
static _Atomic ULONG KsecpLiveCount[3];   /* by kind */

/* KsecReferenceObject - one more reference on Object (the caller already holds one). */
VOID KsecReferenceObject(PKSEC_OBJECT Object)
{
    atomic_fetch_add_explicit(&Object->RefCount, 1, memory_order_relaxed);
}

/* KsecDereferenceObject - releases one reference; the last runs Object->Destroy (no lock). */
VOID KsecDereferenceObject(PKSEC_OBJECT Object)
{
    if (atomic_fetch_sub_explicit(&Object->RefCount, 1, memory_order_acq_rel) == 1)
        Object->Destroy(Object);
}

/* The slot for a handle's dwLower, or NULL when out of range / never allocated. No lock. */
static PKSECP_SLOT KsecpSlotFromLower(ULONG_PTR Lower)
{
    if (Lower == 0 || Lower > (ULONG_PTR)KSECP_CHUNK_SLOTS * KSECP_MAX_CHUNKS)
        return NULL;
    ULONG index = (ULONG)(Lower - 1);
    PKSECP_SLOT chunk = atomic_load_explicit(&KsecpChunks[index / KSECP_CHUNK_SLOTS], memory_order_acquire);
    return chunk == NULL ? NULL : &chunk[index % KSECP_CHUNK_SLOTS];
}

/*
 * KsecInsertHandle - see ksecp.h. Pops a free slot (allocating a new chunk when the list is
 * empty) under the table lock, then publishes Object under the slot lock.
 */
NTSTATUS KsecInsertHandle(PKSEC_OBJECT Object, PSecHandle Handle)
{
    pthread_mutex_lock(&KsecpTableLock);
    if (KsecpFreeHead == 0) {
        if (KsecpChunkCount == KSECP_MAX_CHUNKS) {
            pthread_mutex_unlock(&KsecpTableLock);
            memset(Handle, 0, sizeof(*Handle));
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        PKSECP_SLOT chunk =
            ExAllocatePoolWithTag(PagedPool, sizeof(KSECP_SLOT) * KSECP_CHUNK_SLOTS, KSECP_TABLE_TAG);
        if (chunk == NULL) {
            pthread_mutex_unlock(&KsecpTableLock);
            memset(Handle, 0, sizeof(*Handle));
            return STATUS_NO_MEMORY;
        }
        ULONG base = KsecpChunkCount * KSECP_CHUNK_SLOTS;
        for (ULONG i = 0; i < KSECP_CHUNK_SLOTS; i++) {
            pthread_mutex_init(&chunk[i].Lock, NULL);
            chunk[i].Generation = 0;
            chunk[i].Kind = 0;
            chunk[i].Object = NULL;
            chunk[i].NextFree = i + 1 < KSECP_CHUNK_SLOTS ? base + i + 2 : 0;
        }
        atomic_store_explicit(&KsecpChunks[KsecpChunkCount], chunk, memory_order_release);
        KsecpChunkCount++;
        KsecpFreeHead = base + 1;
    }
    ULONG lower = KsecpFreeHead;
    PKSECP_SLOT slot = KsecpSlotFromLower(lower);
    KsecpFreeHead = slot->NextFree;
    ULONG_PTR generation = KsecpNextGeneration++;
    if (KsecpNextGeneration == 0) /* 32-bit wrap after 2^32 handles: skip 0 */
        KsecpNextGeneration = 1;
    pthread_mutex_unlock(&KsecpTableLock);

    pthread_mutex_lock(&slot->Lock);
    slot->Object = Object;
    slot->Kind = Object->Kind;
    slot->NextFree = 0;
    slot->Generation = generation;
    pthread_mutex_unlock(&slot->Lock);
    atomic_fetch_add_explicit(&KsecpLiveCount[Object->Kind], 1, memory_order_relaxed);
    Handle->dwLower = lower;
    Handle->dwUpper = generation;
    return STATUS_SUCCESS;
}

/* KsecReferenceHandle - see ksecp.h. The reference is taken under the slot lock, which only
 * makes the count go up, so no Destroy can run there. */
PKSEC_OBJECT KsecReferenceHandle(PSecHandle Handle, ULONG Kind)
{
    if (Handle == NULL)
        return NULL;
    SecHandle handle = *(volatile SecHandle *)Handle; /* read once */
    PKSECP_SLOT slot = KsecpSlotFromLower(handle.dwLower);
    if (slot == NULL || handle.dwUpper == 0)
        return NULL;
    PKSEC_OBJECT object = NULL;
    pthread_mutex_lock(&slot->Lock);
    if (slot->Generation == handle.dwUpper && slot->Kind == Kind) {
        object = slot->Object;
        KsecReferenceObject(object);
    }
    pthread_mutex_unlock(&slot->Lock);
    return object;
}

/*
 * KsecRemoveHandle - see ksecp.h. Reads the caller's handle once: the slot freed must be the
 * slot whose generation matched, even if the caller's memory changes under us. The table's
 * reference is released after both locks are dropped (it may run Destroy).
 */
BOOLEAN KsecRemoveHandle(PSecHandle Handle, ULONG Kind)
{
    if (Handle == NULL)
        return FALSE;
    SecHandle handle = *(volatile SecHandle *)Handle;
    PKSECP_SLOT slot = KsecpSlotFromLower(handle.dwLower);
    if (slot == NULL || handle.dwUpper == 0)
        return FALSE;
    PKSEC_OBJECT object = NULL;
    pthread_mutex_lock(&slot->Lock);
    if (slot->Generation == handle.dwUpper && slot->Kind == Kind) {
        object = slot->Object;
        slot->Generation = 0;
        slot->Kind = 0;
        slot->Object = NULL;
    }
    pthread_mutex_unlock(&slot->Lock);
    if (object == NULL)
        return FALSE;

    pthread_mutex_lock(&KsecpTableLock);
    slot->NextFree = KsecpFreeHead;
    KsecpFreeHead = (ULONG)handle.dwLower;
    pthread_mutex_unlock(&KsecpTableLock);
    atomic_fetch_sub_explicit(&KsecpLiveCount[Kind], 1, memory_order_relaxed);
    KsecDereferenceObject(object);
    return TRUE;
}

ULONG KsecHandleCount(ULONG Kind)
{
    if (Kind != KSEC_KIND_CREDENTIAL && Kind != KSEC_KIND_CONTEXT)
        return 0;
    return atomic_load_explicit(&KsecpLiveCount[Kind], memory_order_relaxed);
}
