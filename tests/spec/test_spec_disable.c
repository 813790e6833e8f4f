/*
 * test_spec_disable.c - spec section 6 cases 18-23: PsDisableImpersonation /
 * PsRestoreImpersonation (spec 2.8).
 */
#include <string.h>
#include "ntsec_test.h"
#include "specfixture.h"

/* case 18 [R]: the thread's reference moves into the state block */
static void test_case18_disable_moves_token_into_state(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, TRUE, TRUE, SecurityImpersonation);
    LONG_PTR refs = NtsecReferenceCount(F->IT_A2);
    SE_IMPERSONATION_STATE st;
    memset(&st, 0xAA, sizeof st);
    assert_true(PsDisableImpersonation(tA, &st));
    assert_ptr_equal(st.Token, F->IT_A2);
    assert_true(st.CopyOnOpen);
    assert_true(st.EffectiveOnly);
    assert_int_equal(st.Level, SecurityImpersonation);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    assert_int_equal(NtsecReferenceCount(F->IT_A2), refs);
    PsRestoreImpersonation(tA, &st);
}

/* case 19 [R]: restore gives the reference back to the thread */
static void test_case19_restore_reinstalls_saved_state(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, TRUE, TRUE, SecurityImpersonation);
    LONG_PTR refs = NtsecReferenceCount(F->IT_A2);
    SE_IMPERSONATION_STATE st;
    assert_true(PsDisableImpersonation(tA, &st));
    PsRestoreImpersonation(tA, &st);
    SPEC_ASSERT_IMPERSONATING(tA, F->IT_A2, TRUE, TRUE, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), refs);
}

/* case 20 [R; C 5-D11]: not impersonating -> FALSE and a zeroed state */
static void test_case20_disable_when_not_impersonating_returns_false(void **state)
{
    SPEC_FX_TA;
    SPEC_REFS refs = SpecRefs(F);
    SE_IMPERSONATION_STATE st;
    memset(&st, 0xAA, sizeof st);
    assert_false(PsDisableImpersonation(tA, &st));
    assert_null(st.Token);
    assert_false(st.CopyOnOpen);
    assert_false(st.EffectiveOnly);
    assert_int_equal(st.Level, SecurityAnonymous);
    SpecAssertRefs(F, &refs);
}

/* case 21 [R]: an impersonation made while disabled is released by the restore */
static void test_case21_restore_replaces_interim_impersonation(void **state)
{
    SPEC_FX_TA;
    LONG_PTR a1 = NtsecReferenceCount(F->IT_A1);
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    LONG_PTR a2 = NtsecReferenceCount(F->IT_A2);
    SE_IMPERSONATION_STATE st;
    assert_true(PsDisableImpersonation(tA, &st));
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityIdentification);
    assert_int_equal(NtsecReferenceCount(F->IT_A1), a1 + 1);
    PsRestoreImpersonation(tA, &st);
    SECURITY_IMPERSONATION_LEVEL lvl;
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, &lvl), F->IT_A2);
    assert_int_equal(lvl, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->IT_A1), a1);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), a2);
}

typedef struct {
    SE_IMPERSONATION_STATE State;
    BOOLEAN Disabled;
    SECURITY_SUBJECT_CONTEXT Subject;
} DISABLE_CAPTURE;

static VOID DisableAndCapture(PVOID Context)
{
    DISABLE_CAPTURE *dc = Context;
    dc->Disabled = PsDisableImpersonation(PsGetCurrentThread(), &dc->State);
    SeCaptureSubjectContext(&dc->Subject);
    PsRestoreImpersonation(PsGetCurrentThread(), &dc->State);
}

/* case 22 [R]: while disabled, a capture sees only the primary token */
static void test_case22_capture_while_disabled_sees_primary_only(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    LONG_PTR a2 = NtsecReferenceCount(F->IT_A2), pa = NtsecReferenceCount(F->PT_A);
    DISABLE_CAPTURE dc;
    memset(&dc, 0, sizeof dc);
    TrRun(F->tA, DisableAndCapture, &dc);
    assert_true(dc.Disabled);
    assert_null(dc.Subject.ClientToken);
    assert_ptr_equal(dc.Subject.PrimaryToken, F->PT_A);
    assert_int_equal(dc.Subject.ImpersonationLevel, SecurityAnonymous); /* 5-D9 */
    assert_int_equal(NtsecReferenceCount(F->PT_A), pa + 1);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), a2);
    SeReleaseSubjectContext(&dc.Subject);
    assert_int_equal(NtsecReferenceCount(F->PT_A), pa);
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, NULL), F->IT_A2); /* restored */
}

/* case 23 [C]: restoring a state without a token means "not impersonating" */
static void test_case23_restore_null_state_ends_impersonation(void **state)
{
    SPEC_FX_TA;
    SPEC_REFS refs = SpecRefs(F);
    SE_IMPERSONATION_STATE st;
    memset(&st, 0, sizeof st);
    EXPECT_VERIFIER_FINDING(NtsecFindingRestoreWithoutDisable, PsRestoreImpersonation(tA, &st));
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    SpecAssertRefs(F, &refs);
    /* and from an interim impersonation: its thread reference is released */
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityIdentification);
    EXPECT_VERIFIER_FINDING(NtsecFindingRestoreWithoutDisable, PsRestoreImpersonation(tA, &st));
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    SpecAssertRefs(F, &refs);
    EXPECT_VERIFIER_FINDING(NtsecFindingRestoreWithoutDisable, PsRestoreImpersonation(tA, NULL));
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    SpecAssertRefs(F, &refs);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_case18_disable_moves_token_into_state),
        T(test_case19_restore_reinstalls_saved_state),
        T(test_case20_disable_when_not_impersonating_returns_false),
        T(test_case21_restore_replaces_interim_impersonation),
        T(test_case22_capture_while_disabled_sees_primary_only),
        T(test_case23_restore_null_state_ends_impersonation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
