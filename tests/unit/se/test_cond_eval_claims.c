/*
 * test_cond_claims.c - claims and device groups in tokens: the token text form
 * (user-claims=, device-claims=, device-groups=), SeQueryInformationToken /
 * ZwQueryInformationToken (TokenUserClaimAttributes, TokenDeviceClaimAttributes,
 * TokenDeviceGroups and their restricted forms), and the conditional evaluator reading them.
 *
 * Sources: winnt.h CLAIM_SECURITY_ATTRIBUTE_V1 (value types; BOOLEAN values are ULONG64 0/1;
 * SID values are OCTET_STRING values holding a PSID; CASE_SENSITIVE applies to values;
 * DISABLED claims are not applied by AccessCheck; USE_FOR_DENY_ONLY claims are considered
 * only for deny ACEs); MS-DTYP 2.5.1.2.2 (@User./@Device. name the claim of the same name,
 * case-insensitive), 2.4.4.17.6 (Device_Member_of: DeviceSIDs[] holds every SID; multivalued
 * operands of < are UNKNOWN; an absent attribute is UNKNOWN), 2.4.4.17.7 (an attribute as a
 * logical operand: an integer is TRUE iff nonzero, a string iff not empty), 2.4.4.17.3 (allow
 * callback ACEs apply on TRUE only, deny callback ACEs on TRUE or UNKNOWN); Samba
 * libcli/security/tests/test_run_conditional_ace.c (test_different_case,
 * test_different_case_with_case_sensitive_flag, test_claim_name_different_case(_case_flag),
 * test_composite_different_order, test_contains(_incomplete), test_any_of,
 * test_not_any_of_1_fail, test_Device_Member_of_and_Member_of, test_not_not_Not_Member_of,
 * test_user_claim_eq_device_claim, test_user_attr_any_of_missing_resource_attr).
 */
#include "conformance/access_table.h"
#include "se/cond.h"
#include "cond_expr.h"

#define U "S-1-5-21-1-2-3-1001"
#define CLAIMS                                                                                     \
    " user-claims=(\"dept\",TS,0x0,\"Sales\",\"HR\"),(\"level\",TI,0x0,5),(\"big\",TU,0x0,"       \
    "18446744073709551615),(\"ok\",TB,0x0,1),(\"who\",TD,0x0,BA),(\"blob\",TX,0x0,00ff),"          \
    "(\"fq\",TF,0x0,3:\"O=Contoso\"),(\"cs\",TS,0x2,\"Blue\"),(\"off\",TI,0x10,1),"                 \
    "(\"denyonly\",TI,0x4,1),(\"empty\",TS,0x0,\"\"),(\"zero\",TI,0x0,0)"                        \
    " device-claims=(\"colour\",TS,0x0,\"orange\",\"blue\"),(\"dept\",TS,0x0,\"sales\")"         \
    " device-groups=BA,BG,S-1-5-32-545:deny-only"

static PACCESS_TOKEN ClaimsToken(VOID)
{
    return AtToken("user=" U " groups=WD,AU type=impersonation level=impersonation" CLAIMS);
}

#define ALLOW(T, E) CondEval((T), (E), SEP_MATCH_ALLOW, FALSE, NULL)
#define DENY(T, E) CondEval((T), (E), SEP_MATCH_DENY, FALSE, NULL)

/* Attribute (code A, name N) op string literal S. */
static VOID AttrStr(EXPR *E, UCHAR A, PCSTR N, UCHAR Op, PCSTR S)
{
    XBegin(E); XStr(E, A, N); XStr(E, SEP_COND_STRING, S); XByte(E, Op);
}
static VOID AttrInt(EXPR *E, UCHAR A, PCSTR N, UCHAR Op, LONGLONG V)
{
    XBegin(E); XStr(E, A, N); XI(E, V); XByte(E, Op);
}

/* ---- text form ---- */

