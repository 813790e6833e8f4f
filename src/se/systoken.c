/*
 * systoken.c - the SYSTEM token (spec 1.4): the System process's primary token.
 */
#include <string.h>
#include "se/sep.h"

static PSID SepMakeSid(UCHAR *Buffer, UCHAR Authority, ULONG Count, ULONG A, ULONG B)
{
    SID_IDENTIFIER_AUTHORITY auth = { { 0, 0, 0, 0, 0, Authority } };
    PISID sid = (PISID)Buffer;
    RtlInitializeSid(sid, &auth, (UCHAR)Count);
    sid->SubAuthority[0] = A;
    if (Count > 1)
        sid->SubAuthority[1] = B;
    return sid;
}

/*
 * SepCreateSystemToken - user S-1-5-18, AuthenticationId SYSTEM_LUID, integrity System,
 * source "*SYSTEM*", owner BUILTIN\Administrators, and the privileges Windows gives
 * LocalSystem (SeImpersonatePrivilege enabled). *Token holds the single reference.
 */
NTSTATUS SepCreateSystemToken(PTOKEN *Token)
{
    UCHAR user[16], admins[16], everyone[16], authUsers[16];
    SID_AND_ATTRIBUTES groups[3] = {
        { SepMakeSid(admins, 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS),
          SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED | SE_GROUP_OWNER },
        { SepMakeSid(everyone, 1, 1, SECURITY_WORLD_RID, 0),
          SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED },
        { SepMakeSid(authUsers, 5, 1, SECURITY_AUTHENTICATED_USER_RID, 0),
          SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED },
    };
    /* Enabled by default for LocalSystem on Windows; the rest are held but disabled. */
    static const ULONG enabled[] = {
        SE_CREATE_TOKEN_PRIVILEGE, SE_LOCK_MEMORY_PRIVILEGE, SE_TCB_PRIVILEGE,
        SE_SYSTEM_PROFILE_PRIVILEGE, SE_PROF_SINGLE_PROCESS_PRIVILEGE,
        SE_INC_BASE_PRIORITY_PRIVILEGE, SE_CREATE_PAGEFILE_PRIVILEGE,
        SE_CREATE_PERMANENT_PRIVILEGE, SE_DEBUG_PRIVILEGE, SE_AUDIT_PRIVILEGE,
        SE_CHANGE_NOTIFY_PRIVILEGE, SE_IMPERSONATE_PRIVILEGE, SE_CREATE_GLOBAL_PRIVILEGE,
        SE_INC_WORKING_SET_PRIVILEGE, SE_CREATE_SYMBOLIC_LINK_PRIVILEGE,
        SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE,
    };
    static const ULONG disabled[] = {
        SE_ASSIGNPRIMARYTOKEN_PRIVILEGE, SE_INCREASE_QUOTA_PRIVILEGE, SE_SECURITY_PRIVILEGE,
        SE_TAKE_OWNERSHIP_PRIVILEGE, SE_LOAD_DRIVER_PRIVILEGE, SE_SYSTEMTIME_PRIVILEGE,
        SE_BACKUP_PRIVILEGE, SE_RESTORE_PRIVILEGE, SE_SHUTDOWN_PRIVILEGE,
        SE_SYSTEM_ENVIRONMENT_PRIVILEGE, SE_UNDOCK_PRIVILEGE, SE_MANAGE_VOLUME_PRIVILEGE,
        SE_TRUSTED_CREDMAN_ACCESS_PRIVILEGE, SE_RELABEL_PRIVILEGE, SE_TIME_ZONE_PRIVILEGE,
    };
    LUID_AND_ATTRIBUTES privs[sizeof enabled / sizeof enabled[0] + sizeof disabled / sizeof disabled[0]];
    ULONG n = 0;
    for (ULONG i = 0; i < sizeof enabled / sizeof enabled[0]; i++)
        privs[n++] = (LUID_AND_ATTRIBUTES){ { enabled[i], 0 },
                                            SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED };
    for (ULONG i = 0; i < sizeof disabled / sizeof disabled[0]; i++)
        privs[n++] = (LUID_AND_ATTRIBUTES){ { disabled[i], 0 }, 0 };

    SEP_TOKEN_TEMPLATE t = { 0 };
    t.TokenType = TokenPrimary;
    t.User = SepMakeSid(user, 5, 1, SECURITY_LOCAL_SYSTEM_RID, 0);
    t.Groups = groups;
    t.GroupCount = 3;
    t.HasIntegrity = TRUE;
    t.IntegrityRid = SECURITY_MANDATORY_SYSTEM_RID;
    t.Privileges = privs;
    t.PrivilegeCount = n;
    t.Owner = groups[0].Sid;
    t.AuthenticationId = (LUID)SYSTEM_LUID;
    memcpy(t.TokenSource.SourceName, "*SYSTEM*", TOKEN_SOURCE_LENGTH);
    t.MandatoryPolicy = TOKEN_MANDATORY_POLICY_NO_WRITE_UP | TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN;
    return SepCreateToken(&t, "token (System process)", Token);
}
