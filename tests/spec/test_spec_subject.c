/*
 * test_spec_subject.c - spec section 6 cases 24-28: subject contexts (spec 2.10-2.13).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include "ntsec_test.h"
#include "specfixture.h"
#include "se/sep.h"

/* case 24 [D, R; C 5-D9 for the level, 5-D23 for the second release] */
static void test_case24_capture_not_impersonating(void **state)
{
    SPEC_FX_TA;
    LONG_PTR pa = NtsecReferenceCount(F->PT_A);
    SECURITY_SUBJECT_CONTEXT ctx;
    memset(&ctx, 0xAA, sizeof ctx);
    TrRun(F->tA, TrWorkCapture, &ctx);
    assert_null(ctx.ClientToken);
    assert_int_equal(ctx.ImpersonationLevel, SecurityAnonymous);
    assert_ptr_equal(ctx.PrimaryToken, F->PT_A);
    assert_ptr_equal(ctx.ProcessAuditId, (PVOID)PsGetProcessId(F->ProcA));
    assert_int_equal(NtsecReferenceCount(F->PT_A), pa + 1);
    assert_ptr_equal(SeQuerySubjectContextToken(&ctx), F->PT_A);
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(NtsecReferenceCount(F->PT_A), pa);
    assert_null(ctx.ClientToken);
    assert_null(ctx.PrimaryToken);
    EXPECT_VERIFIER_FINDING(NtsecFindingSubjectContextDoubleRelease,
                            SeReleaseSubjectContext(&ctx)); /* 5-D23: no-op */
    assert_int_equal(NtsecReferenceCount(F->PT_A), pa);
}

/* case 25 [D, R] */
static void test_case25_capture_impersonating_identification(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityIdentification);
    LONG_PTR a1 = NtsecReferenceCount(F->IT_A1);
    SECURITY_SUBJECT_CONTEXT ctx;
    TrRun(F->tA, TrWorkCapture, &ctx);
    assert_ptr_equal(ctx.ClientToken, F->IT_A1);
    assert_int_equal(ctx.ImpersonationLevel, SecurityIdentification);
    assert_ptr_equal(ctx.PrimaryToken, F->PT_A);
    assert_int_equal(NtsecReferenceCount(F->IT_A1), a1 + 1);
    assert_ptr_equal(SeQuerySubjectContextToken(&ctx), F->IT_A1);
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(NtsecReferenceCount(F->IT_A1), a1);
}

/* case 26 [R]: the context is a snapshot with its own references */
static void test_case26_capture_survives_revert(void **state)
{
    SPEC_FX_TA;
    LONG_PTR a1 = NtsecReferenceCount(F->IT_A1);
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityIdentification);
    SECURITY_SUBJECT_CONTEXT ctx;
    TrRun(F->tA, TrWorkCapture, &ctx);
    TrRun(F->tA, TrWorkRevertToSelf, NULL);
    assert_int_equal(NtsecReferenceCount(F->IT_A1), a1 + 1);
    assert_ptr_equal(ctx.ClientToken, F->IT_A1);
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(NtsecReferenceCount(F->IT_A1), a1);
}

typedef struct {
    PTOKEN Token;
    _Atomic int Acquired;
} WRITER;

static void *WriterMain(void *Arg)
{
    WRITER *w = Arg;
    SepAcquireTokenLockExclusive(w->Token); /* what privilege adjustment does */
    atomic_store(&w->Acquired, 1);
    SepReleaseTokenLock(w->Token);
    return NULL;
}

/* case 27 [W WINFSP]: a copy while locked does not deadlock, even with a writer waiting */
static void test_case27_client_security_from_locked_subject(void **state)
{
    SPEC_FX_TA;
    LONG_PTR pa = NtsecReferenceCount(F->PT_A);
    SECURITY_SUBJECT_CONTEXT ctx;
    TrRun(F->tA, TrWorkCapture, &ctx);
    SeLockSubjectContext(&ctx);
    WRITER w = {(PTOKEN)F->PT_A, 0};
    pthread_t writer;
    assert_int_equal(pthread_create(&writer, NULL, WriterMain, &w), 0);
    usleep(20000); /* let the writer queue up behind our shared lock (not an assertion) */
    SECURITY_QUALITY_OF_SERVICE qos = {sizeof qos, SecurityIdentification,
                                       SECURITY_STATIC_TRACKING, FALSE};
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurityFromSubjectContext(&ctx, &qos, FALSE, &cc),
                  STATUS_SUCCESS);
    assert_int_equal(atomic_load(&w.Acquired), 0); /* still locked out */
    assert_non_null(cc.ClientToken);
    assert_ptr_not_equal(cc.ClientToken, F->PT_A);
    assert_int_equal(SpecTokenType(cc.ClientToken), TokenImpersonation);
    assert_int_equal(SpecTokenLevel(cc.ClientToken), SecurityIdentification);
    assert_false(cc.DirectlyAccessClientToken);
    SeUnlockSubjectContext(&ctx);
    pthread_join(writer, NULL);
    assert_int_equal(atomic_load(&w.Acquired), 1);
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(NtsecReferenceCount(cc.ClientToken), 1);
    SeDeleteClientSecurity(&cc);
    assert_null(cc.ClientToken);
    assert_int_equal(NtsecReferenceCount(F->PT_A), pa);
}

