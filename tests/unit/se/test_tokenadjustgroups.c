/*
 * test_tokenadjustgroups.c - NtsecAdjustTokenGroups (src/se/tokenadjustgroups.c), the
 * NtAdjustGroupsToken model: the argument rules of the ReactOS apitest NtAdjustGroupsToken
 * (run on Windows), the rules of AdjustTokenGroups' documentation (mandatory groups stay
 * enabled, deny-only groups stay disabled, groups not in the token are no error, the
 * previous state is a TOKEN_GROUPS that undoes the change, a short buffer changes nothing),
 * what the access check and the host backend's Linux identity see afterwards, and the host
 * rule that a token with a Linux identity cannot lose a group (docs/host.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"
#include "se/sep.h"
#include "host/hostp.h"

/* BU: mandatory (the default flags); S-1-22-2-3001: enabled, not mandatory; S-1-22-2-3002:
 * disabled but enabled by default; S-1-22-2-3003: deny-only. */
#define TEXT "user=S-1-22-1-1001 groups=BU,S-1-22-2-3001:0x4,S-1-22-2-3002:0x2,S-1-22-2-3003:deny-only " \
             "type=impersonation level=impersonation"

static UCHAR SidBuf[4][SECURITY_MAX_SID_SIZE];

/* The SID of SDDL Text ("BU", "S-1-…") in slot Slot of SidBuf (the owner of "O:Text"). */
static PSID Sid(int Slot, PCSTR Text)
{
    char sddl[96];
    snprintf(sddl, sizeof(sddl), "O:%s", Text);
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG len = 0;
    assert_status(NtsecSddlToSecurityDescriptor(sddl, &sd, &len), STATUS_SUCCESS);
    PSID owner = NULL;
    BOOLEAN defaulted = FALSE;
    assert_status(RtlGetOwnerSecurityDescriptor(sd, &owner, &defaulted), STATUS_SUCCESS);
    memcpy(SidBuf[Slot], owner, RtlLengthSid(owner));
    NtsecFree(sd);
    return SidBuf[Slot];
}

/* The attributes of the token's group Text. */
static ULONG Attributes(PTOKEN T, PCSTR Text)
{
    PSID sid = Sid(3, Text);
    for (ULONG i = 1; i < T->UserAndGroupCount; i++)
        if (RtlEqualSid(T->UserAndGroups[i].Sid, sid))
            return T->UserAndGroups[i].Attributes;
    fail_msg("group %s not in the token", Text);
    return 0;
}

typedef struct {
    ULONG GroupCount;
    SID_AND_ATTRIBUTES Groups[3];
} NEW_STATE;

static PTOKEN_GROUPS One(NEW_STATE *N, PCSTR Text, ULONG Attributes)
{
    N->GroupCount = 1;
    N->Groups[0].Sid = Sid(0, Text);
    N->Groups[0].Attributes = Attributes;
    return (PTOKEN_GROUPS)N;
}

