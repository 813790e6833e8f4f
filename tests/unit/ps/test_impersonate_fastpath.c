/*
 * test_impersonate_fastpath.c - PsImpersonateClient / PsRevertToSelf / SeCaptureSubjectContext
 * fast paths (docs/impersonation-fastpath.md, issue 15 section 2) give what the whole
 * routines give: exact reference counts, stored level and flags, the previous token released,
 * another thread's impersonation, the captured tokens. Runs with and without the verifier
 * (with it, every call takes the whole routine).
 */
#include <unistd.h>
#include "ntsec_test.h"

#define CLIENT "user=S-1-5-21-1-2-3-1001 groups=WD integrity=ME type=impersonation level=impersonation"
#define OTHER "user=S-1-5-21-1-2-3-1002 groups=WD integrity=ME type=impersonation level=impersonation"

static void test_reimpersonating_the_token_in_force_keeps_one_reference(void **state)
{
    PACCESS_TOKEN t = TestToken(CLIENT);
    PETHREAD self = PsGetCurrentThread();
    assert_status(PsImpersonateClient(self, t, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(t), 2);
    for (int i = 0; i < 3; i++) {
        assert_status(PsImpersonateClient(self, t, i & 1, !(i & 1), SecurityImpersonation), STATUS_SUCCESS);
        assert_int_equal(NtsecReferenceCount(t), 2);
        BOOLEAN coo = 2, eo = 2;
        SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
        PACCESS_TOKEN held = PsReferenceImpersonationToken(self, &coo, &eo, &level);
        assert_ptr_equal(held, t);
        assert_int_equal(coo, i & 1);
        assert_int_equal(eo, !(i & 1));
        assert_int_equal(level, SecurityImpersonation);
        PsDereferenceImpersonationToken(held);
    }
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(t), 1);
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(t), 1);
    ObDereferenceObject(t);
}

static void test_switching_tokens_releases_the_previous_one(void **state)
{
    PACCESS_TOKEN a = TestToken(CLIENT), b = TestToken(OTHER);
    PETHREAD self = PsGetCurrentThread();
    assert_status(PsImpersonateClient(self, a, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    assert_status(PsImpersonateClient(self, b, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    /* b may be a downgraded copy when the process may not impersonate it; a is released */
    assert_int_equal(NtsecReferenceCount(a), 1);
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(b), 1);
    ObDereferenceObject(a);
    ObDereferenceObject(b);
}

static void test_level_is_clamped_and_checked(void **state)
{
    PACCESS_TOKEN t = TestToken("user=S-1-5-21-1-2-3-1001 groups=WD integrity=ME type=impersonation level=identification");
    PETHREAD self = PsGetCurrentThread();
    assert_status(PsImpersonateClient(self, t, FALSE, FALSE, (SECURITY_IMPERSONATION_LEVEL)7), STATUS_INVALID_PARAMETER);
    assert_int_equal(NtsecReferenceCount(t), 1);
    assert_status(PsImpersonateClient(self, t, FALSE, FALSE, SecurityDelegation), STATUS_SUCCESS);
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    BOOLEAN coo, eo;
    PACCESS_TOKEN held = PsReferenceImpersonationToken(self, &coo, &eo, &level);
    assert_ptr_equal(held, t);
    assert_int_equal(level, SecurityIdentification);
    PsDereferenceImpersonationToken(held);
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(t), 1);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
                            assert_status(PsImpersonateClient(self, PsGetCurrentProcess(), FALSE, FALSE,
                                                              SecurityImpersonation),
                                          STATUS_OBJECT_TYPE_MISMATCH));
    ObDereferenceObject(t);
}

static void test_capture_while_impersonating_references_both_tokens(void **state)
{
    PACCESS_TOKEN t = TestToken(CLIENT);
    PACCESS_TOKEN primary = PsReferencePrimaryToken(PsGetCurrentProcess());
    LONG_PTR p0 = NtsecReferenceCount(primary);
    SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContext(&ctx);
    assert_null(ctx.ClientToken);
    assert_int_equal(ctx.ImpersonationLevel, SecurityAnonymous);
    assert_ptr_equal(ctx.PrimaryToken, primary);
    assert_int_equal(NtsecReferenceCount(primary), p0 + 1);
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(NtsecReferenceCount(primary), p0);
    assert_status(PsImpersonateClient(PsGetCurrentThread(), t, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    PACCESS_TOKEN installed = PsReferenceImpersonationToken(PsGetCurrentThread(), NULL, NULL, NULL);
    LONG_PTR c0 = NtsecReferenceCount(installed);
    SeCaptureSubjectContext(&ctx);
    assert_ptr_equal(ctx.ClientToken, installed);
    assert_ptr_equal(ctx.PrimaryToken, primary);
    assert_int_equal(NtsecReferenceCount(installed), c0 + 1);
    assert_int_equal(NtsecReferenceCount(primary), p0 + 1);
    SeReleaseSubjectContext(&ctx);
    assert_null(ctx.ClientToken);
    assert_null(ctx.PrimaryToken);
    assert_int_equal(NtsecReferenceCount(installed), c0);
    assert_int_equal(NtsecReferenceCount(primary), p0);
    /* a second release does nothing (5-D23; the verifier reports it) */
    EXPECT_VERIFIER_FINDING(NtsecFindingSubjectContextDoubleRelease, SeReleaseSubjectContext(&ctx));
    PsDereferenceImpersonationToken(installed);
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(t), 1);
    PsDereferencePrimaryToken(primary);
    ObDereferenceObject(t);
}

/* Another thread's impersonation, set and replaced from here (spec case 80's caller). */
static VOID Idle(PVOID Context)
{
    while (!__atomic_load_n((int *)Context, __ATOMIC_ACQUIRE))
        usleep(1000);
}

static void test_impersonating_another_thread(void **state)
{
    PACCESS_TOKEN a = TestToken(CLIENT), b = TestToken(CLIENT);
    int quit = 0;
    PETHREAD other;
    assert_status(NtsecCreateThread(PsGetCurrentProcess(), Idle, &quit, &other), STATUS_SUCCESS);
    assert_status(PsImpersonateClient(other, a, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(a), 2);
    assert_status(PsImpersonateClient(other, b, TRUE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(a), 1);
    assert_int_equal(NtsecReferenceCount(b), 2);
    PsRevertThreadToSelf(other);
    assert_int_equal(NtsecReferenceCount(b), 1);
    __atomic_store_n(&quit, 1, __ATOMIC_RELEASE);
    assert_status(NtsecJoinThread(other), STATUS_SUCCESS);
    ObDereferenceObject(other);
    ObDereferenceObject(a);
    ObDereferenceObject(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reimpersonating_the_token_in_force_keeps_one_reference),
        cmocka_unit_test(test_switching_tokens_releases_the_previous_one),
        cmocka_unit_test(test_level_is_clamped_and_checked),
        cmocka_unit_test(test_capture_while_impersonating_references_both_tokens),
        cmocka_unit_test(test_impersonating_another_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
