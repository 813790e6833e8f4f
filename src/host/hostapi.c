/*
 * hostapi.c - turning the host backend on and off, and the hooks src/ps calls through
 * PspHostHooks (psp.h: Switch, Sync, ThreadExit).
 *
 * The rule (docs/host.md "When credentials change"): every change of a thread's
 * effective token reaches the backend before it is published. For the calling thread
 * the OS credentials are switched (and verified) before the routine returns; a failure
 * makes the routine fail with the thread unchanged. For another thread the mapping is
 * validated and the thread is marked PSP_HOST_DIRTY; it switches itself no later than its
 * next ntsec call (PsGetCurrentThread), or when it calls NtsecSyncHostCredentials.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pthread.h>
#include <pwd.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ex/exp.h"
#include "host/hostp.h"

_Atomic int HostMode = NtsecHostOff;
_Atomic ULONG HostGeneration = 1;
BOOLEAN HostPrivileged;
_Atomic LONG HostSwitchedThreads;
unsigned long long HostBaseCapEffective;
BOOLEAN HostCapsKernelManaged;

static pthread_mutex_t HostpEnableLock = PTHREAD_MUTEX_INITIALIZER;
static VOID HostpRegisterFork(VOID);

static BOOLEAN HostpOn(VOID)
{
    return atomic_load(&HostMode) != NtsecHostOff;
}

/* Every hook runs inside the gate (gate.c) and first looks at the mode: a caller that
 * loaded the hooks before the backend went off gets the pure model (nothing to do). */
static NTSTATUS HostpSwitchHook(PETHREAD Thread, PTOKEN NewToken, SECURITY_IMPERSONATION_LEVEL Level)
{
    NTSTATUS st = STATUS_SUCCESS;
    HostGateEnter();
    if (!HostpOn())
        goto out;
    if (Thread == PspCurrentThreadNoSync()) {
        st = HostSwitchCurrent(Thread, NewToken, Level);
        goto out;
    }
    if (NewToken != NULL) {
        /* Another thread: validate now, so that the caller gets the error (spec 2.6 B
         * fails with the thread unchanged); the thread switches itself later. */
        HOST_CREDS target = {0};
        ULONG cls;
        st = HostComputeTarget(NewToken, Level, &target, &cls);
        if (NT_SUCCESS(st) && !HostPrivileged && !HostCredsSameAccess(&target, &HostBase))
            st = STATUS_PRIVILEGE_NOT_HELD;
        HostCredsFree(&target);
        if (!NT_SUCCESS(st))
            goto out;
    }
    atomic_fetch_or_explicit(&Thread->CrossThreadFlags, PSP_HOST_DIRTY, memory_order_release);
out:
    HostGateLeave();
    return st;
}

static NTSTATUS HostpSyncHook(PETHREAD Thread)
{
    NTSTATUS st = STATUS_SUCCESS;
    HostGateEnter();
    if (HostpOn())
        st = HostSyncCurrent(Thread);
    HostGateLeave();
    return st;
}

static VOID HostpThreadExitHook(PETHREAD Thread)
{
    HostGateEnter();
    if (Thread->Tid == (pid_t)syscall(SYS_gettid))
        HostRestoreBaseOrDie(Thread);
    HostFreeThread(Thread);
    HostGateLeave();
}

/* The tables behind PspHostHooks: while on, and while off (per-thread state is still freed). */
static PSP_HOST_HOOKS HostpOnHooks = {HostpSwitchHook, HostpSyncHook, HostpThreadExitHook, 0};
static PSP_HOST_HOOKS HostpOffHooks = {NULL, NULL, HostpThreadExitHook, 0};

