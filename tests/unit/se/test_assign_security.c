/*
 * test_assign_security.c - SeAssignSecurity(Ex) per MS-DTYP 2.5.3.4 (CreateSecurityDescriptor):
 * inheritance, CREATOR OWNER substitution, defaults from the token, creator's label.
 * Results are compared as SDDL (NtsecSecurityDescriptorToSddl).
 */
#include "conformance/access_table.h"

#define U "S-1-5-21-1-2-3-1001"

static char *Assign(PCSTR Token, PCSTR Parent, PCSTR Explicit, BOOLEAN IsDir, ULONG Flags, NTSTATUS Expect)
{
    PACCESS_TOKEN t = AtToken(Token);
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    PSECURITY_DESCRIPTOR p = Parent ? AtSd(Parent) : NULL, e = Explicit ? AtSd(Explicit) : NULL, n = NULL;
    GENERIC_MAPPING m = SepFileMapping;
    assert_status(SeAssignSecurityEx(p, e, &n, NULL, IsDir, Flags, &ctx, &m, PagedPool), Expect);
    PSTR text = NULL;
    if (n) {
        assert_status(NtsecSecurityDescriptorToSddl(n, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                           DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION |
                                                           LABEL_SECURITY_INFORMATION, &text), STATUS_SUCCESS);
        assert_status(SeDeassignSecurity(&n), STATUS_SUCCESS);
        assert_null(n);
    }
    NtsecFree(p);
    NtsecFree(e);
    ObDereferenceObject(t);
    return text;
}

/* MS-DTYP 2.5.3.4.4 (0x1 prints as CC in canonical SDDL): a file inherits OI ACEs as effective ACEs with CREATOR OWNER substituted.
 * With SEF_DACL_AUTO_INHERIT, as a file system calls it, they carry ID (docs/assign.md). */
static void test_assign_file_inherits_object_inherit_and_creator_owner(void **state)
{
    char *s = Assign("user=" U " groups=WD integrity=medium", "O:BAG:BAD:(A;OICI;FA;;;CO)(A;CI;FR;;;WD)(A;OI;0x1;;;AU)",
                     NULL, FALSE, SEF_DACL_AUTO_INHERIT, STATUS_SUCCESS);
    assert_non_null(strstr(s, "(A;ID;FA;;;" U ")"));
    assert_non_null(strstr(s, "(A;ID;CC;;;AU)"));
    assert_null(strstr(s, ";;;WD)")); /* CI-only ACE not inherited by a file */
    NtsecFree(s);
}

/* MS-DTYP 2.5.3.4.4: a directory splits CREATOR OWNER into effective + inherit-only template. */
static void test_assign_directory_splits_creator_owner(void **state)
{
    char *s = Assign("user=" U " groups=WD integrity=medium", "O:BAG:BAD:(A;OICI;GA;;;CO)(A;OICINP;FR;;;WD)(A;OI;0x1;;;AU)",
                     NULL, TRUE, SEF_DACL_AUTO_INHERIT, STATUS_SUCCESS);
    assert_non_null(strstr(s, "(A;ID;FA;;;" U ")"));
    assert_non_null(strstr(s, "(A;OICIIOID;GA;;;CO)"));
    assert_non_null(strstr(s, "(A;ID;FR;;;WD)"));    /* no-propagate: effective only */
    assert_non_null(strstr(s, "(A;OIIOID;CC;;;AU)")); /* OI-only: inherit-only on a directory */
    NtsecFree(s);
}

/* Nothing inheritable: the token's default DACL (generic bits mapped, so the check - which
 * does not map ACE masks, MS-DTYP 2.5.3.2 - sees FILE_ALL_ACCESS); owner and group from the token. */
