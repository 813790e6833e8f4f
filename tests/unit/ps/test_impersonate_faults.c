/*
 * test_impersonate_faults.c - allocation-failure sweep over the impersonation routines.
 *
 * For each routine that allocates, a scenario is repeated with the N-th allocation of the
 * calling thread failing (NtsecSetAllocationFailure(N), N = 1, 2, ...) until it completes
 * without hitting the failure. Every failing run must return the routine's documented
 * failure status (STATUS_NO_MEMORY, spec 5-D1) and leave thread state and every fixture
 * token's reference count exactly as before. Routines that do not allocate (capture,
 * release, disable, restore, delete) are run with the failure armed and must succeed.
 */
#include <string.h>
#include "ntsec_test.h"
#include "specfixture.h"

typedef struct {
    SPEC_REFS Refs;
    PACCESS_TOKEN Token[2];
    BOOLEAN Coo[2], Eo[2];
    SECURITY_IMPERSONATION_LEVEL Level[2];
} SNAP;

static void Snap(SPEC_FIXTURE *F, SNAP *s)
{
    memset(s, 0, sizeof *s);
    SpecSnapshotRefs(F, &s->Refs);
    PETHREAD t[2] = {TrThread(F->tA), TrThread(F->tC)};
    for (int i = 0; i < 2; i++)
        s->Token[i] = SpecThreadToken(t[i], &s->Coo[i], &s->Eo[i], &s->Level[i]);
}

static void AssertSame(SPEC_FIXTURE *F, const SNAP *a)
{
    SNAP b;
    Snap(F, &b);
    SpecAssertRefs(F, &a->Refs);
    for (int i = 0; i < 2; i++) {
        assert_ptr_equal(b.Token[i], a->Token[i]);
        if (a->Token[i] != NULL) {
            assert_int_equal(b.Coo[i], a->Coo[i]);
            assert_int_equal(b.Eo[i], a->Eo[i]);
            assert_int_equal(b.Level[i], a->Level[i]);
        }
    }
}

#define SWEEP_MAX 64

/* PsImpersonateClient with a downgrade copy (spec 2.6 B.4, case 59) */
static void test_fault_psimpersonate_downgrade(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A1, TRUE, FALSE, SecurityIdentification);
    SNAP s;
    Snap(F, &s);
    ULONG n, failures = 0;
    for (n = 1; n <= SWEEP_MAX; n++) {
        NtsecSetAllocationFailure(n);
        NTSTATUS st = PsImpersonateClient(tA, F->IT_B2x, FALSE, FALSE, SecurityImpersonation);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st))
            break;
        failures++;
        assert_status(st, STATUS_NO_MEMORY);
        AssertSame(F, &s);
    }
    assert_true(n <= SWEEP_MAX);
    assert_true(failures >= 1);
    SECURITY_IMPERSONATION_LEVEL lvl;
    assert_ptr_not_equal(SpecThreadToken(tA, NULL, NULL, &lvl), F->IT_B2x);
    assert_int_equal(lvl, SecurityIdentification);
}

/* PsImpersonateClient on a thread that never impersonated: ImpersonationInfo allocation */
static void test_fault_psimpersonate_first_time_info_block(void **state)
{
    SPEC_FIXTURE *F = *state;
    ULONG failures = 0;
    for (ULONG n = 1; n <= SWEEP_MAX; n++) {
        TEST_THREAD *r = TrStart(F->ProcA);
        SNAP s;
        Snap(F, &s);
        NtsecSetAllocationFailure(n);
        NTSTATUS st = PsImpersonateClient(TrThread(r), F->IT_A2, FALSE, FALSE, SecurityImpersonation);
        NtsecSetAllocationFailure(0);
        BOOLEAN done = NT_SUCCESS(st);
        if (!done) {
            failures++;
            assert_status(st, STATUS_NO_MEMORY);
            assert_null(SpecThreadToken(TrThread(r), NULL, NULL, NULL));
            AssertSame(F, &s);
        } else {
            assert_ptr_equal(SpecThreadToken(TrThread(r), NULL, NULL, NULL), F->IT_A2);
            PsRevertThreadToSelf(TrThread(r)); /* end it before the thread does (spec 1.5 T4) */
        }
        TrStop(r);
        if (done)
            break;
    }
    assert_true(failures >= 1);
}

typedef NTSTATUS (*CREATE_FN)(SPEC_FIXTURE *F, PSECURITY_CLIENT_CONTEXT cc);

static NTSTATUS CreateStatic(SPEC_FIXTURE *F, PSECURITY_CLIENT_CONTEXT cc)
{
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation, SECURITY_STATIC_TRACKING, TRUE};
    return SeCreateClientSecurity(TrThread(F->tC), &q, FALSE, cc);
}

static NTSTATUS CreateDynamic(SPEC_FIXTURE *F, PSECURITY_CLIENT_CONTEXT cc)
{
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE};
    return SeCreateClientSecurity(TrThread(F->tC), &q, FALSE, cc);
}

