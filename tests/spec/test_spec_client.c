/*
 * test_spec_client.c - spec section 6 cases 29-45: client security contexts
 * (SeCreateClientSecurity[FromSubjectContext], SeImpersonateClient[Ex],
 * SeStopImpersonatingClient, SeDeleteClientSecurity; spec 2.14-2.18).
 */
#include <string.h>
#include "ntsec_test.h"
#include "rtl/rtlp.h"
#include <stdio.h>
#include "specfixture.h"
#include "se/sep.h"

#define FX                                                   \
    SPEC_FIXTURE *F = *state;                                \
    PETHREAD tC __attribute__((unused)) = TrThread(F->tC);   \
    PETHREAD tSvc __attribute__((unused)) = TrThread(F->tSvc)

static SECURITY_QUALITY_OF_SERVICE Qos(SECURITY_IMPERSONATION_LEVEL Level, BOOLEAN Dynamic,
                                       BOOLEAN EffectiveOnly)
{
    SECURITY_QUALITY_OF_SERVICE q = {0x1234 /* Length is not validated (R) */, Level, Dynamic,
                                     EffectiveOnly};
    return q;
}

static BOOLEAN ControlIsZero(const TOKEN_CONTROL *c)
{
    static const TOKEN_CONTROL zero;
    return memcmp(c, &zero, sizeof zero) == 0;
}

/* case 29 [D, R; C for the zeroed ClientTokenControl] */
static void test_case29_dynamic_local_references_primary(void **state)
{
    FX;
    LONG_PTR pb = NtsecReferenceCount(F->PT_B);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    memset(&cc, 0xAA, sizeof cc);
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    assert_ptr_equal(cc.ClientToken, F->PT_B);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb + 1);
    assert_true(cc.DirectlyAccessClientToken);
    assert_false(cc.DirectAccessEffectiveOnly);
    assert_false(cc.ServerIsRemote);
    assert_int_equal(cc.SecurityQos.Length, 12);
    assert_int_equal(cc.SecurityQos.ImpersonationLevel, SecurityImpersonation);
    assert_int_equal(cc.SecurityQos.ContextTrackingMode, SECURITY_DYNAMIC_TRACKING);
    assert_false(cc.SecurityQos.EffectiveOnly);
    assert_true(ControlIsZero(&cc.ClientTokenControl));
    SeDeleteClientSecurity(&cc);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb);
}

/* case 30 [D, R, W WINFSP]: static tracking copies, even a primary token */
static void test_case30_static_copies_to_impersonation_token(void **state)
{
    FX;
    LONG_PTR pb = NtsecReferenceCount(F->PT_B);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    PTOKEN copy = cc.ClientToken, pt = F->PT_B;
    assert_ptr_not_equal(copy, pt);
    assert_int_equal(copy->TokenType, TokenImpersonation);
    assert_int_equal(copy->ImpersonationLevel, SecurityImpersonation);
    assert_true(SpecSidEqual(SepTokenUserSid(copy), SpecUserSid('B')));
    assert_int_equal(copy->UserAndGroupCount, pt->UserAndGroupCount);
    assert_int_equal(copy->PrivilegeCount, pt->PrivilegeCount);
    assert_false(SepLuidEqual(copy->TokenId, pt->TokenId));
    assert_true(SepLuidEqual(copy->AuthenticationId, pt->AuthenticationId));
    assert_false(cc.DirectlyAccessClientToken);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb);
    assert_int_equal(NtsecReferenceCount(copy), 1);
    SeDeleteClientSecurity(&cc);
}

typedef struct {
    SPEC_FIXTURE *F;
    PACCESS_TOKEN Token;
    SECURITY_IMPERSONATION_LEVEL Level;
    BOOLEAN EffectiveOnly;
} IMP;

/* Makes tC impersonate Token (same user B, so no downgrade in ProcB). */
static void ImpersonateOnC(SPEC_FIXTURE *F, PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                           BOOLEAN EffectiveOnly)
{
    SPEC_IMPERSONATE(TrThread(F->tC), Token, FALSE, EffectiveOnly, Level);
    assert_ptr_equal(SpecThreadToken(TrThread(F->tC), NULL, NULL, NULL), Token);
}

