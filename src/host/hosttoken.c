/*
 * hosttoken.c - the host process's primary token, from the Linux credentials
 * (docs/host.md "The host process token").
 *
 * Adopted threads (threads ntsec did not create) belong to the host process, so this
 * token is what PsReferencePrimaryToken, the impersonation rule (spec 3.2 step 4:
 * SeImpersonatePrivilege) and `ntsec whoami` see for an ordinary Linux program.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host/hostp.h"
#include "ex/pooltags.h"

static int HostpReadCaps(unsigned long long *Effective, unsigned long long *Permitted);

/* Capability -> privilege table. Both capabilities must be held (the second may repeat the
 * first). Present when permitted, enabled when also effective. Kept in docs/host.md. */
typedef struct _HOSTP_CAP_PRIVILEGE {
    int Cap1, Cap2;
    ULONG Privilege;
} HOSTP_CAP_PRIVILEGE;

static const HOSTP_CAP_PRIVILEGE HostpCapPrivileges[] = {
    {CAP_IPC_LOCK, CAP_IPC_LOCK, SE_LOCK_MEMORY_PRIVILEGE},
    {CAP_SYS_RESOURCE, CAP_SYS_RESOURCE, SE_INCREASE_QUOTA_PRIVILEGE},
    {CAP_SYS_ADMIN, CAP_SYS_ADMIN, SE_TCB_PRIVILEGE},
    {CAP_AUDIT_CONTROL, CAP_AUDIT_CONTROL, SE_SECURITY_PRIVILEGE},
    {CAP_FOWNER, CAP_FOWNER, SE_TAKE_OWNERSHIP_PRIVILEGE},
    {CAP_SYS_MODULE, CAP_SYS_MODULE, SE_LOAD_DRIVER_PRIVILEGE},
    {CAP_SYS_TIME, CAP_SYS_TIME, SE_SYSTEMTIME_PRIVILEGE},
    {CAP_SYS_NICE, CAP_SYS_NICE, SE_INC_BASE_PRIORITY_PRIVILEGE},
    {CAP_DAC_READ_SEARCH, CAP_DAC_READ_SEARCH, SE_BACKUP_PRIVILEGE},
    {CAP_DAC_OVERRIDE, CAP_DAC_OVERRIDE, SE_RESTORE_PRIVILEGE},
    {CAP_SYS_BOOT, CAP_SYS_BOOT, SE_SHUTDOWN_PRIVILEGE},
    {CAP_SYS_PTRACE, CAP_SYS_PTRACE, SE_DEBUG_PRIVILEGE},
    {CAP_AUDIT_WRITE, CAP_AUDIT_WRITE, SE_AUDIT_PRIVILEGE},
    {CAP_SYS_RAWIO, CAP_SYS_RAWIO, SE_MANAGE_VOLUME_PRIVILEGE},
    {CAP_SETUID, CAP_SETGID, SE_IMPERSONATE_PRIVILEGE},
};

static BOOLEAN HostpHasCap(unsigned long long Mask, int Cap)
{
    return Cap >= 0 && Cap < 64 && (Mask & (1ULL << Cap)) != 0;
}

/*
 * HostBuildProcessToken - see host.h. On success *Token holds the single reference.
 * @remarks Groups are those Windows gives an interactive user (Everyone, Local,
 * Interactive, Authenticated Users, the logon SID) plus the primary gid and every
 * supplementary gid as S-1-22-2-N (or their mapping-file SIDs); root is also
 * BUILTIN\Administrators, the default owner. Integrity is High when privileged
 * (euid 0 or CAP_SYS_ADMIN effective), Medium otherwise.
 */
