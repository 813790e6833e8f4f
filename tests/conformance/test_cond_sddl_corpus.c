/*
 * test_cond_sddl_corpus.c - conditional ACEs and resource attributes in SDDL, both ways,
 * against facts transcribed from Samba (samba-team/samba):
 *
 *  - data/windows_conditional_aces.json: libcli/security/tests/windows/conditional_aces.txt.json
 *    (commit 28d23377741562468f283ff752fdb7efe54848b7), a map from SDDL given to Windows to
 *    the self-relative descriptor Windows' ConvertStringSecurityDescriptorToSecurityDescriptor
 *    returned. Each SDDL must parse to exactly those bytes, the bytes must print, and the
 *    printed text must parse back to the same bytes.
 *  - data/samba_conditional_aces.txt: libcli/security/tests/data/conditional_aces.txt
 *    (commit c13684e672f356b02aba85fca2e5625f0650afc4), "SDDL -> canonical SDDL" lines (a line
 *    without "->" is its own canonical form): the text Windows prints for those
 *    descriptors (upper-case prefixes, "Member_of_any", parenthesised attributes, RA flags
 *    in hex). Each must print exactly so.
 *  - data/samba_windows_*.txt and the SddlWindowsIsLessFussy / SddlWindowsIsWeird strings:
 *    Samba's ordinary-SDDL lists run through Windows (test_samba_windows_lists below).
 *  - the expectations of libcli/security/tests/test_sddl_conditional_ace.c (commit
 *    0ef50512489fed57322cb5df7fcb3c8a2e7880c4) that concern Windows behaviour: strings that
 *    must fail, strings that must parse, the Windows-annotated RA descriptor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"
#include "rtl/rtlp.h"

static char *ReadData(PCSTR Name)
{
    char path[1024];
    PCSTR root = getenv("NTSEC_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/tests/conformance/data/%s", root ? root : ".", Name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* The SDDL of Sd printed, parsed back, compared byte for byte; returns the text (caller frees). */
static PSTR PrintAndReparse(PCSTR What, PSECURITY_DESCRIPTOR Sd, ULONG Length)
{
    PSTR text = NULL;
    PSECURITY_DESCRIPTOR back = NULL;
    ULONG back_length = 0;
    NTSTATUS s = NtsecSecurityDescriptorToSddl(Sd, 0xF, &text);
    if (s != STATUS_SUCCESS)
        fail_msg("%s: printing failed 0x%08x: %s", What, (unsigned)s, NtsecLastErrorText());
    s = NtsecSddlToSecurityDescriptor(text, &back, &back_length);
    if (s != STATUS_SUCCESS)
        fail_msg("%s: printed %s, which does not parse: %s", What, text, NtsecLastErrorText());
    if (back_length != Length || memcmp(back, Sd, Length) != 0)
        fail_msg("%s: printed %s, which parses to other bytes", What, text);
    NtsecFree(back);
    return text;
}

/* Reads one JSON string at *P (on its '"') into Out, undoing \" and \\. */
static void JsonString(PCSTR *P, char *Out, size_t Size)
{
    PCSTR p = *P + 1;
    size_t n = 0;
    while (*p != '"') {
        if (*p == '\\')
            p++;
        assert_true(n + 1 < Size);
        Out[n++] = *p++;
    }
    Out[n] = '\0';
    *P = p + 1;
}

static void test_windows_bytes_round_trip(void **state)
{
    (void)state;
    char *json = ReadData("windows_conditional_aces.json");
    PCSTR p = json;
    ULONG rows = 0;
    while ((p = strchr(p, '"')) != NULL) {
        char sddl[1024];
        UCHAR want[1024];
        ULONG n = 0, length = 0;
        JsonString(&p, sddl, sizeof(sddl));
        p = strchr(p, '[') + 1;
        while (*p != ']') {
            char *end;
            long v = strtol(p, &end, 10);
            assert_true(end != p && v >= 0 && v < 256 && n < sizeof(want));
            want[n++] = (UCHAR)v;
            p = end;
            while (*p == ',' || *p == ' ')
                p++;
        }
        PSECURITY_DESCRIPTOR sd = NULL;
        NTSTATUS s = NtsecSddlToSecurityDescriptor(sddl, &sd, &length);
        if (s != STATUS_SUCCESS)
            fail_msg("%s: 0x%08x %s", sddl, (unsigned)s, NtsecLastErrorText());
        if (length != n || memcmp(sd, want, n) != 0)
            fail_msg("%s: not the bytes Windows produced (%u vs %u bytes)", sddl, (unsigned)length,
                     (unsigned)n);
        NtsecFree(PrintAndReparse(sddl, want, n));
        NtsecFree(sd);
        rows++;
    }
    /* every descriptor of the Windows-generated file */
    assert_int_equal(rows, 60);
    free(json);
}

