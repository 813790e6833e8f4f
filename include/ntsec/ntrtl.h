/*
 * ntrtl.h - SIDs, ACLs, ACEs, security descriptors and the Rtl routines on them.
 * Layouts are the Windows (winnt.h / ntifs.h) layouts on x64.
 */
#ifndef NTSEC_NTRTL_H
#define NTSEC_NTRTL_H

#include "ntdef.h"

NTSEC_EXTERN_C_BEGIN

/* ---- SIDs ---- */

typedef struct _SID_IDENTIFIER_AUTHORITY {
    UCHAR Value[6];
} SID_IDENTIFIER_AUTHORITY, *PSID_IDENTIFIER_AUTHORITY;

#define SID_REVISION 1
#define SID_MAX_SUB_AUTHORITIES 15
#define SID_RECOMMENDED_SUB_AUTHORITIES 1
#define SECURITY_MAX_SID_SIZE (8 + SID_MAX_SUB_AUTHORITIES * 4)

typedef struct _SID {
    UCHAR Revision;
    UCHAR SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
    ULONG SubAuthority[1]; /* SubAuthorityCount entries */
} SID, *PISID;

typedef PVOID PSID;

typedef struct _SID_AND_ATTRIBUTES {
    PSID Sid;
    ULONG Attributes;
} SID_AND_ATTRIBUTES, *PSID_AND_ATTRIBUTES;

#define SECURITY_NULL_SID_AUTHORITY         {0,0,0,0,0,0}
#define SECURITY_WORLD_SID_AUTHORITY        {0,0,0,0,0,1}
#define SECURITY_LOCAL_SID_AUTHORITY        {0,0,0,0,0,2}
#define SECURITY_CREATOR_SID_AUTHORITY      {0,0,0,0,0,3}
#define SECURITY_NON_UNIQUE_AUTHORITY       {0,0,0,0,0,4}
#define SECURITY_NT_AUTHORITY               {0,0,0,0,0,5}
#define SECURITY_RESOURCE_MANAGER_AUTHORITY {0,0,0,0,0,9}
#define SECURITY_APP_PACKAGE_AUTHORITY      {0,0,0,0,0,15}
#define SECURITY_MANDATORY_LABEL_AUTHORITY  {0,0,0,0,0,16}
#define SECURITY_SCOPED_POLICY_ID_AUTHORITY {0,0,0,0,0,17}
#define SECURITY_AUTHENTICATION_AUTHORITY   {0,0,0,0,0,18}
#define SECURITY_PROCESS_TRUST_AUTHORITY    {0,0,0,0,0,19}
/* Samba's Unix-id authority: S-1-22-1-uid, S-1-22-2-gid. */
#define NTSEC_UNIX_ID_AUTHORITY             {0,0,0,0,0,22}

