/*
 * test_tokenfilter.c - SeFilterToken: deny-only SIDs, privilege deletion, restricting
 * SIDs, flags, ids of the new token, reference counts, wrong type, allocation failure.
 */
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"
#include "se/sep.h"

#define TEXT_F "user=S-1-5-21-1-2-3-1001 groups=WD,BA,S-1-5-21-1-2-3-513 " \
               "privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege,SeBackupPrivilege:disabled " \
               "integrity=high type=impersonation level=impersonation"

static PSID Sid(PCSTR Text, UCHAR *Buffer)
{
    PACCESS_TOKEN t = TestToken(Text);
    memcpy(Buffer, SepTokenUserSid(t), RtlLengthSid(SepTokenUserSid(t)));
    ObDereferenceObject(t);
    return Buffer;
}

static void test_sids_to_disable_become_deny_only(void **state)
{
    PTOKEN src = TestToken(TEXT_F);
    UCHAR ba[SECURITY_MAX_SID_SIZE];
    TOKEN_GROUPS disable = { 1, { { Sid("user=BA", ba), 0 } } };
    PTOKEN f = NULL;
    assert_status(SeFilterToken(src, 0, &disable, NULL, NULL, (PACCESS_TOKEN *)&f), STATUS_SUCCESS);
    assert_int_equal(f->UserAndGroups[2].Attributes, SE_GROUP_MANDATORY | SE_GROUP_USE_FOR_DENY_ONLY);
    assert_int_equal(f->UserAndGroups[1].Attributes, 7);
    assert_false(SeTokenIsAdmin(f));
    assert_true(SeTokenIsAdmin(src));
    assert_int_equal(f->PrivilegeCount, 3);
    assert_int_equal(SepTokenIntegrityRid(f), SECURITY_MANDATORY_HIGH_RID);
    /* ids: new TokenId, same AuthenticationId, parent = source, filtered flag */
    assert_false(SepLuidEqual(f->TokenId, src->TokenId));
    assert_true(SepLuidEqual(f->AuthenticationId, src->AuthenticationId));
    assert_true(SepLuidEqual(f->ParentTokenId, src->TokenId));
    assert_true(atomic_load(&f->TokenFlags) & TOKEN_IS_FILTERED);
    assert_int_equal(f->TokenType, TokenImpersonation);
    assert_int_equal(f->ImpersonationLevel, SecurityImpersonation);
    assert_int_equal(NtsecReferenceCount(f), 1);
    assert_int_equal(NtsecReferenceCount(src), 1);
    ObDereferenceObject(f);
    ObDereferenceObject(src);
}