static void test_claims_text_round_trip(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    char a[4096], b[4096];
    SIZE_T need = 0;
    assert_status(NtsecFormatToken(t, a, sizeof(a), &need), STATUS_SUCCESS);
    assert_non_null(strstr(a, " device-groups=BA,BG,BU:deny-only user-claims=(\"dept\",TS,0x0,\"Sales\",\"HR\"),"
                              "(\"level\",TI,0x0,5),(\"big\",TU,0x0,18446744073709551615),(\"ok\",TB,0x0,1),"
                              "(\"who\",TD,0x0,BA),(\"blob\",TX,0x0,00ff),(\"fq\",TF,0x0,3:\"O=Contoso\"),"));
    assert_non_null(strstr(a, " device-claims=(\"colour\",TS,0x0,\"orange\",\"blue\"),(\"dept\",TS,0x0,\"sales\")"));
    PACCESS_TOKEN t2 = NULL;
    assert_status(NtsecCreateTokenFromText(a, &t2), STATUS_SUCCESS);
    assert_status(NtsecFormatToken(t2, b, sizeof(b), NULL), STATUS_SUCCESS);
    assert_string_equal(a, b);
    /* blanks inside the parentheses, decimal flags, true/false, hex integers, UTF-8 */
    PACCESS_TOKEN t3 = AtToken("user=" U " user-claims=( \"n\" , TB , 2 , false ),(\"x\",TI,0,-0x10),"
                               "(\"u\",TS,0,\"gr\xc3\xbc\xc3\x9f \xf0\x9f\x99\x82\")");
    assert_status(NtsecFormatToken(t3, b, sizeof(b), NULL), STATUS_SUCCESS);
    assert_non_null(strstr(b, " user-claims=(\"n\",TB,0x2,0),(\"x\",TI,0x0,-16),"
                              "(\"u\",TS,0x0,\"gr\xc3\xbc\xc3\x9f \xf0\x9f\x99\x82\")"));
    ObDereferenceObject(t3);
    ObDereferenceObject(t2);
    ObDereferenceObject(t);
}

static void test_claims_text_errors_name_the_item(void **state)
{
    (void)state;
    static const struct { PCSTR Text, Message; } rows[] = {
        {"user-claims=(\"a\",TQ,0,1)", "token text: unknown claim type \"TQ\" for \"a\" in user-claims (TI, TU, TS, TD, TX, TB or TF)"},
        {"user-claims=(\"a\",TI,0,9223372036854775808)", "token text: bad TI value 9223372036854775808 for claim \"a\" in user-claims"},
        {"device-claims=(\"a\",TU,0,-1)", "token text: bad TU value -1 for claim \"a\" in device-claims"},
        {"user-claims=(\"a\",TB,0,2)", "token text: bad TB value 2 for claim \"a\" in user-claims"},
        {"user-claims=(\"a\",TX,0,0f0)", "token text: bad TX value 0f0 for claim \"a\" in user-claims"},
        {"user-claims=(\"a\",TD,0,S-1-x)", "token text: bad TD value S-1-x for claim \"a\" in user-claims"},
        {"user-claims=(\"a\",TS,0,bare)", "token text: bad TS value bare for claim \"a\" in user-claims"},
        {"user-claims=(\"a\",TF,0,\"n\")", "token text: bad TF value \"n\" for claim \"a\" in user-claims"},
        {"user-claims=(\"a\",TI,0x40,1)", "token text: bad claim flags \"0x40\" for \"a\" in user-claims"},
        {"user-claims=(\"a\",TI,0)", "token text: claim \"a\" in user-claims needs a name, a type, flags and at least one value"},
        {"user-claims=(\"\",TI,0,1)", "token text: bad claim name \"\" in user-claims (a quoted, non-empty string)"},
        {"user-claims=\"a\",TI,0,1", "token text: claim \"\"a\"\" in user-claims must be (\"name\",TYPE,FLAGS,VALUE...)"},
        {"user-claims=(\"a\",TS,0,\"x\",\"X\")", "token text: claim \"a\" in user-claims has the same value twice"},
        {"user-claims=(\"a\",TI,0,1),(\"A\",TU,0,1)", "token text: claim \"A\" in user-claims repeats the name of an earlier claim"},
        {"device-groups=BA:shiny", "token text: unknown group flag \"shiny\" in device-groups"},
        {"user-claims=(\"a\",TI,0,1", "token text: unterminated parenthesis in user-claims"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text), "user=" U " %s", rows[i].Text);
        PACCESS_TOKEN t = (PACCESS_TOKEN)1;
        assert_status(NtsecCreateTokenFromText(text, &t), STATUS_INVALID_PARAMETER);
        assert_null(t);
        assert_string_equal(NtsecLastErrorText(), rows[i].Message);
    }
    /* a case-sensitive claim may hold values that differ only in case */
    ObDereferenceObject(AtToken("user=" U " user-claims=(\"a\",TS,0x2,\"x\",\"X\")"));
}

