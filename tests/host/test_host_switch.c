/*
 * test_host_switch.c - the host backend in euid mode against real files: the kernel
 * decides, as the impersonated client (issue 6 acceptance; docs/host.md).
 * Every test body runs on its own pthread, adopted into the host process.
 */
#include <sys/syscall.h>
#include "host_helpers.h"

static TH_TREE Tree;

static int SetupGroup(void **state)
{
    return ThSetupEuidTree(&Tree);
}

static int TeardownGroup(void **state)
{
    return ThTeardownEuidTree(&Tree);
}

/* ---- user access: A reads A's 0600 file and is refused B's; revert restores root ---- */
static void *BodyOwnFile(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_A, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 1);
    TH_IDS before, during, after;
    ThReadIds(&before);
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    ThReadIds(&during);
    /* euid mode: effective and fs uid are the client's; real and saved stay the server's. */
    tr_check_int_equal(during.Uid[0], before.Uid[0]);
    tr_check_int_equal(during.Uid[1], TH_UID_A);
    tr_check_int_equal(during.Uid[2], before.Uid[2]);
    tr_check_int_equal(during.Uid[3], TH_UID_A);
    tr_check_int_equal(during.Gid[1], TH_GID_A);
    tr_check_int_equal(during.Gid[3], TH_GID_A);
    tr_check_int_equal(during.GroupCount, 1);
    tr_check_int_equal(during.Groups[0], TH_GID_A);
    tr_check_int_equal(ThOpenRead(Tree.FileA), 0);
    tr_check_int_equal(ThOpenRead(Tree.FileB), EACCES);
    PsRevertToSelf();
    ThReadIds(&after);
    tr_check_true(ThIdsEqual(&before, &after));
    tr_check_int_equal(ThOpenRead(Tree.FileA), 0);
    tr_check_int_equal(ThOpenRead(Tree.FileB), 0);
    tr_check_int_equal(NtsecReferenceCount(token), 1);
    ObfDereferenceObject(token);
    return NULL;
}

static void test_impersonated_user_reads_own_file_and_is_refused_other(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyOwnFile, NULL);
}

/* ---- groups: an enabled mapped group grants, a deny-only group grants nothing ---- */
static void *BodyGroups(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_A, 0}, {TH_GID_SHARED, 0},
                    {TH_GID_DENY, SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_MANDATORY}};
    PTOKEN token = ThToken(TH_UID_C, g, 3);
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    TH_IDS ids;
    ThReadIds(&ids);
    tr_check_true(ThIdsHaveGroup(&ids, TH_GID_SHARED));
    tr_check_false(ThIdsHaveGroup(&ids, TH_GID_DENY));
    tr_check_int_equal(ThOpenRead(Tree.FileShared), 0);
    tr_check_int_equal(ThOpenRead(Tree.FileDeny), EACCES);
    PsRevertToSelf();
    ObfDereferenceObject(token);
    return NULL;
}

static void test_supplementary_group_grants_and_deny_only_group_does_not(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyGroups, NULL);
}

/* ---- Identification level: the unprivileged identity, refused everywhere (spec 2.6) ---- */
static void *BodyIdentification(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_A, 0}, {TH_GID_SHARED, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 2);
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityIdentification),
                  STATUS_SUCCESS);
    TH_IDS ids;
    ThReadIds(&ids);
    uid_t unprivUid;
    gid_t unprivGid;
    HostGetUnprivileged(&unprivUid, &unprivGid);
    tr_check_int_equal(ids.Uid[1], unprivUid);
    tr_check_int_equal(ids.Gid[1], unprivGid);
    tr_check_int_equal(ids.GroupCount, 0);
    tr_check_int_equal(ThOpenRead(Tree.FileA), EACCES);
    tr_check_int_equal(ThOpenRead(Tree.FileB), EACCES);
    tr_check_int_equal(ThOpenRead(Tree.FileShared), EACCES);
    PsRevertToSelf();
    tr_check_int_equal(ThOpenRead(Tree.FileA), 0);
    /* Anonymous level too. */
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityAnonymous),
                  STATUS_SUCCESS);
    tr_check_int_equal(ThOpenRead(Tree.FileA), EACCES);
    PsRevertToSelf();
    ObfDereferenceObject(token);
    return NULL;
}

static void test_identification_level_is_refused_everywhere(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyIdentification, NULL);
}

