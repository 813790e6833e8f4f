/*
 * syscalls.c - the only place in ntsec that changes Linux credentials.
 *
 * Every call goes straight to the kernel through syscall(SYS_...), which changes the
 * credentials of the calling thread only. glibc's setresuid/setgroups wrappers are never
 * used: they broadcast the change to every thread of the process (the "setxid" signal
 * dance), which is exactly what a server impersonating one client per thread must avoid.
 *
 * Test seam: NtsecHostInjectFailure(Step) makes the Step-th credential syscall issued by
 * the calling thread from now fail (EPERM for a change, EIO for a read-back), without
 * reaching the kernel; with NTSEC_HOST_FAIL_ONWARD, that one and every later one fail.
 * NtsecHostSyscallCount() counts the calls made by this thread - every syscall issued
 * here, capget and prctl included (HostpCount) - so tests and benchmarks can prove that a
 * switch to the credentials a thread already has makes none, and count the rest.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host/hostp.h"
#include "ob/obp.h"

/*
 * The credential syscalls take 32-bit ids. On 32-bit ABIs that still carry the 16-bit
 * originals (i386, arm), the 32-bit ones are the *32 numbers: chosen here by what the
 * build's headers define (Samba's setid.c habit), never assumed.
 */
_Static_assert(sizeof(uid_t) == 4 && sizeof(gid_t) == 4, "ntsec needs 32-bit uid_t and gid_t");
#ifdef SYS_setresuid32
#define HOSTP_SYS_SETRESUID SYS_setresuid32
#define HOSTP_SYS_SETRESGID SYS_setresgid32
#define HOSTP_SYS_SETGROUPS SYS_setgroups32
#define HOSTP_SYS_SETFSUID SYS_setfsuid32
#define HOSTP_SYS_SETFSGID SYS_setfsgid32
#define HOSTP_SYS_GETGROUPS SYS_getgroups32
#define HOSTP_SYS_GETRESUID SYS_getresuid32
#define HOSTP_SYS_GETRESGID SYS_getresgid32
#else
#define HOSTP_SYS_SETRESUID SYS_setresuid
#define HOSTP_SYS_SETRESGID SYS_setresgid
#define HOSTP_SYS_SETGROUPS SYS_setgroups
#define HOSTP_SYS_SETFSUID SYS_setfsuid
#define HOSTP_SYS_SETFSGID SYS_setfsgid
#define HOSTP_SYS_GETGROUPS SYS_getgroups
#define HOSTP_SYS_GETRESUID SYS_getresuid
#define HOSTP_SYS_GETRESGID SYS_getresgid
#endif

static NTSEC_HOT_TLS ULONG HostpFailAt;       /* 0: off; else countdown */
static NTSEC_HOT_TLS BOOLEAN HostpFailOnward; /* keep failing once the countdown hit */
static NTSEC_HOT_TLS BOOLEAN HostpFailing;
static __thread ULONG HostpSyscalls;

VOID NtsecHostInjectFailure(ULONG Step)
{
    HostpFailOnward = (Step & NTSEC_HOST_FAIL_ONWARD) != 0;
    HostpFailAt = Step & ~NTSEC_HOST_FAIL_ONWARD;
    HostpFailing = FALSE;
}

ULONG NtsecHostSyscallCount(VOID)
{
    return HostpSyscalls;
}

/* Counts a syscall that the test seam does not fail (the extra capget of a
 * read-modify-write, capget reads, prctl): the seam's step numbering is unchanged. */
static inline VOID HostpCount(VOID)
{
    HostpSyscalls++;
}

/* Counts one syscall; TRUE if the test seam says this one fails. */
static BOOLEAN HostpInjected(VOID)
{
    HostpSyscalls++;
    if (HostpFailing)
        return TRUE;
    if (HostpFailAt != 0 && --HostpFailAt == 0) {
        HostpFailing = HostpFailOnward;
        return TRUE;
    }
    return FALSE;
}

static int HostpResult(long rc)
{
    return rc == 0 ? 0 : (errno != 0 ? errno : EPERM);
}

int HostSysSetGroups(ULONG Count, const gid_t *Groups)
{
    if (HostpInjected())
        return EPERM;
    return HostpResult(syscall(HOSTP_SYS_SETGROUPS, (size_t)Count, Groups));
}

int HostSysGetGroups(ULONG Capacity, gid_t *Groups, ULONG *Count)
{
    if (HostpInjected())
        return EIO;
    long n = syscall(HOSTP_SYS_GETGROUPS, (int)Capacity, Groups);
    if (n < 0)
        return errno != 0 ? errno : EIO;
    *Count = (ULONG)n;
    return 0;
}

int HostSysSetResUid(uid_t Ruid, uid_t Euid, uid_t Suid)
{
    if (HostpInjected())
        return EPERM;
    return HostpResult(syscall(HOSTP_SYS_SETRESUID, Ruid, Euid, Suid));
}

int HostSysSetResGid(gid_t Rgid, gid_t Egid, gid_t Sgid)
{
    if (HostpInjected())
        return EPERM;
    return HostpResult(syscall(HOSTP_SYS_SETRESGID, Rgid, Egid, Sgid));
}

int HostSysGetResUid(uid_t *Ruid, uid_t *Euid, uid_t *Suid)
{
    if (HostpInjected())
        return EIO;
    return HostpResult(syscall(HOSTP_SYS_GETRESUID, Ruid, Euid, Suid));
}

