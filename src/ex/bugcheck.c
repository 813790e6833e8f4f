/*
 * bugcheck.c - KeBugCheckEx through one hook (NtsecSetBugCheckHandler).
 *
 * With no handler the code, its four parameters and a backtrace go to stderr and the
 * process aborts. A handler that returns lets the caller go on (tests, servers).
 */
#include <execinfo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "ntsec.h"
#include "ex/exp.h"
#include "verifier/vf.h"

static pthread_mutex_t ExpBugCheckLock = PTHREAD_MUTEX_INITIALIZER;
static NTSEC_BUGCHECK_HANDLER ExpBugCheckHandler;
static PVOID ExpBugCheckContext;

VOID NtsecSetBugCheckHandler(NTSEC_BUGCHECK_HANDLER Handler, PVOID Context)
{
    pthread_mutex_lock(&ExpBugCheckLock);
    ExpBugCheckHandler = Handler;
    ExpBugCheckContext = Context;
    pthread_mutex_unlock(&ExpBugCheckLock);
}

static PCSTR ExpBugCheckName(ULONG Code)
{
    switch (Code) {
    case IMPERSONATING_WORKER_THREAD: return "IMPERSONATING_WORKER_THREAD";
    case WORKER_THREAD_RETURNED_AT_BAD_IRQL: return "WORKER_THREAD_RETURNED_AT_BAD_IRQL";
    case WORKER_INVALID: return "WORKER_INVALID";
    case BAD_POOL_CALLER: return "BAD_POOL_CALLER";
    case NTSEC_HOST_CREDENTIALS_INCONSISTENT: return "NTSEC_HOST_CREDENTIALS_INCONSISTENT";
    case NTSEC_INITIALIZATION_FAILED: return "NTSEC_INITIALIZATION_FAILED";
    case NTSEC_NULL_ARGUMENT: return "NTSEC_NULL_ARGUMENT";
    default: return "NTSEC_BUGCHECK";
    }
}

/* KeBugCheck - see ntex.h. */
VOID KeBugCheck(ULONG BugCheckCode)
{
    KeBugCheckEx(BugCheckCode, 0, 0, 0, 0);
}

VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    pthread_mutex_lock(&ExpBugCheckLock);
    NTSEC_BUGCHECK_HANDLER handler = ExpBugCheckHandler;
    PVOID context = ExpBugCheckContext;
    pthread_mutex_unlock(&ExpBugCheckLock);
    if (handler != NULL) {
        handler(BugCheckCode, P1, P2, P3, P4, context);
        return;
    }
    fprintf(stderr,
            "*** ntsec bug check 0x%08X (%s)\n*** parameters: 0x%lx 0x%lx 0x%lx 0x%lx\n",
            BugCheckCode, ExpBugCheckName(BugCheckCode), (unsigned long)P1, (unsigned long)P2,
            (unsigned long)P3, (unsigned long)P4);
    void *frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    abort();
}

KIRQL KeGetCurrentIrql(VOID)
{
    return PASSIVE_LEVEL; /* user-mode threads always run at PASSIVE_LEVEL */
}

/* ExpNullArgument - see exp.h. */
VOID ExpNullArgument(PCSTR Routine, ULONG Argument, PCSTR Name)
{
    if (VfIsEnabled())
        VfReportNullArgument(Routine, Argument, Name);
    KeBugCheckEx(NTSEC_NULL_ARGUMENT, (ULONG_PTR)Routine, Argument, 0, 0);
}