/* The server's own identity: the calling thread's credentials now. */
static NTSTATUS HostpReadBase(NTSEC_HOST_MODE Mode)
{
    uid_t r, e, s, fs;
    gid_t rg, eg, sg, fsg;
    ULONG count = 0, n = 0;
    if (HostSysGetResUid(&r, &e, &s) != 0 || HostSysGetResGid(&rg, &eg, &sg) != 0 ||
        HostSysGetFsUid(&fs) != 0 || HostSysGetFsGid(&fsg) != 0 || HostSysGetGroups(0, NULL, &n) != 0)
        return STATUS_UNSUCCESSFUL;
    NTSTATUS st = HostCredsReserveBase(n + 1);
    if (!NT_SUCCESS(st))
        return st;
    if (HostSysGetGroups(HostBase.GroupCapacity, HostBase.Groups, &count) != 0)
        return STATUS_UNSUCCESSFUL;
    HostBase.Uid = Mode == NtsecHostFsuid ? fs : e;
    HostBase.Gid = Mode == NtsecHostFsuid ? fsg : eg;
    HostBase.GroupCount = count;
    unsigned long long effective = 0, permitted = 0;
    if (HostSysGetCaps(&effective, &permitted) != 0)
        return STATUS_UNSUCCESSFUL;
    HostPrivileged = (effective & (1ULL << CAP_SETUID)) && (effective & (1ULL << CAP_SETGID));
    HostBaseCapEffective = effective;
    /* The kernel's fix-ups on euid/fsuid transitions (capabilities(7)) are what keep a
     * client's effective set right without a capset - unless SECBIT_NO_SETUID_FIXUP turns
     * them off; then switch.c sets the effective set itself (and capset's success says so). */
    unsigned long bits = 0;
    if (HostSysGetSecureBits(&bits) != 0)
        return STATUS_UNSUCCESSFUL;
    HostCapsKernelManaged = HostBase.Uid == 0 && effective == permitted && (bits & SECBIT_NO_SETUID_FIXUP) == 0;
    return STATUS_SUCCESS;
}

/*
 * HostpTurnOff - NtsecEnableHostCredentials(NtsecHostOff).
 * @remarks docs/host.md "Turning the backend on and off". The caller goes back to the base
 * first, outside every lock (that switch can bug-check). Then, under the enable lock and
 * inside a mode change (no thread is switching; arrivals wait), the states of threads that
 * ended without teardown are collected, and Off succeeds only if no thread is switched -
 * else STATUS_DEVICE_NOT_READY, and the caller follows its own impersonation again (it
 * never keeps the base identity while it impersonates). The collected threads are reaped
 * after the change: their token and ETHREAD references are released.
 */
static NTSTATUS HostpTurnOff(PETHREAD Thread)
{
    HostGateEnter();
    if (HostpOn())
        HostRestoreBaseOrDie(Thread);
    HostGateLeave();
    NTSTATUS st = STATUS_SUCCESS;
    PHOST_THREAD gone = NULL;
    pthread_mutex_lock(&HostpEnableLock);
    if (HostpOn()) {
        HostBeginModeChange();
        gone = HostCollectExitedThreads();
        if (atomic_load(&HostSwitchedThreads) > 0) {
            st = STATUS_DEVICE_NOT_READY;
        } else {
            atomic_store(&PspHostHooks, &HostpOffHooks);
            atomic_store(&HostMode, NtsecHostOff);
        }
        HostEndModeChange();
    }
    pthread_mutex_unlock(&HostpEnableLock);
    (VOID)HostReapCollected(gone);
    if (!NT_SUCCESS(st) && PspIsImpersonating(Thread)) {
        HostGateEnter();
        if (HostpOn())
            (VOID)HostSyncCurrent(Thread); /* on failure: the unprivileged identity */
        HostGateLeave();
    }
    return st;
}

/*
 * HostpTurnOn - NtsecEnableHostCredentials(fsuid or euid) from Off. The base identity is read
 * and the hooks published inside a mode change (nothing there can bug-check); a caller that
 * impersonates is switched afterwards, outside the lock. If that fails, the backend is
 * turned off again (HostpTurnOff; if another thread switched meanwhile it stays on and the
 * caller keeps the unprivileged identity HostSyncCurrent fell back to) and the failure is
 * returned.
 */
