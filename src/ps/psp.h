/*
 * psp.h - private process and thread model (EPROCESS, ETHREAD) and per-thread
 * impersonation state (spec 1.4, 1.5).
 */
#ifndef NTSEC_PSP_H
#define NTSEC_PSP_H

#include <pthread.h>
#include <stdatomic.h>
#include "ntsec.h"
#include "ob/obp.h"
#include "se/sep.h"

typedef struct _EPROCESS {
    PTOKEN PrimaryToken;           /* one reference owned by the process (P1); fixed for its life */
    HANDLE UniqueProcessId;
    BOOLEAN IsSystemProcess;
    BOOLEAN IsHostProcess;         /* the process of adopted (non-ntsec) threads */
    _Atomic LONG ActiveThreads;
} EPROCESS;

/* ImpersonationInfo of spec 1.5. Allocated on first impersonation, freed at thread deletion. */
typedef struct _PS_IMPERSONATION_INFORMATION {
    PTOKEN Token;
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel;
    BOOLEAN CopyOnOpen;
    BOOLEAN EffectiveOnly;
} PS_IMPERSONATION_INFORMATION, *PPS_IMPERSONATION_INFORMATION;

/* CrossThreadFlags (the ActiveImpersonation flag of spec 1.5 is ETHREAD.ActiveImpersonation) */
#define PSP_TERMINATED           0x2
#define PSP_SYSTEM_THREAD        0x4
#define PSP_ADOPTED              0x8
#define PSP_HOST_DIRTY           0x10  /* effective token changed; host credentials must follow */
#define PSP_REVERT_AT_EXIT       0x20  /* adopted thread may end impersonating (NtsecEndImpersonationAtThreadExit) */

typedef struct _ETHREAD {
    PEPROCESS Process;             /* one reference owned by the thread */
    HANDLE UniqueThreadId;
    pthread_t PthreadId;
    _Atomic ULONG CrossThreadFlags;
    _Atomic BOOLEAN ActiveImpersonation; /* written under SecurityLock; read lock-free (L4) */
    _Atomic(PPS_IMPERSONATION_INFORMATION) ImpersonationInfo;
    _Atomic ULONG SecurityLock;    /* per-thread spin lock guarding ImpersonationInfo */
    NTSEC_IMPERSONATION_DECISION LastDecision;
    PKSTART_ROUTINE StartRoutine;
    PVOID StartContext;
    BOOLEAN Joined;
    pid_t Tid;                     /* Linux thread id (gettid) once running */
    PVOID Host;                    /* opaque slot of the host backend (its type is src/host's:
                                      HOST_THREAD); ps only stores it and never reads it */
    _Atomic ULONG HostGeneration;  /* PSP_HOST_HOOKS::Generation this thread last synced to */
    ULONG ForkGeneration;          /* PspForkGeneration when created: an older one in a fork
                                      child means the thread does not exist there (fork.c) */
    PEPROCESS AttachedProcess;     /* KeStackAttachProcess (attach.c): one reference; read and
                                      written only by the thread itself; NULL: not attached */
    ULONG AttachDepth;             /* nested attaches in force */
} ETHREAD;

/* PspCpuRelax - the spin-wait hint of the CPU the library is built for (none elsewhere). */
static inline VOID PspCpuRelax(VOID)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

/* The contended half of PspLockThreadSecurity (thread.c): spins until the lock is taken. */
VOID PspLockThreadSecurityContended(PETHREAD Thread);

/* Takes Thread's SecurityLock: one exchange inline, the spin out of line. */
static inline VOID PspLockThreadSecurity(PETHREAD Thread)
{
    if (__builtin_expect(atomic_exchange_explicit(&Thread->SecurityLock, 1, memory_order_acquire) != 0, 0))
        PspLockThreadSecurityContended(Thread);
}

/* Takes Thread's SecurityLock if it is free (TRUE); FALSE: held by another caller, nothing
 * changed. For fast paths that fall back to their general form rather than spin. */
static inline BOOLEAN PspTryLockThreadSecurity(PETHREAD Thread)
{
    return atomic_exchange_explicit(&Thread->SecurityLock, 1, memory_order_acquire) == 0;
}

static inline VOID PspUnlockThreadSecurity(PETHREAD Thread)
{
    atomic_store_explicit(&Thread->SecurityLock, 0, memory_order_release);
}