static void test_disable_max_privilege_keeps_only_change_notify(void **state)
{
    PTOKEN src = TestToken(TEXT_F);
    LUID_AND_ATTRIBUTES del = { { SE_CHANGE_NOTIFY_PRIVILEGE, 0 }, 0 };
    TOKEN_PRIVILEGES ignored = { 1, { del } };
    PTOKEN f = NULL;
    assert_status(SeFilterToken(src, DISABLE_MAX_PRIVILEGE, NULL, &ignored, NULL, (PACCESS_TOKEN *)&f), STATUS_SUCCESS);
    assert_int_equal(f->PrivilegeCount, 1);
    assert_int_equal(f->Privileges[0].Luid.LowPart, SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_int_equal(atomic_load(&f->TokenFlags) & TOKEN_HAS_IMPERSONATE_PRIVILEGE, 0);
    ObDereferenceObject(f);
    ObDereferenceObject(src);
}

static void test_privileges_to_delete(void **state)
{
    PTOKEN src = TestToken(TEXT_F);
    TOKEN_PRIVILEGES del = { 1, { { { SE_IMPERSONATE_PRIVILEGE, 0 }, 0 } } };
    PTOKEN f = NULL;
    assert_status(SeFilterToken(src, 0, NULL, &del, NULL, (PACCESS_TOKEN *)&f), STATUS_SUCCESS);
    assert_int_equal(f->PrivilegeCount, 2);
    assert_int_equal(f->Privileges[0].Luid.LowPart, SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_int_equal(f->Privileges[1].Luid.LowPart, SE_BACKUP_PRIVILEGE);
    assert_true(atomic_load(&src->TokenFlags) & TOKEN_HAS_IMPERSONATE_PRIVILEGE);
    assert_false(atomic_load(&f->TokenFlags) & TOKEN_HAS_IMPERSONATE_PRIVILEGE);
    ObDereferenceObject(f);
    ObDereferenceObject(src);
}

static void test_restricted_sids_and_flags(void **state)
{
    PTOKEN src = TestToken(TEXT_F);
    UCHAR wd[SECURITY_MAX_SID_SIZE], ba[SECURITY_MAX_SID_SIZE];
    TOKEN_GROUPS r2 = { 2, { { Sid("user=WD", wd), 0 } } };
    PTOKEN_GROUPS r = malloc(sizeof(TOKEN_GROUPS) + sizeof(SID_AND_ATTRIBUTES));
    r->GroupCount = 2;
    PSID_AND_ATTRIBUTES groups = r->Groups; /* ANYSIZE_ARRAY: index through a pointer */
    groups[0] = r2.Groups[0];
    groups[1].Sid = Sid("user=BA", ba);
    groups[1].Attributes = 0;
    PTOKEN f = NULL;
    assert_status(SeFilterToken(src, WRITE_RESTRICTED | SANDBOX_INERT, NULL, NULL, r, (PACCESS_TOKEN *)&f), STATUS_SUCCESS);
    assert_int_equal(f->RestrictedSidCount, 2);
    assert_int_equal(f->RestrictedSids[0].Attributes, 7);
    assert_true(SeTokenIsRestricted(f));
    assert_true(SeTokenIsWriteRestricted(f));
    assert_true(atomic_load(&f->TokenFlags) & TOKEN_SANDBOX_INERT);
    /* (C) filtering a restricted token keeps only SIDs in both lists */
    TOKEN_GROUPS onlyWd = { 1, { { wd, 0 } } };
    r->GroupCount = 1;
    r->Groups[0].Sid = ba;
    PTOKEN g = NULL;
    assert_status(SeFilterToken(f, 0, NULL, NULL, &onlyWd, (PACCESS_TOKEN *)&g), STATUS_SUCCESS);
    assert_int_equal(g->RestrictedSidCount, 1);
    assert_true(RtlEqualSid(g->RestrictedSids[0].Sid, wd));
    assert_true(SeTokenIsWriteRestricted(g)); /* inherited */
    ObDereferenceObject(g);
    free(r);
    ObDereferenceObject(f);
    ObDereferenceObject(src);
}

static void test_bad_arguments(void **state)
{
    PACCESS_TOKEN src = TestToken(TEXT_F);
    PACCESS_TOKEN f = (PACCESS_TOKEN)0x1;
    assert_status(SeFilterToken(src, 0x100, NULL, NULL, NULL, &f), STATUS_INVALID_PARAMETER);
    UCHAR junk[16] = { 9, 9 };
    TOKEN_GROUPS bad = { 1, { { junk, 0 } } };
    assert_status(SeFilterToken(src, 0, &bad, NULL, NULL, &f), STATUS_INVALID_SID);
    assert_null(f);
    LONG_PTR before = NtsecReferenceCount(PsInitialSystemProcess);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(SeFilterToken(PsInitialSystemProcess, 0, NULL, NULL, NULL, &f), STATUS_OBJECT_TYPE_MISMATCH));
    assert_int_equal(NtsecReferenceCount(PsInitialSystemProcess), before);
    assert_int_equal(NtsecReferenceCount(src), 1);
    ObDereferenceObject(src);
}

static void test_allocation_failure_sweep(void **state)
{
    PACCESS_TOKEN src = TestToken(TEXT_F);
    BOOLEAN ok = FALSE;
    for (ULONG i = 1; i < 50 && !ok; i++) {
        PACCESS_TOKEN f = NULL;
        NtsecSetAllocationFailure(i);
        NTSTATUS st = SeFilterToken(src, DISABLE_MAX_PRIVILEGE, NULL, NULL, NULL, &f);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st)) {
            ok = TRUE;
            ObDereferenceObject(f);
        } else {
            assert_status(st, STATUS_NO_MEMORY);
            assert_null(f);
        }
    }
    assert_true(ok);
    assert_int_equal(NtsecReferenceCount(src), 1);
    ObDereferenceObject(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sids_to_disable_become_deny_only),
        cmocka_unit_test(test_disable_max_privilege_keeps_only_change_notify),
        cmocka_unit_test(test_privileges_to_delete),
        cmocka_unit_test(test_restricted_sids_and_flags),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
