/*
 * test_sid.c - binary SIDs, the S-1-... string form, SDDL aliases and account names.
 */
#include <stdio.h>
#include <string.h>
#include "ntsec_test.h"
#include "rtl/rtlp.h"

static const UCHAR BaBytes[16] = { 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
                                   0x20, 0x00, 0x00, 0x00, 0x20, 0x02, 0x00, 0x00 };

static void test_sid_binary_layout_and_accessors(void **state)
{
    ULONG buffer[4];
    SID_IDENTIFIER_AUTHORITY nt = { { 0, 0, 0, 0, 0, 5 } };
    assert_status(RtlInitializeSid(buffer, &nt, 2), STATUS_SUCCESS);
    *RtlSubAuthoritySid(buffer, 0) = SECURITY_BUILTIN_DOMAIN_RID;
    *RtlSubAuthoritySid(buffer, 1) = DOMAIN_ALIAS_RID_ADMINS;
    assert_memory_equal(buffer, BaBytes, 16);
    assert_int_equal(RtlLengthSid(buffer), 16);
    assert_int_equal(RtlLengthRequiredSid(2), 16);
    assert_int_equal(RtlLengthRequiredSid(15), 68);
    assert_int_equal(*RtlSubAuthorityCountSid(buffer), 2);
    assert_int_equal(RtlIdentifierAuthoritySid(buffer)->Value[5], 5);
    assert_true(RtlValidSid(buffer));
    assert_status(RtlInitializeSid(buffer, &nt, 16), STATUS_INVALID_PARAMETER);
}

static void test_sid_valid_rejects_bad_revision_and_count(void **state)
{
    UCHAR bad[80];
    memcpy(bad, BaBytes, 16);
    bad[0] = 2;
    assert_false(RtlValidSid(bad));
    bad[0] = 1;
    bad[1] = 16;
    assert_false(RtlValidSid(bad));
    assert_false(RtlValidSid(NULL));
}

static void test_sid_equal_prefix_copy(void **state)
{
    ULONG a[17], b[17], small[2];
    assert_status(RtlpStringToSid("S-1-5-21-1-2-3-500", NULL, a, sizeof(a)), STATUS_SUCCESS);
    assert_status(RtlpStringToSid("S-1-5-21-1-2-3-501", NULL, b, sizeof(b)), STATUS_SUCCESS);
    assert_false(RtlEqualSid(a, b));
    assert_true(RtlEqualPrefixSid(a, b));
    assert_status(RtlpStringToSid("S-1-5-21-1-9-3-501", NULL, b, sizeof(b)), STATUS_SUCCESS);
    assert_false(RtlEqualPrefixSid(a, b));
    assert_status(RtlCopySid(sizeof(b), b, a), STATUS_SUCCESS);
    assert_true(RtlEqualSid(a, b));
    assert_status(RtlCopySid(sizeof(small), small, a), STATUS_BUFFER_TOO_SMALL);
    assert_status(RtlpStringToSid("S-1-5-21-1-2-3", NULL, b, sizeof(b)), STATUS_SUCCESS);
    assert_false(RtlEqualPrefixSid(a, b)); /* different counts */
}

static void test_sid_string_round_trips(void **state)
{
    static const char *texts[] = { "S-1-5-32-544", "S-1-1-0", "S-1-0-0", "S-1-5-21-4294967295-1-2-1001",
                                   "S-1-22-1-1000", "S-1-22-2-100", "S-1-16-12288",
                                   "S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14",
                                   "S-1-4294967295-1", "S-1-0x123456789ABC-7" };
    ULONG sid[17];
    char out[256];
    PCSTR end;
    size_t i;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        assert_status(RtlpStringToSid(texts[i], &end, sid, sizeof(sid)), STATUS_SUCCESS);
        assert_int_equal(*end, '\0');
        assert_status(RtlpSidToString(sid, out, sizeof(out)), STATUS_SUCCESS);
        assert_string_equal(out, texts[i]);
    }
}

