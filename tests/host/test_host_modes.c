/*
 * test_host_modes.c - turning the backend on and off while threads switch (issue 9 items 4
 * and 5; docs/host.md "Turning the backend on and off"):
 *  - Off never succeeds while a thread is switched, and no thread is switched once it did;
 *    a mode change waits for switches in flight; a switch that loaded the hooks before Off
 *    finds the pure model; Enable makes impersonating threads follow;
 *  - a stress run of switching threads against Off/On toggles (run under TSan by CI);
 *  - a bug check inside NtsecEnableHostCredentials leaves no lock held, and the thread's
 *    teardown raises no second one (injected faults).
 */
#include <sys/syscall.h>
#include "host_helpers.h"
#include "vfexpect.h"

static _Atomic ULONG BugCheckCount;
static _Atomic ULONG BugCheckP1;

static VOID RecordBugCheck(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4, PVOID Context)
{
    atomic_store(&BugCheckP1, (ULONG)P1);
    atomic_fetch_add(&BugCheckCount, 1);
}

static int SetupGroup(void **state)
{
    if (geteuid() != 0)
        return 0;
    NtsecSetBugCheckHandler(RecordBugCheck, NULL);
    return 0;
}

static int TeardownGroup(void **state)
{
    if (geteuid() != 0)
        return 0;
    NtsecSetBugCheckHandler(NULL, NULL);
    return NtsecEnableHostCredentials(NtsecHostOff) == STATUS_SUCCESS ? 0 : -1;
}

static PTOKEN ClientA(VOID)
{
    TH_GROUP g[] = {{TH_GID_A, 0}};
    return ThToken(TH_UID_A, g, 1);
}

static unsigned Euid(VOID)
{
    TH_IDS ids;
    ThReadIds(&ids);
    return ids.Uid[1];
}

/* ---- Off refuses while another thread is switched; the refusing caller stays the client ---- */

typedef struct {
    PTOKEN Token;
    _Atomic int Phase; /* 1: switched, 2: may revert, 3: reverted */
    unsigned EuidDuring, EuidAfter;
} HOLDER;

static void *BodyHolder(void *Arg)
{
    HOLDER *h = Arg;
    if (PsImpersonateClient(PsGetCurrentThread(), h->Token, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
        return NULL;
    h->EuidDuring = Euid();
    atomic_store(&h->Phase, 1);
    while (atomic_load(&h->Phase) != 2)
        sched_yield();
    PsRevertToSelf();
    h->EuidAfter = Euid();
    atomic_store(&h->Phase, 3);
    return NULL;
}

static void *BodyOffWhileOtherSwitched(void *Arg)
{
    HOLDER *h = Arg;
    PTOKEN mine = ThToken(TH_UID_B, NULL, 0);
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), mine, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    tr_check_int_equal(Euid(), TH_UID_B);
    tr_check_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_DEVICE_NOT_READY);
    tr_check_int_equal(NtsecHostCredentialsMode(), NtsecHostEuid);
    /* refused: the caller follows its impersonation again, never keeps the server's identity */
    tr_check_int_equal(Euid(), TH_UID_B);
    PsRevertToSelf();
    tr_check_int_equal(Euid(), 0);
    atomic_store(&h->Phase, 2);
    while (atomic_load(&h->Phase) != 3)
        sched_yield();
    tr_check_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    ObfDereferenceObject(mine);
    return NULL;
}

static void test_off_refused_while_a_thread_is_switched(void **state)
{
    TH_REQUIRE_ROOT();
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    HOLDER h = {ClientA(), 0, 0, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, BodyHolder, &h), 0);
    while (atomic_load(&h.Phase) != 1)
        sched_yield();
    ThRunOnThread(BodyOffWhileOtherSwitched, &h);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(h.EuidDuring, TH_UID_A);
    assert_int_equal(h.EuidAfter, 0);
    assert_int_equal(NtsecHostCredentialsMode(), NtsecHostOff);
    assert_int_equal(NtsecReferenceCount(h.Token), 1);
    ObfDereferenceObject(h.Token);
}

/* ---- the impersonating caller of Off goes back to the base; Off then holds ---- */

static void *BodyOffByImpersonatingCaller(void *Arg)
{
    PTOKEN token = ClientA();
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    tr_check_int_equal(Euid(), TH_UID_A);
    tr_check_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    tr_check_int_equal(Euid(), 0); /* the pure model from now on */
    /* a switch hook loaded before Off (as a racing caller would have) finds the pure model */
    PsRevertToSelf();
    tr_check_int_equal(Euid(), 0);
    ObfDereferenceObject(token);
    return NULL;
}

static void test_off_by_impersonating_caller_returns_it_to_base(void **state)
{
    TH_REQUIRE_ROOT();
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    ThRunOnThread(BodyOffByImpersonatingCaller, NULL);
    assert_int_equal(NtsecHostCredentialsMode(), NtsecHostOff);
}

