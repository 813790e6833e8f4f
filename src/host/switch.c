/*
 * switch.c - moving one Linux thread between identities (docs/host.md "Switching").
 *
 * prepare: HostComputeTarget (target.c) turns the effective token into {uid, gid, groups}.
 * apply:   groups, then gid, then uid (in euid mode a thread that is not at the base
 *          euid first takes the saved base euid back, so that it holds CAP_SETGID again);
 *          each through syscalls.c, which touches only the calling thread.
 * verify:  every id is set by a syscall whose success return means it holds, so only what
 *          success does not report is read back: the fs ids in fsuid mode, and everything
 *          after a rollback (the state after a failure is not known).
 * rollback: any failure re-applies the previous identity with every step forced; if that
 *          fails too the thread is left with a mixed identity, so HostFatal bug-checks and
 *          the thread never runs on.
 * cache:   the thread's HOST_THREAD remembers what the kernel has and which token
 *          (TokenId, ModifiedId, level class) it came from, so a switch to credentials the
 *          thread already has costs no syscall.
 */
#include <errno.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host/hostp.h"
#include "ex/pooltags.h"

/* Steps reported in bug-check parameter 1 (docs/host.md). */
#define HOSTP_STEP_RAISE  1
#define HOSTP_STEP_GROUPS 2
#define HOSTP_STEP_GID    3
#define HOSTP_STEP_UID    4
#define HOSTP_STEP_VERIFY 5
#define HOSTP_STEP_READ   6
#define HOSTP_STEP_CAPS   7

/* The capabilities the kernel drops from the effective set when the fsuid leaves 0. */
#define HOSTP_FS_CAPS ((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | \
                       (1ULL << CAP_DAC_READ_SEARCH) | (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) | \
                       (1ULL << CAP_LINUX_IMMUTABLE) | (1ULL << CAP_MAC_OVERRIDE) | (1ULL << CAP_MKNOD))

/* ---- per-thread state ---- */

static NTSTATUS HostpReadKernel(PHOST_THREAD h)
{
    uid_t r, e, s, fs;
    gid_t rg, eg, sg, fsg;
    ULONG count = 0;
    if (HostSysGetResUid(&r, &e, &s) != 0 || HostSysGetResGid(&rg, &eg, &sg) != 0 ||
        HostSysGetFsUid(&fs) != 0 || HostSysGetFsGid(&fsg) != 0)
        return STATUS_UNSUCCESSFUL;
    ULONG n = 0;
    if (HostSysGetGroups(0, NULL, &n) != 0)
        return STATUS_UNSUCCESSFUL;
    NTSTATUS st = HostCredsReserve(&h->Current, n + 1);
    if (!NT_SUCCESS(st))
        return st;
    if (HostSysGetGroups(h->Current.GroupCapacity, h->Current.Groups, &count) != 0)
        return STATUS_UNSUCCESSFUL;
    BOOLEAN fsMode = atomic_load(&HostMode) == NtsecHostFsuid;
    h->RealUid = r;
    h->SavedUid = s;
    h->RealGid = rg;
    h->SavedGid = sg;
    h->Current.Uid = fsMode ? fs : e;
    h->Current.Gid = fsMode ? fsg : eg;
    h->Current.GroupCount = count;
    h->Current.RootClient = FALSE; /* unknown: verification catches a capability mismatch */
    h->AtBase = HostCredsSameAccess(&h->Current, &HostBase);
    h->CacheValid = FALSE;
    h->Poisoned = FALSE;
    h->Generation = atomic_load(&HostGeneration);
    h->Initialized = TRUE;
    return STATUS_SUCCESS;
}

/* The calling thread's state, created or refreshed from the kernel when needed. */
static NTSTATUS HostpThreadState(PETHREAD Thread, PHOST_THREAD *State)
{
    PHOST_THREAD h = Thread->Host;
    if (h == NULL) {
        h = ExAllocatePoolWithTag(PagedPool, sizeof(*h), HOSTP_TAG);
        if (h == NULL)
            return STATUS_NO_MEMORY;
        Thread->Host = h;
        HostRegisterThread(h, Thread);
    }
    if (!h->Initialized || h->Generation != atomic_load(&HostGeneration)) {
        BOOLEAN wasSwitched = h->Initialized && !h->AtBase;
        NTSTATUS st = HostpReadKernel(h);
        if (!NT_SUCCESS(st)) {
            h->Initialized = FALSE;
            return st;
        }
        if (!h->AtBase && !wasSwitched)
            atomic_fetch_add(&HostSwitchedThreads, 1);
        else if (h->AtBase && wasSwitched)
            atomic_fetch_sub(&HostSwitchedThreads, 1);
    }
    *State = h;
    return STATUS_SUCCESS;
}