#define SECURITY_NULL_RID                 0x00000000L
#define SECURITY_WORLD_RID                0x00000000L
#define SECURITY_LOCAL_RID                0x00000000L
#define SECURITY_LOCAL_LOGON_RID          0x00000001L
#define SECURITY_CREATOR_OWNER_RID        0x00000000L
#define SECURITY_CREATOR_GROUP_RID        0x00000001L
#define SECURITY_CREATOR_OWNER_SERVER_RID 0x00000002L
#define SECURITY_CREATOR_GROUP_SERVER_RID 0x00000003L
#define SECURITY_CREATOR_OWNER_RIGHTS_RID 0x00000004L
#define SECURITY_DIALUP_RID               0x00000001L
#define SECURITY_NETWORK_RID              0x00000002L
#define SECURITY_BATCH_RID                0x00000003L
#define SECURITY_INTERACTIVE_RID          0x00000004L
#define SECURITY_LOGON_IDS_RID            0x00000005L
#define SECURITY_LOGON_IDS_RID_COUNT      3L
#define SECURITY_SERVICE_RID              0x00000006L
#define SECURITY_ANONYMOUS_LOGON_RID      0x00000007L
#define SECURITY_PROXY_RID                0x00000008L
#define SECURITY_ENTERPRISE_CONTROLLERS_RID 0x00000009L
#define SECURITY_PRINCIPAL_SELF_RID       0x0000000AL
#define SECURITY_AUTHENTICATED_USER_RID   0x0000000BL
#define SECURITY_RESTRICTED_CODE_RID      0x0000000CL
#define SECURITY_TERMINAL_SERVER_RID      0x0000000DL
#define SECURITY_REMOTE_LOGON_RID         0x0000000EL
#define SECURITY_THIS_ORGANIZATION_RID    0x0000000FL
#define SECURITY_IUSER_RID                0x00000011L
#define SECURITY_LOCAL_SYSTEM_RID         0x00000012L
#define SECURITY_LOCAL_SERVICE_RID        0x00000013L
#define SECURITY_NETWORK_SERVICE_RID      0x00000014L
#define SECURITY_NT_NON_UNIQUE            0x00000015L
#define SECURITY_ENTERPRISE_READONLY_CONTROLLERS_RID 0x00000016L
#define SECURITY_BUILTIN_DOMAIN_RID       0x00000020L
#define SECURITY_WRITE_RESTRICTED_CODE_RID 0x00000021L

#define DOMAIN_USER_RID_ADMIN             0x000001F4L
#define DOMAIN_USER_RID_GUEST             0x000001F5L
#define DOMAIN_USER_RID_KRBTGT            0x000001F6L
#define DOMAIN_GROUP_RID_ADMINS           0x00000200L
#define DOMAIN_GROUP_RID_USERS            0x00000201L
#define DOMAIN_GROUP_RID_GUESTS           0x00000202L
#define DOMAIN_GROUP_RID_COMPUTERS        0x00000203L
#define DOMAIN_GROUP_RID_CONTROLLERS      0x00000204L
#define DOMAIN_GROUP_RID_CERT_ADMINS      0x00000205L
#define DOMAIN_GROUP_RID_SCHEMA_ADMINS    0x00000206L
#define DOMAIN_GROUP_RID_ENTERPRISE_ADMINS 0x00000207L
#define DOMAIN_GROUP_RID_POLICY_ADMINS    0x00000208L
#define DOMAIN_ALIAS_RID_ADMINS           0x00000220L
#define DOMAIN_ALIAS_RID_USERS            0x00000221L
#define DOMAIN_ALIAS_RID_GUESTS           0x00000222L
#define DOMAIN_ALIAS_RID_POWER_USERS      0x00000223L
#define DOMAIN_ALIAS_RID_ACCOUNT_OPS      0x00000224L
#define DOMAIN_ALIAS_RID_SYSTEM_OPS       0x00000225L
#define DOMAIN_ALIAS_RID_PRINT_OPS        0x00000226L
#define DOMAIN_ALIAS_RID_BACKUP_OPS       0x00000227L
#define DOMAIN_ALIAS_RID_REPLICATOR       0x00000228L

#define SECURITY_MANDATORY_UNTRUSTED_RID         0x00000000L
#define SECURITY_MANDATORY_LOW_RID               0x00001000L
#define SECURITY_MANDATORY_MEDIUM_RID            0x00002000L
#define SECURITY_MANDATORY_MEDIUM_PLUS_RID       0x00002100L
#define SECURITY_MANDATORY_HIGH_RID              0x00003000L
#define SECURITY_MANDATORY_SYSTEM_RID            0x00004000L
#define SECURITY_MANDATORY_PROTECTED_PROCESS_RID 0x00005000L

/* ---- ACLs and ACEs ---- */

#define ACL_REVISION 2
#define ACL_REVISION_DS 4
#define MIN_ACL_REVISION ACL_REVISION
#define MAX_ACL_REVISION ACL_REVISION_DS

