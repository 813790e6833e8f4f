/*
 * ntsec_token.h - tokens: SDDL text, the token text form, duplicate/adjust/format, the impersonation rule and policy, explicit-token access checks.
 * Included by ntsec.h; see ntsec.h for the library-wide rules (buffers from Ntsec*
 * routines are freed with NtsecFree).
 */
#ifndef NTSEC_NTSEC_TOKEN_H
#define NTSEC_NTSEC_TOKEN_H

#include "ntifs.h"

NTSEC_EXTERN_C_BEGIN

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
/* NtAdjustGroupsToken's shape: enables or disables Token's groups (ResetToDefault: each to
 * its SE_GROUP_ENABLED_BY_DEFAULT state), the prior state of the groups that changed in the
 * caller's buffer (its SIDs inside it). A mandatory group cannot be disabled
 * (STATUS_CANT_DISABLE_MANDATORY), a deny-only group not enabled
 * (STATUS_CANT_ENABLE_DENY_ONLY); a group not in the token is STATUS_NOT_ALL_ASSIGNED; once
 * the host backend has given the token a Linux identity, disabling a group is
 * STATUS_TOKEN_IN_USE (docs/host.md). No references taken or released. */
NTSEC_API NTSTATUS NtsecAdjustTokenGroups(PACCESS_TOKEN Token, BOOLEAN ResetToDefault, PTOKEN_GROUPS NewState,
                                          ULONG BufferLength, PTOKEN_GROUPS PreviousState,
                                          PULONG ReturnLength);
NTSEC_API NTSTATUS NtsecDuplicateToken(PACCESS_TOKEN ExistingToken, TOKEN_TYPE TokenType,
                                       SECURITY_IMPERSONATION_LEVEL Level, BOOLEAN EffectiveOnly,
                                       PACCESS_TOKEN *NewToken);

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
/*
 * NtsecAccessCheckByTypeResultList - SeAccessCheckByType with one answer per node of
 * ObjectTypeList, as NtAccessCheckByTypeResultList defines it: GrantedAccessList[i] and
 * AccessStatusList[i] (ObjectTypeListLength entries each) for node i. Same arguments and
 * rules as SeAccessCheckByType (ntse.h). Returns TRUE iff AccessStatusList[0] (the whole
 * object) is STATUS_SUCCESS; a NULL list pointer or an empty list: FALSE, nothing written.
 * Takes no references.
 */
NTSEC_API BOOLEAN NtsecAccessCheckByTypeResultList(
    PSECURITY_DESCRIPTOR SecurityDescriptor, PSID PrincipalSelfSid,
    PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext, BOOLEAN SubjectContextLocked,
    ACCESS_MASK DesiredAccess, ACCESS_MASK PreviouslyGrantedAccess, POBJECT_TYPE_LIST ObjectTypeList,
    ULONG ObjectTypeListLength, PPRIVILEGE_SET *Privileges, PGENERIC_MAPPING GenericMapping,
    KPROCESSOR_MODE AccessMode, PACCESS_MASK GrantedAccessList, PNTSTATUS AccessStatusList);
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
/*
 * NtsecAccessCheckByTypeExplain - NtsecAccessCheckByTypeResultList (UserMode rules, nothing
 * previously granted, no privilege set returned) for a subject whose effective token is
 * Token, with a readable trace: for each ACE that applied, the node its object type named
 * (or every node) and the bits it decided on each node; each node's answer. The lists get
 * ObjectTypeListLength entries. Returns STATUS_SUCCESS when the answers were written (the
 * access result is in the lists); STATUS_INVALID_PARAMETER for a NULL or empty list or a
 * NULL argument but PrincipalSelfSid (optional: PRINCIPAL_SELF then matches nothing). *Trace (set whenever it could be built) is freed with NtsecFree. Token is
 * borrowed.
 */
NTSEC_API NTSTATUS NtsecAccessCheckByTypeExplain(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID PrincipalSelfSid,
                                                 PACCESS_TOKEN Token, ACCESS_MASK DesiredAccess,
                                                 POBJECT_TYPE_LIST ObjectTypeList, ULONG ObjectTypeListLength,
                                                 PGENERIC_MAPPING GenericMapping, PACCESS_MASK GrantedAccessList,
                                                 PNTSTATUS AccessStatusList, PSTR *Trace);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_TOKEN_H */