/* ---- queries ---- */

static void test_query_claim_classes(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    PCLAIM_SECURITY_ATTRIBUTES_INFORMATION c = NULL;
    assert_status(SeQueryInformationToken(t, TokenUserClaimAttributes, (PVOID *)&c), STATUS_SUCCESS);
    assert_int_equal(c->Version, CLAIM_SECURITY_ATTRIBUTES_INFORMATION_VERSION_V1);
    assert_int_equal(c->AttributeCount, 12);
    PCLAIM_SECURITY_ATTRIBUTE_V1 a = c->Attribute.pAttributeV1;
    assert_int_equal(a[0].ValueType, CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING);
    assert_int_equal(a[0].ValueCount, 2);
    assert_int_equal(a[0].Name[0], 'd');
    assert_int_equal(SepWideLength(a[0].Name), 4);
    assert_int_equal(a[0].Values.ppString[1][0], 'H');
    assert_int_equal(a[1].Values.pInt64[0], 5);
    assert_true(a[2].Values.pUint64[0] == ~(ULONG64)0);
    assert_int_equal(a[3].ValueType, CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN);
    assert_int_equal(a[3].Values.pUint64[0], 1);
    assert_int_equal(a[4].ValueType, CLAIM_SECURITY_ATTRIBUTE_TYPE_SID);
    assert_int_equal(a[4].Values.pOctetString[0].ValueLength, 16);
    assert_true(RtlValidSid(a[4].Values.pOctetString[0].pValue));
    assert_int_equal(a[5].Values.pOctetString[0].ValueLength, 2);
    assert_int_equal(((PUCHAR)a[5].Values.pOctetString[0].pValue)[1], 0xff);
    assert_true(a[6].Values.pFqbn[0].Version == 3);
    assert_int_equal(a[6].Values.pFqbn[0].Name[0], 'O');
    assert_int_equal(a[8].Flags, CLAIM_SECURITY_ATTRIBUTE_DISABLED);
    ExFreePool(c);

    assert_status(SeQueryInformationToken(t, TokenDeviceClaimAttributes, (PVOID *)&c), STATUS_SUCCESS);
    assert_int_equal(c->AttributeCount, 2);
    ExFreePool(c);
    assert_status(SeQueryInformationToken(t, TokenRestrictedUserClaimAttributes, (PVOID *)&c), STATUS_SUCCESS);
    assert_int_equal(c->Version, 1);
    assert_int_equal(c->AttributeCount, 0);
    assert_null(c->Attribute.pAttributeV1);
    ExFreePool(c);

    PTOKEN_GROUPS g = NULL;
    assert_status(SeQueryInformationToken(t, TokenDeviceGroups, (PVOID *)&g), STATUS_SUCCESS);
    assert_int_equal(g->GroupCount, 3);
    assert_int_equal(g->Groups[0].Attributes, 0x7);
    assert_int_equal(g->Groups[2].Attributes, SE_GROUP_USE_FOR_DENY_ONLY);
    ExFreePool(g);
    assert_status(SeQueryInformationToken(t, TokenRestrictedDeviceGroups, (PVOID *)&g), STATUS_SUCCESS);
    assert_int_equal(g->GroupCount, 0);
    ExFreePool(g);

    /* a token without claims: empty, version 1 */
    PACCESS_TOKEN plain = AtToken("user=" U);
    assert_status(SeQueryInformationToken(plain, TokenUserClaimAttributes, (PVOID *)&c), STATUS_SUCCESS);
    assert_int_equal(c->Version, 1);
    assert_int_equal(c->AttributeCount, 0);
    ExFreePool(c);
    assert_status(SeQueryInformationToken(plain, TokenDeviceGroups, (PVOID *)&g), STATUS_SUCCESS);
    assert_int_equal(g->GroupCount, 0);
    ExFreePool(g);
    ObDereferenceObject(plain);
    ObDereferenceObject(t);
}

