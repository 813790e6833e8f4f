/*
 * test_acl.c - ACL creation, validation, queries, ACE insertion/deletion and the
 * RtlAdd*Ace builders, with exact bytes and Windows status codes.
 */
#include <string.h>
#include "ntsec_test.h"
#include "rtl/rtlp.h"

static ULONG SySid[3], WdSid[3], LwSid[3];

static int setup(void **state)
{
    RtlpStringToSid("SY", NULL, SySid, sizeof(SySid));
    RtlpStringToSid("WD", NULL, WdSid, sizeof(WdSid));
    RtlpStringToSid("LW", NULL, LwSid, sizeof(LwSid));
    return 0;
}

static void test_acl_create_rules(void **state)
{
    ULONG buffer[64];
    PACL acl = (PACL)buffer;
    static const UCHAR empty[8] = { 0x02, 0x00, 0x1e - 2, 0x00, 0x00, 0x00, 0x00, 0x00 };
    assert_status(RtlCreateAcl(acl, 4, ACL_REVISION), STATUS_BUFFER_TOO_SMALL);
    assert_status(RtlCreateAcl(acl, 64, 1), STATUS_INVALID_PARAMETER);
    assert_status(RtlCreateAcl(acl, 64, 5), STATUS_INVALID_PARAMETER);
    assert_status(RtlCreateAcl(acl, 0x10000, ACL_REVISION), STATUS_INVALID_PARAMETER);
    assert_status(RtlCreateAcl(acl, 0x1e, ACL_REVISION), STATUS_SUCCESS); /* rounded down to 0x1c */
    assert_memory_equal(acl, empty, 8);
    assert_true(RtlValidAcl(acl));
    assert_status(RtlCreateAcl(acl, 8, ACL_REVISION_DS), STATUS_SUCCESS);
    assert_int_equal(acl->AclRevision, 4);
    assert_true(RtlValidAcl(acl));
}

static void test_acl_add_allowed_exact_bytes(void **state)
{
    static const UCHAR expected[28] = { 0x02, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x14, 0x00, 0xff, 0x01, 0x1f, 0x00,
                                        0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
                                        0x12, 0x00, 0x00, 0x00 };
    ULONG buffer[16];
    PACL acl = (PACL)buffer;
    ACL_SIZE_INFORMATION size;
    ACL_REVISION_INFORMATION revision;
    assert_status(RtlCreateAcl(acl, 28, ACL_REVISION), STATUS_SUCCESS);
    assert_status(RtlAddAccessAllowedAce(acl, ACL_REVISION, 0x1F01FF, SySid), STATUS_SUCCESS);
    assert_memory_equal(acl, expected, 28);
    assert_true(RtlValidAcl(acl));
    assert_status(RtlAddAccessAllowedAce(acl, ACL_REVISION, 1, SySid), STATUS_ALLOTTED_SPACE_EXCEEDED);
    assert_memory_equal(acl, expected, 28);
    assert_status(RtlQueryInformationAcl(acl, &size, sizeof(size), AclSizeInformation), STATUS_SUCCESS);
    assert_int_equal(size.AceCount, 1);
    assert_int_equal(size.AclBytesInUse, 28);
    assert_int_equal(size.AclBytesFree, 0);
    assert_status(RtlQueryInformationAcl(acl, &revision, sizeof(revision), AclRevisionInformation),
                  STATUS_SUCCESS);
    assert_int_equal(revision.AclRevision, ACL_REVISION);
    assert_status(RtlQueryInformationAcl(acl, &size, 4, AclSizeInformation), STATUS_BUFFER_TOO_SMALL);
    assert_status(RtlQueryInformationAcl(acl, &size, sizeof(size), (ACL_INFORMATION_CLASS)9),
                  STATUS_INVALID_INFO_CLASS);
}