static NTSTATUS HostpTurnOn(PETHREAD Thread, NTSEC_HOST_MODE Mode)
{
    NTSTATUS st = STATUS_SUCCESS;
    pthread_mutex_lock(&HostpEnableLock);
    int current = atomic_load(&HostMode);
    if (current != NtsecHostOff) {
        st = (int)Mode == current ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
        pthread_mutex_unlock(&HostpEnableLock);
        return st;
    }
    uid_t unprivUid;
    gid_t unprivGid;
    HostGetUnprivileged(&unprivUid, &unprivGid); /* resolved before any thread can switch */
    (VOID)unprivUid;
    (VOID)unprivGid;
    HostBeginModeChange();
    st = HostpReadBase(Mode);
    if (NT_SUCCESS(st)) {
        atomic_store(&HostSwitchedThreads, 0);
        ULONG generation = atomic_fetch_add(&HostGeneration, 1) + 1;
        atomic_store(&HostpOnHooks.Generation, generation);
        atomic_store(&HostMode, Mode);
        atomic_store(&PspHostHooks, &HostpOnHooks);
    }
    HostEndModeChange();
    pthread_mutex_unlock(&HostpEnableLock);
    if (NT_SUCCESS(st) && PspIsImpersonating(Thread)) {
        HostGateEnter();
        if (HostpOn())
            st = HostSyncCurrent(Thread);
        HostGateLeave();
        if (!NT_SUCCESS(st))
            (VOID)HostpTurnOff(Thread);
    }
    return st;
}

/*
 * NtsecEnableHostCredentials - turns per-thread Linux credential switching on or off.
 *
 * @remarks docs/host.md. The calling thread's credentials at this moment are the base
 * identity every thread returns to on revert. Switching between fsuid and euid goes through
 * NtsecHostOff. A mode change and the switch path exclude each other (a change waits for
 * the switches in flight, which take microseconds; switches arriving meanwhile wait for
 * the change): Off never succeeds while a thread is switched - it fails with
 * STATUS_DEVICE_NOT_READY instead of waiting (a switched thread may stay so for as long as
 * it impersonates) - and once it succeeded no thread is or becomes switched. Threads that
 * ended with a raw SYS_exit are found and reaped by Off (docs/host.md). No lock is held
 * across a bug check. Other threads that impersonate while the backend is turned on follow
 * at their next ntsec call. Without CAP_SETUID and CAP_SETGID the backend is on but switches
 * only to the caller's own identity (STATUS_PRIVILEGE_NOT_HELD otherwise). Returns
 * STATUS_SUCCESS, STATUS_INVALID_PARAMETER (bad mode or a mode change without Off),
 * STATUS_DEVICE_NOT_READY, STATUS_NO_MEMORY, STATUS_UNSUCCESSFUL (credentials unreadable),
 * STATUS_INVALID_DEVICE_STATE (called from inside the backend, e.g. a verifier callback).
 */
NTSTATUS NtsecEnableHostCredentials(NTSEC_HOST_MODE Mode)
{
    if (Mode != NtsecHostOff && Mode != NtsecHostFsuid && Mode != NtsecHostEuid)
        return STATUS_INVALID_PARAMETER;
    if (HostGateInside())
        return STATUS_INVALID_DEVICE_STATE; /* waiting for ourselves would never end */
    HostpRegisterFork();
    PETHREAD thread = PspCurrentThreadNoSync();
    if (thread == NULL)
        return STATUS_NO_MEMORY;
    return Mode == NtsecHostOff ? HostpTurnOff(thread) : HostpTurnOn(thread, Mode);
}

NTSEC_HOST_MODE NtsecHostCredentialsMode(VOID)
{
    return (NTSEC_HOST_MODE)atomic_load(&HostMode);
}

