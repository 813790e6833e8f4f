/*
 * context.c - the security-context table of the ksecdd layer (spec 2.19 "Model";
 * docs/sspi.md "Handles").
 *
 * A context lives in a slot. Slots come in chunks of KSECP_CHUNK_SLOTS that are allocated on
 * demand and never freed or moved, so a lookup reads a chunk pointer without any global lock
 * and then takes only the slot's own mutex: the ImpersonateSecurityContext path has no global
 * lock (DESIGN "Per-thread state is per thread").
 *
 * Handle = { dwLower = slot index + 1, dwUpper = generation }. The generation comes from one
 * process-wide counter that only grows, so no two contexts ever get the same handle (a stale
 * handle after DeleteSecurityContext stays dead even when its slot is reused), and a handle
 * made of garbage fails the range or generation test: SEC_E_INVALID_HANDLE, never a crash.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include "ksec/ksecp.h"

#define KSECP_CHUNK_SLOTS 256U
#define KSECP_MAX_CHUNKS 1024U /* 262144 live contexts at most */
#define KSECP_TABLE_TAG 0x7443734b /* 'KsCt' */

typedef struct _KSECP_SLOT {
    pthread_mutex_t Lock;                /* guards the fields below */
    ULONG_PTR Generation;                /* the live handle's dwUpper; 0 when free */
    const KSEC_PACKAGE *Package;
    PTOKEN Token;                        /* one reference owned by the slot, or NULL */
    SECURITY_IMPERSONATION_LEVEL Level;
    ULONG NextFree;                      /* free list link: index + 1, 0 ends (table lock) */
} KSECP_SLOT, *PKSECP_SLOT;

static _Atomic(PKSECP_SLOT) KsecpChunks[KSECP_MAX_CHUNKS];
static pthread_mutex_t KsecpTableLock = PTHREAD_MUTEX_INITIALIZER; /* free list, chunks, counter */
static ULONG KsecpChunkCount;       /* chunks published (table lock) */
static ULONG KsecpFreeHead;         /* index + 1 of the first free slot, 0: none (table lock) */
static ULONG_PTR KsecpNextGeneration = 1; /* table lock */
static _Atomic ULONG KsecpLiveCount;

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
 * KsecpAllocateSlot - pops a free slot (allocating a new chunk when the list is empty) and
 * stamps it with a fresh generation; returns its index + 1 and the generation, or 0.
 * Called with no lock held; takes the table lock, and the slot lock to publish.
 */
