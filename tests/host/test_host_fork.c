/*
 * test_host_fork.c - fork() with the host backend on (issue 9 item 9; docs/workers.md
 * "fork()"): the forking thread keeps its impersonation and its Linux identity as the
 * child's only thread; the parent's other switched threads are not counted in the child, so
 * turning the backend off there succeeds and does not take the forking thread for a gone one.
 *
 * Root only (CAP_SETUID/CAP_SETGID); skips cleanly otherwise. The child starts no thread (its
 * parent is multi-threaded; TSan). Each child runs under alarm().
 */
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>
#include "host_helpers.h"
#include "fork_child.h"

static _Atomic int OtherSwitched, ReleaseOther;
static PTOKEN OtherToken;

static void *OtherThread(void *Arg)
{
    (void)Arg;
    if (PsImpersonateClient(PsGetCurrentThread(), OtherToken, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
        return NULL;
    atomic_store(&OtherSwitched, 1);
    while (!atomic_load(&ReleaseOther)) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    PsRevertToSelf();
    return NULL;
}

static void ChildOfSwitchedThreads(void *Context)
{
    PTOKEN token = Context;
    TH_IDS ids;
    PETHREAD self = PsGetCurrentThread();
    ThReadIds(&ids);
    CHILD_REQUIRE(ids.Uid[1] == TH_UID_A);       /* the forking thread's identity */
    CHILD_REQUIRE(PspIsImpersonating(self));
    PsRevertToSelf();
    ThReadIds(&ids);
    CHILD_REQUIRE(ids.Uid[1] == 0);
    /* The parent's other thread is still switched there, not here: Off succeeds. */
    CHILD_REQUIRE(NtsecEnableHostCredentials(NtsecHostOff) == STATUS_SUCCESS);
    CHILD_REQUIRE(!PsIsThreadTerminating(self));  /* not mistaken for a gone thread */
    CHILD_REQUIRE(NtsecReferenceCount(self) >= 1);
    /* And the backend works again in the child. */
    CHILD_REQUIRE(NtsecEnableHostCredentials(NtsecHostEuid) == STATUS_SUCCESS);
    CHILD_REQUIRE(PsImpersonateClient(self, token, FALSE, FALSE, SecurityImpersonation) == STATUS_SUCCESS);
    ThReadIds(&ids);
    CHILD_REQUIRE(ids.Uid[1] == TH_UID_A);
    PsRevertToSelf();
    CHILD_REQUIRE(NtsecEnableHostCredentials(NtsecHostOff) == STATUS_SUCCESS);
    ThReadIds(&ids);
    CHILD_REQUIRE(ids.Uid[1] == 0);
}

static void test_fork_with_switched_threads_child_turns_backend_off(void **state)
{
    (void)state;
    TH_REQUIRE_ROOT();
    TH_GROUP ga[] = { { TH_GID_A, 0 } }, gb[] = { { TH_GID_B, 0 } };
    PTOKEN a = ThToken(TH_UID_A, ga, 1);
    OtherToken = ThToken(TH_UID_B, gb, 1);
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    pthread_t other;
    assert_int_equal(pthread_create(&other, NULL, OtherThread, NULL), 0);
    while (!atomic_load(&OtherSwitched)) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    assert_status(PsImpersonateClient(PsGetCurrentThread(), a, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    int status = WaitChild(ForkChild(ChildOfSwitchedThreads, a));
    /* The parent: still impersonating, the other thread still switched. */
    TH_IDS ids;
    ThReadIds(&ids);
    assert_int_equal(ids.Uid[1], TH_UID_A);
    PsRevertToSelf();
    atomic_store(&ReleaseOther, 1);
    pthread_join(other, NULL);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    ObDereferenceObject(a);
    ObDereferenceObject(OtherToken);
    ExpectChildSucceeded(status);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fork_with_switched_threads_child_turns_backend_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
