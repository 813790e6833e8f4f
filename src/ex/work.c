/*
 * work.c - system worker queues: ExInitializeWorkItem, ExQueueWorkItem (spec 2.21).
 *
 * Two queues, critical and delayed, each served by a fixed set of system threads of the
 * System process (PsInitialSystemProcess: SYSTEM token, SeImpersonatePrivilege enabled),
 * started on the first item queued to that queue, never at load. A work routine runs on
 * such a thread at PASSIVE_LEVEL, not impersonating; after it returns the worker checks
 * the post-conditions (ExpCheckWorkerReturn). docs/workers.md has the details.
 *
 * Locking: one mutex (ExpWorkLock) guards both queues, the "queued" state of every item
 * (List.Flink != NULL) and the worker bookkeeping. It is never held while a routine runs
 * or while KeBugCheckEx is called.
 */
#include <pthread.h>
#include <stdio.h>
#include "ex/exp.h"
#include "ps/psp.h"
#include "verifier/vf.h"
#include "ob/obp.h"

typedef struct _EXP_WORK_QUEUE {
    PCSTR Name;
    LIST_ENTRY Items;
    pthread_cond_t Ready;         /* an item was queued, hold released, or stopping */
    ULONG WorkerCount;            /* threads started */
    ULONG Running;                /* routines running now */
    PETHREAD Workers[EXP_CRITICAL_WORKERS > EXP_DELAYED_WORKERS ? EXP_CRITICAL_WORKERS
                                                                  : EXP_DELAYED_WORKERS];
} EXP_WORK_QUEUE, *PEXP_WORK_QUEUE;

static pthread_mutex_t ExpWorkLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ExpIdle = PTHREAD_COND_INITIALIZER; /* a queue became empty and idle */
static EXP_WORK_QUEUE ExpQueues[2] = {
    { "critical", { &ExpQueues[0].Items, &ExpQueues[0].Items }, PTHREAD_COND_INITIALIZER },
    { "delayed", { &ExpQueues[1].Items, &ExpQueues[1].Items }, PTHREAD_COND_INITIALIZER },
};
static const ULONG ExpWorkerLimit[2] = { EXP_CRITICAL_WORKERS, EXP_DELAYED_WORKERS };
static BOOLEAN ExpHold;
static BOOLEAN ExpStopping;   /* workers exit when their queue is empty */
static BOOLEAN ExpShutDown;   /* no more items accepted */
static NTSEC_HOT_TLS BOOLEAN ExpOnWorker;
static NTSEC_HOT_TLS PEXP_WORK_QUEUE ExpMyQueue; /* the queue this worker serves */
/* Workers of the parent, in a fork child (their threads do not exist there): joined and
 * released by ExpShutdownWorkers. Guarded by ExpWorkLock. */
static PETHREAD ExpStaleWorkers[2 * (EXP_CRITICAL_WORKERS + EXP_DELAYED_WORKERS)];
static ULONG ExpStaleCount;

/*
 * (ExInitializeWorkItem) - the exported function behind the WDK macro of the same name:
 * sets the routine and parameter and marks the item "not queued". Takes no references.
 */
VOID (ExInitializeWorkItem)(PWORK_QUEUE_ITEM Item, PWORKER_THREAD_ROUTINE Routine, PVOID Context)
{
    if (Item == NULL)
        return;
    ExInitializeWorkItem(Item, Routine, Context);
}

/*
 * ExpQueueIndex - which of the two queues serves QueueType, or -1 (invalid).
 * @remarks Spec 2.21: drivers use CriticalWorkQueue or DelayedWorkQueue. Later Windows
 * versions also accept Normal/Background (mapped to the delayed queue here) and
 * RealTime/SuperCritical (critical queue), and CustomPriorityWorkQueue + priority
 * (delayed queue) (C). HyperCriticalWorkQueue is reserved for the system: ntsec accepts
 * it on the critical queue for its own use and for callers modelling system code (C).
 */