static ULONG KsecpAllocateSlot(const KSEC_PACKAGE *Package, PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                               ULONG_PTR *Generation, NTSTATUS *Status)
{
    pthread_mutex_lock(&KsecpTableLock);
    if (KsecpFreeHead == 0) {
        if (KsecpChunkCount == KSECP_MAX_CHUNKS) {
            pthread_mutex_unlock(&KsecpTableLock);
            *Status = STATUS_INSUFFICIENT_RESOURCES;
            return 0;
        }
        PKSECP_SLOT chunk =
            ExAllocatePoolWithTag(PagedPool, sizeof(KSECP_SLOT) * KSECP_CHUNK_SLOTS, KSECP_TABLE_TAG);
        if (chunk == NULL) {
            pthread_mutex_unlock(&KsecpTableLock);
            *Status = STATUS_NO_MEMORY;
            return 0;
        }
        ULONG base = KsecpChunkCount * KSECP_CHUNK_SLOTS;
        for (ULONG i = 0; i < KSECP_CHUNK_SLOTS; i++) {
            pthread_mutex_init(&chunk[i].Lock, NULL);
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
    if (KsecpNextGeneration == 0) /* 32-bit wrap after 2^32 contexts: skip 0 */
        KsecpNextGeneration = 1;
    pthread_mutex_unlock(&KsecpTableLock);

    pthread_mutex_lock(&slot->Lock);
    slot->Package = Package;
    slot->Token = Token;
    slot->Level = Level;
    slot->NextFree = 0;
    slot->Generation = generation;
    pthread_mutex_unlock(&slot->Lock);
    atomic_fetch_add_explicit(&KsecpLiveCount, 1, memory_order_relaxed);
    *Generation = generation;
    *Status = STATUS_SUCCESS;
    return lower;
}

/* KsecInsertContext - see ksecp.h: consumes the caller's reference on Token either way. */
NTSTATUS KsecInsertContext(const KSEC_PACKAGE *Package, PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                           PCtxtHandle Handle)
{
    NTSTATUS status;
    ULONG_PTR generation = 0;
    ULONG lower = KsecpAllocateSlot(Package, Token, Level, &generation, &status);
    if (lower == 0) {
        memset(Handle, 0, sizeof(*Handle));
        if (Token != NULL)
            ObDereferenceObject(Token);
        return status;
    }
    Handle->dwLower = lower;
    Handle->dwUpper = generation;
    return STATUS_SUCCESS;
}

/* KsecReferenceContext - see ksecp.h. The new token reference is taken under the slot lock,
 * which only makes the count go up, so no delete procedure can run there. */
BOOLEAN KsecReferenceContext(PCtxtHandle Handle, PKSEC_CONTEXT_VIEW View)
{
    memset(View, 0, sizeof(*View));
    if (Handle == NULL)
        return FALSE;
    CtxtHandle handle = *(volatile CtxtHandle *)Handle; /* read once */
    PKSECP_SLOT slot = KsecpSlotFromLower(handle.dwLower);
    if (slot == NULL || handle.dwUpper == 0)
        return FALSE;
    BOOLEAN live = FALSE;
    pthread_mutex_lock(&slot->Lock);
    if (slot->Generation == handle.dwUpper) {
        live = TRUE;
        View->Package = slot->Package;
        View->Level = slot->Level;
        View->Token = slot->Token;
        if (View->Token != NULL)
            ObReferenceObject(View->Token);
    }
    pthread_mutex_unlock(&slot->Lock);
    return live;
}

/*
 * DeleteSecurityContext - see sspi.h. Releases the context's reference on its token after
 * dropping the slot lock (the last reference may run the token's delete procedure). A thread
 * impersonating the context keeps its own reference.
 */
SECURITY_STATUS SEC_ENTRY DeleteSecurityContext(PCtxtHandle phContext)
{
    if (phContext == NULL)
        return SEC_E_INVALID_HANDLE;
    /* Read the handle once: the slot freed must be the slot whose generation matched, even
     * if the caller's handle memory changes under us (else a live slot could be freed). */
    CtxtHandle handle = *(volatile CtxtHandle *)phContext;
    PKSECP_SLOT slot = KsecpSlotFromLower(handle.dwLower);
    if (slot == NULL || handle.dwUpper == 0)
        return SEC_E_INVALID_HANDLE;
    PTOKEN token = NULL;
    BOOLEAN live = FALSE;
    pthread_mutex_lock(&slot->Lock);
    if (slot->Generation == handle.dwUpper) {
        live = TRUE;
        token = slot->Token;
        slot->Generation = 0;
        slot->Token = NULL;
        slot->Package = NULL;
    }
    pthread_mutex_unlock(&slot->Lock);
    if (!live)
        return SEC_E_INVALID_HANDLE;

    pthread_mutex_lock(&KsecpTableLock);
    slot->NextFree = KsecpFreeHead;
    KsecpFreeHead = (ULONG)handle.dwLower;
    pthread_mutex_unlock(&KsecpTableLock);
    atomic_fetch_sub_explicit(&KsecpLiveCount, 1, memory_order_relaxed);
    if (token != NULL)
        ObDereferenceObject(token);
    return SEC_E_OK;
}

/*
 * QuerySecurityContextToken - see sspi.h: *Token receives a new reference on the context's
 * token that the caller releases with ObDereferenceObject; the context keeps its own.
 */
SECURITY_STATUS SEC_ENTRY QuerySecurityContextToken(PCtxtHandle phContext, PVOID *Token)
{
    if (Token != NULL)
        *Token = NULL;
    KSEC_CONTEXT_VIEW view;
    if (!KsecReferenceContext(phContext, &view))
        return SEC_E_INVALID_HANDLE;
    if (Token == NULL) {
        if (view.Token != NULL)
            ObDereferenceObject(view.Token);
        return SEC_E_INVALID_PARAMETER;
    }
    if (view.Token == NULL)
        return SEC_E_NO_IMPERSONATION;
    *Token = view.Token; /* the reference taken by KsecReferenceContext passes to the caller */
    return SEC_E_OK;
}

/* NtsecSecurityContextPackage - see ntsec.h. Takes and releases a token reference. */
PCSTR NtsecSecurityContextPackage(struct _SecHandle *Context)
{
    KSEC_CONTEXT_VIEW view;
    if (!KsecReferenceContext(Context, &view))
        return NULL;
    if (view.Token != NULL)
        ObDereferenceObject(view.Token);
    return view.Package->Name;
}

ULONG NtsecSecurityContextCount(VOID)
{
    return atomic_load_explicit(&KsecpLiveCount, memory_order_relaxed);
}
