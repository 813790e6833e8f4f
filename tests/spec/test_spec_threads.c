/*
 * test_spec_threads.c - spec section 6 cases 78-80: termination, deletion while
 * impersonating, and concurrent impersonation on one target thread.
 */
#include <pthread.h>
#include <stdatomic.h>
#include "ntsec_test.h"
#include "specfixture.h"
#include "ob/obp.h"

#define FX SPEC_FIXTURE *F = *state

static VOID CheckNotTerminating(PVOID Context)
{
    *(BOOLEAN *)Context = PsIsThreadTerminating(PsGetCurrentThread());
}

/* case 78 [D] */
static void test_case78_is_thread_terminating(void **state)
{
    FX;
    TEST_THREAD *r = TrStart(F->ProcA);
    assert_false(PsIsThreadTerminating(TrThread(r)));
    BOOLEAN self = TRUE;
    TrRun(r, CheckNotTerminating, &self);
    assert_false(self);
    PETHREAD t;
    TrStopEx(r, &t);
    assert_true(PsIsThreadTerminating(t));
    ObDereferenceObject(t);
}

/* case 79 [R ROS-ps]: the thread's reference goes away with the thread */
static void test_case79_thread_ending_while_impersonating_releases_ref(void **state)
{
    FX;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    TEST_THREAD *r = TrStart(F->ProcA);
    SPEC_IMPERSONATE(TrThread(r), F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1);
    /* ends while impersonating on purpose: the finding arrives on the ending thread */
    EXPECT_VERIFIER_FINDING(NtsecFindingThreadExitImpersonating, TrStop(r));
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
}

#define ITERATIONS 20000

typedef struct {
    SPEC_FIXTURE *F;
    PETHREAD Target;
    PACCESS_TOKEN Token;
    _Atomic int *Stop;
    long Seen;
} HAMMER;

static void *Impersonator(void *Arg)
{
    HAMMER *h = Arg;
    for (int i = 0; i < ITERATIONS; i++) {
        tr_check_status(PsImpersonateClient(h->Target, h->Token, FALSE, FALSE, SecurityImpersonation),
                      STATUS_SUCCESS);
        tr_check_status(PsImpersonateClient(h->Target, NULL, FALSE, FALSE, SecurityImpersonation),
                      STATUS_SUCCESS);
    }
    return NULL;
}

static void *Reader(void *Arg)
{
    HAMMER *h = Arg;
    while (!atomic_load(h->Stop)) {
        BOOLEAN coo, eo;
        SECURITY_IMPERSONATION_LEVEL lvl;
        PACCESS_TOKEN t = PsReferenceImpersonationToken(h->Target, &coo, &eo, &lvl);
        if (t != NULL) {
            /* alive and one of the two tokens, until we drop our reference */
            tr_check_true(ObpIsObjectOfType(t, &ObpTokenType));
            tr_check_true(NtsecReferenceCount(t) >= 2);
            tr_check_true(t == h->F->IT_A2 || t == h->F->IT_A3);
            h->Seen++;
            PsDereferenceImpersonationToken(t);
        }
        SECURITY_SUBJECT_CONTEXT ctx;
        SeCaptureSubjectContextEx(h->Target, h->F->ProcA, &ctx);
        if (ctx.ClientToken != NULL)
            tr_check_true(NtsecReferenceCount(ctx.ClientToken) >= 2);
        tr_check_ptr_equal(ctx.PrimaryToken, h->F->PT_A);
        SeReleaseSubjectContext(&ctx);
    }
    return NULL;
}

/* case 80 [C, invariants T1/T2] */
static void test_case80_concurrent_impersonation_on_one_thread(void **state)
{
    FX;
    SPEC_REFS refs = SpecRefs(F);
    _Atomic int stop = 0;
    HAMMER a = {F, TrThread(F->tA), F->IT_A2, &stop, 0};
    HAMMER b = {F, TrThread(F->tA), F->IT_A3, &stop, 0};
    HAMMER c = {F, TrThread(F->tA), NULL, &stop, 0};
    pthread_t ta, tb, tc;
    assert_int_equal(pthread_create(&tc, NULL, Reader, &c), 0);
    assert_int_equal(pthread_create(&ta, NULL, Impersonator, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, Impersonator, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    atomic_store(&stop, 1);
    pthread_join(tc, NULL);
    PsRevertThreadToSelf(TrThread(F->tA));
    SpecAssertRefs(F, &refs);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_case78_is_thread_terminating),
        T(test_case79_thread_ending_while_impersonating_releases_ref),
        T(test_case80_concurrent_impersonation_on_one_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
