/*
 * cmd_whoami.c - `ntsec whoami [--all] [--token TEXT | --via PACKAGE [--target NAME]]`: the
 * host process token (or a token given as text, or the token a server builds for this
 * process through an SSPI package, whoami_via.c) the way `whoami /all` prints it, plus what the host backend turns
 * it into on Linux (docs/host.md): which groups become supplementary gids and why the
 * others do not.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include "host/hostp.h"
#include "whoami_via.h"

static void WhoSidText(PSID Sid, char *Out, size_t Size)
{
    const SID *s = Sid;
    unsigned long long auth = 0;
    for (int i = 0; i < 6; i++)
        auth = (auth << 8) | s->IdentifierAuthority.Value[i];
    int n = snprintf(Out, Size, "S-%u-%llu", s->Revision, auth);
    for (int i = 0; i < s->SubAuthorityCount && n > 0 && (size_t)n < Size; i++)
        n += snprintf(Out + n, Size - (size_t)n, "-%u", s->SubAuthority[i]);
}

/* A readable name and a `whoami /groups` type for Sid. */
static void WhoSidName(PSID Sid, char *Out, size_t Size, const char **Type)
{
    const SID *s = Sid;
    UCHAR a = s->IdentifierAuthority.Value[5];
    ULONG c = s->SubAuthorityCount;
    *Type = "Group";
    if (a == 22 && c == 2 && s->SubAuthority[0] == 1) {
        struct passwd *pw = getpwuid(s->SubAuthority[1]);
        snprintf(Out, Size, "Unix User\\%s", pw ? pw->pw_name : "(no name)");
        *Type = "User";
    } else if (a == 22 && c == 2 && s->SubAuthority[0] == 2) {
        struct group *gr = getgrgid(s->SubAuthority[1]);
        snprintf(Out, Size, "Unix Group\\%s", gr ? gr->gr_name : "(no name)");
    } else if (a == 1 && c == 1 && s->SubAuthority[0] == 0) {
        snprintf(Out, Size, "Everyone");
        *Type = "Well-known group";
    } else if (a == 2 && c == 1 && s->SubAuthority[0] == 0) {
        snprintf(Out, Size, "LOCAL");
        *Type = "Well-known group";
    } else if (a == 5 && c == 1 && s->SubAuthority[0] == 4) {
        snprintf(Out, Size, "NT AUTHORITY\\INTERACTIVE");
        *Type = "Well-known group";
    } else if (a == 5 && c == 1 && s->SubAuthority[0] == 2) {
        snprintf(Out, Size, "NT AUTHORITY\\NETWORK");
        *Type = "Well-known group";
    } else if (a == 5 && c == 1 && s->SubAuthority[0] == 11) {
        snprintf(Out, Size, "NT AUTHORITY\\Authenticated Users");
        *Type = "Well-known group";
    } else if (a == 5 && c == 1 && s->SubAuthority[0] == 18) {
        snprintf(Out, Size, "NT AUTHORITY\\SYSTEM");
        *Type = "User";
    } else if (a == 5 && c == 3 && s->SubAuthority[0] == 5) {
        snprintf(Out, Size, "NT AUTHORITY\\LogonSessionId_%u_%u", s->SubAuthority[1], s->SubAuthority[2]);
        *Type = "Logon ID";
    } else if (a == 5 && c == 2 && s->SubAuthority[0] == 32 && s->SubAuthority[1] == 544) {
        snprintf(Out, Size, "BUILTIN\\Administrators");
        *Type = "Alias";
    } else if (a == 16 && c == 1) {
        ULONG rid = s->SubAuthority[0];
        snprintf(Out, Size, "Mandatory Label\\%s Mandatory Level",
                 rid >= 0x4000 ? "System" : rid >= 0x3000 ? "High" : rid >= 0x2100 ? "Medium Plus"
                 : rid >= 0x2000 ? "Medium" : rid >= 0x1000 ? "Low" : "Untrusted");
        *Type = "Label";
    } else {
        WhoSidText(Sid, Out, Size);
    }
}

