/*
 * test_host_caps.c - capabilities follow the impersonated identity (docs/host.md
 * "Capabilities"): while a thread impersonates a non-root client it holds no capability
 * that bypasses the kernel's checks, whatever the server's own uid, and a revert gives the
 * server exactly its own effective set back. Each case runs in a forked child whose base
 * identity is set up with raw (per-thread) syscalls; exit codes name the failed check.
 */
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "host_helpers.h"

#define CAPBIT(c) (1ULL << (c))
#define FS_CAPS (CAPBIT(CAP_CHOWN) | CAPBIT(CAP_DAC_OVERRIDE) | CAPBIT(CAP_DAC_READ_SEARCH) | \
                 CAPBIT(CAP_FOWNER) | CAPBIT(CAP_FSETID) | CAPBIT(CAP_LINUX_IMMUTABLE) |     \
                 CAPBIT(CAP_MAC_OVERRIDE) | CAPBIT(CAP_MKNOD))

static char Secret[128]; /* root:root 0600 */
static char Other[128];  /* 40001:40101 0600 */
static char Dir[64];

static unsigned long long Effective(void)
{
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2] = {{0}};
    if (syscall(SYS_capget, &h, d) != 0)
        _exit(90);
    return d[0].effective | ((unsigned long long)d[1].effective << 32);
}

/* effective and permitted := Mask (inheritable emptied); raw, this thread only. */
static void SetCaps(unsigned long long Effective, unsigned long long Permitted)
{
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2] = {{0}};
    d[0].effective = (uint32_t)Effective;
    d[1].effective = (uint32_t)(Effective >> 32);
    d[0].permitted = (uint32_t)Permitted;
    d[1].permitted = (uint32_t)(Permitted >> 32);
    if (syscall(SYS_capset, &h, d) != 0)
        _exit(91);
}

/* The server: uid 1000 holding CAP_SETUID, CAP_SETGID, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH. */
static void BecomeNonRootServerWithCaps(void)
{
    unsigned long long caps = CAPBIT(CAP_SETUID) | CAPBIT(CAP_SETGID) | CAPBIT(CAP_DAC_OVERRIDE) |
                              CAPBIT(CAP_DAC_READ_SEARCH);
    gid_t g = 1000;
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || syscall(SYS_setgroups, 1, &g) != 0 ||
        syscall(SYS_setresgid, 1000, 1000, 1000) != 0 || syscall(SYS_setresuid, 1000, 1000, 1000) != 0)
        _exit(92);
    SetCaps(caps, caps);
    if (ThOpenRead(Secret) != 0) /* the server itself may read it (CAP_DAC_OVERRIDE) */
        _exit(93);
}