static void ExpectBadLevel(SPEC_FIXTURE *F, PETHREAD Client, SECURITY_QUALITY_OF_SERVICE *q,
                           BOOLEAN Remote)
{
    SPEC_REFS refs = SpecRefs(F);
    SECURITY_CLIENT_CONTEXT cc;
    memset(&cc, 0xAA, sizeof cc);
    assert_status(SeCreateClientSecurity(Client, q, Remote, &cc), STATUS_BAD_IMPERSONATION_LEVEL);
    assert_null(cc.ClientToken);
    SpecAssertRefs(F, &refs);
    SeDeleteClientSecurity(&cc); /* 5-D23: harmless on a failed create */
    SpecAssertRefs(F, &refs);
}

/* case 31 [D]: an Identification client cannot be passed on */
static void test_case31_identification_client_cannot_be_passed_on(void **state)
{
    FX;
    ImpersonateOnC(F, F->IT_B1, SecurityIdentification, FALSE);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityIdentification, SECURITY_DYNAMIC_TRACKING, FALSE);
    ExpectBadLevel(F, tC, &q, FALSE);
}

/* case 32 [D]: an Anonymous client: any QoS level */
static void test_case32_anonymous_client_any_level_fails(void **state)
{
    FX;
    ImpersonateOnC(F, F->IT_B0, SecurityAnonymous, FALSE);
    for (int l = SecurityAnonymous; l <= SecurityDelegation; l++) {
        SECURITY_QUALITY_OF_SERVICE q = Qos(l, l & 1, FALSE);
        ExpectBadLevel(F, tC, &q, FALSE);
    }
}

/* case 33 [R]: QoS level above the client's */
static void test_case33_qos_above_thread_level_fails(void **state)
{
    FX;
    ImpersonateOnC(F, F->IT_B2, SecurityImpersonation, FALSE);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityDelegation, SECURITY_DYNAMIC_TRACKING, FALSE);
    ExpectBadLevel(F, tC, &q, FALSE);
}

/* case 34 [D; W NFS41]: remote server needs Delegation */
static void test_case34_remote_server_needs_delegation(void **state)
{
    FX;
    ImpersonateOnC(F, F->IT_B2, SecurityImpersonation, FALSE);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE);
    ExpectBadLevel(F, tC, &q, TRUE);
}

/* case 35 [D; C 5-D2]: remote + dynamic copies, ClientTokenControl describes the client */
static void test_case35_remote_delegation_copies_and_fills_control(void **state)
{
    FX;
    ImpersonateOnC(F, F->IT_B3, SecurityDelegation, FALSE);
    LONG_PTR b3 = NtsecReferenceCount(F->IT_B3);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityDelegation, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, TRUE, &cc), STATUS_SUCCESS);
    PTOKEN src = F->IT_B3, copy = cc.ClientToken;
    assert_ptr_not_equal(copy, src);
    assert_int_equal(copy->ImpersonationLevel, SecurityDelegation);
    assert_false(cc.DirectlyAccessClientToken);
    assert_true(cc.ServerIsRemote);
    assert_true(SepLuidEqual(cc.ClientTokenControl.TokenId, src->TokenId));
    assert_true(SepLuidEqual(cc.ClientTokenControl.AuthenticationId, src->AuthenticationId));
    assert_true(SepLuidEqual(cc.ClientTokenControl.ModifiedId, src->ModifiedId));
    assert_memory_equal(&cc.ClientTokenControl.TokenSource, &src->TokenSource, sizeof(TOKEN_SOURCE));
    assert_int_equal(NtsecReferenceCount(F->IT_B3), b3);
    SeDeleteClientSecurity(&cc);
}

/* case 36 [D, R]: no level restriction for a client on its primary token */
static void test_case36_remote_primary_client_has_no_level_restriction(void **state)
{
    FX;
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, TRUE, &cc), STATUS_SUCCESS);
    assert_true(SepLuidEqual(cc.ClientTokenControl.TokenId, ((PTOKEN)F->PT_B)->TokenId));
    assert_int_equal(SpecTokenLevel(cc.ClientToken), SecurityImpersonation);
    SeDeleteClientSecurity(&cc);
    q.ImpersonationLevel = SecurityDelegation;
    assert_status(SeCreateClientSecurity(tC, &q, TRUE, &cc), STATUS_SUCCESS);
    assert_int_equal(SpecTokenLevel(cc.ClientToken), SecurityDelegation);
    SeDeleteClientSecurity(&cc);
}

