/*
 * test_cond_binary.c - binary conditional expressions (MS-DTYP 2.4.4.17): validation of
 * hostile bytes, three-valued evaluation, SDDL text of the byte code, and the access check's
 * use of them in callback ACEs.
 *
 * Sources: MS-DTYP 2.4.4.17.4 (literal tokens: integer = code, 8-byte value, sign, base;
 * strings/octets/SIDs/composites/attributes = code, 4-byte length, bytes), 2.4.4.17.6
 * (relational operators return UNKNOWN when the attribute does not exist; multivalued
 * operands of <,<=,>,>= produce UNKNOWN; any processing error makes the whole expression
 * UNKNOWN; Member_of is TRUE iff SIDs[] holds every SID of the operand), 2.4.4.17.7
 * (logical operators: && is FALSE if either side is FALSE, TRUE if both are TRUE, else
 * UNKNOWN; || dually; !UNKNOWN is UNKNOWN; Exists is TRUE iff the attribute exists) and
 * 2.4.4.17.3 (an allow callback ACE applies only when TRUE; a deny callback ACE when TRUE or
 * UNKNOWN).
 */
#include "conformance/access_table.h"
#include "se/cond.h"
#include "cond_expr.h"

#define U "S-1-5-21-1-2-3-1001"

static PACCESS_TOKEN Subject(VOID)
{
    return AtToken("type=impersonation level=impersonation user=" U
                   " groups=WD,AU,BA,S-1-5-21-1-2-3-513:deny-only integrity=medium");
}

#define Eval(T, E, MatchBit, Reason) CondEval((T), (E), (MatchBit), FALSE, (Reason))

static PSTR Format(const EXPR *E)
{
    SEP_TRACE t = {0};
    assert_status(SepCondFormat(E->B, E->N, &t), STATUS_SUCCESS);
    assert_false(t.Failed);
    return t.Buffer;
}

/* ---- validation ---- */

static void test_validate_accepts_well_formed(void **state)
{
    (void)state;
    EXPR e;
    ULONG n = 0;
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "dept"); XStr(&e, SEP_COND_STRING, "Sales");
    XByte(&e, SEP_COND_EQ); XByte(&e, 0); XByte(&e, 0);
    assert_status(SepCondValidate(e.B, e.N, &n), STATUS_SUCCESS);
    assert_int_equal(n, 3);
}

static void test_validate_rejects_hostile(void **state)
{
    (void)state;
    EXPR e;
    /* no signature */
    XBegin(&e); e.B[0] = 'x'; XSid(&e, "O:BA"); XByte(&e, SEP_COND_MEMBER_OF);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    /* truncated integer */
    XBegin(&e); XI(&e, 1); e.N -= 3;
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    /* int8 out of range; bad sign byte; bad base byte */
    XBegin(&e); XInt(&e, SEP_COND_INT8, 200, SEP_COND_SIGN_NONE, SEP_COND_BASE_DECIMAL);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    XBegin(&e); XInt(&e, SEP_COND_INT64, 1, 0x04, SEP_COND_BASE_DECIMAL);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    XBegin(&e); XInt(&e, SEP_COND_INT64, 1, SEP_COND_SIGN_NONE, 0x00);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    /* string of odd length; length past the end */
    XBegin(&e); XByte(&e, SEP_COND_STRING); X32(&e, 3); XByte(&e, 'a'); XByte(&e, 0); XByte(&e, 'b');
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    XBegin(&e); XByte(&e, SEP_COND_OCTETS); X32(&e, 0xFFFFFFFF); XByte(&e, 1);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    /* empty attribute name */
    XBegin(&e); XByte(&e, SEP_COND_USER_ATTR); X32(&e, 0); XByte(&e, SEP_COND_EXISTS);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    /* SID whose length is not its size */
    XBegin(&e); XSid(&e, "O:BA"); e.B[5] = 20; XByte(&e, 0); XByte(&e, 0); XByte(&e, 0); XByte(&e, 0);
    XByte(&e, SEP_COND_MEMBER_OF);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    /* nested composite */
    XBegin(&e); XByte(&e, SEP_COND_COMPOSITE); X32(&e, 5); XByte(&e, SEP_COND_COMPOSITE); X32(&e, 0);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    /* operators without operands, two values left, unknown byte code */
    XBegin(&e); XByte(&e, SEP_COND_MEMBER_OF);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    XBegin(&e); XI(&e, 1); XByte(&e, SEP_COND_EQ);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    XBegin(&e); XI(&e, 1); XI(&e, 1);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    XBegin(&e); XI(&e, 1); XByte(&e, 0x99);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    /* a nonzero byte after the padding; nothing after the signature */
    XBegin(&e); XSid(&e, "O:BA"); XByte(&e, SEP_COND_MEMBER_OF); XByte(&e, 0); XByte(&e, 1);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
    XBegin(&e);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
}

