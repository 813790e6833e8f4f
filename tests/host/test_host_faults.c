/*
 * test_host_faults.c - fail closed (DESIGN "Fail closed", docs/host.md): a credential
 * syscall failing at any step leaves the thread exactly as it was (verified in
 * /proc/thread-self/status, all four uid and gid fields and the groups); a failed
 * rollback or a failed revert bug-checks with NTSEC_HOST_CREDENTIALS_INCONSISTENT and the
 * thread never runs on.
 */
#include "host_helpers.h"

static _Atomic ULONG BugCheckCode;
static _Atomic ULONG BugCheckCount;

static VOID RecordBugCheck(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4, PVOID Context)
{
    atomic_store(&BugCheckCode, Code);
    atomic_fetch_add(&BugCheckCount, 1);
}

static int SetupGroup(void **state)
{
    if (geteuid() != 0)
        return 0;
    NtsecSetBugCheckHandler(RecordBugCheck, NULL);
    return NtsecEnableHostCredentials(NtsecHostEuid) == STATUS_SUCCESS ? 0 : -1;
}

static int TeardownGroup(void **state)
{
    if (geteuid() != 0)
        return 0;
    NtsecSetBugCheckHandler(NULL, NULL);
    return NtsecEnableHostCredentials(NtsecHostOff) == STATUS_SUCCESS ? 0 : -1;
}

static PTOKEN SixteenGroupToken(ULONG Uid, ULONG GidBase)
{
    TH_GROUP g[16];
    for (ULONG i = 0; i < 16; i++)
        g[i] = (TH_GROUP){GidBase + i, 0};
    return ThToken(Uid, g, 16);
}

/* Sweep: server -> client A, failing at step 1, 2, ... until the switch succeeds. */
static void *BodySweepFromServer(void *Arg)
{
    PETHREAD thread = PsGetCurrentThread();
    PTOKEN token = SixteenGroupToken(TH_UID_A, 41000);
    TH_IDS before, after;
    ThReadIds(&before);
    ULONG step;
    for (step = 1; step < 64; step++) {
        NtsecHostInjectFailure(step);
        NTSTATUS st = PsImpersonateClient(thread, token, FALSE, FALSE, SecurityImpersonation);
        NtsecHostInjectFailure(0);
        if (NT_SUCCESS(st))
            break;
        ThReadIds(&after);
        tr_check_true(ThIdsEqual(&before, &after));
        tr_check_false(PspIsImpersonating(thread));
        tr_check_int_equal(NtsecReferenceCount(token), 1);
    }
    /* groups, gid, uid were all swept (3 syscalls, no read-back: docs/host.md "Switching") */
    tr_check_int_equal(step, 4);
    tr_check_int_equal(atomic_load(&BugCheckCount), 0);
    ThReadIds(&after);
    tr_check_int_equal(after.Uid[1], TH_UID_A);
    tr_check_int_equal(after.GroupCount, 16);
    PsRevertToSelf();
    ThReadIds(&after);
    tr_check_true(ThIdsEqual(&before, &after));
    ObfDereferenceObject(token);
    return NULL;
}

static void test_fault_sweep_server_to_client_leaves_no_mixed_credentials(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodySweepFromServer, NULL);
}