static const char *const WhoPrivilegeNames[] = {
    NULL, NULL, "SeCreateTokenPrivilege", "SeAssignPrimaryTokenPrivilege", "SeLockMemoryPrivilege",
    "SeIncreaseQuotaPrivilege", "SeMachineAccountPrivilege", "SeTcbPrivilege", "SeSecurityPrivilege",
    "SeTakeOwnershipPrivilege", "SeLoadDriverPrivilege", "SeSystemProfilePrivilege",
    "SeSystemtimePrivilege", "SeProfileSingleProcessPrivilege", "SeIncreaseBasePriorityPrivilege",
    "SeCreatePagefilePrivilege", "SeCreatePermanentPrivilege", "SeBackupPrivilege",
    "SeRestorePrivilege", "SeShutdownPrivilege", "SeDebugPrivilege", "SeAuditPrivilege",
    "SeSystemEnvironmentPrivilege", "SeChangeNotifyPrivilege", "SeRemoteShutdownPrivilege",
    "SeUndockPrivilege", "SeSyncAgentPrivilege", "SeEnableDelegationPrivilege",
    "SeManageVolumePrivilege", "SeImpersonatePrivilege", "SeCreateGlobalPrivilege",
    "SeTrustedCredManAccessPrivilege", "SeRelabelPrivilege", "SeIncreaseWorkingSetPrivilege",
    "SeTimeZonePrivilege", "SeCreateSymbolicLinkPrivilege",
    "SeDelegateSessionUserImpersonatePrivilege",
};

static void WhoAttributes(ULONG a, char *Out, size_t Size)
{
    Out[0] = '\0';
    const struct { ULONG Bit; const char *Text; } names[] = {
        {SE_GROUP_MANDATORY, "Mandatory group"}, {SE_GROUP_ENABLED_BY_DEFAULT, "Enabled by default"},
        {SE_GROUP_ENABLED, "Enabled group"},     {SE_GROUP_OWNER, "Group owner"},
        {SE_GROUP_USE_FOR_DENY_ONLY, "Group used for deny only"}, {SE_GROUP_LOGON_ID, "Logon ID"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (a & names[i].Bit) {
            if (Out[0] != '\0')
                strncat(Out, ", ", Size - strlen(Out) - 1);
            strncat(Out, names[i].Text, Size - strlen(Out) - 1);
        }
    }
}

/* Why a group does or does not become a supplementary gid (docs/host.md "Mapping"). */
static void WhoLinuxColumn(PTOKEN Token, ULONG Index, char *Out, size_t Size)
{
    ULONG a = Token->UserAndGroups[Index].Attributes;
    gid_t gid;
    if (a & SE_GROUP_INTEGRITY)
        snprintf(Out, Size, "- (label)");
    else if (!HostSidToGid(Token->UserAndGroups[Index].Sid, &gid))
        snprintf(Out, Size, "- (no gid mapping)");
    else if (a & SE_GROUP_USE_FOR_DENY_ONLY)
        snprintf(Out, Size, "- (gid %u: deny-only, never a gid)", (unsigned)gid);
    else if (!(a & SE_GROUP_ENABLED))
        snprintf(Out, Size, "- (gid %u: disabled)", (unsigned)gid);
    else if (!HostGroupGrants(Token, Index, &gid))
        snprintf(Out, Size, "- (gid %u: not restricting)", (unsigned)gid);
    else
        snprintf(Out, Size, "gid %u", (unsigned)gid);
}

static int WhoPrint(PTOKEN Token, int All)
{
    char name[160], sid[200], attrs[200], linux_[80];
    const char *type;
    uid_t uid;
    SepAcquireTokenLockShared(Token);
    WhoSidName(SepTokenUserSid(Token), name, sizeof(name), &type);
    WhoSidText(SepTokenUserSid(Token), sid, sizeof(sid));
    printf("\nUSER INFORMATION\n----------------\n\n%-40s %-46s %s\n", "User Name", "SID", "Linux id");
    printf("======================================== ============================================== ==========\n");
    if (HostSidToUid(SepTokenUserSid(Token), &uid))
        snprintf(linux_, sizeof(linux_), "uid %u", (unsigned)uid);
    else
        snprintf(linux_, sizeof(linux_), "- (no uid mapping: impersonation fails STATUS_NONE_MAPPED)");
    printf("%-40s %-46s %s\n", name, sid, linux_);
    if (All) {
        printf("\n\nGROUP INFORMATION\n-----------------\n\n%-40s %-16s %-46s %-28s %s\n", "Group Name", "Type",
               "SID", "Linux", "Attributes");
        printf("======================================== ================ ============================================== ============================ ==========\n");
        for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
            WhoSidName(Token->UserAndGroups[i].Sid, name, sizeof(name), &type);
            WhoSidText(Token->UserAndGroups[i].Sid, sid, sizeof(sid));
            WhoAttributes(Token->UserAndGroups[i].Attributes, attrs, sizeof(attrs));
            WhoLinuxColumn(Token, i, linux_, sizeof(linux_));
            printf("%-40s %-16s %-46s %-28s %s\n", name, type, sid, linux_, attrs);
        }
        printf("\n\nPRIVILEGES INFORMATION\n----------------------\n\n%-42s %s\n", "Privilege Name", "State");
        printf("========================================== ========\n");
        for (ULONG i = 0; i < Token->PrivilegeCount; i++) {
            ULONG p = Token->Privileges[i].Luid.LowPart;
            const char *pn = p < sizeof(WhoPrivilegeNames) / sizeof(WhoPrivilegeNames[0]) ? WhoPrivilegeNames[p] : NULL;
            printf("%-42s %s\n", pn ? pn : "(unknown)",
                   (Token->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) ? "Enabled" : "Disabled");
        }
    }
    SepReleaseTokenLock(Token);
    if (All) {
        HOST_CREDS target = {0};
        ULONG cls, reason;
        uid_t unprivUid;
        gid_t unprivGid;
        HostGetUnprivileged(&unprivUid, &unprivGid);
        printf("\n\nLINUX CREDENTIALS (what the host backend sets when a thread impersonates this token)\n");
        printf("------------------------------------------------------------------------------------\n\n");
        NTSTATUS st = HostComputeTargetEx(Token, SecurityImpersonation, &target, &cls, &reason);
        if (!NT_SUCCESS(st)) {
            printf("none: 0x%08X%s\n", (unsigned)st, st == STATUS_NONE_MAPPED ? " (STATUS_NONE_MAPPED)" : "");
        } else {
            printf("uid %u  gid %u  groups", (unsigned)target.Uid, (unsigned)target.Gid);
            for (ULONG i = 0; i < target.GroupCount; i++)
                printf("%s%u", i ? "," : " ", (unsigned)target.Groups[i]);
            printf("%s\n", target.GroupCount ? "" : " (none)");
            printf("Why: %s.\n", HostReasonText(reason));
            printf("Identification/Anonymous level: uid %u gid %u, no groups. Deny-only, disabled and\n"
                   "unmappable groups never become gids.\n", (unsigned)unprivUid, (unsigned)unprivGid);
        }
        HostCredsFree(&target);
    }
    return 0;
}

