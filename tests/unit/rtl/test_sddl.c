/*
 * test_sddl.c - SDDL both ways: Windows' documented examples, canonical output rules,
 * every alias class, round trips, and error messages that name the offset.
 */
#include <string.h>
#include "ntsec_test.h"
#include "sd_reference.h"
#include "rtl/rtlp.h"

#define ALL_INFO (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | \
                  DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION)

static int setup(void **state)
{
    ULONG domain[8];
    RtlpStringToSid("S-1-5-21-1004336348-1177238915-682003330", NULL, domain, sizeof(domain));
    return NtsecSetDomainSid(domain) == STATUS_SUCCESS ? 0 : -1;
}

/* Canon - parses In, checks the result is a valid self-relative SD, prints it, compares. */
static void Canon(PCSTR In, PCSTR Expected)
{
    PSECURITY_DESCRIPTOR sd = NULL, sd2 = NULL;
    ULONG length = 0, length2 = 0;
    PSTR out = NULL;
    NTSTATUS status = NtsecSddlToSecurityDescriptor(In, &sd, &length);
    if (status != STATUS_SUCCESS)
        fail_msg("parse \"%s\": 0x%08x %s", In, (unsigned)status, NtsecLastErrorText());
    assert_true(RtlValidRelativeSecurityDescriptor(sd, length, 0));
    assert_int_equal(RtlLengthSecurityDescriptor(sd), length);
    assert_status(NtsecSecurityDescriptorToSddl(sd, ALL_INFO, &out), STATUS_SUCCESS);
    assert_string_equal(out, Expected);
    /* The canonical text parses to the same bytes. */
    assert_status(NtsecSddlToSecurityDescriptor(out, &sd2, &length2), STATUS_SUCCESS);
    assert_int_equal(length2, length);
    assert_memory_equal(sd2, sd, length);
    NtsecFree(sd);
    NtsecFree(sd2);
    NtsecFree(out);
}

/* Bad - parsing In fails with Status and the error text equals Message. */
static void Bad(PCSTR In, NTSTATUS Status, PCSTR Message)
{
    PSECURITY_DESCRIPTOR sd = (PVOID)1;
    assert_status(NtsecSddlToSecurityDescriptor(In, &sd, NULL), Status);
    assert_null(sd);
    assert_string_equal(NtsecLastErrorText(), Message);
}

static void test_sddl_windows_bytes(void **state)
{
    PSECURITY_DESCRIPTOR sd;
    ULONG length;
    assert_status(NtsecSddlToSecurityDescriptor("O:BAG:SYD:(A;;FA;;;SY)", &sd, &length), STATUS_SUCCESS);
    assert_int_equal(length, 76);
    assert_memory_equal(sd, NtsecTestWindowsSdBytes, 76);
    NtsecFree(sd);
    Canon("O:BAG:SYD:(A;;FA;;;SY)", "O:BAG:SYD:(A;;FA;;;SY)");
}

/* The examples of the "Security Descriptor String Format" page. */
static void test_sddl_microsoft_documentation_examples(void **state)
{
    Canon("O:AOG:DAD:(A;;RPWPCCDCLCSWRCWDWOGA;;;S-1-0-0)",
          "O:AOG:DAD:(A;;CCDCLCSWRPWPRCWDWOGA;;;S-1-0-0)");
    Canon("O:DAG:DAD:(A;;RPWPCCDCLCRCWOWDSDSW;;;SY)(A;;RPWPCCDCLCRCWOWDSDSW;;;DA)"
          "(OA;;CCDC;bf967aba-0de6-11d0-a285-00aa003049e2;;AO)"
          "(OA;;CCDC;bf967a9c-0de6-11d0-a285-00aa003049e2;;AO)"
          "(OA;;CCDC;6da8a4ff-0e52-11d0-a286-00aa003049e2;;AO)"
          "(OA;;CCDC;bf967aa8-0de6-11d0-a285-00aa003049e2;;PO)(A;;RPLCRC;;;AU)"
          "S:(AU;SAFA;WDWOSDWPCCDCSW;;;WD)",
          "O:DAG:DAD:(A;;KA;;;SY)(A;;KA;;;DA)"
          "(OA;;CCDC;bf967aba-0de6-11d0-a285-00aa003049e2;;AO)"
          "(OA;;CCDC;bf967a9c-0de6-11d0-a285-00aa003049e2;;AO)"
          "(OA;;CCDC;6da8a4ff-0e52-11d0-a286-00aa003049e2;;AO)"
          "(OA;;CCDC;bf967aa8-0de6-11d0-a285-00aa003049e2;;PO)(A;;LCRPRC;;;AU)"
          "S:(AU;SAFA;CCDCSWWPSDWDWO;;;WD)");
    /* "ACE Strings" page examples. */
    Canon("D:(A;;GA;;;WD)", "D:(A;;GA;;;WD)");
    Canon("D:(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)",
          "D:(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)");
    Canon("S:(ML;;NW;;;LW)", "S:(ML;;NW;;;LW)");
}

