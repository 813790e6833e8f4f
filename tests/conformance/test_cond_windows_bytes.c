/*
 * test_cond_windows_bytes.c - conditional expressions as Windows compiles them: each row's
 * bytes are the application data of a callback ACE that Windows produced from the SDDL in
 * the row's comment (facts transcribed from Samba's Windows-generated corpus,
 * libcli/security/tests/windows/conditional_aces.txt.json, samba-team/samba commit
 * 28d23377741562468f283ff752fdb7efe54848b7: a map from SDDL given to Windows to the
 * self-relative descriptor Windows returned). Each must validate, print as the SDDL text of
 * cond_format.c, and evaluate as MS-DTYP 2.4.4.17.6/.7 say for the row's token.
 *
 * Facts these rows pin: Member_of{SID(x)} compiles to a one-SID composite (0x50) then 0x89;
 * a decimal literal is an int64 (0x04) with sign "none" (0x03) and base decimal (0x02), a
 * 0x literal has base hex (0x03); a bare name is a local attribute (0xf8); @USER. and @User.
 * both compile to 0xf9; "A || B && C" compiles to A B C && || (&& binds tighter) and
 * "A && B || C" to A B && C ||; the expression is zero-padded to the ACE's 4-byte multiple,
 * and not padded when it already ends on one.
 */
#include "../conformance/access_table.h"
#include "se/cond.h"

#define ARTX 97, 114, 116, 120

typedef struct _ROW {
    PCSTR WindowsSddl;       /* what was given to Windows */
    const UCHAR *Bytes;
    ULONG Length;
    PCSTR Text;              /* our SDDL text of the bytes */
    SEP_COND_VALUE Value;    /* for the token below */
} ROW;

static const UCHAR Title[] = {ARTX, 249, 10, 0, 0, 0, 84, 0, 105, 0, 116, 0, 108, 0, 101, 0,
                              16, 4, 0, 0, 0, 80, 0, 77, 0, 128, 0, 0, 0};
static const UCHAR NotNot[] = {ARTX, 80, 21, 0, 0, 0, 81, 16, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 5,
                               32, 0, 0, 0, 67, 2, 0, 0, 137, 162, 162, 0, 0, 0};
static const UCHAR OrAnd[] = {ARTX, 249, 2, 0, 0, 0, 65, 0, 251, 2, 0, 0, 0, 66, 0, 249, 2, 0,
                              0, 0, 67, 0, 160, 161, 0};
static const UCHAR AndOr[] = {ARTX, 249, 2, 0, 0, 0, 65, 0, 251, 2, 0, 0, 0, 66, 0, 160, 249, 2,
                              0, 0, 0, 67, 0, 161, 0};
static const UCHAR Local[] = {ARTX, 248, 2, 0, 0, 0, 97, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 3, 2,
                              128, 0};
static const UCHAR Hex[] = {ARTX, 251, 4, 0, 0, 0, 98, 0, 98, 0, 4, 255, 255, 255, 255, 255,
                            255, 255, 127, 3, 3, 128, 0, 0, 0};
static const UCHAR AnyOf[] = {ARTX, 80, 17, 0, 0, 0, 81, 12, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 222,
                              77, 1, 0, 0, 139, 0};
static const UCHAR TwoSids[] = {ARTX, 80, 46, 0, 0, 0, 81, 20, 0, 0, 0, 1, 3, 0, 0, 0, 0, 3, 231,
                                9, 3, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0, 81, 16, 0, 0, 0, 1, 2, 0, 0,
                                0, 0, 0, 5, 32, 0, 0, 0, 39, 2, 0, 0, 137, 251, 18, 0, 0, 0, 66,
                                0, 105, 0, 116, 0, 108, 0, 111, 0, 99, 0, 107, 0, 101, 0, 114, 0,
                                160};

