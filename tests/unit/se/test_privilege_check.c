/*
 * test_privilege_check.c - SePrivilegeCheck (spec 2.20, 5-D7) and the explicit-token
 * privilege check (spec case 65), with subject contexts built from tokens directly.
 */
#include "conformance/access_table.h"

#define BASE "user=S-1-5-21-1-2-3-1001 groups=WD,AU integrity=medium "

static PRIVILEGE_SET OnePrivilege(ULONG Priv)
{
    PRIVILEGE_SET s = {1, PRIVILEGE_SET_ALL_NECESSARY, {{{Priv, 0}, 0}}};
    return s;
}

/* spec case 68 / 5-D7: KernelMode is TRUE before the level is examined; UserMode is FALSE. */
static void test_case68_seprivilegecheck_kernelmode_first(void **state)
{
    PACCESS_TOKEN t = AtToken("type=impersonation level=identification " BASE
                              "privileges=SeChangeNotifyPrivilege");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    PRIVILEGE_SET s = OnePrivilege(SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_true(SePrivilegeCheck(&s, &ctx, KernelMode));
    assert_int_equal(s.Privilege[0].Attributes, SE_PRIVILEGE_USED_FOR_ACCESS);
    s = OnePrivilege(SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_false(SePrivilegeCheck(&s, &ctx, UserMode));
    ObDereferenceObject(t);
}

static void test_seprivilegecheck_enabled_disabled_and_any(void **state)
{
    PACCESS_TOKEN t = AtToken(BASE "privileges=SeChangeNotifyPrivilege,SeBackupPrivilege:disabled");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    PRIVILEGE_SET s = OnePrivilege(SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_true(SePrivilegeCheck(&s, &ctx, UserMode));
    assert_int_equal(s.Privilege[0].Attributes, SE_PRIVILEGE_USED_FOR_ACCESS);
    s = OnePrivilege(SE_BACKUP_PRIVILEGE);
    assert_false(SePrivilegeCheck(&s, &ctx, UserMode));
    assert_int_equal(s.Privilege[0].Attributes, 0);
    INITIAL_PRIVILEGE_SET two = {2, 0, {{{SE_BACKUP_PRIVILEGE, 0}, 0}, {{SE_CHANGE_NOTIFY_PRIVILEGE, 0}, 0}}};
    assert_true(SePrivilegeCheck((PPRIVILEGE_SET)&two, &ctx, UserMode)); /* any one suffices */
    two.Control = PRIVILEGE_SET_ALL_NECESSARY;
    assert_false(SePrivilegeCheck((PPRIVILEGE_SET)&two, &ctx, UserMode));
    ObDereferenceObject(t);
}

/* spec case 65: explicit privilege check - Anonymous refused, Identification works. */
static void test_case65_explicit_privilege_check_levels(void **state)
{
    PACCESS_TOKEN anon = AtToken("type=impersonation level=anonymous " BASE "privileges=SeChangeNotifyPrivilege");
    PACCESS_TOKEN ident = AtToken("type=impersonation level=identification " BASE "privileges=SeChangeNotifyPrivilege");
    PACCESS_TOKEN primary = AtToken(BASE "privileges=SeChangeNotifyPrivilege");
    PRIVILEGE_SET s = OnePrivilege(SE_CHANGE_NOTIFY_PRIVILEGE);
    BOOLEAN result = TRUE;
    assert_status(NtsecPrivilegeCheckToken(anon, &s, &result), STATUS_BAD_IMPERSONATION_LEVEL);
    assert_false(result);
    assert_status(NtsecPrivilegeCheckToken(primary, &s, &result), STATUS_NO_IMPERSONATION_TOKEN);
    assert_status(NtsecPrivilegeCheckToken(ident, &s, &result), STATUS_SUCCESS);
    assert_true(result);
    ObDereferenceObject(anon);
    ObDereferenceObject(ident);
    ObDereferenceObject(primary);
}

/* spec cases 62-64: explicit access check levels. */
static void test_case62_63_64_explicit_access_check_levels(void **state)
{
    PACCESS_TOKEN pt = AtToken(BASE);
    PACCESS_TOKEN it0 = AtToken("type=impersonation level=anonymous " BASE);
    PACCESS_TOKEN it1 = AtToken("type=impersonation level=identification " BASE);
    PSECURITY_DESCRIPTOR sd = AtSd("O:BAG:BAD:(A;;KR;;;WD)");
    GENERIC_MAPPING m = SepKeyMapping;
    ACCESS_MASK g = 0;
    NTSTATUS s = 0;
    LONG_PTR before = NtsecReferenceCount(it1);
    assert_status(NtsecAccessCheckToken(sd, pt, KEY_READ, &m, &g, &s), STATUS_NO_IMPERSONATION_TOKEN);
    assert_status(NtsecAccessCheckToken(sd, it0, KEY_READ, &m, &g, &s), STATUS_BAD_IMPERSONATION_LEVEL);
    assert_status(NtsecAccessCheckToken(sd, it1, KEY_READ, &m, &g, &s), STATUS_SUCCESS);
    assert_status(s, STATUS_SUCCESS);
    assert_int_equal(g, KEY_READ);
    assert_int_equal(NtsecReferenceCount(it1), before);
    ObDereferenceObject(pt);
    ObDereferenceObject(it0);
    ObDereferenceObject(it1);
    NtsecFree(sd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case68_seprivilegecheck_kernelmode_first),
        cmocka_unit_test(test_seprivilegecheck_enabled_disabled_and_any),
        cmocka_unit_test(test_case65_explicit_privilege_check_levels),
        cmocka_unit_test(test_case62_63_64_explicit_access_check_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
