/*
 * test_ksec_context.c - ksecdd security contexts: spec section 6 cases 70-73
 * (ImpersonateSecurityContext / RevertSecurityContext, spec 2.19, choice 5-D17), the context
 * table's handle rules (hostile handles, no reuse after delete), reference counts,
 * QuerySecurityContextToken, the explicit-token hook, and the Kerberos package that is
 * registered but not implemented.
 */
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <string.h>
#include "ntsec_test.h"
#include "specfixture.h"
#include "sspi.h"
#include "se/sep.h"

/* Runs ImpersonateSecurityContext / RevertSecurityContext on a runner thread. */
typedef struct {
    PCtxtHandle Handle;
    SECURITY_STATUS Result;
    ULONG FailAt; /* allocation failure to inject on that thread first (0: none) */
} KS_CALL;

static VOID WorkImpersonate(PVOID Context)
{
    KS_CALL *c = Context;
    NtsecSetAllocationFailure(c->FailAt);
    c->Result = ImpersonateSecurityContext(c->Handle);
    NtsecSetAllocationFailure(0);
}

static VOID WorkRevert(PVOID Context)
{
    KS_CALL *c = Context;
    c->Result = RevertSecurityContext(c->Handle);
}

static SECURITY_STATUS OnThread(TEST_THREAD *T, TR_WORK Work, PCtxtHandle Handle)
{
    KS_CALL c = {Handle, 0x7fffffff, 0};
    TrRun(T, Work, &c);
    return c.Result;
}

static CtxtHandle NewContext(PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level, ULONG Flags)
{
    CtxtHandle h;
    assert_status(NtsecCreateSecurityContextForToken(Token, Level, Flags, &h), STATUS_SUCCESS);
    return h;
}

/* case 70 [D; WINE-secur32]: NULL handles */
static void test_case70_null_handle_is_invalid_handle(void **state)
{
    assert_int_equal(ImpersonateSecurityContext(NULL), SEC_E_INVALID_HANDLE);
    assert_int_equal(RevertSecurityContext(NULL), SEC_E_INVALID_HANDLE);
    assert_int_equal(DeleteSecurityContext(NULL), SEC_E_INVALID_HANDLE);
    PVOID token = (PVOID)0x1;
    assert_int_equal(QuerySecurityContextToken(NULL, &token), SEC_E_INVALID_HANDLE);
    assert_null(token);
}

/* case 71 [D; C 5-D17]: CopyOnOpen FALSE, EffectiveOnly FALSE, the token's level; revert */
static void test_case71_impersonate_context_then_revert(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    CtxtHandle h = NewContext(F->IT_A2, SecurityImpersonation, 0);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1); /* the context's reference */
    assert_string_equal(NtsecSecurityContextPackage(&h), "ntsec-explicit");

    assert_int_equal(OnThread(F->tA, WorkImpersonate, &h), SEC_E_OK);
    BOOLEAN coo = TRUE, eo = TRUE;
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    assert_ptr_equal(SpecThreadToken(tA, &coo, &eo, &level), F->IT_A2);
    assert_false(coo);
    assert_false(eo);
    assert_int_equal(level, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 2); /* context + thread */

    assert_int_equal(OnThread(F->tA, WorkRevert, &h), SEC_E_OK);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1);
    /* Revert again: still SEC_E_OK (C: revert-all semantics). */
    assert_int_equal(OnThread(F->tA, WorkRevert, &h), SEC_E_OK);

    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
}

/* case 71, level taken from the context's token: an Identification context impersonates at 1 */
static void test_case71_identification_context_gives_identification_level(void **state)
{
    SPEC_FX_TA;
    CtxtHandle h = NewContext(F->IT_A1, SecurityIdentification, 0);
    assert_int_equal(OnThread(F->tA, WorkImpersonate, &h), SEC_E_OK);
    SECURITY_IMPERSONATION_LEVEL level = SecurityDelegation;
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, &level), F->IT_A1);
    assert_int_equal(level, SecurityIdentification);
    assert_int_equal(OnThread(F->tA, WorkRevert, &h), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
}

