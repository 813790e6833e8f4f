/*
 * test_accesschk_bytype.c - SeAccessCheckByType and NtsecAccessCheckByTypeResultList: object
 * ACEs against an object-type tree.
 *
 * Sources: MS-DTYP 2.5.3.2 (Access Check Algorithm Pseudocode: with an Object Tree, an
 * allowed object ACE whose ObjectType is a node removes its bits from that node and every
 * node below it, and a parent's bits are satisfied when all its children's are; a denied
 * object ACE on a node whose remaining bits it names denies; an object ACE whose ObjectType
 * is not in the tree is ignored; ACEs without an ObjectType apply to the whole tree;
 * PRINCIPAL_SELF in an ACE stands for the PrincipalSelfSubst SID); MS-ADTS 5.1.3.3.3
 * (Checking Object-Specific Access: an Object Access Allowed ACE for Guid(v) grants on v and
 * its descendants; Object Access Denied denies likewise); NtAccessCheckByTypeResultList (one
 * GrantedAccess and AccessStatus per OBJECT_TYPE_LIST entry); SeAccessCheck's first-decision
 * rule (an earlier ACE decides a bit, docs/access-check.md).
 */
#include "conformance/access_table.h"

#define U "S-1-5-21-1-2-3-1001"
#define RP 0x10u /* ADS_RIGHT_DS_READ_PROP */
#define WP 0x20u /* ADS_RIGHT_DS_WRITE_PROP */
#define G(n) "0000000" #n "-0000-0000-0000-000000000000"

static GUID Guids[8];
/* object {1} > property set {2} > properties {3}, {4}; property {5} directly under the object */
static OBJECT_TYPE_LIST Tree[5];
static GENERIC_MAPPING Mapping = { READ_CONTROL | RP, WP, READ_CONTROL, 0x1ff | STANDARD_RIGHTS_REQUIRED };

static int Setup(void **state)
{
    (void)state;
    static const USHORT levels[5] = { 0, 1, 2, 2, 1 };
    for (ULONG i = 0; i < 8; i++) {
        memset(&Guids[i], 0, sizeof(GUID));
        Guids[i].Data1 = i;
    }
    for (ULONG i = 0; i < 5; i++) {
        Tree[i].Level = levels[i];
        Tree[i].Sbz = 0;
        Tree[i].ObjectType = &Guids[i + 1];
    }
    return 0;
}

/* The result list for DACL (SDDL after "O:SYG:SY") and Desired; Status[] and Granted[] out. */
static VOID List(PCSTR Dacl, ACCESS_MASK Desired, PSID Self, NTSTATUS *Status, ACCESS_MASK *Granted)
{
    char sddl[1024];
    snprintf(sddl, sizeof(sddl), "O:SYG:SY%s", Dacl);
    PSECURITY_DESCRIPTOR sd = AtSd(sddl);
    PACCESS_TOKEN t = AtToken("user=" U " groups=WD,AU type=impersonation level=impersonation");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    BOOLEAN all = NtsecAccessCheckByTypeResultList(sd, Self, &ctx, FALSE, Desired, 0, Tree, 5, NULL, &Mapping,
                                                   UserMode, Granted, Status);
    assert_int_equal(all, Status[0] == STATUS_SUCCESS);
    /* the single answer is always the root's */
    ACCESS_MASK g = 0xdead;
    NTSTATUS s = 0;
    BOOLEAN ok = SeAccessCheckByType(sd, Self, &ctx, FALSE, Desired, 0, Tree, 5, NULL, &Mapping, UserMode, &g, &s);
    assert_int_equal(ok, s == STATUS_SUCCESS);
    assert_int_equal(s, Status[0]);
    /* a denied root: the list keeps its partial grant, the single answer is 0 */
    assert_int_equal(g, s == STATUS_SUCCESS ? Granted[0] : 0);
    ObDereferenceObject(t);
    NtsecFree(sd);
}

/* Expect: one letter per node, 'Y' granted Desired, 'N' STATUS_ACCESS_DENIED with 0. */
static VOID Expect(PCSTR Dacl, ACCESS_MASK Desired, PCSTR Nodes)
{
    NTSTATUS s[5];
    ACCESS_MASK g[5];
    List(Dacl, Desired, NULL, s, g);
    for (int i = 0; i < 5; i++) {
        if (Nodes[i] == 'Y' ? s[i] != STATUS_SUCCESS || g[i] != Desired
                            : s[i] != STATUS_ACCESS_DENIED || g[i] != 0)
            fail_msg("%s: node %d: status 0x%08x granted 0x%x, expected %c", Dacl, i, (unsigned)s[i],
                     (unsigned)g[i], Nodes[i]);
    }
}

