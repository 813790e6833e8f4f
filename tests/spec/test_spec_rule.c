/*
 * test_spec_rule.c - spec section 6 cases 46, 48-61: the impersonation-permission rule
 * (spec 3.2) and the silent downgrade to Identification (spec 2.6 B.4, 3.4).
 * (Cases 47 and 57 need SeAccessCheck and live in the access-check suite.)
 */
#include <string.h>
#include "ntsec_test.h"
#include "specfixture.h"
#include "se/sep.h"

/* Impersonates Token on Thread at Level and checks whether it was installed as is
 * (Copied FALSE, level Expected) or as an Identification copy of the same user (Copied
 * TRUE). The caller's references on Token are unchanged either way (spec 3.4). */
static void ExpectOutcome(PETHREAD Thread, PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                          BOOLEAN Copied, SECURITY_IMPERSONATION_LEVEL Expected)
{
    LONG_PTR before = NtsecReferenceCount(Token);
    SPEC_IMPERSONATE(Thread, Token, FALSE, FALSE, Level);
    SECURITY_IMPERSONATION_LEVEL lvl = (SECURITY_IMPERSONATION_LEVEL)-1;
    PACCESS_TOKEN t = SpecThreadToken(Thread, NULL, NULL, &lvl);
    assert_non_null(t);
    if (Copied) {
        assert_ptr_not_equal(t, Token);
        assert_int_equal(SpecTokenType(t), TokenImpersonation);
        assert_int_equal(SpecTokenLevel(t), SecurityIdentification);
        assert_int_equal(lvl, SecurityIdentification);
        assert_true(SpecSidEqual(SpecTokenUser(t), SpecTokenUser(Token)));
        assert_true(SepLuidEqual(((PTOKEN)t)->AuthenticationId, ((PTOKEN)Token)->AuthenticationId));
        assert_false(SepLuidEqual(SpecTokenId(t), SpecTokenId(Token)));
        assert_int_equal(NtsecReferenceCount(t), 1); /* only the thread's */
        assert_int_equal(NtsecReferenceCount(Token), before);
    } else {
        assert_ptr_equal(t, Token);
        assert_int_equal(lvl, Expected);
        assert_int_equal(NtsecReferenceCount(Token), before + 1);
    }
    PsRevertThreadToSelf(Thread);
    assert_int_equal(NtsecReferenceCount(Token), before);
}

/* case 46 [D WDK remark + SDK; W NTU; R]: another user's token is downgraded, silently */
static void test_case46_psimpersonate_downgrades_other_user(void **state)
{
    SPEC_FX_TA;
    LONG_PTR b2x = NtsecReferenceCount(F->IT_B2x);
    SPEC_IMPERSONATE(tA, F->IT_B2x, FALSE, FALSE, SecurityImpersonation);
    BOOLEAN coo = TRUE, eo = TRUE;
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityDelegation;
    PACCESS_TOKEN t = SpecThreadToken(tA, &coo, &eo, &lvl);
    assert_ptr_not_equal(t, F->IT_B2x);
    assert_int_equal(SpecTokenType(t), TokenImpersonation);
    assert_int_equal(SpecTokenLevel(t), SecurityIdentification);
    assert_true(SpecSidEqual(SpecTokenUser(t), SpecUserSid('B')));
    assert_int_equal(lvl, SecurityIdentification);
    assert_false(coo);
    assert_false(eo);
    assert_int_equal(NtsecReferenceCount(F->IT_B2x), b2x);
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionDenyOtherUser);
    /* the capture records Identification (spec 3.4) */
    SECURITY_SUBJECT_CONTEXT ctx;
    TrRun(F->tA, TrWorkCapture, &ctx);
    assert_ptr_equal(ctx.ClientToken, t);
    assert_int_equal(ctx.ImpersonationLevel, SecurityIdentification);
    SeReleaseSubjectContext(&ctx);
}

/* case 48 [D; W NTU]: a downgraded thread cannot be captured for impersonation */
static void test_case48_downgraded_thread_cannot_create_client_security(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_B2x, FALSE, FALSE, SecurityImpersonation);
    SPEC_REFS refs = SpecRefs(F);
    PACCESS_TOKEN copy = SpecThreadToken(tA, NULL, NULL, NULL);
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation, SECURITY_DYNAMIC_TRACKING,
                                     FALSE};
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tA, &q, FALSE, &cc), STATUS_BAD_IMPERSONATION_LEVEL);
    assert_null(cc.ClientToken);
    assert_int_equal(NtsecReferenceCount(copy), 1);
    SpecAssertRefs(F, &refs);
}

/* case 49 [D SDK condition 1; W NTU]: Identification requests need no permission */
static void test_case49_identification_request_is_not_copied(void **state)
{
    SPEC_FX_TA;
    ExpectOutcome(tA, F->IT_B2x, SecurityIdentification, FALSE, SecurityIdentification);
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionAllowLevelAtMostIdentify);
}

