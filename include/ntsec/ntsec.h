/*
 * ntsec.h - the library's own setup and diagnostic API (Ntsec*).
 *
 * Buffers returned by Ntsec* routines are freed with NtsecFree.
 */
#ifndef NTSEC_NTSEC_H
#define NTSEC_NTSEC_H

#include "ntifs.h"

NTSEC_EXTERN_C_BEGIN

#define NTSEC_VERSION_MAJOR 0
#define NTSEC_VERSION_MINOR 1
#define NTSEC_VERSION_PATCH 0

/* ---- Memory ---- */
NTSEC_API VOID NtsecFree(PVOID Memory);

/* ---- SDDL (src/rtl/sddl*.c) ---- */
NTSEC_API NTSTATUS NtsecSddlToSecurityDescriptor(PCSTR Sddl, PSECURITY_DESCRIPTOR *SelfRelative,
                                                 PULONG Length);
NTSEC_API NTSTATUS NtsecSecurityDescriptorToSddl(PSECURITY_DESCRIPTOR Sd,
                                                 SECURITY_INFORMATION Info, PSTR *Sddl);
NTSEC_API NTSTATUS NtsecSetDomainSid(PSID DomainSid);
/* Text of the last parse error on this thread ("" if none); valid until the next call. */
NTSEC_API PCSTR NtsecLastErrorText(VOID);

/* ---- Tokens (src/se/tokentext*.c) ---- */
NTSEC_API NTSTATUS NtsecCreateTokenFromText(PCSTR Text, PACCESS_TOKEN *Token);
NTSEC_API NTSTATUS NtsecFormatToken(PACCESS_TOKEN Token, PSTR Buffer, SIZE_T Size, PSIZE_T Needed);
NTSEC_API NTSTATUS NtsecAdjustTokenPrivileges(PACCESS_TOKEN Token, BOOLEAN DisableAll,
                                              PTOKEN_PRIVILEGES NewState,
                                              PTOKEN_PRIVILEGES *PreviousState);
/* NtAdjustPrivilegesToken's shape (caller's PreviousState buffer of BufferLength bytes;
 * STATUS_BUFFER_TOO_SMALL with *ReturnLength set and the token unchanged when it is short).
 * A privilege named twice in NewState: the first entry decides, STATUS_NOT_ALL_ASSIGNED. */
NTSEC_API NTSTATUS NtsecAdjustTokenPrivilegesBuffer(PACCESS_TOKEN Token, BOOLEAN DisableAll,
                                                    PTOKEN_PRIVILEGES NewState, ULONG BufferLength,
                                                    PTOKEN_PRIVILEGES PreviousState,
                                                    PULONG ReturnLength);
NTSEC_API NTSTATUS NtsecDuplicateToken(PACCESS_TOKEN ExistingToken, TOKEN_TYPE TokenType,
                                       SECURITY_IMPERSONATION_LEVEL Level, BOOLEAN EffectiveOnly,
                                       PACCESS_TOKEN *NewToken);

/* ---- Processes and threads (src/ps) ---- */
NTSEC_API NTSTATUS NtsecCreateProcess(PACCESS_TOKEN PrimaryToken, PEPROCESS *Process);
NTSEC_API NTSTATUS NtsecCreateThread(PEPROCESS Process, PKSTART_ROUTINE Start, PVOID Context,
                                     PETHREAD *Thread);
NTSEC_API NTSTATUS NtsecJoinThread(PETHREAD Thread);
NTSEC_API LONG_PTR NtsecReferenceCount(PVOID Object);