/*
 * NtsecSetHostUnprivilegedIdentity - the identity of Identification/Anonymous-level
 * impersonation. Only while the backend is off (STATUS_DEVICE_NOT_READY otherwise);
 * root ids and -1 are STATUS_INVALID_PARAMETER.
 */
NTSTATUS NtsecSetHostUnprivilegedIdentity(ULONG Uid, ULONG Gid)
{
    if (Uid == 0 || Gid == 0 || Uid == 0xFFFFFFFFUL || Gid == 0xFFFFFFFFUL)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS st = STATUS_SUCCESS;
    HostpRegisterFork();
    pthread_mutex_lock(&HostpEnableLock);
    if (atomic_load(&HostMode) != NtsecHostOff) {
        st = STATUS_DEVICE_NOT_READY;
    } else {
        atomic_store(&HostUnprivIds, (unsigned long long)Uid << 32 | Gid);
    }
    pthread_mutex_unlock(&HostpEnableLock);
    return st;
}

/*
 * NtsecSyncHostCredentials - brings the calling thread's credentials in line with its
 * effective token now (what its next ntsec call would do). STATUS_SUCCESS when the
 * backend is off (nothing to follow). Failure statuses as HostSwitchCurrent; after a
 * failure the thread runs as the unprivileged identity, never with its old rights.
 */
NTSTATUS NtsecSyncHostCredentials(VOID)
{
    if (!HostpOn())
        return STATUS_SUCCESS;
    PETHREAD thread = PspCurrentThreadNoSync();
    if (thread == NULL)
        return STATUS_NO_MEMORY;
    NTSTATUS st = STATUS_SUCCESS;
    HostGateEnter();
    if (HostpOn())
        st = HostSyncCurrent(thread);
    HostGateLeave();
    return st;
}

/*
 * Fork hooks (docs/workers.md "fork()"; called by src/ex/fork.c). Outside the gate the
 * enable lock is held across fork, so no mode change is half done in the child. Inside the
 * gate (run-as forks there) it is not taken - a mode change waiting for this thread would
 * deadlock - and none can be under way past its wait: it waits for this thread to leave.
 */
/* Per forking thread: prepare, parent and child handlers run on the thread that forks (and
 * its copy in the child), and several threads may fork at once (TSan saw a shared flag race
 * between two threads' fork handlers). */
static __thread BOOLEAN HostpForkHeldEnable;

/* The fork handlers (src/ex/fork.c), registered before the first lock they guard is taken:
 * every public entry that takes HostpEnableLock (the gate and its registry are only used
 * once enabled) calls HostpRegisterFork first. */
static const EXP_FORK_BACKEND HostpForkBackend = {
    HostForkPrepare, HostGateForkPrepare, HostGateForkParent, HostForkParent,
    HostGateForkChild, HostForkChild};
static pthread_once_t HostpForkOnce = PTHREAD_ONCE_INIT;

static VOID HostpRegisterForkOnce(VOID)
{
    ExpRegisterForkBackend(&HostpForkBackend);
}

static VOID HostpRegisterFork(VOID)
{
    pthread_once(&HostpForkOnce, HostpRegisterForkOnce);
}

VOID HostForkPrepare(VOID)
{
    HostpForkHeldEnable = !HostGateInside();
    if (HostpForkHeldEnable)
        pthread_mutex_lock(&HostpEnableLock);
}

VOID HostForkParent(VOID)
{
    if (HostpForkHeldEnable)
        pthread_mutex_unlock(&HostpEnableLock);
}

VOID HostForkChild(VOID)
{
    if (HostpForkHeldEnable) {
        pthread_mutex_unlock(&HostpEnableLock);
    } else {
        /* Inside the gate: a mode change may hold the lock, on a thread that is gone. */
        static const pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
        HostpEnableLock = fresh;
    }
}