NTSTATUS HostBuildProcessToken(PTOKEN *Token)
{
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (syscall(SYS_getresuid, &r, &e, &s) != 0 || syscall(SYS_getresgid, &rg, &eg, &sg) != 0)
        return STATUS_UNSUCCESSFUL;
    long n = syscall(SYS_getgroups, 0, NULL);
    if (n < 0 || n > (long)HOST_MAX_GROUPS)
        return STATUS_UNSUCCESSFUL;
    gid_t *gids = ExAllocatePoolWithTag(PagedPool, ((SIZE_T)n + 1) * sizeof(gid_t), HOSTP_TOKEN_TAG);
    if (gids == NULL)
        return STATUS_NO_MEMORY;
    long got = syscall(SYS_getgroups, n, gids);
    HOST_UNIX_SIDS sids;
    NTSTATUS st = got < 0 ? STATUS_UNSUCCESSFUL
                          : HostBuildUnixSids(r, rg, gids, (ULONG)got, HostLogonInteractive,
                                              r == 0 || e == 0, &sids);
    ExFreePool(gids);
    if (!NT_SUCCESS(st))
        return st;

    unsigned long long effective = 0, permitted = 0;
    if (HostpReadCaps(&effective, &permitted) != 0)
        effective = permitted = 0;
    LUID_AND_ATTRIBUTES privileges[1 + sizeof(HostpCapPrivileges) / sizeof(HostpCapPrivileges[0])];
    ULONG privilegeCount = 0;
    const ULONG enabled = SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED;
    BOOLEAN changeNotifyDone = FALSE;
    for (ULONG i = 0; i < sizeof(HostpCapPrivileges) / sizeof(HostpCapPrivileges[0]); i++) {
        const HOSTP_CAP_PRIVILEGE *m = &HostpCapPrivileges[i];
        if (!changeNotifyDone && m->Privilege > SE_CHANGE_NOTIFY_PRIVILEGE) {
            privileges[privilegeCount++] = (LUID_AND_ATTRIBUTES){{SE_CHANGE_NOTIFY_PRIVILEGE, 0}, enabled};
            changeNotifyDone = TRUE;
        }
        if (!HostpHasCap(permitted, m->Cap1) || !HostpHasCap(permitted, m->Cap2))
            continue;
        BOOLEAN on2 = HostpHasCap(effective, m->Cap1) && HostpHasCap(effective, m->Cap2);
        privileges[privilegeCount++] = (LUID_AND_ATTRIBUTES){{m->Privilege, 0}, on2 ? enabled : 0};
    }
    if (!changeNotifyDone)
        privileges[privilegeCount++] = (LUID_AND_ATTRIBUTES){{SE_CHANGE_NOTIFY_PRIVILEGE, 0}, enabled};

    SEP_TOKEN_TEMPLATE t;
    HostUnixSidsTemplate(&sids, &t);
    t.TokenType = TokenPrimary;
    t.IntegrityRid = (e == 0 || HostpHasCap(effective, CAP_SYS_ADMIN)) ? SECURITY_MANDATORY_HIGH_RID
                                                                         : SECURITY_MANDATORY_MEDIUM_RID;
    t.Privileges = privileges;
    t.PrivilegeCount = privilegeCount;
    t.MandatoryPolicy = TOKEN_MANDATORY_POLICY_NO_WRITE_UP | TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN;
    memcpy(t.TokenSource.SourceName, "ntsechst", 8);
    st = SepCreateToken(&t, "token (host process)", Token);
    HostFreeUnixSids(&sids);
    return st;
}

/* HostpReadCaps - the calling thread's effective and permitted capability sets (capget: a
 * read, no credential change; the identity part's own, so it needs nothing of the switching
 * part's syscalls.c and is not counted by NtsecHostSyscallCount). 0 or the errno. */
static int HostpReadCaps(unsigned long long *Effective, unsigned long long *Permitted)
{
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
    if (syscall(SYS_capget, &header, data) != 0)
        return errno != 0 ? errno : EPERM;
    *Effective = (unsigned long long)data[0].effective |
                 ((unsigned long long)data[1].effective << 32);
    *Permitted = (unsigned long long)data[0].permitted |
                 ((unsigned long long)data[1].permitted << 32);
    return 0;
}
