/*
 * spawnchild.c - the child half of NtsecCreateProcessAsToken (docs/host.md "New
 * processes"): between fork and execve, with async-signal-safe calls only.
 *
 * Order: descriptors (the passed ones placed, everything else closed or CLOEXEC), session
 * and controlling terminal, the caller's permitted capabilities made effective (a thread
 * that impersonates runs with an empty or reduced effective set), groups, gid, uid (all
 * three of each: permanent), every capability set emptied for a non-root identity,
 * no_new_privs when asked, then everything read back. Only then execve. Any failure is
 * written to the report pipe (CLOEXEC: the caller reads EOF when execve succeeded) and the
 * child _exits(127): no program ever starts with a half-switched identity.
 *
 * Credential syscalls go through syscalls.c (raw, this thread; the fault-injection seam of
 * the calling thread is inherited by the child, which is how tests reach every step).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#include <linux/securebits.h>
#include "host/spawn.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static NTSTATUS HostpCredsStatus(int Error)
{
    switch (Error) {
    case 0: return STATUS_UNSUCCESSFUL; /* a read-back that differs */
    case EPERM: return STATUS_PRIVILEGE_NOT_HELD;
    case EINVAL: return STATUS_INVALID_PARAMETER;
    case ENOMEM: return STATUS_NO_MEMORY;
    default: return STATUS_UNSUCCESSFUL;
    }
}

/* CreateProcess's statuses for the reasons execve gives. */
static NTSTATUS HostpExecStatus(int Error)
{
    switch (Error) {
    case ENOENT: case ENOTDIR: return STATUS_OBJECT_NAME_NOT_FOUND;
    case EACCES: case EPERM: return STATUS_ACCESS_DENIED;
    case ENOEXEC: case ELIBBAD: return STATUS_INVALID_IMAGE_FORMAT;
    case ETXTBSY: return STATUS_SHARING_VIOLATION;
    case ENAMETOOLONG: case ELOOP: return STATUS_OBJECT_NAME_INVALID;
    case E2BIG: return STATUS_INVALID_PARAMETER;
    case ENOMEM: return STATUS_NO_MEMORY;
    case EMFILE: case ENFILE: return STATUS_TOO_MANY_OPENED_FILES;
    default: return STATUS_UNSUCCESSFUL;
    }
}

