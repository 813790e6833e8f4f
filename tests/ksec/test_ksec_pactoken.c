/*
 * test_ksec_pactoken.c - from a PAC to the client's token (src/ksec/pactoken.c): the real
 * blob of a Samba AD user, crafted PACs for the BUILTIN aliases and the token limit, and an
 * NT ACL naming a domain group checked with SeAccessCheck while a server thread impersonates
 * the token (ImpersonateSecurityContext + SeCaptureSubjectContext), as a file system on a
 * domain member would.
 */
#include <stdio.h>
#include "ntsec_test.h"
#include "pac_encoder.h"
#include "sspi.h"
#include "rtl/rtlp.h"
#include "se/sep.h"
#include "se/rights.h"
#include "ksec/pac.h"

#define ON (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED)
#define REAL "S-1-5-21-2236135634-2012952419-3643765061" /* tests/ksec/data/README.md */

static PTOKEN RealToken(const char *File, SECURITY_IMPERSONATION_LEVEL Level)
{
    size_t n;
    unsigned char *blob = PeReadDataFile(File, &n);
    PTOKEN token = NULL;
    assert_int_equal(KsecpPacToken(blob, n, Level, &token), SEC_E_OK);
    assert_non_null(token);
    return token;
}

/* The attributes of the SID Text among the token's groups, or -1. */
static long GroupAttributes(PTOKEN Token, const char *Text)
{
    char buf[200];
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        assert_status(RtlpSidToString(Token->UserAndGroups[i].Sid, buf, sizeof(buf)), STATUS_SUCCESS);
        if (strcmp(buf, Text) == 0)
            return (long)Token->UserAndGroups[i].Attributes;
    }
    return -1;
}

static void ExpectSid(PSID Sid, const char *Text)
{
    char buf[200];
    assert_status(RtlpSidToString(Sid, buf, sizeof(buf)), STATUS_SUCCESS);
    assert_string_equal(buf, Text);
}

static void test_pactoken_real_alice(void **state)
{
    PTOKEN t = RealToken("addc-alice-logon-info.bin", SecurityImpersonation);
    assert_int_equal(t->TokenType, TokenImpersonation);
    assert_int_equal(t->ImpersonationLevel, SecurityImpersonation);
    assert_memory_equal(t->TokenSource.SourceName, "Kerberos", 8);
    ExpectSid(t->UserAndGroups[0].Sid, REAL "-1102");
    ExpectSid(t->PrimaryGroup, REAL "-513");
    /* Every group of the PAC, nested (1105) and domain-local (1106) included, as given. */
    static const char *const domain[] = {REAL "-513", REAL "-1104", REAL "-1105", REAL "-1106", REAL "-1107",
                                         "S-1-18-1"};
    for (size_t i = 0; i < sizeof(domain) / sizeof(domain[0]); i++)
        assert_int_equal(GroupAttributes(t, domain[i]), ON);
    /* What the member adds: BUILTIN\Users; what every network logon gets. */
    assert_int_equal(GroupAttributes(t, "S-1-5-32-545"), ON);
    assert_int_equal(GroupAttributes(t, "S-1-1-0"), ON);
    assert_int_equal(GroupAttributes(t, "S-1-5-2"), ON);
    assert_int_equal(GroupAttributes(t, "S-1-5-11"), ON);
    assert_int_equal(GroupAttributes(t, "S-1-5-32-544"), -1);
    assert_int_equal(GroupAttributes(t, "S-1-5-32-546"), -1);
    assert_int_equal(GroupAttributes(t, "S-1-5-4"), -1); /* never INTERACTIVE */
    /* user, 6 PAC groups, Users, Everyone, NETWORK, AU, logon SID, integrity */
    assert_int_equal(t->UserAndGroupCount, 13);
    ObDereferenceObject(t);

    t = RealToken("addc-alice-logon-info.bin", SecurityIdentification);
    assert_int_equal(t->ImpersonationLevel, SecurityIdentification);
    ObDereferenceObject(t);
}

static PE_SPEC Spec(ULONG Count, const ULONG *Rids)
{
    PE_SPEC s;
    memset(&s, 0, sizeof(s));
    s.Names[0] = "carol";
    s.Names[7] = "DOM";
    s.Domain = "S-1-5-21-1-2-3";
    s.UserId = 500000; /* outside the crafted RIDs 1000 + i */
    s.PrimaryGroupId = 513;
    s.GroupCount = Count;
    s.Rids = Rids;
    s.GroupAttributes = ON;
    return s;
}

