/*
 * ntse.h - tokens, privileges, subject and client contexts, access checks (Se*).
 * Structure layouts follow docs/spec.md section 1.2 (x64).
 */
#ifndef NTSEC_NTSE_H
#define NTSEC_NTSE_H

#include "ntdef.h"
#include "ntrtl.h"

NTSEC_EXTERN_C_BEGIN

typedef PVOID PACCESS_TOKEN;
typedef struct _EPROCESS *PEPROCESS;
typedef struct _ETHREAD *PETHREAD;
typedef struct _OBJECT_TYPE OBJECT_TYPE, *POBJECT_TYPE;

typedef enum _SECURITY_IMPERSONATION_LEVEL {
    SecurityAnonymous = 0,
    SecurityIdentification = 1,
    SecurityImpersonation = 2,
    SecurityDelegation = 3
} SECURITY_IMPERSONATION_LEVEL, *PSECURITY_IMPERSONATION_LEVEL;

#define SECURITY_MIN_IMPERSONATION_LEVEL SecurityAnonymous
#define SECURITY_MAX_IMPERSONATION_LEVEL SecurityDelegation
#define DEFAULT_IMPERSONATION_LEVEL SecurityImpersonation
#define VALID_IMPERSONATION_LEVEL(L) \
    (((ULONG)(L)) <= (ULONG)SECURITY_MAX_IMPERSONATION_LEVEL)

typedef enum _TOKEN_TYPE { TokenPrimary = 1, TokenImpersonation = 2 } TOKEN_TYPE, *PTOKEN_TYPE;

typedef BOOLEAN SECURITY_CONTEXT_TRACKING_MODE, *PSECURITY_CONTEXT_TRACKING_MODE;
#define SECURITY_DYNAMIC_TRACKING ((SECURITY_CONTEXT_TRACKING_MODE)TRUE)
#define SECURITY_STATIC_TRACKING ((SECURITY_CONTEXT_TRACKING_MODE)FALSE)

typedef struct _SECURITY_QUALITY_OF_SERVICE {
    ULONG Length;
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel;
    SECURITY_CONTEXT_TRACKING_MODE ContextTrackingMode;
    BOOLEAN EffectiveOnly;
} SECURITY_QUALITY_OF_SERVICE, *PSECURITY_QUALITY_OF_SERVICE;

#define TOKEN_SOURCE_LENGTH 8
typedef struct _TOKEN_SOURCE {
    CHAR SourceName[TOKEN_SOURCE_LENGTH];
    LUID SourceIdentifier;
} TOKEN_SOURCE, *PTOKEN_SOURCE;

typedef struct _TOKEN_CONTROL {
    LUID TokenId;
    LUID AuthenticationId;
    LUID ModifiedId;
    TOKEN_SOURCE TokenSource;
} TOKEN_CONTROL, *PTOKEN_CONTROL;

typedef struct _SECURITY_CLIENT_CONTEXT {
    SECURITY_QUALITY_OF_SERVICE SecurityQos;
    PACCESS_TOKEN ClientToken;
    BOOLEAN DirectlyAccessClientToken;
    BOOLEAN DirectAccessEffectiveOnly;
    BOOLEAN ServerIsRemote;
    TOKEN_CONTROL ClientTokenControl;
} SECURITY_CLIENT_CONTEXT, *PSECURITY_CLIENT_CONTEXT;

typedef struct _SECURITY_SUBJECT_CONTEXT {
    PACCESS_TOKEN ClientToken;
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel;
    PACCESS_TOKEN PrimaryToken;
    PVOID ProcessAuditId;
} SECURITY_SUBJECT_CONTEXT, *PSECURITY_SUBJECT_CONTEXT;

typedef struct _SE_IMPERSONATION_STATE {
    PACCESS_TOKEN Token;
    BOOLEAN CopyOnOpen;
    BOOLEAN EffectiveOnly;
    SECURITY_IMPERSONATION_LEVEL Level;
} SE_IMPERSONATION_STATE, *PSE_IMPERSONATION_STATE;

/* ---- Privileges ---- */

typedef struct _LUID_AND_ATTRIBUTES {
    LUID Luid;
    ULONG Attributes;
} LUID_AND_ATTRIBUTES, *PLUID_AND_ATTRIBUTES;

#define SE_PRIVILEGE_ENABLED_BY_DEFAULT 0x00000001UL
#define SE_PRIVILEGE_ENABLED            0x00000002UL
#define SE_PRIVILEGE_REMOVED            0x00000004UL
#define SE_PRIVILEGE_USED_FOR_ACCESS    0x80000000UL
#define SE_PRIVILEGE_VALID_ATTRIBUTES   0x80000007UL

#define PRIVILEGE_SET_ALL_NECESSARY 1
#define ANYSIZE_ARRAY 1