static void test_zw_query_claims_buffer(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    HANDLE h = NULL;
    assert_status(ObOpenObjectByPointer(t, OBJ_KERNEL_HANDLE, NULL, TOKEN_QUERY, *SeTokenObjectType, KernelMode, &h),
                  STATUS_SUCCESS);
    ULONG need = 0;
    assert_status(ZwQueryInformationToken(h, TokenUserClaimAttributes, NULL, 0, &need), STATUS_BUFFER_TOO_SMALL);
    assert_true(need > sizeof(CLAIM_SECURITY_ATTRIBUTES_INFORMATION));
    static UCHAR buf[8192] __attribute__((aligned(8)));
    ULONG again = 0;
    assert_status(ZwQueryInformationToken(h, TokenUserClaimAttributes, buf, need - 1, &again), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(again, need);
    assert_status(ZwQueryInformationToken(h, TokenUserClaimAttributes, buf, sizeof(buf), &again), STATUS_SUCCESS);
    PCLAIM_SECURITY_ATTRIBUTES_INFORMATION c = (PCLAIM_SECURITY_ATTRIBUTES_INFORMATION)buf;
    PUCHAR lo = buf, hi = buf + need;
    assert_int_equal(c->AttributeCount, 12);
    for (ULONG i = 0; i < c->AttributeCount; i++) {
        PCLAIM_SECURITY_ATTRIBUTE_V1 a = &c->Attribute.pAttributeV1[i];
        assert_true((PUCHAR)a >= lo && (PUCHAR)a < hi);
        assert_true((PUCHAR)a->Name >= lo && (PUCHAR)a->Name < hi);
        assert_true((PUCHAR)a->Values.pInt64 >= lo && (PUCHAR)a->Values.pInt64 < hi);
    }
    assert_int_equal(c->Attribute.pAttributeV1[0].Values.ppString[0][0], 'S');
    assert_true((PUCHAR)c->Attribute.pAttributeV1[0].Values.ppString[0] < hi);
    assert_true((PUCHAR)c->Attribute.pAttributeV1[4].Values.pOctetString[0].pValue < hi);
    assert_status(ZwQueryInformationToken(h, TokenDeviceGroups, buf, sizeof(buf), &again), STATUS_SUCCESS);
    PTOKEN_GROUPS g = (PTOKEN_GROUPS)buf;
    assert_int_equal(g->GroupCount, 3);
    assert_true((PUCHAR)g->Groups[2].Sid > buf && (PUCHAR)g->Groups[2].Sid < buf + again);
    assert_status(ZwClose(h), STATUS_SUCCESS);
    ObDereferenceObject(t);
}

/* Duplicates and filtered tokens keep the claims and device groups. */
static void test_claims_survive_duplicate_and_filter(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    char a[4096], b[4096];
    assert_status(NtsecFormatToken(t, a, sizeof(a), NULL), STATUS_SUCCESS);
    PACCESS_TOKEN d = NULL;
    assert_status(NtsecDuplicateToken(t, TokenImpersonation, SecurityIdentification, FALSE, &d), STATUS_SUCCESS);
    assert_status(NtsecFormatToken(d, b, sizeof(b), NULL), STATUS_SUCCESS);
    assert_non_null(strstr(b, strstr(a, " device-groups=")));
    ObDereferenceObject(d);
    PACCESS_TOKEN f = NULL;
    assert_status(SeFilterToken(t, 0, NULL, NULL, NULL, &f), STATUS_SUCCESS);
    assert_status(NtsecFormatToken(f, b, sizeof(b), NULL), STATUS_SUCCESS);
    assert_non_null(strstr(b, strstr(a, " device-groups=")));
    ObDereferenceObject(f);
    ObDereferenceObject(t);
}

/* ---- evaluation ---- */

static void test_user_and_device_claims_compare(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    EXPR e;
    /* strings: case-insensitive values and names; CASE_SENSITIVE values */
    AttrStr(&e, SEP_COND_USER_ATTR, "dept", SEP_COND_CONTAINS, "sAlEs");
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrStr(&e, SEP_COND_USER_ATTR, "DEPT", SEP_COND_ANY_OF, "hr");
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrStr(&e, SEP_COND_USER_ATTR, "cs", SEP_COND_EQ, "blue");
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrStr(&e, SEP_COND_USER_ATTR, "CS", SEP_COND_EQ, "Blue");
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    /* set equality regardless of order; Contains needs every element */
    static const PCSTR bo[] = {"blue", "ORANGE"}, bor[] = {"orange", "blue", "red"};
    XBegin(&e); XStr(&e, SEP_COND_DEVICE_ATTR, "colour"); XStrs(&e, 2, bo); XByte(&e, SEP_COND_EQ);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    XBegin(&e); XStr(&e, SEP_COND_DEVICE_ATTR, "colour"); XStrs(&e, 3, bor); XByte(&e, SEP_COND_CONTAINS);
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    XBegin(&e); XStr(&e, SEP_COND_DEVICE_ATTR, "colour"); XStrs(&e, 3, bor); XByte(&e, SEP_COND_ANY_OF);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    XBegin(&e); XStr(&e, SEP_COND_DEVICE_ATTR, "colour"); XStr(&e, SEP_COND_STRING, "blue");
    XByte(&e, SEP_COND_NOT_ANY_OF);
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    /* @User.dept == @Device.dept: {"Sales","HR"} vs {"sales"} */
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "dept"); XStr(&e, SEP_COND_DEVICE_ATTR, "dept"); XByte(&e, SEP_COND_EQ);
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "dept"); XStr(&e, SEP_COND_DEVICE_ATTR, "dept"); XByte(&e, SEP_COND_CONTAINS);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    /* integers: INT64, UINT64 (by value against a negative literal), BOOLEAN as 0/1 */
    AttrInt(&e, SEP_COND_USER_ATTR, "level", SEP_COND_GE, 5);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrInt(&e, SEP_COND_USER_ATTR, "level", SEP_COND_LT, 5);
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrInt(&e, SEP_COND_USER_ATTR, "big", SEP_COND_GT, -1);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrInt(&e, SEP_COND_USER_ATTR, "big", SEP_COND_EQ, -1);
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrInt(&e, SEP_COND_USER_ATTR, "ok", SEP_COND_EQ, 1);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    /* < on a multivalued claim: UNKNOWN */
    AttrStr(&e, SEP_COND_USER_ATTR, "dept", SEP_COND_LT, "Z");
    assert_int_equal(ALLOW(t, &e), SepCondUnknown);
    /* SIDs and octets */
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "who"); XSid(&e, "O:BA"); XByte(&e, SEP_COND_EQ);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "blob"); XByte(&e, SEP_COND_OCTETS); X32(&e, 2); XByte(&e, 0);
    XByte(&e, 0xff); XByte(&e, SEP_COND_EQ);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    /* an FQBN claim exists but compares with nothing: UNKNOWN with a reason */
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "fq"); XByte(&e, SEP_COND_EXISTS);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    PCSTR reason = NULL;
    AttrStr(&e, SEP_COND_USER_ATTR, "fq", SEP_COND_EQ, "O=Contoso");
    assert_int_equal(CondEval(t, &e, SEP_MATCH_ALLOW, FALSE, &reason), SepCondUnknown);
    assert_string_equal(reason, "operands of different types");
    ObDereferenceObject(t);
}

