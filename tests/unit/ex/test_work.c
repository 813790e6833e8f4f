/*
 * test_work.c - system worker queues and I/O work items: spec 2.21 and section 6
 * cases 74-77, plus the WORKER_INVALID choices of docs/workers.md (C).
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include "ntsec_test.h"
#include "ex/exp.h"
#include "ps/psp.h"
#include "se/sep.h"

#define USER_A "S-1-5-21-1-2-3-1001"
#define PT_A_TEXT "user=" USER_A " groups=WD,AU,BU privileges=SeChangeNotifyPrivilege integrity=ME"
#define IT_A2_TEXT PT_A_TEXT " type=impersonation level=impersonation"

/* ---- a flag a worker sets and the test waits for (no timeouts: no timed assertions) ---- */
typedef struct _DONE {
    pthread_mutex_t Lock;
    pthread_cond_t Cond;
    int Count;
} DONE;
#define DONE_INIT { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 }

static void Signal(DONE *d)
{
    pthread_mutex_lock(&d->Lock);
    d->Count++;
    pthread_cond_broadcast(&d->Cond);
    pthread_mutex_unlock(&d->Lock);
}

static void WaitFor(DONE *d, int Count)
{
    pthread_mutex_lock(&d->Lock);
    while (d->Count < Count)
        pthread_cond_wait(&d->Cond, &d->Lock);
    pthread_mutex_unlock(&d->Lock);
}

static void WaitRefCount(PVOID Object, LONG_PTR Count)
{
    while (NtsecReferenceCount(Object) != Count)
        sched_yield();
}

/* ---- bug check capture ---- */
typedef struct _BUGCHECK {
    int Count;
    ULONG Code;
    ULONG_PTR P[4];
} BUGCHECK;
static BUGCHECK Bc;
static pthread_mutex_t BcLock = PTHREAD_MUTEX_INITIALIZER;
static DONE BcDone = DONE_INIT;

static VOID RecordBugCheck(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4,
                           PVOID Context)
{
    pthread_mutex_lock(&BcLock);
    Bc.Count++;
    Bc.Code = Code;
    Bc.P[0] = P1, Bc.P[1] = P2, Bc.P[2] = P3, Bc.P[3] = P4;
    pthread_mutex_unlock(&BcLock);
    Signal(&BcDone);
}

/* Verifier findings (when the suite runs with NTSEC_VERIFIER=1): only case 75 provokes one. */
static _Atomic int Findings;
static NTSEC_VERIFIER_FINDING LastFinding;

static VOID CountFinding(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    LastFinding = Report->Kind;
    atomic_fetch_add(&Findings, 1);
}

static int Setup(void **state)
{
    memset(&Bc, 0, sizeof Bc);
    BcDone.Count = 0;
    atomic_store(&Findings, 0);
    NtsecSetBugCheckHandler(RecordBugCheck, NULL);
    NtsecSetVerifierHandler(CountFinding, NULL);
    return 0;
}

static int Teardown(void **state)
{
    NtsecSetBugCheckHandler(NULL, NULL);
    NtsecSetVerifierHandler(NULL, NULL);
    assert_int_equal(atomic_load(&Findings), 0);
    return 0;
}

/* ---- case 74 ---- */
typedef struct _CASE74 {
    WORK_QUEUE_ITEM Item;
    DONE Done;
    PETHREAD Thread;
    PEPROCESS Process;
    BOOLEAN Impersonating;
    BOOLEAN SystemThread;
    KIRQL Irql;
    SECURITY_SUBJECT_CONTEXT Subject;
    PACCESS_TOKEN ItA2;
    NTSTATUS QueueingStatus;
    BOOLEAN QueuerImpersonating;
} CASE74;

static VOID Case74Routine(PVOID Parameter)
{
    CASE74 *c = Parameter;
    c->Thread = PsGetCurrentThread();
    c->Process = PsGetThreadProcess(c->Thread);
    c->Impersonating = PspIsImpersonating(c->Thread);
    c->SystemThread = PsIsSystemThread(c->Thread);
    c->Irql = KeGetCurrentIrql();
    SeCaptureSubjectContext(&c->Subject);
    Signal(&c->Done);
}