static int RunChild(void (*Body)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        Body();
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void ImpersonateAndCheck(NTSEC_HOST_MODE Mode, unsigned long long ExpectDuring)
{
    unsigned long long base = Effective();
    if (NtsecEnableHostCredentials(Mode) != STATUS_SUCCESS)
        _exit(20);
    TH_GROUP g[] = {{TH_GID_B, 0}};
    PTOKEN token = ThToken(TH_UID_B, g, 1);
    if (PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
        _exit(21);
    if (ThOpenRead(Secret) != EACCES)
        _exit(22); /* the client must not read root's file through the server's caps */
    if (Effective() != ExpectDuring)
        _exit(23);
    PsRevertToSelf();
    if (Effective() != base)
        _exit(24); /* the server's own set, exactly */
    if (ThOpenRead(Secret) != 0)
        _exit(25);
    /* a second round: the restored set allows switching again */
    if (PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
        _exit(26);
    if (ThOpenRead(Secret) != EACCES)
        _exit(27);
    PsRevertToSelf();
    if (Effective() != base)
        _exit(28);
    ObfDereferenceObject(token);
}

static void BodyNonRootEuid(void)
{
    BecomeNonRootServerWithCaps();
    ImpersonateAndCheck(NtsecHostEuid, 0);
}

static void BodyNonRootFsuid(void)
{
    BecomeNonRootServerWithCaps();
    ImpersonateAndCheck(NtsecHostFsuid, Effective() & ~FS_CAPS);
}

/* Root server that had dropped CAP_NET_RAW from its effective set (kept permitted): the
 * kernel's own fix-up on euid 0 would make effective = permitted, more than before. */
static void BodyRootReducedEffective(void)
{
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2] = {{0}};
    if (syscall(SYS_capget, &h, d) != 0)
        _exit(94);
    unsigned long long permitted = d[0].permitted | ((unsigned long long)d[1].permitted << 32);
    SetCaps(permitted & ~CAPBIT(CAP_NET_RAW), permitted);
    ImpersonateAndCheck(NtsecHostEuid, 0);
}

/*
 * A client whose uid is 0 (S-1-22-1-0) reaches root's own files (owner class), never
 * another user's: it holds the capabilities of any client - none in euid mode, the base set
 * without the file-system ones in fsuid mode - even with privileges enabled in its token
 * (docs/host.md "Token properties Linux cannot express"). Then back to a user client and
 * to the base, exactly.
 */
static void RootClientCheck(NTSEC_HOST_MODE Mode)
{
    unsigned long long base = Effective();
    unsigned long long during = Mode == NtsecHostEuid ? 0 : base & ~FS_CAPS;
    if (NtsecEnableHostCredentials(Mode) != STATUS_SUCCESS)
        _exit(40);
    PACCESS_TOKEN root = NULL;
    if (NtsecCreateTokenFromText("user=S-1-22-1-0 groups=S-1-22-2-40102 privileges=SeBackupPrivilege,"
                                 "SeRestorePrivilege,SeTakeOwnershipPrivilege,SeTcbPrivilege type=impersonation",
                                 &root) != STATUS_SUCCESS)
        _exit(41);
    TH_GROUP g[] = {{TH_GID_B, 0}};
    PTOKEN user = ThToken(TH_UID_B, g, 1);
    for (int round = 0; round < 2; round++) {
        if (PsImpersonateClient(PsGetCurrentThread(), root, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
            _exit(42);
        TH_IDS ids;
        ThReadIds(&ids);
        if (ids.Uid[Mode == NtsecHostEuid ? 1 : 3] != 0)
            _exit(43);
        if (Effective() != during)
            _exit(44);
        if (ThOpenRead(Other) != EACCES)
            _exit(45); /* no CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH for the root client */
        if (ThOpenRead(Secret) != 0)
            _exit(46); /* root's own 0600 file: the owner class */
        /* root client -> user client -> root client -> base */
        if (PsImpersonateClient(PsGetCurrentThread(), user, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
            _exit(47);
        if (Effective() != during || ThOpenRead(Secret) != EACCES)
            _exit(48);
        if (PsImpersonateClient(PsGetCurrentThread(), root, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
            _exit(49);
        if (Effective() != during || ThOpenRead(Other) != EACCES)
            _exit(50);
        PsRevertToSelf();
        if (Effective() != base)
            _exit(51);
        if (ThOpenRead(Other) != 0)
            _exit(52);
    }
    ObfDereferenceObject(user);
    ObfDereferenceObject(root);
}

static void BodyRootClientEuid(void)
{
    RootClientCheck(NtsecHostEuid);
}

static void BodyRootClientFsuid(void)
{
    RootClientCheck(NtsecHostFsuid);
}

static void test_root_client_holds_no_capabilities_euid(void **state)
{
    TH_REQUIRE_ROOT();
    assert_int_equal(RunChild(BodyRootClientEuid), 0);
}

static void test_root_client_holds_no_fs_capabilities_fsuid(void **state)
{
    TH_REQUIRE_ROOT();
    assert_int_equal(RunChild(BodyRootClientFsuid), 0);
}

static void test_nonroot_server_caps_dropped_while_impersonating_euid(void **state)
{
    TH_REQUIRE_ROOT();
    assert_int_equal(RunChild(BodyNonRootEuid), 0);
}

static void test_nonroot_server_fs_caps_dropped_while_impersonating_fsuid(void **state)
{
    TH_REQUIRE_ROOT();
    assert_int_equal(RunChild(BodyNonRootFsuid), 0);
}

static void test_root_server_reduced_effective_set_restored_exactly(void **state)
{
    TH_REQUIRE_ROOT();
    assert_int_equal(RunChild(BodyRootReducedEffective), 0);
}

static int Setup(void **state)
{
    if (geteuid() != 0)
        return 0;
    strcpy(Dir, "/tmp/ntsec-caps-XXXXXX");
    if (mkdtemp(Dir) == NULL || chmod(Dir, 0755) != 0)
        return -1;
    snprintf(Secret, sizeof(Secret), "%s/secret", Dir);
    ThMakeFile(Secret, 0, 0, 0600);
    snprintf(Other, sizeof(Other), "%s/other", Dir);
    ThMakeFile(Other, TH_UID_A, TH_GID_A, 0600);
    return 0;
}

static int Teardown(void **state)
{
    if (geteuid() != 0)
        return 0;
    unlink(Secret);
    unlink(Other);
    rmdir(Dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nonroot_server_caps_dropped_while_impersonating_euid),
        cmocka_unit_test(test_nonroot_server_fs_caps_dropped_while_impersonating_fsuid),
        cmocka_unit_test(test_root_server_reduced_effective_set_restored_exactly),
        cmocka_unit_test(test_root_client_holds_no_capabilities_euid),
        cmocka_unit_test(test_root_client_holds_no_fs_capabilities_fsuid),
    };
    return cmocka_run_group_tests(tests, Setup, Teardown);
}
