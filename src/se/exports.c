/*
 * exports.c - SeExports: the well-known privilege LUIDs and SIDs the kernel exports to
 * drivers (ntse.h, the WDK's SE_EXPORTS field order). The table and its SIDs are constant
 * data of the library, complete before any code runs (no initialisation order to get
 * wrong); they are read-only, so a driver writing through them faults.
 */
#include "ntsec.h"

typedef struct _SEP_SID1 {
    UCHAR Revision;
    UCHAR SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
    ULONG SubAuthority[1];
} SEP_SID1;
typedef struct _SEP_SID2 {
    UCHAR Revision;
    UCHAR SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
    ULONG SubAuthority[2];
} SEP_SID2;
typedef struct _SEP_SID0 {
    UCHAR Revision;
    UCHAR SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
} SEP_SID0;

#define SEP_SID1(name, auth, r0) \
    static const SEP_SID1 name = { SID_REVISION, 1, { auth }, { (ULONG)(r0) } }
#define SEP_SID2(name, auth, r0, r1) \
    static const SEP_SID2 name = { SID_REVISION, 2, { auth }, { (ULONG)(r0), (ULONG)(r1) } }
#define SEP_AUTH(...) __VA_ARGS__
#define SEP_NT SEP_AUTH(0, 0, 0, 0, 0, 5)

SEP_SID1(SepNullSid, SEP_AUTH(0, 0, 0, 0, 0, 0), SECURITY_NULL_RID);
SEP_SID1(SepWorldSid, SEP_AUTH(0, 0, 0, 0, 0, 1), SECURITY_WORLD_RID);
SEP_SID1(SepLocalSid, SEP_AUTH(0, 0, 0, 0, 0, 2), SECURITY_LOCAL_RID);
SEP_SID1(SepCreatorOwnerSid, SEP_AUTH(0, 0, 0, 0, 0, 3), SECURITY_CREATOR_OWNER_RID);
SEP_SID1(SepCreatorGroupSid, SEP_AUTH(0, 0, 0, 0, 0, 3), SECURITY_CREATOR_GROUP_RID);
static const SEP_SID0 SepNtAuthoritySid = { SID_REVISION, 0, { { 0, 0, 0, 0, 0, 5 } } };
SEP_SID1(SepDialupSid, SEP_NT, SECURITY_DIALUP_RID);
SEP_SID1(SepNetworkSid, SEP_NT, SECURITY_NETWORK_RID);
SEP_SID1(SepBatchSid, SEP_NT, SECURITY_BATCH_RID);
SEP_SID1(SepInteractiveSid, SEP_NT, SECURITY_INTERACTIVE_RID);
SEP_SID1(SepLocalSystemSid, SEP_NT, SECURITY_LOCAL_SYSTEM_RID);
SEP_SID2(SepAliasAdminsSid, SEP_NT, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS);
SEP_SID2(SepAliasUsersSid, SEP_NT, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS);
SEP_SID2(SepAliasGuestsSid, SEP_NT, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_GUESTS);
SEP_SID2(SepAliasPowerUsersSid, SEP_NT, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_POWER_USERS);
SEP_SID2(SepAliasAccountOpsSid, SEP_NT, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ACCOUNT_OPS);
SEP_SID2(SepAliasSystemOpsSid, SEP_NT, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_SYSTEM_OPS);
SEP_SID2(SepAliasPrintOpsSid, SEP_NT, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_PRINT_OPS);
SEP_SID2(SepAliasBackupOpsSid, SEP_NT, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_BACKUP_OPS);
SEP_SID1(SepAuthenticatedUsersSid, SEP_NT, SECURITY_AUTHENTICATED_USER_RID);
SEP_SID1(SepRestrictedSid, SEP_NT, SECURITY_RESTRICTED_CODE_RID);
SEP_SID1(SepAnonymousLogonSid, SEP_NT, SECURITY_ANONYMOUS_LOGON_RID);
SEP_SID1(SepLocalServiceSid, SEP_NT, SECURITY_LOCAL_SERVICE_RID);
SEP_SID1(SepNetworkServiceSid, SEP_NT, SECURITY_NETWORK_SERVICE_RID);
SEP_SID1(SepIUserSid, SEP_NT, SECURITY_IUSER_RID);
SEP_SID1(SepUntrustedMandatorySid, SEP_AUTH(0, 0, 0, 0, 0, 16), SECURITY_MANDATORY_UNTRUSTED_RID);
SEP_SID1(SepLowMandatorySid, SEP_AUTH(0, 0, 0, 0, 0, 16), SECURITY_MANDATORY_LOW_RID);
SEP_SID1(SepMediumMandatorySid, SEP_AUTH(0, 0, 0, 0, 0, 16), SECURITY_MANDATORY_MEDIUM_RID);
SEP_SID1(SepHighMandatorySid, SEP_AUTH(0, 0, 0, 0, 0, 16), SECURITY_MANDATORY_HIGH_RID);
SEP_SID1(SepSystemMandatorySid, SEP_AUTH(0, 0, 0, 0, 0, 16), SECURITY_MANDATORY_SYSTEM_RID);
SEP_SID1(SepOwnerRightsSid, SEP_AUTH(0, 0, 0, 0, 0, 3), SECURITY_CREATOR_OWNER_RIGHTS_RID);
SEP_SID2(SepAllAppPackagesSid, SEP_AUTH(0, 0, 0, 0, 0, 15), 2, 1);
SEP_SID2(SepProcTrustWinTcbSid, SEP_AUTH(0, 0, 0, 0, 0, 19), 1024, 8192);
static const struct { UCHAR Revision, SubAuthorityCount; SID_IDENTIFIER_AUTHORITY Authority;
                      ULONG SubAuthority[6]; }
    SepUserModeDriversSid = { SID_REVISION, 6, { { 0, 0, 0, 0, 0, 5 } }, { 84, 0, 0, 0, 0, 0 } },
    SepTrustedInstallerSid = { SID_REVISION, 6, { { 0, 0, 0, 0, 0, 5 } },
                               { 80, 956008885u, 3418522649u, 1831038044u, 1853292631u,
                                 2271478464u } };

