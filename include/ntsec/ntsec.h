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
NTSEC_API NTSTATUS NtsecEnableHostCredentials(NTSEC_HOST_MODE Mode);

/* ---- Shutdown ---- */
NTSEC_API VOID NtsecShutdown(VOID);

/* ---- Test seams ---- */
/* Make the FailAt-th pool allocation from now on fail (1 = the next one); 0 disables. */
NTSEC_API VOID NtsecSetAllocationFailure(ULONG FailAt);
/* Number of pool allocations made so far (to size fault-injection sweeps). */
NTSEC_API ULONG NtsecAllocationCount(VOID);

/* ---- Token API additions (tokens work) ---- */
/* @@NTSEC_TOKENS@@ */

/* ---- Access check API (access-check work) ---- */
/* @@NTSEC_ACCESS@@ */

/* ---- Verifier API (verifier work) ---- */
/* @@NTSEC_VERIFIER@@ */

/* ---- Host backend API (host work) ---- */
/* @@NTSEC_HOST@@ */
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

/* ---- Worker queue API (worker work) ---- */
/* @@NTSEC_WORKER@@ */

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_H */
