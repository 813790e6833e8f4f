/*
 * test_thread_lifetime.c - lifetime of threads created by PsCreateSystemThread
 * (spec 1.5, 2.21 worker contract; review findings on src/ps/thread.c).
 *
 * The first test must run first in this binary: the kernel handle table is still empty,
 * so the handle PsCreateSystemThread opens needs an allocation, and the allocation-failure
 * sweep reaches it.
 */
#include <stdatomic.h>
#include "ntsec_test.h"
#include "ps/psp.h"

static _Atomic int Runs;

static VOID CountRun(PVOID Context)
{
    (void)Context;
    atomic_fetch_add(&Runs, 1);
}

/*
 * A failed PsCreateSystemThread must not have started the thread: the caller sees the
 * failure and may free StartContext at once. Every allocation of the call is failed in
 * turn (NtsecSetAllocationFailure); after each failure every system thread is joined and
 * the start routine must not have run. The handle-table allocation used to fail after the
 * pthread was started: the routine ran although the caller was told it did not.
 */
static void test_pscreatesystemthread_failure_never_runs_start_routine(void **state)
{
    (void)state;
    ULONG n, failures = 0;
    for (n = 1; n <= 32; n++) {
        HANDLE h = (HANDLE)1;
        CLIENT_ID cid = {(HANDLE)7, (HANDLE)7};
        atomic_store(&Runs, 0);
        NtsecSetAllocationFailure(n);
        NTSTATUS st = PsCreateSystemThread(&h, 0, NULL, NULL, &cid, CountRun, NULL);
        NtsecSetAllocationFailure(0);
        PspJoinSystemThreads();
        if (NT_SUCCESS(st)) {
            assert_non_null(h);
            assert_int_equal(atomic_load(&Runs), 1);
            assert_status(ZwClose(h), STATUS_SUCCESS);
            break;
        }
        failures++;
        assert_true(st == STATUS_INSUFFICIENT_RESOURCES || st == STATUS_NO_MEMORY);
        assert_null(h);
        assert_int_equal(atomic_load(&Runs), 0); /* the start routine never ran */
    }
    assert_true(n <= 32);
    assert_true(failures >= 3); /* link, thread object, handle table */
}

static _Atomic int SawSystemFlag;

static VOID TerminateAtOnce(PVOID Context)
{
    (void)Context;
    atomic_store(&SawSystemFlag, PsIsSystemThread(PsGetCurrentThread()) ? 1 : -1);
    PsTerminateSystemThread(STATUS_SUCCESS);
    atomic_store(&SawSystemFlag, -2); /* PsTerminateSystemThread returned: not a system thread */
}

/*
 * A thread created by PsCreateSystemThread in another process (ProcessHandle) is a system
 * thread from its first instruction: PsIsSystemThread is TRUE and PsTerminateSystemThread
 * ends it. The flag used to be set by the creator after the pthread was started, so the
 * thread could see itself as a non-system thread.
 */
static void test_pscreatesystemthread_in_other_process_is_system_thread_from_start(void **state)
{
    (void)state;
    PEPROCESS proc;
    PACCESS_TOKEN primary = TestToken("user=S-1-5-21-1-2-3-1001");
    assert_status(NtsecCreateProcess(primary, &proc), STATUS_SUCCESS);
    HANDLE ph;
    assert_status(ObOpenObjectByPointer(proc, OBJ_KERNEL_HANDLE, NULL, 0, *PsProcessType, KernelMode, &ph),
                  STATUS_SUCCESS);
    for (int i = 0; i < 50; i++) {
        atomic_store(&SawSystemFlag, 0);
        HANDLE h;
        assert_status(PsCreateSystemThread(&h, 0, NULL, ph, NULL, TerminateAtOnce, NULL), STATUS_SUCCESS);
        PspJoinSystemThreads();
        assert_int_equal(atomic_load(&SawSystemFlag), 1);
        assert_status(ZwClose(h), STATUS_SUCCESS);
    }
    assert_status(ZwClose(ph), STATUS_SUCCESS);
    ObDereferenceObject(proc);
    ObDereferenceObject(primary);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pscreatesystemthread_failure_never_runs_start_routine),
        cmocka_unit_test(test_pscreatesystemthread_in_other_process_is_system_thread_from_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