static int ExpQueueIndex(WORK_QUEUE_TYPE QueueType)
{
    ULONG t = (ULONG)QueueType;
    switch (t) {
    case CriticalWorkQueue:
    case HyperCriticalWorkQueue:
    case RealTimeWorkQueue:
    case SuperCriticalWorkQueue:
        return 0;
    case DelayedWorkQueue:
    case NormalWorkQueue:
    case BackgroundWorkQueue:
        return 1;
    default:
        return (t >= CustomPriorityWorkQueue && t < CustomPriorityWorkQueue + 32) ? 1 : -1;
    }
}

BOOLEAN ExpIsWorkerThread(VOID)
{
    return ExpOnWorker;
}

VOID ExpCheckWorkerReturn(PVOID Routine, PVOID Parameter, PVOID Item)
{
    PETHREAD thread = PsGetCurrentThread();
    KIRQL irql = KeGetCurrentIrql();
    if (irql != PASSIVE_LEVEL)
        KeBugCheckEx(WORKER_THREAD_RETURNED_AT_BAD_IRQL, (ULONG_PTR)Routine, irql,
                     (ULONG_PTR)Parameter, (ULONG_PTR)Item);
    if (thread != NULL && PspIsImpersonating(thread)) {
        VfWorkItemReturnedImpersonating(Routine, Parameter, Item, thread);
        KeBugCheckEx(IMPERSONATING_WORKER_THREAD, (ULONG_PTR)Routine, (ULONG_PTR)Parameter,
                     (ULONG_PTR)Item, 0);
        /* The handler returned (a test or a server that logs and goes on): the next
         * item must run as SYSTEM, not as the client this routine left behind. */
        PspRevertThread(thread);
    }
}

/*
 * ExpWorkerThread - body of one system worker thread (Context = its queue). Dequeues an
 * item (marking it "not queued" before the routine runs, so the routine may queue it
 * again or free it), runs it, checks the post-conditions. Exits when stopping and the
 * queue is empty.
 */
static VOID ExpWorkerThread(PVOID Context)
{
    PEXP_WORK_QUEUE queue = Context;
    ExpOnWorker = TRUE;
    ExpMyQueue = queue;
    pthread_mutex_lock(&ExpWorkLock);
    for (;;) {
        while ((ExpHold || queue->Items.Flink == &queue->Items) && !ExpStopping)
            pthread_cond_wait(&queue->Ready, &ExpWorkLock);
        if (queue->Items.Flink == &queue->Items) {
            if (ExpStopping)
                break;
            continue;
        }
        if (ExpHold && !ExpStopping)
            continue;
        PLIST_ENTRY e = queue->Items.Flink;
        e->Blink->Flink = e->Flink;
        e->Flink->Blink = e->Blink;
        PWORK_QUEUE_ITEM item = CONTAINING_RECORD(e, WORK_QUEUE_ITEM, List);
        PWORKER_THREAD_ROUTINE routine = item->WorkerRoutine;
        PVOID parameter = item->Parameter;
        item->List.Flink = NULL;
        item->List.Blink = NULL;
        queue->Running++;
        pthread_mutex_unlock(&ExpWorkLock);

        routine(parameter);
        ExpCheckWorkerReturn((PVOID)(ULONG_PTR)routine, parameter, item);

        pthread_mutex_lock(&ExpWorkLock);
        queue->Running--;
        if (queue->Running == 0 && queue->Items.Flink == &queue->Items)
            pthread_cond_broadcast(&ExpIdle);
    }
    pthread_mutex_unlock(&ExpWorkLock);
}

/*
 * ExpStartWorkers - under ExpWorkLock: starts the missing threads of Queue in the System
 * process. Each started thread's reference is kept in Queue->Workers until shutdown.
 * Returns STATUS_SUCCESS if at least one worker runs.
 */
static NTSTATUS ExpStartWorkers(PEXP_WORK_QUEUE Queue, ULONG Limit)
{
    NTSTATUS status = STATUS_SUCCESS;
    while (Queue->WorkerCount < Limit) {
        PETHREAD thread = NULL;
        status = NtsecCreateThread(PsInitialSystemProcess, ExpWorkerThread, Queue, &thread);
        if (!NT_SUCCESS(status))
            break;
        Queue->Workers[Queue->WorkerCount++] = thread;
    }
    return Queue->WorkerCount > 0 ? STATUS_SUCCESS : status;
}

