/*
 * test_spec_refcount.c - spec section 6 cases 1-17: reference counting and basic
 * impersonation state (PsReference/PsDereference pairs, PsImpersonateClient, PsRevertToSelf,
 * PsReferenceEffectiveToken). Fixture: tests/common/specfixture.h.
 */
#include "ntsec_test.h"
#include "specfixture.h"

/* case 1 [D WDK-PsReferencePrimaryToken] */
static void test_case01_reference_primary_token_adds_one_ref(void **state)
{
    SPEC_FX_TA;
    LONG_PTR before = NtsecReferenceCount(F->PT_A);
    PACCESS_TOKEN t = PsReferencePrimaryToken(F->ProcA);
    assert_ptr_equal(t, F->PT_A);
    assert_int_equal(NtsecReferenceCount(F->PT_A), before + 1);
    PsDereferencePrimaryToken(t);
    assert_int_equal(NtsecReferenceCount(F->PT_A), before);
}

/* case 2 [D]: not impersonating -> NULL, no reference changes */
static void test_case02_reference_impersonation_token_null_when_not_impersonating(void **state)
{
    SPEC_FX_TA;
    SPEC_REFS refs = SpecRefs(F);
    BOOLEAN coo, eo;
    SECURITY_IMPERSONATION_LEVEL lvl;
    assert_null(PsReferenceImpersonationToken(tA, &coo, &eo, &lvl));
    SpecAssertRefs(F, &refs);
}

/* case 3 [D "If this is a NULL pointer, does nothing"] */
static void test_case03_dereference_impersonation_token_null_is_noop(void **state)
{
    SPEC_FX_TA;
    SPEC_REFS refs = SpecRefs(F);
    PsDereferenceImpersonationToken(NULL);
    SpecAssertRefs(F, &refs);
}

/* case 4 [D, R ROS-ps] */
static void test_case04_impersonate_installs_same_token_with_flags(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1); /* the thread's ref */
    BOOLEAN coo = TRUE, eo = TRUE;
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityAnonymous;
    PACCESS_TOKEN t = PsReferenceImpersonationToken(tA, &coo, &eo, &lvl);
    assert_ptr_equal(t, F->IT_A2);
    assert_false(coo);
    assert_false(eo);
    assert_int_equal(lvl, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 2);
    PsDereferenceImpersonationToken(t);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1);
}

/* case 5 [D]: the thread's reference keeps the token alive; revert destroys it */
static void test_case05_thread_ref_keeps_token_alive_until_revert(void **state)
{
    SPEC_FX_TA;
    PACCESS_TOKEN mine = SpecDuplicate(F->PT_A, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(mine), 1);
    SPEC_IMPERSONATE(tA, mine, FALSE, FALSE, SecurityImpersonation);
    SpecWatchDeletion(mine);
    ObDereferenceObject(mine); /* the caller's own reference */
    assert_false(SpecDeleted());
    assert_int_equal(NtsecReferenceCount(mine), 1); /* only the thread's */
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, NULL), mine);
    TrRun(F->tA, TrWorkRevertToSelf, NULL);
    assert_true(SpecDeleted());
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
}

/* case 6 [D remark]: replacing releases the old token's thread reference */
static void test_case06_reimpersonate_replaces_token_and_flags(void **state)
{
    SPEC_FX_TA;
    LONG_PTR a2 = NtsecReferenceCount(F->IT_A2), a1 = NtsecReferenceCount(F->IT_A1);
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    SPEC_IMPERSONATE(tA, F->IT_A1, TRUE, TRUE, SecurityIdentification);
    SPEC_ASSERT_IMPERSONATING(tA, F->IT_A1, TRUE, TRUE, SecurityIdentification);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), a2);
    assert_int_equal(NtsecReferenceCount(F->IT_A1), a1 + 1);
}

/* case 7 [R]: re-impersonating the same token is safe and updates the flags */
static void test_case07_reimpersonate_same_token_keeps_one_ref(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, TRUE, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1);
    BOOLEAN coo, eo;
    assert_ptr_equal(SpecThreadToken(tA, &coo, &eo, NULL), F->IT_A2);
    assert_false(coo);
    assert_true(eo);
}