typedef struct _ACL {
    UCHAR AclRevision;
    UCHAR Sbz1;
    USHORT AclSize;
    USHORT AceCount;
    USHORT Sbz2;
} ACL, *PACL;

typedef struct _ACE_HEADER {
    UCHAR AceType;
    UCHAR AceFlags;
    USHORT AceSize;
} ACE_HEADER, *PACE_HEADER;

#define ACCESS_MIN_MS_ACE_TYPE                  0x0
#define ACCESS_ALLOWED_ACE_TYPE                 0x0
#define ACCESS_DENIED_ACE_TYPE                  0x1
#define SYSTEM_AUDIT_ACE_TYPE                   0x2
#define SYSTEM_ALARM_ACE_TYPE                   0x3
#define ACCESS_MAX_MS_V2_ACE_TYPE               0x3
#define ACCESS_ALLOWED_COMPOUND_ACE_TYPE        0x4
#define ACCESS_MAX_MS_V3_ACE_TYPE               0x4
#define ACCESS_MIN_MS_OBJECT_ACE_TYPE           0x5
#define ACCESS_ALLOWED_OBJECT_ACE_TYPE          0x5
#define ACCESS_DENIED_OBJECT_ACE_TYPE           0x6
#define SYSTEM_AUDIT_OBJECT_ACE_TYPE            0x7
#define SYSTEM_ALARM_OBJECT_ACE_TYPE            0x8
#define ACCESS_MAX_MS_OBJECT_ACE_TYPE           0x8
#define ACCESS_MAX_MS_V4_ACE_TYPE               0x8
#define ACCESS_ALLOWED_CALLBACK_ACE_TYPE        0x9
#define ACCESS_DENIED_CALLBACK_ACE_TYPE         0xA
#define ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE 0xB
#define ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE  0xC
#define SYSTEM_AUDIT_CALLBACK_ACE_TYPE          0xD
#define SYSTEM_ALARM_CALLBACK_ACE_TYPE          0xE
#define SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE   0xF
#define SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE   0x10
#define SYSTEM_MANDATORY_LABEL_ACE_TYPE         0x11
#define SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE      0x12
#define SYSTEM_SCOPED_POLICY_ID_ACE_TYPE        0x13
#define SYSTEM_PROCESS_TRUST_LABEL_ACE_TYPE     0x14
#define SYSTEM_ACCESS_FILTER_ACE_TYPE           0x15
#define ACCESS_MAX_MS_V5_ACE_TYPE               0x15

#define OBJECT_INHERIT_ACE         0x01
#define CONTAINER_INHERIT_ACE      0x02
#define NO_PROPAGATE_INHERIT_ACE   0x04
#define INHERIT_ONLY_ACE           0x08
#define INHERITED_ACE              0x10
#define VALID_INHERIT_FLAGS        0x1F
#define CRITICAL_ACE_FLAG          0x20
#define SUCCESSFUL_ACCESS_ACE_FLAG 0x40
#define FAILED_ACCESS_ACE_FLAG     0x80
#define TRUST_PROTECTED_FILTER_ACE_FLAG 0x40

typedef struct _ACCESS_ALLOWED_ACE {
    ACE_HEADER Header;
    ACCESS_MASK Mask;
    ULONG SidStart;
} ACCESS_ALLOWED_ACE, *PACCESS_ALLOWED_ACE;
typedef ACCESS_ALLOWED_ACE ACCESS_DENIED_ACE, *PACCESS_DENIED_ACE;
typedef ACCESS_ALLOWED_ACE SYSTEM_AUDIT_ACE, *PSYSTEM_AUDIT_ACE;
typedef ACCESS_ALLOWED_ACE SYSTEM_ALARM_ACE, *PSYSTEM_ALARM_ACE;
typedef ACCESS_ALLOWED_ACE SYSTEM_MANDATORY_LABEL_ACE, *PSYSTEM_MANDATORY_LABEL_ACE;
typedef ACCESS_ALLOWED_ACE ACCESS_ALLOWED_CALLBACK_ACE, *PACCESS_ALLOWED_CALLBACK_ACE;
typedef ACCESS_ALLOWED_ACE ACCESS_DENIED_CALLBACK_ACE, *PACCESS_DENIED_CALLBACK_ACE;
typedef ACCESS_ALLOWED_ACE SYSTEM_RESOURCE_ATTRIBUTE_ACE, *PSYSTEM_RESOURCE_ATTRIBUTE_ACE;
typedef ACCESS_ALLOWED_ACE SYSTEM_SCOPED_POLICY_ID_ACE, *PSYSTEM_SCOPED_POLICY_ID_ACE;
typedef ACCESS_ALLOWED_ACE SYSTEM_PROCESS_TRUST_LABEL_ACE, *PSYSTEM_PROCESS_TRUST_LABEL_ACE;