static void test_acl_add_ace_status_codes(void **state)
{
    ULONG buffer[64], bad_sid[3];
    PACL acl = (PACL)buffer;
    assert_status(RtlCreateAcl(acl, sizeof(buffer), ACL_REVISION), STATUS_SUCCESS);
    memcpy(bad_sid, SySid, sizeof(bad_sid));
    ((PUCHAR)bad_sid)[0] = 7;
    assert_status(RtlAddAccessAllowedAce(acl, ACL_REVISION, 1, bad_sid), STATUS_INVALID_SID);
    assert_status(RtlAddAccessAllowedAce(acl, 9, 1, SySid), STATUS_REVISION_MISMATCH);
    assert_status(RtlAddAccessAllowedAceEx(acl, ACL_REVISION, 0x40, 1, SySid), STATUS_INVALID_PARAMETER);
    assert_status(RtlAddAccessDeniedAceEx(acl, ACL_REVISION, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE,
                                          GENERIC_ALL, WdSid), STATUS_SUCCESS);
    assert_status(RtlAddAccessDeniedAce(acl, ACL_REVISION, 2, WdSid), STATUS_SUCCESS);
    assert_status(RtlAddAuditAccessAce(acl, ACL_REVISION, 3, WdSid, TRUE, TRUE), STATUS_SUCCESS);
    assert_status(RtlAddAuditAccessAceEx(acl, ACL_REVISION, INHERIT_ONLY_ACE, 4, WdSid, FALSE, TRUE),
                  STATUS_SUCCESS);
    assert_status(RtlAddAccessAllowedAce(acl, ACL_REVISION_DS, 5, SySid), STATUS_SUCCESS);
    assert_int_equal(acl->AclRevision, ACL_REVISION_DS); /* revision upgraded */
    assert_int_equal(acl->AceCount, 5);
    {
        PACE_HEADER ace;
        assert_status(RtlGetAce(acl, 0, (PVOID *)&ace), STATUS_SUCCESS);
        assert_int_equal(ace->AceType, ACCESS_DENIED_ACE_TYPE);
        assert_int_equal(ace->AceFlags, 3);
        assert_status(RtlGetAce(acl, 2, (PVOID *)&ace), STATUS_SUCCESS);
        assert_int_equal(ace->AceType, SYSTEM_AUDIT_ACE_TYPE);
        assert_int_equal(ace->AceFlags, SUCCESSFUL_ACCESS_ACE_FLAG | FAILED_ACCESS_ACE_FLAG);
        assert_status(RtlGetAce(acl, 3, (PVOID *)&ace), STATUS_SUCCESS);
        assert_int_equal(ace->AceFlags, INHERIT_ONLY_ACE | FAILED_ACCESS_ACE_FLAG);
        assert_status(RtlGetAce(acl, 5, (PVOID *)&ace), STATUS_INVALID_PARAMETER);
        assert_null(ace);
    }
    /* A malformed ACL */
    acl->AceCount = 40;
    assert_false(RtlValidAcl(acl));
    assert_status(RtlAddAccessAllowedAce(acl, ACL_REVISION, 1, SySid), STATUS_INVALID_ACL);
}

static void test_acl_mandatory_ace(void **state)
{
    static const UCHAR expected_ace[20] = { 0x11, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00,
                                            0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
                                            0x00, 0x10, 0x00, 0x00 };
    ULONG buffer[16];
    PACL acl = (PACL)buffer;
    PVOID ace;
    assert_status(RtlCreateAcl(acl, sizeof(buffer), ACL_REVISION), STATUS_SUCCESS);
    assert_status(RtlAddMandatoryAce(acl, ACL_REVISION, 0, 8, SYSTEM_MANDATORY_LABEL_ACE_TYPE, LwSid),
                  STATUS_INVALID_PARAMETER);
    assert_status(RtlAddMandatoryAce(acl, ACL_REVISION, 0, 1, ACCESS_ALLOWED_ACE_TYPE, LwSid),
                  STATUS_INVALID_PARAMETER);
    assert_status(RtlAddMandatoryAce(acl, ACL_REVISION, 0, SYSTEM_MANDATORY_LABEL_NO_WRITE_UP,
                                     SYSTEM_MANDATORY_LABEL_ACE_TYPE, LwSid), STATUS_SUCCESS);
    assert_status(RtlGetAce(acl, 0, &ace), STATUS_SUCCESS);
    assert_memory_equal(ace, expected_ace, 20);
    assert_true(RtlValidAcl(acl));
}