/* A hooks table loaded while on, called after Off succeeded: nothing switches. */
static void *BodyStaleHooks(void *Arg)
{
    PTOKEN token = ClientA();
    (void)PsGetCurrentThread();
    tr_check_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    PSP_HOST_HOOKS *stale = PspLoadHostHooks();
    tr_check_non_null(stale);
    tr_check_non_null(stale->Switch);
    tr_check_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    tr_check_null(PspLoadHostHooks()->Switch);
    tr_check_status(stale->Switch(PsGetCurrentThread(), token, SecurityImpersonation), STATUS_SUCCESS);
    tr_check_int_equal(Euid(), 0); /* a switch after Off would leave a thread nobody can revert */
    tr_check_status(stale->Sync(PsGetCurrentThread()), STATUS_SUCCESS);
    tr_check_int_equal(Euid(), 0);
    ObfDereferenceObject(token);
    return NULL;
}

static void test_switch_that_loaded_hooks_before_off_does_nothing(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyStaleHooks, NULL);
}

/* ---- a mode change waits for a switch in flight ---- */

static _Atomic int OffDone;
static _Atomic NTSTATUS OffStatus;

static void *BodyTurnOff(void *Arg)
{
    atomic_store(&OffStatus, NtsecEnableHostCredentials(NtsecHostOff));
    atomic_store(&OffDone, 1);
    return NULL;
}

static void test_mode_change_waits_for_switches_in_flight(void **state)
{
    TH_REQUIRE_ROOT();
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    atomic_store(&OffDone, 0);
    HostGateEnter(); /* as a switching thread does */
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, BodyTurnOff, NULL), 0);
    while (!HostModeChangeInProgress())
        sched_yield();
    /* Off is inside its mode change and must wait for us: not done, mode unchanged */
    assert_int_equal(atomic_load(&OffDone), 0);
    assert_int_equal(NtsecHostCredentialsMode(), NtsecHostEuid);
    HostGateLeave();
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(atomic_load(&OffDone), 1);
    assert_status(atomic_load(&OffStatus), STATUS_SUCCESS);
    assert_int_equal(NtsecHostCredentialsMode(), NtsecHostOff);
}

/* ---- turning on while another thread impersonates: it follows at its next ntsec call ---- */

static void *BodyImpersonateWhileOff(void *Arg)
{
    HOLDER *h = Arg;
    if (PsImpersonateClient(PsGetCurrentThread(), h->Token, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
        return NULL;
    h->EuidDuring = Euid(); /* the pure model: the server's own */
    atomic_store(&h->Phase, 1);
    while (atomic_load(&h->Phase) != 2)
        sched_yield();
    (void)PsGetCurrentThread(); /* the next ntsec call */
    h->EuidAfter = Euid();
    PsRevertToSelf();
    atomic_store(&h->Phase, 3);
    return NULL;
}

static void test_enable_makes_impersonating_threads_follow(void **state)
{
    TH_REQUIRE_ROOT();
    assert_int_equal(NtsecHostCredentialsMode(), NtsecHostOff);
    HOLDER h = {ClientA(), 0, 0, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, BodyImpersonateWhileOff, &h), 0);
    while (atomic_load(&h.Phase) != 1)
        sched_yield();
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    atomic_store(&h.Phase, 2);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(h.EuidDuring, 0);
    assert_int_equal(h.EuidAfter, TH_UID_A);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    ObfDereferenceObject(h.Token);
}

/* ---- stress: switching threads against Off/On toggles (bounded in count) ---- */

#define STRESS_WORKERS 3
#define STRESS_ROUNDS 3000
#define STRESS_TOGGLES 3000

static PTOKEN StressToken;
static _Atomic int StressWorkersLeft;
static _Atomic long StressStuck, StressSwitchedAfterOff, StressOffWins;

static void *BodyStressWorker(void *Arg)
{
    for (int i = 0; i < STRESS_ROUNDS; i++) {
        PsImpersonateClient(PsGetCurrentThread(), StressToken, FALSE, FALSE, SecurityImpersonation);
        PsRevertToSelf();
        if (Euid() != 0) {
            atomic_fetch_add(&StressStuck, 1);
            /* back to root by hand, so the run can go on and count */
            syscall(SYS_setresuid, -1, 0, -1);
            syscall(SYS_setresgid, -1, 0, -1);
            syscall(SYS_setgroups, 0, NULL);
        }
    }
    atomic_fetch_sub(&StressWorkersLeft, 1);
    return NULL;
}

static void test_stress_switches_against_off_and_on(void **state)
{
    TH_REQUIRE_ROOT();
    StressToken = ClientA();
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    pthread_t t[STRESS_WORKERS];
    atomic_store(&StressWorkersLeft, STRESS_WORKERS);
    for (int i = 0; i < STRESS_WORKERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, BodyStressWorker, NULL), 0);
    for (int i = 0; i < STRESS_TOGGLES && atomic_load(&StressWorkersLeft) > 0; i++) {
        NTSTATUS st = NtsecEnableHostCredentials(NtsecHostOff);
        if (st == STATUS_SUCCESS) {
            atomic_fetch_add(&StressOffWins, 1);
            if (atomic_load(&HostSwitchedThreads) != 0)
                atomic_fetch_add(&StressSwitchedAfterOff, 1);
            assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
        } else {
            assert_status(st, STATUS_DEVICE_NOT_READY);
        }
    }
    for (int i = 0; i < STRESS_WORKERS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    fprintf(stderr, "stress: Off succeeded %ld times; %ld reverts left a client's euid\n",
            atomic_load(&StressOffWins), atomic_load(&StressStuck));
    assert_int_equal(atomic_load(&StressStuck), 0);
    assert_int_equal(atomic_load(&StressSwitchedAfterOff), 0);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(StressToken), 1);
    ObfDereferenceObject(StressToken);
}