static void test_sddl_canonical_rights(void **state)
{
    Canon("D:(A;;0x1F01FF;;;SY)", "D:(A;;FA;;;SY)");
    Canon("D:(A;;0x1200A9;;;BU)", "D:(A;;0x1200a9;;;BU)");      /* no letter for SYNCHRONIZE */
    Canon("D:(A;;1179817;;;BU)", "D:(A;;0x1200a9;;;BU)");       /* decimal accepted */
    Canon("D:(A;;FRFX;;;BU)", "D:(A;;0x1200a9;;;BU)");
    Canon("D:(A;;FR;;;WD)(A;;FW;;;WD)(A;;FX;;;WD)", "D:(A;;FR;;;WD)(A;;FW;;;WD)(A;;FX;;;WD)");
    Canon("D:(A;;KA;;;WD)(A;;KR;;;WD)(A;;KW;;;WD)(A;;KX;;;WD)",
          "D:(A;;KA;;;WD)(A;;KR;;;WD)(A;;KW;;;WD)(A;;KR;;;WD)");
    Canon("D:(A;;GRGWGXGA;;;WD)", "D:(A;;GAGXGWGR;;;WD)");
    Canon("D:(A;;WOWDRCSDCRLODTWPRPSWLCDCCC;;;WD)", "D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;WD)");
    Canon("D:(A;;RC;;;WD)", "D:(A;;RC;;;WD)");
    Canon("D:(A;;;;;WD)", "D:(A;;;;;WD)");
    Canon("D:(A;;0x1000000;;;WD)", "D:(A;;0x1000000;;;WD)"); /* ACCESS_SYSTEM_SECURITY */
    Canon("S:(ML;;NWNRNX;;;HI)", "S:(ML;;NWNRNX;;;HI)");
    Canon("S:(ML;;0x3;;;SI)", "S:(ML;;NWNR;;;SI)");
}

/*
 * Rights numbers as Windows reads them (Windows-run expectations in Wine's
 * test_ConvertStringSecurityDescriptor): "1" is 1, "020000000000" (octal) is GENERIC_READ,
 * "0X40000000" is GENERIC_WRITE, and a number may sit before or after right names
 * ("GR0xFFFFFFFF", "0xFFFFFFFFGR", "0xFFFFFGR" all parse); "ROB" does not.
 */