static void test_validate_bounds_stack_depth(void **state)
{
    (void)state;
    static EXPR e; /* 257 pushes do not fit in 4096 bytes as integers: use 1-byte-body octets */
    XBegin(&e);
    for (int i = 0; i < SEP_COND_MAX_STACK; i++) { XByte(&e, SEP_COND_OCTETS); X32(&e, 0); }
    for (int i = 1; i < SEP_COND_MAX_STACK; i++) XByte(&e, SEP_COND_EQ);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_SUCCESS);
    XBegin(&e);
    for (int i = 0; i < SEP_COND_MAX_STACK + 1; i++) { XByte(&e, SEP_COND_OCTETS); X32(&e, 0); }
    for (int i = 0; i < SEP_COND_MAX_STACK; i++) XByte(&e, SEP_COND_EQ);
    assert_status(SepCondValidate(e.B, e.N, NULL), STATUS_INVALID_ACE_CONDITION);
}

/* ---- evaluation ---- */

static void test_member_of_family_against_token_groups(void **state)
{
    (void)state;
    PACCESS_TOKEN t = Subject();
    EXPR e;
    PCSTR baWd[] = {"O:BA", "O:WD"}, baSy[] = {"O:BA", "O:SY"}, sy[] = {"O:SY"};
    struct { UCHAR Op; int Count; PCSTR *Sids; SEP_COND_VALUE Expect; } rows[] = {
        {SEP_COND_MEMBER_OF, 2, baWd, SepCondTrue},
        {SEP_COND_MEMBER_OF, 2, baSy, SepCondFalse},
        {SEP_COND_MEMBER_OF_ANY, 2, baSy, SepCondTrue},
        {SEP_COND_MEMBER_OF_ANY, 1, sy, SepCondFalse},
        {SEP_COND_NOT_MEMBER_OF, 2, baSy, SepCondTrue},
        {SEP_COND_NOT_MEMBER_OF, 2, baWd, SepCondFalse},
        {SEP_COND_NOT_MEMBER_OF_ANY, 1, sy, SepCondTrue},
        {SEP_COND_NOT_MEMBER_OF_ANY, 2, baSy, SepCondFalse},
        /* the token carries no device groups: an empty set */
        {SEP_COND_DEVICE_MEMBER_OF, 1, baWd, SepCondFalse},
        {SEP_COND_DEVICE_MEMBER_OF_ANY, 2, baWd, SepCondFalse},
        {SEP_COND_NOT_DEVICE_MEMBER_OF, 1, baWd, SepCondTrue},
        {SEP_COND_NOT_DEVICE_MEMBER_OF_ANY, 2, baWd, SepCondTrue},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        XBegin(&e); XSids(&e, rows[i].Count, rows[i].Sids); XByte(&e, rows[i].Op);
        assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), rows[i].Expect);
    }
    /* a single SID literal operand */
    XBegin(&e); XSid(&e, "O:AU"); XByte(&e, SEP_COND_MEMBER_OF);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondTrue);
    /* a deny-only group counts for a deny ACE only */
    XBegin(&e); XSid(&e, "O:S-1-5-21-1-2-3-513"); XByte(&e, SEP_COND_MEMBER_OF);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondFalse);
    assert_int_equal(Eval(t, &e, SEP_MATCH_DENY, NULL), SepCondTrue);
    /* a non-SID operand is an error: UNKNOWN */
    PCSTR why = NULL;
    XBegin(&e); XI(&e, 5); XByte(&e, SEP_COND_MEMBER_OF);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, &why), SepCondUnknown);
    assert_non_null(why);
    ObDereferenceObject(t);
}