typedef struct _GUID {
    ULONG Data1;
    USHORT Data2;
    USHORT Data3;
    UCHAR Data4[8];
} GUID, *PGUID;
typedef const GUID *LPCGUID;

typedef struct _ACCESS_ALLOWED_OBJECT_ACE {
    ACE_HEADER Header;
    ACCESS_MASK Mask;
    ULONG Flags;
    GUID ObjectType;          /* present iff ACE_OBJECT_TYPE_PRESENT */
    GUID InheritedObjectType; /* present iff ACE_INHERITED_OBJECT_TYPE_PRESENT */
    ULONG SidStart;
} ACCESS_ALLOWED_OBJECT_ACE, *PACCESS_ALLOWED_OBJECT_ACE;
typedef ACCESS_ALLOWED_OBJECT_ACE ACCESS_DENIED_OBJECT_ACE, *PACCESS_DENIED_OBJECT_ACE;
typedef ACCESS_ALLOWED_OBJECT_ACE SYSTEM_AUDIT_OBJECT_ACE, *PSYSTEM_AUDIT_OBJECT_ACE;
typedef ACCESS_ALLOWED_OBJECT_ACE SYSTEM_ALARM_OBJECT_ACE, *PSYSTEM_ALARM_OBJECT_ACE;

#define ACE_OBJECT_TYPE_PRESENT           0x1
#define ACE_INHERITED_OBJECT_TYPE_PRESENT 0x2

#define SYSTEM_MANDATORY_LABEL_NO_WRITE_UP   0x1
#define SYSTEM_MANDATORY_LABEL_NO_READ_UP    0x2
#define SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP 0x4
#define SYSTEM_MANDATORY_LABEL_VALID_MASK    0x7

typedef enum _ACL_INFORMATION_CLASS {
    AclRevisionInformation = 1,
    AclSizeInformation
} ACL_INFORMATION_CLASS;

typedef struct _ACL_REVISION_INFORMATION {
    ULONG AclRevision;
} ACL_REVISION_INFORMATION, *PACL_REVISION_INFORMATION;

typedef struct _ACL_SIZE_INFORMATION {
    ULONG AceCount;
    ULONG AclBytesInUse;
    ULONG AclBytesFree;
} ACL_SIZE_INFORMATION, *PACL_SIZE_INFORMATION;

/* ---- Security descriptors ---- */

#define SECURITY_DESCRIPTOR_REVISION 1
#define SECURITY_DESCRIPTOR_REVISION1 1
#define SECURITY_DESCRIPTOR_MIN_LENGTH (sizeof(SECURITY_DESCRIPTOR))

typedef USHORT SECURITY_DESCRIPTOR_CONTROL, *PSECURITY_DESCRIPTOR_CONTROL;

