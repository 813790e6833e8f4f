/*
 * spawn.h - NtsecCreateProcessAsToken's two halves (docs/host.md "New processes"):
 * spawn.c runs in the caller (validation, the token's Linux identity, fork, the report),
 * spawnchild.c in the forked child between fork and execve.
 */
#ifndef NTSEC_HOST_SPAWN_H
#define NTSEC_HOST_SPAWN_H

#include "host/hostp.h"

/* Steps of the child, reported with a failure (HOST_SPAWN_REPORT::Step). */
#define HOST_SPAWN_STEP_FDS     1  /* placing the passed descriptors, closing the rest */
#define HOST_SPAWN_STEP_SESSION 2  /* setsid */
#define HOST_SPAWN_STEP_TTY     3  /* TIOCSCTTY on child fd 0 */
#define HOST_SPAWN_STEP_RAISE   4  /* the caller's own (base) euid and permitted capabilities */
#define HOST_SPAWN_STEP_GROUPS  5
#define HOST_SPAWN_STEP_GID     6
#define HOST_SPAWN_STEP_UID     7
#define HOST_SPAWN_STEP_CAPS    8  /* every capability set emptied (non-root identity) */
#define HOST_SPAWN_STEP_NNP     9  /* no_new_privs */
#define HOST_SPAWN_STEP_VERIFY  10 /* ids, groups, capability sets read back */
#define HOST_SPAWN_STEP_SIGNALS 11 /* default dispositions, empty mask */
#define HOST_SPAWN_STEP_GO      12 /* waiting for the caller (pidfd opened) */
#define HOST_SPAWN_STEP_EXEC    13

/* Everything the child needs, prepared by the caller before fork: the child calls no
 * allocator and takes no lock (another thread of the caller may have held one at fork). */
typedef struct _HOST_SPAWN_PLAN {
    HOST_CREDS Target;              /* the token's identity (groups sorted, unique) */
    PCSTR Path;
    char *const *Argv;
    char *const *Envp;
    const NTSEC_PROCESS_FD *Fds;
    ULONG FdCount;
    int HighestFd;                  /* the largest ParentFd or ChildFd */
    ULONG Flags;                    /* NTSEC_PROCESS_* */
    int StatusFd;                   /* write end of the CLOEXEC report pipe */
    int GoFd;                       /* read end of the go pipe, or -1 */
    int CallerFds[2];               /* the caller's pipe ends: closed first in the child */
    gid_t *Scratch;                 /* getgroups buffer for verification */
    ULONG ScratchCapacity;          /* Target.GroupCount + 1 */
} HOST_SPAWN_PLAN, *PHOST_SPAWN_PLAN;

/* What a child that could not reach execve writes to StatusFd before _exit(127). */
typedef struct _HOST_SPAWN_REPORT {
    NTSTATUS Status;
    ULONG Step;                     /* HOST_SPAWN_STEP_* */
    int Error;                      /* errno of the failed call, 0 for a verification mismatch */
} HOST_SPAWN_REPORT;

/*
 * HostSpawnChild - in the forked child: descriptors, session, identity, capabilities,
 * verification, then execve. Never returns: on any failure it reports and _exits(127),
 * so no program ever runs with a partly switched identity. Async-signal-safe calls only.
 */
__attribute__((noreturn)) VOID HostSpawnChild(const HOST_SPAWN_PLAN *Plan);

#endif /* NTSEC_HOST_SPAWN_H */