VOID HostFreeThread(PETHREAD Thread)
{
    PHOST_THREAD h = Thread->Host;
    if (h == NULL)
        return;
    HostUnregisterThread(h);
    if (h->Initialized && !h->AtBase)
        atomic_fetch_sub(&HostSwitchedThreads, 1);
    HostCredsFree(&h->Current);
    HostCredsFree(&h->Target);
    HostCredsFree(&h->Previous);
    ExFreePool(h);
    Thread->Host = NULL;
}

/* ---- apply / verify ---- */

/*
 * HostpCapsFor - the effective capability set a thread with identity t must hold
 * (docs/host.md "Capabilities"): the base identity holds the base set exactly; a non-root
 * client holds nothing that bypasses the kernel's checks (euid mode: nothing at all; fsuid
 * mode: the base set without the file-system capabilities). FALSE for uid 0 (root is root).
 */
static BOOLEAN HostpCapsFor(const HOST_CREDS *t, BOOLEAN FsMode, unsigned long long *Caps)
{
    if (HostCredsSameAccess(t, &HostBase)) {
        *Caps = HostBaseCapEffective;
        return TRUE;
    }
    if (t->Uid == 0 && !t->RootClient)
        return FALSE; /* uid 0 that is not a token's (not produced by HostComputeTarget) */
    *Caps = FsMode ? HostBaseCapEffective & ~HOSTP_FS_CAPS : 0;
    return TRUE;
}

/* TRUE when switch.c must set the effective set itself for a thread going from identity
 * Current to Target: the kernel's fix-ups (on euid/fsuid transitions to and from 0) give the
 * wanted sets only for a root base with effective == permitted, and never for a RootClient
 * (uid 0 stays 0: the kernel changes nothing). */
static BOOLEAN HostpSetCapsExplicitly(const HOST_CREDS *Current, const HOST_CREDS *Target)
{
    return !HostCapsKernelManaged || Current->RootClient || Target->RootClient;
}

/*
 * HostpVerify - reads the calling thread's credentials back and compares them with t
 * (and the capability set the switch set). In euid mode every successful setresuid sets
 * fsuid to the new euid and every successful setresgid sets fsgid to the new egid (the
 * kernel does this unconditionally), so a fs id is read back only when this apply issued
 * no such call for it (SetUid / SetGid FALSE) - then user code may have changed it.
 * Returns 0, EPERM (mismatch) or EIO (a read failed).
 */
static int HostpVerify(PHOST_THREAD h, const HOST_CREDS *t, BOOLEAN SetUid, BOOLEAN SetGid,
                       gid_t *Scratch, ULONG ScratchSize)
{
    ULONG count = 0;
    BOOLEAN fsMode = atomic_load_explicit(&HostMode, memory_order_relaxed) == NtsecHostFsuid;
    unsigned long long want, effective, permitted;
    if (HostpCapsFor(t, fsMode, &want) &&
        (HostSysGetCaps(&effective, &permitted) != 0 || effective != want))
        return EPERM;
    if (atomic_load_explicit(&HostMode, memory_order_relaxed) == NtsecHostFsuid) {
        uid_t fs;
        gid_t fsg;
        if (HostSysGetFsUid(&fs) != 0 || HostSysGetFsGid(&fsg) != 0)
            return EIO;
        if (fs != t->Uid || fsg != t->Gid)
            return EPERM;
    } else {
        uid_t r, e, s, fs;
        gid_t rg, eg, sg, fsg;
        if (HostSysGetResUid(&r, &e, &s) != 0 || HostSysGetResGid(&rg, &eg, &sg) != 0)
            return EIO;
        fs = e;
        fsg = eg;
        if ((!SetUid && HostSysGetFsUid(&fs) != 0) || (!SetGid && HostSysGetFsGid(&fsg) != 0))
            return EIO;
        if (r != h->RealUid || e != t->Uid || s != h->SavedUid || fs != t->Uid ||
            rg != h->RealGid || eg != t->Gid || sg != h->SavedGid || fsg != t->Gid)
            return EPERM;
    }
    if (HostSysGetGroups(ScratchSize, Scratch, &count) != 0)
        return EIO;
    if (count != t->GroupCount ||
        (count != 0 && memcmp(Scratch, t->Groups, (SIZE_T)count * sizeof(gid_t)) != 0))
        return EPERM;
    return 0;
}