#define SE_OWNER_DEFAULTED       0x0001
#define SE_GROUP_DEFAULTED       0x0002
#define SE_DACL_PRESENT          0x0004
#define SE_DACL_DEFAULTED        0x0008
#define SE_SACL_PRESENT          0x0010
#define SE_SACL_DEFAULTED        0x0020
#define SE_DACL_UNTRUSTED        0x0040
#define SE_SERVER_SECURITY       0x0080
#define SE_DACL_AUTO_INHERIT_REQ 0x0100
#define SE_SACL_AUTO_INHERIT_REQ 0x0200
#define SE_DACL_AUTO_INHERITED   0x0400
#define SE_SACL_AUTO_INHERITED   0x0800
#define SE_DACL_PROTECTED        0x1000
#define SE_SACL_PROTECTED        0x2000
#define SE_RM_CONTROL_VALID      0x4000
#define SE_SELF_RELATIVE         0x8000

typedef struct _SECURITY_DESCRIPTOR {
    UCHAR Revision;
    UCHAR Sbz1;
    SECURITY_DESCRIPTOR_CONTROL Control;
    PSID Owner;
    PSID Group;
    PACL Sacl;
    PACL Dacl;
} SECURITY_DESCRIPTOR, *PISECURITY_DESCRIPTOR;

typedef struct _SECURITY_DESCRIPTOR_RELATIVE {
    UCHAR Revision;
    UCHAR Sbz1;
    SECURITY_DESCRIPTOR_CONTROL Control;
    ULONG Owner;
    ULONG Group;
    ULONG Sacl;
    ULONG Dacl;
} SECURITY_DESCRIPTOR_RELATIVE, *PISECURITY_DESCRIPTOR_RELATIVE;

typedef PVOID PSECURITY_DESCRIPTOR;

typedef ULONG SECURITY_INFORMATION, *PSECURITY_INFORMATION;
#define OWNER_SECURITY_INFORMATION            0x00000001L
#define GROUP_SECURITY_INFORMATION            0x00000002L
#define DACL_SECURITY_INFORMATION             0x00000004L
#define SACL_SECURITY_INFORMATION             0x00000008L
#define LABEL_SECURITY_INFORMATION            0x00000010L
#define ATTRIBUTE_SECURITY_INFORMATION        0x00000020L
#define SCOPE_SECURITY_INFORMATION            0x00000040L
#define PROCESS_TRUST_LABEL_SECURITY_INFORMATION 0x00000080L
#define BACKUP_SECURITY_INFORMATION           0x00010000L
#define PROTECTED_DACL_SECURITY_INFORMATION   0x80000000L
#define PROTECTED_SACL_SECURITY_INFORMATION   0x40000000L
#define UNPROTECTED_DACL_SECURITY_INFORMATION 0x20000000L
#define UNPROTECTED_SACL_SECURITY_INFORMATION 0x10000000L

/* Rtl routine prototypes follow (owned by src/rtl). */
/* SIDs (src/rtl/sid.c, src/rtl/sidstring.c, src/rtl/wellknown.c) */
NTSYSAPI ULONG RtlLengthSid(PSID Sid);
NTSYSAPI ULONG RtlLengthRequiredSid(ULONG SubAuthorityCount);
NTSYSAPI BOOLEAN RtlValidSid(PSID Sid);
NTSYSAPI BOOLEAN RtlEqualSid(PSID Sid1, PSID Sid2);
NTSYSAPI BOOLEAN RtlEqualPrefixSid(PSID Sid1, PSID Sid2);
NTSYSAPI NTSTATUS RtlCopySid(ULONG DestinationSidLength, PSID DestinationSid, PSID SourceSid);
NTSYSAPI NTSTATUS RtlInitializeSid(PSID Sid, PSID_IDENTIFIER_AUTHORITY IdentifierAuthority,
                                   UCHAR SubAuthorityCount);
NTSYSAPI PULONG RtlSubAuthoritySid(PSID Sid, ULONG SubAuthority);
NTSYSAPI PUCHAR RtlSubAuthorityCountSid(PSID Sid);
NTSYSAPI PSID_IDENTIFIER_AUTHORITY RtlIdentifierAuthoritySid(PSID Sid);

