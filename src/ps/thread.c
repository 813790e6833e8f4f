/*
 * thread.c - threads bound to pthreads: creation, adoption of foreign threads,
 * termination, system threads (spec 1.5, 2.9).
 *
 * Each ntsec thread is an ETHREAD object. A running thread owns one reference on its own
 * ETHREAD (through the thread-local pointer), released by PspThreadTeardown when the
 * pthread ends; the creator gets another. A thread that ntsec did not create is adopted
 * into the host process on its first call (PsGetCurrentThread).
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ps/psp.h"
#include "verifier/vf.h"
#include "ob/obp.h"
#include "ex/pooltags.h"

_Atomic(PSP_HOST_HOOKS *) PspHostHooks;

NTSEC_HOT_TLS PETHREAD PspCurrentThread; /* psp.h */
static pthread_key_t PspThreadKey;
static _Atomic ULONG_PTR PspNextThreadId = 8;

/* System threads not yet joined (PspJoinSystemThreads joins them at shutdown). */
static pthread_mutex_t PspSystemThreadLock = PTHREAD_MUTEX_INITIALIZER;
_Atomic ULONG PspForkGeneration;
typedef struct _PSP_SYSTEM_THREAD_LINK {
    struct _PSP_SYSTEM_THREAD_LINK *Next;
    PETHREAD Thread; /* one reference owned by this list */
} PSP_SYSTEM_THREAD_LINK;
static PSP_SYSTEM_THREAD_LINK *PspSystemThreads;

static VOID PspDeleteThread(PVOID Object)
{
    PETHREAD thread = Object;
    PPS_IMPERSONATION_INFORMATION info = atomic_load(&thread->ImpersonationInfo);
    if (info != NULL) {
        /* T4: a thread that never ran its teardown (never started) still owns its ref. */
        if (atomic_load(&thread->ActiveImpersonation) && info->Token != NULL)
            ObfDereferenceObject(info->Token);
        ExFreePoolWithTag(info, PSP_INFO_TAG);
    }
    if (thread->Process != NULL)
        ObfDereferenceObject(thread->Process);
}

/*
 * PspThreadTeardown - runs on the ending pthread (key destructor): marks the thread
 * terminating, ends its impersonation (T4; a verifier finding if it was still
 * impersonating, unless the thread declared NtsecEndImpersonationAtThreadExit), lets the host backend drop its per-thread state, and releases the
 * thread's reference on its own ETHREAD.
 */
static void PspThreadTeardown(void *Value)
{
    PETHREAD thread = Value;
    ULONG flags = atomic_fetch_or(&thread->CrossThreadFlags, PSP_TERMINATED);
    if (PspIsImpersonating(thread)) {
        if (!(flags & PSP_REVERT_AT_EXIT))
            VfThreadExitingImpersonating(thread);
        PspRevertThread(thread);
    }
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (hooks != NULL && hooks->ThreadExit != NULL)
        hooks->ThreadExit(thread);
    if (thread->AttachedProcess != NULL) {
        /* Ended while attached: the innermost attach's reference is released here. */
        PEPROCESS attached = thread->AttachedProcess;
        thread->AttachedProcess = NULL;
        thread->AttachDepth = 0;
        ObfDereferenceObject(attached);
    }
    atomic_fetch_sub(&thread->Process->ActiveThreads, 1);
    PspCurrentThread = NULL;
    ObfDereferenceObject(thread);
}

/*
 * PspReapExitedThread - see psp.h: PspThreadTeardown for a thread that is gone without it
 * (raw SYS_exit). Releases the thread's token reference (through PspRevertThread) and the
 * running thread's reference on its ETHREAD. No verifier finding: the thread cannot be
 * blamed from here (docs/host.md "Threads that end without teardown").
 */
VOID PspReapExitedThread(PETHREAD Thread)
{
    /* Once only: a fork child's stale thread can be found both by the host backend (its
     * tid is gone) and by NtsecJoinThread (older fork generation). */
    if (atomic_fetch_or(&Thread->CrossThreadFlags, PSP_TERMINATED) & PSP_TERMINATED)
        return;
    if (PspIsImpersonating(Thread))
        PspRevertThread(Thread);
    atomic_fetch_sub(&Thread->Process->ActiveThreads, 1);
    ObfDereferenceObject(Thread);
}

/* PspInitializeThreads - init step 3 (src/ex/init.c): the thread type and the TLS key whose
 * destructor tears an ntsec thread down. */
