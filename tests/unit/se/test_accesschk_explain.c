/*
 * test_accesschk_explain.c - the explain trace names the deciding ACE or rule for the deny,
 * restricted and integrity cases, and the privilege used; plus SeAccessCheck's own rules
 * (spec 2.20 order, PreviouslyGrantedAccess, PRIVILEGE_SET) and the SID index.
 */
#include "conformance/access_table.h"

#define U "S-1-5-21-1-2-3-1001"
#define O "S-1-5-21-1-2-3-1002"
#define R "S-1-5-21-1-2-3-2000"
#define BASE "user=" U " groups=WD,AU,BU "

static PSTR Explain(PCSTR Token, PCSTR Sddl, ACCESS_MASK Desired, NTSTATUS Expect)
{
    PACCESS_TOKEN t = AtToken(Token);
    PSECURITY_DESCRIPTOR sd = AtSd(Sddl);
    ACCESS_MASK g;
    NTSTATUS s;
    PSTR trace = NULL;
    GENERIC_MAPPING m = SepFileMapping;
    assert_status(NtsecAccessCheckExplain(sd, t, Desired, &m, 0, &g, &s, &trace), STATUS_SUCCESS);
    assert_status(s, Expect);
    assert_non_null(trace);
    ObDereferenceObject(t);
    NtsecFree(sd);
    return trace;
}

static void test_explain_names_deny_ace(void **state)
{
    PSTR t = Explain(BASE "integrity=medium", "O:" O "G:" O "D:(A;;0x1;;;AU)(D;;0x2;;;WD)", 0x3,
                     STATUS_ACCESS_DENIED);
    assert_non_null(strstr(t, "normal pass: ACE[0] allow S-1-5-11"));
    assert_non_null(strstr(t, "normal pass: ACE[1] deny S-1-1-0"));
    assert_non_null(strstr(t, "FILE_WRITE_DATA"));
    assert_non_null(strstr(t, "STATUS_ACCESS_DENIED"));
    NtsecFree(t);
}

/* MS-DTYP 2.5.3.2: a bit is decided by the first ACE that names it; a later deny ACE for a
 * granted bit changes nothing (and the trace says so, not that it denies). */
static void test_explain_later_deny_changes_nothing(void **state)
{
    PSTR t = Explain(BASE "integrity=medium", "O:" O "G:" O "D:(A;;0x1;;;WD)(D;;0x1;;;AU)", 0x1,
                     STATUS_SUCCESS);
    assert_non_null(strstr(t, "normal pass: ACE[0] allow S-1-1-0 (WD) grants"));
    assert_non_null(strstr(t, "normal pass: ACE[1] deny S-1-5-11 (AU) changes nothing: its bits were decided"));
    assert_null(strstr(t, "(AU) denies"));
    NtsecFree(t);
}

static void test_explain_names_restricted_pass(void **state)
{
    PSTR t = Explain(BASE "restricted=" R " integrity=medium", "O:" O "G:" O "D:(A;;FA;;;WD)", 0x1,
                     STATUS_ACCESS_DENIED);
    assert_non_null(strstr(t, "restricted pass: restricted SIDs do not grant"));
    NtsecFree(t);
}

/* A write-restricted token's restricting SIDs limit only the write bits: GenericWrite minus
 * what GenericRead/GenericExecute also hold (the file mapping's FILE_GENERIC_WRITE holds
 * READ_CONTROL and SYNCHRONIZE, which are not write bits; NtApiDotNet GenericMapping.HasWrite,
 * docs/access-check.md). READ_CONTROL and SYNCHRONIZE stay granted when the restricting SID is
 * not in the DACL; FILE_WRITE_DATA does not. */
static void test_write_restricted_limits_only_write_bits(void **state)
{
    PSTR t = Explain(BASE "restricted=" R " write-restricted integrity=medium", "O:" O "G:" O "D:(A;;FA;;;WD)",
                     READ_CONTROL | SYNCHRONIZE | FILE_READ_DATA, STATUS_SUCCESS);
    assert_non_null(strstr(t, "write-restricted token"));
    NtsecFree(t);
    t = Explain(BASE "restricted=" R " write-restricted integrity=medium", "O:" O "G:" O "D:(A;;FA;;;WD)",
                READ_CONTROL | FILE_WRITE_DATA, STATUS_ACCESS_DENIED);
    NtsecFree(t);
    /* A mapping whose GenericWrite shares READ_CONTROL with GenericRead only (not with
     * GenericExecute): READ_CONTROL is still no write bit. */
    GENERIC_MAPPING m = { READ_CONTROL | 0x1, READ_CONTROL | 0x2, 0x4, STANDARD_RIGHTS_REQUIRED | 0x7 };
    PACCESS_TOKEN tok = AtToken(BASE "restricted=" R " write-restricted integrity=medium");
    PSECURITY_DESCRIPTOR sd = AtSd("O:" O "G:" O "D:(A;;0xF0007;;;WD)");
    ACCESS_MASK g = 0;
    NTSTATUS s = 0;
    assert_status(NtsecAccessCheckExplain(sd, tok, READ_CONTROL | 0x1, &m, 0, &g, &s, &t), STATUS_SUCCESS);
    assert_status(s, STATUS_SUCCESS);
    assert_int_equal(g, READ_CONTROL | 0x1);
    NtsecFree(t);
    t = NULL;
    assert_status(NtsecAccessCheckExplain(sd, tok, 0x2, &m, 0, &g, &s, &t), STATUS_SUCCESS);
    assert_status(s, STATUS_ACCESS_DENIED);
    NtsecFree(t);
    NtsecFree(sd);
    ObDereferenceObject(tok);
}