/* ACLs and ACEs (src/rtl/acl.c) */
NTSYSAPI NTSTATUS RtlCreateAcl(PACL Acl, ULONG AclLength, ULONG AclRevision);
NTSYSAPI BOOLEAN RtlValidAcl(PACL Acl);
NTSYSAPI NTSTATUS RtlQueryInformationAcl(PACL Acl, PVOID AclInformation,
                                         ULONG AclInformationLength,
                                         ACL_INFORMATION_CLASS AclInformationClass);
NTSYSAPI NTSTATUS RtlAddAce(PACL Acl, ULONG AceRevision, ULONG StartingAceIndex, PVOID AceList,
                            ULONG AceListLength);
NTSYSAPI NTSTATUS RtlDeleteAce(PACL Acl, ULONG AceIndex);
NTSYSAPI NTSTATUS RtlGetAce(PACL Acl, ULONG AceIndex, PVOID *Ace);
NTSYSAPI NTSTATUS RtlAddAccessAllowedAce(PACL Acl, ULONG AceRevision, ACCESS_MASK AccessMask,
                                         PSID Sid);
NTSYSAPI NTSTATUS RtlAddAccessAllowedAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                           ACCESS_MASK AccessMask, PSID Sid);
NTSYSAPI NTSTATUS RtlAddAccessDeniedAce(PACL Acl, ULONG AceRevision, ACCESS_MASK AccessMask,
                                        PSID Sid);
NTSYSAPI NTSTATUS RtlAddAccessDeniedAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                          ACCESS_MASK AccessMask, PSID Sid);
NTSYSAPI NTSTATUS RtlAddAuditAccessAce(PACL Acl, ULONG AceRevision, ACCESS_MASK AccessMask,
                                       PSID Sid, BOOLEAN AuditSuccess, BOOLEAN AuditFailure);
NTSYSAPI NTSTATUS RtlAddAuditAccessAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                         ACCESS_MASK AccessMask, PSID Sid, BOOLEAN AuditSuccess,
                                         BOOLEAN AuditFailure);
NTSYSAPI NTSTATUS RtlAddMandatoryAce(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                     ULONG MandatoryFlags, UCHAR AceType, PSID LabelSid);

/* Security descriptors (src/rtl/sd.c, src/rtl/sdrelative.c) */
NTSYSAPI NTSTATUS RtlCreateSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                              ULONG Revision);
NTSYSAPI BOOLEAN RtlValidSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor);
NTSYSAPI BOOLEAN RtlValidRelativeSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptorInput,
                                                    ULONG SecurityDescriptorLength,
                                                    SECURITY_INFORMATION RequiredInformation);
NTSYSAPI ULONG RtlLengthSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor);
NTSYSAPI NTSTATUS RtlGetControlSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                  PSECURITY_DESCRIPTOR_CONTROL Control,
                                                  PULONG Revision);
NTSYSAPI NTSTATUS RtlSetControlSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                  SECURITY_DESCRIPTOR_CONTROL ControlBitsOfInterest,
                                                  SECURITY_DESCRIPTOR_CONTROL ControlBitsToSet);
NTSYSAPI NTSTATUS RtlGetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                PSID *Owner, PBOOLEAN OwnerDefaulted);
NTSYSAPI NTSTATUS RtlSetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                PSID Owner, BOOLEAN OwnerDefaulted);
NTSYSAPI NTSTATUS RtlGetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                PSID *Group, PBOOLEAN GroupDefaulted);
NTSYSAPI NTSTATUS RtlSetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                PSID Group, BOOLEAN GroupDefaulted);
NTSYSAPI NTSTATUS RtlGetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                               PBOOLEAN DaclPresent, PACL *Dacl,
                                               PBOOLEAN DaclDefaulted);
NTSYSAPI NTSTATUS RtlSetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                               BOOLEAN DaclPresent, PACL Dacl,
                                               BOOLEAN DaclDefaulted);