/* case 8 [D]: NULL token ends impersonation */
static void test_case08_impersonate_null_ends_impersonation(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    SPEC_IMPERSONATE(tA, NULL, FALSE, FALSE, SecurityImpersonation);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
}

/* case 9 [R]: NULL token on a thread that is not impersonating: success, no change */
static void test_case09_impersonate_null_when_not_impersonating_is_noop(void **state)
{
    SPEC_FX_TA;
    SPEC_REFS refs = SpecRefs(F);
    SPEC_IMPERSONATE(tA, NULL, TRUE, TRUE, SecurityDelegation);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    SpecAssertRefs(F, &refs);
}

/* case 10 [D, R]: PsRevertToSelf on the current thread; a second one is a no-op */
static void test_case10_revert_to_self_releases_and_repeats_safely(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    TrRun(F->tA, TrWorkRevertToSelf, NULL);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
    TrRun(F->tA, TrWorkRevertToSelf, NULL);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
}

/* case 11 [D WDK-PsImpersonateClient]: save / impersonate / restore */
static void test_case11_save_impersonate_restore_round_trip(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, TRUE, TRUE, SecurityImpersonation);
    SPEC_REFS refs = SpecRefs(F);
    BOOLEAN c, e;
    SECURITY_IMPERSONATION_LEVEL l;
    PACCESS_TOKEN s = PsReferenceImpersonationToken(tA, &c, &e, &l);
    assert_ptr_equal(s, F->IT_A2);
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityIdentification);
    SPEC_IMPERSONATE(tA, s, c, e, l);
    PsDereferenceImpersonationToken(s);
    SPEC_ASSERT_IMPERSONATING(tA, F->IT_A2, TRUE, TRUE, SecurityImpersonation);
    SpecAssertRefs(F, &refs);
}

/* case 12 [D]: the same pattern from "not impersonating" */
static void test_case12_save_restore_from_not_impersonating(void **state)
{
    SPEC_FX_TA;
    SPEC_REFS refs = SpecRefs(F);
    BOOLEAN c = FALSE, e = FALSE;
    SECURITY_IMPERSONATION_LEVEL l = SecurityAnonymous;
    PACCESS_TOKEN s = PsReferenceImpersonationToken(tA, &c, &e, &l);
    assert_null(s);
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityIdentification);
    SPEC_IMPERSONATE(tA, s, c, e, l);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    SpecAssertRefs(F, &refs);
}

/* case 13 [D param text; R]: a primary token may be impersonated; T3 */
static void test_case13_impersonate_primary_token_object(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->PT_A);
    SPEC_IMPERSONATE(tA, F->PT_A, FALSE, FALSE, SecurityImpersonation);
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, NULL), F->PT_A);
    assert_int_equal(NtsecReferenceCount(F->PT_A), base + 1);
    TOKEN_TYPE type = TokenPrimary;
    BOOLEAN eo = TRUE;
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityAnonymous;
    PACCESS_TOKEN t = PsReferenceEffectiveToken(tA, &type, &eo, &lvl);
    assert_ptr_equal(t, F->PT_A);
    assert_int_equal(type, TokenImpersonation); /* the thread's view, not the object's type */
    assert_false(eo);
    assert_int_equal(lvl, SecurityImpersonation);
    ObDereferenceObject(t);
    assert_int_equal(SpecTokenType(F->PT_A), TokenPrimary);
}

/* case 14 [R] */
static void test_case14_effective_token_is_primary_when_not_impersonating(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->PT_A);
    TOKEN_TYPE type = TokenImpersonation;
    BOOLEAN eo = TRUE;
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityDelegation;
    PACCESS_TOKEN t = PsReferenceEffectiveToken(tA, &type, &eo, &lvl);
    assert_ptr_equal(t, F->PT_A);
    assert_int_equal(type, TokenPrimary);
    assert_false(eo);
    assert_int_equal(NtsecReferenceCount(F->PT_A), base + 1);
    PsDereferencePrimaryToken(t);
    assert_int_equal(NtsecReferenceCount(F->PT_A), base);
}

