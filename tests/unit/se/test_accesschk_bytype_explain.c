/*
 * test_accesschk_bytype_explain.c - NtsecAccessCheckByTypeExplain: the trace of an object-type
 * check names, for each ACE that applied, the node its object type named (or every node) and
 * the bits it decided on each node, then each node's answer; the answers are
 * NtsecAccessCheckByTypeResultList's.
 */
#include "conformance/access_table.h"

#define U "S-1-5-21-1-2-3-1001"
#define TOK "user=" U " groups=BA,WD,AU type=impersonation level=impersonation"
#define RP 0x10u
#define WP 0x20u
#define G1 "00000001-0000-0000-0000-000000000000"
#define G2 "00000002-0000-0000-0000-000000000000"
#define G3 "00000003-0000-0000-0000-000000000000"

static GUID Guids[3];
static OBJECT_TYPE_LIST Tree[3]; /* {1} > {2} > {3} */
static GENERIC_MAPPING Mapping = { READ_CONTROL | RP, WP, READ_CONTROL, 0x1ff | STANDARD_RIGHTS_REQUIRED };

static int Setup(void **state)
{
    (void)state;
    for (ULONG i = 0; i < 3; i++) {
        memset(&Guids[i], 0, sizeof(GUID));
        Guids[i].Data1 = i + 1;
        Tree[i].Level = (USHORT)i, Tree[i].Sbz = 0, Tree[i].ObjectType = &Guids[i];
    }
    return 0;
}

/* The trace for Sddl and Desired; the answers must equal the result list's. */
static PSTR Explain(PCSTR Sddl, ACCESS_MASK Desired, ACCESS_MASK *G, NTSTATUS *S)
{
    PSECURITY_DESCRIPTOR sd = AtSd(Sddl);
    PACCESS_TOKEN t = AtToken(TOK);
    PSTR trace = NULL;
    assert_status(NtsecAccessCheckByTypeExplain(sd, NULL, t, Desired, Tree, 3, &Mapping, G, S, &trace),
                  STATUS_SUCCESS);
    assert_non_null(trace);
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    ACCESS_MASK g[3];
    NTSTATUS s[3];
    (void)NtsecAccessCheckByTypeResultList(sd, NULL, &ctx, FALSE, Desired, 0, Tree, 3, NULL, &Mapping, UserMode, g,
                                           s);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(g[i], G[i]);
        assert_int_equal(s[i], S[i]);
    }
    ObDereferenceObject(t);
    NtsecFree(sd);
    return trace;
}

static void Has(PCSTR Trace, PCSTR Line)
{
    if (strstr(Trace, Line) == NULL)
        fail_msg("trace lacks \"%s\":\n%s", Line, Trace);
}

static void test_bytype_explain_names_the_node_each_ace_decided(void **state)
{
    (void)state;
    ACCESS_MASK g[3];
    NTSTATUS s[3];
    /* a grant on the property set reaches it and its property, not the object */
    PSTR t = Explain("O:SYG:SYD:(OA;;RP;" G2 ";;WD)(OD;;WP;" G3 ";;WD)(A;;WP;;;WD)", RP | WP, g, s);
    Has(t, "node 1 {00000002-0000-0000-0000-000000000000} grants 0x00000010");
    Has(t, "; node 2 {00000003-0000-0000-0000-000000000000} grants 0x00000010");
    /* the object's only child now has it: the object too */
    Has(t, "{00000002-0000-0000-0000-000000000000}: node 0 {00000001-0000-0000-0000-000000000000} grants");
    /* a deny on the property denies it and its ancestors */
    Has(t, "normal pass: ACE[1] deny S-1-1-0 (WD) for node 2 {00000003-0000-0000-0000-000000000000}: "
           "node 0 {00000001-0000-0000-0000-000000000000} denies 0x00000020");
    /* the plain allow comes too late for every node */
    Has(t, "normal pass: ACE[2] allow S-1-1-0 (WD) (every node) changes nothing");
    /* denied, with the partial grant the result list reports */
    Has(t, "result: node 0 {00000001-0000-0000-0000-000000000000} granted 0x00000010 (0x10), STATUS_ACCESS_DENIED\n");
    for (int i = 0; i < 3; i++)
        assert_int_equal(s[i], STATUS_ACCESS_DENIED);
    NtsecFree(t);

    /* the owner's implicit rights are traced, and a granted node says so */
    t = Explain("O:BAG:SYD:(OA;;RP;" G1 ";;WD)", RP, g, s);
    Has(t, "normal pass: owner S-1-5-32-544 (BA) is in the token: implicit READ_CONTROL|WRITE_DAC on every node");
    Has(t, "result: node 2 {00000003-0000-0000-0000-000000000000} granted 0x00000010 (0x10), STATUS_SUCCESS\n");
    assert_int_equal(s[0], STATUS_SUCCESS);
    NtsecFree(t);
}