typedef struct _PRIVILEGE_SET {
    ULONG PrivilegeCount;
    ULONG Control;
    LUID_AND_ATTRIBUTES Privilege[ANYSIZE_ARRAY];
} PRIVILEGE_SET, *PPRIVILEGE_SET;

#define INITIAL_PRIVILEGE_COUNT 3
typedef struct _INITIAL_PRIVILEGE_SET {
    ULONG PrivilegeCount;
    ULONG Control;
    LUID_AND_ATTRIBUTES Privilege[INITIAL_PRIVILEGE_COUNT];
} INITIAL_PRIVILEGE_SET, *PINITIAL_PRIVILEGE_SET;

#define SE_MIN_WELL_KNOWN_PRIVILEGE         2L
#define SE_CREATE_TOKEN_PRIVILEGE           2L
#define SE_ASSIGNPRIMARYTOKEN_PRIVILEGE     3L
#define SE_LOCK_MEMORY_PRIVILEGE            4L
#define SE_INCREASE_QUOTA_PRIVILEGE         5L
#define SE_MACHINE_ACCOUNT_PRIVILEGE        6L
#define SE_UNSOLICITED_INPUT_PRIVILEGE      6L
#define SE_TCB_PRIVILEGE                    7L
#define SE_SECURITY_PRIVILEGE               8L
#define SE_TAKE_OWNERSHIP_PRIVILEGE         9L
#define SE_LOAD_DRIVER_PRIVILEGE            10L
#define SE_SYSTEM_PROFILE_PRIVILEGE         11L
#define SE_SYSTEMTIME_PRIVILEGE             12L
#define SE_PROF_SINGLE_PROCESS_PRIVILEGE    13L
#define SE_INC_BASE_PRIORITY_PRIVILEGE      14L
#define SE_CREATE_PAGEFILE_PRIVILEGE        15L
#define SE_CREATE_PERMANENT_PRIVILEGE       16L
#define SE_BACKUP_PRIVILEGE                 17L
#define SE_RESTORE_PRIVILEGE                18L
#define SE_SHUTDOWN_PRIVILEGE               19L
#define SE_DEBUG_PRIVILEGE                  20L
#define SE_AUDIT_PRIVILEGE                  21L
#define SE_SYSTEM_ENVIRONMENT_PRIVILEGE     22L
#define SE_CHANGE_NOTIFY_PRIVILEGE          23L
#define SE_REMOTE_SHUTDOWN_PRIVILEGE        24L
#define SE_UNDOCK_PRIVILEGE                 25L
#define SE_SYNC_AGENT_PRIVILEGE             26L
#define SE_ENABLE_DELEGATION_PRIVILEGE      27L
#define SE_MANAGE_VOLUME_PRIVILEGE          28L
#define SE_IMPERSONATE_PRIVILEGE            29L
#define SE_CREATE_GLOBAL_PRIVILEGE          30L
#define SE_TRUSTED_CREDMAN_ACCESS_PRIVILEGE 31L
#define SE_RELABEL_PRIVILEGE                32L
#define SE_INC_WORKING_SET_PRIVILEGE        33L
#define SE_TIME_ZONE_PRIVILEGE              34L
#define SE_CREATE_SYMBOLIC_LINK_PRIVILEGE   35L
#define SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE 36L
#define SE_MAX_WELL_KNOWN_PRIVILEGE         SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE

/* ---- Group attributes ---- */

#define SE_GROUP_MANDATORY          0x00000001UL
#define SE_GROUP_ENABLED_BY_DEFAULT 0x00000002UL
#define SE_GROUP_ENABLED            0x00000004UL
#define SE_GROUP_OWNER              0x00000008UL
#define SE_GROUP_USE_FOR_DENY_ONLY  0x00000010UL
#define SE_GROUP_INTEGRITY          0x00000020UL
#define SE_GROUP_INTEGRITY_ENABLED  0x00000040UL
#define SE_GROUP_RESOURCE           0x20000000UL
#define SE_GROUP_LOGON_ID           0xC0000000UL

/* ---- Token flags (TOKEN.TokenFlags) ---- */

#define TOKEN_HAS_TRAVERSE_PRIVILEGE    0x0001
#define TOKEN_HAS_BACKUP_PRIVILEGE      0x0002
#define TOKEN_HAS_RESTORE_PRIVILEGE     0x0004
#define TOKEN_WRITE_RESTRICTED          0x0008
#define TOKEN_IS_RESTRICTED             0x0010
#define TOKEN_SESSION_NOT_REFERENCED    0x0020
#define TOKEN_SANDBOX_INERT             0x0040
#define TOKEN_HAS_IMPERSONATE_PRIVILEGE 0x0080
#define TOKEN_IS_FILTERED               0x0800
#define TOKEN_UIACCESS                  0x1000
#define TOKEN_NOT_LOW                   0x2000