/* fsuid mode: setfsuid/setfsgid report no failure, so the fs ids are read back (0, EPERM, EIO). */
static int HostpVerifyFsIds(const HOST_CREDS *t)
{
    uid_t fs;
    gid_t fsg;
    if (HostSysGetFsUid(&fs) != 0 || HostSysGetFsGid(&fsg) != 0)
        return EIO;
    return fs == t->Uid && fsg == t->Gid ? 0 : EPERM;
}

/*
 * HostpApply - makes the calling thread's credentials t (groups, gid, uid). Returns 0 or an
 * errno; *Step is the failing step.
 *
 * Every id of the target is set by a call whose success return means it holds (docs/host.md
 * "Switching": why each syscall is needed): in euid mode setgroups, setresgid (egid, and the
 * kernel sets fsgid with it) and setresuid (euid and fsuid; skipped only when the regain of
 * the base euid just set the target uid), none of them skipped on the cache's word, so an id
 * changed behind ntsec's back (a raw setfsgid) is overwritten rather than trusted; no
 * read-back follows. What success does not report is read back: in fsuid mode the fs ids
 * (setfsuid/setfsgid return the previous value, never an error). The effective capability
 * set follows the kernel's fix-up on the euid/fsuid transitions when HostCapsKernelManaged
 * (root base, effective == permitted, no SECBIT_NO_SETUID_FIXUP: hostapi.c), else capset
 * sets it, and capset's success reports it.
 * Force (rollback, or the state is not known): every step including the base euid and the
 * base capabilities, then the full read-back (HostpVerify).
 */
static int HostpApply(PHOST_THREAD h, const HOST_CREDS *t, BOOLEAN Force, ULONG *Step)
{
    BOOLEAN fsMode = atomic_load_explicit(&HostMode, memory_order_relaxed) == NtsecHostFsuid;
    int rc = 0;
    /* Scratch for verification: one more slot than expected so extra groups show. */
    ULONG most = t->GroupCount > h->Current.GroupCount ? t->GroupCount : h->Current.GroupCount;
    if (!NT_SUCCESS(HostCredsReserve(&h->Previous, most + 1)))
        return ENOMEM;
    BOOLEAN setUid = FALSE; /* a setresuid was issued (euid mode): fsuid follows euid */
    BOOLEAN uidDone = FALSE; /* the regain already set the target euid */
    BOOLEAN explicitCaps = HostpSetCapsExplicitly(&h->Current, t);
    if (!fsMode && (Force || h->Current.Uid != HostBase.Uid || (explicitCaps && !h->AtBase))) {
        /* the base euid, and (when the kernel does not do it: a RootClient has uid 0 and no
         * capabilities; after a failure the state is not known) the base capabilities */
        *Step = HOSTP_STEP_RAISE;
        if ((rc = HostSysSetResUid((uid_t)-1, HostBase.Uid, (uid_t)-1)) != 0 ||
            ((explicitCaps || Force) && (rc = HostSysSetEffectiveCaps(HostBaseCapEffective)) != 0))
            return rc;
        setUid = TRUE;
        uidDone = t->Uid == HostBase.Uid;
    }
    *Step = HOSTP_STEP_GROUPS;
    if ((rc = HostSysSetGroups(t->GroupCount, t->Groups)) != 0)
        return rc;
    *Step = HOSTP_STEP_GID;
    rc = fsMode ? HostSysSetFsGid(t->Gid, NULL) : HostSysSetResGid((gid_t)-1, t->Gid, (gid_t)-1);
    if (rc != 0)
        return rc;
    if (Force || !uidDone) {
        *Step = HOSTP_STEP_UID;
        rc = fsMode ? HostSysSetFsUid(t->Uid, NULL) : HostSysSetResUid((uid_t)-1, t->Uid, (uid_t)-1);
        if (rc != 0)
            return rc;
        setUid = TRUE;
    }
    unsigned long long caps;
    if (explicitCaps && HostpCapsFor(t, fsMode, &caps)) {
        *Step = HOSTP_STEP_CAPS;
        if ((rc = HostSysSetEffectiveCaps(caps)) != 0)
            return rc;
    }
    *Step = HOSTP_STEP_VERIFY;
    if (Force)
        return HostpVerify(h, t, setUid, TRUE, h->Previous.Groups, h->Previous.GroupCapacity);
    if (fsMode)
        return HostpVerifyFsIds(t);
    return 0;
}