/* Sweep: client A -> client B (user to user, 16 groups): failures leave A exactly. */
static void *BodySweepUserToUser(void *Arg)
{
    PETHREAD thread = PsGetCurrentThread();
    PTOKEN a = SixteenGroupToken(TH_UID_A, 41000);
    PTOKEN b = SixteenGroupToken(TH_UID_B, 42000);
    tr_check_status(PsImpersonateClient(thread, a, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    TH_IDS asA, now;
    ThReadIds(&asA);
    ULONG step;
    for (step = 1; step < 64; step++) {
        NtsecHostInjectFailure(step);
        NTSTATUS st = PsImpersonateClient(thread, b, FALSE, FALSE, SecurityImpersonation);
        NtsecHostInjectFailure(0);
        if (NT_SUCCESS(st))
            break;
        ThReadIds(&now);
        tr_check_true(ThIdsEqual(&asA, &now));
        tr_check_true(PspIsImpersonating(thread));
        tr_check_ptr_equal(atomic_load(&thread->ImpersonationInfo)->Token, a);
    }
    tr_check_int_equal(step, 5); /* base euid, groups, gid, uid */
    ThReadIds(&now);
    tr_check_int_equal(now.Uid[1], TH_UID_B);
    PsRevertToSelf();
    tr_check_int_equal(NtsecReferenceCount(a), 1);
    tr_check_int_equal(NtsecReferenceCount(b), 1);
    ObfDereferenceObject(a);
    ObfDereferenceObject(b);
    return NULL;
}

static void test_fault_sweep_user_to_user_keeps_previous_client(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodySweepUserToUser, NULL);
}

/* Rollback fails too (every syscall from step N on fails): bug check, thread ends. */
static _Atomic int RanOn;
static PTOKEN RollbackToken;
static void *BodyRollbackFails(void *Arg)
{
    ULONG step = *(ULONG *)Arg;
    PTOKEN token = RollbackToken;
    /* Warm the per-thread cache (reads the kernel's ids) so that the steps counted below
     * are groups, gid and uid. */
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    PsRevertToSelf();
    NtsecHostInjectFailure(step | NTSEC_HOST_FAIL_ONWARD);
    NTSTATUS st = PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation);
    NtsecHostInjectFailure(0);
    atomic_store(&RanOn, 1); /* must never be reached */
    (void)st;
    return NULL;
}

static void test_failed_rollback_bugchecks_and_thread_never_runs_on(void **state)
{
    TH_REQUIRE_ROOT();
    for (ULONG step = 1; step <= 3; step++) {
        atomic_store(&BugCheckCount, 0);
        atomic_store(&RanOn, 0);
        RollbackToken = SixteenGroupToken(TH_UID_A, 41000);
        ThRunOnThread(BodyRollbackFails, &step);
        assert_int_equal(atomic_load(&BugCheckCount), 1);
        assert_int_equal(atomic_load(&BugCheckCode), NTSEC_HOST_CREDENTIALS_INCONSISTENT);
        assert_int_equal(atomic_load(&RanOn), 0);
        /* The thread was ended inside PsImpersonateClient, after it had referenced the
         * token for the change it was making: that in-flight reference ended with it, as
         * with a kernel thread killed mid-routine. Ours plus that one remain. */
        assert_int_equal(NtsecReferenceCount(RollbackToken), 2);
        ObfDereferenceObject(RollbackToken);
        ObfDereferenceObject(RollbackToken);
    }
    atomic_store(&BugCheckCount, 0);
}

/* A revert (VOID in the WDK) that cannot switch back bug-checks. */
static void *BodyRevertFails(void *Arg)
{
    PTOKEN token = SixteenGroupToken(TH_UID_A, 41000);
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    ObfDereferenceObject(token);
    NtsecHostInjectFailure(2); /* the setgroups back to the server's groups */
    PsRevertToSelf();
    atomic_store(&RanOn, 1);
    return NULL;
}

static void test_failed_revert_bugchecks(void **state)
{
    TH_REQUIRE_ROOT();
    atomic_store(&BugCheckCount, 0);
    atomic_store(&RanOn, 0);
    /* the bug check ends the thread inside PsRevertToSelf, still impersonating */
    EXPECT_VERIFIER_FINDING(NtsecFindingThreadExitImpersonating,
                            ThRunOnThread(BodyRevertFails, NULL));
    assert_int_equal(atomic_load(&BugCheckCount), 1);
    assert_int_equal(atomic_load(&BugCheckCode), NTSEC_HOST_CREDENTIALS_INCONSISTENT);
    assert_int_equal(atomic_load(&RanOn), 0);
    atomic_store(&BugCheckCount, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_sweep_server_to_client_leaves_no_mixed_credentials),
        cmocka_unit_test(test_fault_sweep_user_to_user_keeps_previous_client),
        cmocka_unit_test(test_failed_rollback_bugchecks_and_thread_never_runs_on),
        cmocka_unit_test(test_failed_revert_bugchecks),
    };
    return cmocka_run_group_tests(tests, SetupGroup, TeardownGroup);
}
