/*
 * ntke.h - attaching a thread to another process's address space (Ke*).
 *
 * ntsec models what attaching changes for security: while a thread is attached,
 * PsGetCurrentProcess / IoGetCurrentProcess return the attached process, so
 * SeCaptureSubjectContext (and everything built on it: SeCreateAccessState,
 * SeCreateClientSecurity of a primary-token client) uses that process's primary token.
 * PsGetThreadProcess and PsGetCurrentProcessId keep naming the thread's own process.
 * Attachments nest; each KeStackAttachProcess is undone by one KeUnstackDetachProcess with
 * the same KAPC_STATE, innermost first.
 */
#ifndef NTSEC_NTKE_H
#define NTSEC_NTKE_H

#include "ntdef.h"
#include "ntse.h"

NTSEC_EXTERN_C_BEGIN

/* PEPROCESS and the WDK's PKPROCESS/PRKPROCESS name the same object here. */
typedef PEPROCESS PKPROCESS, PRKPROCESS;

/* x64 layout (ntifs.h); Process is the state saved by the attach (the process the thread
 * was running in before it), the list heads hold ntsec's bookkeeping. */
typedef struct _KAPC_STATE {
    LIST_ENTRY ApcListHead[MaximumMode];
    PRKPROCESS Process;
    BOOLEAN KernelApcInProgress;
    BOOLEAN KernelApcPending;
    BOOLEAN UserApcPending;
} KAPC_STATE, *PKAPC_STATE, *PRKAPC_STATE;

/* KAPC: storage of the WDK's x64 size only (0x58 bytes); ntsec has no APCs, so no routine
 * takes one (drivers use it, e.g., as room for a KAPC_STATE). */
typedef struct _KAPC {
    union {
        ULONG_PTR Align;
        UCHAR Reserved[0x58];
    };
} KAPC, *PKAPC, *PRKAPC;

/* Bug checks of a bad attach or detach. */
#define INVALID_PROCESS_ATTACH_ATTEMPT 0x00000005UL
#define INVALID_PROCESS_DETACH_ATTEMPT 0x00000006UL

/*
 * KeStackAttachProcess - attaches the calling thread to PROCESS, saving the previous state
 * in ApcState. References: takes one reference on PROCESS, released by the matching
 * KeUnstackDetachProcess. Not a process: bug check INVALID_PROCESS_ATTACH_ATTEMPT
 * (P1 = PROCESS); nothing changes when a handler returns.
 */
NTKERNELAPI VOID KeStackAttachProcess(PRKPROCESS PROCESS, PRKAPC_STATE ApcState);
/*
 * KeUnstackDetachProcess - undoes the innermost attach, whose state is ApcState, and releases
 * its process reference. An ApcState that is not the calling thread's innermost attach: bug
 * check INVALID_PROCESS_DETACH_ATTEMPT (P1 = ApcState); nothing changes.
 */
NTKERNELAPI VOID KeUnstackDetachProcess(PRKAPC_STATE ApcState);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTKE_H */