/* ---- Token access rights ---- */

#define TOKEN_ASSIGN_PRIMARY    0x0001
#define TOKEN_DUPLICATE         0x0002
#define TOKEN_IMPERSONATE       0x0004
#define TOKEN_QUERY             0x0008
#define TOKEN_QUERY_SOURCE      0x0010
#define TOKEN_ADJUST_PRIVILEGES 0x0020
#define TOKEN_ADJUST_GROUPS     0x0040
#define TOKEN_ADJUST_DEFAULT    0x0080
#define TOKEN_ADJUST_SESSIONID  0x0100
#define TOKEN_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | 0x01FF)
#define TOKEN_READ (STANDARD_RIGHTS_READ | TOKEN_QUERY)
#define TOKEN_WRITE (STANDARD_RIGHTS_WRITE | TOKEN_ADJUST_PRIVILEGES | TOKEN_ADJUST_GROUPS | TOKEN_ADJUST_DEFAULT)
#define TOKEN_EXECUTE (STANDARD_RIGHTS_EXECUTE)

#define THREAD_IMPERSONATE        0x0100
#define THREAD_DIRECT_IMPERSONATION 0x0200
#define THREAD_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)
#define PROCESS_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)

/* ---- Token information classes ---- */

typedef enum _TOKEN_INFORMATION_CLASS {
    TokenUser = 1,
    TokenGroups,
    TokenPrivileges,
    TokenOwner,
    TokenPrimaryGroup,
    TokenDefaultDacl,
    TokenSource,
    TokenType,
    TokenImpersonationLevel,
    TokenStatistics,
    TokenRestrictedSids,
    TokenSessionId,
    TokenGroupsAndPrivileges,
    TokenSessionReference,
    TokenSandBoxInert,
    TokenAuditPolicy,
    TokenOrigin,
    TokenElevationType,
    TokenLinkedToken,
    TokenElevation,
    TokenHasRestrictions,
    TokenAccessInformation,
    TokenVirtualizationAllowed,
    TokenVirtualizationEnabled,
    TokenIntegrityLevel,
    TokenUIAccess,
    TokenMandatoryPolicy,
    TokenLogonSid,
    TokenIsAppContainer,
    TokenCapabilities,
    TokenAppContainerSid,
    TokenAppContainerNumber,
    TokenUserClaimAttributes,
    TokenDeviceClaimAttributes,
    TokenRestrictedUserClaimAttributes,
    TokenRestrictedDeviceClaimAttributes,
    TokenDeviceGroups,
    TokenRestrictedDeviceGroups,
    TokenSecurityAttributes,
    TokenIsRestricted,
    TokenProcessTrustLevel,
    TokenPrivateNameSpace,
    TokenSingletonAttributes,
    TokenBnoIsolation,
    TokenChildProcessFlags,
    TokenIsLessPrivilegedAppContainer,
    TokenIsSandboxed,
    TokenIsAppSilo,
    TokenLoggingInformation,
    MaxTokenInfoClass
} TOKEN_INFORMATION_CLASS, *PTOKEN_INFORMATION_CLASS;

typedef struct _TOKEN_USER { SID_AND_ATTRIBUTES User; } TOKEN_USER, *PTOKEN_USER;
typedef struct _TOKEN_GROUPS {
    ULONG GroupCount;
    SID_AND_ATTRIBUTES Groups[ANYSIZE_ARRAY];
} TOKEN_GROUPS, *PTOKEN_GROUPS;
typedef struct _TOKEN_PRIVILEGES {
    ULONG PrivilegeCount;
    LUID_AND_ATTRIBUTES Privileges[ANYSIZE_ARRAY];
} TOKEN_PRIVILEGES, *PTOKEN_PRIVILEGES;
typedef struct _TOKEN_OWNER { PSID Owner; } TOKEN_OWNER, *PTOKEN_OWNER;
typedef struct _TOKEN_PRIMARY_GROUP { PSID PrimaryGroup; } TOKEN_PRIMARY_GROUP, *PTOKEN_PRIMARY_GROUP;
typedef struct _TOKEN_DEFAULT_DACL { PACL DefaultDacl; } TOKEN_DEFAULT_DACL, *PTOKEN_DEFAULT_DACL;
typedef struct _TOKEN_ORIGIN { LUID OriginatingLogonSession; } TOKEN_ORIGIN, *PTOKEN_ORIGIN;
typedef struct _TOKEN_MANDATORY_LABEL { SID_AND_ATTRIBUTES Label; } TOKEN_MANDATORY_LABEL, *PTOKEN_MANDATORY_LABEL;
typedef struct _TOKEN_MANDATORY_POLICY { ULONG Policy; } TOKEN_MANDATORY_POLICY, *PTOKEN_MANDATORY_POLICY;
#define TOKEN_MANDATORY_POLICY_OFF             0x0
#define TOKEN_MANDATORY_POLICY_NO_WRITE_UP     0x1
#define TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN 0x2
#define TOKEN_MANDATORY_POLICY_VALID_MASK      0x3