NTSYSAPI NTSTATUS RtlGetSaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                               PBOOLEAN SaclPresent, PACL *Sacl,
                                               PBOOLEAN SaclDefaulted);
NTSYSAPI NTSTATUS RtlSetSaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                               BOOLEAN SaclPresent, PACL Sacl,
                                               BOOLEAN SaclDefaulted);
NTSYSAPI NTSTATUS RtlAbsoluteToSelfRelativeSD(PSECURITY_DESCRIPTOR AbsoluteSecurityDescriptor,
                                              PSECURITY_DESCRIPTOR SelfRelativeSecurityDescriptor,
                                              PULONG BufferLength);
NTSYSAPI NTSTATUS RtlMakeSelfRelativeSD(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                        PSECURITY_DESCRIPTOR SelfRelativeSecurityDescriptor,
                                        PULONG BufferLength);
NTSYSAPI NTSTATUS RtlSelfRelativeToAbsoluteSD(
    PSECURITY_DESCRIPTOR SelfRelativeSecurityDescriptor,
    PSECURITY_DESCRIPTOR AbsoluteSecurityDescriptor, PULONG AbsoluteSecurityDescriptorSize,
    PACL Dacl, PULONG DaclSize, PACL Sacl, PULONG SaclSize, PSID Owner, PULONG OwnerSize,
    PSID PrimaryGroup, PULONG PrimaryGroupSize);

/* Strings and LUIDs (src/rtl/unistr.c) */
/*
 * RtlInitUnicodeString - points DestinationString at the NUL-terminated SourceString (not
 * copied; NULL gives the empty string): Length = its size in bytes without the NUL,
 * MaximumLength = Length + sizeof(WCHAR). A string longer than 32766 characters is cut at
 * that length, as the WDK does. Takes nothing to free.
 */
NTSYSAPI VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);
/*
 * RtlFreeUnicodeString - frees the Buffer that an Rtl routine allocated for UnicodeString
 * (RtlConvertSidToUnicodeString with AllocateDestinationString) and zeroes the string.
 * A NULL Buffer is ignored.
 */
NTSYSAPI VOID RtlFreeUnicodeString(PUNICODE_STRING UnicodeString);
/*
 * RtlConvertSidToUnicodeString - "S-1-5-21-..." into UnicodeString (NUL-terminated when there
 * is room). With AllocateDestinationString the buffer is allocated from pool (free it with
 * RtlFreeUnicodeString); without, the caller's MaximumLength must hold the text, else
 * STATUS_BUFFER_OVERFLOW and the string is unchanged. STATUS_INVALID_SID, STATUS_NO_MEMORY.
 */
NTSYSAPI NTSTATUS RtlConvertSidToUnicodeString(PUNICODE_STRING UnicodeString, PSID Sid,
                                               BOOLEAN AllocateDestinationString);

/* RtlConvertLongToLuid / RtlConvertUlongToLuid - inline in the WDK as here. */
FORCEINLINE LUID RtlConvertLongToLuid(LONG Long)
{
    LUID TempLuid;
    LARGE_INTEGER TempLi;
    TempLi.QuadPart = Long;
    TempLuid.LowPart = TempLi.LowPart;
    TempLuid.HighPart = TempLi.HighPart;
    return TempLuid;
}
FORCEINLINE LUID RtlConvertUlongToLuid(ULONG Ulong)
{
    LUID TempLuid;
    TempLuid.LowPart = Ulong;
    TempLuid.HighPart = 0;
    return TempLuid;
}
#define RtlEqualLuid(L1, L2) (((L1)->LowPart == (L2)->LowPart) && ((L1)->HighPart == (L2)->HighPart))

/* Generic mapping (src/rtl/mapping.c) */
NTSYSAPI VOID RtlMapGenericMask(PACCESS_MASK AccessMask, const GENERIC_MAPPING *GenericMapping);


NTSEC_EXTERN_C_END

#endif /* NTSEC_NTRTL_H */