int NtsecCmdWhoami(int argc, char **argv)
{
    int all = 0;
    const char *text = NULL, *via = NULL, *target = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0 || strcmp(argv[i], "/all") == 0)
            all = 1;
        else if (strcmp(argv[i], "--token") == 0 && i + 1 < argc)
            text = argv[++i];
        else if (strcmp(argv[i], "--via") == 0 && i + 1 < argc)
            via = argv[++i];
        else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc)
            target = argv[++i];
        else {
            fprintf(stderr, "usage: ntsec whoami [--all] [--token 'TOKEN TEXT' | --via local|PACKAGE [--target NAME]]\n");
            return 2;
        }
    }
    PTOKEN token;
    if (via != NULL) {
        char detail[256] = "";
        NTSTATUS st = NtsecWhoamiVia(strcmp(via, "local") == 0 ? "ntsec-local" : via, target, &token, detail,
                                     sizeof(detail));
        if (!NT_SUCCESS(st)) {
            fprintf(stderr, "ntsec whoami --via %s: %s\n", via, detail);
            return 1;
        }
        printf("Token a server builds for this process over SSPI: %s\n", detail);
    } else if (text != NULL) {
        PACCESS_TOKEN t = NULL;
        NTSTATUS st = NtsecCreateTokenFromText(text, &t);
        if (!NT_SUCCESS(st)) {
            fprintf(stderr, "ntsec whoami: bad token text (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
            return 2;
        }
        token = t;
    } else {
        token = PsReferencePrimaryToken(PsGetCurrentProcess());
    }
    int rc = WhoPrint(token, all);
    ObfDereferenceObject(token);
    return rc;
}