/* case 37 [R]: the thread's EffectiveOnly is OR-ed in */
static void test_case37_thread_effective_only_is_ored(void **state)
{
    FX;
    ImpersonateOnC(F, F->IT_B2, SecurityImpersonation, TRUE);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    assert_ptr_equal(cc.ClientToken, F->IT_B2);
    assert_true(cc.DirectlyAccessClientToken);
    assert_true(cc.DirectAccessEffectiveOnly);
    assert_false(cc.SecurityQos.EffectiveOnly);
    SeDeleteClientSecurity(&cc);
}

/* case 38 [R]: invalid QoS level; plus NULL pointers and wrong types (C, 5-D24) */
static void test_case38_invalid_qos_level_and_bad_arguments(void **state)
{
    FX;
    SPEC_REFS refs = SpecRefs(F);
    SECURITY_QUALITY_OF_SERVICE q = Qos((SECURITY_IMPERSONATION_LEVEL)4, FALSE, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    memset(&cc, 0xAA, sizeof cc);
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_INVALID_PARAMETER);
    assert_null(cc.ClientToken);
    q.ImpersonationLevel = SecurityImpersonation;
    assert_status(SeCreateClientSecurity(tC, NULL, FALSE, &cc), STATUS_INVALID_PARAMETER);
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, NULL), STATUS_INVALID_PARAMETER);
    assert_status(SeCreateClientSecurity(NULL, &q, FALSE, &cc), STATUS_INVALID_PARAMETER);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(SeCreateClientSecurity((PETHREAD)F->ProcB, &q, FALSE, &cc),
                      STATUS_OBJECT_TYPE_MISMATCH));
    assert_null(cc.ClientToken);
    SECURITY_SUBJECT_CONTEXT bogus = {(PACCESS_TOKEN)F->ProcB, SecurityImpersonation, F->PT_B, 0};
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(SeCreateClientSecurityFromSubjectContext(&bogus, &q, FALSE, &cc),
                      STATUS_OBJECT_TYPE_MISMATCH));
    assert_null(cc.ClientToken);
    SpecAssertRefs(F, &refs);
}

/* case 39 [D, R] */
static void test_case39_from_subject_context_dynamic_references(void **state)
{
    FX;
    LONG_PTR pb = NtsecReferenceCount(F->PT_B);
    SECURITY_SUBJECT_CONTEXT ctx;
    TrRun(F->tC, TrWorkCapture, &ctx);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb + 1);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurityFromSubjectContext(&ctx, &q, FALSE, &cc), STATUS_SUCCESS);
    assert_ptr_equal(cc.ClientToken, F->PT_B);
    assert_true(cc.DirectlyAccessClientToken);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb + 2);
    assert_ptr_equal(ctx.PrimaryToken, F->PT_B); /* the subject context keeps its own */
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb + 1);
    SeDeleteClientSecurity(&cc);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb);
}

/* case 40 [D]: delete releases exactly one reference; a static copy is destroyed */
static void test_case40_delete_releases_one_ref(void **state)
{
    FX;
    LONG_PTR pb = NtsecReferenceCount(F->PT_B);
    SECURITY_QUALITY_OF_SERVICE qd = Qos(SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_QUALITY_OF_SERVICE qs = Qos(SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT dyn, sta;
    assert_status(SeCreateClientSecurity(tC, &qd, FALSE, &dyn), STATUS_SUCCESS);
    assert_status(SeCreateClientSecurity(tC, &qs, FALSE, &sta), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb + 1);
    SeDeleteClientSecurity(&dyn);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb);
    assert_null(dyn.ClientToken);
    EXPECT_VERIFIER_FINDING(NtsecFindingClientContextDoubleDelete,
        SeDeleteClientSecurity(&dyn)); /* 5-D23: second delete is a no-op */
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb);
    SpecWatchDeletion(sta.ClientToken);
    SeDeleteClientSecurity(&sta);
    assert_true(SpecDeleted());
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb);
}

typedef struct {
    PSECURITY_CLIENT_CONTEXT Context;
    NTSTATUS Status;
} IMPCTX;

static VOID ImpersonateClientOnSelf(PVOID Context)
{
    IMPCTX *ic = Context;
    ic->Status = SeImpersonateClientEx(ic->Context, NULL);
}

