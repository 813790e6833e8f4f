/*
 * privnames.c - the table of Windows privilege names (SE_*_NAME) and LUIDs 2..36.
 *
 * @remarks The LUID values are the SE_*_PRIVILEGE constants of ntifs.h (wdm.h): well-known
 * privileges have HighPart 0 and LowPart SE_MIN_WELL_KNOWN_PRIVILEGE..SE_MAX_WELL_KNOWN_PRIVILEGE.
 * The descriptions are the ones whoami /priv prints.
 */
#include <string.h>
#include <strings.h>
#include "se/privnames.h"

typedef struct _SEP_PRIVILEGE_NAME {
    PCSTR Name;
    PCSTR Description;
} SEP_PRIVILEGE_NAME;

static const SEP_PRIVILEGE_NAME SepPrivilegeNames[SE_MAX_WELL_KNOWN_PRIVILEGE + 1] = {
    [SE_CREATE_TOKEN_PRIVILEGE] = { "SeCreateTokenPrivilege", "Create a token object" },
    [SE_ASSIGNPRIMARYTOKEN_PRIVILEGE] = { "SeAssignPrimaryTokenPrivilege", "Replace a process level token" },
    [SE_LOCK_MEMORY_PRIVILEGE] = { "SeLockMemoryPrivilege", "Lock pages in memory" },
    [SE_INCREASE_QUOTA_PRIVILEGE] = { "SeIncreaseQuotaPrivilege", "Adjust memory quotas for a process" },
    [SE_MACHINE_ACCOUNT_PRIVILEGE] = { "SeMachineAccountPrivilege", "Add workstations to domain" },
    [SE_TCB_PRIVILEGE] = { "SeTcbPrivilege", "Act as part of the operating system" },
    [SE_SECURITY_PRIVILEGE] = { "SeSecurityPrivilege", "Manage auditing and security log" },
    [SE_TAKE_OWNERSHIP_PRIVILEGE] = { "SeTakeOwnershipPrivilege", "Take ownership of files or other objects" },
    [SE_LOAD_DRIVER_PRIVILEGE] = { "SeLoadDriverPrivilege", "Load and unload device drivers" },
    [SE_SYSTEM_PROFILE_PRIVILEGE] = { "SeSystemProfilePrivilege", "Profile system performance" },
    [SE_SYSTEMTIME_PRIVILEGE] = { "SeSystemtimePrivilege", "Change the system time" },
    [SE_PROF_SINGLE_PROCESS_PRIVILEGE] = { "SeProfileSingleProcessPrivilege", "Profile single process" },
    [SE_INC_BASE_PRIORITY_PRIVILEGE] = { "SeIncreaseBasePriorityPrivilege", "Increase scheduling priority" },
    [SE_CREATE_PAGEFILE_PRIVILEGE] = { "SeCreatePagefilePrivilege", "Create a pagefile" },
    [SE_CREATE_PERMANENT_PRIVILEGE] = { "SeCreatePermanentPrivilege", "Create permanent shared objects" },
    [SE_BACKUP_PRIVILEGE] = { "SeBackupPrivilege", "Back up files and directories" },
    [SE_RESTORE_PRIVILEGE] = { "SeRestorePrivilege", "Restore files and directories" },
    [SE_SHUTDOWN_PRIVILEGE] = { "SeShutdownPrivilege", "Shut down the system" },
    [SE_DEBUG_PRIVILEGE] = { "SeDebugPrivilege", "Debug programs" },
    [SE_AUDIT_PRIVILEGE] = { "SeAuditPrivilege", "Generate security audits" },
    [SE_SYSTEM_ENVIRONMENT_PRIVILEGE] = { "SeSystemEnvironmentPrivilege", "Modify firmware environment values" },
    [SE_CHANGE_NOTIFY_PRIVILEGE] = { "SeChangeNotifyPrivilege", "Bypass traverse checking" },
    [SE_REMOTE_SHUTDOWN_PRIVILEGE] = { "SeRemoteShutdownPrivilege", "Force shutdown from a remote system" },
    [SE_UNDOCK_PRIVILEGE] = { "SeUndockPrivilege", "Remove computer from docking station" },
    [SE_SYNC_AGENT_PRIVILEGE] = { "SeSyncAgentPrivilege", "Synchronize directory service data" },
    [SE_ENABLE_DELEGATION_PRIVILEGE] = { "SeEnableDelegationPrivilege", "Enable computer and user accounts to be trusted for delegation" },
    [SE_MANAGE_VOLUME_PRIVILEGE] = { "SeManageVolumePrivilege", "Perform volume maintenance tasks" },
    [SE_IMPERSONATE_PRIVILEGE] = { "SeImpersonatePrivilege", "Impersonate a client after authentication" },
    [SE_CREATE_GLOBAL_PRIVILEGE] = { "SeCreateGlobalPrivilege", "Create global objects" },
    [SE_TRUSTED_CREDMAN_ACCESS_PRIVILEGE] = { "SeTrustedCredManAccessPrivilege", "Access Credential Manager as a trusted caller" },
    [SE_RELABEL_PRIVILEGE] = { "SeRelabelPrivilege", "Modify an object label" },
    [SE_INC_WORKING_SET_PRIVILEGE] = { "SeIncreaseWorkingSetPrivilege", "Increase a process working set" },
    [SE_TIME_ZONE_PRIVILEGE] = { "SeTimeZonePrivilege", "Change the time zone" },
    [SE_CREATE_SYMBOLIC_LINK_PRIVILEGE] = { "SeCreateSymbolicLinkPrivilege", "Create symbolic links" },
    [SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE] = { "SeDelegateSessionUserImpersonatePrivilege", "Obtain an impersonation token for another user in the same session" },
};

PCSTR SepPrivilegeName(ULONG Luid)
{
    if (Luid < SE_MIN_WELL_KNOWN_PRIVILEGE || Luid > SE_MAX_WELL_KNOWN_PRIVILEGE)
        return NULL;
    return SepPrivilegeNames[Luid].Name;
}

PCSTR SepPrivilegeDescription(ULONG Luid)
{
    if (Luid < SE_MIN_WELL_KNOWN_PRIVILEGE || Luid > SE_MAX_WELL_KNOWN_PRIVILEGE)
        return NULL;
    return SepPrivilegeNames[Luid].Description;
}

BOOLEAN SepPrivilegeValueN(PCSTR Name, SIZE_T Length, PULONG Luid)
{
    if (Name == NULL)
        return FALSE;
    for (ULONG i = SE_MIN_WELL_KNOWN_PRIVILEGE; i <= SE_MAX_WELL_KNOWN_PRIVILEGE; i++) {
        PCSTR n = SepPrivilegeNames[i].Name;
        if (strlen(n) == Length && strncasecmp(n, Name, Length) == 0) {
            *Luid = i;
            return TRUE;
        }
    }
    return FALSE;
}

BOOLEAN SepPrivilegeValue(PCSTR Name, PULONG Luid)
{
    return Name != NULL && SepPrivilegeValueN(Name, strlen(Name), Luid);
}