/* ---- Impersonation policy (spec 3.2/3.3) ---- */
typedef enum _NTSEC_IMPERSONATION_POLICY {
    NtsecPolicyNtLegacy = 0, /* NT 3.x .. XP SP1: no rule */
    NtsecPolicyXpSp2 = 1,    /* Windows 2000 SP4 / XP SP2 / 2003: privilege, identity, origin */
    NtsecPolicyVista = 2     /* Vista and later: adds integrity (default) */
} NTSEC_IMPERSONATION_POLICY;
NTSEC_API NTSTATUS NtsecSetImpersonationPolicy(NTSEC_IMPERSONATION_POLICY Policy);
NTSEC_API NTSEC_IMPERSONATION_POLICY NtsecGetImpersonationPolicy(VOID);

/* Why the last PsImpersonateClient on this thread allowed or downgraded (spec 3.2 step). */
typedef enum _NTSEC_IMPERSONATION_DECISION {
    NtsecDecisionNone = 0,
    NtsecDecisionAllowLegacyPolicy,      /* step 1 */
    NtsecDecisionAllowLevelAtMostIdentify, /* step 2 */
    NtsecDecisionAllowSystemAnonymous,   /* step 3a */
    NtsecDecisionDenyForgedAnonymous,    /* step 3b */
    NtsecDecisionAllowImpersonatePrivilege, /* step 4 */
    NtsecDecisionDenyOtherUser,          /* step 5 */
    NtsecDecisionDenyRestriction,        /* step 6 */
    NtsecDecisionDenyIntegrity,          /* step 7 */
    NtsecDecisionAllowSameIdentity       /* step 8 */
} NTSEC_IMPERSONATION_DECISION;
NTSEC_API NTSEC_IMPERSONATION_DECISION NtsecEvaluateImpersonation(PACCESS_TOKEN ProcessToken,
                                                                  PACCESS_TOKEN Token,
                                                                  SECURITY_IMPERSONATION_LEVEL Level);
NTSEC_API PCSTR NtsecDecisionText(NTSEC_IMPERSONATION_DECISION Decision);
NTSEC_API NTSEC_IMPERSONATION_DECISION NtsecLastImpersonationDecision(PETHREAD Thread);

/* ---- Bug checks ---- */
typedef VOID (*NTSEC_BUGCHECK_HANDLER)(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3,
                                       ULONG_PTR P4, PVOID Context);
NTSEC_API VOID NtsecSetBugCheckHandler(NTSEC_BUGCHECK_HANDLER Handler, PVOID Context);

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

/* ---- Shutdown ---- */
NTSEC_API VOID NtsecShutdown(VOID);

/* ---- Test seams ---- */
/* Make the FailAt-th pool allocation from now on fail (1 = the next one); 0 disables. */
NTSEC_API VOID NtsecSetAllocationFailure(ULONG FailAt);
/* Number of pool allocations made so far (to size fault-injection sweeps). */
NTSEC_API ULONG NtsecAllocationCount(VOID);

/* ---- Access checks ---- */
/*
 * Explicit-token access check (NtAccessCheck rules, spec 2.20): Token must be an
 * impersonation token (else STATUS_NO_IMPERSONATION_TOKEN) at Identification or above
 * (Anonymous: STATUS_BAD_IMPERSONATION_LEVEL); DesiredAccess must hold no generic bits
 * (STATUS_GENERIC_NOT_MAPPED). The return value is the call's status; the access result is
 * in *GrantedAccess / *AccessStatus. Token is borrowed (no reference taken).
 */
NTSEC_API NTSTATUS NtsecAccessCheckToken(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                         PACCESS_TOKEN Token, ACCESS_MASK DesiredAccess,
                                         PGENERIC_MAPPING GenericMapping,
                                         PACCESS_MASK GrantedAccess, PNTSTATUS AccessStatus);
/* Explicit-token privilege check (NtPrivilegeCheck rules, same token gate as above). */
NTSEC_API NTSTATUS NtsecPrivilegeCheckToken(PACCESS_TOKEN Token, PPRIVILEGE_SET RequiredPrivileges,
                                            PBOOLEAN Result);