/* tA: impersonates IT_A2, then queues the item (so the queuer is impersonating). */
static VOID Case74Queuer(PVOID Context)
{
    CASE74 *c = Context;
    c->QueueingStatus = PsImpersonateClient(PsGetCurrentThread(), c->ItA2, FALSE, FALSE,
                                            SecurityImpersonation);
    c->QueuerImpersonating = PspIsImpersonating(PsGetCurrentThread());
    ExInitializeWorkItem(&c->Item, Case74Routine, c);
    ExQueueWorkItem(&c->Item, DelayedWorkQueue);
    WaitFor(&c->Done, 1);
    PsRevertToSelf();
}

/* case 74 [D WDK-ExQueueWorkItem]: the routine runs in the System process, at PASSIVE,
 * not impersonating, although the queuing thread impersonates IT_A2; its capture yields
 * ClientToken NULL and PrimaryToken = the SYSTEM token (PT_S). */
static void test_case74_work_item_runs_as_system_not_impersonating(void **state)
{
    static CASE74 c = { .Done = DONE_INIT };
    PACCESS_TOKEN ptA = TestToken(PT_A_TEXT);
    c.ItA2 = TestToken(IT_A2_TEXT);
    PEPROCESS procA;
    PETHREAD tA;
    assert_status(NtsecCreateProcess(ptA, &procA), STATUS_SUCCESS);
    LONG_PTR it0 = NtsecReferenceCount(c.ItA2);
    PACCESS_TOKEN ptS = PsReferencePrimaryToken(PsInitialSystemProcess);
    LONG_PTR ps0 = NtsecReferenceCount(ptS);

    assert_status(NtsecCreateThread(procA, Case74Queuer, &c, &tA), STATUS_SUCCESS);
    assert_status(NtsecJoinThread(tA), STATUS_SUCCESS);

    assert_status(c.QueueingStatus, STATUS_SUCCESS);
    assert_true(c.QueuerImpersonating);
    assert_ptr_equal(c.Process, PsInitialSystemProcess);
    assert_ptr_not_equal(c.Thread, tA);
    assert_false(c.Impersonating);
    assert_true(c.SystemThread);
    assert_int_equal(c.Irql, PASSIVE_LEVEL);
    assert_null(c.Subject.ClientToken);
    assert_int_equal(c.Subject.ImpersonationLevel, SecurityAnonymous);
    assert_ptr_equal(c.Subject.PrimaryToken, ptS);
    assert_ptr_equal(SeQuerySubjectContextToken(&c.Subject), ptS);
    assert_int_equal(NtsecReferenceCount(ptS), ps0 + 1); /* the subject context's reference */
    SeReleaseSubjectContext(&c.Subject);
    assert_int_equal(NtsecReferenceCount(ptS), ps0);
    assert_int_equal(NtsecReferenceCount(c.ItA2), it0);   /* tA reverted, nothing leaked */

    PsDereferencePrimaryToken(ptS);
    ObDereferenceObject(tA);
    ObDereferenceObject(procA);
    ObDereferenceObject(c.ItA2);
    ObDereferenceObject(ptA);
}

/* ---- case 75 ---- */
typedef struct _CASE75 {
    WORK_QUEUE_ITEM Item;
    PACCESS_TOKEN Token;
    PETHREAD Worker;
    NTSTATUS Status;
} CASE75;

static VOID Case75Routine(PVOID Parameter)
{
    CASE75 *c = Parameter;
    c->Worker = PsGetCurrentThread();
    c->Status = PsImpersonateClient(c->Worker, c->Token, FALSE, FALSE, SecurityImpersonation);
    /* returns without PsRevertToSelf: the bug */
}

/* case 75 [D BUG-DF; R ROS-work]: IMPERSONATING_WORKER_THREAD (0xDF) with (routine,
 * parameter, item, 0); when the handler returns the worker is reverted (C: a server may
 * log, revert and continue) and the token's thread reference is released. */
