/*
 * test_tokenquery.c - SeQueryInformationToken and the Se* token accessors: exact values,
 * one self-contained pool block per result, spec case 69, wrong object type (5-D24),
 * allocation failure.
 */
#include <string.h>
#include "ntsec_test.h"
#include "se/sep.h"

#define TEXT_A "user=S-1-5-21-1-2-3-1001 groups=WD,BA:deny-only,S-1-5-21-1-2-3-513:owner " \
               "privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled integrity=high " \
               "restricted=WD auth-id=0x0:0x4242 origin=0x0:0x3e7 source=tests session=3 " \
               "owner=S-1-5-21-1-2-3-513 primary-group=BU"

static void test_user_groups_privileges_exact(void **state)
{
    PTOKEN t = TestToken(TEXT_A);
    PTOKEN_USER user = NULL;
    assert_status(SeQueryInformationToken(t, TokenUser, (PVOID *)&user), STATUS_SUCCESS);
    assert_true(RtlEqualSid(user->User.Sid, SepTokenUserSid(t)));
    assert_ptr_not_equal(user->User.Sid, SepTokenUserSid(t)); /* a copy inside the block */
    assert_true((PUCHAR)user->User.Sid > (PUCHAR)user);
    ExFreePool(user);

    PTOKEN_GROUPS groups = NULL;
    assert_status(SeQueryInformationToken(t, TokenGroups, (PVOID *)&groups), STATUS_SUCCESS);
    assert_int_equal(groups->GroupCount, 4); /* 3 groups + the integrity label */
    assert_int_equal(groups->Groups[1].Attributes, SE_GROUP_USE_FOR_DENY_ONLY);
    assert_int_equal(groups->Groups[3].Attributes, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    ExFreePool(groups);

    PTOKEN_PRIVILEGES privs = NULL;
    assert_status(SeQueryInformationToken(t, TokenPrivileges, (PVOID *)&privs), STATUS_SUCCESS);
    assert_int_equal(privs->PrivilegeCount, 2);
    assert_int_equal(privs->Privileges[0].Luid.LowPart, SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_int_equal(privs->Privileges[0].Attributes, 3);
    assert_int_equal(privs->Privileges[1].Luid.LowPart, SE_IMPERSONATE_PRIVILEGE);
    assert_int_equal(privs->Privileges[1].Attributes, 0);
    ExFreePool(privs);

    PTOKEN_GROUPS restricted = NULL;
    assert_status(SeQueryInformationToken(t, TokenRestrictedSids, (PVOID *)&restricted), STATUS_SUCCESS);
    assert_int_equal(restricted->GroupCount, 1);
    ExFreePool(restricted);
    ObDereferenceObject(t);
}

static void test_owner_group_dacl_source_stats(void **state)
{
    PTOKEN t = TestToken(TEXT_A);
    PTOKEN_OWNER owner = NULL;
    assert_status(SeQueryInformationToken(t, TokenOwner, (PVOID *)&owner), STATUS_SUCCESS);
    assert_true(RtlEqualSid(owner->Owner, t->UserAndGroups[3].Sid));
    ExFreePool(owner);
    PTOKEN_PRIMARY_GROUP pg = NULL;
    assert_status(SeQueryInformationToken(t, TokenPrimaryGroup, (PVOID *)&pg), STATUS_SUCCESS);
    assert_true(RtlEqualSid(pg->PrimaryGroup, t->PrimaryGroup));
    ExFreePool(pg);
    PTOKEN_DEFAULT_DACL dacl = NULL;
    assert_status(SeQueryInformationToken(t, TokenDefaultDacl, (PVOID *)&dacl), STATUS_SUCCESS);
    assert_int_equal(dacl->DefaultDacl->AceCount, 2);
    assert_memory_equal(dacl->DefaultDacl, t->DefaultDacl, t->DefaultDacl->AclSize);
    ExFreePool(dacl);
    PTOKEN_SOURCE source = NULL;
    assert_status(SeQueryInformationToken(t, TokenSource, (PVOID *)&source), STATUS_SUCCESS);
    assert_memory_equal(source->SourceName, "tests\0\0\0", 8);
    ExFreePool(source);
    PTOKEN_TYPE type = NULL;
    assert_status(SeQueryInformationToken(t, TokenType, (PVOID *)&type), STATUS_SUCCESS);
    assert_int_equal(*type, TokenPrimary);
    ExFreePool(type);
    PTOKEN_STATISTICS stats = NULL;
    assert_status(SeQueryInformationToken(t, TokenStatistics, (PVOID *)&stats), STATUS_SUCCESS);
    assert_true(SepLuidEqual(stats->TokenId, t->TokenId));
    assert_int_equal(stats->AuthenticationId.LowPart, 0x4242);
    assert_int_equal(stats->GroupCount, 4);
    assert_int_equal(stats->PrivilegeCount, 2);
    assert_true(SepLuidEqual(stats->ModifiedId, t->ModifiedId));
    assert_int_equal(stats->TokenType, TokenPrimary);
    ExFreePool(stats);
    /* TokenSessionId: the WDK writes the ULONG through the PVOID * (callers pass &ULONG);
     * exactly 4 bytes, nothing allocated. */
    struct { ULONG Session; ULONG Guard; } s = { 0xdeadbeef, 0xa5a5a5a5 };
    ULONG before = NtsecAllocationCount();
    assert_status(SeQueryInformationToken(t, TokenSessionId, (PVOID *)&s.Session), STATUS_SUCCESS);
    assert_int_equal(s.Session, 3);
    assert_int_equal(s.Guard, 0xa5a5a5a5);
    assert_int_equal(NtsecAllocationCount(), before);
    PTOKEN_ORIGIN origin = NULL;
    assert_status(SeQueryInformationToken(t, TokenOrigin, (PVOID *)&origin), STATUS_SUCCESS);
    assert_int_equal(origin->OriginatingLogonSession.LowPart, 0x3e7);
    ExFreePool(origin);
    PTOKEN_MANDATORY_LABEL label = NULL;
    assert_status(SeQueryInformationToken(t, TokenIntegrityLevel, (PVOID *)&label), STATUS_SUCCESS);
    assert_int_equal(*RtlSubAuthoritySid(label->Label.Sid, 0), SECURITY_MANDATORY_HIGH_RID);
    assert_int_equal(label->Label.Attributes, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    ExFreePool(label);
    PTOKEN_MANDATORY_POLICY policy = NULL;
    assert_status(SeQueryInformationToken(t, TokenMandatoryPolicy, (PVOID *)&policy), STATUS_SUCCESS);
    assert_int_equal(policy->Policy, TOKEN_MANDATORY_POLICY_NO_WRITE_UP);
    ExFreePool(policy);
    LUID auth;
    ULONG sid;
    assert_status(SeQueryAuthenticationIdToken(t, &auth), STATUS_SUCCESS);
    assert_int_equal(auth.LowPart, 0x4242);
    assert_status(SeQuerySessionIdToken(t, &sid), STATUS_SUCCESS);
    assert_int_equal(sid, 3);
    ObDereferenceObject(t);
}

/* spec case 69 (W: ROS-KMT-SQIT) */
static void test_case69_impersonation_level_of_primary_is_invalid_info_class(void **state)
{
    PACCESS_TOKEN pt = TestToken("user=S-1-5-21-1-2-3-1001");
    PVOID buf = (PVOID)0x1;
    assert_status(SeQueryInformationToken(pt, TokenImpersonationLevel, &buf), STATUS_INVALID_INFO_CLASS);
    assert_null(buf);
    PACCESS_TOKEN it = TestToken("user=S-1-5-21-1-2-3-1001 type=impersonation level=identification");
    PSECURITY_IMPERSONATION_LEVEL level = NULL;
    assert_status(SeQueryInformationToken(it, TokenImpersonationLevel, (PVOID *)&level), STATUS_SUCCESS);
    assert_int_equal(*level, SecurityIdentification);
    ExFreePool(level);
    ObDereferenceObject(pt);
    ObDereferenceObject(it);
}

/* spec 2.20: an Anonymous-level token may be queried (W: WINE-T-sec). */
static void test_anonymous_level_token_can_be_queried(void **state)
{
    PACCESS_TOKEN t = TestToken("user=S-1-5-21-1-2-3-1001 type=impersonation level=anonymous");
    PTOKEN_USER user = NULL;
    assert_status(SeQueryInformationToken(t, TokenUser, (PVOID *)&user), STATUS_SUCCESS);
    ExFreePool(user);
    ObDereferenceObject(t);
}

static void test_unmodelled_and_invalid_classes(void **state)
{
    PACCESS_TOKEN t = TestToken("user=SY");
    PVOID buf = (PVOID)0x1;
    assert_status(SeQueryInformationToken(t, TokenAccessInformation, &buf), STATUS_NOT_IMPLEMENTED);
    assert_null(buf);
    assert_status(SeQueryInformationToken(t, TokenSessionReference, &buf), STATUS_INVALID_INFO_CLASS);
    assert_status(SeQueryInformationToken(t, MaxTokenInfoClass, &buf), STATUS_INVALID_INFO_CLASS);
    assert_status(SeQueryInformationToken(t, (TOKEN_INFORMATION_CLASS)0, &buf), STATUS_INVALID_INFO_CLASS);
    assert_null(buf);
    ObDereferenceObject(t);
}

static void test_accessors(void **state)
{
    PACCESS_TOKEN admin = TestToken("user=S-1-5-21-1-2-3-1001 groups=BA type=impersonation level=delegation");
    PACCESS_TOKEN denied = TestToken("user=S-1-5-21-1-2-3-1001 groups=BA:deny-only");
    PACCESS_TOKEN disabled = TestToken("user=S-1-5-21-1-2-3-1001 groups=BA:disabled");
    assert_true(SeTokenIsAdmin(admin));
    assert_false(SeTokenIsAdmin(denied));
    assert_false(SeTokenIsAdmin(disabled));
    assert_int_equal(SeTokenType(admin), TokenImpersonation);
    assert_int_equal(SeTokenType(denied), TokenPrimary);
    assert_int_equal(SeTokenImpersonationLevel(admin), SecurityDelegation);
    assert_false(SeTokenIsRestricted(admin));
    assert_false(SeTokenIsWriteRestricted(admin));
    ObDereferenceObject(admin);
    ObDereferenceObject(denied);
    ObDereferenceObject(disabled);
}

/* spec 5-D24: a process passed as a token: STATUS_OBJECT_TYPE_MISMATCH, fail-closed answers. */
static void test_wrong_object_type(void **state)
{
    PVOID p = PsInitialSystemProcess;
    LONG_PTR before = NtsecReferenceCount(p);
    PVOID buf = (PVOID)0x1;
    LUID luid;
    ULONG session;
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(SeQueryInformationToken(p, TokenUser, &buf), STATUS_OBJECT_TYPE_MISMATCH));
    assert_null(buf);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(SeQueryAuthenticationIdToken(p, &luid), STATUS_OBJECT_TYPE_MISMATCH));
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(SeQuerySessionIdToken(p, &session), STATUS_OBJECT_TYPE_MISMATCH));
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_int_equal(SeTokenType(p), 0));
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_int_equal(SeTokenImpersonationLevel(p), SecurityAnonymous));
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_false(SeTokenIsAdmin(p)));
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_true(SeTokenIsRestricted(p)));
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_true(SeTokenIsWriteRestricted(p)));
    assert_int_equal(NtsecReferenceCount(p), before);
}