static void test_sddl_rights_numbers_as_windows(void **state)
{
    Canon("D:(A;;1;;;WD)", "D:(A;;CC;;;WD)");
    Canon("D:(A;;020000000000;;;WD)", "D:(A;;GR;;;WD)");
    Canon("D:(A;;0X40000000;;;WD)", "D:(A;;GW;;;WD)");
    Canon("S:(AU;;GR0xFFFFFFFF;;;WD)", "S:(AU;;0xffffffff;;;WD)");
    Canon("S:(AU;;0xFFFFFFFFGR;;;WD)", "S:(AU;;0xffffffff;;;WD)");
    Canon("S:(AU;;0xFFFFFGR;;;WD)", "S:(AU;;0x800fffff;;;WD)");
    Canon("D:(A;;0x20000GA;;;WD)", "D:(A;;RCGA;;;WD)");
    Canon("D:(A;;0;;;WD)", "D:(A;;;;;WD)");
    Bad("D:(A;;ROB;;;WD)", STATUS_INVALID_PARAMETER, "SDDL error at offset 6: unknown right \"RO\"");
    Bad("D:(A;;08;;;WD)", STATUS_INVALID_PARAMETER, "SDDL error at offset 7: bad digit '8' in rights");
    Bad("D:(A;;0xGR;;;WD)", STATUS_INVALID_PARAMETER, "SDDL error at offset 8: bad digit 'G' in rights");
    Bad("D:(A;;0x;;;WD)", STATUS_INVALID_PARAMETER, "SDDL error at offset 6: no hex digit after \"0x\" in rights");
}

static void test_sddl_flags_control_and_types(void **state)
{
    Canon("D:PAI(A;OICIID;FA;;;SY)(A;CIIO;GA;;;CO)", "D:PAI(A;OICIID;FA;;;SY)(A;CIIO;GA;;;CO)");
    Canon("D:AIARP(A;CIOI;FA;;;SY)", "D:PARAI(A;OICI;FA;;;SY)");
    Canon("D:(A;NP;FA;;;SY)", "D:(A;NP;FA;;;SY)");
    Canon("S:PAI(AU;SAFA;FA;;;WD)(AL;FA;FA;;;WD)", "S:PAI(AU;SAFA;FA;;;WD)(AL;FA;FA;;;WD)");
    Canon("D:NO_ACCESS_CONTROL", "D:NO_ACCESS_CONTROL");
    Canon("D:PNO_ACCESS_CONTROL", "D:PNO_ACCESS_CONTROL");
    Canon("D:", "D:");
    Canon("", "");
    Canon("  O:SY  G:SY D:(A;;FA;;;SY) (D;;FA;;;AN)", "O:SYG:SYD:(A;;FA;;;SY)(D;;FA;;;AN)");
    Canon("S:(AU;FA;FA;;;WD)D:(A;;FA;;;WD)G:BUO:BA", "O:BAG:BUD:(A;;FA;;;WD)S:(AU;FA;FA;;;WD)");
    /* Object ACE types without either GUID become the plain types (ACE Strings page). */
    Canon("D:(OA;;FA;;;WD)(OD;;FA;;;WD)S:(OU;SA;FA;;;WD)(OL;SA;FA;;;WD)",
          "D:(A;;FA;;;WD)(D;;FA;;;WD)S:(AU;SA;FA;;;WD)(AL;SA;FA;;;WD)");
    Canon("D:(OD;CI;WP;;bf967a86-0de6-11d0-a285-00aa003049e2;WD)",
          "D:(OD;CI;WP;;bf967a86-0de6-11d0-a285-00aa003049e2;WD)");
    Canon("D:(OA;;RPWP;BF967ABA-0DE6-11D0-A285-00AA003049E2;bf967a86-0de6-11d0-a285-00aa003049e2;PS)",
          "D:(OA;;RPWP;bf967aba-0de6-11d0-a285-00aa003049e2;bf967a86-0de6-11d0-a285-00aa003049e2;PS)");
    Canon("D:(XA;;FA;;;WD)(XD;;FA;;;WD)(ZA;;FA;;;WD)S:(XU;SA;FA;;;WD)",
          "D:(XA;;FA;;;WD)(XD;;FA;;;WD)(ZA;;FA;;;WD)S:(XU;SA;FA;;;WD)");
    Canon("S:(SP;;;;;S-1-17-1)(TL;;0x200;;;S-1-19-512-1024)", "S:(SP;;;;;S-1-17-1)(TL;;0x200;;;S-1-19-512-1024)");
    Canon("D:(FL;TP;0x1;;;WD)", "D:(FL;TP;CC;;;WD)");
}