static inline BOOLEAN PspIsImpersonating(PETHREAD Thread)
{
    return atomic_load_explicit(&Thread->ActiveImpersonation, memory_order_acquire) != 0;
}

/* The host process (primary token of adopted threads). Created at load. */
extern PEPROCESS PspHostProcess;

/* Replace the host process's primary token (src/host builds it from the Linux credentials).
 * Consumes the caller's reference on Token. Only valid before any thread was adopted. */
NTSTATUS PspSetHostProcessToken(PTOKEN Token);

/*
 * The one interface from src/ps to src/host (DESIGN "Layers"): one table of hooks behind one
 * atomic pointer, PspHostHooks, loaded ONCE per use (PspLoadHostHooks) and never re-read
 * within that use - the backend swaps whole tables when it changes mode, so a caller never
 * sees Switch from one mode and Sync from another, nor a pointer turning NULL between its
 * test and its call. NULL until the backend is first enabled; while it is off the table
 * has only ThreadExit (per-thread state must still be freed).
 *
 * Switch(Thread, NewToken, Level) is called by every routine that changes
 * Thread's effective token, BEFORE the change is published and outside the thread lock.
 * NewToken is the new impersonation token, or NULL for "back to the process primary
 * token"; Level is the stored level. If Thread is the calling thread the backend switches
 * the OS credentials (verified); otherwise it only validates the mapping and marks the
 * thread PSP_HOST_DIRTY so that the thread's next ntsec call syncs. A failure status
 * (STATUS_NONE_MAPPED, STATUS_PRIVILEGE_NOT_HELD, ...) means the credentials are as
 * before and the caller must abandon the change. No references are taken or released.
 * A Switch that finds the backend turned off meanwhile does nothing and succeeds (the
 * pure model): the backend guarantees no thread was switched when it went off.
 *
 * Sync(Thread) brings the calling thread's OS credentials in line with its current
 * effective token (PSP_HOST_DIRTY, a new Generation, NtsecSyncHostCredentials).
 * ThreadExit(Thread) releases the backend's per-thread state.
 * Generation changes with every enable: a thread whose ETHREAD::HostGeneration differs
 * syncs at its next PsGetCurrentThread (it may have impersonated while the backend was off).
 */
typedef NTSTATUS (*PSP_HOST_SWITCH_HOOK)(PETHREAD Thread, PTOKEN NewToken,
                                         SECURITY_IMPERSONATION_LEVEL Level);
typedef NTSTATUS (*PSP_HOST_SYNC_HOOK)(PETHREAD Thread);
typedef VOID (*PSP_HOST_THREAD_EXIT_HOOK)(PETHREAD Thread);
typedef struct _PSP_HOST_HOOKS {
    PSP_HOST_SWITCH_HOOK Switch;         /* NULL: backend off */
    PSP_HOST_SYNC_HOOK Sync;             /* NULL: backend off */
    PSP_HOST_THREAD_EXIT_HOOK ThreadExit;
    _Atomic ULONG Generation;            /* the function pointers never change; this does */
} PSP_HOST_HOOKS;
extern NTSEC_HIDDEN _Atomic(PSP_HOST_HOOKS *) PspHostHooks;

static inline PSP_HOST_HOOKS *PspLoadHostHooks(VOID)
{
    return atomic_load_explicit(&PspHostHooks, memory_order_acquire);
}

/*
 * PspReapExitedThread - the teardown of a thread that ended without it (raw SYS_exit: no
 * thread-specific-data destructor ran). Called by the host backend once it has made sure
 * the thread is gone (docs/host.md "Threads that end without teardown"): ends its
 * impersonation (releasing the thread's token reference) and releases the running
 * thread's reference on its ETHREAD. Thread->Host must already be freed.
 */
VOID PspReapExitedThread(PETHREAD Thread);

/*
 * What the host backend may read of a thread's impersonation (DESIGN "Layers"): a
 * snapshot taken under the thread's security lock, so the backend never takes ps's lock
 * nor reads ImpersonationInfo itself.
 */
typedef struct _PSP_THREAD_IMPERSONATION {
    PTOKEN Token;                  /* one reference owned by the caller; NULL: not impersonating */
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel;
    BOOLEAN CopyOnOpen;
    BOOLEAN EffectiveOnly;
} PSP_THREAD_IMPERSONATION, *PPSP_THREAD_IMPERSONATION;