typedef struct _TOKEN_STATISTICS {
    LUID TokenId;
    LUID AuthenticationId;
    LARGE_INTEGER ExpirationTime;
    TOKEN_TYPE TokenType;
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel;
    ULONG DynamicCharged;
    ULONG DynamicAvailable;
    ULONG GroupCount;
    ULONG PrivilegeCount;
    LUID ModifiedId;
} TOKEN_STATISTICS, *PTOKEN_STATISTICS;

/* ---- Claims (winnt.h; TokenUserClaimAttributes, TokenDeviceClaimAttributes) ---- */

#define CLAIM_SECURITY_ATTRIBUTE_TYPE_INVALID      0x00
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64        0x01
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64       0x02
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING       0x03
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN         0x04
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_SID          0x05
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN      0x06
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING 0x10

#define CLAIM_SECURITY_ATTRIBUTE_NON_INHERITABLE      0x0001
#define CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE 0x0002
#define CLAIM_SECURITY_ATTRIBUTE_USE_FOR_DENY_ONLY    0x0004
#define CLAIM_SECURITY_ATTRIBUTE_DISABLED_BY_DEFAULT  0x0008
#define CLAIM_SECURITY_ATTRIBUTE_DISABLED             0x0010
#define CLAIM_SECURITY_ATTRIBUTE_MANDATORY            0x0020
#define CLAIM_SECURITY_ATTRIBUTE_VALID_FLAGS                                                   \
    (CLAIM_SECURITY_ATTRIBUTE_NON_INHERITABLE | CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE | \
     CLAIM_SECURITY_ATTRIBUTE_USE_FOR_DENY_ONLY | CLAIM_SECURITY_ATTRIBUTE_DISABLED_BY_DEFAULT | \
     CLAIM_SECURITY_ATTRIBUTE_DISABLED | CLAIM_SECURITY_ATTRIBUTE_MANDATORY)
#define CLAIM_SECURITY_ATTRIBUTE_CUSTOM_FLAGS 0xFFFF0000

typedef struct _CLAIM_SECURITY_ATTRIBUTE_FQBN_VALUE {
    ULONG64 Version;
    PWSTR Name;
} CLAIM_SECURITY_ATTRIBUTE_FQBN_VALUE, *PCLAIM_SECURITY_ATTRIBUTE_FQBN_VALUE;

typedef struct _CLAIM_SECURITY_ATTRIBUTE_OCTET_STRING_VALUE {
    PVOID pValue;        /* a PSID for CLAIM_SECURITY_ATTRIBUTE_TYPE_SID */
    ULONG ValueLength;
} CLAIM_SECURITY_ATTRIBUTE_OCTET_STRING_VALUE, *PCLAIM_SECURITY_ATTRIBUTE_OCTET_STRING_VALUE;

typedef struct _CLAIM_SECURITY_ATTRIBUTE_V1 {
    PWSTR Name;
    USHORT ValueType;
    USHORT Reserved;
    ULONG Flags;
    ULONG ValueCount;
    union {
        PLONGLONG pInt64;
        PULONG64 pUint64;   /* UINT64 and BOOLEAN (0 or 1) */
        PWSTR *ppString;
        PCLAIM_SECURITY_ATTRIBUTE_FQBN_VALUE pFqbn;
        PCLAIM_SECURITY_ATTRIBUTE_OCTET_STRING_VALUE pOctetString; /* OCTET_STRING and SID */
    } Values;
} CLAIM_SECURITY_ATTRIBUTE_V1, *PCLAIM_SECURITY_ATTRIBUTE_V1;

#define CLAIM_SECURITY_ATTRIBUTES_INFORMATION_VERSION_V1 1
#define CLAIM_SECURITY_ATTRIBUTES_INFORMATION_VERSION CLAIM_SECURITY_ATTRIBUTES_INFORMATION_VERSION_V1

typedef struct _CLAIM_SECURITY_ATTRIBUTES_INFORMATION {
    USHORT Version;
    USHORT Reserved;
    ULONG AttributeCount;
    union {
        PCLAIM_SECURITY_ATTRIBUTE_V1 pAttributeV1;
    } Attribute;
} CLAIM_SECURITY_ATTRIBUTES_INFORMATION, *PCLAIM_SECURITY_ATTRIBUTES_INFORMATION;