/* A UTF-16LE string token (Code) of N ASCII characters that may include NULs. */
static VOID XRaw(EXPR *E, UCHAR Code, const char *S, ULONG N)
{
    XByte(E, Code);
    X32(E, 2 * N);
    for (ULONG i = 0; i < N; i++) { XByte(E, (UCHAR)S[i]); XByte(E, 0); }
}

/* == and != against a one-valued string claim, where the evaluator first tries the same code
 * units (SepCondSameClaimString) and otherwise compares in full; and the claim lookup by
 * name (SepFindClaim), which folds only where the code units differ. */
static void test_one_valued_string_claim_edges(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    EXPR e;
    AttrStr(&e, SEP_COND_DEVICE_ATTR, "dept", SEP_COND_EQ, "sales");   /* the same units */
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrStr(&e, SEP_COND_DEVICE_ATTR, "dept", SEP_COND_NE, "sales");
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrStr(&e, SEP_COND_DEVICE_ATTR, "dept", SEP_COND_EQ, "SaLeS");   /* folded */
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrStr(&e, SEP_COND_DEVICE_ATTR, "dept", SEP_COND_NE, "SALES");
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrStr(&e, SEP_COND_DEVICE_ATTR, "dept", SEP_COND_EQ, "sale");    /* a prefix of the claim */
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrStr(&e, SEP_COND_DEVICE_ATTR, "dept", SEP_COND_EQ, "salesx");  /* the claim a prefix */
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrStr(&e, SEP_COND_DEVICE_ATTR, "dept", SEP_COND_NE, "salesx");
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    XBegin(&e); XStr(&e, SEP_COND_DEVICE_ATTR, "dept"); XRaw(&e, SEP_COND_STRING, "sales\0", 6);
    XByte(&e, SEP_COND_EQ);                                             /* a NUL past the claim's end */
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    XBegin(&e); XStr(&e, SEP_COND_DEVICE_ATTR, "dept"); XRaw(&e, SEP_COND_STRING, "sa\0es", 5);
    XByte(&e, SEP_COND_EQ);
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    XBegin(&e); XStr(&e, SEP_COND_STRING, "sales"); XStr(&e, SEP_COND_DEVICE_ATTR, "dept");
    XByte(&e, SEP_COND_EQ);                                             /* the literal on the left */
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrStr(&e, SEP_COND_USER_ATTR, "empty", SEP_COND_EQ, "");
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrStr(&e, SEP_COND_USER_ATTR, "empty", SEP_COND_EQ, "a");
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrStr(&e, SEP_COND_USER_ATTR, "cs", SEP_COND_EQ, "Blue");         /* case-sensitive claim */
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrStr(&e, SEP_COND_USER_ATTR, "cs", SEP_COND_EQ, "BLUE");
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrStr(&e, SEP_COND_USER_ATTR, "cs", SEP_COND_NE, "BLUE");
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    AttrStr(&e, SEP_COND_USER_ATTR, "cs", SEP_COND_EQ, "Blu");
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    AttrInt(&e, SEP_COND_DEVICE_ATTR, "dept", SEP_COND_EQ, 1);           /* a string against an integer */
    PCSTR reason = NULL;
    assert_int_equal(CondEval(t, &e, SEP_MATCH_ALLOW, FALSE, &reason), SepCondUnknown);
    assert_string_equal(reason, "operands of different types");
    /* names: folded, but neither a prefix nor a longer name nor one with a NUL matches */
    AttrStr(&e, SEP_COND_DEVICE_ATTR, "DePt", SEP_COND_EQ, "sales");
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    static const char *const absent[] = {"dep", "depts", "dept\0", "d\0pt"};
    static const ULONG absentLength[] = {3, 5, 5, 4};
    for (int i = 0; i < 4; i++) {
        XBegin(&e); XRaw(&e, SEP_COND_DEVICE_ATTR, absent[i], absentLength[i]);
        XByte(&e, SEP_COND_EXISTS);
        assert_int_equal(ALLOW(t, &e), SepCondFalse);
    }
    ObDereferenceObject(t);
}