/* In parses, prints exactly Want and parses back to the same bytes (What names the source). */
static void CheckCanonical(PCSTR What, PCSTR In, PCSTR Want)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG length = 0;
    if (NtsecSddlToSecurityDescriptor(In, &sd, &length) != STATUS_SUCCESS)
        fail_msg("%s: %s: %s", What, In, NtsecLastErrorText());
    PSTR text = PrintAndReparse(In, sd, length);
    if (strcmp(text, Want) != 0)
        fail_msg("%s: %s: printed %s, want %s", What, In, text, Want);
    NtsecFree(text);
    NtsecFree(sd);
}

/* In does not parse: STATUS_INVALID_PARAMETER and no descriptor. */
static void CheckRefused(PCSTR What, PCSTR In)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG length = 0;
    NTSTATUS st = NtsecSddlToSecurityDescriptor(In, &sd, &length);
    if (st == STATUS_SUCCESS) {
        PSTR text = NULL;
        (void)NtsecSecurityDescriptorToSddl(sd, 0xF, &text);
        fail_msg("%s: %s parsed (printed %s); Windows refuses it", What, In, text ? text : "?");
    }
    assert_int_equal(st, STATUS_INVALID_PARAMETER);
    assert_null(sd);
}

/* Each "SDDL -> result" line of Name (without "->" the result is the SDDL itself; '#' lines
 * and empty ones skipped) checked: printed as the result (Refused FALSE) or refused (TRUE).
 * Returns the number of lines checked. */