static void test_case75_routine_returning_impersonating_bugchecks_0xdf(void **state)
{
    static CASE75 c;
    c.Token = TestToken(IT_A2_TEXT);
    LONG_PTR t0 = NtsecReferenceCount(c.Token);
    ExInitializeWorkItem(&c.Item, Case75Routine, &c);
    ExQueueWorkItem(&c.Item, CriticalWorkQueue);
    WaitFor(&BcDone, 1);

    assert_int_equal(Bc.Count, 1);
    assert_int_equal(Bc.Code, IMPERSONATING_WORKER_THREAD);
    assert_int_equal(Bc.Code, 0xDF);
    assert_ptr_equal((PVOID)Bc.P[0], (PVOID)(ULONG_PTR)Case75Routine);
    assert_ptr_equal((PVOID)Bc.P[1], &c);
    assert_ptr_equal((PVOID)Bc.P[2], &c.Item);
    assert_int_equal(Bc.P[3], 0);
    assert_status(c.Status, STATUS_SUCCESS);

    while (PspIsImpersonating(c.Worker))
        sched_yield();
    WaitRefCount(c.Token, t0);
    assert_int_equal(NtsecReferenceCount(c.Token), t0);
    ObDereferenceObject(c.Token);
    if (NtsecVerifierFlags() != 0) { /* the verifier reported it before the bug check */
        assert_int_equal(atomic_load(&Findings), 1);
        assert_int_equal(LastFinding, NtsecFindingWorkItemImpersonating);
        atomic_store(&Findings, 0);
    }
}

/* ---- case 76 ---- */
typedef struct _CASE76 {
    PIO_WORKITEM WorkItem;
    SECURITY_CLIENT_CONTEXT Client;
    NTSTATUS CreateStatus;
    NTSTATUS ImpersonateStatus;
    SECURITY_IMPERSONATION_LEVEL Level;
    BOOLEAN SawUserA;
    BOOLEAN SameTokenObject;
    BOOLEAN ImpersonatingAtReturn;
    PDEVICE_OBJECT DeviceSeen;
    PVOID ContextSeen;
    DONE Done;
    PDEVICE_OBJECT Device;
    PACCESS_TOKEN ClientCopy;
} CASE76;

static VOID Case76Routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    CASE76 *c = Context;
    c->DeviceSeen = DeviceObject;
    c->ContextSeen = Context;
    c->ImpersonateStatus = SeImpersonateClientEx(&c->Client, NULL);
    BOOLEAN cow, eo;
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    PACCESS_TOKEN t = PsReferenceImpersonationToken(PsGetCurrentThread(), &cow, &eo, &level);
    c->Level = level;
    c->SameTokenObject = t == c->Client.ClientToken; /* no downgrade copy */
    if (t != NULL) {
        PTOKEN_USER user = NULL;
        if (NT_SUCCESS(SeQueryInformationToken(t, TokenUser, (PVOID *)&user))) {
            PSID a = NULL;
            PTOKEN_USER expect = NULL;
            if (NT_SUCCESS(SeQueryInformationToken(c->Client.ClientToken, TokenUser,
                                                   (PVOID *)&expect))) {
                a = expect->User.Sid;
                c->SawUserA = RtlEqualSid(user->User.Sid, a);
                ExFreePool(expect);
            }
            ExFreePool(user);
        }
        PsDereferenceImpersonationToken(t);
    }
    SeStopImpersonatingClient();
    c->ImpersonatingAtReturn = PspIsImpersonating(PsGetCurrentThread());
    SeDeleteClientSecurity(&c->Client);
    IoFreeWorkItem(c->WorkItem); /* allowed inside its own routine (spec 2.21) */
    Signal(&c->Done);
}

static VOID Case76Requester(PVOID Context)
{
    CASE76 *c = Context;
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof qos, SecurityImpersonation,
                                        SECURITY_STATIC_TRACKING, FALSE };
    c->CreateStatus = SeCreateClientSecurity(PsGetCurrentThread(), &qos, FALSE, &c->Client);
    if (!NT_SUCCESS(c->CreateStatus))
        return;
    c->ClientCopy = c->Client.ClientToken;
    ObReferenceObject(c->ClientCopy); /* the test watches the copy's lifetime */
    IoQueueWorkItem(c->WorkItem, Case76Routine, DelayedWorkQueue, c);
}

/* case 76 [D]: tA captures a static client context and queues an I/O work item; the
 * routine impersonates (SUCCESS, level Impersonation, no downgrade: System holds
 * SeImpersonatePrivilege), sees user A, stops, deletes the context and frees its own
 * work item. No leaks; the worker is not impersonating at return; the device is
 * referenced while the item is pending and released after. */
