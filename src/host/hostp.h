/*
 * hostp.h - private interface of the Linux host backend (docs/host.md).
 *
 * Layers inside src/host:
 *   idmap.c     SID <-> uid/gid (S-1-22 convention and the mapping file)
 *   syscalls.c  the only file that issues credential syscalls (raw, per thread)
 *   switch.c    target computation, prepare/apply/verify/rollback, per-thread cache
 *   hostapi.c   NtsecEnableHostCredentials and the ps hooks
 *   hosttoken.c the host process's primary token
 */
#ifndef NTSEC_HOSTP_H
#define NTSEC_HOSTP_H

#include <sys/types.h>
#include <stdatomic.h>
#include "host/host.h"
#include "ps/psp.h"

/* The kernel's limit on supplementary groups (NGROUPS_MAX of <linux/limits.h>). */
#define HOST_MAX_GROUPS 65536U

/* One thread's Linux identity as far as access checks are concerned. Groups are sorted
 * ascending without duplicates, in pool memory owned by whoever owns the HOST_CREDS. */
typedef struct _HOST_CREDS {
    uid_t Uid;          /* euid (euid mode) or fsuid (fsuid mode) */
    gid_t Gid;          /* egid or fsgid */
    ULONG GroupCount;
    ULONG GroupCapacity;
    gid_t *Groups;
    BOOLEAN RootClient; /* a token's identity whose uid is 0: root without capabilities
                         * (never the same access as the base, docs/host.md "Capabilities") */
} HOST_CREDS, *PHOST_CREDS;

/* Per-thread state, kept in ETHREAD::Host, ps's opaque per-thread slot of the backend
 * (ps stores the PVOID, never reads it). Touched only by the thread itself, inside the gate,
 * and freed by the thread-exit hook - or, for a thread that ended without teardown, by the
 * mode change that finds it gone (gate.c). */
typedef struct _HOST_THREAD {
    struct _HOST_THREAD *Next, *Prev; /* the registry (gate.c), under its lock */
    BOOLEAN Registered;
    PETHREAD Thread;         /* the owner (no reference: the state dies with it) */
    pid_t Tid;               /* Linux tid and /proc start time, to tell that it is gone */
    unsigned long long StartTime;
    BOOLEAN Initialized;     /* Current/Real/Saved were read from the kernel */
    BOOLEAN Poisoned;        /* a rollback failed: never switch again */
    BOOLEAN AtBase;          /* Current equals the base identity (no impersonation) */
    BOOLEAN CacheValid;      /* Current was computed from (CachedTokenId, CachedModifiedId) */
    ULONG Generation;        /* HostGeneration when initialised */
    LUID CachedTokenId;
    LUID CachedModifiedId;
    ULONG CachedClass;       /* HOST_CLASS_* the cache entry was computed for */
    uid_t RealUid, SavedUid; /* kept as they are in euid mode (the return path) */
    gid_t RealGid, SavedGid;
    HOST_CREDS Current;      /* what the kernel has for this thread (verified) */
    HOST_CREDS Target;       /* scratch for the next switch */
    HOST_CREDS Previous;     /* scratch for rollback */
} HOST_THREAD, *PHOST_THREAD;

#define HOST_CLASS_FULL 1    /* Impersonation / Delegation: the token's identity */
#define HOST_CLASS_UNPRIV 2  /* Identification / Anonymous: the unprivileged identity */

/* ---- global backend state (hostapi.c) ---- */
extern _Atomic int HostMode;            /* NTSEC_HOST_MODE */
extern _Atomic ULONG HostGeneration;    /* bumped on every enable */
extern BOOLEAN HostPrivileged;          /* CAP_SETUID and CAP_SETGID at enable time */
extern HOST_CREDS HostBase;             /* the server's own identity, read at enable time */
/* The unprivileged identity (Identification level, tokens Linux cannot express): the one
 * NtsecSetHostUnprivilegedIdentity set, else nobody/nogroup (65534). Never root. */
/* unpriv.c: the unprivileged identity (uid << 32 | gid; HOSTP_UNPRIV_UNSET until resolved
 * or set) and the base identity. */
#define HOSTP_UNPRIV_UNSET (~0ULL)
extern _Atomic unsigned long long HostUnprivIds;
VOID HostGetUnprivileged(uid_t *Uid, gid_t *Gid);
extern _Atomic LONG HostSwitchedThreads; /* threads whose credentials are not the base */
extern unsigned long long HostBaseCapEffective; /* the base effective capability set */
/* TRUE when the kernel's own set*id fix-ups give exactly the sets switch.c wants (base uid 0
 * with effective == permitted): no capset is needed. Else switch.c sets them itself. */
extern BOOLEAN HostCapsKernelManaged;

/* ---- idmap.c ---- */
typedef struct _HOST_IDMAP HOST_IDMAP, *PHOST_IDMAP;
/* Parses a mapping file's text (hostile input: any bytes). On success *Map is owned by the
 * caller (HostFreeIdMap). On failure ErrorText (may be NULL) receives "line N: ...". */