/* The context outlives nothing it should not: delete while a thread impersonates it. */
static void test_delete_while_impersonating_keeps_thread_reference(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    CtxtHandle h = NewContext(F->IT_A2, SecurityImpersonation, 0);
    assert_int_equal(OnThread(F->tA, WorkImpersonate, &h), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1); /* the thread's */
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, NULL), F->IT_A2);
    /* The dead handle can no longer revert; PsRevertToSelf can. */
    assert_int_equal(OnThread(F->tA, WorkRevert, &h), SEC_E_INVALID_HANDLE);
    TrRun(F->tA, TrWorkRevertToSelf, NULL);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
}

/* case 72 [D; WINE-secur32; C]: package without impersonation; incomplete context */
static void test_case72_no_impersonation_package_and_incomplete_context(void **state)
{
    SPEC_FX_TA;
    /* tA impersonates IT_A1 beforehand: the failing calls must leave it in place. */
    SPEC_IMPERSONATE(tA, F->IT_A1, TRUE, TRUE, SecurityIdentification);
    SPEC_REFS refs = SpecRefs(F);

    CtxtHandle noimp = NewContext(F->IT_A2, SecurityImpersonation, NTSEC_SECCTX_NO_IMPERSONATION);
    assert_string_equal(NtsecSecurityContextPackage(&noimp), "ntsec-explicit-noimp");
    assert_int_equal(OnThread(F->tA, WorkImpersonate, &noimp), SEC_E_UNSUPPORTED_FUNCTION);
    assert_int_equal(OnThread(F->tA, WorkRevert, &noimp), SEC_E_UNSUPPORTED_FUNCTION);
    SPEC_ASSERT_IMPERSONATING(tA, F->IT_A1, TRUE, TRUE, SecurityIdentification);
    /* Such a context still has a token to query. */
    PVOID token = NULL;
    assert_int_equal(QuerySecurityContextToken(&noimp, &token), SEC_E_OK);
    assert_ptr_equal(token, F->IT_A2);
    ObDereferenceObject(token);

    CtxtHandle incomplete;
    assert_status(NtsecCreateSecurityContextForToken(NULL, SecurityImpersonation, NTSEC_SECCTX_INCOMPLETE,
                                                     &incomplete),
                  STATUS_SUCCESS);
    assert_int_equal(OnThread(F->tA, WorkImpersonate, &incomplete), SEC_E_NO_IMPERSONATION);
    assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, NULL), F->IT_A1);
    token = (PVOID)0x1;
    assert_int_equal(QuerySecurityContextToken(&incomplete, &token), SEC_E_NO_IMPERSONATION);
    assert_null(token);
    /* Reverting through an incomplete context of an impersonating package is allowed. */
    assert_int_equal(DeleteSecurityContext(&noimp), SEC_E_OK);
    SpecAssertRefs(F, &refs);
    assert_int_equal(OnThread(F->tA, WorkRevert, &incomplete), SEC_E_OK);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    assert_int_equal(DeleteSecurityContext(&incomplete), SEC_E_OK);
}

/* case 73 [D SDK-ImpersonateSecurityContext]: the rule applies; downgrade is still SEC_E_OK */
static void test_case73_other_user_context_is_downgraded_to_identification(void **state)
{
    SPEC_FX_TA;
    LONG_PTR base = NtsecReferenceCount(F->IT_B2);
    CtxtHandle h = NewContext(F->IT_B2, SecurityImpersonation, 0);
    assert_int_equal(OnThread(F->tA, WorkImpersonate, &h), SEC_E_OK);
    SECURITY_IMPERSONATION_LEVEL level = SecurityDelegation;
    PACCESS_TOKEN t = SpecThreadToken(tA, NULL, NULL, &level);
    assert_non_null(t);
    assert_ptr_not_equal(t, F->IT_B2);                  /* an Identification copy */
    assert_int_equal(level, SecurityIdentification);
    assert_int_equal(SpecTokenType(t), TokenImpersonation);
    assert_int_equal(SpecTokenLevel(t), SecurityIdentification);
    assert_true(SpecSidEqual(SpecTokenUser(t), SpecUserSid('B')));
    assert_int_equal(NtsecLastImpersonationDecision(tA), NtsecDecisionDenyOtherUser);
    assert_int_equal(NtsecReferenceCount(F->IT_B2), base + 1); /* the context only */
    assert_int_equal(OnThread(F->tA, WorkRevert, &h), SEC_E_OK);
    assert_null(SpecThreadToken(tA, NULL, NULL, NULL));
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    assert_int_equal(NtsecReferenceCount(F->IT_B2), base);
}