/* ---- UAC and the Vista-and-later classes (winnt.h) ---- */
typedef enum _TOKEN_ELEVATION_TYPE {
    TokenElevationTypeDefault = 1,
    TokenElevationTypeFull,
    TokenElevationTypeLimited
} TOKEN_ELEVATION_TYPE, *PTOKEN_ELEVATION_TYPE;
typedef struct _TOKEN_ELEVATION { ULONG TokenIsElevated; } TOKEN_ELEVATION, *PTOKEN_ELEVATION;
/* TokenLinkedToken: a kernel handle the caller closes with ZwClose. */
typedef struct _TOKEN_LINKED_TOKEN { HANDLE LinkedToken; } TOKEN_LINKED_TOKEN, *PTOKEN_LINKED_TOKEN;
typedef struct _TOKEN_GROUPS_AND_PRIVILEGES {
    ULONG SidCount;
    ULONG SidLength;
    PSID_AND_ATTRIBUTES Sids;
    ULONG RestrictedSidCount;
    ULONG RestrictedSidLength;
    PSID_AND_ATTRIBUTES RestrictedSids;
    ULONG PrivilegeCount;
    ULONG PrivilegeLength;
    PLUID_AND_ATTRIBUTES Privileges;
    LUID AuthenticationId;
} TOKEN_GROUPS_AND_PRIVILEGES, *PTOKEN_GROUPS_AND_PRIVILEGES;
typedef struct _TOKEN_APPCONTAINER_INFORMATION {
    PSID TokenAppContainer;
} TOKEN_APPCONTAINER_INFORMATION, *PTOKEN_APPCONTAINER_INFORMATION;

/* SeFilterToken flags */
#define DISABLE_MAX_PRIVILEGE 0x1
#define SANDBOX_INERT         0x2
#define LUA_TOKEN             0x4
#define WRITE_RESTRICTED      0x8

/* ---- Access checks and security assignment ---- */

typedef struct _OBJECT_TYPE_LIST {
    USHORT Level;
    USHORT Sbz;
    GUID *ObjectType;
} OBJECT_TYPE_LIST, *POBJECT_TYPE_LIST;
#define ACCESS_OBJECT_GUID 0
#define ACCESS_PROPERTY_SET_GUID 1
#define ACCESS_PROPERTY_GUID 2
#define ACCESS_MAX_LEVEL 4

/* SeAssignSecurityEx AutoInheritFlags */
#define SEF_DACL_AUTO_INHERIT             0x01
#define SEF_SACL_AUTO_INHERIT             0x02
#define SEF_DEFAULT_DESCRIPTOR_FOR_OBJECT 0x04
#define SEF_AVOID_PRIVILEGE_CHECK         0x08
#define SEF_AVOID_OWNER_CHECK             0x10
#define SEF_DEFAULT_OWNER_FROM_PARENT     0x20
#define SEF_DEFAULT_GROUP_FROM_PARENT     0x40
#define SEF_MACL_NO_WRITE_UP              0x100
#define SEF_MACL_NO_READ_UP               0x200
#define SEF_MACL_NO_EXECUTE_UP            0x400
#define SEF_AVOID_OWNER_RESTRICTION       0x1000

/* Se routine prototypes follow (owned by src/se). */

typedef enum _POOL_TYPE {
    NonPagedPool = 0,
    PagedPool = 1,
    NonPagedPoolMustSucceed = 2,
    NonPagedPoolCacheAligned = 4,
    PagedPoolCacheAligned = 5,
    NonPagedPoolNx = 512
} POOL_TYPE;

/* Subject contexts (src/se/subject.c) */
NTKERNELAPI VOID SeCaptureSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext);
NTKERNELAPI VOID SeCaptureSubjectContextEx(PETHREAD Thread, PEPROCESS Process,
                                           PSECURITY_SUBJECT_CONTEXT SubjectContext);
NTKERNELAPI VOID SeReleaseSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext);
NTKERNELAPI VOID SeLockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext);
NTKERNELAPI VOID SeUnlockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext);
/* A macro in the WDK; a function here with the same call syntax. */
NTKERNELAPI PACCESS_TOKEN SeQuerySubjectContextToken(PSECURITY_SUBJECT_CONTEXT SubjectContext);

/* Client contexts (src/se/client.c) */
_Must_inspect_result_ NTKERNELAPI NTSTATUS SeCreateClientSecurity(
    PETHREAD ClientThread, PSECURITY_QUALITY_OF_SERVICE ClientSecurityQos,
    BOOLEAN RemoteSession, PSECURITY_CLIENT_CONTEXT ClientContext);
_Must_inspect_result_ NTKERNELAPI NTSTATUS SeCreateClientSecurityFromSubjectContext(
    PSECURITY_SUBJECT_CONTEXT SubjectContext, PSECURITY_QUALITY_OF_SERVICE ClientSecurityQos,
    BOOLEAN ServerIsRemote, PSECURITY_CLIENT_CONTEXT ClientContext);
NTKERNELAPI NTSTATUS SeImpersonateClientEx(PSECURITY_CLIENT_CONTEXT ClientContext,
                                           PETHREAD ServerThread);
