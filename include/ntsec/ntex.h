/*
 * ntex.h - pool allocation, system worker queues, I/O work items, bug checks (Ex*, Io*, Ke*).
 */
#ifndef NTSEC_NTEX_H
#define NTSEC_NTEX_H

#include "ntdef.h"
#include "ntse.h"
#include "ntob.h"

NTSEC_EXTERN_C_BEGIN

/* Pool (src/ex/pool.c). Every allocation carries a four-character tag. */
NTKERNELAPI PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes);
NTKERNELAPI VOID ExFreePoolWithTag(PVOID P, ULONG Tag);
NTKERNELAPI VOID ExFreePool(PVOID P);

/* Bug checks (src/ex/bugcheck.c) */
#define IMPERSONATING_WORKER_THREAD 0x000000DFUL
#define WORKER_THREAD_RETURNED_AT_BAD_IRQL 0x000000E1UL
#define WORKER_INVALID 0x000000E4UL
/* ntsec-specific: a thread's Linux credentials could not be brought back to a consistent
 * identity after a failed switch (src/host, docs/host.md). P1 = failed step, P2 = errno,
 * P3 = Linux thread id, P4 = the uid the thread was being switched to. */
#define NTSEC_HOST_CREDENTIALS_INCONSISTENT 0x4E545345UL
NTKERNELAPI VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
                              ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
                              ULONG_PTR BugCheckParameter4);
NTKERNELAPI KIRQL KeGetCurrentIrql(VOID);

/* Worker queues (src/ex/work.c) - declared in full by the worker-queue work. */
/* @@EX_PROTOTYPES@@ */

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTEX_H */