int HostSysGetResGid(gid_t *Rgid, gid_t *Egid, gid_t *Sgid)
{
    if (HostpInjected())
        return EIO;
    return HostpResult(syscall(HOSTP_SYS_GETRESGID, Rgid, Egid, Sgid));
}

/* setfsuid never reports failure; it returns the previous fsuid. The caller verifies by
 * reading the value back with HostSysGetFsUid. */
int HostSysSetFsUid(uid_t Uid, uid_t *Previous)
{
    if (HostpInjected())
        return EPERM;
    long old = syscall(HOSTP_SYS_SETFSUID, Uid);
    if (Previous != NULL)
        *Previous = (uid_t)old;
    return 0;
}

int HostSysSetFsGid(gid_t Gid, gid_t *Previous)
{
    if (HostpInjected())
        return EPERM;
    long old = syscall(HOSTP_SYS_SETFSGID, Gid);
    if (Previous != NULL)
        *Previous = (gid_t)old;
    return 0;
}

/* setfsuid(-1) is an invalid id: the kernel changes nothing and returns the current fsuid. */
int HostSysGetFsUid(uid_t *Uid)
{
    if (HostpInjected())
        return EIO;
    *Uid = (uid_t)syscall(HOSTP_SYS_SETFSUID, (uid_t)-1);
    return 0;
}

int HostSysGetFsGid(gid_t *Gid)
{
    if (HostpInjected())
        return EIO;
    *Gid = (gid_t)syscall(HOSTP_SYS_SETFSGID, (gid_t)-1);
    return 0;
}

int HostSysGetCaps(unsigned long long *Effective, unsigned long long *Permitted)
{
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
    HostpCount();
    if (syscall(SYS_capget, &header, data) != 0)
        return errno != 0 ? errno : EPERM;
    *Effective = (unsigned long long)data[0].effective |
                 ((unsigned long long)data[1].effective << 32);
    *Permitted = (unsigned long long)data[0].permitted |
                 ((unsigned long long)data[1].permitted << 32);
    return 0;
}

/* Empties every capability set of the calling thread: ambient (prctl), then inheritable,
 * permitted and effective (capset). Dropping needs no privilege. */
int HostSysDropAllCaps(VOID)
{
    if (HostpInjected())
        return EPERM;
    HostpCount();
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return errno != 0 ? errno : EPERM;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
    return HostpResult(syscall(SYS_capset, &header, data));
}

/* Inheritable and ambient capability masks of the calling thread (capget, prctl). */
int HostSysGetInheritableCaps(unsigned long long *Inheritable, unsigned long long *Ambient)
{
    if (HostpInjected())
        return EIO;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
    if (syscall(SYS_capget, &header, data) != 0)
        return errno != 0 ? errno : EIO;
    *Inheritable = (unsigned long long)data[0].inheritable |
                   ((unsigned long long)data[1].inheritable << 32);
    *Ambient = 0;
    for (int cap = 0; cap < 64; cap++) {
        HostpCount();
        int r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
        if (r < 0)
            break; /* past the last capability the kernel knows (EINVAL) */
        if (r == 1)
            *Ambient |= 1ULL << cap;
    }
    return 0;
}

int HostSysSetEffectiveCaps(unsigned long long Effective)
{
    if (HostpInjected())
        return EPERM;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
    HostpCount();
    if (syscall(SYS_capget, &header, data) != 0)
        return errno != 0 ? errno : EPERM;
    data[0].effective = (__u32)Effective;
    data[1].effective = (__u32)(Effective >> 32);
    return HostpResult(syscall(SYS_capset, &header, data));
}

/* ---- new processes (spawnchild.c runs these in the child, before execve) ---- */

/* effective := permitted (raising within permitted needs no privilege). */
int HostSysRaiseEffectiveCaps(VOID)
{
    if (HostpInjected())
        return EPERM;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
    HostpCount();
    if (syscall(SYS_capget, &header, data) != 0)
        return errno != 0 ? errno : EPERM;
    data[0].effective = data[0].permitted;
    data[1].effective = data[1].permitted;
    return HostpResult(syscall(SYS_capset, &header, data));
}

/*
 * HostSysLockOutRootCaps - for a process that is to run as uid 0 without any capability:
 * SECBIT_NOROOT (execve by uid 0 grants no capabilities) and SECBIT_NO_SETUID_FIXUP, each
 * with its lock bit so the program cannot undo them (capabilities(7) "securebits"). Needs
 * CAP_SETPCAP, which a root caller still has at this point.
 */
int HostSysLockOutRootCaps(VOID)
{
    if (HostpInjected())
        return EPERM;
    return HostpResult(prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                                    SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0, 0));
}

/* The calling thread's securebits (prctl PR_GET_SECUREBITS). */
int HostSysGetSecureBits(unsigned long *Bits)
{
    if (HostpInjected())
        return EIO;
    int r = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
    if (r < 0)
        return errno != 0 ? errno : EIO;
    *Bits = (unsigned long)r;
    return 0;
}

int HostSysSetNoNewPrivs(VOID)
{
    if (HostpInjected())
        return EPERM;
    return HostpResult(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
}

int HostSysGetNoNewPrivs(int *Set)
{
    if (HostpInjected())
        return EIO;
    int r = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (r < 0)
        return errno != 0 ? errno : EIO;
    *Set = r;
    return 0;
}
