/*
 * test_bytype_reactos.c - SeAccessCheckByType / NtsecAccessCheckByTypeResultList against the
 * Windows expectations (ok()) of ReactOS's Windows-run apitests (reactos/reactos, commit
 * 36b140accf383188b454a6dc0c3f216608ceefb7):
 *   modules/rostests/apitests/ntdll/NtAccessCheckByType.c           (RO_BT below)
 *   modules/rostests/apitests/ntdll/NtAccessCheckByTypeResultList.c (RO_RL below)
 * Facts only, restated here (no code copied). Their token is an impersonation duplicate of an
 * elevated administrator's process token (Administrators enabled), their mapping the registry
 * key's, their descriptors O:BA G:BU with ACL_REVISION4 object ACEs, their list the tree
 *   0 ObjectType (object) > 1 Child (property set) > 2 Child2, 3 Child3 (properties);
 *   0 > 4 Child4 (property set) > 5 Child5 (property)
 * or its first two entries.
 */
#include "access_table.h"

#define RO_BT "ReactOS apitests/ntdll/NtAccessCheckByType.c "
#define RO_RL "ReactOS apitests/ntdll/NtAccessCheckByTypeResultList.c "
#define TOK "user=S-1-5-21-1-2-3-1001 groups=BA,WD,AU,BU type=impersonation level=impersonation"

/* the GUIDs of the apitests, in SDDL form */
#define OBJ "12345678-1234-5678-1122-334455667788"
#define CH1 "23456789-2345-6786-0233-445566778899"
#define CH2 "34578901-3456-7896-0344-556677889900"
#define CH3 "45678901-4567-1122-0412-131415161701"
#define CH4 "56788901-1111-2222-0513-141516171802"
#define CH5 "67901234-2222-3333-0414-151617181903"

#define KQV 0x1u /* KEY_QUERY_VALUE */
#define KSV 0x2u /* KEY_SET_VALUE */
#define KES 0x8u /* KEY_ENUMERATE_SUB_KEYS */

static GUID Guids[6];
static OBJECT_TYPE_LIST Tree[6];

static VOID ParseGuid(PCSTR Text, GUID *Out)
{
    unsigned d1, d2, d3, b[8];
    assert_int_equal(sscanf(Text, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &d1, &d2, &d3, &b[0], &b[1], &b[2],
                            &b[3], &b[4], &b[5], &b[6], &b[7]),
                     11);
    Out->Data1 = d1, Out->Data2 = (USHORT)d2, Out->Data3 = (USHORT)d3;
    for (int i = 0; i < 8; i++)
        Out->Data4[i] = (UCHAR)b[i];
}

static int Setup(void **state)
{
    (void)state;
    static PCSTR text[6] = { OBJ, CH1, CH2, CH3, CH4, CH5 };
    static const USHORT levels[6] = { ACCESS_OBJECT_GUID, ACCESS_PROPERTY_SET_GUID, ACCESS_PROPERTY_GUID,
                                      ACCESS_PROPERTY_GUID, ACCESS_PROPERTY_SET_GUID, ACCESS_PROPERTY_GUID };
    for (int i = 0; i < 6; i++) {
        ParseGuid(text[i], &Guids[i]);
        Tree[i].Level = levels[i], Tree[i].Sbz = 0, Tree[i].ObjectType = &Guids[i];
    }
    return 0;
}

/* The checks for Sddl and Desired over the first Count nodes: the list form into G[] and
 * S[] (when Count > 0), the single form into G1[0] and S1[0]. */
static VOID Check(PCSTR Sddl, ACCESS_MASK Desired, ULONG Count, ACCESS_MASK *G, NTSTATUS *S, ACCESS_MASK *G1,
                  NTSTATUS *S1)
{
    GENERIC_MAPPING mapping = SepKeyMapping;
    PSECURITY_DESCRIPTOR sd = AtSd(Sddl);
    PACCESS_TOKEN t = AtToken(TOK);
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    if (Count > 0) {
        BOOLEAN all = NtsecAccessCheckByTypeResultList(sd, NULL, &ctx, FALSE, Desired, 0, Tree, Count, NULL,
                                                       &mapping, UserMode, G, S);
        assert_int_equal(all, S[0] == STATUS_SUCCESS);
    }
    *G1 = 0x1abe11ed, *S1 = 0x1abe11ed;
    BOOLEAN one = SeAccessCheckByType(sd, NULL, &ctx, FALSE, Desired, 0, Count ? Tree : NULL, Count, NULL,
                                      &mapping, UserMode, G1, S1);
    assert_int_equal(one, *S1 == STATUS_SUCCESS);
    ObDereferenceObject(t);
    NtsecFree(sd);
}

typedef struct {
    PCSTR Source, Sddl;
    ACCESS_MASK Desired;
    ULONG Count;
    ACCESS_MASK Granted;   /* the single answer's */
    NTSTATUS Status;
} BT_ROW;