__attribute__((noreturn)) static VOID HostpReport(int Fd, NTSTATUS Status, ULONG Step, int Error)
{
    HOST_SPAWN_REPORT r = {Status, Step, Error};
    const char *p = (const char *)&r;
    size_t left = sizeof(r);
    while (left > 0) {
        ssize_t n = write(Fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
    _exit(127);
}

static BOOLEAN HostpIsChildFd(const HOST_SPAWN_PLAN *P, int Fd)
{
    for (ULONG i = 0; i < P->FdCount; i++)
        if (P->Fds[i].ChildFd == Fd)
            return TRUE;
    return FALSE;
}

/*
 * HostpPlaceFds - Fds[i].ParentFd becomes ChildFd (no CLOEXEC); the report and go pipes
 * move above every number in play (CLOEXEC); every other descriptor is closed (up to
 * HighestFd) or marked CLOEXEC (above it). Returns 0 or an errno.
 */
static int HostpPlaceFds(const HOST_SPAWN_PLAN *P, int *StatusFd, int *GoFd)
{
    int floor = P->HighestFd + 1;
    int s = fcntl(P->StatusFd, F_DUPFD_CLOEXEC, floor);
    if (s < 0)
        return errno;
    *StatusFd = s;
    if (P->GoFd >= 0 && (*GoFd = fcntl(P->GoFd, F_DUPFD_CLOEXEC, floor)) < 0)
        return errno;
    int temp[NTSEC_PROCESS_MAX_FDS];
    for (ULONG i = 0; i < P->FdCount; i++)
        if ((temp[i] = fcntl(P->Fds[i].ParentFd, F_DUPFD_CLOEXEC, floor)) < 0)
            return errno;
    for (ULONG i = 0; i < P->FdCount; i++)
        if (dup2(temp[i], P->Fds[i].ChildFd) < 0)
            return errno;
    for (ULONG i = 0; i < P->FdCount; i++)
        close(temp[i]);
    for (int fd = 0; fd <= P->HighestFd; fd++)
        if (!HostpIsChildFd(P, fd))
            close(fd); /* EBADF for the ones that were not open */
    if (syscall(SYS_close_range, (unsigned)floor, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        /* kernels before 5.11: every descriptor the limit allows */
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
            return errno;
        for (rlim_t fd = (rlim_t)floor; fd < rl.rlim_cur; fd++)
            (void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

/* Every identity step and its read-back. *Step names the failing one. */
static int HostpBecome(const HOST_SPAWN_PLAN *P, ULONG *Step)
{
    const HOST_CREDS *t = &P->Target;
    int rc;
    /* The forking thread may be impersonating: its effective set is then empty (euid
     * mode) or without the file-system capabilities (fsuid mode), while the permitted
     * set - the way back - still holds CAP_SETUID/CAP_SETGID. */
    *Step = HOST_SPAWN_STEP_RAISE;
    if ((rc = HostSysRaiseEffectiveCaps()) != 0)
        return rc;
    *Step = HOST_SPAWN_STEP_GROUPS;
    if ((rc = HostSysSetGroups(t->GroupCount, t->Groups)) != 0)
        return rc;
    *Step = HOST_SPAWN_STEP_GID;
    if ((rc = HostSysSetResGid(t->Gid, t->Gid, t->Gid)) != 0)
        return rc;
    *Step = HOST_SPAWN_STEP_UID;
    if ((rc = HostSysSetResUid(t->Uid, t->Uid, t->Uid)) != 0)
        return rc;
    /* No identity keeps a capability (no privilege becomes one, docs/host.md "New
     * processes"): the kernel clears permitted only when leaving uid 0 without
     * SECBIT_KEEP_CAPS, and never the inheritable set, and a caller holding CAP_SETUID as
     * an ambient capability would pass it through execve. A uid-0 identity (a token whose
     * user is S-1-22-1-0) would get every capability back from execve itself: locked
     * securebits stop that, so the program runs as uid 0 with what uid 0 owns and no more,
     * as the thread backend does for the same token. */
    *Step = HOST_SPAWN_STEP_CAPS;
    if (t->Uid == 0 && (rc = HostSysLockOutRootCaps()) != 0)
        return rc;
    if ((rc = HostSysDropAllCaps()) != 0)
        return rc;
    *Step = HOST_SPAWN_STEP_NNP;
    if ((P->Flags & NTSEC_PROCESS_NO_NEW_PRIVS) && (rc = HostSysSetNoNewPrivs()) != 0)
        return rc;

    *Step = HOST_SPAWN_STEP_VERIFY;
    uid_t r, e, s, fs;
    gid_t rg, eg, sg, fsg;
    ULONG count = 0;
    if ((rc = HostSysGetResUid(&r, &e, &s)) != 0 || (rc = HostSysGetResGid(&rg, &eg, &sg)) != 0 ||
        (rc = HostSysGetFsUid(&fs)) != 0 || (rc = HostSysGetFsGid(&fsg)) != 0 ||
        (rc = HostSysGetGroups(P->ScratchCapacity, P->Scratch, &count)) != 0)
        return rc;
    if (r != t->Uid || e != t->Uid || s != t->Uid || fs != t->Uid || rg != t->Gid ||
        eg != t->Gid || sg != t->Gid || fsg != t->Gid || count != t->GroupCount ||
        (count != 0 && memcmp(P->Scratch, t->Groups, (size_t)count * sizeof(gid_t)) != 0))
        return -1;
    unsigned long long effective = 1, permitted = 1, inheritable = 1, ambient = 1;
    if ((rc = HostSysGetCaps(&effective, &permitted)) != 0 ||
        (rc = HostSysGetInheritableCaps(&inheritable, &ambient)) != 0)
        return rc;
    if ((effective | permitted | inheritable | ambient) != 0)
        return -1;
    if (t->Uid == 0) {
        unsigned long bits = 0;
        if ((rc = HostSysGetSecureBits(&bits)) != 0)
            return rc;
        if ((bits & (SECBIT_NOROOT | SECBIT_NOROOT_LOCKED)) != (SECBIT_NOROOT | SECBIT_NOROOT_LOCKED))
            return -1;
    }
    if (P->Flags & NTSEC_PROCESS_NO_NEW_PRIVS) {
        int set = 0;
        if ((rc = HostSysGetNoNewPrivs(&set)) != 0)
            return rc;
        if (set != 1)
            return -1;
    }
    return 0;
}

__attribute__((noreturn)) VOID HostSpawnChild(const HOST_SPAWN_PLAN *P)
{
    int report = P->StatusFd, go = -1;
    for (int i = 0; i < 2; i++)
        if (P->CallerFds[i] >= 0)
            close(P->CallerFds[i]); /* else the go pipe would never see EOF */
    int rc = HostpPlaceFds(P, &report, &go);
    if (rc != 0)
        HostpReport(report, rc == EBADF ? STATUS_INVALID_HANDLE
                            : rc == EMFILE ? STATUS_TOO_MANY_OPENED_FILES : STATUS_UNSUCCESSFUL,
                    HOST_SPAWN_STEP_FDS, rc);
    if ((P->Flags & (NTSEC_PROCESS_NEW_SESSION | NTSEC_PROCESS_CONTROLLING_TERMINAL)) && setsid() < 0)
        HostpReport(report, STATUS_UNSUCCESSFUL, HOST_SPAWN_STEP_SESSION, errno);
    /* TIOCSCTTY with 0: never steals a terminal that is another session's. */
    if ((P->Flags & NTSEC_PROCESS_CONTROLLING_TERMINAL) && ioctl(0, TIOCSCTTY, 0) != 0)
        HostpReport(report, errno == ENOTTY ? STATUS_INVALID_DEVICE_REQUEST : STATUS_ACCESS_DENIED,
                    HOST_SPAWN_STEP_TTY, errno);
    ULONG step = 0;
    rc = HostpBecome(P, &step);
    if (rc != 0)
        HostpReport(report, HostpCredsStatus(rc < 0 ? 0 : rc), step, rc < 0 ? 0 : rc);

    /* Dispositions the caller chose (SIG_IGN survives execve) and its mask are its own. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)sigaction(sig, &dfl, NULL); /* EINVAL for the numbers libc reserves */
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
        HostpReport(report, STATUS_UNSUCCESSFUL, HOST_SPAWN_STEP_SIGNALS, errno);

    if (go >= 0) {
        char byte = 0;
        ssize_t n;
        while ((n = read(go, &byte, 1)) < 0 && errno == EINTR)
            ;
        if (n != 1)
            _exit(127); /* the caller gave up (and reaps this child) */
    }
    if ((P->Flags & NTSEC_PROCESS_SEARCH_PATH) && strchr(P->Path, '/') == NULL)
        execvpe(P->Path, P->Argv, P->Envp);
    else
        execve(P->Path, P->Argv, P->Envp);
    rc = errno;
    HostpReport(report, HostpExecStatus(rc), HOST_SPAWN_STEP_EXEC, rc);
}