VOID PspInitializeThreads(VOID)
{
    ObpThreadType.DeleteProcedure = PspDeleteThread;
    pthread_key_create(&PspThreadKey, PspThreadTeardown);
}

/* A new ETHREAD in Process holding one reference on Process; *Thread's reference is the caller's. */
static NTSTATUS PspAllocateThread(PEPROCESS Process, PCSTR Tag, PETHREAD *Thread)
{
    PETHREAD thread;
    NTSTATUS st = ObpCreateObject(&ObpThreadType, sizeof(ETHREAD), Tag, (PVOID *)&thread);
    if (!NT_SUCCESS(st))
        return st;
    ObfReferenceObject(Process);
    thread->Process = Process;
    thread->UniqueThreadId = (HANDLE)atomic_fetch_add(&PspNextThreadId, 4);
    thread->ForkGeneration = atomic_load(&PspForkGeneration);
    *Thread = thread;
    return STATUS_SUCCESS;
}

/* Binds Thread to the calling pthread; consumes one reference (released at teardown).
 * PthreadId is written by pthread_create for started threads and by PspAdoptCurrentThread
 * for adopted ones: writing it here too raced with pthread_create's store (TSan). */
static VOID PspBindCurrent(PETHREAD Thread)
{
    Thread->Tid = (pid_t)syscall(SYS_gettid);
    atomic_fetch_add(&Thread->Process->ActiveThreads, 1);
    PspCurrentThread = Thread;
    pthread_setspecific(PspThreadKey, Thread);
}

/* Adopts the calling foreign thread into the host process. NULL if out of memory. */
static PETHREAD PspAdoptCurrentThread(VOID)
{
    PETHREAD thread;
    if (PspHostProcess == NULL)
        return NULL;   /* after NtsecShutdown: no process to adopt into */
    if (!NT_SUCCESS(PspAllocateThread(PspHostProcess, "thread (adopted)", &thread)))
        return NULL;
    /* With the host backend on, the first PsGetCurrentThread syncs the adopted thread to the
     * host process identity (it may have inherited a client's credentials). */
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    atomic_fetch_or(&thread->CrossThreadFlags,
                    PSP_ADOPTED | (hooks != NULL && hooks->Sync != NULL ? PSP_HOST_DIRTY : 0));
    thread->PthreadId = pthread_self();
    PspBindCurrent(thread);
    return thread;
}

/*
 * NtsecEndImpersonationAtThreadExit - declares that the calling thread, a foreign pthread
 * ntsec adopted (one a host library created and ends, such as libmicrohttpd's thread per
 * connection), may end while impersonating: its teardown then reverts the impersonation and
 * releases the token reference as always (spec 1.5 T4), without the verifier's "thread ended
 * while impersonating" finding. Lasts for the thread's life. STATUS_NOT_SUPPORTED for a thread
 * ntsec created (NtsecCreateThread, PsCreateSystemThread, system workers): its start routine
 * returns to ntsec, so it reverts first, and a worker keeps IMPERSONATING_WORKER_THREAD.
 * STATUS_NO_MEMORY if the thread could not be adopted. Takes and releases no reference.
 */
NTSTATUS NtsecEndImpersonationAtThreadExit(VOID)
{
    PETHREAD thread = PspCurrentThreadNoSync();
    if (thread == NULL)
        return STATUS_NO_MEMORY;
    if (!(atomic_load(&thread->CrossThreadFlags) & PSP_ADOPTED))
        return STATUS_NOT_SUPPORTED;
    atomic_fetch_or(&thread->CrossThreadFlags, PSP_REVERT_AT_EXIT);
    return STATUS_SUCCESS;
}

/*
 * PspDetachCurrentThread - see psp.h. Called by NtsecShutdown after the handles are closed
 * and before the processes are released: the calling thread (typically main(), adopted on
 * its first call) is still running, so its key destructor would only run at its exit, after
 * the leak report, which then saw its ETHREAD, the host process it references, that
 * process's primary token and the host backend's record as pool still in use. Releases the
 * thread's reference on its own ETHREAD (PspThreadTeardown). A thread that still impersonates
 * or is attached is left as it is: what it holds is the caller's to give back, and the leak
 * report explains it by the running thread.
 */
