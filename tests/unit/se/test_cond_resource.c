/*
 * test_cond_resource.c - @Resource. attributes in the access check (MS-DTYP 2.5.3.1.x,
 * src/se/cond_resource.c): a callback ACE's condition sees the SYSTEM_RESOURCE_ATTRIBUTE_ACEs
 * of the object's SACL. Descriptors are written in SDDL (the RA ACE is MS-DTYP 2.5.1.1
 * resource-attribute-ace), so each case also exercises the compiler.
 */
#include "conformance/access_table.h"

typedef struct _CASE {
    PCSTR Sddl;
    ACCESS_MASK Granted;   /* for MAXIMUM_ALLOWED with the token below */
    PCSTR Trace;           /* a piece of the explain trace, or NULL */
} CASE;

static const CASE Cases[] = {
    /* a string attribute equal to a literal: the allow ACE applies */
    { "D:(XA;;FR;;;WD;(@Resource.Dept == \"Sales\"))S:(RA;;;;;WD;(\"Dept\",TS,0,\"Sales\"))",
      0x120089, "(@RESOURCE.Dept == \"Sales\") is TRUE" },
    /* case-insensitive names and string values */
    { "D:(XA;;FR;;;WD;(@RESOURCE.dept == \"SALES\"))S:(RA;;;;;WD;(\"DEPT\",TS,0,\"sales\"))",
      0x120089, NULL },
    /* another value: FALSE, nothing granted */
    { "D:(XA;;FR;;;WD;(@Resource.Dept == \"Sales\"))S:(RA;;;;;WD;(\"Dept\",TS,0,\"HR\"))", 0,
      "is FALSE" },
    /* no such attribute: UNKNOWN; an allow ACE does not apply */
    { "D:(XA;;FR;;;WD;(@Resource.Dept == \"Sales\"))S:(RA;;;;;WD;(\"Other\",TS,0,\"Sales\"))", 0,
      "is UNKNOWN" },
    /* ... and a deny ACE does (UNKNOWN denies) */
    { "D:(XD;;FW;;;WD;(@Resource.Dept == \"Sales\"))(A;;FA;;;WD)S:(RA;;;;;WD;(\"Other\",TS,0,\"x\"))",
      0x0D00E9, NULL },
    /* multi-valued: Contains / Any_of over a composite built from the attribute */
    { "D:(XA;;FR;;;WD;(@Resource.Project Contains {\"A\", \"C\"}))S:(RA;;;;;WD;(\"Project\",TS,0,\"A\",\"B\",\"C\"))",
      0x120089, NULL },
    { "D:(XA;;FR;;;WD;(@Resource.Project Contains {\"A\", \"D\"}))S:(RA;;;;;WD;(\"Project\",TS,0,\"A\",\"B\",\"C\"))",
      0, NULL },
    { "D:(XA;;FR;;;WD;(@Resource.Project Any_of {\"Z\", \"B\"}))S:(RA;;;;;WD;(\"Project\",TS,0,\"A\",\"B\"))",
      0x120089, NULL },
    /* integers: TI, TU and TB compare as integers */
    { "D:(XA;;FR;;;WD;(@Resource.Level >= 3 && @Resource.Level < 0x10))S:(RA;;;;;WD;(\"Level\",TI,0,5))",
      0x120089, NULL },
    { "D:(XA;;FR;;;WD;(@Resource.Secrecy == 3))S:(RA;;;;;WD;(\"Secrecy\",TU,0,3))", 0x120089, NULL },
    /* a boolean attribute alone is a condition: TRUE when non-zero */
    { "D:(XA;;FR;;;WD;(@Resource.Public))S:(RA;;;;;WD;(\"Public\",TB,0,1))", 0x120089, NULL },
    { "D:(XA;;FR;;;WD;(@Resource.Public || @Resource.Open))S:(RA;;;;;WD;(\"Public\",TB,0,0))", 0, NULL },
    /* SIDs and octet strings compare for equality */
    { "D:(XA;;FR;;;WD;(@Resource.Owner == SID(BA)))S:(RA;;;;;WD;(\"Owner\",TD,0,S-1-5-32-544))",
      0x120089, NULL },
    { "D:(XA;;FR;;;WD;(@Resource.Tag == #00ff))S:(RA;;;;;WD;(\"Tag\",TX,0,00FF))", 0x120089, NULL },
    /* Exists: TRUE for a present attribute; an inherit-only RA ACE does not count, nor a
     * disabled attribute (CLAIM_SECURITY_ATTRIBUTE_DISABLED 0x10) */
    { "D:(XA;;FR;;;WD;(Exists @Resource.Dept))S:(RA;;;;;WD;(\"Dept\",TS,0,\"x\"))", 0x120089, NULL },
    { "D:(XA;;FR;;;WD;(Exists @Resource.Dept))S:(RA;CIIO;;;;WD;(\"Dept\",TS,0,\"x\"))", 0, NULL },
    { "D:(XA;;FR;;;WD;(Exists @Resource.Dept))S:(RA;;;;;WD;(\"Dept\",TS,0x10,\"x\"))", 0, NULL },
    /* the first matching RA ACE wins */
    { "D:(XA;;FR;;;WD;(@Resource.Dept == \"B\"))S:(RA;;;;;WD;(\"Dept\",TS,0,\"A\"))(RA;;;;;WD;(\"Dept\",TS,0,\"B\"))",
      0, NULL },
    /* two resource attributes against each other (Samba data/conditional_aces.txt row) */
    { "D:(XA;;CCDCLCSWRP;;;AA;(@RESOURCE.a == @RESOURCE.b))S:(RA;;;;;WD;(\"a\",TS,0x0,\"1\",\"2\"))(RA;;;;;WD;(\"b\",TS,0x0,\"2\",\"1\"))",
      0, NULL },
    { "D:(XA;;FR;;;WD;(@RESOURCE.a == @RESOURCE.b))S:(RA;;;;;WD;(\"a\",TS,0x0,\"1\",\"2\"))(RA;;;;;WD;(\"b\",TS,0x0,\"2\",\"1\"))",
      0x120089, NULL },
    /* a user claim the token does not have: UNKNOWN */
    { "D:(XA;;FR;;;WD;(@User.Dept == @Resource.Dept))S:(RA;;;;;WD;(\"Dept\",TS,0,\"x\"))", 0, "is UNKNOWN" },
};