/* case 73 contrast: a server with SeImpersonatePrivilege (tSvc) gets the token itself */
static void test_case73_privileged_server_impersonates_other_user(void **state)
{
    SPEC_FIXTURE *F = *state;
    CtxtHandle h = NewContext(F->IT_B2, SecurityImpersonation, 0);
    assert_int_equal(OnThread(F->tSvc, WorkImpersonate, &h), SEC_E_OK);
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    assert_ptr_equal(SpecThreadToken(TrThread(F->tSvc), NULL, NULL, &level), F->IT_B2);
    assert_int_equal(level, SecurityImpersonation);
    assert_int_equal(OnThread(F->tSvc, WorkRevert, &h), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
}

/* spec 2.19 step 5 (C): allocation failures map to SEC_E_INSUFFICIENT_MEMORY and leave the
 * thread's previous impersonation in place ("on failure the thread keeps its context"). */
static void test_allocation_failure_maps_to_insufficient_memory_thread_unchanged(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityIdentification);
    CtxtHandle h = NewContext(F->IT_B2, SecurityImpersonation, 0); /* downgrade: copy allocates */
    SPEC_REFS refs = SpecRefs(F);
    ULONG failures = 0;
    for (ULONG n = 1; n < 200; n++) {
        KS_CALL c = {&h, 0x7fffffff, n};
        TrRun(F->tA, WorkImpersonate, &c);
        if (c.Result == SEC_E_OK)
            break;
        failures++;
        assert_int_equal(c.Result, SEC_E_INSUFFICIENT_MEMORY);
        assert_ptr_equal(SpecThreadToken(tA, NULL, NULL, NULL), F->IT_A1);
        SpecAssertRefs(F, &refs);
    }
    assert_true(failures >= 1);
    assert_int_equal(SpecTokenLevel(SpecThreadToken(tA, NULL, NULL, NULL)), SecurityIdentification);
    assert_int_equal(OnThread(F->tA, WorkRevert, &h), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
}

/*
 * spec 2.19 step 5 (C): a foreign thread's first ntsec call adopts it, which allocates. When
 * that allocation fails there is no current thread to impersonate on: the result is
 * SEC_E_INSUFFICIENT_MEMORY (an allocation failure), not SEC_E_NO_IMPERSONATION, and no
 * reference moves.
 */
typedef struct {
    CtxtHandle *Handle;
    SECURITY_STATUS Result;
} KS_FOREIGN;

static void *ForeignImpersonate(void *Arg)
{
    KS_FOREIGN *f = Arg;
    NtsecSetAllocationFailure(1); /* the adoption's allocation */
    f->Result = ImpersonateSecurityContext(f->Handle);
    NtsecSetAllocationFailure(0);
    return NULL;
}

static void test_foreign_thread_adoption_failure_is_insufficient_memory(void **state)
{
    SPEC_FIXTURE *F = *state;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    CtxtHandle h = NewContext(F->IT_A2, SecurityImpersonation, 0);
    KS_FOREIGN f = {&h, 0x7fffffff};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, ForeignImpersonate, &f), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(f.Result, SEC_E_INSUFFICIENT_MEMORY);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1); /* only the context's */
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
}

/* Handles: garbage never crashes and is SEC_E_INVALID_HANDLE for every routine. */
static void ExpectInvalid(CtxtHandle h)
{
    assert_int_equal(ImpersonateSecurityContext(&h), SEC_E_INVALID_HANDLE);
    assert_int_equal(RevertSecurityContext(&h), SEC_E_INVALID_HANDLE);
    PVOID token = (PVOID)0x1;
    assert_int_equal(QuerySecurityContextToken(&h, &token), SEC_E_INVALID_HANDLE);
    assert_null(token);
    assert_null(NtsecSecurityContextPackage(&h));
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_INVALID_HANDLE);
}

