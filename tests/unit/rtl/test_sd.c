/*
 * test_sd.c - security descriptors: absolute get/set, control bits, length, validation
 * of hostile self-relative bytes, and both conversions with Windows' exact layout.
 */
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"
#include "rtl/rtlp.h"
#include "sd_reference.h"

static ULONG BaSid[4], SySid[3], WdSid[3];
static ULONG DaclBuffer[8], SaclBuffer[8];

static int setup(void **state)
{
    RtlpStringToSid("BA", NULL, BaSid, sizeof(BaSid));
    RtlpStringToSid("SY", NULL, SySid, sizeof(SySid));
    RtlpStringToSid("WD", NULL, WdSid, sizeof(WdSid));
    RtlCreateAcl((PACL)DaclBuffer, 28, ACL_REVISION);
    RtlAddAccessAllowedAce((PACL)DaclBuffer, ACL_REVISION, 0x1F01FF, SySid);
    RtlCreateAcl((PACL)SaclBuffer, 28, ACL_REVISION);
    RtlAddAuditAccessAce((PACL)SaclBuffer, ACL_REVISION, 0x1F01FF, WdSid, TRUE, TRUE);
    return 0;
}

static void BuildAbsolute(PSECURITY_DESCRIPTOR Sd, BOOLEAN WithSacl)
{
    assert_status(RtlCreateSecurityDescriptor(Sd, SECURITY_DESCRIPTOR_REVISION), STATUS_SUCCESS);
    assert_status(RtlSetOwnerSecurityDescriptor(Sd, BaSid, FALSE), STATUS_SUCCESS);
    assert_status(RtlSetGroupSecurityDescriptor(Sd, SySid, FALSE), STATUS_SUCCESS);
    assert_status(RtlSetDaclSecurityDescriptor(Sd, TRUE, (PACL)DaclBuffer, FALSE), STATUS_SUCCESS);
    if (WithSacl)
        assert_status(RtlSetSaclSecurityDescriptor(Sd, TRUE, (PACL)SaclBuffer, FALSE), STATUS_SUCCESS);
}

static void test_sd_create_get_set(void **state)
{
    SECURITY_DESCRIPTOR sd;
    PSID sid;
    PACL acl;
    BOOLEAN present, defaulted;
    SECURITY_DESCRIPTOR_CONTROL control;
    ULONG revision;

    assert_status(RtlCreateSecurityDescriptor(&sd, 2), STATUS_UNKNOWN_REVISION);
    assert_status(RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION), STATUS_SUCCESS);
    assert_true(RtlValidSecurityDescriptor(&sd));
    assert_int_equal(RtlLengthSecurityDescriptor(&sd), sizeof(SECURITY_DESCRIPTOR));
    assert_status(RtlSetOwnerSecurityDescriptor(&sd, BaSid, TRUE), STATUS_SUCCESS);
    assert_status(RtlGetOwnerSecurityDescriptor(&sd, &sid, &defaulted), STATUS_SUCCESS);
    assert_ptr_equal(sid, BaSid);
    assert_true(defaulted);
    assert_status(RtlSetGroupSecurityDescriptor(&sd, SySid, FALSE), STATUS_SUCCESS);
    assert_status(RtlGetGroupSecurityDescriptor(&sd, &sid, &defaulted), STATUS_SUCCESS);
    assert_ptr_equal(sid, SySid);
    assert_false(defaulted);
    acl = (PACL)1;
    assert_status(RtlGetDaclSecurityDescriptor(&sd, &present, &acl, &defaulted), STATUS_SUCCESS);
    assert_false(present);
    assert_ptr_equal(acl, (PACL)1); /* untouched when absent, as Windows */
    assert_status(RtlSetDaclSecurityDescriptor(&sd, TRUE, NULL, TRUE), STATUS_SUCCESS);
    assert_status(RtlGetDaclSecurityDescriptor(&sd, &present, &acl, &defaulted), STATUS_SUCCESS);
    assert_true(present);
    assert_null(acl);
    assert_true(defaulted);
    assert_status(RtlSetSaclSecurityDescriptor(&sd, TRUE, (PACL)SaclBuffer, FALSE), STATUS_SUCCESS);
    assert_status(RtlGetSaclSecurityDescriptor(&sd, &present, &acl, &defaulted), STATUS_SUCCESS);
    assert_true(present);
    assert_ptr_equal(acl, SaclBuffer);
    assert_status(RtlGetControlSecurityDescriptor(&sd, &control, &revision), STATUS_SUCCESS);
    assert_int_equal(revision, 1);
    assert_int_equal(control, SE_OWNER_DEFAULTED | SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_SACL_PRESENT);
    assert_status(RtlSetDaclSecurityDescriptor(&sd, FALSE, NULL, FALSE), STATUS_SUCCESS);
    assert_status(RtlGetControlSecurityDescriptor(&sd, &control, &revision), STATUS_SUCCESS);
    assert_int_equal(control, SE_OWNER_DEFAULTED | SE_SACL_PRESENT);
}