#define SEP_LUID(p) { (ULONG)(p), 0 }
#define SEP_PSID(s) ((PSID)&(s))

static const SE_EXPORTS SepExports = {
    .SeCreateTokenPrivilege = SEP_LUID(SE_CREATE_TOKEN_PRIVILEGE),
    .SeAssignPrimaryTokenPrivilege = SEP_LUID(SE_ASSIGNPRIMARYTOKEN_PRIVILEGE),
    .SeLockMemoryPrivilege = SEP_LUID(SE_LOCK_MEMORY_PRIVILEGE),
    .SeIncreaseQuotaPrivilege = SEP_LUID(SE_INCREASE_QUOTA_PRIVILEGE),
    .SeUnsolicitedInputPrivilege = SEP_LUID(SE_UNSOLICITED_INPUT_PRIVILEGE),
    .SeTcbPrivilege = SEP_LUID(SE_TCB_PRIVILEGE),
    .SeSecurityPrivilege = SEP_LUID(SE_SECURITY_PRIVILEGE),
    .SeTakeOwnershipPrivilege = SEP_LUID(SE_TAKE_OWNERSHIP_PRIVILEGE),
    .SeLoadDriverPrivilege = SEP_LUID(SE_LOAD_DRIVER_PRIVILEGE),
    .SeCreatePagefilePrivilege = SEP_LUID(SE_CREATE_PAGEFILE_PRIVILEGE),
    .SeIncreaseBasePriorityPrivilege = SEP_LUID(SE_INC_BASE_PRIORITY_PRIVILEGE),
    .SeSystemProfilePrivilege = SEP_LUID(SE_SYSTEM_PROFILE_PRIVILEGE),
    .SeSystemtimePrivilege = SEP_LUID(SE_SYSTEMTIME_PRIVILEGE),
    .SeProfileSingleProcessPrivilege = SEP_LUID(SE_PROF_SINGLE_PROCESS_PRIVILEGE),
    .SeCreatePermanentPrivilege = SEP_LUID(SE_CREATE_PERMANENT_PRIVILEGE),
    .SeBackupPrivilege = SEP_LUID(SE_BACKUP_PRIVILEGE),
    .SeRestorePrivilege = SEP_LUID(SE_RESTORE_PRIVILEGE),
    .SeShutdownPrivilege = SEP_LUID(SE_SHUTDOWN_PRIVILEGE),
    .SeDebugPrivilege = SEP_LUID(SE_DEBUG_PRIVILEGE),
    .SeAuditPrivilege = SEP_LUID(SE_AUDIT_PRIVILEGE),
    .SeSystemEnvironmentPrivilege = SEP_LUID(SE_SYSTEM_ENVIRONMENT_PRIVILEGE),
    .SeChangeNotifyPrivilege = SEP_LUID(SE_CHANGE_NOTIFY_PRIVILEGE),
    .SeRemoteShutdownPrivilege = SEP_LUID(SE_REMOTE_SHUTDOWN_PRIVILEGE),
    .SeNullSid = SEP_PSID(SepNullSid),
    .SeWorldSid = SEP_PSID(SepWorldSid),
    .SeLocalSid = SEP_PSID(SepLocalSid),
    .SeCreatorOwnerSid = SEP_PSID(SepCreatorOwnerSid),
    .SeCreatorGroupSid = SEP_PSID(SepCreatorGroupSid),
    .SeNtAuthoritySid = SEP_PSID(SepNtAuthoritySid),
    .SeDialupSid = SEP_PSID(SepDialupSid),
    .SeNetworkSid = SEP_PSID(SepNetworkSid),
    .SeBatchSid = SEP_PSID(SepBatchSid),
    .SeInteractiveSid = SEP_PSID(SepInteractiveSid),
    .SeLocalSystemSid = SEP_PSID(SepLocalSystemSid),
    .SeAliasAdminsSid = SEP_PSID(SepAliasAdminsSid),
    .SeAliasUsersSid = SEP_PSID(SepAliasUsersSid),
    .SeAliasGuestsSid = SEP_PSID(SepAliasGuestsSid),
    .SeAliasPowerUsersSid = SEP_PSID(SepAliasPowerUsersSid),
    .SeAliasAccountOpsSid = SEP_PSID(SepAliasAccountOpsSid),
    .SeAliasSystemOpsSid = SEP_PSID(SepAliasSystemOpsSid),
    .SeAliasPrintOpsSid = SEP_PSID(SepAliasPrintOpsSid),
    .SeAliasBackupOpsSid = SEP_PSID(SepAliasBackupOpsSid),
    .SeAuthenticatedUsersSid = SEP_PSID(SepAuthenticatedUsersSid),
    .SeRestrictedSid = SEP_PSID(SepRestrictedSid),
    .SeAnonymousLogonSid = SEP_PSID(SepAnonymousLogonSid),
    .SeUndockPrivilege = SEP_LUID(SE_UNDOCK_PRIVILEGE),
    .SeSyncAgentPrivilege = SEP_LUID(SE_SYNC_AGENT_PRIVILEGE),
    .SeEnableDelegationPrivilege = SEP_LUID(SE_ENABLE_DELEGATION_PRIVILEGE),
    .SeLocalServiceSid = SEP_PSID(SepLocalServiceSid),
    .SeNetworkServiceSid = SEP_PSID(SepNetworkServiceSid),
    .SeManageVolumePrivilege = SEP_LUID(SE_MANAGE_VOLUME_PRIVILEGE),
    .SeImpersonatePrivilege = SEP_LUID(SE_IMPERSONATE_PRIVILEGE),
    .SeCreateGlobalPrivilege = SEP_LUID(SE_CREATE_GLOBAL_PRIVILEGE),
    .SeTrustedCredManAccessPrivilege = SEP_LUID(SE_TRUSTED_CREDMAN_ACCESS_PRIVILEGE),
    .SeRelabelPrivilege = SEP_LUID(SE_RELABEL_PRIVILEGE),
    .SeIncreaseWorkingSetPrivilege = SEP_LUID(SE_INC_WORKING_SET_PRIVILEGE),
    .SeTimeZonePrivilege = SEP_LUID(SE_TIME_ZONE_PRIVILEGE),
    .SeCreateSymbolicLinkPrivilege = SEP_LUID(SE_CREATE_SYMBOLIC_LINK_PRIVILEGE),
    .SeIUserSid = SEP_PSID(SepIUserSid),
    .SeUntrustedMandatorySid = SEP_PSID(SepUntrustedMandatorySid),
    .SeLowMandatorySid = SEP_PSID(SepLowMandatorySid),
    .SeMediumMandatorySid = SEP_PSID(SepMediumMandatorySid),
    .SeHighMandatorySid = SEP_PSID(SepHighMandatorySid),
    .SeSystemMandatorySid = SEP_PSID(SepSystemMandatorySid),
    .SeOwnerRightsSid = SEP_PSID(SepOwnerRightsSid),
    .SeAllAppPackagesSid = SEP_PSID(SepAllAppPackagesSid),
    .SeUserModeDriversSid = SEP_PSID(SepUserModeDriversSid),
    .SeProcTrustWinTcbSid = SEP_PSID(SepProcTrustWinTcbSid),
    .SeTrustedInstallerSid = SEP_PSID(SepTrustedInstallerSid),
    .SeDelegateSessionUserImpersonatePrivilege =
        SEP_LUID(SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE),
};

PSE_EXPORTS SeExports = (PSE_EXPORTS)&SepExports;

/* Writable, as the kernel's (drivers declare it without const); nothing in ntsec reads it. */
SID_IDENTIFIER_AUTHORITY SeWorldSidAuthority = { { 0, 0, 0, 0, 0, 1 } };