static void test_hostile_handles_are_invalid_handle(void **state)
{
    SPEC_FIXTURE *F = *state;
    CtxtHandle live = NewContext(F->IT_A2, SecurityImpersonation, 0);
    ULONG count = NtsecSecurityContextCount();
    CtxtHandle h;
    ExpectInvalid((CtxtHandle){0, 0});
    ExpectInvalid((CtxtHandle){live.dwLower, 0});
    ExpectInvalid((CtxtHandle){live.dwLower, live.dwUpper + 1});
    ExpectInvalid((CtxtHandle){live.dwLower, ~live.dwUpper});
    ExpectInvalid((CtxtHandle){live.dwLower + 1, live.dwUpper});
    ExpectInvalid((CtxtHandle){~(ULONG_PTR)0, live.dwUpper});
    ExpectInvalid((CtxtHandle){(ULONG_PTR)1 << 40, 1});
    SecInvalidateHandle(&h);
    assert_false(SecIsValidHandle(&h));
    ExpectInvalid(h);
    ULONG_PTR x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 2000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        h.dwLower = (i & 1) ? (x & 0x3ffff) : x;
        h.dwUpper = x * 31 + (ULONG_PTR)i;
        if (h.dwLower == live.dwLower && h.dwUpper == live.dwUpper)
            continue;
        ExpectInvalid(h);
    }
    assert_int_equal(NtsecSecurityContextCount(), count);
    assert_string_equal(NtsecSecurityContextPackage(&live), "ntsec-explicit");
    assert_int_equal(DeleteSecurityContext(&live), SEC_E_OK);
}

/* A deleted handle stays dead even when its slot is reused by a new context. */
static void test_deleted_handle_never_comes_back(void **state)
{
    SPEC_FIXTURE *F = *state;
    CtxtHandle first = NewContext(F->IT_A2, SecurityImpersonation, 0);
    assert_int_equal(DeleteSecurityContext(&first), SEC_E_OK);
    ExpectInvalid(first);
    CtxtHandle second = NewContext(F->IT_A1, SecurityIdentification, 0);
    assert_true(second.dwLower != first.dwLower || second.dwUpper != first.dwUpper);
    assert_true(second.dwUpper != first.dwUpper); /* generations never repeat */
    ExpectInvalid(first);
    PVOID token = NULL;
    assert_int_equal(QuerySecurityContextToken(&second, &token), SEC_E_OK);
    assert_ptr_equal(token, F->IT_A1);
    ObDereferenceObject(token);
    assert_int_equal(DeleteSecurityContext(&second), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&second), SEC_E_INVALID_HANDLE); /* twice */
}

/* QuerySecurityContextToken (kernel form): a new reference the caller releases. */
static void test_query_token_returns_new_reference(void **state)
{
    SPEC_FIXTURE *F = *state;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    CtxtHandle h = NewContext(F->IT_A2, SecurityImpersonation, 0);
    PVOID token = NULL;
    assert_int_equal(QuerySecurityContextToken(&h, &token), SEC_E_OK);
    assert_ptr_equal(token, F->IT_A2);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 2);
    assert_int_equal(QuerySecurityContextToken(&h, NULL), SEC_E_INVALID_PARAMETER);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 2);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base + 1); /* the caller's survives */
    ObDereferenceObject(token);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
}