BOOLEAN PspDetachCurrentThread(VOID)
{
    PETHREAD thread = PspCurrentThread;
    if (thread == NULL || !(atomic_load(&thread->CrossThreadFlags) & PSP_ADOPTED) ||
        PspIsImpersonating(thread) || thread->AttachedProcess != NULL)
        return FALSE;
    pthread_setspecific(PspThreadKey, NULL);   /* the key destructor must not run it again */
    PspThreadTeardown(thread);
    return TRUE;
}

PETHREAD PspCurrentThreadIfBound(VOID)
{
    return PspCurrentThread;
}

VOID PspLockThreadSecurityContended(PETHREAD Thread)
{
    do {
        while (atomic_load_explicit(&Thread->SecurityLock, memory_order_relaxed) != 0)
            PspCpuRelax();
    } while (atomic_exchange_explicit(&Thread->SecurityLock, 1, memory_order_acquire) != 0);
}

PETHREAD PspCurrentThreadNoSync(VOID)
{
    PETHREAD thread = PspCurrentThread;
    return thread != NULL ? thread : PspAdoptCurrentThread();
}

/*
 * PsGetCurrentThread - the calling thread's ETHREAD. No reference is taken (as in the
 * WDK). A foreign thread is adopted into the host process on its first call. If another
 * thread changed this thread's effective token while the host backend is on, the OS
 * credentials are synced here ("no later than the thread's next ntsec call").
 */
PETHREAD PsGetCurrentThread(VOID)
{
    PETHREAD thread = PspCurrentThreadNoSync();
    PSP_HOST_HOOKS *hooks;
    if (thread != NULL && (hooks = PspLoadHostHooks()) != NULL && hooks->Sync != NULL &&
        ((atomic_load_explicit(&thread->CrossThreadFlags, memory_order_acquire) & PSP_HOST_DIRTY) ||
         atomic_load_explicit(&thread->HostGeneration, memory_order_relaxed) !=
             atomic_load_explicit(&hooks->Generation, memory_order_relaxed)))
        hooks->Sync(thread);
    return thread;
}

/* PsGetCurrentProcess - the process the calling thread is attached to (KeStackAttachProcess),
 * else its own process. No reference is taken. */
PEPROCESS PsGetCurrentProcess(VOID)
{
    PETHREAD thread = PsGetCurrentThread();
    if (thread == NULL)
        return NULL;
    return thread->AttachedProcess != NULL ? thread->AttachedProcess : thread->Process;
}

PEPROCESS PsGetThreadProcess(PETHREAD Thread)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "PsGetThreadProcess"))
        return NULL;
    return Thread->Process;
}

/* PsGetCurrentProcessId - the id of the calling thread's own process (the thread's client
 * id), also while it is attached to another process, as in Windows. */
HANDLE PsGetCurrentProcessId(VOID)
{
    PETHREAD thread = PsGetCurrentThread();
    return thread != NULL && thread->Process != NULL ? thread->Process->UniqueProcessId : NULL;
}

HANDLE PsGetCurrentThreadId(VOID)
{
    PETHREAD thread = PsGetCurrentThread();
    return thread != NULL ? thread->UniqueThreadId : NULL;
}

HANDLE PsGetThreadId(PETHREAD Thread)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "PsGetThreadId"))
        return NULL;
    return Thread->UniqueThreadId;
}

/* PsIsThreadTerminating - TRUE once termination has begun (spec 2.9). No lock, no refs. */
BOOLEAN PsIsThreadTerminating(PETHREAD Thread)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "PsIsThreadTerminating"))
        return FALSE;
    return (atomic_load(&Thread->CrossThreadFlags) & PSP_TERMINATED) != 0;
}

/* PsIsSystemThread - TRUE for a thread of the System process or one created by
 * PsCreateSystemThread (in any process), as on Windows; FALSE for NtsecCreateThread threads
 * of other processes and for adopted threads. No lock, no refs. */
BOOLEAN PsIsSystemThread(PETHREAD Thread)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "PsIsSystemThread"))
        return FALSE;
    return (atomic_load(&Thread->CrossThreadFlags) & PSP_SYSTEM_THREAD) != 0;
}

static void *PspThreadStart(void *Argument)
{
    PETHREAD thread = Argument;
    PspBindCurrent(thread); /* consumes the reference taken for the running thread */
    /* A pthread starts with its creator's kernel credentials, which may be a client's. */
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (hooks != NULL && hooks->Sync != NULL)
        hooks->Sync(thread);
    thread->StartRoutine(thread->StartContext);
    return NULL; /* teardown runs in the key destructor */
}