/* case 50 [D SDK condition 4, WDK; R]: same user */
static void test_case50_same_user_is_not_copied(void **state)
{
    SPEC_FX_TA;
    ExpectOutcome(tA, F->IT_A2, SecurityImpersonation, FALSE, SecurityImpersonation);
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionAllowSameIdentity);
}

/* case 51 [D SDK condition 3; C 5-D21]: token logged on from A's session */
static void test_case51_origin_in_callers_logon_session_is_not_copied(void **state)
{
    SPEC_FX_TA;
    ExpectOutcome(tA, F->IT_B2o, SecurityImpersonation, FALSE, SecurityImpersonation);
}

/* case 52 [D SDK condition 2; KB821546]: SeImpersonatePrivilege enabled */
static void test_case52_impersonate_privilege_allows_other_user(void **state)
{
    SPEC_FX_TA;
    ExpectOutcome(TrThread(F->tSvc), F->IT_B2x, SecurityImpersonation, FALSE,
                  SecurityImpersonation);
    assert_int_equal(NtsecLastImpersonationDecision(TrThread(F->tSvc)),
                     NtsecDecisionAllowImpersonatePrivilege);
}

/* case 53 [C; R flag semantics]: a present but disabled privilege does not count */
static void test_case53_disabled_privilege_is_downgraded(void **state)
{
    SPEC_FX_TA;
    TEST_THREAD *t = TrStart(F->ProcSVCd);
    ExpectOutcome(TrThread(t), F->IT_B2x, SecurityImpersonation, TRUE, SecurityIdentification);
    TrStop(t);
}

/* case 54 [D-weak BLOG-FK]: higher integrity is downgraded under VISTA, not XPSP2 */
static void test_case54_higher_integrity_depends_on_policy(void **state)
{
    SPEC_FX_TA;
    ExpectOutcome(tA, F->IT_A2hi, SecurityImpersonation, TRUE, SecurityIdentification);
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionDenyIntegrity);
    assert_status(NtsecSetImpersonationPolicy(NtsecPolicyXpSp2), STATUS_SUCCESS);
    ExpectOutcome(tA, F->IT_A2hi, SecurityImpersonation, FALSE, SecurityImpersonation);
}

/* case 55 [R; D WDK; C 5-D5]: restriction state must match */
static void test_case55_restriction_must_match(void **state)
{
    SPEC_FX_TA;
    ExpectOutcome(tA, F->IT_A2r, SecurityImpersonation, TRUE, SecurityIdentification);
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionDenyRestriction);
    TEST_THREAD *r = TrStart(F->ProcAr);
    ExpectOutcome(TrThread(r), F->IT_A2, SecurityImpersonation, TRUE, SecurityIdentification);
    ExpectOutcome(TrThread(r), F->IT_A2r, SecurityImpersonation, FALSE, SecurityImpersonation);
    TrStop(r);
}

/* case 56 [C 5-D6; D WDK; R]: the system anonymous token is allowed, a forged one is not */
static void test_case56_anonymous_logon_tokens(void **state)
{
    SPEC_FX_TA;
    ExpectOutcome(tA, F->ANON, SecurityImpersonation, FALSE, SecurityImpersonation);
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionAllowSystemAnonymous);
    ExpectOutcome(tA, F->ANONx, SecurityImpersonation, TRUE, SecurityIdentification);
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionDenyForgedAnonymous);
}

/* case 58 [D SDK "XP SP1 and earlier"; KB821546]: legacy policy has no rule */
static void test_case58_legacy_policy_allows_everything(void **state)
{
    SPEC_FX_TA;
    assert_status(NtsecSetImpersonationPolicy(NtsecPolicyNtLegacy), STATUS_SUCCESS);
    ExpectOutcome(tA, F->IT_B2x, SecurityImpersonation, FALSE, SecurityImpersonation);
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionAllowLegacyPolicy);
}

/* case 59 [D; C 5-D1]: a failed downgrade copy leaves the previous state intact. Sweeps
 * every allocation of the call until it succeeds. */
static void test_case59_copy_failure_keeps_previous_impersonation(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A1, TRUE, FALSE, SecurityIdentification);
    SPEC_REFS refs = SpecRefs(F);
    ULONG n;
    for (n = 1; n < 100; n++) {
        NtsecSetAllocationFailure(n);
        NTSTATUS st = PsImpersonateClient(tA, F->IT_B2x, FALSE, FALSE, SecurityImpersonation);
        NtsecSetAllocationFailure(0);
        if (st == STATUS_SUCCESS)
            break;
        assert_status(st, STATUS_NO_MEMORY);
        SPEC_ASSERT_IMPERSONATING(tA, F->IT_A1, TRUE, FALSE, SecurityIdentification);
        SpecAssertRefs(F, &refs);
    }
    assert_true(n > 1); /* at least the copy allocation failed once */
    assert_ptr_not_equal(SpecThreadToken(tA, NULL, NULL, NULL), F->IT_B2x);
}

