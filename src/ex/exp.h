/*
 * exp.h - private interface of the system worker queues (src/ex/work.c, src/io/iowork.c,
 * shutdown.c). See docs/workers.md.
 */
#ifndef NTSEC_EXP_H
#define NTSEC_EXP_H

#include "ntsec.h"

/* Worker threads per queue (started lazily on the first item of that queue). */
#define EXP_CRITICAL_WORKERS 2
#define EXP_DELAYED_WORKERS 2

/*
 * WORKER_INVALID (0xE4) parameter 1 values raised by ntsec (C; docs/workers.md):
 *   P1 = EXP_INVALID_ALREADY_QUEUED: P2 = item, P3 = queue type, P4 = routine;
 *        the item was already queued and is not queued a second time.
 *   P1 = EXP_INVALID_QUEUE_TYPE: P2 = item, P3 = queue type, P4 = 0; not queued.
 *   P1 = EXP_INVALID_FREE_QUEUED: P2 = IO_WORKITEM, P3 = routine, P4 = context;
 *        IoFreeWorkItem on a queued item, which is not freed.
 *   P1 = EXP_INVALID_AFTER_SHUTDOWN: P2 = item, P3 = queue type, P4 = 0; not queued.
 *   P1 = EXP_INVALID_NO_WORKER: P2 = item, P3 = queue type, P4 = NTSTATUS of the
 *        thread creation; no worker thread could be started, the item is not queued.
 */
#define EXP_INVALID_ALREADY_QUEUED 0
#define EXP_INVALID_QUEUE_TYPE 1
#define EXP_INVALID_FREE_QUEUED 2
#define EXP_INVALID_AFTER_SHUTDOWN 3
#define EXP_INVALID_NO_WORKER 4

/*
 * ExpNullArgument - Routine was given NULL for its required pointer argument number Argument
 * (Name) and has no status to report it: a verifier finding (NtsecFindingNullArgument, when
 * the verifier is on), then KeBugCheckEx(NTSEC_NULL_ARGUMENT, Routine, Argument, 0, 0). If
 * the bug check handler returns, the caller does nothing and returns 0. No lock is held
 * across the bug check. docs/null-arguments.md.
 */
VOID ExpNullArgument(PCSTR Routine, ULONG Argument, PCSTR Name);

/*
 * ExpAllocatePoolLines - NumberOfBytes of zeroed pool in whole 64-byte cache lines that no
 * other allocation shares, like NonPagedPoolCacheAligned, but with the pool header inside
 * the first line instead of a line of its own: the block starts 32 bytes into a line (it is
 * 32-byte aligned, not 64). For objects and per-thread blocks, where what matters is that two
 * of them never share a line (no false sharing between threads), not where the block starts.
 * Freed with ExFreePoolWithTag / ExFreePool; failure injection and the verifier's per-tag
 * accounting as ExAllocatePoolWithTag. NULL when out of memory.
 */
PVOID ExpAllocatePoolLines(SIZE_T NumberOfBytes, ULONG Tag);

/* ExpCopyString - a paged-pool copy of the NUL-terminated Text under Tag (a name from
 * ex/pooltags.h), owned by the caller (ExFreePool, or NtsecFree when handed out); NULL when
 * out of memory. */
PSTR ExpCopyString(PCSTR Text, ULONG Tag);

/* ExpPoolBlockSize - the size P (a live pool block) was allocated with; 0 if it is none. */
SIZE_T ExpPoolBlockSize(PVOID P);

/*
 * ExpCheckWorkerReturn - the post-conditions of spec 2.21 step 3 after a work routine
 * returned on the calling worker thread. Routine/Parameter/Item are reported as given
 * (Item may already be freed; it is never dereferenced). If the thread still
 * impersonates: verifier finding, KeBugCheckEx(IMPERSONATING_WORKER_THREAD, Routine,
 * Parameter, Item, 0), and if the bug check handler returns, the worker is reverted so
 * that the next item runs as SYSTEM.
 */
VOID ExpCheckWorkerReturn(PVOID Routine, PVOID Parameter, PVOID Item);

/*
 * ExpQueueWorkItem - ExQueueWorkItem (same checks and bug checks) that returns TRUE iff
 * WorkItem was queued. IoQueueWorkItem needs it to give back what it took for an item
 * that was refused (WORKER_INVALID with a handler that returns). Takes no references.
 */
BOOLEAN ExpQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType);

/*
 * ExpHoldQueues - test seam: while held, worker threads take no item (queued items stay
 * queued, so "already queued" is deterministic). Release lets them run.
 */
VOID ExpHoldQueues(BOOLEAN Hold);

/* TRUE iff the calling thread is one of the system worker threads. */
BOOLEAN ExpIsWorkerThread(VOID);

/* Drains every queue, stops and joins the worker threads (NtsecShutdown). Queuing after
 * this raises WORKER_INVALID (EXP_INVALID_AFTER_SHUTDOWN). */
VOID ExpShutdownWorkers(VOID);

/* pthread_atfork handlers of the worker queues (work.c; registered by src/ex/fork.c). */
VOID ExpForkPrepare(VOID);
VOID ExpForkParent(VOID);
VOID ExpForkChild(VOID);
/*
 * The fork handlers of the host switching part (src/host), which ex does not name: the
 * backend registers them before it first takes a lock they guard (hostapi.c). Prepare:
 * PrepareFirst before ex's, ps's, ob's and the verifier's locks, PrepareLast after them;
 * parent and child run in the reverse order (ChildFirst gets the forking thread's ETHREAD,
 * or NULL). Registered once; the table is static and never changes.
 */
typedef struct _EXP_FORK_BACKEND {
    VOID (*PrepareFirst)(VOID);
    VOID (*PrepareLast)(VOID);
    VOID (*ParentFirst)(VOID);
    VOID (*ParentLast)(VOID);
    VOID (*ChildFirst)(struct _ETHREAD *Self);
    VOID (*ChildLast)(VOID);
} EXP_FORK_BACKEND;
VOID ExpRegisterForkBackend(const EXP_FORK_BACKEND *Backend);

/* Registers the library's pthread_atfork handlers (src/ex/fork.c, init step 5). */
int ExpInitializeFork(VOID);

#endif /* NTSEC_EXP_H */