/* ---- unmappable user: STATUS_NONE_MAPPED, thread unchanged ---- */
static void *BodyUnmappable(void *Arg)
{
    TH_SID user;
    PTOKEN token = ThTokenWithUserSid(ThSid(&user, 5, 5, (const ULONG[]){21, 91, 92, 93, 1000}), NULL, 0);
    PETHREAD thread = PsGetCurrentThread();
    TH_IDS before, after;
    ThReadIds(&before);
    tr_check_status(PsImpersonateClient(thread, token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_NONE_MAPPED);
    ThReadIds(&after);
    tr_check_true(ThIdsEqual(&before, &after));
    tr_check_false(PspIsImpersonating(thread));
    tr_check_int_equal(NtsecReferenceCount(token), 1);
    ObfDereferenceObject(token);
    return NULL;
}

static void test_unmappable_user_is_none_mapped_and_thread_unchanged(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyUnmappable, NULL);
}

/* ---- files created while impersonating are owned by the client ---- */
static void *BodyCreate(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_SHARED, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 1);
    char path[160];
    snprintf(path, sizeof(path), "%s/created", Tree.Subdir);
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    tr_check_true(fd >= 0);
    close(fd);
    PsRevertToSelf();
    struct stat st;
    tr_check_int_equal(stat(path, &st), 0);
    tr_check_int_equal(st.st_uid, TH_UID_A);
    tr_check_int_equal(st.st_gid, TH_GID_SHARED);
    ObfDereferenceObject(token);
    return NULL;
}

static void test_file_created_while_impersonating_is_owned_by_client(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyCreate, NULL);
}