static void test_sddl_sids_and_domain_aliases(void **state)
{
    Canon("O:S-1-5-21-1004336348-1177238915-682003330-512G:S-1-5-21-1004336348-1177238915-682003330-513",
          "O:DAG:DU");
    Canon("O:S-1-5-32-544G:S-1-5-18", "O:BAG:SY");
    Canon("O:LAG:LG", "O:LAG:LG");
    Canon("O:S-1-22-1-1000G:S-1-22-2-1000", "O:S-1-22-1-1000G:S-1-22-2-1000");
    Canon("O:S-1-5-21-9-9-9-500", "O:S-1-5-21-9-9-9-500");
    Canon("O:S-1-0x123456789ABC-1", "O:S-1-0x123456789ABC-1");
    Canon("O:S-1-0x010000000005-7D:", "O:S-1-0x10000000005-7D:");
    Canon("O:S-1-5-0x0000001AD:", "O:S-1-5-26D:"); /* a hex sub-authority ends after 8 digits */
    /* Windows-run expectations (Wine test_ConvertStringSidToSid): aliases and "s-" in either
     * case, hex in every number; "S-1-5" (no sub-authority) is not a SID. */
    Canon("O:baG:s-1-5-18D:(A;;FA;;;wD)", "O:BAG:SYD:(A;;FA;;;WD)");
    Canon("O:S-0x1-0XC-0x1a", "O:S-1-12-26");
    Bad("O:S-1-5", STATUS_INVALID_PARAMETER, "SDDL error at offset 2: invalid SID \"S-1-5\"");
    NtsecSetDomainSid(NULL);
    Bad("O:DA", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 2: domain SID alias \"DA\" needs a domain SID (NtsecSetDomainSid)");
    setup(NULL);
}

/* Windows-generated SDDL from Samba's python/samba/tests/sddl.py (the round trips that file
 * keeps in step with libcli/security/tests/windows/ runs on Windows). */