static void test_sd_set_control_rules(void **state)
{
    SECURITY_DESCRIPTOR sd;
    SECURITY_DESCRIPTOR_CONTROL control;
    ULONG revision;
    RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
    assert_status(RtlSetControlSecurityDescriptor(&sd, SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED,
                                                  SE_DACL_PROTECTED), STATUS_SUCCESS);
    RtlGetControlSecurityDescriptor(&sd, &control, &revision);
    assert_int_equal(control, SE_DACL_PROTECTED);
    assert_status(RtlSetControlSecurityDescriptor(&sd, SE_DACL_PRESENT, SE_DACL_PRESENT),
                  STATUS_INVALID_PARAMETER);
    assert_status(RtlSetControlSecurityDescriptor(&sd, SE_SELF_RELATIVE, 0), STATUS_INVALID_PARAMETER);
    sd.Revision = 3;
    assert_status(RtlSetControlSecurityDescriptor(&sd, SE_DACL_PROTECTED, 0), STATUS_UNKNOWN_REVISION);
    assert_status(RtlGetControlSecurityDescriptor(&sd, &control, &revision), STATUS_UNKNOWN_REVISION);
    assert_int_equal(revision, 3);
}

static void test_sd_absolute_to_self_relative_windows_layout(void **state)
{
    SECURITY_DESCRIPTOR sd;
    UCHAR out[128];
    ULONG length = 10;
    BuildAbsolute(&sd, FALSE);
    assert_int_equal(RtlLengthSecurityDescriptor(&sd), sizeof(SECURITY_DESCRIPTOR) + 28 + 16 + 12);
    assert_status(RtlAbsoluteToSelfRelativeSD(&sd, out, &length), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(length, 76);
    assert_status(RtlAbsoluteToSelfRelativeSD(&sd, out, &length), STATUS_SUCCESS);
    assert_memory_equal(out, NtsecTestWindowsSdBytes, 76);
    assert_int_equal(RtlLengthSecurityDescriptor(out), 76);
    assert_true(RtlValidSecurityDescriptor(out));
    assert_true(RtlValidRelativeSecurityDescriptor(out, 76, OWNER_SECURITY_INFORMATION |
                                                   GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION));
    assert_false(RtlValidRelativeSecurityDescriptor(out, 76, SACL_SECURITY_INFORMATION));
    /* Already self-relative: Absolute->SelfRelative refuses, MakeSelfRelative copies. */
    length = sizeof(out);
    assert_status(RtlAbsoluteToSelfRelativeSD(out, out + 80 - 80, &length), STATUS_BAD_DESCRIPTOR_FORMAT);
    {
        UCHAR copy[76];
        length = sizeof(copy);
        assert_status(RtlMakeSelfRelativeSD(out, copy, &length), STATUS_SUCCESS);
        assert_memory_equal(copy, NtsecTestWindowsSdBytes, 76);
    }
}

static void test_sd_sacl_comes_first(void **state)
{
    SECURITY_DESCRIPTOR sd;
    UCHAR out[128];
    PISECURITY_DESCRIPTOR_RELATIVE rel = (PISECURITY_DESCRIPTOR_RELATIVE)out;
    ULONG length = sizeof(out);
    BuildAbsolute(&sd, TRUE);
    assert_status(RtlMakeSelfRelativeSD(&sd, out, &length), STATUS_SUCCESS);
    assert_int_equal(length, 20 + 28 + 28 + 16 + 12);
    assert_int_equal(rel->Control, SE_SELF_RELATIVE | SE_DACL_PRESENT | SE_SACL_PRESENT);
    assert_int_equal(rel->Sacl, 20);
    assert_int_equal(rel->Dacl, 48);
    assert_int_equal(rel->Owner, 76);
    assert_int_equal(rel->Group, 92);
}

static void test_sd_self_relative_to_absolute(void **state)
{
    SECURITY_DESCRIPTOR abs;
    ULONG abs_size = sizeof(abs), dsize = 0, ssize = 0, osize = 0, gsize = 0;
    ULONG dacl[8], owner[4], group[4];
    PSID sid;
    BOOLEAN defaulted;
    UCHAR copy[76];
    ULONG length = sizeof(copy);
    assert_status(RtlSelfRelativeToAbsoluteSD((PVOID)NtsecTestWindowsSdBytes, &abs, &abs_size, (PACL)dacl, &dsize,
                                              NULL, &ssize, owner, &osize, group, &gsize),
                  STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(dsize, 28);
    assert_int_equal(ssize, 0);
    assert_int_equal(osize, 16);
    assert_int_equal(gsize, 12);
    assert_status(RtlSelfRelativeToAbsoluteSD((PVOID)NtsecTestWindowsSdBytes, &abs, &abs_size, (PACL)dacl, &dsize,
                                              NULL, &ssize, owner, &osize, group, &gsize),
                  STATUS_SUCCESS);
    assert_int_equal(abs.Control, SE_DACL_PRESENT);
    assert_ptr_equal(abs.Owner, owner);
    assert_ptr_equal(abs.Dacl, dacl);
    assert_null(abs.Sacl);
    assert_status(RtlGetOwnerSecurityDescriptor(&abs, &sid, &defaulted), STATUS_SUCCESS);
    assert_true(RtlEqualSid(sid, BaSid));
    assert_status(RtlAbsoluteToSelfRelativeSD(&abs, copy, &length), STATUS_SUCCESS);
    assert_memory_equal(copy, NtsecTestWindowsSdBytes, 76);
    /* Absolute input is refused. */
    assert_status(RtlSelfRelativeToAbsoluteSD(&abs, &abs, &abs_size, (PACL)dacl, &dsize, NULL, &ssize,
                                              owner, &osize, group, &gsize), STATUS_BAD_DESCRIPTOR_FORMAT);
    /* Set routines refuse a self-relative descriptor. */
    memcpy(copy, NtsecTestWindowsSdBytes, 76);
    assert_status(RtlSetOwnerSecurityDescriptor(copy, SySid, FALSE), STATUS_INVALID_SECURITY_DESCR);
}

static void test_sd_relative_truncated_at_every_length_is_rejected(void **state)
{
    ULONG length;
    for (length = 0; length < 76; length++) {
        PUCHAR exact = malloc(length ? length : 1); /* exactly sized: ASan catches over-reads */
        memcpy(exact, NtsecTestWindowsSdBytes, length);
        assert_false(RtlValidRelativeSecurityDescriptor(exact, length, 0));
        free(exact);
    }
    {
        PUCHAR exact = malloc(76);
        memcpy(exact, NtsecTestWindowsSdBytes, 76);
        assert_true(RtlValidRelativeSecurityDescriptor(exact, 76, 0));
        free(exact);
    }
}

static void test_sd_relative_hostile_fields(void **state)
{
    UCHAR bytes[76];
    PISECURITY_DESCRIPTOR_RELATIVE rel = (PISECURITY_DESCRIPTOR_RELATIVE)bytes;
#define RESET() memcpy(bytes, NtsecTestWindowsSdBytes, sizeof(bytes))
    RESET(); rel->Revision = 2;                 assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); rel->Control &= ~SE_SELF_RELATIVE; assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); rel->Owner = 0xFFFFFFF0;           assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); rel->Owner = 2;                    assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); rel->Owner = 0x31;                 assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); rel->Group = 72;                   assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); rel->Dacl = 0x48;                  assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); bytes[0x16] = 0xFF;                assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); bytes[0x18] = 9;                   assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); bytes[0x31] = 15;                  assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    RESET(); rel->Control |= SE_SACL_PRESENT; rel->Sacl = 0x60;
    assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    /* A DACL offset with SE_DACL_PRESENT clear is ignored; DACL is then "absent". */
    RESET(); rel->Control &= ~SE_DACL_PRESENT;
    assert_true(RtlValidRelativeSecurityDescriptor(bytes, 76, 0));
    assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, DACL_SECURITY_INFORMATION));
    /* A NULL DACL (present, offset 0) is valid. */
    RESET(); rel->Dacl = 0;
    assert_true(RtlValidRelativeSecurityDescriptor(bytes, 76, DACL_SECURITY_INFORMATION));
    RESET(); rel->Owner = 0;
    assert_false(RtlValidRelativeSecurityDescriptor(bytes, 76, OWNER_SECURITY_INFORMATION));
    assert_false(RtlValidRelativeSecurityDescriptor(NULL, 76, 0));
#undef RESET
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sd_create_get_set),
        cmocka_unit_test(test_sd_set_control_rules),
        cmocka_unit_test(test_sd_absolute_to_self_relative_windows_layout),
        cmocka_unit_test(test_sd_sacl_comes_first),
        cmocka_unit_test(test_sd_self_relative_to_absolute),
        cmocka_unit_test(test_sd_relative_truncated_at_every_length_is_rejected),
        cmocka_unit_test(test_sd_relative_hostile_fields),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