static PTOKEN CraftedToken(const PE_SPEC *S, NTSTATUS Expected)
{
    PE_BLOB b = PeEncode(S);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(KsecpParsePacLogonInfo(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    PTOKEN t = (PTOKEN)1;
    assert_status(KsecpBuildPacLogonToken(info, SecurityImpersonation, &t), Expected);
    if (!NT_SUCCESS(Expected))
        assert_null(t);
    KsecpFreePacLogonInfo(info);
    free(b.Bytes);
    return NT_SUCCESS(Expected) ? t : NULL;
}

/* Domain Admins -> BUILTIN\Administrators (owner, High); Domain Guests -> BUILTIN\Guests. */
static void test_pactoken_builtin_aliases_of_a_member(void **state)
{
    static const ULONG admins[] = {513, 512};
    PE_SPEC s = Spec(2, admins);
    PTOKEN t = CraftedToken(&s, STATUS_SUCCESS);
    assert_true(GroupAttributes(t, "S-1-5-32-544") > 0);
    assert_true(GroupAttributes(t, "S-1-5-32-544") & SE_GROUP_ENABLED);
    assert_int_equal(GroupAttributes(t, "S-1-5-32-545"), ON);
    assert_int_equal(GroupAttributes(t, "S-1-5-32-546"), -1);
    ExpectSid(t->UserAndGroups[t->IntegrityIndex].Sid, "S-1-16-12288");
    ObDereferenceObject(t);

    static const ULONG guests[] = {514};
    s = Spec(1, guests);
    s.PrimaryGroupId = 514;
    t = CraftedToken(&s, STATUS_SUCCESS);
    assert_int_equal(GroupAttributes(t, "S-1-5-32-546"), ON);
    assert_int_equal(GroupAttributes(t, "S-1-5-32-544"), -1);
    ExpectSid(t->UserAndGroups[t->IntegrityIndex].Sid, "S-1-16-8192");
    ObDereferenceObject(t);

    /* A disabled Domain Admins membership gives no alias; 512 of another domain neither. */
    s = Spec(2, admins);
    s.GroupAttributes = SE_GROUP_MANDATORY;
    t = CraftedToken(&s, STATUS_SUCCESS);
    assert_int_equal(GroupAttributes(t, "S-1-5-32-544"), -1);
    ObDereferenceObject(t);
    static const char *const foreign[] = {"S-1-5-21-9-9-9-512"};
    s = Spec(0, NULL);
    s.ExtraCount = 1;
    s.Extra = foreign;
    s.ExtraAttributes = ON;
    t = CraftedToken(&s, STATUS_SUCCESS);
    assert_int_equal(GroupAttributes(t, "S-1-5-32-544"), -1);
    assert_int_equal(GroupAttributes(t, "S-1-5-21-9-9-9-512"), ON);
    ObDereferenceObject(t);
}

/* The token limit: user + 1024 groups + the integrity label. Here a PAC of N groups (none of
 * them the primary group) gives N + 6 groups: primary, Users, Everyone, NETWORK, AU, logon. */
static void test_pactoken_limit_is_1024_groups(void **state)
{
    PE_SPEC s = Spec(KSEC_PAC_MAX_GROUPS - 6, NULL);
    PTOKEN t = CraftedToken(&s, STATUS_SUCCESS);
    assert_int_equal(t->UserAndGroupCount, KSEC_PAC_MAX_GROUPS + 2);
    ObDereferenceObject(t);
    s = Spec(KSEC_PAC_MAX_GROUPS - 5, NULL);
    (void)CraftedToken(&s, STATUS_TOO_MANY_CONTEXT_IDS);
    /* Duplicates are merged before counting. */
    static ULONG same[KSEC_PAC_MAX_GROUPS];
    for (ULONG i = 0; i < KSEC_PAC_MAX_GROUPS; i++)
        same[i] = 1000 + i % 10;
    s = Spec(KSEC_PAC_MAX_GROUPS, same);
    t = CraftedToken(&s, STATUS_SUCCESS);
    assert_int_equal(t->UserAndGroupCount, 1 + 10 + 6 + 1);
    ObDereferenceObject(t);
}

static void test_pactoken_bad_input_is_logon_denied(void **state)
{
    PTOKEN t = (PTOKEN)1;
    assert_int_equal(KsecpPacToken("garbage!", 8, SecurityImpersonation, &t), SEC_E_LOGON_DENIED);
    assert_null(t);
    assert_int_equal(KsecpPacToken(NULL, 0, SecurityImpersonation, &t), SEC_E_LOGON_DENIED);
    assert_int_equal(KsecpPacToken("x", 1, SecurityImpersonation, NULL), SEC_E_INTERNAL_ERROR);
    size_t n;
    unsigned char *blob = PeReadDataFile("addc-alice-logon-info.bin", &n);
    assert_int_equal(KsecpPacToken(blob, n - 8, SecurityImpersonation, &t), SEC_E_LOGON_DENIED);
    assert_int_equal(KsecpPacToken(blob, n, (SECURITY_IMPERSONATION_LEVEL)7, &t), SEC_E_LOGON_DENIED);
    assert_null(t);
    assert_status(KsecpBuildPacLogonToken(NULL, SecurityImpersonation, &t), STATUS_INVALID_PARAMETER);
}

/*
 * SeAccessCheck on the server thread while it impersonates Token: TRUE iff Desired granted.
 */
static BOOLEAN CheckAs(PTOKEN Token, PCSTR Sddl, ACCESS_MASK Desired, NTSTATUS *Status)
{
    CtxtHandle h;
    assert_status(NtsecCreateSecurityContextForToken(Token, SecurityImpersonation, 0, &h), STATUS_SUCCESS);
    assert_int_equal(ImpersonateSecurityContext(&h), SEC_E_OK);
    SECURITY_SUBJECT_CONTEXT subject;
    SeCaptureSubjectContext(&subject);
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG length = 0;
    assert_status(NtsecSddlToSecurityDescriptor(Sddl, &sd, &length), STATUS_SUCCESS);
    GENERIC_MAPPING mapping = SepFileMapping;
    ACCESS_MASK granted = 0;
    BOOLEAN ok = SeAccessCheck(sd, &subject, FALSE, Desired, 0, NULL, &mapping, UserMode, &granted, Status);
    if (ok)
        assert_int_equal(granted, Desired);
    SeReleaseSubjectContext(&subject);
    NtsecFree(sd);
    assert_int_equal(RevertSecurityContext(&h), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    return ok;
}

/* An ACL naming domain groups, as on a domain member: nested membership counts, a deny for
 * a domain-local group wins, a user outside the groups is denied. */
static void test_pactoken_domain_group_acl(void **state)
{
    PTOKEN alice = RealToken("addc-alice-logon-info.bin", SecurityImpersonation);
    PTOKEN bob = RealToken("addc-bob-logon-info.bin", SecurityImpersonation);
    NTSTATUS st;
    /* ntsec-ops (1105): alice only through ntsec-devs. */
    PCSTR opsOnly = "O:BAG:BAD:(A;;FA;;;" REAL "-1105)";
    assert_true(CheckAs(alice, opsOnly, FILE_READ_DATA | FILE_WRITE_DATA, &st));
    assert_status(st, STATUS_SUCCESS);
    assert_false(CheckAs(bob, opsOnly, FILE_READ_DATA, &st));
    assert_status(st, STATUS_ACCESS_DENIED);
    /* Deny ntsec-local (domain-local, 1106) before allowing Authenticated Users. */
    PCSTR denyLocal = "O:BAG:BAD:(D;;FW;;;" REAL "-1106)(A;;FA;;;AU)";
    assert_false(CheckAs(alice, denyLocal, FILE_WRITE_DATA, &st));
    assert_status(st, STATUS_ACCESS_DENIED);
    assert_true(CheckAs(alice, denyLocal, FILE_READ_DATA, &st));
    assert_true(CheckAs(bob, denyLocal, FILE_WRITE_DATA, &st));
    /* BUILTIN\Users (added by the member) and Domain Users both reach bob. */
    assert_true(CheckAs(bob, "O:BAG:BAD:(A;;FR;;;BU)", FILE_READ_DATA, &st));
    assert_true(CheckAs(bob, "O:BAG:BAD:(A;;FR;;;" REAL "-513)", FILE_READ_DATA, &st));
    assert_false(CheckAs(bob, "O:BAG:BAD:(A;;FR;;;" REAL "-1107)", FILE_READ_DATA, &st));
    ObDereferenceObject(alice);
    ObDereferenceObject(bob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pactoken_real_alice),
        cmocka_unit_test(test_pactoken_builtin_aliases_of_a_member),
        cmocka_unit_test(test_pactoken_limit_is_1024_groups),
        cmocka_unit_test(test_pactoken_bad_input_is_logon_denied),
        cmocka_unit_test(test_pactoken_domain_group_acl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