/* ---- item 5: bug checks inside NtsecEnableHostCredentials hold no lock ---- */

static PTOKEN FaultToken;
static _Atomic int RanOn;

/* The impersonating caller of Off cannot go back to the base: bug check, thread ends. */
static void *BodyOffRevertFails(void *Arg)
{
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), FaultToken, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    NtsecHostInjectFailure(1 | NTSEC_HOST_FAIL_ONWARD);
    (void)NtsecEnableHostCredentials(NtsecHostOff);
    atomic_store(&RanOn, 1);
    return NULL;
}

/* The impersonating caller of Enable cannot be switched (nor fall back): bug check. */
static void *BodyEnableSyncFails(void *Arg)
{
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), FaultToken, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    /* the base read-back's credential syscalls succeed; everything after fails */
    NtsecHostInjectFailure(8 | NTSEC_HOST_FAIL_ONWARD);
    (void)NtsecEnableHostCredentials(NtsecHostEuid);
    atomic_store(&RanOn, 1);
    return NULL;
}

/* After the bug check: every backend call still returns (no lock left held). */
static void AssertBackendUsable(VOID)
{
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    assert_status(NtsecSetHostUnprivilegedIdentity(65534, 65534), STATUS_SUCCESS);
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
}

static void test_bugcheck_in_off_holds_no_lock(void **state)
{
    TH_REQUIRE_ROOT();
    FaultToken = ClientA();
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    atomic_store(&BugCheckCount, 0);
    atomic_store(&RanOn, 0);
    EXPECT_VERIFIER_FINDING(NtsecFindingThreadExitImpersonating, ThRunOnThread(BodyOffRevertFails, NULL));
    assert_int_equal(atomic_load(&BugCheckCount), 1); /* one, none from the teardown */
    assert_int_equal(atomic_load(&RanOn), 0);
    AssertBackendUsable();
    assert_int_equal(NtsecReferenceCount(FaultToken), 1); /* the teardown released the thread's */
    ObfDereferenceObject(FaultToken);
}

static void test_bugcheck_in_enable_holds_no_lock_and_teardown_raises_no_second(void **state)
{
    TH_REQUIRE_ROOT();
    FaultToken = ClientA();
    assert_int_equal(NtsecHostCredentialsMode(), NtsecHostOff);
    atomic_store(&BugCheckCount, 0);
    atomic_store(&RanOn, 0);
    EXPECT_VERIFIER_FINDING(NtsecFindingThreadExitImpersonating, ThRunOnThread(BodyEnableSyncFails, NULL));
    assert_int_equal(atomic_load(&BugCheckCount), 1);
    assert_int_equal(atomic_load(&RanOn), 0);
    AssertBackendUsable();
    assert_int_equal(NtsecReferenceCount(FaultToken), 1); /* HostSyncCurrent's reference too */
    ObfDereferenceObject(FaultToken);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off_refused_while_a_thread_is_switched),
        cmocka_unit_test(test_off_by_impersonating_caller_returns_it_to_base),
        cmocka_unit_test(test_switch_that_loaded_hooks_before_off_does_nothing),
        cmocka_unit_test(test_mode_change_waits_for_switches_in_flight),
        cmocka_unit_test(test_enable_makes_impersonating_threads_follow),
        cmocka_unit_test(test_stress_switches_against_off_and_on),
        cmocka_unit_test(test_bugcheck_in_off_holds_no_lock),
        cmocka_unit_test(test_bugcheck_in_enable_holds_no_lock_and_teardown_raises_no_second),
    };
    return cmocka_run_group_tests(tests, SetupGroup, TeardownGroup);
}