NTSTATUS HostParseIdMap(const char *Text, size_t Length, PHOST_IDMAP *Map, char *ErrorText,
                        size_t ErrorSize);
VOID HostFreeIdMap(PHOST_IDMAP Map);
/* Look-ups through the S-1-22 convention and the installed map. No references. */
BOOLEAN HostSidToUid(PSID Sid, uid_t *Uid);
BOOLEAN HostSidToGid(PSID Sid, gid_t *Gid);
/* Changes whenever NtsecLoadIdMap installs a map (the host target cache's key, target.c). */
ULONG HostIdMapGeneration(VOID);
/* The SID of uid/gid (map entries first, then ranges, then S-1-22-x-N) into Buffer. */
VOID HostUidToSid(uid_t Uid, PSID Buffer);
VOID HostGidToSid(gid_t Gid, PSID Buffer);
/* Look-ups against one parsed map only (fuzzing, tests). */
BOOLEAN HostMapSidToId(PHOST_IDMAP Map, PSID Sid, BOOLEAN Group, ULONG *Id);
BOOLEAN HostpParseSidText(const char *Text, size_t Length, PSID Sid);

/* ---- idmap_principal.c: "principal" lines of the map ---- */
typedef struct _HOSTP_PRINCIPAL_TABLE HOSTP_PRINCIPAL_TABLE, *PHOSTP_PRINCIPAL_TABLE;
/* Parses one "principal" line (Words[0] is the keyword) into *Table (created on first use). */
NTSTATUS HostpParsePrincipalLine(PHOSTP_PRINCIPAL_TABLE *Table, const char *const *Word, const size_t *Length,
                                 int Words, ULONG LineNo, char *ErrorText, size_t ErrorSize);
VOID HostpFreePrincipals(PHOSTP_PRINCIPAL_TABLE Table);
BOOLEAN HostpFindPrincipal(PHOSTP_PRINCIPAL_TABLE Table, PCSTR Principal, PHOST_PRINCIPAL_MAPPING Mapping);

/* ---- syscalls.c (raw, per thread; each returns 0 or an errno value) ---- */
int HostSysSetGroups(ULONG Count, const gid_t *Groups);
int HostSysGetGroups(ULONG Capacity, gid_t *Groups, ULONG *Count);
int HostSysSetResUid(uid_t Ruid, uid_t Euid, uid_t Suid);
int HostSysSetResGid(gid_t Rgid, gid_t Egid, gid_t Sgid);
int HostSysGetResUid(uid_t *Ruid, uid_t *Euid, uid_t *Suid);
int HostSysGetResGid(gid_t *Rgid, gid_t *Egid, gid_t *Sgid);
int HostSysSetFsUid(uid_t Uid, uid_t *Previous);
int HostSysSetFsGid(gid_t Gid, gid_t *Previous);
int HostSysGetFsUid(uid_t *Uid);
int HostSysGetFsGid(gid_t *Gid);
/* Effective and permitted capability masks of the calling thread (capget). */
int HostSysGetCaps(unsigned long long *Effective, unsigned long long *Permitted);
/* Empties the ambient, inheritable, permitted and effective sets (run-as, non-root target). */
int HostSysDropAllCaps(VOID);
/* effective := Effective, permitted and inheritable unchanged (capget then capset). */
int HostSysSetEffectiveCaps(unsigned long long Effective);
int HostSysGetInheritableCaps(unsigned long long *Inheritable, unsigned long long *Ambient);
/* New processes (spawnchild.c): effective := permitted; PR_SET/GET_NO_NEW_PRIVS. */
int HostSysRaiseEffectiveCaps(VOID);
int HostSysLockOutRootCaps(VOID);
int HostSysGetSecureBits(unsigned long *Bits);
int HostSysSetNoNewPrivs(VOID);
int HostSysGetNoNewPrivs(int *Set);

/* ---- creds helpers (switch.c) ---- */
NTSTATUS HostCredsReserve(PHOST_CREDS Creds, ULONG Count);
/* HostCredsReserve for HostBase, whose block is tagged HOSTP_BASE_TAG. */
NTSTATUS HostCredsReserveBase(ULONG Count);
VOID HostCredsFree(PHOST_CREDS Creds);
NTSTATUS HostCredsCopy(PHOST_CREDS Dest, const HOST_CREDS *Source);
/* Adds Gid keeping Groups sorted and unique. */
NTSTATUS HostCredsAddGroup(PHOST_CREDS Creds, gid_t Gid);
/* TRUE iff a and b grant the same access: same uid, gid, and supplementary set apart from
 * each one's own gid. */
BOOLEAN HostCredsSameAccess(const HOST_CREDS *a, const HOST_CREDS *b);
BOOLEAN HostCredsSameGroupsExactly(const HOST_CREDS *a, const HOST_CREDS *b);