static void test_plain_aces_apply_to_every_node(void **state)
{
    (void)state;
    Expect("D:(A;;0x30;;;WD)", RP, "YYYYY");
    Expect("D:(D;;RP;;;WD)(A;;0x30;;;WD)", RP, "NNNNN");
    Expect("D:(A;;RP;;;WD)(D;;RP;;;WD)", RP, "YYYYY");    /* the first decision wins */
    Expect("D:(OA;;RP;;;WD)", RP, "YYYYY");               /* an object ACE without ObjectType */
    Expect("D:", RP, "NNNNN");
}

static void test_object_allow_grants_down_and_up(void **state)
{
    (void)state;
    /* a property: that node only; the property set needs both its properties */
    Expect("D:(OA;;RP;" G(3) ";;WD)", RP, "NNYNN");
    Expect("D:(OA;;RP;" G(3) ";;WD)(OA;;RP;" G(4) ";;WD)", RP, "NYYYN");
    /* the object needs every child: the property set and property {5} */
    Expect("D:(OA;;RP;" G(3) ";;WD)(OA;;RP;" G(4) ";;WD)(OA;;RP;" G(5) ";;WD)", RP, "YYYYY");
    /* a property set: it and everything below it */
    Expect("D:(OA;;RP;" G(2) ";;WD)", RP, "NYYYN");
    Expect("D:(OA;;RP;" G(2) ";;WD)(OA;;RP;" G(5) ";;WD)", RP, "YYYYY");
    /* the object's own GUID: the whole tree */
    Expect("D:(OA;;RP;" G(1) ";;WD)", RP, "YYYYY");
    /* an object type that is not in the list does nothing */
    Expect("D:(OA;;RP;" G(7) ";;WD)", RP, "NNNNN");
    /* the SID must match */
    Expect("D:(OA;;RP;" G(2) ";;BA)", RP, "NNNNN");
}

static void test_object_deny_denies_down_and_up(void **state)
{
    (void)state;
    /* denied on one property: that property, its set and the object; the rest allowed */
    Expect("D:(OD;;RP;" G(3) ";;WD)(A;;RP;;;WD)", RP, "NNNYY");
    Expect("D:(OD;;RP;" G(2) ";;WD)(A;;RP;;;WD)", RP, "NNNNY");
    /* after an allow for the whole object the deny changes nothing */
    Expect("D:(A;;RP;;;WD)(OD;;RP;" G(3) ";;WD)", RP, "YYYYY");
    /* a property allowed first keeps its grant; its siblings and ancestors are denied */
    Expect("D:(OA;;RP;" G(4) ";;WD)(OD;;RP;" G(2) ";;WD)(A;;RP;;;WD)", RP, "NNNYY");
    /* a deny for bits not asked for does nothing */
    Expect("D:(OD;;WP;" G(3) ";;WD)(A;;RP;;;WD)", RP, "YYYYY");
}

static void test_maximum_allowed_per_node(void **state)
{
    (void)state;
    NTSTATUS s[5];
    ACCESS_MASK g[5];
    List("D:(OA;;RP;" G(3) ";;WD)(A;;WP;;;WD)", MAXIMUM_ALLOWED, NULL, s, g);
    static const ACCESS_MASK want[5] = { WP, WP, RP | WP, WP, WP };
    for (int i = 0; i < 5; i++) {
        assert_int_equal(s[i], STATUS_SUCCESS);
        assert_int_equal(g[i], want[i]);
    }
    List("D:(OA;;RP;" G(3) ";;WD)", MAXIMUM_ALLOWED, NULL, s, g);
    assert_int_equal(s[2], STATUS_SUCCESS);
    assert_int_equal(g[2], RP);
    assert_int_equal(s[0], STATUS_ACCESS_DENIED);
    assert_int_equal(g[0], 0);
}