/* case 41 [R; D] then case 43 [D] */
static void ImpersonateDynamicContextThenStop(void **state)
{
    FX;
    LONG_PTR pb = NtsecReferenceCount(F->PT_B);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    IMPCTX ic = {&cc, STATUS_UNSUCCESSFUL};
    TrRun(F->tSvc, ImpersonateClientOnSelf, &ic);
    assert_status(ic.Status, STATUS_SUCCESS);
    BOOLEAN coo, eo;
    SECURITY_IMPERSONATION_LEVEL lvl;
    assert_ptr_equal(SpecThreadToken(tSvc, &coo, &eo, &lvl), F->PT_B);
    assert_true(coo);
    assert_int_equal(eo, cc.DirectAccessEffectiveOnly);
    assert_int_equal(lvl, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb + 2); /* context + thread */
    /* case 43 */
    TrRun(F->tSvc, TrWorkStopImpersonating, NULL);
    assert_null(SpecThreadToken(tSvc, NULL, NULL, NULL));
    assert_ptr_equal(cc.ClientToken, F->PT_B);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb + 1);
    SeDeleteClientSecurity(&cc);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb);
}

static void test_case41_impersonate_dynamic_context_same_object(void **state)
{
    ImpersonateDynamicContextThenStop(state);
}

static void test_case43_stop_impersonating_keeps_context_valid(void **state)
{
    ImpersonateDynamicContextThenStop(state);
}

/* case 42 [R]: a copy takes EffectiveOnly from SecurityQos */
static void test_case42_static_context_effective_only_from_qos(void **state)
{
    FX;
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_STATIC_TRACKING, TRUE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    assert_false(cc.DirectlyAccessClientToken);
    assert_status(SeImpersonateClientEx(&cc, tSvc), STATUS_SUCCESS);
    BOOLEAN eo = FALSE;
    assert_ptr_equal(SpecThreadToken(tSvc, NULL, &eo, NULL), cc.ClientToken);
    assert_true(eo);
    LONG_PTR copyRefs = NtsecReferenceCount(cc.ClientToken);
    assert_int_equal(copyRefs, 2);
    TrRun(F->tSvc, TrWorkStopImpersonating, NULL);
    SeDeleteClientSecurity(&cc);
}

/* case 44 [D]: the obsolete form has the same effect */
static void test_case44_obsolete_impersonate_client(void **state)
{
    FX;
    LONG_PTR pb = NtsecReferenceCount(F->PT_B);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    SeImpersonateClient(&cc, tSvc);
    BOOLEAN coo;
    SECURITY_IMPERSONATION_LEVEL lvl;
    assert_ptr_equal(SpecThreadToken(tSvc, &coo, NULL, &lvl), F->PT_B);
    assert_true(coo);
    assert_int_equal(lvl, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb + 2);
    PsRevertThreadToSelf(tSvc);
    SeDeleteClientSecurity(&cc);
    assert_int_equal(NtsecReferenceCount(F->PT_B), pb);
}

/* case 45 [R]: Anonymous QoS on a primary token impersonates at Anonymous.
 * (The SeAccessCheck and open-thread-token halves belong to the access-check and token
 * suites: test_spec_access / tokens.) */
#define FILE_GENERIC_READ_45 0x120089
#define FILE_GENERIC_WRITE_45 0x120116
#define FILE_GENERIC_EXECUTE_45 0x1200A0

static void test_case45_anonymous_qos_on_primary_token(void **state)
{
    FX;
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityAnonymous, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    assert_ptr_equal(cc.ClientToken, F->PT_B);
    assert_status(SeImpersonateClientEx(&cc, tSvc), STATUS_SUCCESS);
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityDelegation;
    assert_ptr_equal(SpecThreadToken(tSvc, NULL, NULL, &lvl), F->PT_B);
    assert_int_equal(lvl, SecurityAnonymous);
    SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContextEx(tSvc, F->ProcSVC, &ctx);
    assert_int_equal(ctx.ImpersonationLevel, SecurityAnonymous);
    /* ... a subsequent SeAccessCheck(UserMode) fails on the level (spec 2.20), even though
     * the DACL grants user B everything ... */
    char sddl[160], sid[96];
    assert_status(RtlpSidToString(SpecUserSid('B'), sid, sizeof sid), STATUS_SUCCESS);
    snprintf(sddl, sizeof sddl, "O:BAG:BAD:(A;;GA;;;%s)", sid);
    PSECURITY_DESCRIPTOR sd;
    ULONG sdLength;
    assert_status(NtsecSddlToSecurityDescriptor(sddl, &sd, &sdLength), STATUS_SUCCESS);
    GENERIC_MAPPING map = { FILE_GENERIC_READ_45, FILE_GENERIC_WRITE_45, FILE_GENERIC_EXECUTE_45, 0x1F01FF };
    ACCESS_MASK granted = 0xdead;
    NTSTATUS access = STATUS_SUCCESS;
    assert_false(SeAccessCheck(sd, &ctx, FALSE, 0x1 /* FILE_READ_DATA */, 0, NULL, &map, UserMode,
                               &granted, &access));
    assert_status(access, STATUS_BAD_IMPERSONATION_LEVEL);
    assert_int_equal(granted, 0);
    NtsecFree(sd);
    SeReleaseSubjectContext(&ctx);
    /* ... and the open-thread-token service refuses an Anonymous-level thread (5-D18). */
    HANDLE threadHandle, tokenHandle = NULL;
    assert_status(ObOpenObjectByPointer(tSvc, OBJ_KERNEL_HANDLE, NULL, THREAD_ALL_ACCESS, *PsThreadType,
                                        KernelMode, &threadHandle), STATUS_SUCCESS);
    assert_status(ZwOpenThreadTokenEx(threadHandle, TOKEN_QUERY, FALSE, OBJ_KERNEL_HANDLE, &tokenHandle),
                  STATUS_CANT_OPEN_ANONYMOUS);
    assert_null(tokenHandle);
    assert_status(ZwClose(threadHandle), STATUS_SUCCESS);
    PsRevertThreadToSelf(tSvc);
    SeDeleteClientSecurity(&cc);
}