static ULONG CheckFile(PCSTR Name, BOOLEAN Refused)
{
    char *data = ReadData(Name);
    ULONG rows = 0;
    for (char *line = strtok(data, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *arrow = strstr(line, " -> ");
        PCSTR want = line;
        if (arrow != NULL) {
            *arrow = '\0';
            want = arrow + 4;
        }
        if (Refused)
            CheckRefused(Name, line);
        else
            CheckCanonical(Name, line, want);
        rows++;
    }
    free(data);
    return rows;
}

static ULONG CanonicalFile(PCSTR Name)
{
    return CheckFile(Name, FALSE);
}

static ULONG ShouldFailFile(PCSTR Name)
{
    return CheckFile(Name, TRUE);
}

static void test_samba_canonical_text(void **state)
{
    (void)state;
    assert_int_equal(CanonicalFile("samba_conditional_aces.txt"), 73);
}

/*
 * data/samba_conditional_aces_windows_only.txt (Samba libcli/security/tests/data/
 * conditional_aces_windows_only.txt): what Windows accepts and Samba does not - lower-case
 * ACE types, SIDs and keywords, spaces inside ACE fields, an odd-length octet string - with
 * the text Windows prints for it. data/samba_conditional_aces_case_insensitive.txt
 * (conditional_aces_case_insensitive.txt): lower-case octet-string digits stay lower case.
 */
static void test_samba_windows_only_and_case_insensitive(void **state)
{
    (void)state;
    assert_int_equal(CanonicalFile("samba_conditional_aces_windows_only.txt"), 11);
    assert_int_equal(CanonicalFile("samba_conditional_aces_case_insensitive.txt"), 1);
}

/* data/samba_conditional_aces_should_fail.txt (conditional_aces_should_fail.txt): the SDDL
 * before "->" (or the whole line) must not parse. */
static void test_samba_should_fail(void **state)
{
    (void)state;
    assert_int_equal(ShouldFailFile("samba_conditional_aces_should_fail.txt"), 11);
}

/*
 * Samba's libcli/security/tests/windows/ lists (commit 848bce06), the strings of
 * python/samba/tests/sddl.py that windows-sddl-tests.py runs through Windows'
 * ConvertStringSecurityDescriptorToSecurityDescriptor and back: data/samba_windows_canonical.txt
 * (canonical.txt: Windows prints them as given), data/samba_windows_should_fail.txt
 * (should_fail.txt: Windows refuses them; among them a tab between two rights) and
 * data/samba_windows_is_fussy.txt (windows_is_fussy.txt, SddlWindowsIsFussy: "Windows won't
 * accept these strings", an audit ACE in a DACL). The domain aliases (LG, DU) need a domain
 * SID; one is set for the test and cleared after it.
 */
static void test_samba_windows_lists(void **state)
{
    (void)state;
    UCHAR buffer[SECURITY_MAX_SID_SIZE];
    PSID domain = (PSID)buffer;
    PCSTR end = NULL;
    assert_status(RtlpStringToSid("S-1-5-21-9-9-9", &end, domain, sizeof(buffer)), STATUS_SUCCESS);
    assert_status(NtsecSetDomainSid(domain), STATUS_SUCCESS);
    assert_int_equal(CanonicalFile("samba_windows_canonical.txt"), 19);
    assert_int_equal(ShouldFailFile("samba_windows_should_fail.txt"), 42);
    assert_int_equal(ShouldFailFile("samba_windows_is_fussy.txt"), 1);
    assert_status(NtsecSetDomainSid(NULL), STATUS_SUCCESS);
}

/*
 * Samba python/samba/tests/sddl.py (the source of the lists above) SddlWindowsIsLessFussy:
 * "Windows will accept these seemingly malformed strings", with the text Windows returns.
 * (Its copy libcli/security/tests/windows/windows_is_less_fussy.txt has "D:AI (A;;GA;;;LG)"
 * on the right of its own line; the Python list, which the file is exported from, has
 * "D:AI(A;;GA;;;LG)".) One is not followed: "O:S- 1- 2-3" (blanks inside a SID string) is
 * refused, as SID strings are everywhere else. SddlWindowsIsWeird ("Windows will accept
 * some very misleading SDDL strings": overflowing or negative rights, a hex revision that
 * makes the rest of the SID hex, overflowing sub-authorities) is refused on purpose: each
 * would give a descriptor other than the one written (docs/sddl.md).
 */
static void test_samba_windows_less_fussy_and_weird(void **state)
{
    (void)state;
    static const struct { PCSTR In, Want; } less_fussy[] = {
        { "D:(A;;GA;;; LG)", "D:(A;;GA;;;LG)" },
        { "D: (A;;GA;;;LG)", "D:(A;;GA;;;LG)" },
        { "D: AI(A;;GA;;;LG)", "D:AI(A;;GA;;;LG)" },
        { "D:(a;;GA;;;LG)", "D:(A;;GA;;;LG)" },
        { "D:(A;;GA;;;lg)", "D:(A;;GA;;;LG)" },
        { "D:(A;;ga;;;LG)", "D:(A;;GA;;;LG)" },
        { "D: S:", "D:S:" },
        { "D: P(A;;GA;;;LG)", "D:P(A;;GA;;;LG)" },
        { "D:P (A;;GA;;;LG)", "D:P(A;;GA;;;LG)" },
        { "D:P(A;;GA;;;LG) (A;;GX;;;AA)", "D:P(A;;GA;;;LG)(A;;GX;;;AA)" },
        { "D:(A; ;GA;;;LG)", "D:(A;;GA;;;LG)" },
        { "D:AI (A;;GA;;;LG)", "D:AI(A;;GA;;;LG)" },
        { "D:(A;;GA;;; WD)", "D:(A;;GA;;;WD)" },
        { "D:(A;;GA;;;WD )", "D:(A;;GA;;;WD)" },
        { "D:(A;;GA;;; S-1-3-4)", "D:(A;;GA;;;OW)" },
        { "D:(A;;GA;; ;S-1-3-4)", "D:(A;;GA;;;OW)" },
        { "D:(A;;GA; ;;S-1-3-4)", "D:(A;;GA;;;OW)" },
        { "D:(A;;GA;;; S-1-333-4)", "D:(A;;GA;;;S-1-333-4)" },
        { "D:(A;;GA; ;;S-1-333-4)", "D:(A;;GA;;;S-1-333-4)" },
        { " O:AA", "O:AA" },
        { "  O:AA  ", "O:AA" },
        { "  O:AA G:WD ", "O:AAG:WD" },
    };
    static PCSTR refused[] = {
        "O:S- 1- 2-3",
        "D:(A;;0x123456789;;;LG)", "D:(A;;CC;;;S-0x1-0-0-579)", "O:S-0x1-20-0-579",
        "D:(A;;GA;;;S-1-3-4294967296-3-4)", "D:(A;;GA;;;S-1-3-0x100000000-3-4)",
        "D:(A;;GA;;;S-1-5-21-0x1313131313131-513)", "D:(A;;-99;;;LG)", "D:(A;;-0xffffff55;;;LG)",
        "D:(A;;-9876543210;;;LG)", "D:(A;;100000000000000000000000;;;LG)",
    };
    UCHAR buffer[SECURITY_MAX_SID_SIZE];
    PCSTR end = NULL;
    assert_status(RtlpStringToSid("S-1-5-21-9-9-9", &end, (PSID)buffer, sizeof(buffer)), STATUS_SUCCESS);
    assert_status(NtsecSetDomainSid((PSID)buffer), STATUS_SUCCESS);
    for (ULONG i = 0; i < sizeof(less_fussy) / sizeof(less_fussy[0]); i++)
        CheckCanonical("SddlWindowsIsLessFussy", less_fussy[i].In, less_fussy[i].Want);
    for (ULONG i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        CheckRefused("sddl.py (refused here)", refused[i]);
    assert_status(NtsecSetDomainSid(NULL), STATUS_SUCCESS);
}

static void test_invalid_conditions_fail_with_offset(void **state)
{
    (void)state;
    static PCSTR bad[] = {
        "(!!! !!!  !!! Not_Member_of{SID(AA)}))",
        "(@Device.bb == 055555624677746777766777767)",
        "(@Device.bb == 0x624677746777766777767)",
        "(@Device.bb == 624677746777766777767)",
        "(!)", "(x >)", "(> 3)",
        "( Member_of Contains 3)",
        " x < 3",
        "( x = SID(BA))",
        "( x == SID(ZZ))", "( x == SID(S-1-))", "( x == SID())",
        "(\"x\" == \"x\")",
        "(OctetStringType==#1#2#3##))",
        "()",
        "(@Device.bb == (@USER.x < 62))",
        "(@Device.%002e == 3)", "(@Device.%002f == 3)", "(@Device.%003a == 3)",
        "(Member_of{SID(AA),})",
        "(Member_of{SID(AA) SID(AC)})",
        "(Member_of{,})",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char sddl[256];
        PSECURITY_DESCRIPTOR sd = (PVOID)1;
        snprintf(sddl, sizeof(sddl), "D:(XA;;FA;;;WD;%s)", bad[i]);
        NTSTATUS s = NtsecSddlToSecurityDescriptor(sddl, &sd, NULL);
        if (s != STATUS_INVALID_PARAMETER)
            fail_msg("%s: 0x%08x, want STATUS_INVALID_PARAMETER", sddl, (unsigned)s);
        assert_null(sd);
        assert_non_null(strstr(NtsecLastErrorText(), "SDDL error at offset "));
    }
}

/* Samba's test_a_number_of_valid_strings and the Windows-checked round trips of
 * test_round_trips (signs and bases of zero and one): each parses and round-trips. */
static void test_valid_conditions_round_trip(void **state)
{
    (void)state;
    static const struct { PCSTR In, Out; } good[] = {
        { "(@User.TEETH == \"5\")", "(@USER.TEETH == \"5\")" },
        { "(x==1) ", "(x == 1)" },
        { "( x Contains 3)", "(x Contains 3)" },
        { "( x < 3)", "(x < 3)" },
        { "(x Any_of 3)", "(x Any_of 3)" },
        { "( x == SID(BA))", "(x == SID(BA))" },
        { "(x ANY_Of 3)", "(x Any_of 3)" },
        { "((x) == SID(BA))", "(x == SID(BA))" },
        { "(x==1 && x >= 2)", "((x == 1) && (x >= 2))" },
        { "(0>-0)", NULL }, { "(Member_of{})", "(Member_of {})" },
        { "(@User.a == {})", "(@USER.a == {})" },
        { "(@user.x == 00)", "(@USER.x == 00)" }, { "(@user.x == 01)", "(@USER.x == 01)" },
        { "(@user.x == -00)", "(@USER.x == -00)" }, { "(@user.x == -01)", "(@USER.x == -01)" },
        { "(@user.x == 0x0)", "(@USER.x == 0x0)" }, { "(@user.x == +0x1)", "(@USER.x == +0x1)" },
        { "(@user.x == -0x0)", "(@USER.x == -0x0)" }, { "(@user.x == -0x1)", "(@USER.x == -0x1)" },
        { "(@user.x == -0x8000000000000000)", "(@USER.x == -0x8000000000000000)" },
        { "(Exists @Resource.Dept && !(Not_Exists hooly))",
          "((Exists @RESOURCE.Dept) && (!(Not_Exists hooly)))" },
        { "(!@User.x || Not_Member_of_Any{SID(BA)} || Device_Member_of_any SID(WD))",
          "(((!(@USER.x)) || (Not_Member_of_any {SID(BA)})) || (Device_Member_of_any SID(WD)))" },
        { "(@Device.%025c\xc9\x9c == 3)", "(@DEVICE.%025c%025c == 3)" },
        { "(@User.s Not_Contains {\"\xc3\xa9t\xc3\xa9\", #00ff})", "(@USER.s Not_Contains {\"\xc3\xa9t\xc3\xa9\", #00ff})" },
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char sddl[256], want[256];
        PSECURITY_DESCRIPTOR sd = NULL;
        ULONG length = 0;
        snprintf(sddl, sizeof(sddl), "D:(XA;;FA;;;WD;%s)", good[i].In);
        NTSTATUS s = NtsecSddlToSecurityDescriptor(sddl, &sd, &length);
        if (good[i].Out == NULL) {
            /* "(0>-0)": a literal on the left is not a condition (Windows; Samba is laxer) */
            assert_int_equal(s, STATUS_INVALID_PARAMETER);
            continue;
        }
        if (s != STATUS_SUCCESS)
            fail_msg("%s: %s", sddl, NtsecLastErrorText());
        PSTR text = PrintAndReparse(sddl, sd, length);
        snprintf(want, sizeof(want), "D:(XA;;FA;;;WD;%s)", good[i].Out);
        if (strcmp(text, want) != 0)
            fail_msg("%s: printed %s, want %s", sddl, text, want);
        NtsecFree(text);
        NtsecFree(sd);
    }
}

/* test_full_sddl_compile: the descriptor Windows (2022) produced for an RA ACE of type TU
 * with flags 0xe and a callback ACE on @RESOURCE.c, byte for byte. Samba's annotation gives
 * that sample's SACL revision 4 where the Windows-generated JSON corpus has 2 for every RA
 * SACL; ntsec writes 2 (no object ACE), so byte 20 is the one byte not compared. */
static void test_windows_ra_descriptor(void **state)
{
    (void)state;
    static const UCHAR windows[] = {
        1, 0, 20, 128, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 92, 0, 0, 0,
        4, 0, 72, 0, 1, 0, 0, 0, 18, 0, 64, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
        20, 0, 0, 0, 2, 0, 0, 0, 14, 0, 0, 0, 1, 0, 0, 0, 34, 0, 0, 0,
        'c', 0, 'o', 0, 'l', 0, 'O', 0, 'I', 0, 'r', 0, 0, 0,
        229, 116, 0, 0, 0, 0, 0, 0, 0, 0,
        2, 0, 40, 0, 1, 0, 0, 0, 9, 0, 32, 0, 63, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 16, 0, 33, 0, 0,
        97, 114, 116, 120, 250, 2, 0, 0, 0, 'c', 0, 0,
    };
    PCSTR sddl = "D:(XA;;CCDCLCSWRPWP;;;MP;(@RESOURCE.c))S:(RA;;;;;WD;(\"colOIr\",TU,0xe,29925))";
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG length = 0;
    assert_int_equal(NtsecSddlToSecurityDescriptor(sddl, &sd, &length), STATUS_SUCCESS);
    assert_int_equal(length, sizeof(windows));
    assert_int_equal(((PUCHAR)sd)[20], ACL_REVISION);
    assert_memory_equal(sd, windows, 20);
    assert_memory_equal((PUCHAR)sd + 21, windows + 21, sizeof(windows) - 21);
    PSTR text = PrintAndReparse(sddl, sd, length);
    assert_string_equal(text, "D:(XA;;CCDCLCSWRPWP;;;MP;(@RESOURCE.c))S:(RA;;;;;WD;(\"colOIr\",TU,0xe,29925))");
    NtsecFree(text);
    NtsecFree(sd);
}

/* Every attribute-data type of MS-DTYP 2.5.1.1 (TI TU TS TD TX TB), escapes in the name, the
 * central-policy ACE (SP, MS-DTYP 2.4.4.16), and conditions on ZA and XU ACEs: canonical
 * text and byte-exact round trips. */
static void test_resource_attribute_types_and_scoped_policy(void **state)
{
    (void)state;
    static const struct { PCSTR In, Out; } rows[] = {
        { "S:(RA;;;;;WD;(\"Secrecy\",TU,0,3))", "S:(RA;;;;;WD;(\"Secrecy\",TU,0x0,3))" },
        { "S:(RA;CIID;;;;WD;( \"n\" , TI , 0x10 , -5 , 0x7fffffffffffffff , -9223372036854775808 ))",
          "S:(RA;CIID;;;;WD;(\"n\",TI,0x10,-5,9223372036854775807,-9223372036854775808))" },
        { "S:(RA;;;;;WD;(\"d\",TD,0,BA,S-1-5-21-1-2-3-500))", "S:(RA;;;;;WD;(\"d\",TD,0x0,BA,S-1-5-21-1-2-3-500))" },
        { "S:(RA;;;;;WD;(\"x\",TX,0,0077,,00FF))", "S:(RA;;;;;WD;(\"x\",TX,0x0,0077,,00ff))" },
        { "S:(RA;;;;;WD;(\"b\",TB,0,0,1))", "S:(RA;;;;;WD;(\"b\",TB,0x0,0,1))" },
        { "S:(RA;;;;;WD;(\"s\",TS,0))", "S:(RA;;;;;WD;(\"s\",TS,0x0))" },
        { "S:(RA;;;;;WD;(\"a%0020b%0016\",TS,0,\"\",\"x y\"))", "S:(RA;;;;;WD;(\"a%0020b%0016\",TS,0x0,\"\",\"x y\"))" },
        { "S:(SP;;;;;S-1-17-1)(SP;IO;;;;S-1-17-22)", "S:(SP;;;;;S-1-17-1)(SP;IO;;;;S-1-17-22)" },
        /* the other condition-carrying types: ZA (object GUID kept, ACL revision 4) and XU */
        { "D:(ZA;;CR;00299570-246d-11d0-a768-00aa006e0529;;WD;(Member_of {SID(BA)}))S:(XU;SA;FA;;;WD;(@User.x == 1))",
          "D:(ZA;;CR;00299570-246d-11d0-a768-00aa006e0529;;WD;(Member_of {SID(BA)}))S:(XU;SA;FA;;;WD;(@USER.x == 1))" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        PSECURITY_DESCRIPTOR sd = NULL;
        ULONG length = 0;
        if (NtsecSddlToSecurityDescriptor(rows[i].In, &sd, &length) != STATUS_SUCCESS)
            fail_msg("%s: %s", rows[i].In, NtsecLastErrorText());
        PSTR text = PrintAndReparse(rows[i].In, sd, length);
        if (strcmp(text, rows[i].Out) != 0)
            fail_msg("%s: printed %s, want %s", rows[i].In, text, rows[i].Out);
        NtsecFree(text);
        NtsecFree(sd);
    }
    /* the Windows layout of two TS values (JSON corpus): offsets 24 and 38, then 48 */
    {
        PSECURITY_DESCRIPTOR sd = NULL;
        ULONG length = 0;
        assert_int_equal(NtsecSddlToSecurityDescriptor("S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\",\"red\"))",
                                                       &sd, &length), STATUS_SUCCESS);
        PUCHAR claim = (PUCHAR)sd + 20 + 8 + 20;
        assert_int_equal(claim[0], 24);
        assert_int_equal(claim[16], 38);
        assert_int_equal(claim[20], 48);
        NtsecFree(sd);
    }
    static PCSTR bad[] = {
        "S:(RA;;;;;WD;(\"n\",TI,0,9223372036854775808))",
        "S:(RA;;;;;WD;(\"n\",TU,0,-1))",
        "S:(RA;;;;;WD;(\"n\",TX,0,123))",
        "S:(RA;;;;;WD;(\"\",TS,0))",
        "S:(RA;;;;;WD;(\"a%0000\",TS,0,\"b\"))", /* fuzz_cond_sddl: a NUL ends the stored name */
        "S:(RA;;;;;WD;(\"n\",TS,0x100000000))",
        "S:(RA;;;;;WD;(\"n\",TD,0,ZZ))",
        "S:(RA;;;;;WD;(\"n\",TS,0,\"a\"",
        "D:(XA;;FA;;;WD;(\"n\",TS,0,\"a\"))",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        PSECURITY_DESCRIPTOR sd = (PVOID)1;
        if (NtsecSddlToSecurityDescriptor(bad[i], &sd, NULL) != STATUS_INVALID_PARAMETER)
            fail_msg("%s: accepted", bad[i]);
        assert_non_null(strstr(NtsecLastErrorText(), "SDDL error at offset "));
    }
}

/* Deep expressions (fuzz_cond_sddl): a flat chain "(a || a || ...)" is a left-deep tree
 * whose canonical text nests one parenthesis per operator, so the compiler takes at most
 * 126 levels (what it can read back) and refuses more, with the offset of the expression. */
static void test_deep_chains_round_trip_or_fail(void **state)
{
    (void)state;
    for (int n = 120; n <= 130; n += 10) {
        char sddl[4096];
        size_t used = (size_t)snprintf(sddl, sizeof(sddl), "D:(XA;;FA;;;WD;(a");
        for (int i = 1; i < n; i++)
            used += (size_t)snprintf(sddl + used, sizeof(sddl) - used, " || a");
        snprintf(sddl + used, sizeof(sddl) - used, "))");
        PSECURITY_DESCRIPTOR sd = NULL;
        ULONG length = 0;
        NTSTATUS s = NtsecSddlToSecurityDescriptor(sddl, &sd, &length);
        if (n == 120) {
            assert_int_equal(s, STATUS_SUCCESS);
            NtsecFree(PrintAndReparse("120 operands", sd, length));
            NtsecFree(sd);
        } else {
            assert_int_equal(s, STATUS_INVALID_PARAMETER);
            assert_string_equal(NtsecLastErrorText(), "SDDL error at offset 15: conditional expression too deep "
                                "(its canonical text would nest more than 126 parentheses)");
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_bytes_round_trip),
        cmocka_unit_test(test_samba_canonical_text),
        cmocka_unit_test(test_samba_windows_only_and_case_insensitive),
        cmocka_unit_test(test_samba_should_fail),
        cmocka_unit_test(test_samba_windows_lists),
        cmocka_unit_test(test_samba_windows_less_fussy_and_weird),
        cmocka_unit_test(test_invalid_conditions_fail_with_offset),
        cmocka_unit_test(test_valid_conditions_round_trip),
        cmocka_unit_test(test_windows_ra_descriptor),
        cmocka_unit_test(test_resource_attribute_types_and_scoped_policy),
        cmocka_unit_test(test_deep_chains_round_trip_or_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
