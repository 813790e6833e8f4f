/*
 * test_seed_example.c - the seed's PerformSpecialTask (examples/seed-impersonation,
 * compiled in unmodified) in the three situations of the issue:
 *   1. system thread impersonating a client: SUCCESS, client impersonation restored exactly;
 *   2. user-process thread: SUCCESS reported, but the seed's impersonation of SYSTEM is a
 *      silent Identification downgrade (spec 3.2 step 5, 3.4);
 *   3. process pointer where the token belongs: STATUS_OBJECT_TYPE_MISMATCH, no change (5-D24).
 */
#include "ntsec_test.h"
#include "threadrunner.h"
#include "../../examples/seed-impersonation/perform_special_task.c"

#define USER_A "user=S-1-5-21-1-2-3-1001 groups=WD,BU integrity=ME"

typedef struct {
    FSD_CONTEXT Fsd;
    PACCESS_TOKEN Client;
    NTSTATUS Status;
    PACCESS_TOKEN Before, After, During;
    BOOLEAN CooBefore, EoBefore, CooAfter, EoAfter;
    SECURITY_IMPERSONATION_LEVEL LevelBefore, LevelAfter, LevelDuring;
    NTSTATUS DuringClientStatus;
    LONG_PTR ClientRefsBefore, ClientRefsAfter;
} RUN;

static PACCESS_TOKEN Current(BOOLEAN *c, BOOLEAN *e, SECURITY_IMPERSONATION_LEVEL *l)
{
    PACCESS_TOKEN t = PsReferenceImpersonationToken(PsGetCurrentThread(), c, e, l);
    if (t)
        PsDereferenceImpersonationToken(t);
    return t;
}

static VOID Run(PVOID Arg)
{
    RUN *r = Arg;
    PETHREAD self = PsGetCurrentThread();
    if (r->Client)
        tr_check_status(PsImpersonateClient(self, r->Client, FALSE, TRUE, SecurityImpersonation),
                      STATUS_SUCCESS);
    r->Before = Current(&r->CooBefore, &r->EoBefore, &r->LevelBefore);
    r->ClientRefsBefore = r->Client ? NtsecReferenceCount(r->Client) : 0;
    r->Status = PerformSpecialTask(&r->Fsd);
    r->After = Current(&r->CooAfter, &r->EoAfter, &r->LevelAfter);
    r->ClientRefsAfter = r->Client ? NtsecReferenceCount(r->Client) : 0;
    /* second call path: the seed's own impersonation call, observed */
    if (NT_SUCCESS(PsImpersonateClient(self, r->Fsd.SystemProcess, TRUE, TRUE,
                                       SecurityImpersonation))) {
        r->During = Current(NULL, NULL, &r->LevelDuring);
        SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation, FALSE, FALSE};
        SECURITY_CLIENT_CONTEXT cc;
        r->DuringClientStatus = SeCreateClientSecurity(self, &q, FALSE, &cc);
        if (NT_SUCCESS(r->DuringClientStatus))
            SeDeleteClientSecurity(&cc);
    }
    PsRevertToSelf();
}

static void RunOnSystemThread(RUN *r)
{
    HANDLE h;
    assert_status(PsCreateSystemThread(&h, 0, NULL, NULL, NULL, Run, r), STATUS_SUCCESS);
    PETHREAD t;
    assert_status(ObReferenceObjectByHandle(h, 0, *PsThreadType, KernelMode, (PVOID *)&t, NULL),
                  STATUS_SUCCESS);
    assert_status(NtsecJoinThread(t), STATUS_SUCCESS);
    ObDereferenceObject(t);
    assert_status(ZwClose(h), STATUS_SUCCESS);
}

static void test_seed_from_system_thread_runs_as_system_and_restores(void **state)
{
    PACCESS_TOKEN client = TestToken(USER_A " type=impersonation level=impersonation");
    PACCESS_TOKEN sys = PsReferencePrimaryToken(PsInitialSystemProcess);
    LONG_PTR sysRefs = NtsecReferenceCount(sys);
    RUN r = {{sys}, client};
    RunOnSystemThread(&r);
    assert_status(r.Status, STATUS_SUCCESS);
    assert_ptr_equal(r.Before, client);
    assert_ptr_equal(r.After, client);
    assert_int_equal(r.CooAfter, r.CooBefore);
    assert_int_equal(r.EoAfter, r.EoBefore);
    assert_true(r.EoAfter);
    assert_int_equal(r.LevelAfter, SecurityImpersonation);
    assert_int_equal(r.ClientRefsAfter, r.ClientRefsBefore);
    assert_ptr_equal(r.During, sys); /* SYSTEM itself, no copy */
    assert_int_equal(r.LevelDuring, SecurityImpersonation);
    assert_status(r.DuringClientStatus, STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(sys), sysRefs);
    assert_int_equal(NtsecReferenceCount(client), 1);
    PsDereferencePrimaryToken(sys);
    ObDereferenceObject(client);
}

static void test_seed_from_user_thread_is_silently_downgraded(void **state)
{
    PACCESS_TOKEN user = TestToken(USER_A);
    PACCESS_TOKEN sys = PsReferencePrimaryToken(PsInitialSystemProcess);
    LONG_PTR sysRefs = NtsecReferenceCount(sys);
    PEPROCESS p;
    assert_status(NtsecCreateProcess(user, &p), STATUS_SUCCESS);
    TEST_THREAD *t = TrStart(p);
    RUN r = {{sys}, NULL};
    TrRun(t, Run, &r);
    assert_status(r.Status, STATUS_SUCCESS); /* the seed sees success ... */
    assert_null(r.Before);
    assert_null(r.After);
    assert_non_null(r.During);
    assert_ptr_not_equal(r.During, sys);     /* ... but got a copy */
    assert_int_equal(r.LevelDuring, SecurityIdentification);
    assert_status(r.DuringClientStatus, STATUS_BAD_IMPERSONATION_LEVEL);
    assert_int_equal(NtsecLastImpersonationDecision(TrThread(t)), NtsecDecisionDenyOtherUser);
    TrStop(t);
    assert_int_equal(NtsecReferenceCount(sys), sysRefs);
    ObDereferenceObject(p);
    PsDereferencePrimaryToken(sys);
    ObDereferenceObject(user);
}

static void test_seed_with_process_pointer_is_type_mismatch(void **state)
{
    PACCESS_TOKEN client = TestToken(USER_A " type=impersonation level=impersonation");
    RUN r = {{(PACCESS_TOKEN)PsInitialSystemProcess}, client};
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType, RunOnSystemThread(&r));
    assert_status(r.Status, STATUS_OBJECT_TYPE_MISMATCH);
    assert_ptr_equal(r.Before, client);
    assert_ptr_equal(r.After, client);
    assert_int_equal(r.LevelAfter, r.LevelBefore);
    assert_int_equal(r.EoAfter, r.EoBefore);
    assert_int_equal(r.ClientRefsAfter, r.ClientRefsBefore);
    assert_null(r.During); /* the second path fails the same way */
    assert_int_equal(NtsecReferenceCount(client), 1);
    ObDereferenceObject(client);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_from_system_thread_runs_as_system_and_restores),
        cmocka_unit_test(test_seed_from_user_thread_is_silently_downgraded),
        cmocka_unit_test(test_seed_with_process_pointer_is_type_mismatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
