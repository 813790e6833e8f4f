/*
 * test_fork.c - fork() in a process using ntsec (issue 9 item 9; docs/workers.md "fork()").
 *
 * Before the fix the child inherited worker queues whose threads did not exist there: items
 * were accepted and never ran, and NtsecShutdown waited for them forever (repro/threads_fork.c).
 * Each child here runs under alarm(), so a hang is a failure, not a hung suite.
 *
 * TSan: a child of a multi-threaded parent must not start threads (TSan dies). The first test
 * forks before this process has any thread of its own and lets the child start workers; the
 * later tests fork after workers run in the parent, and under TSan their children only check
 * what needs no new thread (pending items dropped, NtsecShutdown returns).
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ntsec_test.h"
#include "fork_child.h"
#include "ex/exp.h"
#include "ps/psp.h"

#if defined(__SANITIZE_THREAD__)
#define TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_TSAN 1
#endif
#endif
#ifndef TEST_TSAN
#define TEST_TSAN 0
#endif

#define CLIENT "user=S-1-5-21-1-2-3-1001 groups=WD type=impersonation level=impersonation"

static _Atomic int Ran;
static _Atomic int RanImpersonating;

static VOID CountRun(PVOID Parameter)
{
    (void)Parameter;
    atomic_store(&RanImpersonating, PspIsImpersonating(PsGetCurrentThread()));
    atomic_fetch_add(&Ran, 1);
}

/* Waits (bounded: the child's alarm ends it) until Ran reaches Count. */
static void WaitRan(int Count)
{
    while (atomic_load(&Ran) < Count) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
}

static void ChildKeepsImpersonationAndStartsWorkers(void *Context)
{
    PACCESS_TOKEN token = Context;
    PETHREAD self = PsGetCurrentThread();
    BOOLEAN copy, effective;
    SECURITY_IMPERSONATION_LEVEL level;
    PACCESS_TOKEN t = PsReferenceImpersonationToken(self, &copy, &effective, &level);
    CHILD_REQUIRE(t == token);
    CHILD_REQUIRE(level == SecurityImpersonation);
    PsDereferenceImpersonationToken(t);
    /* A work item in the child runs, on a fresh worker, as SYSTEM. */
    WORK_QUEUE_ITEM item;
    ExInitializeWorkItem(&item, CountRun, NULL);
    atomic_store(&Ran, 0);
    atomic_store(&RanImpersonating, 1);
    ExQueueWorkItem(&item, DelayedWorkQueue);
    WaitRan(1);
    CHILD_REQUIRE(atomic_load(&RanImpersonating) == 0);
    PsRevertToSelf();
    ObDereferenceObject(token); /* the child's copy of the test's reference */
    NtsecShutdown();
}

/* Forks while impersonating, before this process has threads: the child keeps the
 * impersonation on its only thread and gets workers on demand. */
static void test_fork_before_threads_child_keeps_impersonation_and_gets_workers(void **state)
{
    (void)state;
    PACCESS_TOKEN token = TestToken(CLIENT);
    assert_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    InChild(ChildKeepsImpersonationAndStartsWorkers, token);
    /* The parent is untouched: still impersonating. */
    assert_true(PspIsImpersonating(PsGetCurrentThread()));
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(token), 1);
    ObDereferenceObject(token);
}

static WORK_QUEUE_ITEM Pending;

static void ChildAfterWorkers(void *Context)
{
    (void)Context;
    /* Queued in the parent, held there: it belongs to the parent and is not run here, and
     * is no longer "queued", so the child may queue it itself. */
    CHILD_REQUIRE(Pending.List.Flink == NULL);
    ExpHoldQueues(FALSE);
    if (!TEST_TSAN) {
        atomic_store(&Ran, 0);
        ExQueueWorkItem(&Pending, CriticalWorkQueue); /* starts fresh workers */
        WORK_QUEUE_ITEM other;
        ExInitializeWorkItem(&other, CountRun, NULL);
        ExQueueWorkItem(&other, DelayedWorkQueue);
        WaitRan(2);
    }
    NtsecShutdown(); /* hung before the fix */
}

/* Workers run in the parent, one item is pending, then fork: the child's queues are fresh
 * and NtsecShutdown returns. */
static void test_fork_after_workers_child_gets_fresh_queues_and_shuts_down(void **state)
{
    (void)state;
    WORK_QUEUE_ITEM first;
    ExInitializeWorkItem(&first, CountRun, NULL);
    atomic_store(&Ran, 0);
    ExQueueWorkItem(&first, CriticalWorkQueue);
    ExQueueWorkItem(&(WORK_QUEUE_ITEM){ 0 }, DelayedWorkQueue); /* no routine: ignored */
    WaitRan(1);
    WORK_QUEUE_ITEM second;
    ExInitializeWorkItem(&second, CountRun, NULL);
    ExQueueWorkItem(&second, DelayedWorkQueue);
    WaitRan(2); /* both queues have workers now */
    ExpHoldQueues(TRUE);
    ExInitializeWorkItem(&Pending, CountRun, NULL);
    ExQueueWorkItem(&Pending, CriticalWorkQueue);
    InChild(ChildAfterWorkers, NULL);
    /* In the parent the held item still runs. */
    ExpHoldQueues(FALSE);
    WaitRan(3);
}

static void ChildJoinsInheritedThread(void *Context)
{
    PETHREAD thread = Context;
    /* The thread exists in the parent only: joining it here does not wait. */
    CHILD_REQUIRE(NtsecJoinThread(thread) == STATUS_SUCCESS);
    CHILD_REQUIRE(NtsecJoinThread(thread) == STATUS_INVALID_PARAMETER); /* once */
    ObDereferenceObject(thread);
    NtsecShutdown();
}

static _Atomic int Release;
static VOID BlockUntilReleased(PVOID Context)
{
    (void)Context;
    while (!atomic_load(&Release)) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
}

/* A thread of the parent, still running, joined in the child: no wait, one teardown. */
static void test_fork_child_joining_parent_thread_does_not_wait(void **state)
{
    (void)state;
    PETHREAD thread = NULL;
    assert_status(NtsecCreateThread(PsInitialSystemProcess, BlockUntilReleased, NULL, &thread), STATUS_SUCCESS);
    InChild(ChildJoinsInheritedThread, thread);
    atomic_store(&Release, 1);
    assert_status(NtsecJoinThread(thread), STATUS_SUCCESS);
    ObDereferenceObject(thread);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: this process has no thread of its own yet */
        cmocka_unit_test(test_fork_before_threads_child_keeps_impersonation_and_gets_workers),
        cmocka_unit_test(test_fork_after_workers_child_gets_fresh_queues_and_shuts_down),
        cmocka_unit_test(test_fork_child_joining_parent_thread_does_not_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