static void test_explain_names_integrity_pass(void **state)
{
    PSTR t = Explain(BASE "integrity=low", "O:" O "G:" O "D:(A;;FA;;;WD)", 0x2, STATUS_ACCESS_DENIED);
    assert_non_null(strstr(t, "integrity pass: token 0x1000 < object 0x2000"));
    assert_non_null(strstr(t, "NO_WRITE_UP"));
    assert_non_null(strstr(t, "result: integrity pass denies"));
    NtsecFree(t);
}

/* docs/access-check.md (integrity): the label limits a lower token only when the token's
 * mandatory policy has NO_WRITE_UP; with the policy off a low token writes a medium object. */
static void test_explain_integrity_policy_off(void **state)
{
    PACCESS_TOKEN t = AtToken(BASE "integrity=low");
    PTOKEN tok = t;
    SepAcquireTokenLockExclusive(tok);
    tok->MandatoryPolicy = TOKEN_MANDATORY_POLICY_OFF;
    SepReleaseTokenLock(tok);
    PSECURITY_DESCRIPTOR sd = AtSd("O:" O "G:" O "D:(A;;FA;;;WD)");
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK g = 0;
    NTSTATUS s = 0;
    PSTR trace = NULL;
    assert_status(NtsecAccessCheckExplain(sd, t, FILE_WRITE_DATA, &m, 0, &g, &s, &trace), STATUS_SUCCESS);
    assert_status(s, STATUS_SUCCESS);
    assert_int_equal(g, FILE_WRITE_DATA);
    assert_non_null(strstr(trace, "token mandatory policy is OFF"));
    NtsecFree(trace);
    NtsecFree(sd);
    ObDereferenceObject(t);
}

static void test_explain_names_privilege(void **state)
{
    PSTR t = Explain(BASE "privileges=SeTakeOwnershipPrivilege integrity=medium", "O:" O "G:" O "D:",
                     WRITE_OWNER, STATUS_SUCCESS);
    assert_non_null(strstr(t, "SeTakeOwnershipPrivilege grants WRITE_OWNER"));
    NtsecFree(t);
}

static void test_explain_level_gate(void **state)
{
    PSTR t = Explain("type=impersonation level=identification " BASE "integrity=medium",
                     "O:" O "G:" O "D:(A;;FA;;;WD)", 0x1, STATUS_BAD_IMPERSONATION_LEVEL);
    assert_non_null(strstr(t, "level gate"));
    NtsecFree(t);
}

/* spec 2.20 step 1: KernelMode is granted before the NULL-descriptor test. */
static void test_seaccesscheck_kernelmode_precedes_null_sd(void **state)
{
    PACCESS_TOKEN t = AtToken("type=impersonation level=identification " BASE "integrity=medium");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK g = 0;
    NTSTATUS s = 1;
    assert_true(SeAccessCheck(NULL, &ctx, FALSE, MAXIMUM_ALLOWED, 0, NULL, &m, KernelMode, &g, &s));
    assert_status(s, STATUS_SUCCESS);
    assert_int_equal(g, FILE_ALL_ACCESS);
    assert_false(SeAccessCheck(NULL, &ctx, FALSE, 0x1, 0, NULL, &m, UserMode, &g, &s));
    assert_status(s, STATUS_ACCESS_DENIED);
    ObDereferenceObject(t);
}

static void test_seaccesscheck_previously_granted_and_privilege_set(void **state)
{
    PACCESS_TOKEN t = AtToken(BASE "privileges=SeSecurityPrivilege,SeTakeOwnershipPrivilege integrity=medium");
    PSECURITY_DESCRIPTOR sd = AtSd("O:" O "G:" O "D:(A;;0x1;;;WD)");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK g = 0;
    NTSTATUS s = 1;
    PPRIVILEGE_SET ps = NULL;
    /* FILE_WRITE_DATA was granted earlier: it is not re-checked and is returned. */
    assert_true(SeAccessCheck(sd, &ctx, FALSE, 0x1, 0x2, &ps, &m, UserMode, &g, &s));
    assert_int_equal(g, 0x3);
    assert_null(ps);
    assert_true(SeAccessCheck(sd, &ctx, FALSE, ACCESS_SYSTEM_SECURITY | WRITE_OWNER, 0, &ps, &m,
                              UserMode, &g, &s));
    assert_non_null(ps);
    assert_int_equal(ps->PrivilegeCount, 2);
    assert_int_equal(ps->Privilege[0].Luid.LowPart, SE_SECURITY_PRIVILEGE);
    assert_int_equal(ps->Privilege[1].Luid.LowPart, SE_TAKE_OWNERSHIP_PRIVILEGE);
    assert_int_equal(ps->Privilege[0].Attributes, SE_PRIVILEGE_USED_FOR_ACCESS);
    SeFreePrivileges(ps);
    ObDereferenceObject(t);
    NtsecFree(sd);
}

