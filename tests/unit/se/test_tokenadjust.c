/*
 * test_tokenadjust.c - NtsecAdjustTokenPrivileges (NtAdjustPrivilegesToken semantics,
 * ModifiedId bump, derived flags) and NtsecDuplicateToken (fresh TokenId, level rules of
 * spec 1.3 / case 67, EffectiveOnly filtering, reference counts, allocation failure).
 */
#include <stdlib.h>
#include "ntsec_test.h"
#include "se/sep.h"

#define TEXT_P "user=S-1-5-21-1-2-3-1001 groups=WD,BU:disabled " \
               "privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled,SeBackupPrivilege"

static TOKEN_PRIVILEGES One(ULONG Luid, ULONG Attributes)
{
    TOKEN_PRIVILEGES p = { 1, { { { Luid, 0 }, Attributes } } };
    return p;
}

static void test_enable_disable_bumps_modified_id(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    LUID modified = t->ModifiedId;
    TOKEN_PRIVILEGES en = One(SE_IMPERSONATE_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    PTOKEN_PRIVILEGES prev = NULL;
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, &en, &prev), STATUS_SUCCESS);
    assert_int_equal(t->Privileges[1].Attributes, SE_PRIVILEGE_ENABLED);
    assert_true(atomic_load(&t->TokenFlags) & TOKEN_HAS_IMPERSONATE_PRIVILEGE);
    assert_false(SepLuidEqual(t->ModifiedId, modified));
    assert_int_equal(prev->PrivilegeCount, 1);
    assert_int_equal(prev->Privileges[0].Luid.LowPart, SE_IMPERSONATE_PRIVILEGE);
    assert_int_equal(prev->Privileges[0].Attributes, 0);
    NtsecFree(prev);
    /* no change: same ModifiedId, empty PreviousState */
    modified = t->ModifiedId;
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, &en, &prev), STATUS_SUCCESS);
    assert_true(SepLuidEqual(t->ModifiedId, modified));
    assert_int_equal(prev->PrivilegeCount, 0);
    NtsecFree(prev);
    TOKEN_PRIVILEGES dis = One(SE_CHANGE_NOTIFY_PRIVILEGE, 0);
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, &dis, NULL), STATUS_SUCCESS);
    assert_int_equal(t->Privileges[0].Attributes, SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    assert_false(atomic_load(&t->TokenFlags) & TOKEN_HAS_TRAVERSE_PRIVILEGE);
    ObDereferenceObject(t);
}

static void test_disable_all_and_remove(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    PTOKEN_PRIVILEGES prev = NULL;
    assert_status(NtsecAdjustTokenPrivileges(t, TRUE, NULL, &prev), STATUS_SUCCESS);
    assert_int_equal(prev->PrivilegeCount, 2); /* ChangeNotify and Backup were enabled */
    NtsecFree(prev);
    for (ULONG i = 0; i < t->PrivilegeCount; i++)
        assert_false(t->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED);
    TOKEN_PRIVILEGES rm = One(SE_IMPERSONATE_PRIVILEGE, SE_PRIVILEGE_REMOVED);
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, &rm, NULL), STATUS_SUCCESS);
    assert_int_equal(t->PrivilegeCount, 2);
    assert_int_equal(t->Privileges[1].Luid.LowPart, SE_BACKUP_PRIVILEGE);
    /* a removed privilege cannot be enabled again */
    TOKEN_PRIVILEGES en = One(SE_IMPERSONATE_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, &en, NULL), STATUS_NOT_ALL_ASSIGNED);
    assert_false(atomic_load(&t->TokenFlags) & TOKEN_HAS_IMPERSONATE_PRIVILEGE);
    ObDereferenceObject(t);
}

static void test_not_held_is_not_all_assigned_but_others_apply(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    TOKEN_PRIVILEGES two = { 2, { { { SE_TCB_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED } } };
    PTOKEN_PRIVILEGES p = malloc(sizeof(TOKEN_PRIVILEGES) + sizeof(LUID_AND_ATTRIBUTES));
    p->PrivilegeCount = 2;
    PLUID_AND_ATTRIBUTES entries = p->Privileges; /* ANYSIZE_ARRAY: index through a pointer */
    entries[0] = two.Privileges[0];
    entries[1].Luid.LowPart = SE_IMPERSONATE_PRIVILEGE;
    entries[1].Luid.HighPart = 0;
    entries[1].Attributes = SE_PRIVILEGE_ENABLED;
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, p, NULL), STATUS_NOT_ALL_ASSIGNED);
    assert_true(NT_SUCCESS(STATUS_NOT_ALL_ASSIGNED));
    assert_true(atomic_load(&t->TokenFlags) & TOKEN_HAS_IMPERSONATE_PRIVILEGE);
    free(p);
    ObDereferenceObject(t);
}

static void test_adjust_bad_arguments_change_nothing(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    LUID modified = t->ModifiedId;
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, NULL, NULL), STATUS_INVALID_PARAMETER);
    TOKEN_PRIVILEGES en = One(SE_IMPERSONATE_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    PTOKEN_PRIVILEGES prev = (PTOKEN_PRIVILEGES)0x1;
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(NtsecAdjustTokenPrivileges(PsInitialSystemProcess, FALSE, &en, &prev), STATUS_OBJECT_TYPE_MISMATCH));
    assert_null(prev);
    NtsecSetAllocationFailure(1);
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, &en, &prev), STATUS_NO_MEMORY);
    NtsecSetAllocationFailure(0);
    assert_null(prev);
    assert_int_equal(t->Privileges[1].Attributes, 0);
    assert_true(SepLuidEqual(t->ModifiedId, modified));
    ObDereferenceObject(t);
}