static NTSTATUS CreateRemote(SPEC_FIXTURE *F, PSECURITY_CLIENT_CONTEXT cc)
{
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityDelegation, SECURITY_DYNAMIC_TRACKING, FALSE};
    return SeCreateClientSecurity(TrThread(F->tC), &q, TRUE, cc);
}

static NTSTATUS CreateFromSubject(SPEC_FIXTURE *F, PSECURITY_CLIENT_CONTEXT cc)
{
    SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContextEx(TrThread(F->tC), F->ProcB, &ctx); /* allocates nothing */
    SeLockSubjectContext(&ctx);
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityIdentification, SECURITY_STATIC_TRACKING, FALSE};
    NTSTATUS st = SeCreateClientSecurityFromSubjectContext(&ctx, &q, FALSE, cc);
    SeUnlockSubjectContext(&ctx);
    SeReleaseSubjectContext(&ctx);
    return st;
}

/* Sweeps Create; on success also sweeps SeImpersonateClientEx(cc, tA) (downgrade copy). */
static void SweepClient(SPEC_FIXTURE *F, CREATE_FN Create, BOOLEAN ExpectFailures)
{
    SNAP s;
    Snap(F, &s);
    SECURITY_CLIENT_CONTEXT cc;
    ULONG n, failures = 0;
    for (n = 1; n <= SWEEP_MAX; n++) {
        memset(&cc, 0xAA, sizeof cc);
        NtsecSetAllocationFailure(n);
        NTSTATUS st = Create(F, &cc);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st))
            break;
        failures++;
        assert_status(st, STATUS_NO_MEMORY);
        assert_null(cc.ClientToken);
        AssertSame(F, &s);
    }
    assert_true(n <= SWEEP_MAX);
    assert_int_equal(failures >= 1, ExpectFailures);

    PETHREAD tA = TrThread(F->tA);
    Snap(F, &s);
    for (n = 1; n <= SWEEP_MAX; n++) {
        NtsecSetAllocationFailure(n);
        NTSTATUS st = SeImpersonateClientEx(&cc, tA);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st))
            break;
        assert_status(st, STATUS_NO_MEMORY);
        AssertSame(F, &s);
    }
    assert_true(n > 1); /* user B in ProcA: the downgrade copy allocates */
    SECURITY_IMPERSONATION_LEVEL lvl;
    assert_non_null(SpecThreadToken(tA, NULL, NULL, &lvl));
    assert_int_equal(lvl, SecurityIdentification);
    PsRevertThreadToSelf(tA);
    NtsecSetAllocationFailure(1); /* delete allocates nothing */
    SeDeleteClientSecurity(&cc);
    NtsecSetAllocationFailure(0);
    assert_null(cc.ClientToken);
}

static void test_fault_client_static(void **state) { SweepClient(*state, CreateStatic, TRUE); }
static void test_fault_client_dynamic(void **state) { SweepClient(*state, CreateDynamic, FALSE); }

static void test_fault_client_remote(void **state)
{
    SPEC_FIXTURE *F = *state;
    SPEC_IMPERSONATE(TrThread(F->tC), F->IT_B3, FALSE, FALSE, SecurityDelegation);
    SweepClient(F, CreateRemote, TRUE);
}

static void test_fault_client_from_locked_subject(void **state)
{
    SweepClient(*state, CreateFromSubject, TRUE);
}

/* capture / release / disable / restore / revert allocate nothing: they work with the
 * failure armed and leave references balanced. */
static void test_fault_non_allocating_routines(void **state)
{
    SPEC_FX_TA;
    SPEC_IMPERSONATE(tA, F->IT_A2, TRUE, TRUE, SecurityImpersonation);
    SNAP s;
    Snap(F, &s);
    NtsecSetAllocationFailure(1);
    SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContextEx(tA, F->ProcA, &ctx);
    assert_ptr_equal(ctx.ClientToken, F->IT_A2);
    SeLockSubjectContext(&ctx);
    SeUnlockSubjectContext(&ctx);
    SeReleaseSubjectContext(&ctx);
    SE_IMPERSONATION_STATE st;
    assert_true(PsDisableImpersonation(tA, &st));
    PsRestoreImpersonation(tA, &st);
    PACCESS_TOKEN t = PsReferenceImpersonationToken(tA, &st.CopyOnOpen, &st.EffectiveOnly, &st.Level);
    /* same user, info block exists: no allocation */
    SPEC_IMPERSONATE(tA, F->IT_A1, FALSE, FALSE, SecurityIdentification);
    SPEC_IMPERSONATE(tA, t, st.CopyOnOpen, st.EffectiveOnly, st.Level);
    PsDereferenceImpersonationToken(t);
    NtsecSetAllocationFailure(0);
    AssertSame(F, &s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_fault_psimpersonate_downgrade),
        T(test_fault_psimpersonate_first_time_info_block),
        T(test_fault_client_static),
        T(test_fault_client_dynamic),
        T(test_fault_client_remote),
        T(test_fault_client_from_locked_subject),
        T(test_fault_non_allocating_routines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