/*
 * The access check with a readable trace (which ACE or rule decided each bit, in which
 * pass, which privilege was used). Flags 0: SeAccessCheck(UserMode) rules for a subject
 * whose effective token is Token (generic bits are mapped; an impersonation token below
 * Impersonation level fails the level gate). NTSEC_CHECK_EXPLICIT_TOKEN: the rules of
 * NtsecAccessCheckToken. *Trace (set whenever it could be built, even when the returned
 * status is an error) is freed with NtsecFree.
 */
#define NTSEC_CHECK_EXPLICIT_TOKEN 0x1
NTSEC_API NTSTATUS NtsecAccessCheckExplain(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                           PACCESS_TOKEN Token, ACCESS_MASK DesiredAccess,
                                           PGENERIC_MAPPING GenericMapping, ULONG Flags,
                                           PACCESS_MASK GrantedAccess, PNTSTATUS AccessStatus,
                                           PSTR *Trace);

/* ---- Verifier ---- */
/* Flags for NtsecEnableVerifier (docs/verifier.md). 0 turns the verifier off. */
#define NTSEC_VERIFIER_ENABLED 0x1   /* every check, quarantine of freed objects */
#define NTSEC_VERIFIER_FATAL   0x2   /* an error finding with no handler installed aborts
                                        (env NTSEC_VERIFIER_FATAL=1; for CI) */

typedef enum _NTSEC_VERIFIER_FINDING {
    NtsecFindingOther = 0,
    NtsecFindingWrongObjectType,          /* e.g. a process where a token is expected (D24) */
    NtsecFindingNotAnObject,              /* a pointer that is no ntsec object at all */
    NtsecFindingReferenceLeak,            /* object alive at shutdown */
    NtsecFindingDereferenceBelowZero,     /* released a reference after the last one */
    NtsecFindingUseAfterFree,             /* used after its last reference was released */
    NtsecFindingThreadExitImpersonating,
    NtsecFindingWorkItemImpersonating,    /* a work routine returned impersonating (0xDF) */
    NtsecFindingSubjectContextLeak,       /* captured, never released */
    NtsecFindingSubjectContextDoubleRelease,
    NtsecFindingSubjectContextReleaseLocked,
    NtsecFindingClientContextLeak,        /* created, never deleted */
    NtsecFindingClientContextDoubleDelete,
    NtsecFindingClientContextUseAfterDelete,
    NtsecFindingRestoreWithoutDisable,
    NtsecFindingDowngradedAccessCheck,    /* hint: failed because of an Identification/Anonymous level */
    NtsecFindingPoolTagMismatch,          /* ExFreePoolWithTag with another tag than the block's */
    NtsecFindingBadPoolBlock,             /* freeing memory that is no live pool block */
    NtsecFindingPoolInUse,                /* hint: pool blocks still live at a leak check, by tag */
    NtsecFindingNullArgument,             /* a required pointer was NULL in a routine with no status
                                             to return (before the NTSEC_NULL_ARGUMENT bug check) */
    NtsecFindingMaximum
} NTSEC_VERIFIER_FINDING;

typedef enum _NTSEC_VERIFIER_SEVERITY {
    NtsecSeverityError = 0,               /* a bug in the caller */
    NtsecSeverityHint = 1                 /* legal but probably not what the caller meant */
} NTSEC_VERIFIER_SEVERITY;

/* One finding. Every string is valid only during the handler call. */
typedef struct _NTSEC_VERIFIER_REPORT {
    NTSEC_VERIFIER_FINDING Kind;
    NTSEC_VERIFIER_SEVERITY Severity;
    PCSTR KindName;        /* "wrong object type", ... */
    PCSTR Routine;         /* where the misuse was seen ("SeReleaseSubjectContext") */
    PVOID Object;          /* the object or context concerned, or NULL */
    PCSTR ObjectType;      /* "Token", "Process", "Thread", "Device", "subject context", ... */
    PCSTR Message;         /* the one-paragraph report (what, which object, where) */
    PCSTR CreationStack;   /* backtrace text where the object was created ("" if unknown) */
    PCSTR MisuseStack;     /* backtrace text where the misuse was seen ("" if none) */
} NTSEC_VERIFIER_REPORT, *PNTSEC_VERIFIER_REPORT;