NTKERNELAPI VOID SeImpersonateClient(PSECURITY_CLIENT_CONTEXT ClientContext, PETHREAD ServerThread);
/* Macros in the WDK; functions here with the same call syntax. */
NTKERNELAPI VOID SeStopImpersonatingClient(VOID);
NTKERNELAPI VOID SeDeleteClientSecurity(PSECURITY_CLIENT_CONTEXT ClientContext);

/* Token queries (src/se/tokenquery.c) */
/*
 * SeQueryInformationToken - *TokenInformation receives a pool block (ExFreePool) holding the
 * class's structure, except for TokenSessionId: as in the WDK, the session id ULONG itself
 * is written through TokenInformation (callers pass &SessionId cast to PVOID *) and nothing
 * is allocated.
 */
NTKERNELAPI NTSTATUS SeQueryInformationToken(PACCESS_TOKEN Token,
                                             TOKEN_INFORMATION_CLASS TokenInformationClass,
                                             PVOID *TokenInformation);
NTKERNELAPI NTSTATUS SeQueryAuthenticationIdToken(PACCESS_TOKEN Token, PLUID AuthenticationId);
NTKERNELAPI NTSTATUS SeQuerySessionIdToken(PACCESS_TOKEN Token, PULONG SessionId);
NTKERNELAPI TOKEN_TYPE SeTokenType(PACCESS_TOKEN Token);
NTKERNELAPI SECURITY_IMPERSONATION_LEVEL SeTokenImpersonationLevel(PACCESS_TOKEN Token);
NTKERNELAPI BOOLEAN SeTokenIsAdmin(PACCESS_TOKEN Token);
NTKERNELAPI BOOLEAN SeTokenIsRestricted(PACCESS_TOKEN Token);
NTKERNELAPI BOOLEAN SeTokenIsWriteRestricted(PACCESS_TOKEN Token);
NTKERNELAPI NTSTATUS SeFilterToken(PACCESS_TOKEN ExistingToken, ULONG Flags,
                                   PTOKEN_GROUPS SidsToDisable,
                                   PTOKEN_PRIVILEGES PrivilegesToDelete,
                                   PTOKEN_GROUPS RestrictedSids, PACCESS_TOKEN *FilteredToken);

/* Access checks (src/se/accesschk*.c) and privileges (src/se/privilege.c) */
NTKERNELAPI BOOLEAN SeAccessCheck(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                  PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext,
                                  BOOLEAN SubjectContextLocked, ACCESS_MASK DesiredAccess,
                                  ACCESS_MASK PreviouslyGrantedAccess,
                                  PPRIVILEGE_SET *Privileges, PGENERIC_MAPPING GenericMapping,
                                  KPROCESSOR_MODE AccessMode, PACCESS_MASK GrantedAccess,
                                  PNTSTATUS AccessStatus);
/*
 * SeAccessCheckByType - not a WDK kernel export (the WDK documents NtAccessCheckByType and
 * AccessCheckByType): the signature is SeAccessCheck's with NtAccessCheckByType's
 * PrincipalSelfSid and ObjectTypeList added. Evaluates object ACEs against the object-type
 * tree of MS-DTYP 2.5.3.2 (docs/access-check.md "Object types") and answers for the root
 * (the whole object). A NULL/empty list checks like SeAccessCheck (object ACEs with an
 * ObjectType skipped); PRINCIPAL_SELF (S-1-5-10) in an ACE stands for PrincipalSelfSid. A
 * malformed list: FALSE, *AccessStatus STATUS_INVALID_PARAMETER. Takes no references.
 */
NTKERNELAPI BOOLEAN SeAccessCheckByType(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID PrincipalSelfSid,
                                        PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext,
                                        BOOLEAN SubjectContextLocked, ACCESS_MASK DesiredAccess,
                                        ACCESS_MASK PreviouslyGrantedAccess,
                                        POBJECT_TYPE_LIST ObjectTypeList, ULONG ObjectTypeListLength,
                                        PPRIVILEGE_SET *Privileges, PGENERIC_MAPPING GenericMapping,
                                        KPROCESSOR_MODE AccessMode, PACCESS_MASK GrantedAccess,
                                        PNTSTATUS AccessStatus);
NTKERNELAPI BOOLEAN SePrivilegeCheck(PPRIVILEGE_SET RequiredPrivileges,
                                     PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext,
                                     KPROCESSOR_MODE AccessMode);
NTKERNELAPI BOOLEAN SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode);
NTKERNELAPI VOID SeFreePrivileges(PPRIVILEGE_SET Privileges);