static NTSTATUS HostpErrnoStatus(int Error)
{
    switch (Error) {
    case EPERM: return STATUS_PRIVILEGE_NOT_HELD;
    case EINVAL: return STATUS_INVALID_PARAMETER;
    case ENOMEM: return STATUS_NO_MEMORY;
    default: return STATUS_UNSUCCESSFUL;
    }
}

static __thread BOOLEAN HostpBugChecked;
static __thread PTOKEN HostpSyncToken; /* the reference HostSyncCurrent holds, if any */

BOOLEAN HostThreadBugChecked(VOID)
{
    return HostpBugChecked;
}

/*
 * HostFatal - bug-checks; never returns. Nothing is held across the bug check (item 5 of
 * issue 9): the enable lock never is (mode changes do not switch), the gate is left here,
 * and the thread is marked so that its teardown (which runs after pthread_exit) does not
 * switch again - its credentials die with it. If the handler returns, the thread ends
 * (the main thread aborts): it never runs on with a mixed identity.
 */
__attribute__((noreturn)) VOID HostFatal(ULONG Step, int Error, uid_t Uid)
{
    HostpBugChecked = TRUE;
    HostGateLeaveAll();
    KeBugCheckEx(NTSEC_HOST_CREDENTIALS_INCONSISTENT, Step, (ULONG_PTR)Error,
                 (ULONG_PTR)syscall(SYS_gettid), (ULONG_PTR)Uid);
    /* The handler returned: this thread must still never run on with a mixed identity. */
    if ((pid_t)syscall(SYS_gettid) == getpid())
        abort();
    PTOKEN held = HostpSyncToken;
    HostpSyncToken = NULL;
    if (held != NULL)
        ObfDereferenceObject(held);
    pthread_exit(NULL);
}

/*
 * HostpSwitchTo - applies Target (h->Target) to the calling thread with rollback. On
 * success Current becomes Target (the buffers are swapped). On failure the previous
 * identity is back (verified) and the errno's status is returned; if even that fails,
 * HostFatal.
 */
static NTSTATUS HostpSwitchTo(PHOST_THREAD h)
{
    ULONG step = 0;
    int rc = HostpApply(h, &h->Target, FALSE, &step);
    if (rc == EPERM && step == HOSTP_STEP_VERIFY) {
        /* Every syscall worked but the kernel disagrees with the cache: something changed
         * the thread's credentials behind ntsec's back. Issue every step, then verify. */
        rc = HostpApply(h, &h->Target, TRUE, &step);
    }
    if (rc == 0) {
        HOST_CREDS swap = h->Current;
        h->Current = h->Target;
        h->Target = swap;
    } else if (rc == ENOMEM && step == 0) {
        return STATUS_NO_MEMORY; /* nothing was touched */
    } else {
        /* h->Current still describes the identity to go back to; Target is free scratch. */
        ULONG rollbackStep = 0;
        int rc2 = HostpApply(h, &h->Current, TRUE, &rollbackStep);
        if (rc2 != 0) {
            h->Poisoned = TRUE;
            HostFatal(step * 16 + rollbackStep, rc2, h->Target.Uid);
        }
        return HostpErrnoStatus(rc);
    }
    BOOLEAN atBase = HostCredsSameAccess(&h->Current, &HostBase);
    if (atBase != h->AtBase)
        atomic_fetch_add(&HostSwitchedThreads, atBase ? -1 : 1);
    h->AtBase = atBase;
    return STATUS_SUCCESS;
}

/*
 * HostSwitchCurrent - the calling thread's credentials for NewToken at Level (NULL: the
 * base identity). No references change. Returns STATUS_SUCCESS, STATUS_NONE_MAPPED,
 * STATUS_TOO_MANY_SIDS, STATUS_PRIVILEGE_NOT_HELD (unprivileged process, or the kernel's
 * EPERM), STATUS_NO_MEMORY, STATUS_UNSUCCESSFUL (verification); on failure the thread's
 * credentials are as before. Going back to the base identity cannot fail: HostFatal.
 */
