/*
 * spawn.c - NtsecCreateProcessAsToken, the caller's half (docs/host.md "New processes").
 *
 * On Windows a new process gets its creator's primary token, never the impersonation token
 * of the creating thread; CreateProcessAsUser is how a server starts a program as its
 * client. This is that call for Linux: the token's identity is computed here, in the caller,
 * by the host backend's own rules (HostComputeTarget: what a thread impersonating the
 * token would get, so a process never gets more than a thread would), then the child
 * (spawnchild.c) takes it permanently before execve and reports any failure over a CLOEXEC
 * pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host/spawn.h"
#include "ex/pooltags.h"

#define HOSTP_MAX_CHILD_FD 65536

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define HOSTP_PROCESS_FLAGS (NTSEC_PROCESS_NEW_SESSION | NTSEC_PROCESS_CONTROLLING_TERMINAL | \
                             NTSEC_PROCESS_SEARCH_PATH | NTSEC_PROCESS_NO_NEW_PRIVS)

/* The descriptor list: sane numbers, no ChildFd twice, every ParentFd open. */
static NTSTATUS HostpCheckFds(const NTSEC_PROCESS_FD *Fds, ULONG Count, ULONG Flags, int *Highest)
{
    BOOLEAN ttyAtZero = FALSE;
    *Highest = 0;
    for (ULONG i = 0; i < Count; i++) {
        if (Fds[i].ParentFd < 0 || Fds[i].ChildFd < 0 || Fds[i].ChildFd >= HOSTP_MAX_CHILD_FD)
            return STATUS_INVALID_PARAMETER;
        for (ULONG j = 0; j < i; j++)
            if (Fds[j].ChildFd == Fds[i].ChildFd)
                return STATUS_INVALID_PARAMETER;
        if (fcntl(Fds[i].ParentFd, F_GETFD) < 0)
            return STATUS_INVALID_HANDLE;
        if (Fds[i].ChildFd == 0 && isatty(Fds[i].ParentFd))
            ttyAtZero = TRUE;
        if (Fds[i].ParentFd > *Highest)
            *Highest = Fds[i].ParentFd;
        if (Fds[i].ChildFd > *Highest)
            *Highest = Fds[i].ChildFd;
    }
    if ((Flags & NTSEC_PROCESS_CONTROLLING_TERMINAL) && !ttyAtZero)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

static VOID HostpReap(pid_t Pid)
{
    while (waitpid(Pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

static VOID HostpClose(int *Fd)
{
    if (*Fd >= 0)
        close(*Fd);
    *Fd = -1;
}

/*
 * HostpForkAndWait - forks, lets the child run HostSpawnChild, and waits for execve (EOF on
 * the report pipe) or a report. On success *Pid is the running child and *Pidfd (when
 * wanted) its pidfd, owned by the caller; on failure the child has been reaped.
 */
static NTSTATUS HostpForkAndWait(PHOST_SPAWN_PLAN Plan, BOOLEAN WantPidfd, pid_t *Pid, int *Pidfd)
{
    int report[2] = {-1, -1}, go[2] = {-1, -1};
    *Pidfd = -1;
    if (WantPidfd) {
        int probe = (int)syscall(SYS_pidfd_open, getpid(), 0);
        if (probe < 0)
            return errno == ENOSYS ? STATUS_NOT_SUPPORTED : STATUS_INSUFFICIENT_RESOURCES;
        close(probe);
    }
    if (pipe2(report, O_CLOEXEC) != 0 || (WantPidfd && pipe2(go, O_CLOEXEC) != 0)) {
        HostpClose(&report[0]);
        HostpClose(&report[1]);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Plan->StatusFd = report[1];
    Plan->GoFd = go[0];
    Plan->CallerFds[0] = report[0];
    Plan->CallerFds[1] = go[1];
    pid_t pid = fork();
    if (pid == 0)
        HostSpawnChild(Plan);
    int forkError = errno;
    HostpClose(&report[1]);
    HostpClose(&go[0]);
    if (pid < 0) {
        HostpClose(&report[0]);
        HostpClose(&go[1]);
        return forkError == ENOMEM ? STATUS_NO_MEMORY : STATUS_INSUFFICIENT_RESOURCES;
    }
    NTSTATUS st = STATUS_SUCCESS;
    if (WantPidfd) {
        /* The child waits for this byte before execve, so a pidfd that cannot be opened
         * means no program ran: closing the pipe makes the child leave. */
        *Pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (*Pidfd < 0 || write(go[1], "g", 1) != 1)
            st = STATUS_INSUFFICIENT_RESOURCES;
        HostpClose(&go[1]);
    }
    HOST_SPAWN_REPORT r;
    size_t got = 0;
    while (got < sizeof(r)) {
        ssize_t n = read(report[0], (char *)&r + got, sizeof(r) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    HostpClose(&report[0]);
    if (NT_SUCCESS(st) && got != 0)
        st = got == sizeof(r) && !NT_SUCCESS(r.Status) ? r.Status : STATUS_UNSUCCESSFUL;
    if (!NT_SUCCESS(st)) {
        HostpReap(pid);
        HostpClose(Pidfd);
        return st;
    }
    *Pid = pid;
    return STATUS_SUCCESS;
}

/*
 * NtsecCreateProcessAsToken - see ntsec.h. Token is borrowed (no reference taken or kept:
 * the child is a Linux process, which has no token object); the pidfd returned in *PidFd
 * is the caller's to close, and the child is the caller's to reap.
 * @remarks CreateProcessAsUser needs a primary token; DuplicateTokenEx makes one of an
 * impersonation token only at Impersonation or Delegation level (an Identification token
 * cannot be used for access, spec 2.6), so those levels fail with
 * STATUS_BAD_IMPERSONATION_LEVEL rather than starting a program the client never allowed.
 * The Windows caller needs SeAssignPrimaryTokenPrivilege; here the kernel decides
 * (CAP_SETUID and CAP_SETGID in the caller's permitted set).
 */
NTSTATUS NtsecCreateProcessAsToken(PACCESS_TOKEN Token, PCSTR Path, PCSTR const *Argv,
                                   PCSTR const *Envp, const NTSEC_PROCESS_FD *Fds,
                                   ULONG FdCount, ULONG Flags, int *ProcessId, int *PidFd)
{
    if (Token == NULL || Path == NULL || Path[0] == '\0' || Argv == NULL ||
        (ProcessId == NULL && PidFd == NULL) || (Flags & ~HOSTP_PROCESS_FLAGS) != 0 ||
        FdCount > NTSEC_PROCESS_MAX_FDS || (FdCount != 0 && Fds == NULL))
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, "NtsecCreateProcessAsToken"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    SECURITY_IMPERSONATION_LEVEL level = SecurityImpersonation;
    if (token->TokenType == TokenImpersonation) {
        if (token->ImpersonationLevel < SecurityImpersonation)
            return STATUS_BAD_IMPERSONATION_LEVEL;
        level = token->ImpersonationLevel;
    }
    HOST_SPAWN_PLAN plan;
    memset(&plan, 0, sizeof(plan));
    NTSTATUS st = HostpCheckFds(Fds, FdCount, Flags, &plan.HighestFd);
    if (!NT_SUCCESS(st))
        return st;
    ULONG cls = 0;
    st = HostComputeTarget(token, level, &plan.Target, &cls);
    if (NT_SUCCESS(st) && (plan.Target.Uid == (uid_t)-1 || plan.Target.Gid == (gid_t)-1))
        st = STATUS_UNSUCCESSFUL; /* -1 would mean "unchanged" to setresuid: never */
    if (NT_SUCCESS(st)) {
        plan.ScratchCapacity = plan.Target.GroupCount + 1;
        plan.Scratch = ExAllocatePoolWithTag(PagedPool, (SIZE_T)plan.ScratchCapacity * sizeof(gid_t),
                                             HOSTP_SPAWN_TAG);
        if (plan.Scratch == NULL)
            st = STATUS_NO_MEMORY;
    }
    if (NT_SUCCESS(st)) {
        plan.Path = Path;
        plan.Argv = (char *const *)Argv;
        plan.Envp = Envp != NULL ? (char *const *)Envp : environ;
        plan.Fds = Fds;
        plan.FdCount = FdCount;
        plan.Flags = Flags;
        pid_t pid = -1;
        int pidfd = -1;
        st = HostpForkAndWait(&plan, PidFd != NULL, &pid, &pidfd);
        if (NT_SUCCESS(st)) {
            if (ProcessId != NULL)
                *ProcessId = pid;
            if (PidFd != NULL)
                *PidFd = pidfd;
        }
    }
    if (plan.Scratch != NULL)
        ExFreePool(plan.Scratch);
    HostCredsFree(&plan.Target);
    return st;
}