static void test_principal_self(void **state)
{
    (void)state;
    NTSTATUS s[5];
    ACCESS_MASK g[5];
    UCHAR self[SECURITY_MAX_SID_SIZE], other[SECURITY_MAX_SID_SIZE];
    PSECURITY_DESCRIPTOR a = AtSd("O:" U "G:S-1-5-21-1-2-3-1002");
    SEP_SD_VIEW v;
    assert_status(SepCaptureSdView(a, &v), STATUS_SUCCESS);
    memcpy(self, v.Owner, RtlLengthSid(v.Owner));
    memcpy(other, v.Group, RtlLengthSid(v.Group));
    NtsecFree(a);
    List("D:(OA;;RP;" G(2) ";;PS)(OA;;RP;" G(5) ";;PS)", RP, self, s, g);
    assert_int_equal(s[0], STATUS_SUCCESS);
    List("D:(OA;;RP;" G(2) ";;PS)(OA;;RP;" G(5) ";;PS)", RP, other, s, g);
    assert_int_equal(s[0], STATUS_ACCESS_DENIED);
    List("D:(OA;;RP;" G(2) ";;PS)(OA;;RP;" G(5) ";;PS)", RP, NULL, s, g);
    assert_int_equal(s[0], STATUS_ACCESS_DENIED);
}

static void test_list_shape_and_entry_rules(void **state)
{
    (void)state;
    PSECURITY_DESCRIPTOR sd = AtSd("O:SYG:SYD:(A;;RP;;;WD)(OA;;WP;" G(2) ";;WD)");
    PACCESS_TOKEN t = AtToken("user=" U " groups=WD type=impersonation level=impersonation");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    ACCESS_MASK g = 0;
    NTSTATUS s = 0;
    /* malformed lists */
    OBJECT_TYPE_LIST bad[3];
    struct { USHORT L0, L1, L2; int Same; } rows[] = {
        {1, 1, 1, 0}, /* no level-0 root */
        {0, 0, 1, 0}, /* two roots */
        {0, 2, 1, 0}, /* a level skipped */
        {0, 1, 5, 0}, /* deeper than ACCESS_MAX_LEVEL (and skipped) */
        {0, 1, 1, 1}, /* one GUID twice */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        bad[0] = (OBJECT_TYPE_LIST){rows[i].L0, 0, &Guids[1]};
        bad[1] = (OBJECT_TYPE_LIST){rows[i].L1, 0, &Guids[2]};
        bad[2] = (OBJECT_TYPE_LIST){rows[i].L2, 0, rows[i].Same ? &Guids[2] : &Guids[3]};
        assert_false(SeAccessCheckByType(sd, NULL, &ctx, FALSE, RP, 0, bad, 3, NULL, &Mapping, UserMode, &g, &s));
        assert_int_equal(s, STATUS_INVALID_PARAMETER);
        assert_int_equal(g, 0);
    }
    bad[0] = (OBJECT_TYPE_LIST){0, 0, NULL};
    assert_false(SeAccessCheckByType(sd, NULL, &ctx, FALSE, RP, 0, bad, 1, NULL, &Mapping, UserMode, &g, &s));
    assert_int_equal(s, STATUS_INVALID_PARAMETER);
    /* no list: object ACEs with an ObjectType are skipped, as in SeAccessCheck */
    assert_true(SeAccessCheckByType(sd, NULL, &ctx, FALSE, RP, 0, NULL, 0, NULL, &Mapping, UserMode, &g, &s));
    assert_int_equal(g, RP);
    assert_false(SeAccessCheckByType(sd, NULL, &ctx, FALSE, WP, 0, NULL, 0, NULL, &Mapping, UserMode, &g, &s));
    assert_int_equal(s, STATUS_ACCESS_DENIED);
    /* KernelMode grants what is asked on every node, as SeAccessCheck */
    ACCESS_MASK gl[5];
    NTSTATUS sl[5];
    assert_true(NtsecAccessCheckByTypeResultList(NULL, NULL, &ctx, FALSE, WP, RP, Tree, 5, NULL, &Mapping,
                                                 KernelMode, gl, sl));
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sl[i], STATUS_SUCCESS);
        assert_int_equal(gl[i], WP | RP);
    }
    /* a NULL descriptor in UserMode: every node denied */
    assert_false(NtsecAccessCheckByTypeResultList(NULL, NULL, &ctx, FALSE, WP, 0, Tree, 5, NULL, &Mapping,
                                                  UserMode, gl, sl));
    assert_int_equal(sl[4], STATUS_ACCESS_DENIED);
    /* nowhere to write */
    assert_false(NtsecAccessCheckByTypeResultList(sd, NULL, &ctx, FALSE, WP, 0, Tree, 0, NULL, &Mapping,
                                                  UserMode, gl, sl));
    assert_false(SeAccessCheckByType(sd, NULL, &ctx, FALSE, RP, 0, Tree, 5, NULL, &Mapping, UserMode, NULL, &s));
    /* an Identification-level client fails the level gate */
    PACCESS_TOKEN id = AtToken("user=" U " groups=WD type=impersonation level=identification");
    AtSubject(id, &ctx);
    assert_false(SeAccessCheckByType(sd, NULL, &ctx, FALSE, RP, 0, Tree, 5, NULL, &Mapping, UserMode, &g, &s));
    assert_int_equal(s, STATUS_BAD_IMPERSONATION_LEVEL);
    ObDereferenceObject(id);
    ObDereferenceObject(t);
    NtsecFree(sd);
}