/* case 60 [R; D]: SeImpersonateClientEx applies the rule against the server's process */
static void test_case60_impersonate_client_ex_downgrades_unprivileged_server(void **state)
{
    SPEC_FX_TA;
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation, SECURITY_STATIC_TRACKING,
                                     FALSE};
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(TrThread(F->tC), &q, FALSE, &cc), STATUS_SUCCESS);
    assert_status(SeImpersonateClientEx(&cc, tA), STATUS_SUCCESS);
    SECURITY_IMPERSONATION_LEVEL lvl;
    PACCESS_TOKEN t = SpecThreadToken(tA, NULL, NULL, &lvl);
    assert_ptr_not_equal(t, cc.ClientToken);
    assert_int_equal(lvl, SecurityIdentification);
    assert_int_equal(NtsecReferenceCount(cc.ClientToken), 1); /* the context's only */
    PsRevertThreadToSelf(tA);
    SeDeleteClientSecurity(&cc);
}

typedef struct {
    PETHREAD Target;
    PACCESS_TOKEN Token;
    NTSTATUS Status;
} REMOTE_IMP;

static VOID ImpersonateOther(PVOID Context)
{
    REMOTE_IMP *r = Context;
    r->Status = PsImpersonateClient(r->Target, r->Token, FALSE, FALSE, SecurityImpersonation);
}

/* case 61 [R]: the rule uses the TARGET thread's process, not the caller's */
static void test_case61_rule_uses_target_threads_process(void **state)
{
    SPEC_FX_TA;
    REMOTE_IMP r = {TrThread(F->tA2), F->IT_B2x, STATUS_UNSUCCESSFUL};
    TrRun(F->tSvc, ImpersonateOther, &r); /* caller holds SeImpersonatePrivilege */
    assert_status(r.Status, STATUS_SUCCESS);
    SECURITY_IMPERSONATION_LEVEL lvl;
    PACCESS_TOKEN t = SpecThreadToken(TrThread(F->tA2), NULL, NULL, &lvl);
    assert_ptr_not_equal(t, F->IT_B2x);
    assert_int_equal(lvl, SecurityIdentification);
    PsRevertThreadToSelf(TrThread(F->tA2));
}

/* Thread impersonates Token on itself twice (the first call allocates the thread's state, so
 * the second takes PsImpersonateClient's inline fast path, SepTokenCanImpersonateFast): both
 * times the thread gets a copy at Identification, for the rule step Expect. */
static void ExpectDowngradedOnSelf(TEST_THREAD *Thread, PACCESS_TOKEN Token,
                                   NTSEC_IMPERSONATION_DECISION Expect)
{
    PETHREAD self = TrThread(Thread);
    for (int i = 0; i < 2; i++) {
        REMOTE_IMP r = {self, Token, STATUS_UNSUCCESSFUL};
        TrRun(Thread, ImpersonateOther, &r);
        assert_status(r.Status, STATUS_SUCCESS);
        SECURITY_IMPERSONATION_LEVEL lvl = SecurityDelegation;
        PACCESS_TOKEN t = SpecThreadToken(self, NULL, NULL, &lvl);
        assert_ptr_not_equal(t, Token);
        assert_int_equal(lvl, SecurityIdentification);
        assert_int_equal(NtsecLastImpersonationDecision(self), Expect);
    }
    PsRevertThreadToSelf(self);
}

/* case 56 with SeImpersonatePrivilege [C 5-D6; spec 3.2 step 3 before step 4]: the privilege
 * does not make a forged anonymous token acceptable, on the fast path as in the whole rule. */
static void test_case56_forged_anonymous_with_impersonate_privilege(void **state)
{
    SPEC_FX_TA;
    ExpectDowngradedOnSelf(F->tSvc, F->ANONx, NtsecDecisionDenyForgedAnonymous);
}

/* case 46 on the calling thread [spec 3.2 step 5]: without SeImpersonatePrivilege another
 * user's token is downgraded, on the fast path as in the whole rule. */
static void test_case46_other_user_on_self_is_downgraded(void **state)
{
    SPEC_FX_TA;
    ExpectDowngradedOnSelf(F->tA, F->IT_B2x, NtsecDecisionDenyOtherUser);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_case46_psimpersonate_downgrades_other_user),
        T(test_case48_downgraded_thread_cannot_create_client_security),
        T(test_case49_identification_request_is_not_copied),
        T(test_case50_same_user_is_not_copied),
        T(test_case51_origin_in_callers_logon_session_is_not_copied),
        T(test_case52_impersonate_privilege_allows_other_user),
        T(test_case53_disabled_privilege_is_downgraded),
        T(test_case54_higher_integrity_depends_on_policy),
        T(test_case55_restriction_must_match),
        T(test_case56_anonymous_logon_tokens),
        T(test_case56_forged_anonymous_with_impersonate_privilege),
        T(test_case46_other_user_on_self_is_downgraded),
        T(test_case58_legacy_policy_allows_everything),
        T(test_case59_copy_failure_keeps_previous_impersonation),
        T(test_case60_impersonate_client_ex_downgrades_unprivileged_server),
        T(test_case61_rule_uses_target_threads_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
