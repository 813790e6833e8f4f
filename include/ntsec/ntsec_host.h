/*
 * ntsec_host.h - the Linux host backend: id map, credential switching, processes for a token.
 * Included by ntsec.h; see ntsec.h for the library-wide rules (buffers from Ntsec*
 * routines are freed with NtsecFree).
 */
#ifndef NTSEC_NTSEC_HOST_H
#define NTSEC_NTSEC_HOST_H

#include "ntifs.h"
#include "ntsec_token.h"

NTSEC_EXTERN_C_BEGIN

/* ---- Host credentials (src/host) ---- */
typedef enum _NTSEC_HOST_MODE {
    NtsecHostOff = 0,
    NtsecHostFsuid = 1,
    NtsecHostEuid = 2
} NTSEC_HOST_MODE;
/* Turns per-thread Linux credential switching on (fsuid/euid, from Off) or off
 * (docs/host.md "Turning the backend on and off"). A mode change and the credential
 * switches of other threads exclude each other. NtsecHostOff does not wait for switched
 * threads: while any other thread runs with switched credentials it fails with
 * STATUS_DEVICE_NOT_READY (and the caller keeps following its own impersonation); once
 * it succeeded no thread is or becomes switched. Threads that ended without teardown
 * (raw SYS_exit) do not block it: Off finds and reaps them. No lock is held across a
 * bug check. STATUS_INVALID_DEVICE_STATE when called from inside the backend. */
NTSEC_API NTSTATUS NtsecEnableHostCredentials(NTSEC_HOST_MODE Mode);

/* ---- Host backend ---- */
/* Loads a SID<->uid/gid mapping file (docs/host.md "Mapping file"); replaces the current map.
 * NULL Path: unload. STATUS_INVALID_PARAMETER with NtsecIdMapErrorText() naming the line. */
NTSEC_API NTSTATUS NtsecLoadIdMap(PCSTR Path);
NTSEC_API PCSTR NtsecIdMapErrorText(VOID);
/* NtsecUnixIdToSid - the SID the host backend maps a uid (Group FALSE) or gid (Group TRUE)
 * to (mapping-file entries first, then ranges, then S-1-22-1-N / S-1-22-2-N; docs/host.md
 * "Mapping"), written into the caller's Sid buffer of SidLength bytes. STATUS_BUFFER_TOO_SMALL
 * when SidLength < SECURITY_MAX_SID_SIZE, STATUS_INVALID_PARAMETER for a NULL Sid. No
 * references; the host backend need not be on. (ntsec-fsd derives a file's owner from it.) */
NTSEC_API NTSTATUS NtsecUnixIdToSid(ULONG Id, BOOLEAN Group, PSID Sid, ULONG SidLength);
/* The identity used for Identification/Anonymous-level impersonation (default nobody/nogroup). */
NTSEC_API NTSTATUS NtsecSetHostUnprivilegedIdentity(ULONG Uid, ULONG Gid);
/* Brings the calling thread's Linux credentials in line with its effective token. */
NTSEC_API NTSTATUS NtsecSyncHostCredentials(VOID);
/* The backend mode in force. */
NTSEC_API NTSEC_HOST_MODE NtsecHostCredentialsMode(VOID);
/* Test seam: the Step-th credential syscall of this thread from now fails (1 = the next);
 * with NTSEC_HOST_FAIL_ONWARD every later one fails too; 0 disables. */
#define NTSEC_HOST_FAIL_ONWARD 0x80000000UL
NTSEC_API VOID NtsecHostInjectFailure(ULONG Step);
/* Credential syscalls (changes and read-backs) issued by this thread so far. */
NTSEC_API ULONG NtsecHostSyscallCount(VOID);

/* ---- Processes for a token (src/host/spawn*.c; docs/host.md "New processes") ---- */
/* One descriptor the new process receives: the caller's ParentFd becomes ChildFd. */
typedef struct _NTSEC_PROCESS_FD {
    int ParentFd;
    int ChildFd;
} NTSEC_PROCESS_FD, *PNTSEC_PROCESS_FD;
#define NTSEC_PROCESS_NEW_SESSION         0x00000001UL /* setsid: no controlling terminal */
#define NTSEC_PROCESS_CONTROLLING_TERMINAL 0x00000002UL /* new session whose controlling
                                                          terminal is child fd 0 (a pty slave) */
#define NTSEC_PROCESS_SEARCH_PATH         0x00000004UL /* Path without '/' is looked up in PATH */
#define NTSEC_PROCESS_NO_NEW_PRIVS        0x00000008UL /* PR_SET_NO_NEW_PRIVS: setuid bits and
                                                          file capabilities give nothing */
#define NTSEC_PROCESS_MAX_FDS             1024U        /* entries in Fds; ChildFd < 65536 */
/*
 * NtsecCreateProcessAsToken - the CreateProcessAsUser analogue: executes Path (Argv, Envp;
 * NULL Envp: the caller's environment) in a new Linux process whose real, effective, saved
 * and fs uids and gids and supplementary groups are Token's Linux identity (docs/host.md
 * "Mapping", the rules the host backend uses for threads), permanently, and which holds no
 * capability unless that identity is uid 0. Token is a primary token, or an impersonation
 * token at Impersonation or Delegation level (used as DuplicateTokenEx would make a primary
 * token of it); Identification and Anonymous levels are STATUS_BAD_IMPERSONATION_LEVEL.
 * Token is borrowed: no reference is taken or kept. The child receives exactly Fds[FdCount]
 * (every other descriptor is closed before execve). *ProcessId and/or *PidFd (either may be
 * NULL, not both) receive the child's pid and a pidfd the caller owns and closes; the caller
 * reaps the child. Every failure before execve - in the caller or in the child - is the
 * returned status, and then no child is left (it was reaped). Does not need the host
 * backend to be on; needs CAP_SETUID and CAP_SETGID in the permitted set (else
 * STATUS_PRIVILEGE_NOT_HELD). Other statuses: STATUS_INVALID_PARAMETER,
 * STATUS_OBJECT_TYPE_MISMATCH, STATUS_NONE_MAPPED, STATUS_TOO_MANY_SIDS, STATUS_INVALID_HANDLE,
 * STATUS_OBJECT_NAME_NOT_FOUND, STATUS_ACCESS_DENIED, STATUS_INVALID_IMAGE_FORMAT,
 * STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES, STATUS_UNSUCCESSFUL (verification).
 */
NTSEC_API NTSTATUS NtsecCreateProcessAsToken(PACCESS_TOKEN Token, PCSTR Path, PCSTR const *Argv,
                                             PCSTR const *Envp, const NTSEC_PROCESS_FD *Fds,
                                             ULONG FdCount, ULONG Flags, int *ProcessId, int *PidFd);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_HOST_H */