static void test_acl_add_ace_insert_delete_and_object_upgrade(void **state)
{
    ULONG buffer[64];
    PACL acl = (PACL)buffer;
    UCHAR object_ace[12 + 16 + 12];
    PACE_HEADER ace;
    ULONG flags = ACE_OBJECT_TYPE_PRESENT;
    ACL_SIZE_INFORMATION size;

    assert_status(RtlCreateAcl(acl, sizeof(buffer), ACL_REVISION), STATUS_SUCCESS);
    assert_status(RtlAddAccessAllowedAce(acl, ACL_REVISION, 1, SySid), STATUS_SUCCESS);
    assert_status(RtlAddAccessAllowedAce(acl, ACL_REVISION, 2, WdSid), STATUS_SUCCESS);
    memset(object_ace, 0xAB, sizeof(object_ace));
    object_ace[0] = ACCESS_ALLOWED_OBJECT_ACE_TYPE;
    object_ace[1] = 0;
    object_ace[2] = sizeof(object_ace);
    object_ace[3] = 0;
    memcpy(object_ace + 8, &flags, 4);
    memcpy(object_ace + 28, SySid, 12);
    /* Insert at index 1: the ACL revision rises to ACL_REVISION_DS for an object ACE. */
    assert_status(RtlAddAce(acl, ACL_REVISION, 1, object_ace, sizeof(object_ace)), STATUS_SUCCESS);
    assert_int_equal(acl->AclRevision, ACL_REVISION_DS);
    assert_int_equal(acl->AceCount, 3);
    assert_true(RtlValidAcl(acl));
    assert_status(RtlGetAce(acl, 1, (PVOID *)&ace), STATUS_SUCCESS);
    assert_int_equal(ace->AceType, ACCESS_ALLOWED_OBJECT_ACE_TYPE);
    assert_ptr_equal(RtlpAceSid(ace), (PUCHAR)ace + 28);
    assert_status(RtlGetAce(acl, 2, (PVOID *)&ace), STATUS_SUCCESS);
    assert_int_equal(((PACCESS_ALLOWED_ACE)ace)->Mask, 2);
    /* Malformed list, bad revision, no room */
    assert_status(RtlAddAce(acl, ACL_REVISION, 0, object_ace, 10), STATUS_INVALID_PARAMETER);
    assert_status(RtlAddAce(acl, 7, 0, object_ace, sizeof(object_ace)), STATUS_REVISION_MISMATCH);
    {
        ULONG small[8];
        PACL tiny = (PACL)small;
        RtlCreateAcl(tiny, sizeof(small), ACL_REVISION);
        assert_status(RtlAddAce(tiny, ACL_REVISION, 0, object_ace, sizeof(object_ace)), STATUS_BUFFER_TOO_SMALL);
        assert_int_equal(tiny->AceCount, 0);
        assert_int_equal(tiny->AclRevision, ACL_REVISION);
    }
    /* Delete the middle one */
    assert_status(RtlDeleteAce(acl, 1), STATUS_SUCCESS);
    assert_int_equal(acl->AceCount, 2);
    assert_status(RtlGetAce(acl, 1, (PVOID *)&ace), STATUS_SUCCESS);
    assert_int_equal(((PACCESS_ALLOWED_ACE)ace)->Mask, 2);
    assert_status(RtlDeleteAce(acl, 2), STATUS_INVALID_PARAMETER);
    assert_status(RtlQueryInformationAcl(acl, &size, sizeof(size), AclSizeInformation), STATUS_SUCCESS);
    assert_int_equal(size.AclBytesInUse, 8 + 20 + 20);
    /* An object ACE in a revision-2 ACL is invalid. */
    acl->AclRevision = ACL_REVISION;
    assert_status(RtlAddAce(acl, ACL_REVISION, 0xFFFFFFFF, object_ace, sizeof(object_ace)), STATUS_SUCCESS);
    assert_true(RtlValidAcl(acl));
    acl->AclRevision = ACL_REVISION;
    assert_false(RtlValidAcl(acl));
}

static void test_acl_valid_rejects_every_truncation(void **state)
{
    ULONG buffer[32];
    PACL acl = (PACL)buffer;
    USHORT size;
    RtlCreateAcl(acl, sizeof(buffer), ACL_REVISION);
    RtlAddAccessAllowedAce(acl, ACL_REVISION, 1, SySid);
    RtlAddAccessDeniedAce(acl, ACL_REVISION, 1, WdSid);
    acl->AclSize = (USHORT)RtlpAclFirstFree(acl);
    assert_true(RtlValidAcl(acl));
    for (size = 0; size < 48; size++) {
        acl->AclSize = size;
        assert_false(RtlValidAcl(acl));
    }
    acl->AclSize = 48;
    ((PACE_HEADER)(acl + 1))->AceSize = 18; /* not a ULONG multiple */
    assert_false(RtlValidAcl(acl));
    ((PACE_HEADER)(acl + 1))->AceSize = 16; /* SID no longer fits */
    assert_false(RtlValidAcl(acl));
}

static void test_map_generic_mask(void **state)
{
    GENERIC_MAPPING file = { 0x120089, 0x120116, 0x1200A0, 0x1F01FF };
    ACCESS_MASK mask = GENERIC_READ | DELETE;
    RtlMapGenericMask(&mask, &file);
    assert_int_equal(mask, 0x120089 | DELETE);
    mask = GENERIC_ALL | MAXIMUM_ALLOWED;
    RtlMapGenericMask(&mask, &file);
    assert_int_equal(mask, 0x1F01FF | MAXIMUM_ALLOWED);
    mask = GENERIC_WRITE | GENERIC_EXECUTE;
    RtlMapGenericMask(&mask, &file);
    assert_int_equal(mask, 0x120116 | 0x1200A0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acl_create_rules),
        cmocka_unit_test(test_acl_add_allowed_exact_bytes),
        cmocka_unit_test(test_acl_add_ace_status_codes),
        cmocka_unit_test(test_acl_mandatory_ace),
        cmocka_unit_test(test_acl_add_ace_insert_delete_and_object_upgrade),
        cmocka_unit_test(test_acl_valid_rejects_every_truncation),
        cmocka_unit_test(test_map_generic_mask),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