static void test_bytype_explain_prints_conditions(void **state)
{
    (void)state;
    ACCESS_MASK g[3];
    NTSTATUS s[3];
    /* a callback object ACE (ZA) for the property set: its condition and its value */
    PSTR t = Explain("O:SYG:SYD:(ZA;;RP;" G2 ";;WD;(Member_of {SID(BA)}))", RP, g, s);
    Has(t, "condition (Member_of {SID(BA)}) is TRUE");
    Has(t, "normal pass: ACE[0] allow S-1-1-0 (WD) for node 1");
    /* granted on the property set and its property; the object's only child has it, so the
     * object too */
    for (int i = 0; i < 3; i++)
        assert_int_equal(s[i], STATUS_SUCCESS);
    NtsecFree(t);
    /* a FALSE condition: the ACE does not apply, and nothing is granted */
    t = Explain("O:SYG:SYD:(ZA;;RP;" G2 ";;WD;(Member_of {SID(BG)}))", RP, g, s);
    Has(t, "condition (Member_of {SID(BG)}) is FALSE");
    for (int i = 0; i < 3; i++)
        assert_int_equal(s[i], STATUS_ACCESS_DENIED);
    NtsecFree(t);
}

static void test_bytype_explain_arguments(void **state)
{
    (void)state;
    PSECURITY_DESCRIPTOR sd = AtSd("O:SYG:SYD:");
    PACCESS_TOKEN t = AtToken(TOK);
    ACCESS_MASK g[3] = { 7, 7, 7 };
    NTSTATUS s[3] = { 7, 7, 7 };
    PSTR trace = (PSTR)1;
    assert_status(NtsecAccessCheckByTypeExplain(sd, NULL, t, RP, NULL, 0, &Mapping, g, s, &trace),
                  STATUS_INVALID_PARAMETER);
    assert_int_equal(g[0], 7);
    NtsecFree(trace);
    assert_status(NtsecAccessCheckByTypeExplain(sd, NULL, t, RP, Tree, 3, &Mapping, g, s, NULL),
                  STATUS_INVALID_PARAMETER);
    /* an Identification-level token fails the level gate on every node */
    PACCESS_TOKEN id = AtToken("user=" U " groups=WD type=impersonation level=identification");
    assert_status(NtsecAccessCheckByTypeExplain(sd, NULL, id, RP, Tree, 3, &Mapping, g, s, &trace), STATUS_SUCCESS);
    for (int i = 0; i < 3; i++)
        assert_int_equal(s[i], STATUS_BAD_IMPERSONATION_LEVEL);
    NtsecFree(trace);
    ObDereferenceObject(id);
    ObDereferenceObject(t);
    NtsecFree(sd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bytype_explain_names_the_node_each_ace_decided, Setup),
        cmocka_unit_test_setup(test_bytype_explain_prints_conditions, Setup),
        cmocka_unit_test(test_bytype_explain_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