typedef VOID (*NTSEC_VERIFIER_HANDLER)(const NTSEC_VERIFIER_REPORT *Report, PVOID Context);

/* Turns the verifier on (Flags != 0) or off (0). Equivalent to NTSEC_VERIFIER=1 at load. */
NTSEC_API VOID NtsecEnableVerifier(ULONG Flags);
NTSEC_API ULONG NtsecVerifierFlags(VOID);
/* Installs the report hook (NULL restores the default: stderr). Reports go to the handler
 * instead of stderr. The handler may run on any thread and must not call back into the
 * verifier's setup routines. */
NTSEC_API VOID NtsecSetVerifierHandler(NTSEC_VERIFIER_HANDLER Handler, PVOID Context);
/* Findings reported since load (every kind and severity). */
NTSEC_API ULONG NtsecVerifierFindingCount(VOID);
/* Reports every live tracked object, unreleased subject context and undeleted client
 * context now (as NtsecShutdown does) and returns how many were reported. */
NTSEC_API ULONG NtsecVerifierCheckLeaks(VOID);
NTSEC_API PCSTR NtsecVerifierFindingName(NTSEC_VERIFIER_FINDING Kind);
/* Pool blocks of Tag allocated while the verifier was on and not yet freed; *Bytes (may be
 * NULL) their total size. Diagnostics and tests; takes no reference. */
NTSEC_API LONG_PTR NtsecPoolBlocksInUse(ULONG Tag, PSIZE_T Bytes);

/* ---- Host backend ---- */
/* Loads a SID<->uid/gid mapping file (docs/host.md "Mapping file"); replaces the current map.
 * NULL Path: unload. STATUS_INVALID_PARAMETER with NtsecIdMapErrorText() naming the line. */
NTSEC_API NTSTATUS NtsecLoadIdMap(PCSTR Path);
NTSEC_API PCSTR NtsecIdMapErrorText(VOID);
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

/* ---- SSPI (ksec) ---- */
/* Security contexts (docs/sspi.md). The handle type is CtxtHandle of sspi.h (struct _SecHandle);
 * include sspi.h for it and for ImpersonateSecurityContext and friends. */
struct _SecHandle;
/*
 * NtsecAcceptLocalPeer - package "ntsec-local": authenticates the peer of a connected AF_UNIX
 * stream/seqpacket socket from the kernel's record of its credentials at connect time
 * (SO_PEERCRED uid/gid, SO_PEERGROUPS supplementary groups; no bytes are read) and makes a
 * completed context holding an impersonation token of that user at Level (Delegation is
 * granted as Impersonation: the package has no credentials to forward). The context owns the
 * token's single reference; *Context receives its handle (DeleteSecurityContext ends it).
 * STATUS_INVALID_PARAMETER (bad level, not AF_UNIX stream, not connected, NULL Context),
 * STATUS_INVALID_HANDLE (not a socket), STATUS_NOT_SUPPORTED (kernel without SO_PEERGROUPS),
 * STATUS_NO_MEMORY / STATUS_INSUFFICIENT_RESOURCES. *Context is zeroed on failure.
 */
NTSEC_API NTSTATUS NtsecAcceptLocalPeer(int ConnectedSocket, SECURITY_IMPERSONATION_LEVEL Level,
                                        struct _SecHandle *Context);
/*
 * NtsecAcceptPackagePeer - the same by package name: "ntsec-local" as above; "Kerberos" and
 * "Negotiate" authenticate through the token exchange of AcceptSecurityContext, never from a
 * bare socket: STATUS_NOT_SUPPORTED; any other name STATUS_NO_SUCH_PACKAGE.
 */