static void test_duplicate_fresh_token_id_same_modified_id(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    PTOKEN d = NULL;
    assert_status(NtsecDuplicateToken(t, TokenImpersonation, SecurityDelegation, FALSE, (PACCESS_TOKEN *)&d), STATUS_SUCCESS);
    assert_false(SepLuidEqual(d->TokenId, t->TokenId));
    assert_true(SepLuidEqual(d->ModifiedId, t->ModifiedId)); /* spec 5-D12 */
    assert_true(SepLuidEqual(d->AuthenticationId, t->AuthenticationId));
    assert_int_equal(d->TokenType, TokenImpersonation);
    assert_int_equal(d->ImpersonationLevel, SecurityDelegation);
    assert_int_equal(d->UserAndGroupCount, t->UserAndGroupCount);
    assert_int_equal(NtsecReferenceCount(d), 1);
    assert_int_equal(NtsecReferenceCount(t), 1);
    /* primary from an Impersonation-level token is fine */
    PTOKEN p = NULL;
    assert_status(NtsecDuplicateToken(d, TokenPrimary, SecurityAnonymous, FALSE, (PACCESS_TOKEN *)&p), STATUS_SUCCESS);
    assert_int_equal(p->TokenType, TokenPrimary);
    ObDereferenceObject(p);
    ObDereferenceObject(d);
    ObDereferenceObject(t);
}

/* spec case 67 and 2.20: a level can never be raised (W: WINE-T-sec). */
static void test_case67_duplicate_cannot_raise_level(void **state)
{
    PACCESS_TOKEN a0 = TestToken("user=S-1-5-21-1-2-3-1001 type=impersonation level=anonymous");
    PACCESS_TOKEN a1 = TestToken("user=S-1-5-21-1-2-3-1001 type=impersonation level=identification");
    PACCESS_TOKEN d = (PACCESS_TOKEN)0x1;
    assert_status(NtsecDuplicateToken(a0, TokenImpersonation, SecurityIdentification, FALSE, &d), STATUS_BAD_IMPERSONATION_LEVEL);
    assert_null(d);
    assert_status(NtsecDuplicateToken(a1, TokenImpersonation, SecurityImpersonation, FALSE, &d), STATUS_BAD_IMPERSONATION_LEVEL);
    assert_status(NtsecDuplicateToken(a1, TokenImpersonation, (SECURITY_IMPERSONATION_LEVEL)9, FALSE, &d), STATUS_INVALID_PARAMETER);
    assert_status(NtsecDuplicateToken(a1, TokenImpersonation, SecurityAnonymous, FALSE, &d), STATUS_SUCCESS);
    ObDereferenceObject(d);
    PTOKEN_USER user = NULL;
    assert_status(SeQueryInformationToken(a0, TokenUser, (PVOID *)&user), STATUS_SUCCESS);
    ExFreePool(user);
    assert_int_equal(NtsecReferenceCount(a0), 1);
    ObDereferenceObject(a0);
    ObDereferenceObject(a1);
}

/* spec 1.3: EffectiveOnly drops disabled groups and privileges. */
static void test_duplicate_effective_only_filters(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    PTOKEN d = NULL;
    assert_status(NtsecDuplicateToken(t, TokenImpersonation, SecurityImpersonation, TRUE, (PACCESS_TOKEN *)&d), STATUS_SUCCESS);
    assert_int_equal(t->UserAndGroupCount, 4);
    assert_int_equal(d->UserAndGroupCount, 3); /* BU:disabled dropped */
    assert_int_equal(d->PrivilegeCount, 2);    /* SeImpersonatePrivilege:disabled dropped */
    ObDereferenceObject(d);
    ObDereferenceObject(t);
}

static void test_duplicate_wrong_type_and_allocation_failure(void **state)
{
    PACCESS_TOKEN d = (PACCESS_TOKEN)0x1;
    LONG_PTR before = NtsecReferenceCount(PsInitialSystemProcess);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(NtsecDuplicateToken(PsInitialSystemProcess, TokenPrimary, 0, FALSE, &d), STATUS_OBJECT_TYPE_MISMATCH));
    assert_null(d);
    assert_int_equal(NtsecReferenceCount(PsInitialSystemProcess), before);
    PACCESS_TOKEN t = TestToken(TEXT_P);
    for (int eo = 0; eo < 2; eo++) {
        BOOLEAN ok = FALSE;
        for (ULONG i = 1; i < 50 && !ok; i++) {
            NtsecSetAllocationFailure(i);
            NTSTATUS st = NtsecDuplicateToken(t, TokenImpersonation, SecurityImpersonation, (BOOLEAN)eo, &d);
            NtsecSetAllocationFailure(0);
            if (NT_SUCCESS(st)) {
                ok = TRUE;
                ObDereferenceObject(d);
            } else {
                assert_true(st == STATUS_NO_MEMORY || st == STATUS_INSUFFICIENT_RESOURCES);
                assert_null(d);
            }
        }
        assert_true(ok);
    }
    assert_int_equal(NtsecReferenceCount(t), 1);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enable_disable_bumps_modified_id),
        cmocka_unit_test(test_disable_all_and_remove),
        cmocka_unit_test(test_not_held_is_not_all_assigned_but_others_apply),
        cmocka_unit_test(test_adjust_bad_arguments_change_nothing),
        cmocka_unit_test(test_duplicate_fresh_token_id_same_modified_id),
        cmocka_unit_test(test_case67_duplicate_cannot_raise_level),
        cmocka_unit_test(test_duplicate_effective_only_filters),
        cmocka_unit_test(test_duplicate_wrong_type_and_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
