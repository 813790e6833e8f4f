/*
 * vf.h - the ntsec verifier: misuse findings (private interface used by every layer).
 *
 * The verifier is off unless NTSEC_VERIFIER=1 is in the environment at load time or
 * NtsecEnableVerifier was called. Checks on hot paths test VfIsEnabled() first.
 */
#ifndef NTSEC_VF_H
#define NTSEC_VF_H

#include <stdatomic.h>
#include "ntifs.h"

struct _OBJECT_HEADER;

/*
 * NTSEC_HIDDEN - on the declaration of library data read on hot paths: the variable is
 * defined inside the library (hidden, as everything not NTSEC_API), so position-independent
 * code reads it PC-relative in one instruction instead of through the GOT (two).
 */
#define NTSEC_HIDDEN __attribute__((visibility("hidden")))

extern NTSEC_HIDDEN _Atomic ULONG VfFlags;

static inline BOOLEAN VfIsEnabled(VOID)
{
    return atomic_load_explicit(&VfFlags, memory_order_relaxed) != 0;
}

/* Object lifetime (called by src/ob). */
VOID VfInitializeFromEnvironment(VOID);
VOID VfObjectCreated(struct _OBJECT_HEADER *Header);
/* Returns TRUE if the verifier keeps (quarantines) the memory; the caller must not free it. */
BOOLEAN VfObjectDeleting(struct _OBJECT_HEADER *Header);
VOID VfReportBadObject(PCSTR Routine, PVOID Object, PCSTR What);
/* TRUE iff Object is an object the verifier tracks, live or quarantined (its header may be
 * read). Reads nothing at Object. */
BOOLEAN VfIsTrackedObject(PVOID Object);
/* Routine was given Object, which is no ntsec object; reported without reading it. */
VOID VfReportNotAnObject(PCSTR Routine, PVOID Object, PCSTR Expected);
VOID VfReportTypeMismatch(PCSTR Routine, PVOID Object, POBJECT_TYPE Expected);

/*
 * Pool blocks (called by src/ex/pool.c). VfPoolAllocated/VfPoolFreed count live blocks per
 * tag for blocks allocated while the verifier was on; the reports are findings.
 */
VOID VfPoolAllocated(ULONG Tag, SIZE_T Size);
VOID VfPoolFreed(ULONG Tag, SIZE_T Size);
VOID VfReportPoolTagMismatch(PCSTR Routine, PVOID Block, ULONG BlockTag, ULONG CallerTag);
VOID VfReportBadPoolBlock(PCSTR Routine, PVOID Block);
/* Reports (as hints, at NtsecShutdown) the tracked pool blocks still live, by tag. Returns
 * how many tags were reported. */
ULONG VfReportPoolUsage(VOID);

/* Subject and client contexts (called by src/se; no-ops when the verifier is off). */
VOID VfSubjectContextCaptured(PSECURITY_SUBJECT_CONTEXT Context);
/* Returns FALSE when the release must not proceed (released twice or while locked). */
BOOLEAN VfSubjectContextReleasing(PSECURITY_SUBJECT_CONTEXT Context);
VOID VfSubjectContextLocked(PSECURITY_SUBJECT_CONTEXT Context, BOOLEAN Locked);
VOID VfClientContextCreating(PSECURITY_CLIENT_CONTEXT Context);
VOID VfClientContextCreated(PSECURITY_CLIENT_CONTEXT Context);
/* Returns FALSE when Context was already deleted (the caller must do nothing). */
BOOLEAN VfClientContextDeleting(PSECURITY_CLIENT_CONTEXT Context);
/* Returns FALSE when Context was deleted (use after delete); Routine names the user. */
BOOLEAN VfClientContextUsable(PSECURITY_CLIENT_CONTEXT Context, PCSTR Routine);

/* Threads (called by src/ps). */
VOID VfRestoreWithoutDisable(PETHREAD Thread, PSE_IMPERSONATION_STATE State);
VOID VfThreadDisabledImpersonation(PETHREAD Thread, PSE_IMPERSONATION_STATE State);
VOID VfThreadExitingImpersonating(PETHREAD Thread);

/* Access checks (called by src/se access check): a UserMode check failed only because the
 * subject impersonates at Identification/Anonymous level. */
VOID VfAccessCheckBadLevel(PSECURITY_SUBJECT_CONTEXT Context, PCSTR Routine);

/* Worker queues (called by src/ex): a work routine returned while Thread still
 * impersonates; reported before the IMPERSONATING_WORKER_THREAD bug check. */
VOID VfWorkItemReturnedImpersonating(PVOID Routine, PVOID Parameter, PVOID Item, PETHREAD Thread);

/* Shutdown (called by NtsecShutdown): report leaks, then free the quarantine. */
ULONG VfReportLeaks(VOID);
VOID VfFlushQuarantine(VOID);

/* A required pointer argument was NULL in a routine with no status (before the
 * NTSEC_NULL_ARGUMENT bug check; docs/null-arguments.md). */
VOID VfReportNullArgument(PCSTR Routine, ULONG Argument, PCSTR Name);

/* pthread_atfork handlers of the object lock (src/ex/fork.c). */
VOID VfForkPrepare(VOID);
VOID VfForkParent(VOID);
VOID VfForkChild(VOID);

/* Generic finding: Routine is where the misuse was seen, Object may be NULL. */
VOID VfReport(PCSTR Kind, PCSTR Routine, PVOID Object, PCSTR Format, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* NTSEC_VF_H */