static void test_case76_full_pattern_static_context_io_work_item(void **state)
{
    static DRIVER_OBJECT driver;
    static CASE76 c = { .Done = DONE_INIT };
    PACCESS_TOKEN ptA = TestToken(PT_A_TEXT);
    PEPROCESS procA;
    PETHREAD tA;
    assert_status(NtsecCreateProcess(ptA, &procA), STATUS_SUCCESS);
    assert_status(IoCreateDevice(&driver, 16, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &c.Device),
                  STATUS_SUCCESS);
    assert_ptr_equal(driver.DeviceObject, c.Device);
    assert_non_null(c.Device->DeviceExtension);
    c.WorkItem = IoAllocateWorkItem(c.Device);
    assert_non_null(c.WorkItem);
    assert_int_equal(NtsecReferenceCount(c.Device), 1); /* allocation takes no reference */
    LONG_PTR pa0 = NtsecReferenceCount(ptA);

    assert_status(NtsecCreateThread(procA, Case76Requester, &c, &tA), STATUS_SUCCESS);
    assert_status(NtsecJoinThread(tA), STATUS_SUCCESS);
    assert_status(c.CreateStatus, STATUS_SUCCESS);
    WaitFor(&c.Done, 1);
    WaitRefCount(c.Device, 1);

    assert_ptr_equal(c.DeviceSeen, c.Device);
    assert_ptr_equal(c.ContextSeen, &c);
    assert_status(c.ImpersonateStatus, STATUS_SUCCESS);
    assert_int_equal(c.Level, SecurityImpersonation);
    assert_true(c.SameTokenObject);
    assert_true(c.SawUserA);
    assert_false(c.ImpersonatingAtReturn);
    assert_null(c.Client.ClientToken);
    assert_int_equal(NtsecReferenceCount(c.ClientCopy), 1); /* only the test's own reference */
    assert_int_equal(NtsecReferenceCount(ptA), pa0);
    assert_int_equal(Bc.Count, 0);

    ObDereferenceObject(c.ClientCopy);
    IoDeleteDevice(c.Device);
    assert_null(driver.DeviceObject);
    ObDereferenceObject(tA);
    ObDereferenceObject(procA);
    ObDereferenceObject(ptA);
}

/* ---- case 77 and the other WORKER_INVALID choices ---- */
static _Atomic int RunCount;
static DONE RunDone = DONE_INIT;

static VOID CountingRoutine(PVOID Parameter)
{
    atomic_fetch_add(&RunCount, 1);
    Signal(&RunDone);
}

static VOID CountingIoRoutine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    CountingRoutine(Context);
}

/* case 77 [D bug-check reference]: queuing an item that is still pending raises
 * WORKER_INVALID (0xE4) with (0, item, queue type, routine) (C for the parameters) and
 * the item runs once. Queues are held so that "still pending" is deterministic. */
static void test_case77_requeue_of_pending_item_bugchecks_0xe4(void **state)
{
    static WORK_QUEUE_ITEM item;
    atomic_store(&RunCount, 0);
    RunDone.Count = 0;
    ExpHoldQueues(TRUE);
    ExInitializeWorkItem(&item, CountingRoutine, NULL);
    ExQueueWorkItem(&item, DelayedWorkQueue);
    assert_int_equal(Bc.Count, 0);
    ExQueueWorkItem(&item, DelayedWorkQueue);
    assert_int_equal(Bc.Count, 1);
    assert_int_equal(Bc.Code, WORKER_INVALID);
    assert_int_equal(Bc.Code, 0xE4);
    assert_int_equal(Bc.P[0], EXP_INVALID_ALREADY_QUEUED);
    assert_ptr_equal((PVOID)Bc.P[1], &item);
    assert_int_equal(Bc.P[2], DelayedWorkQueue);
    assert_ptr_equal((PVOID)Bc.P[3], (PVOID)(ULONG_PTR)CountingRoutine);
    ExpHoldQueues(FALSE);
    WaitFor(&RunDone, 1);
    /* Once it ran it is no longer queued: queuing it again is legal. */
    ExQueueWorkItem(&item, CriticalWorkQueue);
    WaitFor(&RunDone, 2);
    assert_int_equal(atomic_load(&RunCount), 2);
    assert_int_equal(Bc.Count, 1);
}