static void test_sddl_samba_windows_canonical_details(void **state)
{
    /* SddlNonCanonical "hex vs decimal": an authority >= 2^32 prints as 0x + upper-case hex,
     * no zero padding. */
    Canon("D:(A;;CC;;;S-1-21474836480-32-579)", "D:(A;;CC;;;S-1-0x500000000-32-579)");
    Canon("D:(A;;GA;;;S-1-5000000000-30-40)", "D:(A;;GA;;;S-1-0x12A05F200-30-40)");
    Canon("D:(A;;GA;;;S-1-0x20-3-4)", "D:(A;;GA;;;S-1-32-3-4)");
    Canon("D:(A;;GA;;;S-1-3-0x00000002-3-4)", "D:(A;;GA;;;S-1-3-2-3-4)");
    Canon("D:(A;;GA;;;S-1-3-0xffffffff-3-4)", "D:(A;;GA;;;S-1-3-4294967295-3-4)");
    Canon("D:(A;;GA;;;S-1-5-21-0x1-0x2-0x3-513)", "D:(A;;GA;;;S-1-5-21-1-2-3-513)");
    /* SddlNonCanonical "ambiguous 'D'": a hex sub-authority ends before the "D:" section. */
    Canon("O:S-1-2-0x200D:", "O:S-1-2-512D:");
    Canon("O:S-1-2-0x2D:(A;;GA;;;LG)", "O:S-1-2-2D:(A;;GA;;;LG)");
    /* SddlNonCanonical "Windows allows a space in the middle of access flags". */
    Canon("D:AI(A;CI;RP LCLORC;;;AU)", "D:AI(A;CI;LCRPLORC;;;AU)");
    Canon("D:AI(A;CI;RP LCLO  RC;;;AU)", "D:AI(A;CI;LCRPLORC;;;AU)");
    Canon("D:(A;; GA;;;WD)", "D:(A;;GA;;;WD)");
    /* SddlWindowsIsLessFussy (Windows accepts): a blank after a two-letter trustee. */
    Canon("D:(A;;GA;;;WD )", "D:(A;;GA;;;WD)");
    /* SddlShouldFail: a blank after the last right, or after a SID string. */
    Bad("D:(A;;GA ;;;WD)", STATUS_INVALID_PARAMETER, "SDDL error at offset 8: blank after the last right");
    Bad("D:(A;;RP ;;;WD)", STATUS_INVALID_PARAMETER, "SDDL error at offset 8: blank after the last right");
    Bad("D:(A;;GA;;;S-1-3-4 )", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 18: expected ')' after ACE trustee");
}

static void test_sddl_errors_name_the_offset(void **state)
{
    Bad("O:BAG:SYD:(A;;QQ;;;SY)", STATUS_INVALID_PARAMETER, "SDDL error at offset 14: unknown right \"QQ\"");
    Bad("D:(A;;FAQ;;;SY)", STATUS_INVALID_PARAMETER, "SDDL error at offset 8: unknown right \"Q\"");
    Bad("O:XX", STATUS_INVALID_PARAMETER, "SDDL error at offset 2: invalid SID \"XX\"");
    Bad("O:S-1-5-", STATUS_INVALID_PARAMETER, "SDDL error at offset 2: invalid SID \"S-1-5-\"");
    Bad("D:(Z;;FA;;;SY)", STATUS_INVALID_PARAMETER, "SDDL error at offset 3: unknown ACE type \"Z\"");
    Bad("D:(A;QQ;FA;;;SY)", STATUS_INVALID_PARAMETER, "SDDL error at offset 5: unknown ACE flag \"QQ\"");
    Bad("D:(A;;FA;;;SY", STATUS_INVALID_PARAMETER, "SDDL error at offset 13: expected ')' after ACE trustee");
    Bad("D:(A;;FA;;SY)", STATUS_INVALID_PARAMETER, "SDDL error at offset 12: ACE has too few fields (type;flags;rights;object;inherited object;trustee)");
    Bad("D:(A;;FA;bf967aba-0de6-11d0-a285-00aa003049e2;;SY)", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 9: object GUID on ACE type \"A\", which is not an object ACE");
    Bad("D:(OA;;FA;bf967aba-0de6;;SY)", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 10: invalid GUID \"bf967aba-0de6\"");
    Bad("D:(A;;0x1FFFFFFFF;;;SY)", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 6: rights value \"0x1FFFFFFFF\" does not fit 32 bits");
    Bad("D:(A;;0x12G;;;SY)", STATUS_INVALID_PARAMETER, "SDDL error at offset 10: unknown right \"G\"");
    Bad("O:BAO:SY", STATUS_INVALID_PARAMETER, "SDDL error at offset 4: duplicate \"O:\" component");
    Bad("X:BA", STATUS_INVALID_PARAMETER, "SDDL error at offset 0: expected O:, G:, D: or S: at \"X:BA\"");
    Bad("D:QQ(A;;FA;;;SY)", STATUS_INVALID_PARAMETER, "SDDL error at offset 2: unknown DACL flag \"QQ\"");
    Bad("D:NO_ACCESS_CONTROL(A;;FA;;;SY)", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 19: ACE after NO_ACCESS_CONTROL");
    Bad("D:(XA;;FA;;;WD;(Member_of {SID(ZZ)}))", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 31: invalid SID in SID(...)");
    Bad("D:(XA;;FA;;;WD;(@User.x == ))", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 27: expected an attribute name");
    Bad("D:(A;;FA;;;WD;(Member_of {SID(BA)}))", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 13: ACE type \"A\" takes no seventh field (only XA, XD, ZA, XU and RA do)");
    Bad("S:(RA;;;;;WD;(\"Secrecy\",TQ,0,3))", STATUS_INVALID_PARAMETER,
        "SDDL error at offset 24: expected ',' and a type (TI TU TS TD TX TB) after the name");
    Bad("D:(A;TP;FA;;;SY)", STATUS_INVALID_PARAMETER, "SDDL error at offset 5: unknown ACE flag \"TP\"");
    {
        PSECURITY_DESCRIPTOR sd;
        assert_status(NtsecSddlToSecurityDescriptor(NULL, &sd, NULL), STATUS_INVALID_PARAMETER);
        assert_status(NtsecSddlToSecurityDescriptor("D:", NULL, NULL), STATUS_INVALID_PARAMETER);
    }
}

/*
 * Blanks inside an ACE, as Windows takes them (Windows-run expectations in Wine's
 * test_ConvertStringSecurityDescriptor): a blank may open any field and may follow the
 * trustee; a blank after the type or after the rights is an error.
 */
static void test_sddl_blanks_inside_ace_as_windows(void **state)
{
    Canon(" D:(D;;GA;;;WD)", "D:(D;;GA;;;WD)");
    Canon("D: (D;;GA;;;WD)", "D:(D;;GA;;;WD)");
    Canon("D:( D;;GA;;;WD)", "D:(D;;GA;;;WD)");
    Canon("D:(D; ;GA;;;WD)", "D:(D;;GA;;;WD)");
    Canon("D:(D;; GA;;;WD)", "D:(D;;GA;;;WD)");
    Canon("D:(D;;GA; ;;WD)", "D:(D;;GA;;;WD)");
    Canon("D:(D;;GA;; ;WD)", "D:(D;;GA;;;WD)");
    Canon("D:(D;;GA;;; WD)", "D:(D;;GA;;;WD)");
    Canon("D:(D;;GA;;;WD )", "D:(D;;GA;;;WD)");
    Canon("D:(OA; CI; RP; bf967aba-0de6-11d0-a285-00aa003049e2; ; PS )",
          "D:(OA;CI;RP;bf967aba-0de6-11d0-a285-00aa003049e2;;PS)");
    Bad("D:(D ;;GA;;;WD)", STATUS_INVALID_PARAMETER, "SDDL error at offset 3: unknown ACE type \"D \"");
    Bad("D:(D;;GA ;;;WD)", STATUS_INVALID_PARAMETER, "SDDL error at offset 8: blank after the last right");
}

/* A SID with no sub-authority has no SDDL form that parses back: printing fails closed. */
static void test_sddl_sid_without_sub_authority_fails_closed(void **state)
{
    SECURITY_DESCRIPTOR abs;
    ULONG sid[4];
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    PSTR out = (PSTR)1;
    assert_status(RtlInitializeSid(sid, &nt, 0), STATUS_SUCCESS);
    RtlCreateSecurityDescriptor(&abs, SECURITY_DESCRIPTOR_REVISION);
    abs.Owner = sid;
    assert_status(NtsecSecurityDescriptorToSddl(&abs, ALL_INFO, &out), STATUS_NOT_IMPLEMENTED);
    assert_string_equal(NtsecLastErrorText(), "SDDL cannot express a SID with no sub-authority");
}

static void test_sddl_every_prefix_fails_cleanly(void **state)
{
    static const char full[] = "O:DAG:DAD:PAI(A;OICIID;FA;;;SY)(OA;CI;RPWP;bf967aba-0de6-11d0-a285-"
                                "00aa003049e2;;PS)S:(ML;;NW;;;LW)";
    char prefix[sizeof(full)];
    size_t n;
    for (n = 0; n < sizeof(full); n++) {
        PSECURITY_DESCRIPTOR sd = NULL;
        NTSTATUS status;
        memcpy(prefix, full, n);
        prefix[n] = '\0';
        status = NtsecSddlToSecurityDescriptor(prefix, &sd, NULL);
        if (NT_SUCCESS(status))
            assert_true(RtlValidSecurityDescriptor(sd));
        else
            assert_true(strncmp(NtsecLastErrorText(), "SDDL error at offset ", 21) == 0);
        NtsecFree(sd);
    }
}

static void test_sddl_info_selection_and_absolute_input(void **state)
{
    PSECURITY_DESCRIPTOR rel;
    SECURITY_DESCRIPTOR abs;
    ULONG owner[4];
    PSTR out;
    assert_status(NtsecSddlToSecurityDescriptor("O:BAG:SYD:(A;;FA;;;SY)S:(AU;SA;FA;;;WD)(ML;;NW;;;HI)",
                                                &rel, NULL), STATUS_SUCCESS);
    assert_status(NtsecSecurityDescriptorToSddl(rel, OWNER_SECURITY_INFORMATION, &out), STATUS_SUCCESS);
    assert_string_equal(out, "O:BA");
    NtsecFree(out);
    assert_status(NtsecSecurityDescriptorToSddl(rel, DACL_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION,
                                                &out), STATUS_SUCCESS);
    assert_string_equal(out, "G:SYD:(A;;FA;;;SY)");
    NtsecFree(out);
    assert_status(NtsecSecurityDescriptorToSddl(rel, LABEL_SECURITY_INFORMATION, &out), STATUS_SUCCESS);
    assert_string_equal(out, "S:(ML;;NW;;;HI)");
    NtsecFree(out);
    NtsecFree(rel);

    RtlCreateSecurityDescriptor(&abs, SECURITY_DESCRIPTOR_REVISION);
    RtlpStringToSid("S-1-22-1-1000", NULL, owner, sizeof(owner));
    RtlSetOwnerSecurityDescriptor(&abs, owner, FALSE);
    RtlSetDaclSecurityDescriptor(&abs, TRUE, NULL, FALSE);
    assert_status(NtsecSecurityDescriptorToSddl(&abs, ALL_INFO, &out), STATUS_SUCCESS);
    assert_string_equal(out, "O:S-1-22-1-1000D:NO_ACCESS_CONTROL");
    NtsecFree(out);
    abs.Revision = 9;
    assert_status(NtsecSecurityDescriptorToSddl(&abs, ALL_INFO, &out), STATUS_INVALID_SECURITY_DESCR);
    assert_null(out);
}

static void test_sddl_unprintable_aces_fail_closed(void **state)
{
    ULONG dacl[32], sid[3];
    SECURITY_DESCRIPTOR abs;
    UCHAR ace[24];
    PSTR out;
    RtlpStringToSid("WD", NULL, sid, sizeof(sid));
    RtlCreateSecurityDescriptor(&abs, SECURITY_DESCRIPTOR_REVISION);
    RtlCreateAcl((PACL)dacl, sizeof(dacl), ACL_REVISION);
    /* A callback ACE with a condition after the SID */
    memset(ace, 0, sizeof(ace));
    ace[0] = ACCESS_ALLOWED_CALLBACK_ACE_TYPE;
    ace[2] = 24;
    ace[4] = 1;
    memcpy(ace + 8, sid, 12);
    memcpy(ace + 20, "artx", 4);
    assert_status(RtlAddAce((PACL)dacl, ACL_REVISION, 0, ace, 24), STATUS_SUCCESS);
    RtlSetDaclSecurityDescriptor(&abs, TRUE, (PACL)dacl, FALSE);
    assert_status(NtsecSecurityDescriptorToSddl(&abs, ALL_INFO, &out), STATUS_NOT_IMPLEMENTED);
    assert_null(out);
    /* An ACE type without an SDDL name (ACCESS_DENIED_CALLBACK_OBJECT) */
    RtlCreateAcl((PACL)dacl, sizeof(dacl), ACL_REVISION_DS);
    memset(ace, 0, sizeof(ace));
    ace[0] = ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE;
    ace[2] = 24;
    memcpy(ace + 12, sid, 12);
    assert_status(RtlAddAce((PACL)dacl, ACL_REVISION_DS, 0, ace, 24), STATUS_SUCCESS);
    assert_true(RtlValidAcl((PACL)dacl));
    assert_status(NtsecSecurityDescriptorToSddl(&abs, ALL_INFO, &out), STATUS_NOT_IMPLEMENTED);
    assert_true(strstr(NtsecLastErrorText(), "ACE 0") != NULL);
    /* A system-audit ACE in a DACL: valid binary, but the parser (as Windows' SDDL compiler,
     * Samba windows_is_fussy.txt) refuses "D:(AU;...)", so no text round-trips (found by
     * fuzz_sd_relative); the same ACE in the SACL prints. */
    RtlCreateAcl((PACL)dacl, sizeof(dacl), ACL_REVISION);
    assert_status(RtlAddAccessAllowedAce((PACL)dacl, ACL_REVISION, FILE_ALL_ACCESS, sid), STATUS_SUCCESS);
    memset(ace, 0, sizeof(ace));
    ace[0] = SYSTEM_AUDIT_ACE_TYPE;
    ace[1] = SUCCESSFUL_ACCESS_ACE_FLAG;
    ace[2] = 20;
    ace[4] = 1;
    memcpy(ace + 8, sid, 12);
    assert_status(RtlAddAce((PACL)dacl, ACL_REVISION, MAXULONG, ace, 20), STATUS_SUCCESS);
    assert_true(RtlValidAcl((PACL)dacl));
    RtlSetDaclSecurityDescriptor(&abs, TRUE, (PACL)dacl, FALSE);
    out = (PSTR)1;
    assert_status(NtsecSecurityDescriptorToSddl(&abs, ALL_INFO, &out), STATUS_NOT_IMPLEMENTED);
    assert_null(out);
    assert_true(strstr(NtsecLastErrorText(), "ACE 1") != NULL);
    RtlSetDaclSecurityDescriptor(&abs, FALSE, NULL, FALSE);
    RtlSetSaclSecurityDescriptor(&abs, TRUE, (PACL)dacl, FALSE);
    assert_status(NtsecSecurityDescriptorToSddl(&abs, ALL_INFO, &out), STATUS_SUCCESS);
    assert_string_equal(out, "S:(A;;FA;;;WD)(AU;SA;CC;;;WD)");
    NtsecFree(out);
}

static void test_sddl_allocation_failures_fail_closed(void **state)
{
    PCSTR text = "O:BAG:SYD:PAI(A;OICI;FA;;;SY)S:(AU;SA;FA;;;WD)";
    ULONG n;
    for (n = 1; n <= 8; n++) {
        PSECURITY_DESCRIPTOR sd = (PVOID)1;
        PSTR out = (PSTR)1;
        NTSTATUS status;
        NtsecSetAllocationFailure(n);
        status = NtsecSddlToSecurityDescriptor(text, &sd, NULL);
        NtsecSetAllocationFailure(0);
        if (status != STATUS_SUCCESS) {
            assert_status(status, STATUS_INSUFFICIENT_RESOURCES);
            assert_null(sd);
            continue;
        }
        NtsecSetAllocationFailure(1);
        status = NtsecSecurityDescriptorToSddl(sd, ALL_INFO, &out);
        NtsecSetAllocationFailure(0);
        assert_status(status, STATUS_INSUFFICIENT_RESOURCES);
        assert_null(out);
        NtsecFree(sd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sddl_windows_bytes),
        cmocka_unit_test(test_sddl_microsoft_documentation_examples),
        cmocka_unit_test(test_sddl_canonical_rights),
        cmocka_unit_test(test_sddl_rights_numbers_as_windows),
        cmocka_unit_test(test_sddl_flags_control_and_types),
        cmocka_unit_test(test_sddl_sids_and_domain_aliases),
        cmocka_unit_test(test_sddl_errors_name_the_offset),
        cmocka_unit_test(test_sddl_blanks_inside_ace_as_windows),
        cmocka_unit_test(test_sddl_sid_without_sub_authority_fails_closed),
        cmocka_unit_test(test_sddl_every_prefix_fails_cleanly),
        cmocka_unit_test(test_sddl_info_selection_and_absolute_input),
        cmocka_unit_test_setup(test_sddl_samba_windows_canonical_details, setup),
        cmocka_unit_test(test_sddl_unprintable_aces_fail_closed),
        cmocka_unit_test(test_sddl_allocation_failures_fail_closed),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