NTSTATUS HostSwitchCurrent(PETHREAD Thread, PTOKEN NewToken, SECURITY_IMPERSONATION_LEVEL Level)
{
    PHOST_THREAD h = Thread->Host;
    ULONG cls = NewToken == NULL ? 0 : Level < SecurityImpersonation ? HOST_CLASS_UNPRIV : HOST_CLASS_FULL;
    if (HostpBugChecked) {
        /* Only its own teardown gets here (HostFatal ended the thread): no second bug check,
         * no switch; the credentials die with the thread. */
        if (atomic_load(&Thread->CrossThreadFlags) & PSP_TERMINATED)
            return STATUS_UNSUCCESSFUL;
        HostFatal(HOSTP_STEP_READ, EPERM, h != NULL ? h->Current.Uid : (uid_t)-1);
    }
    /* Fast path: the kernel already has what this token maps to (no lock, no syscall). */
    if (h != NULL && h->Initialized && h->Generation == atomic_load_explicit(&HostGeneration, memory_order_relaxed)) {
        if (NewToken == NULL) {
            if (h->AtBase)
                return STATUS_SUCCESS;
        } else if (h->CacheValid && h->CachedClass == cls &&
                   (cls == HOST_CLASS_UNPRIV ||
                    (SepLuidEqual(h->CachedTokenId, NewToken->TokenId) &&
                     SepLuidEqual(h->CachedModifiedId, NewToken->ModifiedId)))) {
            return STATUS_SUCCESS;
        }
    }
    NTSTATUS st = HostpThreadState(Thread, &h);
    if (!NT_SUCCESS(st)) {
        if (NewToken == NULL)
            HostFatal(HOSTP_STEP_READ, ENOMEM, HostBase.Uid);
        return st;
    }
    if (h->Poisoned) {
        /* A thread whose rollback failed only gets here from its own teardown (the
         * bug-check ended it); its credentials die with it. Anything else is fatal. */
        if (atomic_load(&Thread->CrossThreadFlags) & PSP_TERMINATED)
            return STATUS_UNSUCCESSFUL;
        HostFatal(HOSTP_STEP_READ, EPERM, h->Current.Uid);
    }
    ULONG computed;
    LUID tokenId = {0, 0}, modifiedId = {0, 0};
    if (NewToken != NULL) {
        SepAcquireTokenLockShared(NewToken);
        tokenId = NewToken->TokenId;
        modifiedId = NewToken->ModifiedId;
        SepReleaseTokenLock(NewToken);
    }
    st = HostComputeTarget(NewToken, Level, &h->Target, &computed);
    if (!NT_SUCCESS(st)) {
        if (NewToken == NULL)
            HostFatal(HOSTP_STEP_READ, ENOMEM, HostBase.Uid);
        return st;
    }
    if (!HostCredsSameAccess(&h->Target, &h->Current)) {
        if (!HostPrivileged) {
            if (NewToken == NULL)
                HostFatal(HOSTP_STEP_RAISE, EPERM, HostBase.Uid);
            return STATUS_PRIVILEGE_NOT_HELD;
        } /* without privilege: only the caller's own identity */
        st = HostpSwitchTo(h);
        if (!NT_SUCCESS(st)) {
            if (NewToken == NULL)
                HostFatal(HOSTP_STEP_VERIFY, EPERM, HostBase.Uid);
            h->CacheValid = FALSE;
            return st;
        }
    }
    h->CacheValid = NewToken != NULL;
    h->CachedClass = computed == HOST_CLASS_UNPRIV ? cls : computed;
    h->CachedTokenId = tokenId;
    h->CachedModifiedId = modifiedId;
    return STATUS_SUCCESS;
}

/*
 * HostSyncCurrent - PSP_HOST_DIRTY: follows the calling thread's effective token, read
 * under the thread security lock (one token reference held across the switch, released
 * here). If the new identity cannot be applied, the thread falls back to the unprivileged
 * identity (fail closed: it never keeps rights the token no longer gives); if even that
 * fails, HostFatal.
 */