/* NtAccessCheckByType: one answer for the whole object. */
static const BT_ROW BtRows[] = {
    {RO_BT "AccessGrantedNoDaclTests: no DACL, KEY_READ granted", "O:BAG:BU", KEY_READ, 2, KEY_READ,
     STATUS_SUCCESS},
    {RO_BT "AccessGrantedNoDaclTests: no DACL, MAXIMUM_ALLOWED grants KEY_ALL_ACCESS", "O:BAG:BU",
     MAXIMUM_ALLOWED, 2, KEY_ALL_ACCESS, STATUS_SUCCESS},
    {RO_BT "AccessGrantedNoDaclTests: no list checks as NtAccessCheck, KEY_READ granted", "O:BAG:BU", KEY_READ, 0,
     KEY_READ, STATUS_SUCCESS},
    {RO_BT "AccessGrantedTests: KEY_READ (object ACE for the object, Everyone)",
     "O:BAG:BUD:(OA;;KR;" OBJ ";;WD)(OA;;0x2001f;" OBJ ";;BA)", KEY_READ, 2, KEY_READ, STATUS_SUCCESS},
    {RO_BT "AccessGrantedTests: KEY_WRITE (object ACE for the object, Administrators)",
     "O:BAG:BUD:(OA;;KR;" OBJ ";;WD)(OA;;0x2001f;" OBJ ";;BA)", KEY_WRITE, 2, KEY_WRITE, STATUS_SUCCESS},
#define MULTI "O:BAG:BUD:(OA;;KA;" OBJ ";;BA)(OA;;KR;" CH1 ";;WD)(OA;;KW;" CH2 ";;WD)(OA;;KX;" CH3 ";;WD)" \
              "(OA;;0x2;" CH4 ";;WD)(OA;;0x1;" CH5 ";;WD)"
    {RO_BT "AccessGrantedMultipleObjectsTests: MAXIMUM_ALLOWED", MULTI, MAXIMUM_ALLOWED, 6, KEY_ALL_ACCESS,
     STATUS_SUCCESS},
    {RO_BT "AccessGrantedMultipleObjectsTests: KEY_READ", MULTI, KEY_READ, 6, KEY_READ, STATUS_SUCCESS},
    {RO_BT "AccessGrantedMultipleObjectsTests: KEY_WRITE", MULTI, KEY_WRITE, 6, KEY_WRITE, STATUS_SUCCESS},
    {RO_BT "AccessGrantedMultipleObjectsTests: KEY_EXECUTE", MULTI, KEY_EXECUTE, 6, KEY_EXECUTE, STATUS_SUCCESS},
    {RO_BT "AccessGrantedMultipleObjectsTests: KEY_SET_VALUE", MULTI, KSV, 6, KSV, STATUS_SUCCESS},
    {RO_BT "AccessGrantedMultipleObjectsTests: KEY_QUERY_VALUE", MULTI, KQV, 6, KQV, STATUS_SUCCESS},
#define DENY "O:BAG:BUD:(OD;;0x1;" OBJ ";;BA)(OD;;KW;" CH1 ";;WD)(OA;;0x8;" OBJ ";;WD)"
    {RO_BT "DenyAccessTests: KEY_QUERY_VALUE denied on the object (Administrators): no access", DENY, KQV, 2, 0,
     STATUS_ACCESS_DENIED},
    /* the owner's READ_CONTROL is in KEY_WRITE, yet the single answer is 0 */
    {RO_BT "DenyAccessTests: KEY_WRITE denied on the property set denies the object: no access rights", DENY,
     KEY_WRITE, 2, 0, STATUS_ACCESS_DENIED},
    {RO_BT "DenyAccessTests: KEY_ENUMERATE_SUB_KEYS granted", DENY, KES, 2, KES, STATUS_SUCCESS},
};

