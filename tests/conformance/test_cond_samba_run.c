/*
 * test_cond_samba_run.c - the facts of Samba's conditional-ACE evaluation tests as a
 * conformance table: libcli/security/tests/test_run_conditional_ace.c (samba-team/samba
 * commit 0ef50512489fed57322cb5df7fcb3c8a2e7880c4). Each Samba test builds a token (user
 * SIDs, device SIDs, user and device claims), a descriptor from SDDL, and asks for 0x10:
 * ALLOW_CHECK expects STATUS_SUCCESS, DENY_CHECK STATUS_ACCESS_DENIED, SD_FAIL an SDDL
 * parse failure. Here the token is written in ntsec's token text (user-claims=,
 * device-claims=, device-groups=; Samba's user SIDs WD, AA are our groups), the
 * descriptor in the same SDDL, and the check is SeAccessCheck's rules through
 * NtsecAccessCheckExplain.
 *
 * Not transcribed (listed for the record): test_composite_different_order_with_dupes and
 * test_composite_different_order_with_SID_dupes give the device claim the same value twice
 * ({"orange", "blue", "orange"}, {SID(AA), SID(AA), SID(WD)}), which ntsec's token text
 * refuses (a claim's values are a set, docs/token-text.md), so no such token exists here.
 */
#include "conformance/access_table.h"

#define ALLOW 1
#define DENY 0
#define SD_FAIL 2

typedef struct _ROW {
    PCSTR Test;       /* the Samba test function */
    PCSTR Token;      /* appended to the common token text */
    PCSTR Sddl;
    int Expect;
} ROW;

#define DEV_OB "device-claims=(\"colour\",TS,0x0,\"orange\",\"blue\")"
#define DEV_BLUE "device-claims=(\"colour\",TS,0x0,\"blue\")"
#define DEV_SIDS "device-groups=BA,BG"