/* Same rule for IoQueueWorkItem; IoFreeWorkItem of a queued item is refused with 0xE4
 * P1 = 2 (spec 2.21 "only for an item that is not queued"; C for the parameters). */
static void test_io_requeue_and_free_of_pending_item_bugcheck_0xe4(void **state)
{
    static DRIVER_OBJECT driver;
    PDEVICE_OBJECT dev;
    atomic_store(&RunCount, 0);
    RunDone.Count = 0;
    assert_status(IoCreateDevice(&driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev),
                  STATUS_SUCCESS);
    assert_null(dev->DeviceExtension);
    PIO_WORKITEM wi = IoAllocateWorkItem(dev);
    assert_non_null(wi);
    ExpHoldQueues(TRUE);
    IoQueueWorkItem(wi, CountingIoRoutine, DelayedWorkQueue, NULL);
    assert_int_equal(NtsecReferenceCount(dev), 2); /* kept referenced while pending */
    IoQueueWorkItem(wi, CountingIoRoutine, DelayedWorkQueue, NULL);
    assert_int_equal(Bc.Count, 1);
    assert_int_equal(Bc.Code, WORKER_INVALID);
    assert_int_equal(Bc.P[0], EXP_INVALID_ALREADY_QUEUED);
    assert_ptr_equal((PVOID)Bc.P[1], wi);
    assert_int_equal(NtsecReferenceCount(dev), 2); /* no second reference */
    IoFreeWorkItem(wi);
    assert_int_equal(Bc.Count, 2);
    assert_int_equal(Bc.P[0], EXP_INVALID_FREE_QUEUED);
    assert_ptr_equal((PVOID)Bc.P[1], wi);
    /* Deleting the device while the item is pending: the item keeps it alive. */
    IoDeleteDevice(dev);
    assert_int_equal(NtsecReferenceCount(dev), 1);
    ExpHoldQueues(FALSE);
    WaitFor(&RunDone, 1);
    assert_int_equal(atomic_load(&RunCount), 1);
    IoFreeWorkItem(wi);
    assert_int_equal(Bc.Count, 2);
}

/* An invalid queue type raises 0xE4 P1 = 1 and runs nothing (C). */
static void test_invalid_queue_type_bugchecks_and_queues_nothing(void **state)
{
    static WORK_QUEUE_ITEM item;
    atomic_store(&RunCount, 0);
    ExInitializeWorkItem(&item, CountingRoutine, NULL);
    ExQueueWorkItem(&item, MaximumWorkQueue);
    assert_int_equal(Bc.Count, 1);
    assert_int_equal(Bc.Code, WORKER_INVALID);
    assert_int_equal(Bc.P[0], EXP_INVALID_QUEUE_TYPE);
    assert_int_equal(Bc.P[2], MaximumWorkQueue);
    assert_null(item.List.Flink); /* not queued */
}

/* IoQueueWorkItem that ExQueueWorkItem refuses (here: an invalid queue type, 0xE4 P1 = 1;
 * the same path serves "after NtsecShutdown", P1 = 3): nothing is queued, so nothing may
 * stay held - the device reference taken for the pending item is given back and the item
 * is not left marked queued (IoFreeWorkItem then frees it without a second 0xE4). */
static void test_io_queue_refused_releases_device_and_item(void **state)
{
    static DRIVER_OBJECT driver;
    PDEVICE_OBJECT dev;
    atomic_store(&RunCount, 0);
    assert_status(IoCreateDevice(&driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev),
                  STATUS_SUCCESS);
    PIO_WORKITEM wi = IoAllocateWorkItem(dev);
    assert_non_null(wi);
    IoQueueWorkItem(wi, CountingIoRoutine, MaximumWorkQueue, NULL);
    assert_int_equal(Bc.Count, 1);
    assert_int_equal(Bc.Code, WORKER_INVALID);
    assert_int_equal(Bc.P[0], EXP_INVALID_QUEUE_TYPE);
    assert_int_equal(NtsecReferenceCount(dev), 1); /* no reference kept for a refused item */
    IoFreeWorkItem(wi);
    assert_int_equal(Bc.Count, 1); /* not "freeing a queued item" */
    assert_int_equal(atomic_load(&RunCount), 0);
    IoDeleteDevice(dev);
}

