/*
 * test_stress_impersonation.c - several ntsec threads in different processes impersonate,
 * revert, disable/restore, capture subject contexts and create/delete client contexts on
 * shared tokens; at the end every token's reference count is back to its baseline
 * (spec invariants T1/T2, 1.6, 1.7). Clean under TSan. Iterations: NTSEC_STRESS_ITERS
 * (default 10000 per thread).
 */
#include <stdlib.h>
#include "ntsec_test.h"
#include "specfixture.h"

typedef struct {
    SPEC_FIXTURE *F;
    int Seed;
    int Iterations;
} WORK;

static VOID Stress(PVOID Arg)
{
    WORK *w = Arg;
    SPEC_FIXTURE *F = w->F;
    PETHREAD self = PsGetCurrentThread();
    PACCESS_TOKEN pool[] = {F->IT_A2, F->IT_A1, F->IT_B2x, F->IT_B2, F->PT_A, F->IT_A2hi};
    unsigned seed = (unsigned)w->Seed;
    for (int i = 0; i < w->Iterations; i++) {
        PACCESS_TOKEN tok = pool[rand_r(&seed) % 6];
        tr_check_status(PsImpersonateClient(self, tok, i & 1, (i >> 1) & 1, SecurityImpersonation),
                      STATUS_SUCCESS);
        SECURITY_SUBJECT_CONTEXT ctx;
        SeCaptureSubjectContext(&ctx);
        tr_check_non_null(ctx.ClientToken);
        SeLockSubjectContext(&ctx);
        SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityIdentification,
                                         (BOOLEAN)(i % 3 == 0), FALSE};
        SECURITY_CLIENT_CONTEXT cc;
        NTSTATUS st = SeCreateClientSecurityFromSubjectContext(&ctx, &q, FALSE, &cc);
        SeUnlockSubjectContext(&ctx);
        SeReleaseSubjectContext(&ctx);
        /* a downgraded or Identification thread cannot pass its client on */
        if (NT_SUCCESS(st)) {
            SE_IMPERSONATION_STATE s;
            BOOLEAN was = PsDisableImpersonation(self, &s);
            tr_check_true(was);
            SECURITY_CLIENT_CONTEXT cc2;
            SECURITY_QUALITY_OF_SERVICE q2 = {sizeof q2, SecurityImpersonation,
                                              SECURITY_STATIC_TRACKING, FALSE};
            tr_check_status(SeCreateClientSecurity(self, &q2, FALSE, &cc2), STATUS_SUCCESS);
            PsRestoreImpersonation(self, &s);
            tr_check_status(SeImpersonateClientEx(&cc, NULL), STATUS_SUCCESS);
            SeDeleteClientSecurity(&cc2);
            SeDeleteClientSecurity(&cc);
        } else {
            tr_check_status(st, STATUS_BAD_IMPERSONATION_LEVEL);
        }
        if (rand_r(&seed) & 1)
            PsRevertToSelf();
        else
            SeStopImpersonatingClient();
    }
}

static void test_stress_impersonation_refcounts_balance(void **state)
{
    SPEC_FIXTURE *F = *state;
    SPEC_REFS refs = SpecRefs(F);
    const char *env = getenv("NTSEC_STRESS_ITERS");
    int iters = env ? atoi(env) : 10000;
    enum { N = 6 };
    PEPROCESS procs[N] = {F->ProcA, F->ProcB, F->ProcSVC, F->ProcA, F->ProcSVC, F->ProcB};
    PETHREAD threads[N];
    WORK w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (WORK){F, i + 1, iters};
        assert_status(NtsecCreateThread(procs[i], Stress, &w[i], &threads[i]), STATUS_SUCCESS);
    }
    for (int i = 0; i < N; i++) {
        assert_status(NtsecJoinThread(threads[i]), STATUS_SUCCESS);
        assert_false(PsReferenceImpersonationToken(threads[i], NULL, NULL, NULL) != NULL);
        ObDereferenceObject(threads[i]);
    }
    SpecAssertRefs(F, &refs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stress_impersonation_refcounts_balance, SpecSetUp,
                                        SpecTearDown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