static void test_allocation_failure(void **state)
{
    PACCESS_TOKEN t = TestToken(TEXT_A);
    for (int c = TokenUser; c <= TokenMandatoryPolicy; c++) {
        if (c == TokenSessionId)
            continue; /* writes the ULONG in place: nothing is allocated (test above) */
        PVOID buf = NULL;
        NTSTATUS expect = SeQueryInformationToken(t, (TOKEN_INFORMATION_CLASS)c, &buf);
        if (buf)
            ExFreePool(buf);
        if (!NT_SUCCESS(expect))
            continue;
        NtsecSetAllocationFailure(1);
        buf = (PVOID)0x1;
        NTSTATUS st = SeQueryInformationToken(t, (TOKEN_INFORMATION_CLASS)c, &buf);
        NtsecSetAllocationFailure(0);
        assert_status(st, STATUS_INSUFFICIENT_RESOURCES);
        assert_null(buf);
    }
    assert_int_equal(NtsecReferenceCount(t), 1);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_groups_privileges_exact),
        cmocka_unit_test(test_owner_group_dacl_source_stats),
        cmocka_unit_test(test_case69_impersonation_level_of_primary_is_invalid_info_class),
        cmocka_unit_test(test_anonymous_level_token_can_be_queried),
        cmocka_unit_test(test_unmodelled_and_invalid_classes),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_wrong_object_type),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