static void test_claim_flags_and_logical_values(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    EXPR e;
    /* DISABLED: absent for every ACE */
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "off"); XByte(&e, SEP_COND_EXISTS);
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    assert_int_equal(DENY(t, &e), SepCondFalse);
    AttrInt(&e, SEP_COND_USER_ATTR, "off", SEP_COND_EQ, 1);
    assert_int_equal(ALLOW(t, &e), SepCondUnknown);
    /* USE_FOR_DENY_ONLY: absent for allow ACEs, present for deny ACEs */
    AttrInt(&e, SEP_COND_USER_ATTR, "denyonly", SEP_COND_EQ, 1);
    assert_int_equal(ALLOW(t, &e), SepCondUnknown);
    assert_int_equal(DENY(t, &e), SepCondTrue);
    /* the restricted pass sees no claims */
    AttrInt(&e, SEP_COND_USER_ATTR, "level", SEP_COND_EQ, 5);
    assert_int_equal(CondEval(t, &e, SEP_MATCH_ALLOW, TRUE, NULL), SepCondUnknown);
    /* attributes as logical operands (2.4.4.17.7) */
    struct { PCSTR Name; SEP_COND_VALUE Alone, Not; } rows[] = {
        {"ok", SepCondTrue, SepCondFalse},     {"zero", SepCondFalse, SepCondTrue},
        {"level", SepCondTrue, SepCondFalse},  {"empty", SepCondFalse, SepCondTrue},
        {"missing", SepCondUnknown, SepCondUnknown}, {"dept", SepCondUnknown, SepCondUnknown},
        {"who", SepCondUnknown, SepCondUnknown},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, rows[i].Name);
        assert_int_equal(ALLOW(t, &e), rows[i].Alone);
        XByte(&e, SEP_COND_NOT);
        assert_int_equal(ALLOW(t, &e), rows[i].Not);
    }
    /* && with a boolean claim: TRUE && UNKNOWN is UNKNOWN, FALSE && UNKNOWN is FALSE */
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "ok"); XStr(&e, SEP_COND_USER_ATTR, "missing"); XByte(&e, SEP_COND_AND);
    assert_int_equal(ALLOW(t, &e), SepCondUnknown);
    XBegin(&e); XStr(&e, SEP_COND_USER_ATTR, "zero"); XStr(&e, SEP_COND_USER_ATTR, "missing"); XByte(&e, SEP_COND_AND);
    assert_int_equal(ALLOW(t, &e), SepCondFalse);
    ObDereferenceObject(t);
}

