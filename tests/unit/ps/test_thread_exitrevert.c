/*
 * test_thread_exitrevert.c - NtsecEndImpersonationAtThreadExit (src/ps/thread.c): an adopted
 * thread (a pthread ntsec did not create, as a host library's per-connection thread) that
 * declared it may end while impersonating; the teardown reverts, releases the token
 * reference (spec 1.5 T4) and raises no "thread ended while impersonating" finding. Without
 * the declaration the finding arrives; a thread ntsec created is refused.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include "ntsec_test.h"
#include "vfexpect.h"

#define USER_B "user=S-1-5-21-1-2-3-1002 groups=WD privileges=SeChangeNotifyPrivilege " \
               "type=impersonation level=impersonation"

typedef struct _RUN {
    PACCESS_TOKEN Token;
    BOOLEAN Declare;
    NTSTATUS Declared;
    NTSTATUS Impersonated;
    BOOLEAN Impersonating;
} RUN;

static void *AdoptedBody(void *Argument)
{
    RUN *r = Argument;
    if (r->Declare)
        r->Declared = NtsecEndImpersonationAtThreadExit();
    r->Impersonated = PsImpersonateClient(PsGetCurrentThread(), r->Token, FALSE, FALSE,
                                          SecurityImpersonation);
    BOOLEAN copy, effective;
    SECURITY_IMPERSONATION_LEVEL level;
    PACCESS_TOKEN now = PsReferenceImpersonationToken(PsGetCurrentThread(), &copy, &effective, &level);
    r->Impersonating = now == r->Token;
    if (now != NULL)
        PsDereferenceImpersonationToken(now);
    return NULL; /* ends impersonating, on purpose */
}

/* Runs AdoptedBody on a fresh pthread and returns how many exit findings it raised. */
static ULONG RunAdopted(RUN *r)
{
    pthread_t t;
    TestExpectFindingBegin(NtsecFindingThreadExitImpersonating);
    assert_int_equal(pthread_create(&t, NULL, AdoptedBody, r), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    return TestExpectFindingEnd();
}

/* An adopted thread that impersonates and ends so; Declare: it called the routine first.
 * Checks the findings it raised (Findings) and that the teardown released its token reference. */
static void CheckAdoptedExit(BOOLEAN Declare, ULONG Findings)
{
    ULONG flags = NtsecVerifierFlags();
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    RUN r = {TestToken(USER_B), Declare, STATUS_UNSUCCESSFUL, STATUS_UNSUCCESSFUL, FALSE};
    LONG_PTR base = NtsecReferenceCount(r.Token);
    assert_int_equal(RunAdopted(&r), Findings);
    if (Declare)
        assert_status(r.Declared, STATUS_SUCCESS);
    assert_status(r.Impersonated, STATUS_SUCCESS);
    assert_true(r.Impersonating);
    /* the teardown reverted: the thread's token reference is gone with it */
    assert_int_equal(NtsecReferenceCount(r.Token), base);
    ObDereferenceObject(r.Token);
    NtsecEnableVerifier(flags);
}

static void test_declared_thread_ends_impersonating_without_finding(void **state)
{
    (void)state;
    CheckAdoptedExit(TRUE, 0);
}

/* The same thread without the declaration: the finding arrives, the reference is released too. */
static void test_undeclared_thread_ending_impersonating_is_a_finding(void **state)
{
    (void)state;
    CheckAdoptedExit(FALSE, 1);
}

static NTSTATUS CreatedStatus;

static VOID CreatedBody(PVOID Context)
{
    (void)Context;
    CreatedStatus = NtsecEndImpersonationAtThreadExit();
}

/* A thread ntsec created returns to ntsec: it must revert itself; the declaration is refused. */
static void test_created_thread_is_refused(void **state)
{
    (void)state;
    PEPROCESS process;
    PETHREAD thread;
    PACCESS_TOKEN primary = TestToken("user=S-1-5-21-1-2-3-1001 groups=WD type=primary");
    assert_status(NtsecCreateProcess(primary, &process), STATUS_SUCCESS);
    CreatedStatus = STATUS_UNSUCCESSFUL;
    assert_status(NtsecCreateThread(process, CreatedBody, NULL, &thread), STATUS_SUCCESS);
    assert_status(NtsecJoinThread(thread), STATUS_SUCCESS);
    assert_status(CreatedStatus, STATUS_NOT_SUPPORTED);
    ObDereferenceObject(thread);
    ObDereferenceObject(process);
    ObDereferenceObject(primary);
}

static _Atomic NTSTATUS WorkerStatus;
static _Atomic int WorkerRan;

static VOID WorkerBody(PVOID Context)
{
    (void)Context;
    atomic_store(&WorkerStatus, NtsecEndImpersonationAtThreadExit());
    atomic_store(&WorkerRan, 1);
}

/* A system worker (ExQueueWorkItem) is a thread ntsec created and runs: refused too (a work
 * routine must revert before it returns: IMPERSONATING_WORKER_THREAD). */
static void test_system_worker_is_refused(void **state)
{
    (void)state;
    WORK_QUEUE_ITEM item;
    atomic_store(&WorkerStatus, STATUS_UNSUCCESSFUL);
    atomic_store(&WorkerRan, 0);
    ExInitializeWorkItem(&item, WorkerBody, NULL);
    ExQueueWorkItem(&item, DelayedWorkQueue);
    for (int i = 0; i < 200000 && !atomic_load(&WorkerRan); i++)
        usleep(50);
    assert_int_equal(atomic_load(&WorkerRan), 1);
    assert_status(atomic_load(&WorkerStatus), STATUS_NOT_SUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declared_thread_ends_impersonating_without_finding),
        cmocka_unit_test(test_undeclared_thread_ending_impersonating_is_a_finding),
        cmocka_unit_test(test_created_thread_is_refused),
        cmocka_unit_test(test_system_worker_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