/*
 * PspSnapshotThreadImpersonation - fills *Snapshot from Thread. TRUE: the thread
 * impersonates and Snapshot->Token holds one new reference the caller releases
 * (ObfDereferenceObject). FALSE: not impersonating; nothing referenced.
 */
BOOLEAN PspSnapshotThreadImpersonation(PETHREAD Thread, PPSP_THREAD_IMPERSONATION Snapshot);

/*
 * The host identity provider (DESIGN "Layers"): the routine that builds the host process's
 * primary token from the Linux credentials, registered by the init sequence (src/ex/init.c)
 * before PspInitializeProcesses so that ps never names src/host. On success *Token holds
 * the single reference, which ps takes over. With none registered, PspInitializeProcesses
 * fails closed (STATUS_NOT_IMPLEMENTED).
 */
typedef NTSTATUS (*PSP_HOST_IDENTITY_PROVIDER)(PTOKEN *Token);
VOID PspRegisterHostIdentityProvider(PSP_HOST_IDENTITY_PROVIDER Provider);

/* The calling thread's ETHREAD once bound (thread.c); NULL before its first ntsec call. */
extern NTSEC_HOT_TLS PETHREAD PspCurrentThread;

/* PsGetCurrentThread, inline for the common case: bound, and no host sync possible
 * (backend never enabled, or off). Anything else takes PsGetCurrentThread. */
PETHREAD PsGetCurrentThread(VOID);
static inline PETHREAD PspGetCurrentThreadFast(VOID)
{
    PETHREAD thread = PspCurrentThread;
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (__builtin_expect(thread != NULL && (hooks == NULL || hooks->Sync == NULL), 1))
        return thread;
    return PsGetCurrentThread();
}

/*
 * PspReferenceImpersonationFast - PspSnapshotThreadImpersonation's token and level for a
 * caller that tested VfIsEnabled() (off): under Thread's lock, one new reference on the
 * token it impersonates, which the caller releases; NULL (and *Level untouched) when it
 * does not impersonate. Inline for SeCaptureSubjectContext's fast path.
 */
static inline PTOKEN PspReferenceImpersonationFast(PETHREAD Thread, SECURITY_IMPERSONATION_LEVEL *Level)
{
    if (!PspIsImpersonating(Thread))
        return NULL;
    PTOKEN token = NULL;
    PspLockThreadSecurity(Thread);
    /* Active implies the state and a token (every routine that sets the flag stores one) */
    if (atomic_load_explicit(&Thread->ActiveImpersonation, memory_order_relaxed)) {
        PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_relaxed);
        token = info->Token;
        ObpIncrementPointerCount(token);
        *Level = info->ImpersonationLevel;
    }
    PspUnlockThreadSecurity(Thread);
    return token;
}

/* The calling thread's ETHREAD without the host sync check (used by the host backend). */
PETHREAD PspCurrentThreadNoSync(VOID);
/* The calling thread's ETHREAD if it has one already (no adoption, no allocation), else NULL. */
PETHREAD PspCurrentThreadIfBound(VOID);

/* Fork generation: incremented in every fork child (PspForkChild). A thread created in an
 * earlier generation, other than the one that forked, does not exist in this process. */
extern _Atomic ULONG PspForkGeneration;
/* pthread_atfork handlers of the thread layer (thread.c; registered by src/ex/fork.c). */
VOID PspForkPrepare(VOID);
VOID PspForkParent(VOID);
VOID PspForkChild(VOID);

/* Releases PsInitialSystemProcess and the host process (last step of NtsecShutdown). */
VOID PspShutdownProcesses(VOID);
VOID PspInitializeThreads(VOID);
NTSTATUS PspInitializeProcesses(VOID);

/* Joins every system thread created by PsCreateSystemThread that has not been joined. */
VOID PspJoinSystemThreads(VOID);

/* NtsecShutdown: the calling thread, if ntsec adopted it and it neither impersonates nor is
 * attached, gets its thread-exit teardown now (its ETHREAD, its reference on the host
 * process, the host backend's record of it); TRUE if it did. */
BOOLEAN PspDetachCurrentThread(VOID);

/* Ends impersonation on Thread (PsRevertThreadToSelf), used by thread teardown too. */
VOID PspRevertThread(PETHREAD Thread);

#endif /* NTSEC_PSP_H */