static void test_absent_attributes_and_three_valued_logic(void **state)
{
    (void)state;
    PACCESS_TOKEN t = Subject();
    EXPR e;
    /* @User.dept == "Sales": the attribute does not exist: UNKNOWN */
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "dept"); XStr(&e, SEP_COND_STRING, "Sales"); XByte(&e, SEP_COND_EQ);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondUnknown);
    /* Exists / Not_Exists of absent @Resource., @Device., @Local. attributes */
    UCHAR kinds[] = {SEP_COND_RESOURCE_ATTR, SEP_COND_DEVICE_ATTR, SEP_COND_LOCAL_ATTR, SEP_COND_USER_ATTR};
    for (size_t i = 0; i < sizeof(kinds); i++) {
        XBegin(&e); XStr(&e, kinds[i], "x"); XByte(&e, SEP_COND_EXISTS);
        assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondFalse);
        XBegin(&e); XStr(&e, kinds[i], "x"); XByte(&e, SEP_COND_NOT_EXISTS);
        assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondTrue);
    }
    /* Exists of a literal is an error */
    XBegin(&e); XI(&e, 1); XByte(&e, SEP_COND_EXISTS);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondUnknown);
    /* UNKNOWN || TRUE = TRUE; UNKNOWN || FALSE = UNKNOWN; UNKNOWN && FALSE = FALSE;
     * UNKNOWN && TRUE = UNKNOWN; !UNKNOWN = UNKNOWN; !TRUE = FALSE */
    struct { UCHAR Op; PCSTR Right; SEP_COND_VALUE Expect; } rows[] = {
        {SEP_COND_OR, "O:BA", SepCondTrue},   {SEP_COND_OR, "O:SY", SepCondUnknown},
        {SEP_COND_AND, "O:SY", SepCondFalse}, {SEP_COND_AND, "O:BA", SepCondUnknown},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "a"); XI(&e, 1); XByte(&e, SEP_COND_EQ);
        XSid(&e, rows[i].Right); XByte(&e, SEP_COND_MEMBER_OF); XByte(&e, rows[i].Op);
        assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), rows[i].Expect);
    }
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "a"); XI(&e, 1); XByte(&e, SEP_COND_EQ); XByte(&e, SEP_COND_NOT);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondUnknown);
    XBegin(&e); XSid(&e, "O:BA"); XByte(&e, SEP_COND_MEMBER_OF); XByte(&e, SEP_COND_NOT);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondFalse);
    /* a processing error anywhere makes the whole expression UNKNOWN, even TRUE || error */
    XBegin(&e); XSid(&e, "O:BA"); XByte(&e, SEP_COND_MEMBER_OF);
    XI(&e, 1); XStr(&e, SEP_COND_STRING, "a"); XByte(&e, SEP_COND_EQ); XByte(&e, SEP_COND_OR);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondUnknown);
    /* a bare literal or attribute is not a condition */
    XBegin(&e); XI(&e, 1);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondUnknown);
    ObDereferenceObject(t);
}

