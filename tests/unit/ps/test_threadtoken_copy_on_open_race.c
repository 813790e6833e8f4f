/*
 * test_threadtoken_copy_on_open_race.c - the copy-on-open swap of ZwOpenThreadTokenEx (spec 2.20
 * "Open-thread-token service": "if CopyOnOpen, the caller receives a duplicate ... and the
 * thread is switched to that duplicate") must only switch the thread if it still has the
 * impersonation state the duplicate was made for (spec 1.8 L1/L4: decide outside the lock,
 * re-check under it).
 *
 * The race is made deterministic: the test holds the token's lock exclusively, so the
 * opener stops inside the duplication after it read the thread's state (seen as its extra
 * reference on the token); the thread then re-impersonates the SAME token at
 * Identification without CopyOnOpen; then the lock is released.
 */
#include <pthread.h>
#include <sched.h>
#include "ntsec_test.h"
#include "specfixture.h"
#include "se/sep.h"

typedef struct {
    HANDLE Thread;
    HANDLE Token;
    NTSTATUS Status;
} OPENER;

static void *Open(void *Arg)
{
    OPENER *o = Arg;
    o->Status = ZwOpenThreadTokenEx(o->Thread, TOKEN_QUERY, FALSE, OBJ_KERNEL_HANDLE, &o->Token);
    return NULL;
}

static void test_copy_on_open_does_not_swap_after_reimpersonation_of_same_token(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, TRUE, FALSE, SecurityImpersonation);
    LONG_PTR base = NtsecReferenceCount(F->IT_A2); /* includes the thread's reference */
    OPENER o = {NULL, NULL, STATUS_PENDING};
    assert_status(ObOpenObjectByPointer(tA, OBJ_KERNEL_HANDLE, NULL, THREAD_ALL_ACCESS, *PsThreadType,
                                        KernelMode, &o.Thread),
                  STATUS_SUCCESS);

    SepAcquireTokenLockExclusive((PTOKEN)F->IT_A2);
    pthread_t opener;
    assert_int_equal(pthread_create(&opener, NULL, Open, &o), 0);
    while (NtsecReferenceCount(F->IT_A2) != base + 1) /* opener read the state, took its ref */
        sched_yield();
    /* same token, same user: no rule lock, no copy; the thread's state changes */
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityIdentification);
    SepReleaseTokenLock((PTOKEN)F->IT_A2);
    pthread_join(opener, NULL);

    assert_status(o.Status, STATUS_SUCCESS); /* a duplicate made for the state it read */
    /* the thread keeps the token it was last given, with the state it was given */
    SPEC_ASSERT_IMPERSONATING(tA, F->IT_A2, FALSE, FALSE, SecurityIdentification);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
    assert_status(ZwClose(o.Token), STATUS_SUCCESS);
    assert_status(ZwClose(o.Thread), STATUS_SUCCESS);
    PsRevertThreadToSelf(tA);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_copy_on_open_does_not_swap_after_reimpersonation_of_same_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