/* Security assignment (src/se/assign.c) */
NTKERNELAPI NTSTATUS SeAssignSecurity(PSECURITY_DESCRIPTOR ParentDescriptor,
                                      PSECURITY_DESCRIPTOR ExplicitDescriptor,
                                      PSECURITY_DESCRIPTOR *NewDescriptor,
                                      BOOLEAN IsDirectoryObject,
                                      PSECURITY_SUBJECT_CONTEXT SubjectContext,
                                      PGENERIC_MAPPING GenericMapping, POOL_TYPE PoolType);
NTKERNELAPI NTSTATUS SeAssignSecurityEx(PSECURITY_DESCRIPTOR ParentDescriptor,
                                        PSECURITY_DESCRIPTOR ExplicitDescriptor,
                                        PSECURITY_DESCRIPTOR *NewDescriptor, GUID *ObjectType,
                                        BOOLEAN IsDirectoryObject, ULONG AutoInheritFlags,
                                        PSECURITY_SUBJECT_CONTEXT SubjectContext,
                                        PGENERIC_MAPPING GenericMapping, POOL_TYPE PoolType);
NTKERNELAPI NTSTATUS SeDeassignSecurity(PSECURITY_DESCRIPTOR *SecurityDescriptor);

extern NTKERNELAPI POBJECT_TYPE *SeTokenObjectType;

/*
 * ZwQueryInformationToken - NtQueryInformationToken's buffer form on a token handle: the
 * class's structure (with the SIDs and ACLs it points to) copied into TokenInformation
 * (TokenInformationLength bytes); *ReturnLength is the size needed. STATUS_BUFFER_TOO_SMALL
 * with *ReturnLength set when the buffer is short (a NULL TokenInformation with length 0 is
 * the size query). STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH (not a token),
 * STATUS_INVALID_INFO_CLASS / STATUS_NOT_IMPLEMENTED as SeQueryInformationToken. Kernel-mode
 * caller: the handle's granted access is not checked. No reference is kept.
 */
NTSYSAPI NTSTATUS ZwQueryInformationToken(HANDLE TokenHandle,
                                          TOKEN_INFORMATION_CLASS TokenInformationClass,
                                          PVOID TokenInformation, ULONG TokenInformationLength,
                                          PULONG ReturnLength);

/* ---- Descriptor parts (src/se/sdinfo.c) ---- */
/*
 * SeQuerySecurityDescriptorInfo - the parts of *ObjectsSecurityDescriptor (self-relative or
 * absolute) named by *SecurityInformation, as a self-relative descriptor in SecurityDescriptor
 * (*Length bytes). *Length becomes the size needed; STATUS_BUFFER_TOO_SMALL when the buffer
 * is shorter (nothing written). A NULL *ObjectsSecurityDescriptor gives an empty descriptor.
 * No privilege is checked here (SACL access is the caller's ACCESS_SYSTEM_SECURITY check).
 * Takes and keeps no references.
 */
NTKERNELAPI NTSTATUS SeQuerySecurityDescriptorInfo(PSECURITY_INFORMATION SecurityInformation,
                                                   PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                   PULONG Length,
                                                   PSECURITY_DESCRIPTOR *ObjectsSecurityDescriptor);
/*
 * SeSetSecurityDescriptorInfo - builds a new self-relative descriptor from
 * *ObjectsSecurityDescriptor with the parts named by *SecurityInformation taken from
 * ModificationDescriptor, and stores it in *ObjectsSecurityDescriptor. The new descriptor is
 * allocated from pool (the caller frees it with ExFreePool, or logs it with
 * ObLogSecurityDescriptor and frees it); the old one is NOT freed: the caller still owns it.
 * Generic rights of the new ACEs (not inherit-only) are mapped with GenericMapping. Object
 * is not used (it may be NULL). A new owner must be the caller's user SID, a group of its
 * token with SE_GROUP_OWNER, or the caller must hold SeRestorePrivilege (subject context of
 * the calling thread) - else STATUS_INVALID_OWNER. STATUS_INVALID_SECURITY_DESCR,
 * STATUS_INVALID_PRIMARY_GROUP (group required but absent), STATUS_NO_MEMORY.
 */
NTKERNELAPI NTSTATUS SeSetSecurityDescriptorInfo(PVOID Object,
                                                 PSECURITY_INFORMATION SecurityInformation,
                                                 PSECURITY_DESCRIPTOR ModificationDescriptor,
                                                 PSECURITY_DESCRIPTOR *ObjectsSecurityDescriptor,
                                                 POOL_TYPE PoolType, PGENERIC_MAPPING GenericMapping);
/* SeSetSecurityDescriptorInfoEx - the same; AutoInheritFlags SEF_AVOID_OWNER_CHECK skips
 * the owner rule, other flags are accepted and do not change the result (no automatic
 * inheritance propagation: the descriptor has no parent here). */