/* IoFreeWorkItem is only for items from IoAllocateWorkItem (spec 2.21). On caller storage
 * prepared with IoInitializeWorkItem it must not hand that storage to the pool (a crash):
 * it is refused (verifier finding when on) and the storage stays usable; such an item
 * queues, runs and is released with IoUninitializeWorkItem. */
static void test_io_free_of_initialized_item_is_refused(void **state)
{
    static DRIVER_OBJECT driver;
    static _Alignas(16) UCHAR storage[512];
    PDEVICE_OBJECT dev;
    atomic_store(&RunCount, 0);
    RunDone.Count = 0;
    assert_true(IoSizeofWorkItem() <= sizeof storage);
    assert_status(IoCreateDevice(&driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev),
                  STATUS_SUCCESS);
    PIO_WORKITEM wi = (PIO_WORKITEM)storage;
    IoInitializeWorkItem(dev, wi);
    IoFreeWorkItem(wi); /* wrong routine for caller storage */
    if (NtsecVerifierFlags() != 0) {
        assert_int_equal(atomic_load(&Findings), 1);
        atomic_store(&Findings, 0);
    }
    IoQueueWorkItem(wi, CountingIoRoutine, DelayedWorkQueue, NULL);
    WaitFor(&RunDone, 1);
    WaitRefCount(dev, 1);
    IoUninitializeWorkItem(wi);
    assert_int_equal(Bc.Count, 0);
    assert_int_equal(atomic_load(&RunCount), 1);
    IoDeleteDevice(dev);
}

/* The function form of the WDK macro behaves like the macro. */
static void test_exinitializeworkitem_function_matches_macro(void **state)
{
    WORK_QUEUE_ITEM a, b;
    memset(&a, 0x55, sizeof a);
    memset(&b, 0x55, sizeof b);
    ExInitializeWorkItem(&a, CountingRoutine, &a);
    (ExInitializeWorkItem)(&b, CountingRoutine, &a);
    assert_null(a.List.Flink);
    assert_null(b.List.Flink);
    assert_ptr_equal(a.WorkerRoutine, b.WorkerRoutine);
    assert_ptr_equal(a.Parameter, b.Parameter);
    assert_int_equal(IoSizeofWorkItem() >= sizeof(WORK_QUEUE_ITEM), 1);
}

/* Bad input to the I/O routines: clear errors, never a crash. */
static void test_io_bad_input(void **state)
{
    static DRIVER_OBJECT driver;
    PDEVICE_OBJECT dev = (PDEVICE_OBJECT)(ULONG_PTR)1;
    UNICODE_STRING name = { 0 };
    assert_status(IoCreateDevice(NULL, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev),
                  STATUS_INVALID_PARAMETER);
    assert_null(dev);
    assert_status(IoCreateDevice(&driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, NULL),
                  STATUS_INVALID_PARAMETER);
    assert_status(IoCreateDevice(&driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev),
                  STATUS_NOT_IMPLEMENTED);
    PACCESS_TOKEN token = TestToken(PT_A_TEXT);
    assert_null(IoAllocateWorkItem((PDEVICE_OBJECT)token)); /* wrong object type */
    if (NtsecVerifierFlags() != 0) {
        assert_int_equal(atomic_load(&Findings), 1);
        assert_int_equal(LastFinding, NtsecFindingWrongObjectType);
        atomic_store(&Findings, 0);
    }
    ObDereferenceObject(token);
    NtsecSetAllocationFailure(1);
    assert_status(IoCreateDevice(&driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev),
                  STATUS_INSUFFICIENT_RESOURCES);
    NtsecSetAllocationFailure(0);
    assert_null(driver.DeviceObject);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_case74_work_item_runs_as_system_not_impersonating, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_case75_routine_returning_impersonating_bugchecks_0xdf, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_case76_full_pattern_static_context_io_work_item, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_case77_requeue_of_pending_item_bugchecks_0xe4, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_io_requeue_and_free_of_pending_item_bugcheck_0xe4, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_invalid_queue_type_bugchecks_and_queues_nothing, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_io_queue_refused_releases_device_and_item, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_io_free_of_initialized_item_is_refused, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_exinitializeworkitem_function_matches_macro, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_io_bad_input, Setup, Teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
