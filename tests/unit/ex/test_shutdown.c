/*
 * test_shutdown.c - NtsecShutdown (DESIGN "Setup API"): drains the queues (items
 * that queue more items included), joins the worker threads, releases the System
 * process, and with the verifier on reports each leaked object with its creation site
 * and outstanding references, and each subject context never released. One test per
 * binary: shutdown is final.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "ntsec_test.h"
#include "ex/exp.h"

#define PT_A_TEXT "user=S-1-5-21-1-2-3-1001 groups=WD,AU,BU integrity=ME"

static _Atomic int Runs;

typedef struct _CHAIN {
    WORK_QUEUE_ITEM Item;
    int Left;
} CHAIN;

/* Requeues itself Left times, alternating queues, so the drain must follow it. */
static VOID ChainRoutine(PVOID Parameter)
{
    CHAIN *c = Parameter;
    atomic_fetch_add(&Runs, 1);
    if (c->Left-- > 0)
        ExQueueWorkItem(&c->Item, (c->Left & 1) ? CriticalWorkQueue : DelayedWorkQueue);
}

typedef struct _LEAK {
    PVOID Object;
    char Type[32];
    char Message[768];
    BOOLEAN HasCreationStack;
    NTSEC_VERIFIER_FINDING Kind;
} LEAK;
static LEAK Leaks[32];
static int LeakCount;

static VOID CollectLeak(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    if (LeakCount < 32) {
        LEAK *l = &Leaks[LeakCount++];
        l->Object = Report->Object;
        l->Kind = Report->Kind;
        snprintf(l->Type, sizeof l->Type, "%s", Report->ObjectType);
        snprintf(l->Message, sizeof l->Message, "%s", Report->Message);
        l->HasCreationStack = strstr(Report->CreationStack, "#0 ") != NULL;
    }
}

static int BugCheckCount;
static ULONG_PTR BugCheckP1;
static VOID RecordBugCheck(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4,
                           PVOID Context)
{
    if (Code == WORKER_INVALID) {
        BugCheckCount++;
        BugCheckP1 = P1;
    }
}

static void test_shutdown_drains_joins_and_reports_leaks(void **state)
{
    static CHAIN chains[8];
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    NtsecSetVerifierHandler(CollectLeak, NULL);
    NtsecSetBugCheckHandler(RecordBugCheck, NULL);

    /* Deliberate leaks: a token with two outstanding references, a subject context. */
    PACCESS_TOKEN leaked = TestToken(PT_A_TEXT);
    ObReferenceObject(leaked);
    static SECURITY_SUBJECT_CONTEXT never_released;
    SeCaptureSubjectContext(&never_released);

    ExpHoldQueues(TRUE); /* everything is still queued when shutdown starts */
    for (int i = 0; i < 8; i++) {
        chains[i].Left = 5;
        ExInitializeWorkItem(&chains[i].Item, ChainRoutine, &chains[i]);
        ExQueueWorkItem(&chains[i].Item, (i & 1) ? CriticalWorkQueue : DelayedWorkQueue);
    }
    assert_int_equal(atomic_load(&Runs), 0);

    NtsecShutdown();

    assert_int_equal(atomic_load(&Runs), 8 * 6); /* every item and every requeue ran */
    assert_null(PsInitialSystemProcess);

    int tokenLeaks = 0, contextLeaks = 0, poolTags = 0;
    BOOLEAN tokenPool = FALSE, objectPool = FALSE;
    for (int i = 0; i < LeakCount; i++) {
        LEAK *l = &Leaks[i];
        if (l->Kind == NtsecFindingReferenceLeak && l->Object == leaked) {
            tokenLeaks++;
            assert_string_equal(l->Type, "Token");
            assert_non_null(strstr(l->Message, "2 outstanding references"));
            assert_non_null(strstr(l->Message, "still alive at shutdown"));
            assert_true(l->HasCreationStack);
        } else if (l->Kind == NtsecFindingSubjectContextLeak) {
            contextLeaks++;
            assert_ptr_equal(l->Object, &never_released);
            assert_non_null(strstr(l->Message, "never released"));
        } else if (l->Kind == NtsecFindingPoolInUse) {
            /* After the objects, what they still hold of the pool, named by tag. */
            poolTags++;
            assert_string_equal(l->Type, "pool block");
            assert_non_null(strstr(l->Message, "still in use at shutdown"));
            tokenPool |= strstr(l->Message, "pool tag 'Tokn'") != NULL; /* the tokens' SID blocks */
            objectPool |= strstr(l->Message, "pool tag 'NObj'") != NULL; /* the objects themselves */
        } else {
            /* The context's reference keeps the host primary token alive: reported too. */
            assert_int_equal(l->Kind, NtsecFindingReferenceLeak);
            assert_ptr_equal(l->Object, never_released.PrimaryToken);
        }
        assert_string_not_equal(l->Type, "Thread"); /* worker threads were joined and freed */
    }
    assert_int_equal(tokenLeaks, 1);
    assert_int_equal(contextLeaks, 1);
    assert_true(poolTags >= 2);
    assert_true(tokenPool);
    assert_true(objectPool);

    /* After shutdown nothing is accepted: WORKER_INVALID P1 = 3, nothing queued. */
    static WORK_QUEUE_ITEM late;
    ExInitializeWorkItem(&late, ChainRoutine, &chains[0]);
    ExQueueWorkItem(&late, DelayedWorkQueue);
    assert_int_equal(BugCheckCount, 1);
    assert_int_equal(BugCheckP1, EXP_INVALID_AFTER_SHUTDOWN);
    assert_null(late.List.Flink);

    NtsecShutdown(); /* a second call does nothing */
    NtsecSetVerifierHandler(NULL, NULL);
    NtsecSetBugCheckHandler(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shutdown_drains_joins_and_reports_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