static const ROW Rows[] = {
    { "test_device_claims_composite", DEV_OB,
      "D:(XA;;0x1f;;;AA;(@Device.colour == {\"orange\", \"blue\"}))", ALLOW },
    { "test_composite_different_order", "device-claims=(\"colour\",TS,0x0,\"blue\",\"orange\")",
      "D:(XA;;0x1f;;;AA;(@Device.colour == {\"orange\", \"blue\"}))", ALLOW },
    { "test_composite_different_order_with_dupes_in_composite", DEV_OB,
      "D:(XA;;0x1f;;;AA;(@Device.colour == {\"orange\", \"blue\", \"orange\"}))", ALLOW },
    { "test_composite_different_order_with_SID_dupes_in_composite", "device-claims=(\"colour\",TD,0x0,AA,WD)",
      "D:(XA;;0x1f;;;AA;(@Device.colour == {SID(WD), SID(AA), SID(WD)}))", ALLOW },
    { "test_composite_mixed_types", "device-claims=(\"colour\",TD,0x0,AA,WD)",
      "D:(XA;;0x1f;;;AA;(@Device.colour == {2, SID(WD), SID(AA), SID(WD)}))", DENY },
    { "test_composite_mixed_types_different_last", "device-claims=(\"colour\",TD,0x0,AA,WD)",
      "D:(XA;;0x1f;;;AA;(@Device.colour == {SID(WD), SID(AA), 2}))", DENY },
    { "test_composite_mixed_types_deny", "device-claims=(\"colour\",TD,0x0,AA,WD)",
      "D:(XD;;0x1f;;;AA;(@Device.colour == {2, SID(WD), SID(AA), SID(WD)}))(D;;;;;WD)", DENY },
    { "test_different_case", DEV_OB,
      "D:(XA;;0x1f;;;AA;(@Device.colour == {\"OraNgE\", \"BLuE\"}))", ALLOW },
    { "test_different_case_with_case_sensitive_flag", "device-claims=(\"colour\",TS,0x2,\"orange\",\"blue\")",
      "D:(XA;;0x1f;;;AA;(@Device.colour == {\"OraNgE\", \"BLuE\"}))", DENY },
    { "test_claim_name_different_case", DEV_OB,
      "D:(XA;;0x1f;;;AA;(@Device.Colour == {\"orange\", \"blue\"}))", ALLOW },
    { "test_claim_name_different_case_case_flag", "device-claims=(\"colour\",TS,0x2,\"orange\",\"blue\")",
      "D:(XA;;0x1f;;;AA;(@Device.Colour == {\"orange\", \"blue\"}))", ALLOW },
    { "test_more_values_not_equal", DEV_OB,
      "D:(XA;;0x1f;;;AA;(@Device.colour != {\"orange\", \"blue\", \"green\"}))", ALLOW },
    { "test_contains", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Contains {\"orange\", \"blue\"}))", ALLOW },
    { "test_contains_incomplete", DEV_OB,
      "D:(XA;;0x1f;;;AA;(@Device.colour Contains {\"orange\", \"blue\", \"red\"}))", DENY },
    { "test_any_of", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Any_of {\"orange\", \"blue\", \"red\"}))", ALLOW },
    { "test_any_of_match_last", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Any_of {\"a\", \"b\", \"blue\"}))", ALLOW },
    { "test_any_of_1", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Any_of\"blue\"))", ALLOW },
    { "test_contains_1", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Contains \"blue\"))", ALLOW },
    { "test_contains_1_fail", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Contains \"pink\"))", DENY },
    { "test_any_of_1_fail", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Any_of \"pink\"))", DENY },
    { "test_not_any_of_1_fail", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Not_Any_of\"blue\"))", DENY },
    { "test_not_any_of_composite_1", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Not_Any_of{\"blue\"}))", DENY },
    { "test_not_contains_1_fail", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Not_Contains \"blue\"))", DENY },
    { "test_not_contains_1", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Not_Contains \"pink\"))", ALLOW },
    { "test_not_any_of_1", DEV_OB, "D:(XA;;0x1f;;;AA;(@Device.colour Not_Any_of \"pink\"))", ALLOW },
    { "test_not_Not_Any_of_1", DEV_OB, "D:(XA;;0x1f;;;AA;(!(@Device.colour Not_Any_of \"pink\")))", DENY },
    { "test_not_Not_Contains_1", DEV_OB, "D:(XA;;0x1f;;;AA;(! (@Device.colour Not_Contains \"blue\")))", ALLOW },
    { "test_not_not_Not_Member_of", DEV_SIDS, "D:(XA;;0x1f;;;AA;(!(!(Not_Member_of{SID(BA)}))))", ALLOW },
    { "test_not_not_Not_Member_of_fail", DEV_SIDS, "D:(XA;;0x1f;;;AA;(!(!(Not_Member_of{SID(AA)}))))", DENY },
    { "test_not_not_not_not_not_not_not_not_not_not_Not_Member_of", DEV_SIDS,
      "D:(XA;;0x1f;;;AA;(!(!(!( !(!(!(  !(!(!( Not_Member_of{SID(AA)})))))))))))", ALLOW },
    { "test_Device_Member_of_and_Member_of", DEV_SIDS,
      "D:(XA;;0x1f;;;AA;(Device_Member_of{SID(BA)} && Member_of{SID(WD)}))", ALLOW },
    { "test_Device_claim_contains_Resource_claim", DEV_BLUE,
      "D:(XA;;0x1f;;;AA;(@Device.colour Contains @Resource.colour))S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\"))", ALLOW },
    { "test_device_claim_eq_resource_claim", DEV_BLUE,
      "D:(XA;;0x1f;;;AA;(@Device.colour == @Resource.colour))S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\"))", ALLOW },
    { "test_user_claim_eq_device_claim", "user-claims=(\"colour\",TS,0x0,\"blue\") " DEV_BLUE,
      "D:(XA;;0x1f;;;AA;(@User.colour == @Device.colour))", ALLOW },
    { "test_device_claim_eq_resource_claim_2", DEV_OB,
      "D:(XA;;0x1f;;;AA;(@Device.colour == {\"orange\", \"blue\"}))", ALLOW },
    { "test_resource_ace_multi", "device-claims=(\"colour\",TS,0x0,\"blue\",\"red\")",
      "D:(XA;;0x1f;;;AA;(@Device.colour Contains @Resource.colour))S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\", \"red\"))", ALLOW },
    { "test_resource_ace_multi_any_of", DEV_BLUE,
      "D:(XA;;0x1f;;;AA;(@Device.colour Any_of @Resource.colour))S:(RA;;;;;WD;(\"colour\",TS,0,\"grue\", \"blue\", \"red\"))", ALLOW },
    { "test_horrible_fuzz_derived_test_3", "", "S:PPD:(XA;OI;0x1;;;IS;(q>))", SD_FAIL },
    { "test_resource_ace_single", DEV_BLUE,
      "D:(XA;;0x1f;;;AA;(@Device.colour Contains @Resource.colour))S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\"))", ALLOW },
    { "test_user_attr_any_of_missing_resource_and_user_attr", DEV_BLUE,
      "D:(XD;;FX;;;S-1-1-0;(@User.Project Any_of @Resource.Project))", DENY },
    { "test_user_attr_any_of_missing_resource_attr", "user-claims=(\"Project\",TI,0x0,3)",
      "D:(XD;;FX;;;S-1-1-0;(@User.Project Any_of @Resource.Project))", DENY },
    { "test_user_attr_any_of_missing_user_attr", "",
      "D:(XD;;FX;;;S-1-1-0;(@User.Project Any_of @Resource.Project))S:(RA;;;;;WD;(\"Project\",TX,0,1234))", DENY },
};

static void test_samba_run_conditional_ace_table(void **state)
{
    (void)state;
    GENERIC_MAPPING m = SepFileMapping;
    for (size_t i = 0; i < sizeof(Rows) / sizeof(Rows[0]); i++) {
        const ROW *r = &Rows[i];
        PSECURITY_DESCRIPTOR sd = NULL;
        NTSTATUS s = NtsecSddlToSecurityDescriptor(r->Sddl, &sd, NULL);
        if (r->Expect == SD_FAIL) {
            if (s != STATUS_INVALID_PARAMETER)
                fail_msg("%s: %s parsed (0x%08x)", r->Test, r->Sddl, (unsigned)s);
            continue;
        }
        if (s != STATUS_SUCCESS)
            fail_msg("%s: %s: %s", r->Test, r->Sddl, NtsecLastErrorText());
        char text[512];
        snprintf(text, sizeof(text), "type=impersonation level=impersonation "
                 "user=S-1-5-21-1-2-3-1001 groups=WD,AA integrity=medium %s", r->Token);
        PACCESS_TOKEN t = NULL;
        if (NtsecCreateTokenFromText(text, &t) != STATUS_SUCCESS)
            fail_msg("%s: token %s: %s", r->Test, text, NtsecLastErrorText());
        ACCESS_MASK granted = 0;
        NTSTATUS access = 0;
        PSTR trace = NULL;
        assert_status(NtsecAccessCheckExplain(sd, t, 0x10, &m, 0, &granted, &access, &trace),
                      STATUS_SUCCESS);
        NTSTATUS want = r->Expect == ALLOW ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
        if (access != want)
            fail_msg("%s: 0x%08x, Samba expects %s\n%s", r->Test, (unsigned)access,
                     r->Expect == ALLOW ? "ALLOW" : "DENY", trace);
        assert_int_equal(granted, r->Expect == ALLOW ? 0x10 : 0);
        NtsecFree(trace);
        NtsecFree(sd);
        ObDereferenceObject(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samba_run_conditional_ace_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