/* Starts Thread's pthread; on failure the running-thread reference is dropped again. */
static NTSTATUS PspStartThread(PETHREAD Thread)
{
    ObfReferenceObject(Thread); /* owned by the running thread */
    int rc = pthread_create(&Thread->PthreadId, NULL, PspThreadStart, Thread);
    if (rc != 0) {
        ObfDereferenceObject(Thread);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

/*
 * PspPrepareThread - a new, not yet started ETHREAD in Process that will run Start(Context)
 * (PSP_SYSTEM_THREAD set when SystemThread or Process is the System process, before the
 * thread can run). *Thread holds the creation reference, owned by the caller.
 */
static NTSTATUS PspPrepareThread(PEPROCESS Process, PKSTART_ROUTINE Start, PVOID Context,
                                 BOOLEAN SystemThread, PCSTR Tag, PETHREAD *Thread)
{
    PETHREAD thread;
    NTSTATUS st = PspAllocateThread(Process, Tag, &thread);
    if (!NT_SUCCESS(st))
        return st;
    if (SystemThread || Process->IsSystemProcess)
        atomic_fetch_or(&thread->CrossThreadFlags, PSP_SYSTEM_THREAD);
    thread->StartRoutine = Start;
    thread->StartContext = Context;
    *Thread = thread;
    return STATUS_SUCCESS;
}

/*
 * NtsecCreateThread - starts Start(Context) on a new pthread belonging to Process.
 * *Thread holds one reference owned by the caller (release it with ObDereferenceObject,
 * after NtsecJoinThread if the caller waits for it). The thread owns a reference on
 * Process for its lifetime.
 */
NTSTATUS NtsecCreateThread(PEPROCESS Process, PKSTART_ROUTINE Start, PVOID Context, PETHREAD *Thread)
{
    if (Thread == NULL || Start == NULL)
        return STATUS_INVALID_PARAMETER;
    *Thread = NULL;
    if (!ObpCheckType(Process, &ObpProcessType, "NtsecCreateThread"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PETHREAD thread;
    NTSTATUS st = PspPrepareThread(Process, Start, Context, FALSE, "thread (NtsecCreateThread)", &thread);
    if (!NT_SUCCESS(st))
        return st;
    st = PspStartThread(thread);
    if (!NT_SUCCESS(st)) {
        ObfDereferenceObject(thread);
        return st;
    }
    *Thread = thread;
    return STATUS_SUCCESS;
}

/*
 * NtsecJoinThread - waits until Thread has ended (its teardown has run). Each thread can
 * be joined once; joining the calling thread or an adopted thread is
 * STATUS_INVALID_PARAMETER. No references change (except as below).
 *
 * In a fork child, a thread created before the fork (other than the one that forked) does
 * not exist: joining it does not wait; it finishes the teardown the thread never ran there
 * (PspReapExitedThread: impersonation ended, the running thread's reference released) and
 * returns STATUS_SUCCESS (docs/workers.md "fork()").
 */
NTSTATUS NtsecJoinThread(PETHREAD Thread)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "NtsecJoinThread"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (Thread == PspCurrentThread || (atomic_load(&Thread->CrossThreadFlags) & PSP_ADOPTED))
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&PspSystemThreadLock);
    BOOLEAN joined = Thread->Joined;
    Thread->Joined = TRUE;
    pthread_mutex_unlock(&PspSystemThreadLock);
    if (joined)
        return STATUS_INVALID_PARAMETER;
    if (Thread->ForkGeneration != atomic_load(&PspForkGeneration)) {
        PspReapExitedThread(Thread);
        return STATUS_SUCCESS;
    }
    return pthread_join(Thread->PthreadId, NULL) == 0 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

/*
 * PsCreateSystemThread - starts StartRoutine in the System process (ProcessHandle NULL)
 * or in the process ProcessHandle refers to. On success *ThreadHandle is a kernel handle
 * owning one reference (close with ZwClose); the thread is joined at NtsecShutdown if
 * nobody joined it before.
 *
 * @remarks Everything that can fail (the shutdown-list link, the thread object, the
 * handle) is done before the pthread starts: a failure status means StartRoutine never
 * runs, so the caller may free StartContext at once. The thread is a system thread
 * (PsIsSystemThread, PsTerminateSystemThread) from its first instruction. References: the
 * shutdown list owns the creation reference on the thread; the running thread and the
 * handle own one each; the process reference taken here is released before returning.
 */
NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                              HANDLE ProcessHandle, PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine,
                              PVOID StartContext)
{
    if (ThreadHandle == NULL || StartRoutine == NULL)
        return STATUS_INVALID_PARAMETER;
    *ThreadHandle = NULL;
    PEPROCESS process = PsInitialSystemProcess;
    NTSTATUS st;
    if (ProcessHandle != NULL) {
        st = ObReferenceObjectByHandle(ProcessHandle, 0, *PsProcessType, KernelMode, (PVOID *)&process, NULL);
        if (!NT_SUCCESS(st))
            return st;
    } else {
        ObfReferenceObject(process);
    }
    PSP_SYSTEM_THREAD_LINK *link = ExAllocatePoolWithTag(NonPagedPool, sizeof(*link), PSP_LINK_TAG);
    PETHREAD thread = NULL;
    st = link ? PspPrepareThread(process, StartRoutine, StartContext, TRUE, "thread (PsCreateSystemThread)", &thread)
              : STATUS_INSUFFICIENT_RESOURCES;
    ObfDereferenceObject(process);
    HANDLE handle = NULL;
    if (NT_SUCCESS(st))
        st = ObOpenObjectByPointer(thread, OBJ_KERNEL_HANDLE, NULL, DesiredAccess, *PsThreadType, KernelMode, &handle);
    if (NT_SUCCESS(st)) {
        st = PspStartThread(thread);
        if (!NT_SUCCESS(st))
            ZwClose(handle);
    }
    if (!NT_SUCCESS(st)) {
        if (thread != NULL)
            ObfDereferenceObject(thread);
        if (link)
            ExFreePoolWithTag(link, PSP_LINK_TAG);
        return st;
    }
    if (ClientId != NULL) {
        ClientId->UniqueProcess = thread->Process->UniqueProcessId;
        ClientId->UniqueThread = thread->UniqueThreadId;
    }
    /* The list keeps our creation reference until the thread is joined at shutdown. */
    link->Thread = thread;
    pthread_mutex_lock(&PspSystemThreadLock);
    link->Next = PspSystemThreads;
    PspSystemThreads = link;
    pthread_mutex_unlock(&PspSystemThreadLock);
    *ThreadHandle = handle;
    return STATUS_SUCCESS;
}

/*
 * PsTerminateSystemThread - ends the calling system thread (never returns on success).
 * Called from a thread that is not a system thread: STATUS_INVALID_PARAMETER.
 */
NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    PETHREAD thread = PspCurrentThread;
    if (thread == NULL || !(atomic_load(&thread->CrossThreadFlags) & PSP_SYSTEM_THREAD))
        return STATUS_INVALID_PARAMETER;
    pthread_exit(NULL); /* teardown runs in the key destructor */
}

VOID PspJoinSystemThreads(VOID)
{
    for (;;) {
        pthread_mutex_lock(&PspSystemThreadLock);
        PSP_SYSTEM_THREAD_LINK *link = PspSystemThreads;
        if (link != NULL)
            PspSystemThreads = link->Next;
        pthread_mutex_unlock(&PspSystemThreadLock);
        if (link == NULL)
            return;
        if (link->Thread != PspCurrentThread)
            NtsecJoinThread(link->Thread); /* already joined: harmless INVALID_PARAMETER */
        ObfDereferenceObject(link->Thread);
        ExFreePoolWithTag(link, PSP_LINK_TAG);
    }
}

/*
 * Fork (docs/workers.md "fork()"). PspForkPrepare holds PspSystemThreadLock across fork;
 * PspForkParent releases it. PspForkChild, in the child: the lock is released (the child's
 * only thread took it), the fork
 * generation advances (every thread created before it, except the forking one, is gone), and
 * the forking thread - the child's only thread, keeping its impersonation and the Linux
 * credentials fork copied from it - takes the child's Linux tid and the new generation.
 * Its ETHREAD, token references and host state are otherwise unchanged.
 */
VOID PspForkPrepare(VOID)
{
    pthread_mutex_lock(&PspSystemThreadLock);
}

VOID PspForkParent(VOID)
{
    pthread_mutex_unlock(&PspSystemThreadLock);
}

VOID PspForkChild(VOID)
{
    ULONG generation = atomic_fetch_add(&PspForkGeneration, 1) + 1;
    PETHREAD self = PspCurrentThread;
    if (self != NULL) {
        self->Tid = (pid_t)syscall(SYS_gettid);
        self->ForkGeneration = generation;
    }
    pthread_mutex_unlock(&PspSystemThreadLock); /* locked by this thread in PspForkPrepare */
}