/*
 * ExQueueWorkItem - queues WorkItem (initialised with ExInitializeWorkItem) for a system
 * worker thread. Takes no references; the item must stay valid until its routine runs,
 * and the routine owns it from then on (it may free or requeue it).
 * @remarks Spec 2.21. Queuing an item that is still queued raises WORKER_INVALID (0xE4)
 * with P1 = 0, P2 = item, P3 = queue type, P4 = routine, and the item stays queued once
 * (C for the parameters; Windows documents 0xE4 for "a currently active work item was
 * queued"). An invalid queue type or a queue after NtsecShutdown also raises 0xE4 (see
 * exp.h) and queues nothing. A NULL item or routine is ignored (nothing to run).
 */
VOID ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType)
{
    (VOID)ExpQueueWorkItem(WorkItem, QueueType);
}

/* ExpQueueWorkItem - ExQueueWorkItem that tells whether the item was queued (exp.h). */
BOOLEAN ExpQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType)
{
    if (WorkItem == NULL || WorkItem->WorkerRoutine == NULL)
        return FALSE;
    int index = ExpQueueIndex(QueueType);
    if (index < 0) {
        KeBugCheckEx(WORKER_INVALID, EXP_INVALID_QUEUE_TYPE, (ULONG_PTR)WorkItem,
                     (ULONG_PTR)QueueType, 0);
        return FALSE;
    }
    PEXP_WORK_QUEUE queue = &ExpQueues[index];
    ULONG_PTR code = (ULONG_PTR)-1;
    NTSTATUS status = STATUS_SUCCESS;

    pthread_mutex_lock(&ExpWorkLock);
    if (WorkItem->List.Flink != NULL) {
        code = EXP_INVALID_ALREADY_QUEUED;
    } else if (ExpShutDown) {
        code = EXP_INVALID_AFTER_SHUTDOWN;
    } else if (!NT_SUCCESS(status = ExpStartWorkers(queue, ExpWorkerLimit[index]))) {
        code = EXP_INVALID_NO_WORKER;
    } else {
        WorkItem->List.Flink = &queue->Items;
        WorkItem->List.Blink = queue->Items.Blink;
        queue->Items.Blink->Flink = &WorkItem->List;
        queue->Items.Blink = &WorkItem->List;
        pthread_cond_signal(&queue->Ready);
    }
    PWORKER_THREAD_ROUTINE routine = WorkItem->WorkerRoutine;
    pthread_mutex_unlock(&ExpWorkLock);

    if (code == EXP_INVALID_ALREADY_QUEUED)
        KeBugCheckEx(WORKER_INVALID, code, (ULONG_PTR)WorkItem, (ULONG_PTR)QueueType,
                     (ULONG_PTR)routine);
    else if (code == EXP_INVALID_NO_WORKER)
        KeBugCheckEx(WORKER_INVALID, code, (ULONG_PTR)WorkItem, (ULONG_PTR)QueueType,
                     (ULONG_PTR)(ULONG)status);
    else if (code != (ULONG_PTR)-1)
        KeBugCheckEx(WORKER_INVALID, code, (ULONG_PTR)WorkItem, (ULONG_PTR)QueueType, 0);
    return code == (ULONG_PTR)-1;
}

VOID ExpHoldQueues(BOOLEAN Hold)
{
    pthread_mutex_lock(&ExpWorkLock);
    ExpHold = Hold;
    for (int i = 0; i < 2; i++)
        pthread_cond_broadcast(&ExpQueues[i].Ready);
    pthread_mutex_unlock(&ExpWorkLock);
}

/*
 * ExpShutdownWorkers - waits until both queues are empty and no routine runs (items
 * queued meanwhile, also by routines, still run), then stops and joins the workers and
 * releases their thread references. Must not be called on a worker thread.
 */
