/*
 * hosttoken.c - the host process's primary token from the Linux credentials.
 *
 * First version: user S-1-22-1-<ruid>, primary group S-1-22-2-<rgid>, Everyone and
 * Authenticated Users; root also BUILTIN\Administrators with SeImpersonatePrivilege and
 * High integrity. The host backend work replaces it with the full mapping (docs/host.md).
 */
#include <unistd.h>
#include "host/host.h"

static PSID HostSid(UCHAR *Buffer, UCHAR Authority, UCHAR Count, ULONG A, ULONG B)
{
    SID_IDENTIFIER_AUTHORITY auth = { { 0, 0, 0, 0, 0, Authority } };
    PISID sid = (PISID)Buffer;
    RtlInitializeSid(sid, &auth, Count);
    sid->SubAuthority[0] = A;
    if (Count > 1)
        sid->SubAuthority[1] = B;
    return sid;
}

NTSTATUS HostBuildProcessToken(PTOKEN *Token)
{
    UCHAR user[16], group[16], world[16], auth[16], admins[16];
    BOOLEAN root = geteuid() == 0;
    const ULONG on = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    SID_AND_ATTRIBUTES groups[4] = {
        { HostSid(group, 22, 2, 2, (ULONG)getgid()), on },
        { HostSid(world, 1, 1, SECURITY_WORLD_RID, 0), on },
        { HostSid(auth, 5, 1, SECURITY_AUTHENTICATED_USER_RID, 0), on },
        { HostSid(admins, 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS), on | SE_GROUP_OWNER },
    };
    LUID_AND_ATTRIBUTES privs[2] = {
        { { SE_CHANGE_NOTIFY_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED },
        { { SE_IMPERSONATE_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED },
    };
    SEP_TOKEN_TEMPLATE t = { 0 };
    t.TokenType = TokenPrimary;
    t.User = HostSid(user, 22, 2, 1, (ULONG)getuid());
    t.Groups = groups;
    t.GroupCount = root ? 4 : 3;
    t.PrimaryGroup = groups[0].Sid;
    t.HasIntegrity = TRUE;
    t.IntegrityRid = root ? SECURITY_MANDATORY_HIGH_RID : SECURITY_MANDATORY_MEDIUM_RID;
    t.Privileges = privs;
    t.PrivilegeCount = root ? 2 : 1;
    t.MandatoryPolicy = TOKEN_MANDATORY_POLICY_NO_WRITE_UP | TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN;
    return SepCreateToken(&t, "token (host process)", Token);
}
