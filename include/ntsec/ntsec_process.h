/*
 * ntsec_process.h - processes and threads bound to pthreads, the bug-check handler, shutdown.
 * Included by ntsec.h; see ntsec.h for the library-wide rules (buffers from Ntsec*
 * routines are freed with NtsecFree).
 */
#ifndef NTSEC_NTSEC_PROCESS_H
#define NTSEC_NTSEC_PROCESS_H

#include "ntifs.h"

NTSEC_EXTERN_C_BEGIN

/* ---- Processes and threads (src/ps) ---- */
NTSEC_API NTSTATUS NtsecCreateProcess(PACCESS_TOKEN PrimaryToken, PEPROCESS *Process);
NTSEC_API NTSTATUS NtsecCreateThread(PEPROCESS Process, PKSTART_ROUTINE Start, PVOID Context,
                                     PETHREAD *Thread);
NTSEC_API NTSTATUS NtsecJoinThread(PETHREAD Thread);
NTSEC_API LONG_PTR NtsecReferenceCount(PVOID Object);
/* NtsecEndImpersonationAtThreadExit - the calling adopted thread may end impersonating; its
 * teardown reverts without a verifier finding (src/ps/thread.c). STATUS_NOT_SUPPORTED on a
 * thread ntsec created. */
NTSEC_API NTSTATUS NtsecEndImpersonationAtThreadExit(VOID);

/* ---- Bug checks ---- */
typedef VOID (*NTSEC_BUGCHECK_HANDLER)(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3,
                                       ULONG_PTR P4, PVOID Context);
NTSEC_API VOID NtsecSetBugCheckHandler(NTSEC_BUGCHECK_HANDLER Handler, PVOID Context);

/* ---- Shutdown ---- */
NTSEC_API VOID NtsecShutdown(VOID);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_PROCESS_H */