/* ---- re-impersonating the identity the thread has costs no syscall ---- */
static void *BodyCache(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_A, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 1);
    PETHREAD thread = PsGetCurrentThread();
    tr_check_status(PsImpersonateClient(thread, token, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    ULONG before = NtsecHostSyscallCount();
    tr_check_status(PsImpersonateClient(thread, token, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    tr_check_int_equal(NtsecHostSyscallCount(), before);
    /* A different token object for the same identity: computed, still no syscall. */
    PTOKEN same = ThToken(TH_UID_A, g, 1);
    tr_check_status(PsImpersonateClient(thread, same, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    tr_check_int_equal(NtsecHostSyscallCount(), before);
    PsRevertToSelf();
    tr_check_true(NtsecHostSyscallCount() > before);
    ULONG reverted = NtsecHostSyscallCount();
    PsRevertToSelf();
    tr_check_int_equal(NtsecHostSyscallCount(), reverted);
    tr_check_int_equal(NtsecReferenceCount(token), 1);
    tr_check_int_equal(NtsecReferenceCount(same), 1);
    ObfDereferenceObject(token);
    ObfDereferenceObject(same);
    return NULL;
}

static void test_unchanged_credentials_cost_no_syscall(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyCache, NULL);
}

/* ---- PsDisableImpersonation / PsRestoreImpersonation move the credentials too ---- */
static void *BodyDisableRestore(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_A, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 1);
    PETHREAD thread = PsGetCurrentThread();
    SE_IMPERSONATION_STATE saved;
    tr_check_status(PsImpersonateClient(thread, token, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    tr_check_int_equal(ThOpenRead(Tree.FileB), EACCES);
    tr_check_true(PsDisableImpersonation(thread, &saved));
    tr_check_int_equal(ThOpenRead(Tree.FileB), 0);
    PsRestoreImpersonation(thread, &saved);
    tr_check_int_equal(ThOpenRead(Tree.FileB), EACCES);
    tr_check_int_equal(ThOpenRead(Tree.FileA), 0);
    PsRevertToSelf();
    tr_check_int_equal(ThOpenRead(Tree.FileB), 0);
    ObfDereferenceObject(token);
    return NULL;
}

static void test_disable_and_restore_impersonation_switch_credentials(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyDisableRestore, NULL);
}

/* ---- thread exit while impersonating: the OS thread dies with the client's ids; the
 * creating thread is untouched, and a new thread starts as the server ---- */
static void *BodyExitImpersonating(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_A, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 1);
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    ObfDereferenceObject(token); /* the thread's own reference keeps it */
    return NULL;                 /* teardown reverts (verifier finding) and frees Host */
}

static void test_thread_exit_while_impersonating_leaves_other_threads_alone(void **state)
{
    TH_REQUIRE_ROOT();
    TH_IDS before, after;
    ThReadIds(&before);
    EXPECT_VERIFIER_FINDING(NtsecFindingThreadExitImpersonating,
                            ThRunOnThread(BodyExitImpersonating, NULL));
    ThReadIds(&after);
    assert_true(ThIdsEqual(&before, &after));
    assert_int_equal(ThOpenRead(Tree.FileB), 0);
}

/* ---- user code changed the thread's fs gid behind ntsec's back (a raw setfsgid, allowed
 * because the real gid is still the server's): the next switch keeps the cached egid,
 * so only verification of all four ids can notice; the stale fsgid must never survive
 * (docs/host.md "Verified", "Credentials changed behind ntsec's back") ---- */
static void *BodyStaleFsgid(void *Arg)
{
    TH_GROUP g[] = {{TH_GID_A, 0}};
    PTOKEN a = ThToken(TH_UID_A, g, 1), c = ThToken(TH_UID_C, g, 1);
    PETHREAD thread = PsGetCurrentThread();
    TH_IDS before, now;
    ThReadIds(&before);
    tr_check_status(PsImpersonateClient(thread, a, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    syscall(SYS_setfsgid, 0); /* the "user code" */
    ThReadIds(&now);
    tr_check_int_equal(now.Gid[3], 0);
    tr_check_status(PsImpersonateClient(thread, c, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    ThReadIds(&now);
    tr_check_int_equal(now.Uid[1], TH_UID_C);
    tr_check_int_equal(now.Uid[3], TH_UID_C);
    tr_check_int_equal(now.Gid[1], TH_GID_A);
    tr_check_int_equal(now.Gid[3], TH_GID_A); /* not 0 */
    syscall(SYS_setfsgid, 0);               /* again, then revert */
    PsRevertToSelf();
    ThReadIds(&now);
    tr_check_true(ThIdsEqual(&before, &now));
    ObfDereferenceObject(a);
    ObfDereferenceObject(c);
    return NULL;
}

static void test_stale_fsgid_set_by_user_code_never_survives_a_switch(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyStaleFsgid, NULL);
}

/* ---- the syscalls a switch issues (docs/host.md "Switching", issue 15 section 5), counted
 * by NtsecHostSyscallCount: root server -> client 3 (setgroups, setresgid, setresuid),
 * client -> client 4 (the base euid first, then those three), revert 3 (the base euid,
 * setgroups, setresgid), re-impersonating the identity in force 0. No read-back: each
 * call's success return is what says the id holds. ---- */
static void *BodyCounts(void *Arg)
{
    TH_GROUP ga[] = {{TH_GID_A, 0}, {TH_GID_SHARED, 0}}, gb[] = {{TH_GID_B, 0}};
    PTOKEN a = ThToken(TH_UID_A, ga, 2), b = ThToken(TH_UID_B, gb, 1);
    PETHREAD thread = PsGetCurrentThread();
    TH_IDS before, now;
    ThReadIds(&before);
    /* the thread's first switch reads its ids from the kernel once; counted from here */
    tr_check_status(PsImpersonateClient(thread, a, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    PsRevertToSelf();
    ULONG c0 = NtsecHostSyscallCount();
    tr_check_status(PsImpersonateClient(thread, a, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    ULONG c1 = NtsecHostSyscallCount();
    tr_check_int_equal(c1 - c0, 3);
    tr_check_status(PsImpersonateClient(thread, b, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    ULONG c2 = NtsecHostSyscallCount();
    tr_check_int_equal(c2 - c1, 4);
    ThReadIds(&now);
    tr_check_int_equal(now.Uid[1], TH_UID_B);
    tr_check_int_equal(now.Uid[3], TH_UID_B);
    tr_check_int_equal(now.Gid[1], TH_GID_B);
    tr_check_int_equal(now.Gid[3], TH_GID_B);
    tr_check_int_equal(now.GroupCount, 1);
    tr_check_int_equal(now.Groups[0], TH_GID_B);
    tr_check_status(PsImpersonateClient(thread, b, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    ULONG c3 = NtsecHostSyscallCount();
    tr_check_int_equal(c3 - c2, 0);
    PsRevertToSelf();
    ULONG c4 = NtsecHostSyscallCount();
    tr_check_int_equal(c4 - c3, 3);
    ThReadIds(&now);
    tr_check_true(ThIdsEqual(&before, &now));
    PsRevertToSelf();
    tr_check_int_equal(NtsecHostSyscallCount(), c4);
    ObfDereferenceObject(a);
    ObfDereferenceObject(b);
    return NULL;
}

static void test_switch_revert_and_reimpersonation_syscall_counts(void **state)
{
    TH_REQUIRE_ROOT();
    ThRunOnThread(BodyCounts, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impersonated_user_reads_own_file_and_is_refused_other),
        cmocka_unit_test(test_supplementary_group_grants_and_deny_only_group_does_not),
        cmocka_unit_test(test_identification_level_is_refused_everywhere),
        cmocka_unit_test(test_unmappable_user_is_none_mapped_and_thread_unchanged),
        cmocka_unit_test(test_file_created_while_impersonating_is_owned_by_client),
        cmocka_unit_test(test_unchanged_credentials_cost_no_syscall),
        cmocka_unit_test(test_disable_and_restore_impersonation_switch_credentials),
        cmocka_unit_test(test_thread_exit_while_impersonating_leaves_other_threads_alone),
        cmocka_unit_test(test_stale_fsgid_set_by_user_code_never_survives_a_switch),
        cmocka_unit_test(test_switch_revert_and_reimpersonation_syscall_counts),
    };
    return cmocka_run_group_tests(tests, SetupGroup, TeardownGroup);
}