static void test_seaccesscheck_rejects_malformed_sd(void **state)
{
    PACCESS_TOKEN t = AtToken(BASE "integrity=medium");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    GENERIC_MAPPING m = SepFileMapping;
    UCHAR bad[64] = {1, 0, 0x04, 0x80}; /* self-relative, DACL present */
    ULONG dacl = 20;
    memcpy(bad + 16, &dacl, 4);
    bad[20] = 2;
    bad[22] = 200; /* AclSize beyond the ACL */
    bad[24] = 3;   /* 3 ACEs */
    ACCESS_MASK g;
    NTSTATUS s;
    assert_false(SeAccessCheck(bad, &ctx, FALSE, 0x1, 0, NULL, &m, UserMode, &g, &s));
    assert_status(s, STATUS_INVALID_ACL);
    ObDereferenceObject(t);
}

/* The hashed index and the linear scan agree, also on a duplicate (index copied). */
static void test_sid_index_matches_linear_scan_and_survives_duplicate(void **state)
{
    PTOKEN t = AtToken("user=" U " groups=WD,AU,BU:deny-only,S-1-5-21-1-2-3-513:disabled restricted=" R
                       " integrity=medium");
    assert_non_null(t->SidIndex);
    PACCESS_TOKEN dup = NULL;
    assert_status(NtsecDuplicateToken(t, TokenImpersonation, SecurityImpersonation, FALSE, &dup), STATUS_SUCCESS);
    PTOKEN d = dup;
    assert_non_null(d->SidIndex);
    assert_ptr_not_equal(d->SidIndex, t->SidIndex);
    PCSTR sids[] = {U, "WD", "AU", "BU", "S-1-5-21-1-2-3-513", R, O, "SY", "ME"};
    for (size_t i = 0; i < sizeof(sids) / sizeof(sids[0]); i++) {
        char sddl[128];
        snprintf(sddl, sizeof(sddl), "O:%s", sids[i]);
        PSECURITY_DESCRIPTOR sd = AtSd(sddl);
        SEP_SD_VIEW v;
        assert_status(SepCaptureSdView(sd, &v), STATUS_SUCCESS);
        for (int restricted = 0; restricted < 2; restricted++) {
            ULONG a = SepTokenSidMatchLinear(t, v.Owner, restricted);
            assert_int_equal(SepTokenSidMatch(t, v.Owner, restricted), a);
            assert_int_equal(SepTokenSidMatch(d, v.Owner, restricted), a);
        }
        NtsecFree(sd);
    }
    ObDereferenceObject(dup);
    ObDereferenceObject(t);
}

/* SeAccessCheckByType follows SeAccessCheck before the descriptor is looked at (docs/access-check.md "Object types"). */
static void test_seaccesscheckbytype_kernelmode_as_seaccesscheck(void **state)
{
    (void)state;
    ACCESS_MASK granted = 0xDEADBEEF;
    NTSTATUS status = 0;
    PPRIVILEGE_SET privs = (PPRIVILEGE_SET)1;
    SECURITY_SUBJECT_CONTEXT ctx;
    memset(&ctx, 0, sizeof(ctx));
    GENERIC_MAPPING map = {1, 2, 4, 7};
    /* KernelMode grants what is asked before looking at the descriptor, as SeAccessCheck
     * (object types: tests/unit/se/test_accesschk_bytype.c) */
    assert_true(SeAccessCheckByType(NULL, NULL, &ctx, FALSE, 1, 0, NULL, 0, &privs, &map, KernelMode,
                                    &granted, &status));
    assert_int_equal(granted, 1);
    assert_status(status, STATUS_SUCCESS);
    assert_null(privs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_names_deny_ace),
        cmocka_unit_test(test_explain_later_deny_changes_nothing),
        cmocka_unit_test(test_explain_names_restricted_pass),
        cmocka_unit_test(test_write_restricted_limits_only_write_bits),
        cmocka_unit_test(test_explain_names_integrity_pass),
        cmocka_unit_test(test_explain_integrity_policy_off),
        cmocka_unit_test(test_explain_names_privilege),
        cmocka_unit_test(test_explain_level_gate),
        cmocka_unit_test(test_seaccesscheck_kernelmode_precedes_null_sd),
        cmocka_unit_test(test_seaccesscheck_previously_granted_and_privilege_set),
        cmocka_unit_test(test_seaccesscheck_rejects_malformed_sd),
        cmocka_unit_test(test_sid_index_matches_linear_scan_and_survives_duplicate),
        cmocka_unit_test(test_seaccesscheckbytype_kernelmode_as_seaccesscheck),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