NTSEC_API NTSTATUS NtsecAcceptPackagePeer(PCSTR PackageName, int ConnectedSocket,
                                          SECURITY_IMPERSONATION_LEVEL Level, struct _SecHandle *Context);
/*
 * NtsecCreateSecurityContextForToken - test and embedding hook: a context of package
 * "ntsec-explicit" (or "ntsec-explicit-noimp" with NTSEC_SECCTX_NO_IMPERSONATION, a package
 * that cannot impersonate, like kernel Schannel) holding Token at Level. An impersonation
 * token already at Level is referenced (the context takes one new reference); anything else
 * is duplicated to an impersonation token at Level (the context owns the copy's reference;
 * raising an impersonation token's level gives STATUS_BAD_IMPERSONATION_LEVEL). With
 * NTSEC_SECCTX_INCOMPLETE the context has no token (authentication not finished) and Token
 * must be NULL. STATUS_INVALID_PARAMETER, STATUS_OBJECT_TYPE_MISMATCH, STATUS_NO_MEMORY.
 */
#define NTSEC_SECCTX_NO_IMPERSONATION 0x00000001UL
#define NTSEC_SECCTX_INCOMPLETE       0x00000002UL
NTSEC_API NTSTATUS NtsecCreateSecurityContextForToken(PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                                                      ULONG Flags, struct _SecHandle *Context);
/* The package name of a live context (static string), or NULL for a dead/bad handle. */
NTSEC_API PCSTR NtsecSecurityContextPackage(struct _SecHandle *Context);
/* Live contexts in the table (diagnostics, leak checks in tests). */
NTSEC_API ULONG NtsecSecurityContextCount(VOID);
/* Live credential handles (AcquireCredentialsHandleW not yet freed). */
NTSEC_API ULONG NtsecCredentialsHandleCount(VOID);

/* ==== Names, rights and identities for tools (the ntsec command is a client of these;
 * src/rtl/sidname.c, src/se/rightsapi.c, src/se/assignapi.c, src/host/identity.c) ==== */

/* NtsecSidToString - Sid as "S-1-5-18" in *Text (freed with NtsecFree). STATUS_INVALID_SID
 * for a malformed SID, STATUS_NO_MEMORY. No references. */
NTSEC_API NTSTATUS NtsecSidToString(PSID Sid, PSTR *Text);
/* The SDDL alias of Sid ("SY", "BA"; "DA" etc. when NtsecSetDomainSid set the domain), or
 * NULL. A static string. */
NTSEC_API PCSTR NtsecSidSddlAlias(PSID Sid);
/* What kind of account NtsecSidAccountName found (the values of winnt.h's SID_NAME_USE). */
#define NTSEC_SID_TYPE_USER             1
#define NTSEC_SID_TYPE_GROUP            2
#define NTSEC_SID_TYPE_ALIAS            4
#define NTSEC_SID_TYPE_WELL_KNOWN_GROUP 5
#define NTSEC_SID_TYPE_UNKNOWN          8
#define NTSEC_SID_TYPE_LABEL            10
#define NTSEC_SID_TYPE_LOGON_SESSION    11
/*
 * NtsecSidAccountName - Sid's account name in *Name (freed with NtsecFree) and its kind in
 * *Use (NTSEC_SID_TYPE_*): the well-known names ("NT AUTHORITY\SYSTEM",
 * "BUILTIN\Administrators", "Mandatory Label\High Mandatory Level"), logon SIDs
 * ("NT AUTHORITY\LogonSessionId_0_999") and the host's Unix SIDs (S-1-22-1-N, S-1-22-2-N)
 * by the system's account name ("Unix User\root", "Unix Group\staff"; the number when the
 * system has none). STATUS_NONE_MAPPED (*Name NULL, *Use NTSEC_SID_TYPE_UNKNOWN) when
 * nothing names Sid; STATUS_INVALID_SID; STATUS_NO_MEMORY. No references.
 */
NTSEC_API NTSTATUS NtsecSidAccountName(PSID Sid, PSTR *Name, PULONG Use);