NTSTATUS HostSyncCurrent(PETHREAD Thread)
{
    atomic_fetch_and(&Thread->CrossThreadFlags, ~(ULONG)PSP_HOST_DIRTY);
    PSP_THREAD_IMPERSONATION snapshot;
    PspSnapshotThreadImpersonation(Thread, &snapshot);
    PTOKEN token = snapshot.Token;
    SECURITY_IMPERSONATION_LEVEL level = snapshot.ImpersonationLevel;
    HostpSyncToken = token;
    NTSTATUS st = HostSwitchCurrent(Thread, token, level);
    if (!NT_SUCCESS(st) && token != NULL) {
        NTSTATUS st2 = HostSwitchCurrent(Thread, token, SecurityIdentification);
        if (!NT_SUCCESS(st2)) {
            uid_t unprivUid;
            gid_t unprivGid;
            HostGetUnprivileged(&unprivUid, &unprivGid);
            HostFatal(HOSTP_STEP_VERIFY, EPERM, unprivUid);
        }
    }
    HostpSyncToken = NULL;
    if (token != NULL)
        ObfDereferenceObject(token);
    atomic_store_explicit(&Thread->HostGeneration, atomic_load(&HostGeneration), memory_order_relaxed);
    return st;
}

VOID HostRestoreBaseOrDie(PETHREAD Thread)
{
    PHOST_THREAD h = Thread->Host;
    if (h != NULL && h->Initialized && !h->AtBase && !h->Poisoned && !HostpBugChecked)
        (VOID)HostSwitchCurrent(Thread, NULL, SecurityAnonymous);
}

static NTSTATUS HostpMakePermanent(PETHREAD Thread);

/*
 * HostMakePermanent - real, effective, saved and fs ids all become the thread's current
 * identity (CreateProcessAsUser before execve: the new program cannot switch back).
 * The thread's state is poisoned afterwards: it can no longer revert.
 * @remarks For a non-root target every capability set is emptied too: a caller that is not
 * root but holds CAP_SETUID/CAP_SETGID as ambient capabilities keeps them across setresuid
 * (the kernel drops capabilities only when leaving uid 0), and the ambient set survives
 * execve. Verified afterwards: the ids, the groups, and the empty capability sets.
 */
NTSTATUS HostMakePermanent(PETHREAD Thread)
{
    HostGateEnter();
    NTSTATUS st = HostpMakePermanent(Thread);
    HostGateLeave();
    return st;
}

static NTSTATUS HostpMakePermanent(PETHREAD Thread)
{
    PHOST_THREAD h;
    NTSTATUS st = HostpThreadState(Thread, &h);
    if (!NT_SUCCESS(st))
        return st;
    uid_t uid = h->Current.Uid;
    gid_t gid = h->Current.Gid;
    st = HostCredsReserve(&h->Previous, h->Current.GroupCount + 1);
    if (!NT_SUCCESS(st))
        return st;
    int rc;
    h->Poisoned = TRUE;
    if ((rc = HostSysSetResUid((uid_t)-1, HostBase.Uid, (uid_t)-1)) != 0 ||
        ((!HostCapsKernelManaged || h->Current.RootClient) &&
         (rc = HostSysSetEffectiveCaps(HostBaseCapEffective)) != 0) ||
        (rc = HostSysSetGroups(h->Current.GroupCount, h->Current.Groups)) != 0 ||
        (rc = HostSysSetResGid(gid, gid, gid)) != 0 || (rc = HostSysSetResUid(uid, uid, uid)) != 0 ||
        (uid != 0 && (rc = HostSysDropAllCaps()) != 0))
        return HostpErrnoStatus(rc);
    uid_t r, e, s, fs;
    gid_t rg, eg, sg, fsg;
    ULONG count = 0;
    if (HostSysGetResUid(&r, &e, &s) != 0 || HostSysGetResGid(&rg, &eg, &sg) != 0 ||
        HostSysGetFsUid(&fs) != 0 || HostSysGetFsGid(&fsg) != 0 || r != uid || e != uid ||
        s != uid || fs != uid || rg != gid || eg != gid || sg != gid || fsg != gid)
        return STATUS_UNSUCCESSFUL;
    if (HostSysGetGroups(h->Previous.GroupCapacity, h->Previous.Groups, &count) != 0 ||
        count != h->Current.GroupCount ||
        (count != 0 && memcmp(h->Previous.Groups, h->Current.Groups, (SIZE_T)count * sizeof(gid_t)) != 0))
        return STATUS_UNSUCCESSFUL;
    if (uid != 0) {
        unsigned long long effective = 1, permitted = 1, inheritable = 1, ambient = 1;
        if (HostSysGetCaps(&effective, &permitted) != 0 ||
            HostSysGetInheritableCaps(&inheritable, &ambient) != 0 ||
            (effective | permitted | inheritable | ambient) != 0)
            return STATUS_UNSUCCESSFUL;
    }
    return STATUS_SUCCESS;
}
