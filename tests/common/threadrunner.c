/*
 * threadrunner.c - see threadrunner.h.
 */
#include <pthread.h>
#include <stdlib.h>
#include "ntsec_test.h"
#include "threadrunner.h"

struct _TEST_THREAD {
    pthread_mutex_t Lock;
    pthread_cond_t Cond;
    TR_WORK Work;        /* pending work, NULL when idle */
    PVOID Context;
    BOOLEAN Done;        /* set by the runner when Work finished */
    BOOLEAN Quit;
    PETHREAD Thread;     /* the test's reference from NtsecCreateThread */
};

static VOID TrMain(PVOID StartContext)
{
    TEST_THREAD *r = StartContext;
    pthread_mutex_lock(&r->Lock);
    for (;;) {
        while (r->Work == NULL && !r->Quit)
            pthread_cond_wait(&r->Cond, &r->Lock);
        if (r->Work == NULL && r->Quit)
            break;
        TR_WORK work = r->Work;
        PVOID context = r->Context;
        pthread_mutex_unlock(&r->Lock);
        work(context);
        pthread_mutex_lock(&r->Lock);
        r->Work = NULL;
        r->Done = TRUE;
        pthread_cond_broadcast(&r->Cond);
    }
    pthread_mutex_unlock(&r->Lock);
}

TEST_THREAD *TrStart(PEPROCESS Process)
{
    TEST_THREAD *r = calloc(1, sizeof *r);
    assert_non_null(r);
    pthread_mutex_init(&r->Lock, NULL);
    pthread_cond_init(&r->Cond, NULL);
    assert_status(NtsecCreateThread(Process, TrMain, r, &r->Thread), STATUS_SUCCESS);
    assert_non_null(r->Thread);
    return r;
}

VOID TrRun(TEST_THREAD *r, TR_WORK Work, PVOID Context)
{
    pthread_mutex_lock(&r->Lock);
    r->Work = Work;
    r->Context = Context;
    r->Done = FALSE;
    pthread_cond_broadcast(&r->Cond);
    while (!r->Done)
        pthread_cond_wait(&r->Cond, &r->Lock);
    pthread_mutex_unlock(&r->Lock);
    TrAssertNoThreadFailures(); /* what Work recorded with tr_check* */
}

PETHREAD TrThread(TEST_THREAD *r)
{
    return r->Thread;
}

VOID TrStopEx(TEST_THREAD *r, PETHREAD *KeepThread)
{
    pthread_mutex_lock(&r->Lock);
    r->Quit = TRUE;
    pthread_cond_broadcast(&r->Cond);
    pthread_mutex_unlock(&r->Lock);
    assert_status(NtsecJoinThread(r->Thread), STATUS_SUCCESS);
    if (KeepThread != NULL)
        *KeepThread = r->Thread;
    else
        ObDereferenceObject(r->Thread);
    pthread_cond_destroy(&r->Cond);
    pthread_mutex_destroy(&r->Lock);
    free(r);
}

VOID TrStop(TEST_THREAD *r)
{
    TrStopEx(r, NULL);
}

VOID TrWorkRevertToSelf(PVOID Context)
{
    (void)Context;
    PsRevertToSelf();
}

VOID TrWorkCapture(PVOID SubjectContext)
{
    SeCaptureSubjectContext(SubjectContext);
}

VOID TrWorkRelease(PVOID SubjectContext)
{
    SeReleaseSubjectContext(SubjectContext);
}

VOID TrWorkStopImpersonating(PVOID Context)
{
    (void)Context;
    SeStopImpersonatingClient();
}