static void test_device_member_of(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    EXPR e;
    struct { UCHAR Op; PCSTR Sids[2]; int N; SEP_COND_VALUE Allow, Deny; } rows[] = {
        {SEP_COND_DEVICE_MEMBER_OF, {"O:BA", "O:BG"}, 2, SepCondTrue, SepCondTrue},
        {SEP_COND_DEVICE_MEMBER_OF, {"O:BA", "O:WD"}, 2, SepCondFalse, SepCondFalse},
        {SEP_COND_DEVICE_MEMBER_OF_ANY, {"O:SY", "O:BG"}, 2, SepCondTrue, SepCondTrue},
        {SEP_COND_NOT_DEVICE_MEMBER_OF, {"O:WD"}, 1, SepCondTrue, SepCondTrue},
        {SEP_COND_NOT_DEVICE_MEMBER_OF_ANY, {"O:SY", "O:BA"}, 2, SepCondFalse, SepCondFalse},
        /* a deny-only device group counts for deny ACEs only */
        {SEP_COND_DEVICE_MEMBER_OF, {"O:BU"}, 1, SepCondFalse, SepCondTrue},
        /* Member_of still looks at the user's groups, not the device's */
        {SEP_COND_MEMBER_OF, {"O:BA"}, 1, SepCondFalse, SepCondFalse},
        {SEP_COND_NOT_MEMBER_OF, {"O:BA"}, 1, SepCondTrue, SepCondTrue},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        XBegin(&e); XSids(&e, rows[i].N, rows[i].Sids); XByte(&e, rows[i].Op);
        assert_int_equal(ALLOW(t, &e), rows[i].Allow);
        assert_int_equal(DENY(t, &e), rows[i].Deny);
    }
    /* Samba test_Device_Member_of_and_Member_of: Device_Member_of{BA} && Member_of{WD} */
    PCSTR ba[] = {"O:BA"}, wd[] = {"O:WD"};
    XBegin(&e); XSids(&e, 1, ba); XByte(&e, SEP_COND_DEVICE_MEMBER_OF); XSids(&e, 1, wd);
    XByte(&e, SEP_COND_MEMBER_OF); XByte(&e, SEP_COND_AND);
    assert_int_equal(ALLOW(t, &e), SepCondTrue);
    /* the restricted pass has no device groups: Device_Member_of fails closed */
    XBegin(&e); XSids(&e, 1, ba); XByte(&e, SEP_COND_DEVICE_MEMBER_OF);
    assert_int_equal(CondEval(t, &e, SEP_MATCH_ALLOW, TRUE, NULL), SepCondFalse);
    /* a token without device groups */
    PACCESS_TOKEN plain = AtToken("user=" U " groups=BA");
    assert_int_equal(ALLOW(plain, &e), SepCondFalse);
    ObDereferenceObject(plain);
    ObDereferenceObject(t);
}

