/*
 * threadrunner.h - run a piece of test code on a chosen ntsec thread and wait for it.
 *
 * Many routines act on the CURRENT thread (PsRevertToSelf, SeCaptureSubjectContext,
 * SeStopImpersonatingClient, SeImpersonateClientEx(ctx, NULL)). A test that needs them on
 * thread tA of process ProcA starts a runner thread there (TrStart) and hands it work
 * (TrRun), which runs Work(Context) on that thread and returns when it is done. Between
 * calls the thread waits idle, so other routines may act on it from the test thread.
 * Work runs off the main thread: it checks with tr_check* (threadcheck.h), never assert_*;
 * TrRun asserts what it recorded once Work has returned.
 */
#ifndef NTSEC_THREADRUNNER_H
#define NTSEC_THREADRUNNER_H

#include "ntsec.h"

typedef struct _TEST_THREAD TEST_THREAD;
typedef VOID (*TR_WORK)(PVOID Context);

/* A new ntsec thread of Process (NtsecCreateThread) waiting for work. Fails the test on error. */
TEST_THREAD *TrStart(PEPROCESS Process);

/* Runs Work(Context) on Runner's thread; returns when it has finished, failing the test if
 * Work recorded a failure (tr_check*). */
VOID TrRun(TEST_THREAD *Runner, TR_WORK Work, PVOID Context);

/* The runner's ETHREAD (no reference taken). */
PETHREAD TrThread(TEST_THREAD *Runner);

/*
 * Lets the thread return from its start routine, joins it, and drops the test's
 * reference on the ETHREAD (unless KeepThread, in which case *Thread receives that
 * reference and the caller releases it with ObDereferenceObject). Frees Runner.
 */
VOID TrStopEx(TEST_THREAD *Runner, PETHREAD *KeepThread);
VOID TrStop(TEST_THREAD *Runner);

/* Common one-liners to run on a runner thread. Context unused unless stated. */
VOID TrWorkRevertToSelf(PVOID Context);            /* PsRevertToSelf() */
VOID TrWorkCapture(PVOID SubjectContext);          /* SeCaptureSubjectContext(ctx) */
VOID TrWorkRelease(PVOID SubjectContext);          /* SeReleaseSubjectContext(ctx) */
VOID TrWorkStopImpersonating(PVOID Context);       /* SeStopImpersonatingClient() */

#endif