static void test_bytype_reactos_single_answer(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof(BtRows) / sizeof(BtRows[0]); i++) {
        const BT_ROW *r = &BtRows[i];
        ACCESS_MASK g[6], g1;
        NTSTATUS s[6], s1;
        Check(r->Sddl, r->Desired, r->Count, g, s, &g1, &s1);
        if (g1 != r->Granted || s1 != r->Status) {
            fprintf(stderr, "FAIL: %s\n  got granted 0x%08x status 0x%08x\n", r->Source, (unsigned)g1,
                    (unsigned)s1);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* NtAccessCheckByType ParamsValidationTests: malformed lists are STATUS_INVALID_PARAMETER. */
static void test_bytype_reactos_bogus_lists(void **state)
{
    (void)state;
    GENERIC_MAPPING mapping = SepKeyMapping;
    PSECURITY_DESCRIPTOR sd = AtSd("O:BAG:BU");
    PACCESS_TOKEN t = AtToken(TOK);
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    static const struct { PCSTR What; USHORT L0, L1; } bad[] = {
        {RO_BT "ParamsValidationTests: the first element is not the root", ACCESS_PROPERTY_SET_GUID,
         ACCESS_PROPERTY_SET_GUID},
        {RO_BT "ParamsValidationTests: two roots", ACCESS_OBJECT_GUID, ACCESS_OBJECT_GUID},
        {RO_BT "ParamsValidationTests: a level that is invalid (0xa)", 0xa, ACCESS_PROPERTY_SET_GUID},
        {RO_BT "ParamsValidationTests: levels not consistent (0 then 2)", ACCESS_OBJECT_GUID, ACCESS_PROPERTY_GUID},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        OBJECT_TYPE_LIST list[2] = { { bad[i].L0, 0, &Guids[0] }, { bad[i].L1, 0, &Guids[1] } };
        ACCESS_MASK g = 0x1abe11ed;
        NTSTATUS s = 0;
        BOOLEAN ok = SeAccessCheckByType(sd, NULL, &ctx, FALSE, MAXIMUM_ALLOWED, 0, list, 2, NULL, &mapping,
                                         UserMode, &g, &s);
        if (ok || s != STATUS_INVALID_PARAMETER || g != 0)
            fail_msg("%s: got %d status 0x%08x granted 0x%08x", bad[i].What, ok, (unsigned)s, (unsigned)g);
    }
    /* NtAccessCheckByTypeResultList ParamValidationNoObjsList: the list form needs a list
     * (Windows: STATUS_INVALID_PARAMETER; here FALSE and nothing written) */
    ACCESS_MASK g = 0x1abe11ed;
    NTSTATUS s = 0x1abe11ed;
    assert_false(NtsecAccessCheckByTypeResultList(sd, NULL, &ctx, FALSE, MAXIMUM_ALLOWED, 0, NULL, 0, NULL,
                                                  &mapping, UserMode, &g, &s));
    assert_int_equal(g, 0x1abe11ed);
    assert_int_equal(s, 0x1abe11ed);
    ObDereferenceObject(t);
    NtsecFree(sd);
}

typedef struct {
    PCSTR Source, Sddl;
    ACCESS_MASK Desired;
    ACCESS_MASK Granted; /* every node's */
    NTSTATUS Status;     /* every node's */
} RL_ROW;

#define GRANT "O:BAG:BUD:(OA;;KA;" OBJ ";;BA)(OA;;KR;" OBJ ";;WD)(OA;;0x1;" CH1 ";;WD)"
#define RLDENY "O:BAG:BUD:(OD;;KR;" OBJ ";;BA)(OD;;KW;" CH1 ";;WD)"
static const RL_ROW RlRows[] = {
    {RO_RL "GrantedAccessTests: MAXIMUM_ALLOWED, every node KEY_ALL_ACCESS", GRANT, MAXIMUM_ALLOWED,
     KEY_ALL_ACCESS, STATUS_SUCCESS},
    {RO_RL "GrantedAccessTests: KEY_READ, every node", GRANT, KEY_READ, KEY_READ, STATUS_SUCCESS},
    {RO_RL "GrantedAccessTests: KEY_QUERY_VALUE, every node", GRANT, KQV, KQV, STATUS_SUCCESS},
    /* "NtAccessCheckByTypeResultList will return partial rights that have been granted to the
     * caller even if the caller did not get all the rights he wanted": the owner's READ_CONTROL */
    {RO_RL "DenyAccessTests: KEY_READ denied on the object: every node denied with READ_CONTROL", RLDENY, KEY_READ,
     READ_CONTROL, STATUS_ACCESS_DENIED},
    {RO_RL "DenyAccessTests: KEY_WRITE denied on the property set: every node denied with READ_CONTROL", RLDENY,
     KEY_WRITE, READ_CONTROL, STATUS_ACCESS_DENIED},
};

static void test_bytype_reactos_result_list(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof(RlRows) / sizeof(RlRows[0]); i++) {
        const RL_ROW *r = &RlRows[i];
        ACCESS_MASK g[6], g1;
        NTSTATUS s[6], s1;
        Check(r->Sddl, r->Desired, 6, g, s, &g1, &s1);
        for (int n = 0; n < 6; n++) {
            if (g[n] != r->Granted || s[n] != r->Status) {
                fprintf(stderr, "FAIL: %s\n  node %d: granted 0x%08x status 0x%08x\n", r->Source, n,
                        (unsigned)g[n], (unsigned)s[n]);
                failures++;
            }
        }
        /* the single answer is the root's status; a denied object grants 0 */
        assert_int_equal(s1, s[0]);
        assert_int_equal(g1, s1 == STATUS_SUCCESS ? g[0] : 0);
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bytype_reactos_single_answer, Setup),
        cmocka_unit_test_setup(test_bytype_reactos_bogus_lists, Setup),
        cmocka_unit_test_setup(test_bytype_reactos_result_list, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