static void test_relational_operators_on_literals(void **state)
{
    (void)state;
    PACCESS_TOKEN t = Subject();
    EXPR e;
    struct { LONGLONG A, B; UCHAR Op; SEP_COND_VALUE Expect; } ints[] = {
        {1, 1, SEP_COND_EQ, SepCondTrue},   {1, 2, SEP_COND_EQ, SepCondFalse},
        {1, 2, SEP_COND_NE, SepCondTrue},   {-5, 3, SEP_COND_LT, SepCondTrue},
        {3, 3, SEP_COND_LE, SepCondTrue},   {3, -5, SEP_COND_GT, SepCondTrue},
        {2, 3, SEP_COND_GE, SepCondFalse},  {-1, 0, SEP_COND_GT, SepCondFalse},
    };
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        XBegin(&e); XI(&e, ints[i].A); XI(&e, ints[i].B); XByte(&e, ints[i].Op);
        assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), ints[i].Expect);
    }
    /* integers of different widths compare by value */
    XBegin(&e); XInt(&e, SEP_COND_INT8, -3, SEP_COND_SIGN_MINUS, SEP_COND_BASE_DECIMAL); XI(&e, -3);
    XByte(&e, SEP_COND_EQ);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondTrue);
    /* strings: case-insensitive */
    XBegin(&e); XStr(&e, SEP_COND_STRING, "Sales"); XStr(&e, SEP_COND_STRING, "SALES"); XByte(&e, SEP_COND_EQ);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondTrue);
    XBegin(&e); XStr(&e, SEP_COND_STRING, "abc"); XStr(&e, SEP_COND_STRING, "ABD"); XByte(&e, SEP_COND_LT);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondTrue);
    /* mixed types: error */
    XBegin(&e); XI(&e, 1); XStr(&e, SEP_COND_STRING, "1"); XByte(&e, SEP_COND_EQ);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondUnknown);
    /* SIDs: equality only */
    XBegin(&e); XSid(&e, "O:BA"); XSid(&e, "O:BA"); XByte(&e, SEP_COND_EQ);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondTrue);
    XBegin(&e); XSid(&e, "O:BA"); XSid(&e, "O:BU"); XByte(&e, SEP_COND_LT);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondUnknown);
    /* sets: Contains, Any_of, == on composites, < on a composite */
    LONGLONG s123[] = {1, 2, 3}, s12[] = {1, 2}, s45[] = {4, 5}, s21[] = {2, 1}, s3[] = {3};
    struct { int NA; const LONGLONG *A; int NB; const LONGLONG *B; UCHAR Op; SEP_COND_VALUE Expect; } sets[] = {
        {3, s123, 2, s12, SEP_COND_CONTAINS, SepCondTrue},
        {2, s12, 3, s123, SEP_COND_CONTAINS, SepCondFalse},
        {2, s12, 3, s123, SEP_COND_NOT_CONTAINS, SepCondTrue},
        {3, s123, 2, s45, SEP_COND_ANY_OF, SepCondFalse},
        {1, s3, 3, s123, SEP_COND_ANY_OF, SepCondTrue},
        {1, s3, 3, s123, SEP_COND_NOT_ANY_OF, SepCondFalse},
        {2, s12, 2, s21, SEP_COND_EQ, SepCondTrue},
        {2, s12, 3, s123, SEP_COND_EQ, SepCondFalse},
        {2, s12, 3, s123, SEP_COND_NE, SepCondTrue},
        {2, s12, 1, s3, SEP_COND_LT, SepCondUnknown},
    };
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        XBegin(&e); XInts(&e, sets[i].NA, sets[i].A); XInts(&e, sets[i].NB, sets[i].B); XByte(&e, sets[i].Op);
        assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), sets[i].Expect);
    }
    /* relational operator on a TRUE/FALSE result: error */
    XBegin(&e); XSid(&e, "O:BA"); XByte(&e, SEP_COND_MEMBER_OF); XI(&e, 1); XByte(&e, SEP_COND_EQ);
    assert_int_equal(Eval(t, &e, SEP_MATCH_ALLOW, NULL), SepCondUnknown);
    ObDereferenceObject(t);
}

/* ---- SDDL text ---- */

static void test_format_sddl_text(void **state)
{
    (void)state;
    EXPR e;
    PCSTR sids[] = {"O:BA", "O:S-1-5-21-1-2-3-1001"};
    XBegin(&e); XSids(&e, 2, sids); XByte(&e, SEP_COND_MEMBER_OF_ANY);
    XStr(&e, SEP_COND_USER_ATTR, "dept"); XStr(&e, SEP_COND_STRING, "Sales"); XByte(&e, SEP_COND_EQ);
    XByte(&e, SEP_COND_AND);
    XStr(&e, SEP_COND_RESOURCE_ATTR, "x"); XByte(&e, SEP_COND_EXISTS); XByte(&e, SEP_COND_NOT);
    XByte(&e, SEP_COND_OR);
    PSTR s = Format(&e);
    assert_string_equal(s, "(((Member_of_any {SID(BA), SID(S-1-5-21-1-2-3-1001)}) && "
                           "(@USER.dept == \"Sales\")) || (!(Exists @RESOURCE.x)))");
    NtsecFree(s);
    XBegin(&e); XInt(&e, SEP_COND_INT32, -16, SEP_COND_SIGN_MINUS, SEP_COND_BASE_HEX);
    XInt(&e, SEP_COND_INT8, 8, SEP_COND_SIGN_NONE, SEP_COND_BASE_OCTAL); XByte(&e, SEP_COND_LT);
    s = Format(&e);
    assert_string_equal(s, "(-0x10 < 010)");
    NtsecFree(s);
}

/* ---- the access check ---- */

/* The check of Subject() asking Desired against (XA/XD cond), explained (NtsecAccessCheckExplain);
 * *Trace, when asked for, the explanation (caller frees). */
