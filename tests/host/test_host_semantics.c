/*
 * test_host_semantics.c - the host backend never lets the kernel grant what the NT access
 * check refuses (issue 9 item 3; docs/host.md "Token properties Linux cannot express").
 *
 * For every token property Linux cannot express, a token with it impersonates (euid mode,
 * root) and opens real files for reading and for writing; the same token is checked by
 * NtsecAccessCheckToken against each file's NT twin (owner and DACL as the mode bits say).
 * Each case asserts the exact kernel answer and that it is a subset of the NT answer.
 */
#include <sys/syscall.h>
#include "host_helpers.h"

static TH_TREE Tree;
static char FileUser[128];  /* 40001:0      0600: the user's file */
static char FileGroup[128]; /* 0:40101      0060: the group's file */
static char FileRoot[128];  /* 0:0          0600: nobody's but root's */

static GENERIC_MAPPING FileMapping = {0x120089, 0x120116, 0x1200a0, 0x1f01ff};

/* Bits of a case's answer: file x access. */
#define U_R 0x01
#define U_W 0x02
#define G_R 0x04
#define G_W 0x08
#define R_R 0x10
#define R_W 0x20
#define ALL_UG (U_R | U_W | G_R | G_W)

static const char *const Twin[3] = {
    "O:S-1-22-1-40001G:S-1-22-2-0D:(A;;FA;;;S-1-22-1-40001)",
    "O:S-1-22-1-0G:S-1-22-2-40101D:(A;;FA;;;S-1-22-2-40101)",
    "O:S-1-22-1-0G:S-1-22-2-0D:(A;;FA;;;S-1-22-1-0)",
};

static int SetupGroup(void **state)
{
    if (geteuid() != 0)
        return 0;
    ThMakeTree(&Tree);
    snprintf(FileUser, sizeof(FileUser), "%s/user", Tree.Dir);
    snprintf(FileGroup, sizeof(FileGroup), "%s/group", Tree.Dir);
    snprintf(FileRoot, sizeof(FileRoot), "%s/root", Tree.Dir);
    ThMakeFile(FileUser, TH_UID_A, 0, 0600);
    ThMakeFile(FileGroup, 0, TH_GID_A, 0060);
    ThMakeFile(FileRoot, 0, 0, 0600);
    return NtsecEnableHostCredentials(NtsecHostEuid) == STATUS_SUCCESS ? 0 : -1;
}

static int TeardownGroup(void **state)
{
    return ThTeardownEuidTree(&Tree);
}

/* The NT answer: bit set where NtsecAccessCheckToken grants (an error counts as refused). */
static ULONG NtAnswer(PACCESS_TOKEN Token)
{
    ULONG bits = 0;
    for (int f = 0; f < 3; f++) {
        PSECURITY_DESCRIPTOR sd = NULL;
        tr_check_status(NtsecSddlToSecurityDescriptor(Twin[f], &sd, NULL), STATUS_SUCCESS);
        for (int w = 0; w < 2; w++) {
            ACCESS_MASK granted = 0;
            NTSTATUS access = STATUS_ACCESS_DENIED;
            NTSTATUS st = NtsecAccessCheckToken(sd, Token, w ? 0x2 /* FILE_WRITE_DATA */ : 0x1 /* FILE_READ_DATA */,
                                                &FileMapping, &granted, &access);
            if (NT_SUCCESS(st) && access == STATUS_SUCCESS)
                bits |= 1U << (2 * f + w);
        }
        NtsecFree(sd);
    }
    return bits;
}