/* The access check: allow callback ACEs apply on TRUE only, deny ones on TRUE or UNKNOWN.
 * (XA/XD cond) for FILE_READ_DATA, followed by (A;;FA;;;WD) when AddAllow (cond_expr.h). */
#define CheckDacl(T, Type, E, AddAllow) \
    CallbackCheck((T), (Type), (E), (AddAllow), FILE_READ_DATA, NULL)

static void test_access_check_uses_claims(void **state)
{
    (void)state;
    PACCESS_TOKEN t = ClaimsToken();
    EXPR yes, no, unknown, project;
    AttrStr(&yes, SEP_COND_USER_ATTR, "dept", SEP_COND_CONTAINS, "sales");
    AttrStr(&no, SEP_COND_USER_ATTR, "dept", SEP_COND_CONTAINS, "legal");
    AttrStr(&unknown, SEP_COND_USER_ATTR, "building", SEP_COND_EQ, "7");
    /* Samba test_user_attr_any_of_missing_resource_attr: @User.Project Any_of @Resource.Project */
    XBegin(&project); XStr(&project, SEP_COND_USER_ATTR, "level"); XStr(&project, SEP_COND_RESOURCE_ATTR, "level");
    XByte(&project, SEP_COND_ANY_OF);
    assert_status(CheckDacl(t, ACCESS_ALLOWED_CALLBACK_ACE_TYPE, &yes, FALSE), STATUS_SUCCESS);
    assert_status(CheckDacl(t, ACCESS_ALLOWED_CALLBACK_ACE_TYPE, &no, FALSE), STATUS_ACCESS_DENIED);
    assert_status(CheckDacl(t, ACCESS_ALLOWED_CALLBACK_ACE_TYPE, &unknown, FALSE), STATUS_ACCESS_DENIED);
    /* (XD cond)(A;;FA;;;WD) */
    assert_status(CheckDacl(t, ACCESS_DENIED_CALLBACK_ACE_TYPE, &yes, TRUE), STATUS_ACCESS_DENIED);
    assert_status(CheckDacl(t, ACCESS_DENIED_CALLBACK_ACE_TYPE, &no, TRUE), STATUS_SUCCESS);
    assert_status(CheckDacl(t, ACCESS_DENIED_CALLBACK_ACE_TYPE, &unknown, TRUE), STATUS_ACCESS_DENIED);
    assert_status(CheckDacl(t, ACCESS_DENIED_CALLBACK_ACE_TYPE, &project, TRUE), STATUS_ACCESS_DENIED);
    /* the same token without the claim: the allow ACE no longer applies */
    PACCESS_TOKEN plain = AtToken("user=" U " groups=WD type=impersonation level=impersonation");
    assert_status(CheckDacl(plain, ACCESS_ALLOWED_CALLBACK_ACE_TYPE, &yes, FALSE), STATUS_ACCESS_DENIED);
    assert_status(CheckDacl(plain, ACCESS_DENIED_CALLBACK_ACE_TYPE, &no, TRUE), STATUS_ACCESS_DENIED);
    ObDereferenceObject(plain);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims_text_round_trip),
        cmocka_unit_test(test_claims_text_errors_name_the_item),
        cmocka_unit_test(test_query_claim_classes),
        cmocka_unit_test(test_zw_query_claims_buffer),
        cmocka_unit_test(test_claims_survive_duplicate_and_filter),
        cmocka_unit_test(test_user_and_device_claims_compare),
        cmocka_unit_test(test_one_valued_string_claim_edges),
        cmocka_unit_test(test_claim_flags_and_logical_values),
        cmocka_unit_test(test_device_member_of),
        cmocka_unit_test(test_access_check_uses_claims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