static NTSTATUS Check(UCHAR Type, const EXPR *E, ACCESS_MASK Desired, PSTR *Trace)
{
    PACCESS_TOKEN t = Subject();
    PSTR unwanted = NULL;
    NTSTATUS s = CallbackCheck(t, Type, E, FALSE, Desired, Trace != NULL ? Trace : &unwanted);
    NtsecFree(unwanted);
    ObDereferenceObject(t);
    return s;
}

static void test_access_check_allow_callback_applies_only_when_true(void **state)
{
    (void)state;
    EXPR yes, no, unknown;
    XBegin(&yes); XSid(&yes, "O:BA"); XByte(&yes, SEP_COND_MEMBER_OF);
    XBegin(&no); XSid(&no, "O:SY"); XByte(&no, SEP_COND_MEMBER_OF);
    XBegin(&unknown); XStr(&unknown, SEP_COND_USER_ATTR, "a"); XI(&unknown, 1); XByte(&unknown, SEP_COND_EQ);
    PSTR trace = NULL;
    assert_status(Check(ACCESS_ALLOWED_CALLBACK_ACE_TYPE, &yes, FILE_READ_DATA, &trace), STATUS_SUCCESS);
    assert_non_null(strstr(trace, "ACE[0] allow-callback S-1-1-0 (WD) condition (Member_of SID(BA)) "
                                  "is TRUE: the ACE applies"));
    NtsecFree(trace);
    assert_status(Check(ACCESS_ALLOWED_CALLBACK_ACE_TYPE, &no, FILE_READ_DATA, NULL), STATUS_ACCESS_DENIED);
    assert_status(Check(ACCESS_ALLOWED_CALLBACK_ACE_TYPE, &unknown, FILE_READ_DATA, &trace),
                  STATUS_ACCESS_DENIED);
    assert_non_null(strstr(trace, "is UNKNOWN: the ACE does not apply"));
    NtsecFree(trace);
    assert_status(Check(ACCESS_ALLOWED_CALLBACK_ACE_TYPE, NULL, FILE_READ_DATA, NULL), STATUS_ACCESS_DENIED);
    /* an applying ACE grants only its mask */
    assert_status(Check(ACCESS_ALLOWED_CALLBACK_ACE_TYPE, &yes, FILE_WRITE_DATA, NULL), STATUS_ACCESS_DENIED);
}

/* Deny callback ACEs deny on TRUE or UNKNOWN: a DACL (XD cond)(A;;FA;;;WD). */
static void test_access_check_deny_callback_applies_on_true_or_unknown(void **state)
{
    (void)state;
    EXPR yes, no, unknown;
    XBegin(&yes); XSid(&yes, "O:BA"); XByte(&yes, SEP_COND_MEMBER_OF);
    XBegin(&no); XSid(&no, "O:SY"); XByte(&no, SEP_COND_MEMBER_OF);
    XBegin(&unknown); XStr(&unknown, SEP_COND_USER_ATTR, "a"); XByte(&unknown, SEP_COND_EXISTS);
    XByte(&unknown, SEP_COND_NOT); XStr(&unknown, SEP_COND_USER_ATTR, "a"); XI(&unknown, 1);
    XByte(&unknown, SEP_COND_EQ); XByte(&unknown, SEP_COND_AND); /* TRUE && UNKNOWN */
    struct { const EXPR *E; NTSTATUS Expect; } rows[] = {
        {&yes, STATUS_ACCESS_DENIED}, {&no, STATUS_SUCCESS}, {&unknown, STATUS_ACCESS_DENIED},
        {NULL, STATUS_ACCESS_DENIED},
    };
    PACCESS_TOKEN t = Subject();
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_status(CallbackCheck(t, ACCESS_DENIED_CALLBACK_ACE_TYPE, rows[i].E, TRUE,
                                    FILE_READ_DATA, NULL),
                      rows[i].Expect);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_accepts_well_formed),
        cmocka_unit_test(test_validate_rejects_hostile),
        cmocka_unit_test(test_validate_bounds_stack_depth),
        cmocka_unit_test(test_member_of_family_against_token_groups),
        cmocka_unit_test(test_absent_attributes_and_three_valued_logic),
        cmocka_unit_test(test_relational_operators_on_literals),
        cmocka_unit_test(test_format_sddl_text),
        cmocka_unit_test(test_access_check_allow_callback_applies_only_when_true),
        cmocka_unit_test(test_access_check_deny_callback_applies_on_true_or_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