static void test_assign_default_dacl_owner_group_from_token(void **state)
{
    char *s = Assign("user=" U " groups=WD integrity=medium default-dacl=D:(A;;GA;;;SY)(A;;GA;;;" U ")",
                     "O:BAG:BAD:(A;;FA;;;WD)", NULL, FALSE, 0, STATUS_SUCCESS);
    assert_non_null(strstr(s, "O:" U "G:" U "D:(A;;FA;;;SY)(A;;FA;;;" U ")"));
    NtsecFree(s);
}

/* An explicit owner the token may not own: STATUS_INVALID_OWNER. */
static void test_assign_explicit_owner_checked(void **state)
{
    assert_null(Assign("user=" U " groups=WD integrity=medium", NULL, "O:BAD:(A;;FA;;;WD)", FALSE, 0,
                       STATUS_INVALID_OWNER));
    char *s = Assign("user=" U " groups=WD integrity=medium", NULL, "O:BAD:(A;;FA;;;WD)", FALSE,
                     SEF_AVOID_OWNER_CHECK, STATUS_SUCCESS);
    assert_non_null(strstr(s, "O:BA"));
    NtsecFree(s);
}

/* Explicit DACL wins; with SEF_DACL_AUTO_INHERIT and AR in the creator's descriptor the parent's ACEs follow it. */
static void test_assign_explicit_dacl_and_auto_inherit(void **state)
{
    char *s = Assign("user=" U " groups=WD integrity=medium", "O:BAG:BAD:(A;OICI;FR;;;AU)", "D:(A;;FA;;;WD)",
                     FALSE, 0, STATUS_SUCCESS);
    assert_non_null(strstr(s, "D:(A;;FA;;;WD)"));
    assert_null(strstr(s, "AU)"));
    NtsecFree(s);
    /* The merge needs the creator's SE_DACL_AUTO_INHERIT_REQ (AR) as well (Wine security.c
     * test_CreateDirectoryA: an explicit DACL without it in an inheriting directory gets no
     * inherited ACE). */
    s = Assign("user=" U " groups=WD integrity=medium", "O:BAG:BAD:(A;OICI;FR;;;AU)", "D:(A;;FA;;;WD)",
               FALSE, SEF_DACL_AUTO_INHERIT, STATUS_SUCCESS);
    assert_non_null(strstr(s, "D:(A;;FA;;;WD)"));
    assert_null(strstr(s, "AU)"));
    NtsecFree(s);
    s = Assign("user=" U " groups=WD integrity=medium", "O:BAG:BAD:(A;OICI;FR;;;AU)", "D:AR(A;;FA;;;WD)",
               FALSE, SEF_DACL_AUTO_INHERIT, STATUS_SUCCESS);
    assert_non_null(strstr(s, "D:AI(A;;FA;;;WD)(A;ID;FR;;;AU)"));
    NtsecFree(s);
}

/* A low-integrity creator stamps its label; an explicit SACL needs SeSecurityPrivilege. */
static void test_assign_low_creator_label_and_sacl_privilege(void **state)
{
    char *s = Assign("user=" U " groups=WD integrity=low", NULL, NULL, FALSE, 0, STATUS_SUCCESS);
    assert_non_null(strstr(s, "(ML;;NW;;;LW)"));
    NtsecFree(s);
    assert_null(Assign("user=" U " groups=WD integrity=medium", NULL, "S:(AU;SA;FA;;;WD)", FALSE, 0,
                       STATUS_PRIVILEGE_NOT_HELD));
    assert_null(Assign("user=" U " groups=WD integrity=medium", NULL, "S:(ML;;NW;;;HI)", FALSE, 0,
                       STATUS_INVALID_LABEL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assign_file_inherits_object_inherit_and_creator_owner),
        cmocka_unit_test(test_assign_directory_splits_creator_owner),
        cmocka_unit_test(test_assign_default_dacl_owner_group_from_token),
        cmocka_unit_test(test_assign_explicit_owner_checked),
        cmocka_unit_test(test_assign_explicit_dacl_and_auto_inherit),
        cmocka_unit_test(test_assign_low_creator_label_and_sacl_privilege),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
