/*
 * test_tokentext.c - the token text form (DESIGN.md "Token text form", docs/token-text.md):
 * parsing, defaults, errors naming the offending item, the canonical form and its fixed point,
 * buffer sizing, wrong object types and allocation failure.
 */
#include <stdio.h>
#include <string.h>
#include "ntsec_test.h"
#include "token_compare.h"

#define DESIGN_EXAMPLE                                                                          \
    "user=S-1-5-21-1-2-3-1001 groups=WD,AU,BU,S-1-5-21-1-2-3-513:deny-only "                    \
    "privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled integrity=ME "          \
    "type=impersonation level=identification"

static PSID SidOf(PCSTR Text, UCHAR Buffer[SECURITY_MAX_SID_SIZE])
{
    PACCESS_TOKEN t = TestToken(Text);
    memcpy(Buffer, SepTokenUserSid(t), RtlLengthSid(SepTokenUserSid(t)));
    ObDereferenceObject(t);
    return Buffer;
}

static void test_design_example_parses_to_exact_fields(void **state)
{
    PTOKEN t = TestToken(DESIGN_EXAMPLE);
    UCHAR sid[SECURITY_MAX_SID_SIZE];
    assert_true(RtlEqualSid(SepTokenUserSid(t), SidOf("user=S-1-5-21-1-2-3-1001", sid)));
    assert_int_equal(t->UserAndGroups[0].Attributes, 0);
    assert_int_equal(t->UserAndGroupCount, 1 + 4 + 1); /* user, 4 groups, integrity */
    assert_true(RtlEqualSid(t->UserAndGroups[1].Sid, SidOf("user=S-1-1-0", sid)));
    assert_int_equal(t->UserAndGroups[1].Attributes, SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED);
    assert_true(RtlEqualSid(t->UserAndGroups[2].Sid, SidOf("user=S-1-5-11", sid)));
    assert_true(RtlEqualSid(t->UserAndGroups[3].Sid, SidOf("user=S-1-5-32-545", sid)));
    assert_int_equal(t->UserAndGroups[4].Attributes, SE_GROUP_USE_FOR_DENY_ONLY);
    assert_int_equal(t->IntegrityIndex, 5);
    assert_int_equal(SepTokenIntegrityRid(t), SECURITY_MANDATORY_MEDIUM_RID);
    assert_int_equal(t->PrivilegeCount, 2);
    assert_int_equal(t->Privileges[0].Luid.LowPart, SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_int_equal(t->Privileges[0].Attributes, SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    assert_int_equal(t->Privileges[1].Luid.LowPart, SE_IMPERSONATE_PRIVILEGE);
    assert_int_equal(t->Privileges[1].Attributes, 0);
    assert_int_equal(t->TokenType, TokenImpersonation);
    assert_int_equal(t->ImpersonationLevel, SecurityIdentification);
    assert_int_equal(atomic_load(&t->TokenFlags) & TOKEN_HAS_IMPERSONATE_PRIVILEGE, 0);
    assert_int_equal(NtsecReferenceCount(t), 1);
    ObDereferenceObject(t);
}

static void test_defaults_of_a_minimal_token(void **state)
{
    PTOKEN t = TestToken("user=S-1-5-21-1-2-3-1001");
    assert_int_equal(t->TokenType, TokenPrimary);
    assert_int_equal(t->UserAndGroupCount, 2); /* user + integrity */
    assert_int_equal(SepTokenIntegrityRid(t), SECURITY_MANDATORY_MEDIUM_RID);
    assert_int_equal(t->PrivilegeCount, 0);
    assert_int_equal(t->RestrictedSidCount, 0);
    assert_memory_equal(t->TokenSource.SourceName, "ntsec\0\0\0", 8);
    assert_int_equal(t->DefaultOwnerIndex, 0);
    assert_true(RtlEqualSid(t->PrimaryGroup, SepTokenUserSid(t)));
    assert_non_null(t->DefaultDacl);
    assert_int_equal(t->DefaultDacl->AceCount, 2); /* owner and SYSTEM GENERIC_ALL */
    assert_int_equal(t->SessionId, 0);
    assert_true(t->AuthenticationId.LowPart != 0 || t->AuthenticationId.HighPart != 0);
    assert_int_equal(t->OriginatingLogonSession.LowPart, 0);
    ObDereferenceObject(t);
}

static void test_every_key_is_honoured(void **state)
{
    PTOKEN t = TestToken("user=SY groups=BA:owner,S-1-5-5-0-999:logon-id,S-1-5-32-545:disabled "
                         "privileges=SeTcbPrivilege:disabled,SeDebugPrivilege restricted=WD,S-1-5-12 "
                         "write-restricted=yes integrity=S-1-16-12288 type=impersonation level=delegation "
                         "auth-id=0x1:0x2 origin=0x0:0x3e7 source=\"User32  \" owner=BA primary-group=BU "
                         "default-dacl=D:(A;;GA;;;SY) session=7");
    assert_int_equal(t->UserAndGroups[1].Attributes, SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT |
                                                         SE_GROUP_ENABLED | SE_GROUP_OWNER);
    assert_int_equal(t->UserAndGroups[2].Attributes, SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT |
                                                         SE_GROUP_ENABLED | SE_GROUP_LOGON_ID);
    assert_int_equal(t->UserAndGroups[3].Attributes, 0);
    assert_int_equal(t->Privileges[0].Luid.LowPart, SE_TCB_PRIVILEGE);
    assert_int_equal(t->Privileges[0].Attributes, 0);
    assert_int_equal(t->Privileges[1].Luid.LowPart, SE_DEBUG_PRIVILEGE);
    assert_int_equal(t->RestrictedSidCount, 2);
    assert_true(SeTokenIsRestricted(t));
    assert_true(SeTokenIsWriteRestricted(t));
    assert_int_equal(SepTokenIntegrityRid(t), SECURITY_MANDATORY_HIGH_RID);
    assert_int_equal(t->ImpersonationLevel, SecurityDelegation);
    assert_int_equal(t->AuthenticationId.HighPart, 1);
    assert_int_equal(t->AuthenticationId.LowPart, 2);
    assert_int_equal(t->OriginatingLogonSession.LowPart, 0x3e7);
    assert_memory_equal(t->TokenSource.SourceName, "User32  ", 8);
    assert_int_equal(t->DefaultOwnerIndex, 1);
    assert_int_equal(t->DefaultDacl->AceCount, 1);
    assert_int_equal(t->SessionId, 7);
    ObDereferenceObject(t);
}

static void test_canonical_form_of_design_example(void **state)
{
    PACCESS_TOKEN t = TestToken(DESIGN_EXAMPLE " auth-id=0x0:0x1234");
    char buf[1024];
    FormatInto(t, buf, sizeof(buf));
    assert_string_equal(buf, "user=S-1-5-21-1-2-3-1001 groups=WD,AU,BU,S-1-5-21-1-2-3-513:deny-only "
                             "privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled "
                             "integrity=medium type=impersonation level=identification "
                             "auth-id=0x0:0x1234 source=ntsec");
    ObDereferenceObject(t);
}

/* parse(format(t)) equals t field by field, and format is a fixed point. */
static void test_format_parse_is_a_fixed_point(void **state)
{
    static const PCSTR texts[] = {
        "user=S-1-5-21-1-2-3-1001",
        DESIGN_EXAMPLE,
        "user=SY groups=BA:owner,S-1-5-5-0-999:logon-id,BU:disabled|mandatory,S-1-5-21-9-9-9-512:resource "
        "privileges=SeTcbPrivilege:disabled,SeDebugPrivilege,SeBackupPrivilege:0x2 restricted=WD,S-1-5-12 "
        "write-restricted=yes integrity=S-1-16-12288 type=impersonation level=delegation auth-id=0x1:0x2 "
        "origin=0x0:0x3e7 source=\"User32  \" owner=BA primary-group=BU session=7",
        "user=S-1-5-21-1-2-3-1001:deny-only groups=S-1-5-21-1-2-3-513:0x20 integrity=none default-dacl=none",
        "user=S-1-22-1-1000 groups=S-1-22-2-1000,S-1-22-2-27:deny-only|mandatory integrity=untrusted type=impersonation level=anonymous",
        "user=S-1-5-21-1-2-3-1001 integrity=S-1-16-20480 source=*SYSTEM*",
        "user=S-1-5-21-1-2-3-1001 default-dacl=D:(A;;GA;;;SY)(A;;GR;;;BU)",
        /* fuzz_token_text find: a quoted source holding '(' was printed bare, which does not reparse. */
        "user=AA source=\"(\"",
        "user=AA source=\"a)b\"",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        PACCESS_TOKEN a = TestToken(texts[i]);
        char first[2048], second[2048];
        FormatInto(a, first, sizeof(first));
        PACCESS_TOKEN b = TestToken(first);
        AssertTokensEqual(a, b);
        FormatInto(b, second, sizeof(second));
        assert_string_equal(first, second);
        ObDereferenceObject(a);
        ObDereferenceObject(b);
    }
}

static void ExpectError(PCSTR Text, PCSTR Message)
{
    PACCESS_TOKEN t = (PACCESS_TOKEN)0x1;
    NTSTATUS st = NtsecCreateTokenFromText(Text, &t);
    if (st != STATUS_INVALID_PARAMETER || strcmp(NtsecLastErrorText(), Message) != 0)
        fprintf(stderr, "text: %s\n  got 0x%08X \"%s\"\n  want \"%s\"\n", Text, (unsigned)st,
                NtsecLastErrorText(), Message);
    assert_status(st, STATUS_INVALID_PARAMETER);
    assert_null(t);
    assert_string_equal(NtsecLastErrorText(), Message);
}

static void test_errors_name_the_offending_item(void **state)
{
    ExpectError("user=SY privileges=SeFooPrivilege", "token text: unknown privilege \"SeFooPrivilege\" in privileges");
    ExpectError("user=SY colour=blue", "token text: unknown key \"colour\"");
    ExpectError("user=SY user=BA", "token text: duplicate key \"user\"");
    ExpectError("user=S-1-5-x", "token text: bad SID \"S-1-5-x\" in user");
    ExpectError("user=SY groups=WD,S-1-", "token text: bad SID \"S-1-\" in groups");
    ExpectError("user=SY groups=WD:shiny", "token text: unknown group flag \"shiny\" in groups");
    ExpectError("user=SY groups=WD:enabled|disabled", "token text: group flags \"enabled\" and \"disabled\" conflict in groups");
    ExpectError("user=SY groups=S-1-16-8192", "token text: integrity SID \"S-1-16-8192\" in groups (use integrity=)");
    ExpectError("user=SY restricted=WD:owner", "token text: flags \"owner\" not allowed in restricted");
    ExpectError("groups=WD", "token text: missing user=");
    ExpectError("", "token text: missing user=");
    ExpectError("user=SY level=delegation", "token text: level= applies only to type=impersonation");
    ExpectError("user=SY type=secondary", "token text: unknown type \"secondary\" (primary or impersonation)");
    ExpectError("user=SY type=impersonation level=total", "token text: unknown level \"total\"");
    ExpectError("user=SY integrity=extreme", "token text: unknown integrity level \"extreme\"");
    ExpectError("user=SY auth-id=12", "token text: bad LUID \"12\" in auth-id (expected 0xHIGH:0xLOW)");
    ExpectError("user=SY auth-id=0x0:0x0", "token text: auth-id must not be zero");
    ExpectError("user=SY source=TooLongName", "token text: source \"TooLongName\" must be 1 to 8 characters");
    ExpectError("user=SY source=\"ab", "token text: unterminated quote in source");
    ExpectError("user=SY session=-1", "token text: bad session \"-1\" (a number)");
    ExpectError("user=SY privileges=SeTcbPrivilege,SeTcbPrivilege", "token text: duplicate privilege \"SeTcbPrivilege\" in privileges");
    ExpectError("user=SY privileges=SeTcbPrivilege:on", "token text: bad privilege state \"on\" for SeTcbPrivilege in privileges");
    ExpectError("user=SY owner=BA", "token text: owner is neither the user nor a group with the owner flag");
    ExpectError("user=SY write-restricted=yes", "token text: write-restricted=yes needs restricted= SIDs");
    ExpectError("user=SY bare", "token text: item \"bare\" is not key=value");
    ExpectError("user=SY default-dacl=O:SY", "token text: default-dacl \"O:SY\" must be an SDDL DACL starting with D:");
}

static void test_privilege_names_are_case_insensitive_and_canonicalised(void **state)
{
    PACCESS_TOKEN t = TestToken("user=SY privileges=seimpersonateprivilege auth-id=0x0:0x5");
    char buf[512];
    FormatInto(t, buf, sizeof(buf));
    assert_string_equal(buf, "user=S-1-5-18 privileges=SeImpersonatePrivilege integrity=medium type=primary "
                             "auth-id=0x0:0x5 source=ntsec");
    ObDereferenceObject(t);
}

static void test_buffer_too_small_reports_needed(void **state)
{
    PACCESS_TOKEN t = TestToken(DESIGN_EXAMPLE);
    SIZE_T needed = 0;
    assert_status(NtsecFormatToken(t, NULL, 0, &needed), STATUS_BUFFER_TOO_SMALL);
    assert_true(needed > 1);
    char buf[1024];
    memset(buf, 'x', sizeof(buf));
    SIZE_T again = 0;
    assert_status(NtsecFormatToken(t, buf, needed - 1, &again), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(again, needed);
    assert_string_equal(buf, "");
    assert_status(NtsecFormatToken(t, buf, needed, &again), STATUS_SUCCESS);
    assert_int_equal(strlen(buf) + 1, needed);
    ObDereferenceObject(t);
}

/* spec 5-D24: a non-token is refused with no reference change. */
static void test_format_wrong_object_type(void **state)
{
    PVOID process = PsInitialSystemProcess;
    LONG_PTR before = NtsecReferenceCount(process);
    char buf[64];
    SIZE_T needed = 0;
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(NtsecFormatToken(process, buf, sizeof(buf), &needed), STATUS_OBJECT_TYPE_MISMATCH));
    assert_int_equal(NtsecReferenceCount(process), before);
    assert_status(NtsecCreateTokenFromText("user=SY", NULL), STATUS_INVALID_PARAMETER);
    PACCESS_TOKEN t = NULL;
    assert_status(NtsecCreateTokenFromText(NULL, &t), STATUS_INVALID_PARAMETER);
    assert_null(t);
}

/* Every allocation of parse and format may fail: STATUS_NO_MEMORY, nothing leaked (ASan). */
static void test_allocation_failure_sweep(void **state)
{
    PCSTR text = "user=SY groups=BA:owner,WD privileges=SeTcbPrivilege restricted=WD "
                 "owner=BA default-dacl=D:(A;;GA;;;SY)(A;;GR;;;BU)";
    BOOLEAN succeeded = FALSE;
    for (ULONG i = 1; i < 200 && !succeeded; i++) {
        PACCESS_TOKEN t = NULL;
        NtsecSetAllocationFailure(i);
        NTSTATUS st = NtsecCreateTokenFromText(text, &t);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st)) {
            succeeded = TRUE;
            assert_int_equal(NtsecReferenceCount(t), 1);
            ObDereferenceObject(t);
        } else {
            assert_true(st == STATUS_NO_MEMORY || st == STATUS_INSUFFICIENT_RESOURCES);
            assert_null(t);
        }
    }
    assert_true(succeeded);
    PACCESS_TOKEN t = TestToken(text);
    succeeded = FALSE;
    for (ULONG i = 1; i < 50 && !succeeded; i++) {
        char buf[1024];
        SIZE_T needed;
        NtsecSetAllocationFailure(i);
        NTSTATUS st = NtsecFormatToken(t, buf, sizeof(buf), &needed);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st))
            succeeded = TRUE;
        else
            assert_true(st == STATUS_NO_MEMORY || st == STATUS_INSUFFICIENT_RESOURCES);
    }
    assert_true(succeeded);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_example_parses_to_exact_fields),
        cmocka_unit_test(test_defaults_of_a_minimal_token),
        cmocka_unit_test(test_every_key_is_honoured),
        cmocka_unit_test(test_canonical_form_of_design_example),
        cmocka_unit_test(test_format_parse_is_a_fixed_point),
        cmocka_unit_test(test_errors_name_the_offending_item),
        cmocka_unit_test(test_privilege_names_are_case_insensitive_and_canonicalised),
        cmocka_unit_test(test_buffer_too_small_reports_needed),
        cmocka_unit_test(test_format_wrong_object_type),
        cmocka_unit_test(test_allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