NTKERNELAPI NTSTATUS SeSetSecurityDescriptorInfoEx(PVOID Object,
                                                   PSECURITY_INFORMATION SecurityInformation,
                                                   PSECURITY_DESCRIPTOR ModificationDescriptor,
                                                   PSECURITY_DESCRIPTOR *ObjectsSecurityDescriptor,
                                                   ULONG AutoInheritFlags, POOL_TYPE PoolType,
                                                   PGENERIC_MAPPING GenericMapping);

/* ---- SeExports (src/se/exports.c): the WDK field order; filled when the library loads ---- */
typedef struct _SE_EXPORTS {
    LUID SeCreateTokenPrivilege;
    LUID SeAssignPrimaryTokenPrivilege;
    LUID SeLockMemoryPrivilege;
    LUID SeIncreaseQuotaPrivilege;
    LUID SeUnsolicitedInputPrivilege;
    LUID SeTcbPrivilege;
    LUID SeSecurityPrivilege;
    LUID SeTakeOwnershipPrivilege;
    LUID SeLoadDriverPrivilege;
    LUID SeCreatePagefilePrivilege;
    LUID SeIncreaseBasePriorityPrivilege;
    LUID SeSystemProfilePrivilege;
    LUID SeSystemtimePrivilege;
    LUID SeProfileSingleProcessPrivilege;
    LUID SeCreatePermanentPrivilege;
    LUID SeBackupPrivilege;
    LUID SeRestorePrivilege;
    LUID SeShutdownPrivilege;
    LUID SeDebugPrivilege;
    LUID SeAuditPrivilege;
    LUID SeSystemEnvironmentPrivilege;
    LUID SeChangeNotifyPrivilege;
    LUID SeRemoteShutdownPrivilege;
    PSID SeNullSid;
    PSID SeWorldSid;
    PSID SeLocalSid;
    PSID SeCreatorOwnerSid;
    PSID SeCreatorGroupSid;
    PSID SeNtAuthoritySid;
    PSID SeDialupSid;
    PSID SeNetworkSid;
    PSID SeBatchSid;
    PSID SeInteractiveSid;
    PSID SeLocalSystemSid;
    PSID SeAliasAdminsSid;
    PSID SeAliasUsersSid;
    PSID SeAliasGuestsSid;
    PSID SeAliasPowerUsersSid;
    PSID SeAliasAccountOpsSid;
    PSID SeAliasSystemOpsSid;
    PSID SeAliasPrintOpsSid;
    PSID SeAliasBackupOpsSid;
    PSID SeAuthenticatedUsersSid;
    PSID SeRestrictedSid;
    PSID SeAnonymousLogonSid;
    LUID SeUndockPrivilege;
    LUID SeSyncAgentPrivilege;
    LUID SeEnableDelegationPrivilege;
    PSID SeLocalServiceSid;
    PSID SeNetworkServiceSid;
    LUID SeManageVolumePrivilege;
    LUID SeImpersonatePrivilege;
    LUID SeCreateGlobalPrivilege;
    LUID SeTrustedCredManAccessPrivilege;
    LUID SeRelabelPrivilege;
    LUID SeIncreaseWorkingSetPrivilege;
    LUID SeTimeZonePrivilege;
    LUID SeCreateSymbolicLinkPrivilege;
    PSID SeIUserSid;
    PSID SeUntrustedMandatorySid;
    PSID SeLowMandatorySid;
    PSID SeMediumMandatorySid;
    PSID SeHighMandatorySid;
    PSID SeSystemMandatorySid;
    PSID SeOwnerRightsSid;
    PSID SeAllAppPackagesSid;          /* S-1-15-2-1 */
    PSID SeUserModeDriversSid;         /* S-1-5-84-0-0-0-0-0 */
    PSID SeProcTrustWinTcbSid;         /* S-1-19-1024-8192 */
    PSID SeTrustedInstallerSid;        /* S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464 */
    LUID SeDelegateSessionUserImpersonatePrivilege;
    /* The app-silo SIDs: their values are not publicly documented and ntsec has no app
     * silos, so these are NULL (docs/wdk-coverage.md). */
    PSID SeAppSiloSid;
    PSID SeAppSiloVolumeRootMinimalCapabilitySid;
    PSID SeAppSiloProfilesRootMinimalCapabilitySid;
    PSID SeAppSiloPromptForAccessCapabilitySid;
    PSID SeAppSiloAccessToPublisherDirectoryCapabilitySid;
} SE_EXPORTS, *PSE_EXPORTS;
/* Points at a table in the library's static storage (never freed); the SIDs are valid for
 * the life of the process. */
extern NTKERNELAPI PSE_EXPORTS SeExports;
/* The World identifier authority {0,0,0,0,0,1}, a kernel export that ntifs.h does not declare
 * (drivers such as OpenAFS declare it themselves, with this type). */
extern NTKERNELAPI SID_IDENTIFIER_AUTHORITY SeWorldSidAuthority;


NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSE_H */