static void test_argument_rules_of_the_windows_apitest(void **state)
{
    (void)state;
    PTOKEN t = TestToken(TEXT);
    /* ReactOS apitest NtAdjustGroupsToken: no list without ResetToDefault is
     * STATUS_INVALID_PARAMETER; ResetToDefault with no list succeeds. */
    assert_status(NtsecAdjustTokenGroups(t, FALSE, NULL, 0, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(NtsecAdjustTokenGroups(t, TRUE, NULL, 0, NULL, NULL), STATUS_SUCCESS);
    /* the reset changed 3001 (enabled, not by default) and 3002 (disabled, by default) */
    assert_int_equal(Attributes(t, "S-1-22-2-3001"), 0);
    assert_int_equal(Attributes(t, "S-1-22-2-3002"), SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED);
    NEW_STATE n;
    PTOKEN_GROUPS ns = One(&n, "S-1-22-2-3001", 0);
    ULONG len = 0;
    assert_status(NtsecAdjustTokenGroups(t, FALSE, ns, 64, (PTOKEN_GROUPS)SidBuf[2], NULL), STATUS_INVALID_PARAMETER);
    n.Groups[0].Sid = NULL;
    assert_status(NtsecAdjustTokenGroups(t, FALSE, ns, 0, NULL, &len), STATUS_INVALID_SID);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(NtsecAdjustTokenGroups(PsInitialSystemProcess, FALSE, One(&n, "BU", 0), 0, NULL, NULL),
                      STATUS_OBJECT_TYPE_MISMATCH));
    ObDereferenceObject(t);
}

static void test_reset_to_default_gives_each_group_its_default(void **state)
{
    (void)state;
    PTOKEN t = TestToken(TEXT);
    LUID modified = t->ModifiedId;
    UCHAR buf[256];
    ULONG len = 0;
    assert_status(NtsecAdjustTokenGroups(t, TRUE, NULL, sizeof(buf), (PTOKEN_GROUPS)buf, &len), STATUS_SUCCESS);
    PTOKEN_GROUPS prev = (PTOKEN_GROUPS)buf;
    PSID_AND_ATTRIBUTES g = prev->Groups; /* GroupCount entries, not ANYSIZE_ARRAY's one */
    assert_int_equal(prev->GroupCount, 2); /* 3001 and 3002 changed */
    assert_true(RtlEqualSid(g[0].Sid, Sid(0, "S-1-22-2-3001")));
    assert_int_equal(g[0].Attributes, SE_GROUP_ENABLED);
    assert_true(RtlEqualSid(g[1].Sid, Sid(0, "S-1-22-2-3002")));
    assert_int_equal(g[1].Attributes, SE_GROUP_ENABLED_BY_DEFAULT);
    assert_int_equal(Attributes(t, "S-1-22-2-3001"), 0);
    assert_int_equal(Attributes(t, "S-1-22-2-3002"), SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED);
    /* mandatory and deny-only groups keep their state */
    assert_int_equal(Attributes(t, "BU"), SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED);
    assert_int_equal(Attributes(t, "S-1-22-2-3003"), SE_GROUP_USE_FOR_DENY_ONLY);
    assert_false(SepLuidEqual(t->ModifiedId, modified));
    /* nothing left to change: same ModifiedId, an empty previous state */
    modified = t->ModifiedId;
    assert_status(NtsecAdjustTokenGroups(t, TRUE, NULL, sizeof(buf), prev, &len), STATUS_SUCCESS);
    assert_int_equal(prev->GroupCount, 0);
    assert_true(SepLuidEqual(t->ModifiedId, modified));
    ObDereferenceObject(t);
}

static void test_mandatory_and_deny_only_refuse_the_whole_call(void **state)
{
    (void)state;
    PTOKEN t = TestToken(TEXT);
    LUID modified = t->ModifiedId;
    NEW_STATE n;
    /* a change that would apply (3002 enabled) together with one that may not */
    n.GroupCount = 2;
    n.Groups[0].Sid = Sid(0, "S-1-22-2-3002");
    n.Groups[0].Attributes = SE_GROUP_ENABLED;
    n.Groups[1].Sid = Sid(1, "BU");
    n.Groups[1].Attributes = 0;
    assert_status(NtsecAdjustTokenGroups(t, FALSE, (PTOKEN_GROUPS)&n, 0, NULL, NULL),
                  STATUS_CANT_DISABLE_MANDATORY);
    n.Groups[1].Sid = Sid(1, "S-1-22-2-3003");
    n.Groups[1].Attributes = SE_GROUP_ENABLED;
    assert_status(NtsecAdjustTokenGroups(t, FALSE, (PTOKEN_GROUPS)&n, 0, NULL, NULL),
                  STATUS_CANT_ENABLE_DENY_ONLY);
    assert_int_equal(Attributes(t, "S-1-22-2-3002"), SE_GROUP_ENABLED_BY_DEFAULT);
    assert_true(SepLuidEqual(t->ModifiedId, modified));
    /* what they already are is no error: a mandatory group enabled, a deny-only disabled */
    n.Groups[0].Sid = Sid(0, "BU");
    n.Groups[0].Attributes = SE_GROUP_ENABLED;
    n.Groups[1].Attributes = 0;
    assert_status(NtsecAdjustTokenGroups(t, FALSE, (PTOKEN_GROUPS)&n, 0, NULL, NULL), STATUS_SUCCESS);
    assert_true(SepLuidEqual(t->ModifiedId, modified));
    ObDereferenceObject(t);
    /* SeFilterToken's form of a mandatory group, deny-only|mandatory: deny-only decides */
    t = TestToken("user=S-1-22-1-1001 groups=S-1-22-2-3005:deny-only|mandatory");
    assert_status(NtsecAdjustTokenGroups(t, FALSE, One(&n, "S-1-22-2-3005", SE_GROUP_ENABLED), 0, NULL, NULL),
                  STATUS_CANT_ENABLE_DENY_ONLY);
    assert_status(NtsecAdjustTokenGroups(t, FALSE, One(&n, "S-1-22-2-3005", 0), 0, NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(Attributes(t, "S-1-22-2-3005"), SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_MANDATORY);
    ObDereferenceObject(t);
}

static void test_not_all_assigned_first_entry_decides_and_undo(void **state)
{
    (void)state;
    PTOKEN t = TestToken(TEXT);
    NEW_STATE n;
    n.GroupCount = 3;
    n.Groups[0].Sid = Sid(0, "S-1-22-2-3001");
    n.Groups[0].Attributes = 0;                /* disable: applied */
    n.Groups[1].Sid = Sid(1, "S-1-22-2-9999");
    n.Groups[1].Attributes = SE_GROUP_ENABLED; /* not in the token */
    n.Groups[2].Sid = Sid(0, "S-1-22-2-3001");
    n.Groups[2].Attributes = SE_GROUP_ENABLED; /* a repeat: the first entry decided */
    UCHAR buf[256];
    ULONG len = 0;
    assert_status(NtsecAdjustTokenGroups(t, FALSE, (PTOKEN_GROUPS)&n, sizeof(buf), (PTOKEN_GROUPS)buf, &len),
                  STATUS_NOT_ALL_ASSIGNED);
    assert_int_equal(Attributes(t, "S-1-22-2-3001"), 0);
    PTOKEN_GROUPS prev = (PTOKEN_GROUPS)buf;
    assert_int_equal(prev->GroupCount, 1);
    ULONG sidLen = RtlLengthSid(prev->Groups[0].Sid);
    assert_int_equal(len, offsetof(TOKEN_GROUPS, Groups) + sizeof(SID_AND_ATTRIBUTES) + sidLen);
    /* the SID lives inside the caller's buffer, so the block can be passed back to undo */
    assert_true((PUCHAR)prev->Groups[0].Sid >= buf && (PUCHAR)prev->Groups[0].Sid + sidLen <= buf + len);
    UCHAR undo[256];
    memcpy(undo, buf, sizeof(undo));
    PTOKEN_GROUPS u = (PTOKEN_GROUPS)undo;
    u->Groups[0].Sid = undo + ((PUCHAR)prev->Groups[0].Sid - buf);
    assert_status(NtsecAdjustTokenGroups(t, FALSE, u, 0, NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(Attributes(t, "S-1-22-2-3001"), SE_GROUP_ENABLED);
    /* the user and the integrity label are not adjustable groups */
    assert_status(NtsecAdjustTokenGroups(t, FALSE, One(&n, "S-1-22-1-1001", 0), 0, NULL, NULL),
                  STATUS_NOT_ALL_ASSIGNED);
    assert_status(NtsecAdjustTokenGroups(t, FALSE, One(&n, "ME", 0), 0, NULL, NULL), STATUS_NOT_ALL_ASSIGNED);
    ObDereferenceObject(t);
}

static void test_every_short_buffer_changes_nothing(void **state)
{
    (void)state;
    PTOKEN t = TestToken(TEXT);
    LUID modified = t->ModifiedId;
    ULONG required = 0;
    /* a reset changes two groups: the required size is the array plus both SIDs */
    assert_status(NtsecAdjustTokenGroups(t, TRUE, NULL, 0, (PTOKEN_GROUPS)SidBuf[2], &required),
                  STATUS_BUFFER_TOO_SMALL);
    assert_true(required >= offsetof(TOKEN_GROUPS, Groups) + 2 * sizeof(SID_AND_ATTRIBUTES) + 2 * 12);
    for (ULONG l = 0; l < required; l++) {
        PUCHAR b = malloc(l ? l : 1); /* exactly sized, so ASan sees a byte written too many */
        ULONG need = 0;
        assert_status(NtsecAdjustTokenGroups(t, TRUE, NULL, l, (PTOKEN_GROUPS)b, &need), STATUS_BUFFER_TOO_SMALL);
        assert_int_equal(need, required);
        free(b);
    }
    assert_true(SepLuidEqual(t->ModifiedId, modified));
    assert_int_equal(Attributes(t, "S-1-22-2-3002"), SE_GROUP_ENABLED_BY_DEFAULT);
    PUCHAR b = malloc(required);
    ULONG need = 0;
    assert_status(NtsecAdjustTokenGroups(t, TRUE, NULL, required, (PTOKEN_GROUPS)b, &need), STATUS_SUCCESS);
    assert_int_equal(((PTOKEN_GROUPS)b)->GroupCount, 2);
    free(b);
    ObDereferenceObject(t);
}

static NTSTATUS Check(PTOKEN T, PSECURITY_DESCRIPTOR Sd)
{
    GENERIC_MAPPING m = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS};
    ACCESS_MASK granted = 0;
    NTSTATUS access = 0;
    assert_status(NtsecAccessCheckToken(Sd, T, FILE_READ_DATA, &m, &granted, &access), STATUS_SUCCESS);
    return access;
}

static void test_access_check_and_linux_identity_follow_the_groups(void **state)
{
    (void)state;
    PTOKEN t = TestToken(TEXT);
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG sdLen = 0;
    assert_status(NtsecSddlToSecurityDescriptor("O:SYG:SYD:(A;;FR;;;S-1-22-2-3002)", &sd, &sdLen), STATUS_SUCCESS);
    assert_status(Check(t, sd), STATUS_ACCESS_DENIED); /* 3002 is disabled */
    NEW_STATE n;
    assert_status(NtsecAdjustTokenGroups(t, FALSE, One(&n, "S-1-22-2-3002", SE_GROUP_ENABLED), 0, NULL, NULL),
                  STATUS_SUCCESS);
    assert_status(Check(t, sd), STATUS_SUCCESS);

    /* The host backend computes a Linux identity: gid 3002 is in it now. */
    HOST_CREDS c = {0};
    ULONG cls = 0;
    assert_false(atomic_load(&t->HostBound));
    assert_status(HostComputeTarget(t, SecurityImpersonation, &c, &cls), STATUS_SUCCESS);
    assert_true(atomic_load(&t->HostBound));
    BOOLEAN has3002 = FALSE;
    for (ULONG i = 0; i < c.GroupCount; i++)
        has3002 |= c.Groups[i] == 3002;
    assert_true(has3002);
    /* From now on a thread may run with gid 3002: disabling it is refused, token unchanged;
     * enabling a group (Linux grants less until the next switch) is still allowed. */
    LUID modified = t->ModifiedId;
    assert_status(NtsecAdjustTokenGroups(t, FALSE, One(&n, "S-1-22-2-3002", 0), 0, NULL, NULL), STATUS_TOKEN_IN_USE);
    assert_status(NtsecAdjustTokenGroups(t, TRUE, NULL, 0, NULL, NULL), STATUS_TOKEN_IN_USE); /* would disable 3001 */
    assert_true(SepLuidEqual(t->ModifiedId, modified));
    assert_status(Check(t, sd), STATUS_SUCCESS);
    /* a copy has no Linux identity yet: its groups can be disabled */
    PACCESS_TOKEN copy = NULL;
    assert_status(NtsecDuplicateToken(t, TokenImpersonation, SecurityImpersonation, FALSE, &copy), STATUS_SUCCESS);
    assert_status(NtsecAdjustTokenGroups(copy, FALSE, One(&n, "S-1-22-2-3002", 0), 0, NULL, NULL), STATUS_SUCCESS);
    assert_status(Check(copy, sd), STATUS_ACCESS_DENIED);
    HostCredsFree(&c);
    ObDereferenceObject(copy);
    NtsecFree(sd);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argument_rules_of_the_windows_apitest),
        cmocka_unit_test(test_reset_to_default_gives_each_group_its_default),
        cmocka_unit_test(test_mandatory_and_deny_only_refuse_the_whole_call),
        cmocka_unit_test(test_not_all_assigned_first_entry_decides_and_undo),
        cmocka_unit_test(test_every_short_buffer_changes_nothing),
        cmocka_unit_test(test_access_check_and_linux_identity_follow_the_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
