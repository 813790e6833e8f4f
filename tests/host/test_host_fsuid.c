/*
 * test_host_fsuid.c - fsuid mode (setfsuid/setfsgid/setgroups: only file access changes),
 * the host process token, and the unprivileged backend (docs/host.md).
 */
#include <sys/syscall.h>
#include <sys/wait.h>
#include "host_helpers.h"

static TH_TREE Tree;

static void *BodyFsuid(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_A, 0}, {TH_GID_SHARED, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 2);
    TH_IDS before, during, after;
    ThReadIds(&before);
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    ThReadIds(&during);
    /* Only the fs ids move; real, effective and saved stay the server's. */
    for (int i = 0; i < 3; i++) {
        tr_check_int_equal(during.Uid[i], before.Uid[i]);
        tr_check_int_equal(during.Gid[i], before.Gid[i]);
    }
    tr_check_int_equal(during.Uid[3], TH_UID_A);
    tr_check_int_equal(during.Gid[3], TH_GID_A);
    tr_check_true(ThIdsHaveGroup(&during, TH_GID_SHARED));
    tr_check_int_equal(ThOpenRead(Tree.FileA), 0);
    tr_check_int_equal(ThOpenRead(Tree.FileB), EACCES);
    tr_check_int_equal(ThOpenRead(Tree.FileShared), 0);
    PsRevertToSelf();
    ThReadIds(&after);
    tr_check_true(ThIdsEqual(&before, &after));
    tr_check_int_equal(ThOpenRead(Tree.FileB), 0);
    ObfDereferenceObject(token);
    return NULL;
}

static void test_fsuid_mode_changes_only_file_access_ids(void **state)
{
    TH_REQUIRE_ROOT();
    ThMakeTree(&Tree);
    assert_status(NtsecEnableHostCredentials(NtsecHostFsuid), STATUS_SUCCESS);
    assert_int_equal(NtsecHostCredentialsMode(), NtsecHostFsuid);
    /* Changing mode needs Off first. */
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_INVALID_PARAMETER);
    ThRunOnThread(BodyFsuid, NULL);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    ThRemoveTree(&Tree);
}

static void test_enable_rejects_bad_mode_and_unprivileged_identity_rules(void **state)
{
    assert_status(NtsecEnableHostCredentials((NTSEC_HOST_MODE)7), STATUS_INVALID_PARAMETER);
    assert_status(NtsecSetHostUnprivilegedIdentity(0, 65534), STATUS_INVALID_PARAMETER);
    assert_status(NtsecSetHostUnprivilegedIdentity(65534, 0xFFFFFFFF), STATUS_INVALID_PARAMETER);
    assert_status(NtsecSyncHostCredentials(), STATUS_SUCCESS); /* off: nothing to follow */
}

static BOOLEAN HasSid(PTOKEN Token, UCHAR Authority, int Count, ULONG A, ULONG B, ULONG *Attributes)
{
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        PISID s = Token->UserAndGroups[i].Sid;
        if (s->IdentifierAuthority.Value[5] == Authority && s->SubAuthorityCount == Count &&
            s->SubAuthority[0] == A && (Count < 2 || s->SubAuthority[1] == B)) {
            if (Attributes)
                *Attributes = Token->UserAndGroups[i].Attributes;
            return TRUE;
        }
    }
    return FALSE;
}

static void test_host_token_describes_real_credentials(void **state)
{
    PTOKEN token = NULL;
    assert_status(HostBuildProcessToken(&token), STATUS_SUCCESS);
    PISID user = SepTokenUserSid(token);
    assert_int_equal(user->IdentifierAuthority.Value[5], 22);
    assert_int_equal(user->SubAuthority[0], 1);
    assert_int_equal(user->SubAuthority[1], getuid());
    ULONG attributes = 0;
    assert_true(HasSid(token, 22, 2, 2, getgid(), NULL));
    assert_true(HasSid(token, 1, 1, 0, 0, NULL));            /* Everyone */
    assert_true(HasSid(token, 5, 1, 11, 0, NULL));           /* Authenticated Users */
    assert_true(HasSid(token, 2, 1, 0, 0, NULL));            /* Local */
    assert_true(HasSid(token, 5, 1, 4, 0, NULL));            /* Interactive */
    BOOLEAN logon = FALSE;
    for (ULONG i = 1; i < token->UserAndGroupCount; i++)
        logon |= (token->UserAndGroups[i].Attributes & SE_GROUP_LOGON_ID) != 0;
    assert_true(logon);
    assert_true(SepTokenPrivilegeEnabled(token, SE_CHANGE_NOTIFY_PRIVILEGE));
    BOOLEAN admin = HasSid(token, 5, 2, 32, 544, &attributes);
    if (geteuid() == 0) {
        assert_true(admin);
        assert_true(attributes & SE_GROUP_OWNER);
        assert_true(SepTokenPrivilegeEnabled(token, SE_IMPERSONATE_PRIVILEGE));
        assert_true(SepTokenPrivilegeEnabled(token, SE_BACKUP_PRIVILEGE));
        assert_true(SepTokenPrivilegeEnabled(token, SE_RESTORE_PRIVILEGE));
        assert_true(SepTokenPrivilegeEnabled(token, SE_TAKE_OWNERSHIP_PRIVILEGE));
        assert_int_equal(SepTokenIntegrityRid(token), SECURITY_MANDATORY_HIGH_RID);
    } else {
        assert_false(admin);
        assert_false(SepTokenPrivilegeEnabled(token, SE_IMPERSONATE_PRIVILEGE));
        assert_int_equal(SepTokenIntegrityRid(token), SECURITY_MANDATORY_MEDIUM_RID);
    }
    ObfDereferenceObject(token);
}

/*
 * Without CAP_SETUID/CAP_SETGID the backend switches only to the caller's own identity:
 * a forked child drops to uid 40001 for good, then enables the backend.
 */
static void test_unprivileged_backend_only_switches_to_own_identity(void **state)
{
    TH_REQUIRE_ROOT();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        gid_t g = TH_GID_A;
        if (syscall(SYS_setgroups, 1, &g) != 0 || syscall(SYS_setresgid, g, g, g) != 0 ||
            syscall(SYS_setresuid, TH_UID_A, TH_UID_A, TH_UID_A) != 0)
            _exit(10);
        if (NtsecEnableHostCredentials(NtsecHostEuid) != STATUS_SUCCESS)
            _exit(11);
        TH_GROUP own[] = {{TH_GID_A, 0}}, other[] = {{TH_GID_B, 0}};
        PTOKEN mine = ThToken(TH_UID_A, own, 1), theirs = ThToken(TH_UID_B, other, 1);
        PETHREAD thread = PsGetCurrentThread();
        if (PsImpersonateClient(thread, theirs, FALSE, FALSE, SecurityImpersonation) != STATUS_PRIVILEGE_NOT_HELD)
            _exit(12);
        if (PspIsImpersonating(thread))
            _exit(13);
        if (PsImpersonateClient(thread, mine, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
            _exit(14);
        PsRevertToSelf();
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fsuid_mode_changes_only_file_access_ids),
        cmocka_unit_test(test_enable_rejects_bad_mode_and_unprivileged_identity_rules),
        cmocka_unit_test(test_host_token_describes_real_credentials),
        cmocka_unit_test(test_unprivileged_backend_only_switches_to_own_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