/* spec 1.7 / 5-D23 / 5-D24: a deleted or forged context changes nothing */
static void test_impersonate_deleted_or_forged_context_changes_nothing(void **state)
{
    FX;
    SPEC_IMPERSONATE(tSvc, F->IT_B2, FALSE, FALSE, SecurityImpersonation);
    SPEC_REFS refs = SpecRefs(F);
    SECURITY_QUALITY_OF_SERVICE q = Qos(SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE);
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    SeDeleteClientSecurity(&cc);
    /* must not act as "impersonate NULL" (which would silently revert tSvc) */
    EXPECT_VERIFIER_FINDING(NtsecFindingClientContextUseAfterDelete,
        assert_status(SeImpersonateClientEx(&cc, tSvc), STATUS_INVALID_PARAMETER));
    assert_ptr_equal(SpecThreadToken(tSvc, NULL, NULL, NULL), F->IT_B2);
    assert_status(SeImpersonateClientEx(NULL, tSvc), STATUS_INVALID_PARAMETER);
    LONG_PTR procRefs = NtsecReferenceCount(F->ProcB);
    SECURITY_CLIENT_CONTEXT forged;
    memset(&forged, 0, sizeof forged);
    forged.SecurityQos = q;
    forged.ClientToken = (PACCESS_TOKEN)F->ProcB; /* a process where the token belongs */
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(SeImpersonateClientEx(&forged, tSvc), STATUS_OBJECT_TYPE_MISMATCH));
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        SeDeleteClientSecurity(&forged)); /* left alone: not a token */
    assert_int_equal(NtsecReferenceCount(F->ProcB), procRefs);
    assert_ptr_equal(SpecThreadToken(tSvc, NULL, NULL, NULL), F->IT_B2);
    assert_status(SeCreateClientSecurity(tC, &q, FALSE, &cc), STATUS_SUCCESS);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(SeImpersonateClientEx(&cc, (PETHREAD)F->ProcSVC), STATUS_OBJECT_TYPE_MISMATCH));
    SeDeleteClientSecurity(&cc);
    assert_ptr_equal(SpecThreadToken(tSvc, NULL, NULL, NULL), F->IT_B2);
    SpecAssertRefs(F, &refs);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_case29_dynamic_local_references_primary),
        T(test_case30_static_copies_to_impersonation_token),
        T(test_case31_identification_client_cannot_be_passed_on),
        T(test_case32_anonymous_client_any_level_fails),
        T(test_case33_qos_above_thread_level_fails),
        T(test_case34_remote_server_needs_delegation),
        T(test_case35_remote_delegation_copies_and_fills_control),
        T(test_case36_remote_primary_client_has_no_level_restriction),
        T(test_case37_thread_effective_only_is_ored),
        T(test_case38_invalid_qos_level_and_bad_arguments),
        T(test_case39_from_subject_context_dynamic_references),
        T(test_case40_delete_releases_one_ref),
        T(test_case41_impersonate_dynamic_context_same_object),
        T(test_case42_static_context_effective_only_from_qos),
        T(test_case43_stop_impersonating_keeps_context_valid),
        T(test_case44_obsolete_impersonate_client),
        T(test_case45_anonymous_qos_on_primary_token),
        T(test_impersonate_deleted_or_forged_context_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