/* Privileges by name: the SDK's SE_*_NAME strings (static) and their well-known LUIDs. */
NTSEC_API PCSTR NtsecPrivilegeName(LUID Luid);          /* NULL: not a known privilege */
NTSEC_API PCSTR NtsecPrivilegeDescription(LUID Luid);   /* whoami's text, NULL if unknown */
/* Name (case-insensitive, as LookupPrivilegeValue) to *Luid; STATUS_NO_SUCH_PRIVILEGE. */
NTSEC_API NTSTATUS NtsecLookupPrivilegeValue(PCSTR Name, PLUID Luid);

/* Object types whose specific rights have names (winnt.h values). */
typedef enum _NTSEC_OBJECT_KIND {
    NtsecObjectGeneric = 0,   /* generic and standard rights only (file generic mapping) */
    NtsecObjectFile = 1,
    NtsecObjectDirectory = 2,
    NtsecObjectKey = 3
} NTSEC_OBJECT_KIND;
/*
 * NtsecParseRights - a rights list ("FILE_GENERIC_READ|FILE_WRITE_DATA", "GA, 0x10",
 * "READ_CONTROL SYNCHRONIZE") into *Mask: names of every object kind, SDDL-style short names
 * (GA, FR, KR, ...), numbers (0x..., decimal); words separated by '|', ',', '+' or blanks.
 * The whole text must parse: otherwise STATUS_OBJECT_NAME_NOT_FOUND with *BadOffset and
 * *BadLength the offending word (length 0: an empty word) and *Mask unchanged.
 */
NTSEC_API NTSTATUS NtsecParseRights(PCSTR Text, PACCESS_MASK Mask, PULONG BadOffset, PULONG BadLength);
/* NtsecFormatRights - the bits of Mask by name with Kind's specific names
 * ("READ_CONTROL|FILE_READ_DATA|0x200", "none" for 0) in *Text (NtsecFree). */
NTSEC_API NTSTATUS NtsecFormatRights(ACCESS_MASK Mask, NTSEC_OBJECT_KIND Kind, PSTR *Text);
/* The generic mapping of Kind (files and directories: IoFileObjectType's; keys: the
 * registry's). STATUS_INVALID_PARAMETER for an unknown Kind. */
NTSEC_API NTSTATUS NtsecObjectGenericMapping(NTSEC_OBJECT_KIND Kind, PGENERIC_MAPPING Mapping);

/* SDDL's names for ACE types, ACE flags and rights bits (static strings, NULL if none). */
typedef enum _NTSEC_SDDL_TABLE {
    NtsecSddlAceType = 0,   /* "A" access allowed, ... */
    NtsecSddlAceFlag = 1,   /* "OI" object inherit, ... */
    NtsecSddlRight = 2,     /* single bits: "CC" create child, ... and whole masks "FA", "GA" */
    NtsecSddlLabelRight = 3 /* "NW", "NR", "NX" of mandatory label ACEs */
} NTSEC_SDDL_TABLE;
NTSEC_API PCSTR NtsecSddlName(NTSEC_SDDL_TABLE Table, ULONG Value);
NTSEC_API PCSTR NtsecSddlDescription(NTSEC_SDDL_TABLE Table, ULONG Value);
/* The SDDL rights text of Mask in an ACE of AceType (Windows' canonical form; "" for 0) in
 * *Text (NtsecFree). */
NTSEC_API NTSTATUS NtsecSddlFormatRights(UCHAR AceType, ACCESS_MASK Mask, PSTR *Text);
/* The trustee SID inside Ace (known ACE types whose SID fits in AceSize), or NULL. Ace must
 * be readable for Ace->AceSize bytes (an ACE of a valid ACL). */
NTSEC_API PSID NtsecAceSid(PACE_HEADER Ace);

