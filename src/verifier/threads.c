/*
 * threads.c - per-thread misuse: PsRestoreImpersonation without a matching
 * PsDisableImpersonation (spec 2.8 usage contract), threads that end while impersonating
 * (spec 1.5 T4), and work routines that return impersonating (spec 2.21 step 3).
 */
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ps/psp.h"
#include "verifier/vfp.h"

enum { VfpDisabled = 1 };

/* Outstanding successful PsDisableImpersonation calls, keyed by state block and thread. */
static VFP_TABLE VfpDisables = { .Lock = PTHREAD_MUTEX_INITIALIZER };

VOID VfpResetThreads(VOID)
{
    pthread_mutex_lock(&VfpDisables.Lock);
    VfpTablePurge(&VfpDisables, NULL);
    pthread_mutex_unlock(&VfpDisables.Lock);
}

static PCSTR VfpLevelName(SECURITY_IMPERSONATION_LEVEL Level)
{
    switch (Level) {
    case SecurityAnonymous: return "Anonymous";
    case SecurityIdentification: return "Identification";
    case SecurityImpersonation: return "Impersonation";
    case SecurityDelegation: return "Delegation";
    default: return "invalid";
    }
}

/*
 * "Token 0x... (...) at level Impersonation" for what Thread impersonates now. Takes a
 * reference on the token (under the thread lock, through PsReferenceImpersonationToken)
 * for as long as it describes it, so a concurrent revert cannot free it meanwhile.
 */
static VOID VfpDescribeImpersonation(PETHREAD Thread, PSTR Buffer, SIZE_T Size)
{
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    PACCESS_TOKEN token = PsReferenceImpersonationToken(Thread, NULL, NULL, &level);
    if (token == NULL) {
        snprintf(Buffer, Size, "no token");
        return;
    }
    char desc[256];
    VfpDescribeHeldObject(token, 1, desc, sizeof desc); /* not counting our own reference */
    PsDereferenceImpersonationToken(token);
    snprintf(Buffer, Size, "%s at level %s", desc, VfpLevelName(level));
}

/*
 * VfThreadDisabledImpersonation - a successful PsDisableImpersonation moved Thread's
 * token reference into State; remember the pair so that the restore can be matched.
 */
VOID VfThreadDisabledImpersonation(PETHREAD Thread, PSE_IMPERSONATION_STATE State)
{
    if (!VfIsEnabled() || State == NULL)
        return;
    pthread_mutex_lock(&VfpDisables.Lock);
    PVFP_RECORD r = VfpTableFind(&VfpDisables, State, Thread);
    if (r == NULL)
        r = VfpTableInsert(&VfpDisables, State, Thread);
    if (r != NULL) {
        r->State = VfpDisabled;
        r->StackDepth = VfpCaptureStack(r->Stack, VFP_STACK_DEPTH, 1);
    }
    pthread_mutex_unlock(&VfpDisables.Lock);
}

/*
 * VfRestoreWithoutDisable - called for PsRestoreImpersonation(Thread, State). A restore
 * is matched by an earlier successful PsDisableImpersonation of the same thread into the
 * same state block (the record is consumed); anything else is reported: the usage
 * contract is "restore only if disable returned TRUE" (spec 2.8, ReactOS pattern).
 */
VOID VfRestoreWithoutDisable(PETHREAD Thread, PSE_IMPERSONATION_STATE State)
{
    if (!VfIsEnabled())
        return;
    BOOLEAN matched = FALSE;
    pthread_mutex_lock(&VfpDisables.Lock);
    PVFP_RECORD r = State != NULL ? VfpTableFind(&VfpDisables, State, Thread) : NULL;
    if (r != NULL) {
        VfpTableRemove(&VfpDisables, r);
        matched = TRUE;
    }
    pthread_mutex_unlock(&VfpDisables.Lock);
    if (matched)
        return;

    char creation[VFP_STACK_TEXT];
    char message[1024];
    VfpObjectCreationStack(Thread, creation, sizeof creation);
    snprintf(message, sizeof message,
             "PsRestoreImpersonation on Thread %p with state block %p (token %p) that no "
             "successful PsDisableImpersonation of this thread filled. Call "
             "PsRestoreImpersonation only when PsDisableImpersonation returned TRUE; a state "
             "block from a call that returned FALSE holds no token, and restoring a block "
             "twice or on another thread hands out a token reference that is not owned "
             "(spec 2.8). The thread was created at the stack below.",
             (PVOID)Thread, (PVOID)State, State != NULL ? State->Token : NULL);
    VfpDeliver(NtsecFindingRestoreWithoutDisable, NtsecSeverityError, "PsRestoreImpersonation",
               Thread, "Thread", creation, message);
}

/*
 * VfThreadExitingImpersonating - Thread's start routine returned while it still
 * impersonates; the token reference is released at thread deletion (T4), but the code
 * forgot PsRevertToSelf / SeStopImpersonatingClient.
 */
VOID VfThreadExitingImpersonating(PETHREAD Thread)
{
    if (!VfIsEnabled())
        return;
    char creation[VFP_STACK_TEXT];
    char imp[320];
    char message[1024];
    VfpObjectCreationStack(Thread, creation, sizeof creation);
    VfpDescribeImpersonation(Thread, imp, sizeof imp);
    snprintf(message, sizeof message,
             "Thread %p ended while impersonating %s. Every impersonation must end with "
             "PsRevertToSelf or SeStopImpersonatingClient before the thread returns; ntsec "
             "releases the thread's token reference at deletion (spec 1.5 T4). The thread "
             "was created at the stack below.", (PVOID)Thread, imp);
    VfpDeliver(NtsecFindingThreadExitImpersonating, NtsecSeverityError, "thread exit", Thread,
               "Thread", creation, message);
}

/*
 * VfWorkItemReturnedImpersonating - a work routine returned while its worker thread
 * still impersonates; reported before IMPERSONATING_WORKER_THREAD (spec 2.21 step 3).
 */
VOID VfWorkItemReturnedImpersonating(PVOID Routine, PVOID Parameter, PVOID Item, PETHREAD Thread)
{
    if (!VfIsEnabled())
        return;
    char imp[320];
    char message[1200];
    char **name = backtrace_symbols(&Routine, 1);
    VfpDescribeImpersonation(Thread, imp, sizeof imp);
    snprintf(message, sizeof message,
             "work routine %s (parameter %p, work item %p) returned on system worker thread %p "
             "while impersonating %s. A routine that impersonates a client "
             "(SeImpersonateClientEx) must call SeStopImpersonatingClient before it returns; "
             "the worker raises bug check 0xDF IMPERSONATING_WORKER_THREAD next (spec 2.21).",
             name != NULL ? name[0] : "?", Parameter, Item, (PVOID)Thread, imp);
    free(name);
    VfpDeliver(NtsecFindingWorkItemImpersonating, NtsecSeverityError, "system worker thread",
               Item, "work item", NULL, message);
}