static void test_resource_attributes_decide_callback_aces(void **state)
{
    (void)state;
    GENERIC_MAPPING m = SepFileMapping;
    PACCESS_TOKEN t = AtToken("type=impersonation level=impersonation user=S-1-5-21-1-2-3-1001 "
                              "groups=WD,AU integrity=medium");
    for (size_t i = 0; i < sizeof(Cases) / sizeof(Cases[0]); i++) {
        PSECURITY_DESCRIPTOR sd = NULL;
        if (NtsecSddlToSecurityDescriptor(Cases[i].Sddl, &sd, NULL) != STATUS_SUCCESS)
            fail_msg("case %zu: %s: %s", i, Cases[i].Sddl, NtsecLastErrorText());
        ACCESS_MASK g = 0;
        NTSTATUS s = 0;
        PSTR trace = NULL;
        assert_status(NtsecAccessCheckExplain(sd, t, MAXIMUM_ALLOWED, &m, 0, &g, &s, &trace),
                      STATUS_SUCCESS);
        if (g != Cases[i].Granted)
            fail_msg("case %zu: %s: granted 0x%x, want 0x%x\n%s", i, Cases[i].Sddl, (unsigned)g,
                     (unsigned)Cases[i].Granted, trace);
        assert_status(s, g ? STATUS_SUCCESS : STATUS_ACCESS_DENIED);
        if (Cases[i].Trace != NULL && strstr(trace, Cases[i].Trace) == NULL)
            fail_msg("case %zu: trace lacks \"%s\":\n%s", i, Cases[i].Trace, trace);
        NtsecFree(trace);
        NtsecFree(sd);
    }
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resource_attributes_decide_callback_aces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