static void test_sid_string_hex_authority_as_windows(void **state)
{
    ULONG sid[17];
    char out[64];
    /* Below 2^32 a hex authority is printed in decimal; at or above, as 0x + upper-case hex
     * without zero padding (Samba python/samba/tests/sddl.py, SddlNonCanonical, Windows-checked). */
    assert_status(RtlpStringToSid("S-1-0x5-18", NULL, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_status(RtlpSidToString(sid, out, sizeof(out)), STATUS_SUCCESS);
    assert_string_equal(out, "S-1-5-18");
    assert_status(RtlpStringToSid("S-1-0x100000000-1", NULL, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_status(RtlpSidToString(sid, out, sizeof(out)), STATUS_SUCCESS);
    assert_string_equal(out, "S-1-0x100000000-1");
    assert_status(RtlpStringToSid("S-1-4294967296-1", NULL, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_status(RtlpSidToString(sid, out, sizeof(out)), STATUS_SUCCESS);
    assert_string_equal(out, "S-1-0x100000000-1");
    assert_status(RtlpSidToString(sid, out, 5), STATUS_BUFFER_TOO_SMALL);
    assert_string_equal(out, "");
}

static void test_sid_string_rejects_garbage(void **state)
{
    static const char *bad[] = { "", "S", "S-", "S-1", "S-1-", "S-2-5", "S-1-x", "S-1-5-", "S-1-5-x",
                                 "S-1-5-4294967296", "S-1-281474976710656-1",
                                 "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", "QQ",
                                 "S-01", "S-1-5", "S-1-0x5", "S-1-5-0x", "S-0x2-5-1" };
    ULONG sid[17];
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        NTSTATUS status = RtlpStringToSid(bad[i], NULL, sid, sizeof(sid));
        if (status != STATUS_INVALID_SID)
            fail_msg("\"%s\" gave 0x%08x", bad[i], (unsigned)status);
    }
    assert_status(RtlpStringToSid("S-1-5-32-544", NULL, sid, 12), STATUS_BUFFER_TOO_SMALL);
}

/*
 * Windows-run expectations in Wine's advapi32 tests (test_ConvertStringSidToSid):
 * "S-1-5" fails with ERROR_INVALID_SID (no sub-authorities); the alias "wD" is S-1-1-0;
 * "s-1-12-1" is S-1-12-1; "S-0x1-0XC-0x1a" is S-1-12-26 (hex, either "0x" or "0X", in the
 * revision, the authority and the sub-authorities).
 */
static void test_sid_string_windows_case_and_hex_rules(void **state)
{
    static const struct { const char *in, *out; } ok[] = {
        { "wD", "S-1-1-0" }, { "wd", "S-1-1-0" }, { "ba", "S-1-5-32-544" }, { "sY", "S-1-5-18" },
        { "s-1-12-1", "S-1-12-1" }, { "S-0x1-0XC-0x1a", "S-1-12-26" },
        { "S-1-5-0XFFFFFFFF", "S-1-5-4294967295" },
    };
    ULONG sid[17];
    char out[64];
    PCSTR end;
    size_t i;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        NTSTATUS status = RtlpStringToSid(ok[i].in, &end, sid, sizeof(sid));
        if (status != STATUS_SUCCESS)
            fail_msg("\"%s\" gave 0x%08x", ok[i].in, (unsigned)status);
        assert_int_equal(*end, '\0');
        assert_status(RtlpSidToString(sid, out, sizeof(out)), STATUS_SUCCESS);
        assert_string_equal(out, ok[i].out);
    }
    /* A hex sub-authority takes at most 8 digits (32 bits), like the 12-digit authority. */
    assert_status(RtlpStringToSid("S-1-5-0x123456789", &end, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_string_equal(end, "9");
    /* A SID with no sub-authority still prints (ConvertSidToStringSid), it just does not parse. */
    {
        SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
        assert_status(RtlInitializeSid(sid, &nt, 0), STATUS_SUCCESS);
        assert_status(RtlpSidToString(sid, out, sizeof(out)), STATUS_SUCCESS);
        assert_string_equal(out, "S-1-5");
    }
}

static void test_sid_string_hex_authority_takes_at_most_12_digits(void **state)
{
    ULONG sid[17];
    PCSTR end;
    /* MS-DTYP: "0x" 12HEXDIG. A 13th digit is not part of the authority, so what follows is
     * neither "-" nor the end: with no sub-authority the text is not a SID. */
    assert_status(RtlpStringToSid("S-1-0x1000000000000-1", &end, sid, sizeof(sid)), STATUS_INVALID_SID);
    assert_status(RtlpStringToSid("S-1-0x100000000000-1", &end, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_string_equal(end, "");
}

static void test_sid_string_stops_at_delimiter(void **state)
{
    ULONG sid[17];
    PCSTR text = "S-1-5-18:deny-only", end;
    assert_status(RtlpStringToSid(text, &end, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_ptr_equal(end, text + 8);
    text = "WD,AU";
    assert_status(RtlpStringToSid(text, &end, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_ptr_equal(end, text + 2);
    assert_string_equal(RtlpSidAlias(sid), "WD");
}

static void test_sid_aliases_full_table(void **state)
{
    static const struct { const char *alias, *sid; } table[] = {
        { "AA", "S-1-5-32-579" }, { "AC", "S-1-15-2-1" }, { "AN", "S-1-5-7" }, { "AO", "S-1-5-32-548" },
        { "AS", "S-1-18-1" }, { "AU", "S-1-5-11" }, { "BA", "S-1-5-32-544" }, { "BG", "S-1-5-32-546" },
        { "BO", "S-1-5-32-551" }, { "BU", "S-1-5-32-545" }, { "CD", "S-1-5-32-574" }, { "CG", "S-1-3-1" },
        { "CO", "S-1-3-0" }, { "CY", "S-1-5-32-569" }, { "ED", "S-1-5-9" }, { "ER", "S-1-5-32-573" },
        { "ES", "S-1-5-32-576" }, { "HA", "S-1-5-32-578" }, { "HI", "S-1-16-12288" }, { "IS", "S-1-5-32-568" },
        { "IU", "S-1-5-4" }, { "LS", "S-1-5-19" }, { "LU", "S-1-5-32-559" }, { "LW", "S-1-16-4096" },
        { "ME", "S-1-16-8192" }, { "MP", "S-1-16-8448" }, { "MS", "S-1-5-32-577" }, { "MU", "S-1-5-32-558" },
        { "NO", "S-1-5-32-556" }, { "NS", "S-1-5-20" }, { "NU", "S-1-5-2" }, { "OW", "S-1-3-4" },
        { "PO", "S-1-5-32-550" }, { "PS", "S-1-5-10" }, { "PU", "S-1-5-32-547" }, { "RA", "S-1-5-32-575" },
        { "RC", "S-1-5-12" }, { "RD", "S-1-5-32-555" }, { "RE", "S-1-5-32-552" }, { "RM", "S-1-5-32-580" },
        { "RU", "S-1-5-32-554" }, { "SI", "S-1-16-16384" }, { "SO", "S-1-5-32-549" }, { "SS", "S-1-18-2" },
        { "SU", "S-1-5-6" }, { "SY", "S-1-5-18" }, { "UD", "S-1-5-84-0-0-0-0-0" }, { "WD", "S-1-1-0" },
        { "WR", "S-1-5-33" },
    };
    ULONG sid[17], again[17];
    char out[80];
    size_t i;
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        assert_status(RtlpStringToSid(table[i].alias, NULL, sid, sizeof(sid)), STATUS_SUCCESS);
        assert_status(RtlpSidToString(sid, out, sizeof(out)), STATUS_SUCCESS);
        assert_string_equal(out, table[i].sid);
        assert_status(RtlpStringToSid(table[i].sid, NULL, again, sizeof(again)), STATUS_SUCCESS);
        assert_string_equal(RtlpSidAlias(again), table[i].alias);
        assert_non_null(RtlpSidAccountName(again));
    }
}

static void test_sid_domain_aliases_need_domain(void **state)
{
    static const struct { const char *alias; ULONG rid; } table[] = {
        { "DA", 512 }, { "DU", 513 }, { "DG", 514 }, { "DC", 515 }, { "DD", 516 }, { "CA", 517 },
        { "SA", 518 }, { "EA", 519 }, { "PA", 520 }, { "CN", 522 }, { "AP", 525 }, { "KA", 526 },
        { "EK", 527 }, { "RS", 553 }, { "LA", 500 }, { "LG", 501 }, { "RO", 498 },
    };
    ULONG domain[17], sid[17];
    char out[80], expected[80];
    size_t i;
    assert_status(NtsecSetDomainSid(NULL), STATUS_SUCCESS);
    assert_null(RtlpDomainSid());
    assert_status(RtlpStringToSid("DA", NULL, sid, sizeof(sid)), STATUS_NONE_MAPPED);
    assert_status(RtlpStringToSid("S-1-5-21-11-22-33", NULL, domain, sizeof(domain)), STATUS_SUCCESS);
    assert_status(NtsecSetDomainSid(domain), STATUS_SUCCESS);
    assert_true(RtlEqualSid(RtlpDomainSid(), domain));
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        assert_status(RtlpStringToSid(table[i].alias, NULL, sid, sizeof(sid)), STATUS_SUCCESS);
        assert_status(RtlpSidToString(sid, out, sizeof(out)), STATUS_SUCCESS);
        snprintf(expected, sizeof(expected), "S-1-5-21-11-22-33-%u", table[i].rid);
        assert_string_equal(out, expected);
        assert_string_equal(RtlpSidAlias(sid), table[i].alias);
    }
    assert_status(NtsecSetDomainSid(NULL), STATUS_SUCCESS);
    assert_null(RtlpSidAlias(sid));
}

static void test_sid_account_names_unix_and_well_known(void **state)
{
    ULONG sid[17];
    assert_status(RtlpStringToSid("S-1-22-1-1000", NULL, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_string_equal(RtlpSidAccountName(sid), "Unix User\\1000");
    assert_null(RtlpSidAlias(sid));
    assert_status(RtlpStringToSid("S-1-22-2-27", NULL, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_string_equal(RtlpSidAccountName(sid), "Unix Group\\27");
    assert_status(RtlpStringToSid("SY", NULL, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_string_equal(RtlpSidAccountName(sid), "NT AUTHORITY\\SYSTEM");
    assert_status(RtlpStringToSid("S-1-5-5-0-999", NULL, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_string_equal(RtlpSidAccountName(sid), "NT AUTHORITY\\LogonSessionId_0_999");
    assert_status(RtlpStringToSid("S-1-5-21-7-7-7-1001", NULL, sid, sizeof(sid)), STATUS_SUCCESS);
    assert_null(RtlpSidAccountName(sid));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sid_binary_layout_and_accessors),
        cmocka_unit_test(test_sid_valid_rejects_bad_revision_and_count),
        cmocka_unit_test(test_sid_equal_prefix_copy),
        cmocka_unit_test(test_sid_string_round_trips),
        cmocka_unit_test(test_sid_string_hex_authority_as_windows),
        cmocka_unit_test(test_sid_string_rejects_garbage),
        cmocka_unit_test(test_sid_string_windows_case_and_hex_rules),
        cmocka_unit_test(test_sid_string_hex_authority_takes_at_most_12_digits),
        cmocka_unit_test(test_sid_string_stops_at_delimiter),
        cmocka_unit_test(test_sid_aliases_full_table),
        cmocka_unit_test(test_sid_domain_aliases_need_domain),
        cmocka_unit_test(test_sid_account_names_unix_and_well_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