static VOID CaptureLockUnlockRelease(PVOID Context)
{
    SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContext(&ctx);
    SeLockSubjectContext(&ctx);
    *(PACCESS_TOKEN *)Context = SeQuerySubjectContextToken(&ctx);
    SeUnlockSubjectContext(&ctx);
    SeReleaseSubjectContext(&ctx);
}

/* case 28 [D]: writers wait for the unlock; shared lockers do not */
static void test_case28_locked_subject_blocks_writers_not_readers(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    SECURITY_SUBJECT_CONTEXT ctx;
    TrRun(F->tA, TrWorkCapture, &ctx);
    SeLockSubjectContext(&ctx);
    /* a third thread (tA2, same process) captures and locks shared: not blocked */
    PACCESS_TOKEN seen = NULL;
    TrRun(F->tA2, CaptureLockUnlockRelease, &seen);
    assert_ptr_equal(seen, F->PT_A);
    /* writers to either token wait */
    WRITER wp = {(PTOKEN)F->PT_A, 0}, wc = {(PTOKEN)F->IT_A2, 0};
    pthread_t tp, tc;
    assert_int_equal(pthread_create(&tp, NULL, WriterMain, &wp), 0);
    assert_int_equal(pthread_create(&tc, NULL, WriterMain, &wc), 0);
    usleep(20000);
    assert_int_equal(atomic_load(&wp.Acquired), 0);
    assert_int_equal(atomic_load(&wc.Acquired), 0);
    SeUnlockSubjectContext(&ctx);
    pthread_join(tp, NULL);
    pthread_join(tc, NULL);
    assert_int_equal(atomic_load(&wp.Acquired), 1);
    assert_int_equal(atomic_load(&wc.Acquired), 1);
    SeReleaseSubjectContext(&ctx);
}

/* spec 5-D24: capture with a token where the process belongs leaves an empty context */
static void test_capture_ex_wrong_types_gives_empty_context(void **state)
{
    SPEC_FX_TA;
    SPEC_REFS refs = SpecRefs(F);
    SECURITY_SUBJECT_CONTEXT ctx;
    memset(&ctx, 0xAA, sizeof ctx);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
                            SeCaptureSubjectContextEx(tA, (PEPROCESS)F->PT_A, &ctx));
    assert_null(ctx.ClientToken);
    assert_null(ctx.PrimaryToken);
    assert_null(SeQuerySubjectContextToken(&ctx));
    memset(&ctx, 0xAA, sizeof ctx);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
                            SeCaptureSubjectContextEx((PETHREAD)F->ProcA, F->ProcA, &ctx));
    assert_null(ctx.PrimaryToken);
    SpecAssertRefs(F, &refs);
    /* a NULL thread captures the process only (spec 2.10 step 2) */
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    SeCaptureSubjectContextEx(NULL, F->ProcA, &ctx);
    assert_null(ctx.ClientToken);
    assert_ptr_equal(ctx.PrimaryToken, F->PT_A);
    SeReleaseSubjectContext(&ctx);
    /* SeCaptureSubjectContextEx on another thread sees its impersonation */
    SeCaptureSubjectContextEx(tA, F->ProcA, &ctx);
    assert_ptr_equal(ctx.ClientToken, F->IT_A2);
    assert_int_equal(ctx.ImpersonationLevel, SecurityImpersonation);
    SeReleaseSubjectContext(&ctx);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_case24_capture_not_impersonating),
        T(test_case25_capture_impersonating_identification),
        T(test_case26_capture_survives_revert),
        T(test_case27_client_security_from_locked_subject),
        T(test_case28_locked_subject_blocks_writers_not_readers),
        T(test_capture_ex_wrong_types_gives_empty_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