/* case 15 [R] */
static void test_case15_effective_token_reports_thread_flags(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, TRUE, SecurityImpersonation);
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    TOKEN_TYPE type = TokenPrimary;
    BOOLEAN eo = FALSE;
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityAnonymous;
    PACCESS_TOKEN t = PsReferenceEffectiveToken(tA, &type, &eo, &lvl);
    assert_ptr_equal(t, F->IT_A2);
    assert_int_equal(type, TokenImpersonation);
    assert_true(eo);
    assert_int_equal(lvl, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1);
    PsDereferenceImpersonationToken(t);
}

/* case 16 [C 5-D15]: invalid level, from both states */
static void test_case16_invalid_level_is_rejected_without_change(void **state)
{
    SPEC_FX_TA;
    SPEC_REFS refs = SpecRefs(F);
    assert_status(PsImpersonateClient(tA, F->IT_A2, FALSE, FALSE,
                                      (SECURITY_IMPERSONATION_LEVEL)7),
                  STATUS_INVALID_PARAMETER);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    SpecAssertRefs(F, &refs);

    SPEC_IMPERSONATE(tA, F->IT_A1, TRUE, FALSE, SecurityIdentification);
    SpecSnapshotRefs(F, &refs);
    assert_status(PsImpersonateClient(tA, F->IT_A2, FALSE, FALSE,
                                      (SECURITY_IMPERSONATION_LEVEL)7),
                  STATUS_INVALID_PARAMETER);
    SPEC_ASSERT_IMPERSONATING(tA, F->IT_A1, TRUE, FALSE, SecurityIdentification);
    SpecAssertRefs(F, &refs);
}

/* case 17 [C 5-D8]: a level above the token's own is clamped, no copy */
static void test_case17_level_above_token_is_clamped(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->IT_A1);
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityDelegation);
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityDelegation;
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, &lvl), F->IT_A1);
    assert_int_equal(lvl, SecurityIdentification);
    assert_int_equal(NtsecReferenceCount(F->IT_A1), base + 1);
}

/* spec 5-D24: a process where a token belongs changes nothing */
static void test_wrong_object_type_token_is_type_mismatch(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, FALSE, FALSE, SecurityImpersonation);
    SPEC_REFS refs = SpecRefs(F);
    LONG_PTR procRefs = NtsecReferenceCount(F->ProcA);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(PsImpersonateClient(tA, (PACCESS_TOKEN)F->ProcA, TRUE, TRUE,
                                          SecurityImpersonation),
                      STATUS_OBJECT_TYPE_MISMATCH));
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, NULL), F->IT_A2);
    assert_int_equal(NtsecReferenceCount(F->ProcA), procRefs);
    SpecAssertRefs(F, &refs);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_case01_reference_primary_token_adds_one_ref),
        T(test_case02_reference_impersonation_token_null_when_not_impersonating),
        T(test_case03_dereference_impersonation_token_null_is_noop),
        T(test_case04_impersonate_installs_same_token_with_flags),
        T(test_case05_thread_ref_keeps_token_alive_until_revert),
        T(test_case06_reimpersonate_replaces_token_and_flags),
        T(test_case07_reimpersonate_same_token_keeps_one_ref),
        T(test_case08_impersonate_null_ends_impersonation),
        T(test_case09_impersonate_null_when_not_impersonating_is_noop),
        T(test_case10_revert_to_self_releases_and_repeats_safely),
        T(test_case11_save_impersonate_restore_round_trip),
        T(test_case12_save_restore_from_not_impersonating),
        T(test_case13_impersonate_primary_token_object),
        T(test_case14_effective_token_is_primary_when_not_impersonating),
        T(test_case15_effective_token_reports_thread_flags),
        T(test_case16_invalid_level_is_rejected_without_change),
        T(test_case17_level_above_token_is_clamped),
        T(test_wrong_object_type_token_is_type_mismatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