#define R(s, b, t, v) {s, b, sizeof(b), t, v}
static const ROW Rows[] = {
    R("(@User.Title == \"PM\")", Title, "(@USER.Title == \"PM\")", SepCondUnknown),
    R("(!(! (Member_of{SID(AA)})))", NotNot, "(!(!(Member_of {SID(AA)})))", SepCondFalse),
    R("(@USER.A || @Device.B && @USER.C)", OrAnd, "((@USER.A) || ((@DEVICE.B) && (@USER.C)))", SepCondUnknown),
    R("(@USER.A && @Device.B || @USER.C)", AndOr, "(((@USER.A) && (@DEVICE.B)) || (@USER.C))", SepCondUnknown),
    R("(a == 1)", Local, "(a == 1)", SepCondUnknown),
    R("(@Device.bb == 0x7fffffffffffffff)", Hex, "(@DEVICE.bb == 0x7fffffffffffffff)", SepCondUnknown),
    R("(Member_of_Any{SID(S-1-222-333)})", AnyOf, "(Member_of_any {SID(S-1-222-333)})", SepCondTrue),
    /* FALSE && UNKNOWN is FALSE (MS-DTYP 2.4.4.17.7) */
    R("(Member_of {SID(S-1-999-777-7-7), SID(BO)} && @Device.Bitlocker)", TwoSids,
      "((Member_of {SID(S-1-999-777-7-7), SID(BO)}) && (@DEVICE.Bitlocker))", SepCondFalse),
};

static PACCESS_TOKEN RowToken(VOID)
{
    return AtToken("type=impersonation level=impersonation user=S-1-5-21-1-2-3-1001 "
                   "groups=WD,AU,S-1-222-333 integrity=medium");
}

static void test_windows_bytes_validate_format_evaluate(void **state)
{
    (void)state;
    PACCESS_TOKEN t = RowToken();
    for (size_t i = 0; i < sizeof(Rows) / sizeof(Rows[0]); i++) {
        const ROW *r = &Rows[i];
        assert_status(SepCondValidate(r->Bytes, r->Length, NULL), STATUS_SUCCESS);
        SEP_TRACE text = {0};
        assert_status(SepCondFormat(r->Bytes, r->Length, &text), STATUS_SUCCESS);
        if (strcmp(text.Buffer, r->Text) != 0)
            fail_msg("row %zu (%s): printed %s, want %s", i, r->WindowsSddl, text.Buffer, r->Text);
        NtsecFree(text.Buffer);
        SEP_COND_CONTEXT ctx = {.Token = t, .Restricted = FALSE, .MatchBit = SEP_MATCH_ALLOW};
        SepAcquireTokenLockShared(t);
        SEP_COND_VALUE v = SepCondEvaluate(r->Bytes, r->Length, &ctx, NULL);
        SepReleaseTokenLock(t);
        if (v != r->Value)
            fail_msg("row %zu (%s): %s, want %s", i, r->WindowsSddl, SepCondValueName(v),
                     SepCondValueName(r->Value));
    }
    ObDereferenceObject(t);
}

/* The whole Windows-produced descriptor for D:(XA;;0x1ff;;;WD;(Member_of_Any{SID(S-1-222-333)})):
 * a token in S-1-222-333 gets the ACE's rights, one without it gets nothing. */
static void test_windows_descriptor_member_of_any(void **state)
{
    (void)state;
    static const UCHAR sd[] = {1, 0, 4, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0,
                               2, 0, 56, 0, 1, 0, 0, 0, 9, 0, 48, 0, 255, 1, 0, 0, 1, 1, 0, 0,
                               0, 0, 0, 1, 0, 0, 0, 0, ARTX, 80, 17, 0, 0, 0, 81, 12, 0, 0, 0,
                               1, 1, 0, 0, 0, 0, 0, 222, 77, 1, 0, 0, 139, 0};
    GENERIC_MAPPING m = SepFileMapping;
    PCSTR tokens[] = {"groups=WD,AU,S-1-222-333", "groups=WD,AU"};
    for (int i = 0; i < 2; i++) {
        char text[256];
        snprintf(text, sizeof(text), "type=impersonation level=impersonation "
                 "user=S-1-5-21-1-2-3-1001 %s integrity=medium", tokens[i]);
        PACCESS_TOKEN t = AtToken(text);
        ACCESS_MASK g = 0;
        NTSTATUS s = 0;
        PSTR trace = NULL;
        assert_status(NtsecAccessCheckExplain((PSECURITY_DESCRIPTOR)sd, t, MAXIMUM_ALLOWED, &m, 0,
                                              &g, &s, &trace), STATUS_SUCCESS);
        assert_status(s, i == 0 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED);
        assert_int_equal(g, i == 0 ? 0x1ff : 0);
        assert_non_null(strstr(trace, i == 0 ? "(Member_of_any {SID(S-1-222-333)}) is TRUE: the ACE applies"
                                             : "(Member_of_any {SID(S-1-222-333)}) is FALSE: the ACE does not apply"));
        NtsecFree(trace);
        ObDereferenceObject(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_bytes_validate_format_evaluate),
        cmocka_unit_test(test_windows_descriptor_member_of_any),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