VOID ExpShutdownWorkers(VOID)
{
    PETHREAD workers[EXP_CRITICAL_WORKERS + EXP_DELAYED_WORKERS];
    ULONG count = 0;
    pthread_mutex_lock(&ExpWorkLock);
    if (ExpShutDown) {
        pthread_mutex_unlock(&ExpWorkLock);
        return;
    }
    ExpHold = FALSE;
    for (int i = 0; i < 2; i++)
        pthread_cond_broadcast(&ExpQueues[i].Ready);
    for (;;) {
        BOOLEAN idle = TRUE;
        for (int i = 0; i < 2; i++)
            if (ExpQueues[i].Running != 0 || ExpQueues[i].Items.Flink != &ExpQueues[i].Items)
                idle = FALSE;
        if (idle)
            break;
        pthread_cond_wait(&ExpIdle, &ExpWorkLock);
    }
    ExpShutDown = TRUE;
    ExpStopping = TRUE;
    for (int i = 0; i < 2; i++) {
        pthread_cond_broadcast(&ExpQueues[i].Ready);
        for (ULONG j = 0; j < ExpQueues[i].WorkerCount; j++)
            workers[count++] = ExpQueues[i].Workers[j];
        ExpQueues[i].WorkerCount = 0;
    }
    PETHREAD stale[sizeof(ExpStaleWorkers) / sizeof(ExpStaleWorkers[0])];
    ULONG staleCount = ExpStaleCount;
    for (ULONG j = 0; j < staleCount; j++)
        stale[j] = ExpStaleWorkers[j];
    ExpStaleCount = 0;
    pthread_mutex_unlock(&ExpWorkLock);

    /* A fork child's inherited workers never ran here: "joining" one only finishes its
     * bookkeeping (NtsecJoinThread on a thread of an earlier fork generation). */
    for (ULONG j = 0; j < staleCount; j++) {
        NtsecJoinThread(stale[j]);
        ObDereferenceObject(stale[j]);
    }

    for (ULONG j = 0; j < count; j++) {
        NtsecJoinThread(workers[j]);
        ObDereferenceObject(workers[j]);
    }
}

/*
 * Fork (docs/workers.md "fork()"). ExpForkPrepare holds ExpWorkLock across fork so that the
 * queues are consistent in the child; ExpForkParent releases it. ExpForkChild runs in the
 * child, whose only thread is the one that forked: the parent's workers do not exist there,
 * so their references move to ExpStaleWorkers (finished at shutdown), the worker counts and
 * running counts go to zero, and items still queued are dropped - marked "not queued", they
 * run in the parent only and may be queued again in the child. The next item queued in the
 * child starts fresh workers. If the forking thread is itself a worker (fork inside a work
 * routine), it stays the one worker of its queue in the child. No allocation; the lock taken
 * in ExpForkPrepare is released by its owner, the child's only thread.
 */
VOID ExpForkPrepare(VOID)
{
    pthread_mutex_lock(&ExpWorkLock);
}

VOID ExpForkParent(VOID)
{
    pthread_mutex_unlock(&ExpWorkLock);
}

VOID ExpForkChild(VOID)
{
    /* This thread locked it in ExpForkPrepare and is the child's only thread. Conditions
     * may have had waiters that do not exist here: made new. */
    pthread_cond_init(&ExpIdle, NULL);
    PETHREAD self = PspCurrentThreadIfBound();
    for (int i = 0; i < 2; i++) {
        PEXP_WORK_QUEUE q = &ExpQueues[i];
        pthread_cond_init(&q->Ready, NULL);
        for (PLIST_ENTRY e = q->Items.Flink, next; e != &q->Items; e = next) {
            next = e->Flink;
            e->Flink = e->Blink = NULL; /* not queued */
        }
        q->Items.Flink = q->Items.Blink = &q->Items;
        ULONG kept = 0;
        for (ULONG j = 0; j < q->WorkerCount; j++) {
            if (ExpOnWorker && ExpMyQueue == q && q->Workers[j] == self)
                q->Workers[kept++] = self;
            else if (ExpStaleCount < sizeof(ExpStaleWorkers) / sizeof(ExpStaleWorkers[0]))
                ExpStaleWorkers[ExpStaleCount++] = q->Workers[j];
        }
        q->WorkerCount = kept;
        q->Running = kept; /* the forking worker is inside its routine */
    }
    pthread_mutex_unlock(&ExpWorkLock);
}