/* The kernel's answer while the calling thread impersonates. */
static ULONG LinuxAnswer(VOID)
{
    const char *paths[3] = {FileUser, FileGroup, FileRoot};
    ULONG bits = 0;
    for (int f = 0; f < 3; f++)
        for (int w = 0; w < 2; w++) {
            int fd = open(paths[f], (w ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
            if (fd >= 0) {
                bits |= 1U << (2 * f + w);
                close(fd);
            } else if (errno != EACCES) {
                bits |= 0x100; /* an unexpected error: shows in the comparison */
            }
        }
    return bits;
}

typedef struct {
    PACCESS_TOKEN Token;
    NTSTATUS Status;   /* PsImpersonateClient's */
    unsigned Euid;     /* while impersonating */
    unsigned EuidBack; /* after PsRevertToSelf */
    ULONG Nt, Got;
} CASE;

/* Runs on its own thread; records what happened (the assertions run on the main thread). */
static void *CaseBody(void *Arg)
{
    CASE *c = Arg;
    c->Nt = NtAnswer(c->Token);
    c->Status = PsImpersonateClient(PsGetCurrentThread(), c->Token, FALSE, FALSE, SecurityImpersonation);
    if (!NT_SUCCESS(c->Status))
        return NULL;
    TH_IDS ids;
    ThReadIds(&ids);
    c->Euid = ids.Uid[1];
    c->Got = LinuxAnswer();
    PsRevertToSelf();
    ThReadIds(&ids);
    c->EuidBack = ids.Uid[1];
    return NULL;
}

/* Runs one case; Text is the token text, or NULL when Token is given (its reference is
 * consumed). Euid 0: the user's uid (TH_UID_A) is expected; 1: the unprivileged uid; 2: 0. */
static void RunCase(const char *Text, PACCESS_TOKEN Token, NTSTATUS Impersonation, ULONG Linux, uid_t Euid)
{
    CASE c = {Token, 0, 0, 0, 0, 0};
    if (Text != NULL)
        assert_status(NtsecCreateTokenFromText(Text, &c.Token), STATUS_SUCCESS);
    ThRunOnThread(CaseBody, &c);
    assert_status(c.Status, Impersonation);
    if (NT_SUCCESS(Impersonation)) {
        uid_t unprivUid;
        gid_t unprivGid;
        HostGetUnprivileged(&unprivUid, &unprivGid);
        if (c.Got != Linux || (c.Got & ~c.Nt) != 0)
            fprintf(stderr, "case %s: euid %u, Linux 0x%02x (expected 0x%02x), NT 0x%02x\n",
                    Text ? Text : "(token)", c.Euid, (unsigned)c.Got, (unsigned)Linux, (unsigned)c.Nt);
        assert_int_equal(c.Euid, Euid == 0 ? TH_UID_A : Euid == 2 ? 0 : unprivUid);
        assert_int_equal(c.Got, Linux);
        assert_int_equal(c.Got & ~c.Nt, 0); /* the kernel grants a subset of what NT grants */
        assert_int_equal(c.EuidBack, 0);
    }
    assert_int_equal(NtsecReferenceCount(c.Token), 1);
    ObfDereferenceObject(c.Token);
}

#define A "S-1-22-1-40001"
#define G "S-1-22-2-40101"
#define IMP " type=impersonation"

/* Control: the plain token gets the user's uid and group; root's file stays refused. */
static void test_plain_token_is_the_user(void **state)
{
    TH_REQUIRE_ROOT();
    RunCase("user=" A " groups=" G IMP, NULL, STATUS_SUCCESS, ALL_UG, 0);
    RunCase("user=" A " groups=" G " integrity=none" IMP, NULL, STATUS_SUCCESS, ALL_UG, 0); /* Medium */
    RunCase("user=" A " groups=" G " integrity=high" IMP, NULL, STATUS_SUCCESS, ALL_UG, 0);
    RunCase("user=" A " groups=" G ":resource" IMP, NULL, STATUS_SUCCESS, ALL_UG, 0);
}

/* Low / Untrusted: NT may read, not write up; Linux cannot split them: nothing. */
static void test_integrity_below_medium_grants_nothing(void **state)
{
    TH_REQUIRE_ROOT();
    RunCase("user=" A " groups=" G " integrity=low" IMP, NULL, STATUS_SUCCESS, 0, 1);
    RunCase("user=" A " groups=" G " integrity=untrusted" IMP, NULL, STATUS_SUCCESS, 0, 1);
    RunCase("user=" A " groups=" G " integrity=S-1-16-8191" IMP, NULL, STATUS_SUCCESS, 0, 1);
}

/* A deny-only user: never the user's uid; the enabled group still grants. */
static void test_deny_only_user_is_never_the_uid(void **state)
{
    TH_REQUIRE_ROOT();
    RunCase("user=" A ":deny-only groups=" G IMP, NULL, STATUS_SUCCESS, G_R | G_W, 1);
    /* An unmappable deny-only user is not STATUS_NONE_MAPPED: it never grants anyway. */
    RunCase("user=S-1-5-21-1-2-3-1000:deny-only groups=" G IMP, NULL, STATUS_SUCCESS, G_R | G_W, 1);
    RunCase("user=S-1-5-21-1-2-3-1000 groups=" G IMP, NULL, STATUS_NONE_MAPPED, 0, 0);
}

static void test_filter_token_disabling_the_user(void **state)
{
    TH_REQUIRE_ROOT();
    PACCESS_TOKEN t = NULL, f = NULL;
    assert_status(NtsecCreateTokenFromText("user=" A " groups=" G IMP, &t), STATUS_SUCCESS);
    TH_SID user;
    struct {
        ULONG Count;
        SID_AND_ATTRIBUTES Groups[1];
    } disable = {1, {{ThUnixSid(&user, 1, TH_UID_A), 0}}};
    assert_status(SeFilterToken(t, 0, (PTOKEN_GROUPS)&disable, NULL, NULL, &f), STATUS_SUCCESS);
    ObfDereferenceObject(t);
    RunCase(NULL, f, STATUS_SUCCESS, G_R | G_W, 1);
}

/* Restricted: the kernel has one pass; uid and groups must pass both of NT's. */
static void test_restricted_tokens_pass_both_checks(void **state)
{
    TH_REQUIRE_ROOT();
    RunCase("user=" A " groups=" G " restricted=WD" IMP, NULL, STATUS_SUCCESS, 0, 1);
    RunCase("user=" A " groups=" G " restricted=" A "," G IMP, NULL, STATUS_SUCCESS, ALL_UG, 0);
    RunCase("user=" A " groups=" G " restricted=" G IMP, NULL, STATUS_SUCCESS, G_R | G_W, 1);
    RunCase("user=" A " groups=" G " restricted=" A IMP, NULL, STATUS_SUCCESS, U_R | U_W, 0);
    /* write-restricted: NT reads through the normal pass only; Linux is narrowed for all. */
    RunCase("user=" A " groups=" G " restricted=WD write-restricted=yes" IMP, NULL, STATUS_SUCCESS, 0, 1);
    RunCase("user=" A " groups=" G " restricted=" G " write-restricted=yes" IMP, NULL, STATUS_SUCCESS,
            G_R | G_W, 1);
}

/* Disabled and deny-only groups never become gids. */
static void test_disabled_and_deny_only_groups_grant_nothing(void **state)
{
    TH_REQUIRE_ROOT();
    RunCase("user=" A " groups=" G ":disabled" IMP, NULL, STATUS_SUCCESS, U_R | U_W, 0);
    RunCase("user=" A " groups=" G ":deny-only|mandatory" IMP, NULL, STATUS_SUCCESS, U_R | U_W, 0);
}

/* Identification level and ANONYMOUS LOGON: the unprivileged identity, no groups. */
static void test_identification_and_anonymous_grant_nothing(void **state)
{
    TH_REQUIRE_ROOT();
    RunCase("user=" A " groups=" G " type=impersonation level=identification", NULL, STATUS_SUCCESS, 0, 1);
    RunCase("user=AN groups=" G IMP, NULL, STATUS_SUCCESS, 0, 1);
}

/* Privileges never become capabilities for a non-root user: root's file stays refused. */
static void test_privileges_give_no_capabilities(void **state)
{
    TH_REQUIRE_ROOT();
    RunCase("user=" A " groups=" G " privileges=SeBackupPrivilege,SeRestorePrivilege,SeTakeOwnershipPrivilege" IMP,
            NULL, STATUS_SUCCESS, ALL_UG, 0);
}

/* A user that maps to uid 0 reaches root's own files, never through capabilities. (The
 * group file is owned by uid 0 with an empty owner class: Linux uses the owner class for
 * its owner, so the group grants nothing here - narrower than NT.) */
static void test_root_user_gets_no_capabilities(void **state)
{
    TH_REQUIRE_ROOT();
    RunCase("user=S-1-22-1-0 groups=" G IMP, NULL, STATUS_SUCCESS, R_R | R_W, 2);
    RunCase("user=S-1-22-1-0 groups=" G " privileges=SeBackupPrivilege,SeRestorePrivilege,SeTcbPrivilege" IMP,
            NULL, STATUS_SUCCESS, R_R | R_W, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_token_is_the_user),
        cmocka_unit_test(test_integrity_below_medium_grants_nothing),
        cmocka_unit_test(test_deny_only_user_is_never_the_uid),
        cmocka_unit_test(test_filter_token_disabling_the_user),
        cmocka_unit_test(test_restricted_tokens_pass_both_checks),
        cmocka_unit_test(test_disabled_and_deny_only_groups_grant_nothing),
        cmocka_unit_test(test_identification_and_anonymous_grant_nothing),
        cmocka_unit_test(test_privileges_give_no_capabilities),
        cmocka_unit_test(test_root_user_gets_no_capabilities),
    };
    return cmocka_run_group_tests(tests, SetupGroup, TeardownGroup);
}