/* The explicit hook: a primary token or another level is duplicated, never shared. */
static void test_create_for_primary_token_duplicates_at_level(void **state)
{
    SPEC_FIXTURE *F = *state;
    SPEC_REFS refs = SpecRefs(F);
    CtxtHandle h = NewContext(F->PT_A, SecurityDelegation, 0);
    SpecAssertRefs(F, &refs); /* the copy is the context's own */
    PVOID token = NULL;
    assert_int_equal(QuerySecurityContextToken(&h, &token), SEC_E_OK);
    assert_ptr_not_equal(token, F->PT_A);
    assert_int_equal(SpecTokenType(token), TokenImpersonation);
    assert_int_equal(SpecTokenLevel(token), SecurityDelegation);
    assert_true(SpecSidEqual(SpecTokenUser(token), SpecUserSid('A')));
    assert_int_equal(NtsecReferenceCount(token), 2);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    assert_int_equal(NtsecReferenceCount(token), 1);
    ObDereferenceObject(token);

    /* IT_A3 at Identification: a lower-level copy */
    h = NewContext(F->IT_A3, SecurityIdentification, 0);
    assert_int_equal(QuerySecurityContextToken(&h, &token), SEC_E_OK);
    assert_ptr_not_equal(token, F->IT_A3);
    assert_int_equal(SpecTokenLevel(token), SecurityIdentification);
    ObDereferenceObject(token);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    SpecAssertRefs(F, &refs);
}

static void test_create_for_token_rejects_bad_arguments(void **state)
{
    SPEC_FIXTURE *F = *state;
    SPEC_REFS refs = SpecRefs(F);
    ULONG count = NtsecSecurityContextCount();
    CtxtHandle h = {1, 1};
    /* raising an impersonation token's level (spec 1.3: a level is never raised) */
    assert_status(NtsecCreateSecurityContextForToken(F->IT_A1, SecurityImpersonation, 0, &h),
                  STATUS_BAD_IMPERSONATION_LEVEL);
    assert_int_equal(h.dwLower, 0);
    assert_int_equal(h.dwUpper, 0);
    assert_status(NtsecCreateSecurityContextForToken(F->IT_A2, (SECURITY_IMPERSONATION_LEVEL)4, 0, &h),
                  STATUS_INVALID_PARAMETER);
    assert_status(NtsecCreateSecurityContextForToken(F->IT_A2, SecurityImpersonation, 0x4, &h),
                  STATUS_INVALID_PARAMETER);
    assert_status(NtsecCreateSecurityContextForToken(NULL, SecurityImpersonation, 0, &h),
                  STATUS_INVALID_PARAMETER);
    assert_status(NtsecCreateSecurityContextForToken(F->IT_A2, SecurityImpersonation, NTSEC_SECCTX_INCOMPLETE, &h),
                  STATUS_INVALID_PARAMETER);
    assert_status(NtsecCreateSecurityContextForToken(F->IT_A2, SecurityImpersonation, 0, NULL),
                  STATUS_INVALID_PARAMETER);
    /* spec 5-D24: a process where a token belongs */
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(NtsecCreateSecurityContextForToken((PACCESS_TOKEN)F->ProcA, SecurityImpersonation, 0, &h),
                      STATUS_OBJECT_TYPE_MISMATCH));
    assert_int_equal(NtsecSecurityContextCount(), count);
    SpecAssertRefs(F, &refs);
}

/* Allocation failure while creating a context: clean status, nothing leaked or held. */
static void test_create_context_allocation_failure_is_clean(void **state)
{
    SPEC_FIXTURE *F = *state;
    SPEC_REFS refs = SpecRefs(F);
    ULONG count = NtsecSecurityContextCount();
    for (ULONG n = 1; n < 100; n++) {
        CtxtHandle h;
        NtsecSetAllocationFailure(n);
        NTSTATUS st = NtsecCreateSecurityContextForToken(F->PT_A, SecurityImpersonation, 0, &h);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st)) {
            assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
            break;
        }
        assert_status(st, STATUS_NO_MEMORY);
        assert_int_equal(h.dwLower, 0);
        assert_int_equal(NtsecSecurityContextCount(), count);
        SpecAssertRefs(F, &refs);
    }
    SpecAssertRefs(F, &refs);
}

/* Packages: Kerberos and Negotiate need a handshake, so a bare socket is not enough
 * (STATUS_NOT_SUPPORTED, no context); unknown names are no such package. */