/*
 * HostComputeTarget - the Linux identity for Token at Level (docs/host.md "Mapping" and
 * "Token properties Linux cannot express"); HostComputeTargetEx also says why an identity
 * weaker than the token's user was chosen (*Reason, HOST_REASON_*; HostReasonText).
 * Token NULL means the base identity. Reads Token under its shared lock; no references.
 * STATUS_NONE_MAPPED (user unmappable where the uid would be the user's),
 * STATUS_TOO_MANY_SIDS (more than the kernel's group limit), STATUS_NO_MEMORY. Target's
 * group buffer is (re)allocated as needed and owned by the caller (HostCredsFree).
 */
NTSTATUS HostComputeTarget(PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level, PHOST_CREDS Target,
                           ULONG *Class);
NTSTATUS HostComputeTargetEx(PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level, PHOST_CREDS Target,
                             ULONG *Class, ULONG *Reason);
#define HOST_REASON_NONE 0                 /* the user's uid and the granting groups */
#define HOST_REASON_LEVEL 1                /* Identification / Anonymous level */
#define HOST_REASON_ANONYMOUS 2            /* the user is ANONYMOUS LOGON */
#define HOST_REASON_INTEGRITY 3            /* integrity below Medium */
#define HOST_REASON_USER_DENY_ONLY 4       /* user SID deny-only: unprivileged uid, groups kept */
#define HOST_REASON_USER_NOT_RESTRICTING 5 /* restricted, user not restricting: unprivileged uid */
const char *HostReasonText(ULONG Reason);
/* TRUE (and *Gid) iff group Index of Token becomes a supplementary gid: enabled, not
 * deny-only, not the label, mapped, and a restricting SID when the token is restricted.
 * Call under Token's lock. */
BOOLEAN HostGroupGrants(PTOKEN Token, ULONG Index, gid_t *Gid);

/* Switches the calling thread (Thread must be the calling thread). */
NTSTATUS HostSwitchCurrent(PETHREAD Thread, PTOKEN NewToken, SECURITY_IMPERSONATION_LEVEL Level);
/* Reads the calling thread's effective token and switches to it (PSP_HOST_DIRTY path). */
NTSTATUS HostSyncCurrent(PETHREAD Thread);
/* Restores the base identity of the calling thread, bug-checking on failure (teardown). */
VOID HostRestoreBaseOrDie(PETHREAD Thread);
/* Frees Thread->Host. */
VOID HostFreeThread(PETHREAD Thread);
/* Makes the calling thread's current (impersonated) identity permanent: real, effective,
 * saved and fs ids all become the current ones (run-as before execve). */
NTSTATUS HostMakePermanent(PETHREAD Thread);

/* ---- gate.c: mode changes vs. the switch path; the thread registry ---- */
VOID HostGateEnter(VOID);     /* every backend entry point; nests */
VOID HostGateLeave(VOID);
VOID HostGateLeaveAll(VOID);  /* HostFatal, before the bug check */
BOOLEAN HostGateInside(VOID);
/* Fork (additive hooks, called by src/ex/fork.c; docs/workers.md "fork()"): the enable
 * lock (hostapi.c) first, the registry lock (gate.c) last. */
VOID HostForkPrepare(VOID);
VOID HostForkParent(VOID);
VOID HostForkChild(VOID);
VOID HostGateForkPrepare(VOID);
VOID HostGateForkParent(VOID);
VOID HostGateForkChild(PETHREAD Self);
VOID HostBeginModeChange(VOID); /* under the enable lock: waits until nobody is inside */
VOID HostEndModeChange(VOID);
BOOLEAN HostModeChangeInProgress(VOID); /* tests */
/* The state letter (field 3) and start time (field 22) of a /proc/PID/task/TID/stat text of
 * Length bytes (not NUL-terminated; hostile: fuzz/fuzz_taskstat.c). FALSE if malformed. */
BOOLEAN HostParseTaskStat(const char *Text, size_t Length, unsigned long long *StartTime, char *State);
VOID HostRegisterThread(PHOST_THREAD h, PETHREAD Thread);
VOID HostUnregisterThread(PHOST_THREAD h);
/* During a mode change: the states of registered threads that are gone, unlinked and no
 * longer counted as switched, linked through Next. */
PHOST_THREAD HostCollectExitedThreads(VOID);
/* After the change: frees them and runs PspReapExitedThread on each; returns how many. */
ULONG HostReapCollected(PHOST_THREAD Collected);

/* TRUE once HostFatal ran on the calling thread: it ends, its credentials die with it. */
BOOLEAN HostThreadBugChecked(VOID);

/* Bug-check on a failed rollback; never returns (docs/host.md "Fail closed"). Leaves the
 * gate first, and releases the token reference HostSyncCurrent held, if any. */
__attribute__((noreturn)) VOID HostFatal(ULONG Step, int Error, uid_t Uid);

#endif /* NTSEC_HOSTP_H */