/* Restricted tokens: a node is granted only if the restricting SIDs grant it too. */
static void test_restricted_token_intersects_per_node(void **state)
{
    (void)state;
    PSECURITY_DESCRIPTOR sd = AtSd("O:SYG:SYD:(A;;RP;;;WD)(OA;;RP;" G(2) ";;RC)");
    PACCESS_TOKEN t = AtToken("user=" U " groups=WD type=impersonation level=impersonation restricted=RC");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    ACCESS_MASK g[5];
    NTSTATUS s[5];
    assert_false(NtsecAccessCheckByTypeResultList(sd, NULL, &ctx, FALSE, RP, 0, Tree, 5, NULL, &Mapping, UserMode, g, s));
    static const NTSTATUS want[5] = { STATUS_ACCESS_DENIED, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS,
                                      STATUS_ACCESS_DENIED };
    for (int i = 0; i < 5; i++)
        assert_int_equal(s[i], want[i]);
    ObDereferenceObject(t);
    NtsecFree(sd);
}

/*
 * SeAssignSecurityEx with an object type (MS-DTYP 2.5.3.4.2 ComputeACL: an inheritable object
 * ACE whose InheritedObjectType is not the new object's class is not effective on it; a
 * container still receives it, inherit-only, for its own children). Classes {1} and {2}.
 */
static void test_assign_inherited_object_type_decides(void **state)
{
    (void)state;
    PACCESS_TOKEN t = AtToken("user=" U " groups=WD type=impersonation level=impersonation");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    PSECURITY_DESCRIPTOR parent = AtSd("O:SYG:SYD:(OA;CI;RP;;" G(1) ";WD)(OA;CI;WP;" G(3) ";" G(2) ";WD)(A;CI;0x4;;;AU)");
    GENERIC_MAPPING m = Mapping;
    static const struct { int Class; BOOLEAN Dir; PCSTR Dacl; } rows[] = {
        {1, TRUE, "D:AI(OA;CIID;RP;;" G(1) ";WD)(OA;CIIOID;WP;" G(3) ";" G(2) ";WD)(A;CIID;LC;;;AU)"},
        {2, TRUE, "D:AI(OA;CIIOID;RP;;" G(1) ";WD)(OA;CIID;WP;" G(3) ";" G(2) ";WD)(A;CIID;LC;;;AU)"},
        {0, TRUE, "D:AI(OA;CIIOID;RP;;" G(1) ";WD)(OA;CIIOID;WP;" G(3) ";" G(2) ";WD)(A;CIID;LC;;;AU)"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        PSECURITY_DESCRIPTOR n = NULL;
        assert_status(SeAssignSecurityEx(parent, NULL, &n, rows[i].Class ? &Guids[rows[i].Class] : NULL, rows[i].Dir,
                                         SEF_DACL_AUTO_INHERIT, &ctx, &m, PagedPool), STATUS_SUCCESS);
        PSTR text = NULL;
        assert_status(NtsecSecurityDescriptorToSddl(n, DACL_SECURITY_INFORMATION, &text), STATUS_SUCCESS);
        if (strcmp(text, rows[i].Dacl) != 0)
            fail_msg("class %d: %s, expected %s", rows[i].Class, text, rows[i].Dacl);
        NtsecFree(text);
        SeDeassignSecurity(&n);
    }
    NtsecFree(parent);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_aces_apply_to_every_node),
        cmocka_unit_test(test_object_allow_grants_down_and_up),
        cmocka_unit_test(test_object_deny_denies_down_and_up),
        cmocka_unit_test(test_maximum_allowed_per_node),
        cmocka_unit_test(test_principal_self),
        cmocka_unit_test(test_list_shape_and_entry_rules),
        cmocka_unit_test(test_restricted_token_intersects_per_node),
        cmocka_unit_test(test_assign_inherited_object_type_decides),
    };
    return cmocka_run_group_tests(tests, Setup, NULL);
}