static void test_handshake_packages_accept_no_bare_socket(void **state)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    CtxtHandle h = {7, 7};
    ULONG count = NtsecSecurityContextCount();
    assert_status(NtsecAcceptPackagePeer("Kerberos", sv[0], SecurityImpersonation, &h), STATUS_NOT_SUPPORTED);
    assert_int_equal(h.dwLower, 0);
    assert_status(NtsecAcceptPackagePeer("Negotiate", sv[0], SecurityImpersonation, &h), STATUS_NOT_SUPPORTED);
    assert_int_equal(h.dwLower, 0);
    assert_status(NtsecAcceptPackagePeer("NTLM", sv[0], SecurityImpersonation, &h), STATUS_NO_SUCH_PACKAGE);
    assert_status(NtsecAcceptPackagePeer(NULL, sv[0], SecurityImpersonation, &h), STATUS_NO_SUCH_PACKAGE);
    assert_status(NtsecAcceptPackagePeer("ntsec-explicit", sv[0], SecurityImpersonation, &h),
                  STATUS_INVALID_PARAMETER);
    assert_int_equal(NtsecSecurityContextCount(), count);
    close(sv[0]);
    close(sv[1]);
}

/* Concurrency (TSan): threads impersonate and revert through one context while another
 * thread deletes it and churns the table. Every call returns SEC_E_OK or
 * SEC_E_INVALID_HANDLE, and every reference comes back. */
typedef struct {
    CtxtHandle Handle;
    PACCESS_TOKEN Token;
    int Bad;
} KS_RACE;

static void *RaceImpersonator(void *Arg)
{
    KS_RACE *r = Arg;
    for (int i = 0; i < 3000; i++) {
        SECURITY_STATUS s = ImpersonateSecurityContext(&r->Handle);
        if (s != SEC_E_OK && s != SEC_E_INVALID_HANDLE)
            __atomic_fetch_add(&r->Bad, 1, __ATOMIC_RELAXED);
        PsRevertToSelf();
    }
    return NULL;
}

static void *RaceChurner(void *Arg)
{
    KS_RACE *r = Arg;
    for (int i = 0; i < 1000; i++) {
        CtxtHandle h;
        if (NtsecCreateSecurityContextForToken(r->Token, SecurityImpersonation, 0, &h) != STATUS_SUCCESS ||
            DeleteSecurityContext(&h) != SEC_E_OK)
            __atomic_fetch_add(&r->Bad, 1, __ATOMIC_RELAXED);
        if (i == 500 && DeleteSecurityContext(&r->Handle) != SEC_E_OK)
            __atomic_fetch_add(&r->Bad, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_concurrent_impersonate_delete_and_churn(void **state)
{
    SPEC_FIXTURE *F = *state;
    LONG_PTR base = NtsecReferenceCount(F->IT_A2);
    ULONG count = NtsecSecurityContextCount();
    KS_RACE r = {NewContext(F->IT_A2, SecurityImpersonation, 0), F->IT_A2, 0};
    pthread_t t[4];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&t[i], NULL, RaceImpersonator, &r), 0);
    assert_int_equal(pthread_create(&t[3], NULL, RaceChurner, &r), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(r.Bad, 0);
    assert_int_equal(DeleteSecurityContext(&r.Handle), SEC_E_INVALID_HANDLE);
    assert_int_equal(NtsecSecurityContextCount(), count);
    assert_int_equal(NtsecReferenceCount(F->IT_A2), base);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case70_null_handle_is_invalid_handle),
        T(test_case71_impersonate_context_then_revert),
        T(test_case71_identification_context_gives_identification_level),
        T(test_delete_while_impersonating_keeps_thread_reference),
        T(test_case72_no_impersonation_package_and_incomplete_context),
        T(test_case73_other_user_context_is_downgraded_to_identification),
        T(test_case73_privileged_server_impersonates_other_user),
        T(test_allocation_failure_maps_to_insufficient_memory_thread_unchanged),
        T(test_foreign_thread_adoption_failure_is_insufficient_memory),
        T(test_hostile_handles_are_invalid_handle),
        T(test_deleted_handle_never_comes_back),
        T(test_query_token_returns_new_reference),
        T(test_create_for_primary_token_duplicates_at_level),
        T(test_create_for_token_rejects_bad_arguments),
        T(test_create_context_allocation_failure_is_clean),
        cmocka_unit_test(test_handshake_packages_accept_no_bare_socket),
        T(test_concurrent_impersonate_delete_and_churn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