/*
 * NtsecAssignSecurityExplain - SeAssignSecurityEx for a subject whose token is Token (as
 * primary token, and as client token at its level when it is an impersonation token), with
 * a trace naming which parent or explicit ACE became which ACE of the new descriptor and
 * why (specific rights named for Kind). ParentDescriptor and ExplicitDescriptor may be NULL
 * (as in SeAssignSecurityEx); *NewDescriptor is freed with SeDeassignSecurity; *Trace (NULL
 * Trace: none wanted; set whenever it could be built, also on failure) with NtsecFree.
 * Statuses of SeAssignSecurityEx. Token is borrowed.
 */
NTSEC_API NTSTATUS NtsecAssignSecurityExplain(PSECURITY_DESCRIPTOR ParentDescriptor,
                                              PSECURITY_DESCRIPTOR ExplicitDescriptor,
                                              BOOLEAN IsDirectoryObject, ULONG AutoInheritFlags,
                                              PACCESS_TOKEN Token, PGENERIC_MAPPING GenericMapping,
                                              NTSEC_OBJECT_KIND Kind,
                                              PSECURITY_DESCRIPTOR *NewDescriptor, PSTR *Trace);

/* What becomes of one token group on Linux (NtsecQueryHostIdentity). */
typedef enum _NTSEC_HOST_GROUP_USE {
    NtsecHostGroupGranted = 0,      /* a supplementary gid (Gid) */
    NtsecHostGroupLabel = 1,        /* the integrity label: never a gid */
    NtsecHostGroupNotMapped = 2,    /* the SID has no gid */
    NtsecHostGroupDenyOnly = 3,     /* Gid, but deny-only: never a gid */
    NtsecHostGroupDisabled = 4,     /* Gid, but not enabled */
    NtsecHostGroupNotRestricting = 5 /* Gid, but the token is restricted and the SID is no
                                        restricting SID */
} NTSEC_HOST_GROUP_USE;
typedef struct _NTSEC_HOST_GROUP {
    NTSEC_HOST_GROUP_USE Use;
    ULONG Gid;                      /* the SID's gid, when it maps */
} NTSEC_HOST_GROUP;
typedef struct _NTSEC_HOST_IDENTITY {
    NTSTATUS Status;        /* STATUS_SUCCESS: Uid/Gid/Groups hold the identity; else why there
                               is none (STATUS_NONE_MAPPED: the user SID has no uid) */
    ULONG Uid, Gid;         /* what the host backend and NtsecCreateProcessAsToken set */
    BOOLEAN RootClient;     /* uid 0 without root's capabilities */
    BOOLEAN UserMapped;     /* the user SID maps to UserUid (whatever the identity is) */
    ULONG UserUid;
    PCSTR Reason;           /* why the identity is what it is (static English text) */
    ULONG UnprivilegedUid, UnprivilegedGid; /* Identification/Anonymous level identity */
    ULONG GroupCount;       /* supplementary gids, ascending */
    ULONG *Groups;          /* inside this block */
    ULONG TokenGroupCount;  /* one entry per token group (TokenGroups order, no user) */
    NTSEC_HOST_GROUP TokenGroups[ANYSIZE_ARRAY];
} NTSEC_HOST_IDENTITY, *PNTSEC_HOST_IDENTITY;
/*
 * NtsecQueryHostIdentity - which Linux identity Token at Level stands for (docs/host.md
 * "From a token to a Linux identity": the rule the host backend and process creation use)
 * and what becomes of each of its groups, in one block *Identity (freed with NtsecFree).
 * Returns STATUS_SUCCESS when the block was built (the identity's own status is in it),
 * STATUS_OBJECT_TYPE_MISMATCH for a non-token, STATUS_NO_MEMORY. Token is borrowed (read
 * under its lock); the host backend need not be on.
 */
NTSEC_API NTSTATUS NtsecQueryHostIdentity(PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                                          PNTSEC_HOST_IDENTITY *Identity);
/* ==== end of the tools section ==== */

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_H */
