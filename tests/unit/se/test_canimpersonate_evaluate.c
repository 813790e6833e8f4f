/*
 * test_canimpersonate_evaluate.c - NtsecEvaluateImpersonation, the impersonation rule of
 * spec 3.2 applied to two tokens, one table row per boundary of every step, so that a change
 * to any comparison of the rule (a step dropped, reordered, an operator flipped, a field
 * compared against the wrong token) fails a row. Also SeSinglePrivilegeCheck, which had no
 * test of its own (issue 10 item 5).
 */
#include <string.h>
#include "ntsec_test.h"

#define PROC_A "user=S-1-5-21-1-2-3-1001 groups=WD,AU integrity=ME auth-id=0x0:0x5001"
#define PROC_A_IMP PROC_A " privileges=SeImpersonatePrivilege"
#define PROC_A_IMP_OFF PROC_A " privileges=SeImpersonatePrivilege:disabled"
#define PROC_A_RESTRICTED PROC_A " restricted=WD"
#define PROC_A_HIGH "user=S-1-5-21-1-2-3-1001 groups=WD,AU integrity=HI auth-id=0x0:0x5001"

#define IMP " type=impersonation level=impersonation"
#define TOK_A "user=S-1-5-21-1-2-3-1001 groups=WD,AU integrity=ME" IMP
#define TOK_A_RESTRICTED TOK_A " restricted=WD"
#define TOK_A_HIGH "user=S-1-5-21-1-2-3-1001 groups=WD,AU integrity=HI" IMP
#define TOK_A_LOW "user=S-1-5-21-1-2-3-1001 groups=WD,AU integrity=LW" IMP
#define TOK_B "user=S-1-5-21-1-2-3-1002 groups=WD,AU integrity=ME" IMP
#define TOK_B_FROM_A TOK_B " origin=0x0:0x5001"  /* created from A's logon session */
#define TOK_B_FROM_X TOK_B " origin=0x0:0x5002"
#define TOK_ANON_SYSTEM "user=AN groups=WD integrity=untrusted auth-id=0x0:0x3e6 source=*SYSTEM*" IMP
#define TOK_ANON_FORGED "user=AN groups=WD integrity=untrusted auth-id=0x0:0x3e6 source=User32" IMP

typedef struct _RULE_ROW {
    PCSTR Why;
    NTSEC_IMPERSONATION_POLICY Policy;
    PCSTR Process;
    PCSTR Token;
    SECURITY_IMPERSONATION_LEVEL Level;
    NTSEC_IMPERSONATION_DECISION Expected;
} RULE_ROW;

static const RULE_ROW Rows[] = {
    /* step 1: the legacy policy has no rule, even for another user */
    {"legacy policy, other user", NtsecPolicyNtLegacy, PROC_A, TOK_B, SecurityImpersonation,
     NtsecDecisionAllowLegacyPolicy},
    /* step 2: Identification/Anonymous requests need no permission; Impersonation does */
    {"identification, other user", NtsecPolicyVista, PROC_A, TOK_B, SecurityIdentification,
     NtsecDecisionAllowLevelAtMostIdentify},
    {"anonymous, other user", NtsecPolicyVista, PROC_A, TOK_B, SecurityAnonymous,
     NtsecDecisionAllowLevelAtMostIdentify},
    {"delegation, other user", NtsecPolicyVista, PROC_A,
     "user=S-1-5-21-1-2-3-1002 type=impersonation level=delegation", SecurityDelegation,
     NtsecDecisionDenyOtherUser},
    /* the request is clamped to the token's own level first (5-D8): an Identification
     * token asked for at Impersonation is an Identification request */
    {"clamped to the token's level", NtsecPolicyVista, PROC_A,
     "user=S-1-5-21-1-2-3-1002 type=impersonation level=identification", SecurityImpersonation,
     NtsecDecisionAllowLevelAtMostIdentify},
    /* step 3: anonymous logon tokens (5-D6), before the privilege is looked at */
    {"system anonymous token", NtsecPolicyVista, PROC_A, TOK_ANON_SYSTEM, SecurityImpersonation,
     NtsecDecisionAllowSystemAnonymous},
    {"forged anonymous token", NtsecPolicyVista, PROC_A_IMP, TOK_ANON_FORGED, SecurityImpersonation,
     NtsecDecisionDenyForgedAnonymous},
    /* step 4: SeImpersonatePrivilege, enabled, in the process token */
    {"privilege enabled, other user", NtsecPolicyVista, PROC_A_IMP, TOK_B, SecurityImpersonation,
     NtsecDecisionAllowImpersonatePrivilege},
    {"privilege disabled, other user", NtsecPolicyVista, PROC_A_IMP_OFF, TOK_B, SecurityImpersonation,
     NtsecDecisionDenyOtherUser},
    {"privilege beats restriction and integrity", NtsecPolicyVista, PROC_A_IMP, TOK_A_HIGH,
     SecurityImpersonation, NtsecDecisionAllowImpersonatePrivilege},
    /* step 5: same user, or a token created from the process's logon session (5-D21) */
    {"other user", NtsecPolicyVista, PROC_A, TOK_B, SecurityImpersonation, NtsecDecisionDenyOtherUser},
    {"other user from the caller's session", NtsecPolicyVista, PROC_A, TOK_B_FROM_A, SecurityImpersonation,
     NtsecDecisionAllowSameIdentity},
    {"other user from another session", NtsecPolicyVista, PROC_A, TOK_B_FROM_X, SecurityImpersonation,
     NtsecDecisionDenyOtherUser},
    /* step 6: restriction state must be equal (5-D5) */
    {"token restricted, process not", NtsecPolicyVista, PROC_A, TOK_A_RESTRICTED, SecurityImpersonation,
     NtsecDecisionDenyRestriction},
    {"process restricted, token not", NtsecPolicyVista, PROC_A_RESTRICTED, TOK_A, SecurityImpersonation,
     NtsecDecisionDenyRestriction},
    {"both restricted", NtsecPolicyVista, PROC_A_RESTRICTED, TOK_A_RESTRICTED, SecurityImpersonation,
     NtsecDecisionAllowSameIdentity},
    /* step 7: integrity above the process's only under the Vista policy; equal or lower is fine */
    {"higher integrity, Vista", NtsecPolicyVista, PROC_A, TOK_A_HIGH, SecurityImpersonation,
     NtsecDecisionDenyIntegrity},
    {"higher integrity, XP SP2", NtsecPolicyXpSp2, PROC_A, TOK_A_HIGH, SecurityImpersonation,
     NtsecDecisionAllowSameIdentity},
    {"equal integrity (High)", NtsecPolicyVista, PROC_A_HIGH, TOK_A_HIGH, SecurityImpersonation,
     NtsecDecisionAllowSameIdentity},
    {"lower integrity", NtsecPolicyVista, PROC_A, TOK_A_LOW, SecurityImpersonation,
     NtsecDecisionAllowSameIdentity},
    /* step 8 */
    {"same identity", NtsecPolicyVista, PROC_A, TOK_A, SecurityImpersonation, NtsecDecisionAllowSameIdentity},
    {"same identity, delegation", NtsecPolicyVista, PROC_A,
     "user=S-1-5-21-1-2-3-1001 groups=WD,AU type=impersonation level=delegation", SecurityDelegation,
     NtsecDecisionAllowSameIdentity},
};

static void test_rule_table(void **state)
{
    NTSEC_IMPERSONATION_POLICY saved = NtsecGetImpersonationPolicy();
    ULONG failures = 0;
    for (ULONG i = 0; i < sizeof(Rows) / sizeof(Rows[0]); i++) {
        const RULE_ROW *r = &Rows[i];
        PACCESS_TOKEN process = TestToken(r->Process), token = TestToken(r->Token);
        LONG_PTR pRefs = NtsecReferenceCount(process), tRefs = NtsecReferenceCount(token);
        assert_status(NtsecSetImpersonationPolicy(r->Policy), STATUS_SUCCESS);
        NTSEC_IMPERSONATION_DECISION got = NtsecEvaluateImpersonation(process, token, r->Level);
        if (got != r->Expected) {
            print_error("row %lu (%s): decision %d (%s), expected %d (%s)\n", (unsigned long)i, r->Why, got,
                        NtsecDecisionText(got), r->Expected, NtsecDecisionText(r->Expected));
            failures++;
        }
        /* the evaluation takes no references */
        assert_int_equal(NtsecReferenceCount(process), pRefs);
        assert_int_equal(NtsecReferenceCount(token), tRefs);
        ObDereferenceObject(process);
        ObDereferenceObject(token);
    }
    NtsecSetImpersonationPolicy(saved);
    assert_int_equal(failures, 0);
}

/* The tool's answer is the one PsImpersonateClient acts on: a thread of a process with the
 * row's primary token records the row's decision (NtsecLastImpersonationDecision). */
typedef struct _RULE_RUN {
    PACCESS_TOKEN Token;
    SECURITY_IMPERSONATION_LEVEL Level;
    NTSEC_IMPERSONATION_DECISION Decision;
    NTSTATUS Status;
} RULE_RUN;

static VOID RuleThread(PVOID Context)
{
    RULE_RUN *run = Context;
    run->Status = PsImpersonateClient(PsGetCurrentThread(), run->Token, FALSE, FALSE, run->Level);
    run->Decision = NtsecLastImpersonationDecision(PsGetCurrentThread());
    PsRevertToSelf();
}

static void test_rule_table_matches_ps_impersonate_client(void **state)
{
    NTSEC_IMPERSONATION_POLICY saved = NtsecGetImpersonationPolicy();
    for (ULONG i = 0; i < sizeof(Rows) / sizeof(Rows[0]); i++) {
        const RULE_ROW *r = &Rows[i];
        PACCESS_TOKEN process = TestToken(r->Process), token = TestToken(r->Token);
        NtsecSetImpersonationPolicy(r->Policy);
        PEPROCESS p = NULL;
        PETHREAD t = NULL;
        RULE_RUN run = {token, r->Level, NtsecDecisionNone, STATUS_UNSUCCESSFUL};
        assert_status(NtsecCreateProcess(process, &p), STATUS_SUCCESS);
        assert_status(NtsecCreateThread(p, RuleThread, &run, &t), STATUS_SUCCESS);
        assert_status(NtsecJoinThread(t), STATUS_SUCCESS);
        assert_status(run.Status, STATUS_SUCCESS); /* a downgrade is still success (spec 3.4) */
        if (run.Decision != r->Expected)
            fail_msg("row %lu (%s): PsImpersonateClient decided %d, table says %d", (unsigned long)i, r->Why,
                     run.Decision, r->Expected);
        ObDereferenceObject(t);
        ObDereferenceObject(p);
        ObDereferenceObject(process);
        ObDereferenceObject(token);
    }
    NtsecSetImpersonationPolicy(saved);
}

static void test_not_tokens_and_bad_levels_decide_nothing(void **state)
{
    PACCESS_TOKEN a = TestToken(TOK_A), pa = TestToken(PROC_A);
    assert_int_equal(NtsecEvaluateImpersonation(pa, a, (SECURITY_IMPERSONATION_LEVEL)7), NtsecDecisionNone);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
                            assert_int_equal(NtsecEvaluateImpersonation(PsGetCurrentProcess(), a,
                                                                        SecurityImpersonation),
                                             NtsecDecisionNone));
    EXPECT_VERIFIER_FINDING(NtsecFindingNotAnObject,
                            assert_int_equal(NtsecEvaluateImpersonation(NULL, a, SecurityImpersonation),
                                             NtsecDecisionNone));
    EXPECT_VERIFIER_FINDING(NtsecFindingNotAnObject,
                            assert_int_equal(NtsecEvaluateImpersonation(pa, NULL, SecurityImpersonation),
                                             NtsecDecisionNone));
    ObDereferenceObject(a);
    ObDereferenceObject(pa);
}

/* SeSinglePrivilegeCheck: KernelMode is TRUE (5-D7); UserMode asks the current thread's
 * effective token - the impersonation token while impersonating, enabled privileges only. */
static void test_single_privilege_check(void **state)
{
    LUID backup = {SE_BACKUP_PRIVILEGE, 0}, tcb = {SE_TCB_PRIVILEGE, 0};
    assert_true(SeSinglePrivilegeCheck(tcb, KernelMode));
    PACCESS_TOKEN with = TestToken("user=S-1-5-21-1-2-3-1001 privileges=SeBackupPrivilege,SeTcbPrivilege:disabled"
                                   " type=impersonation level=impersonation");
    PACCESS_TOKEN without = TestToken("user=S-1-5-21-1-2-3-1001 type=impersonation level=impersonation");
    /* The System process holds both; the test thread's own process may not: impersonate. */
    assert_status(PsImpersonateClient(PsGetCurrentThread(), with, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    if (NtsecLastImpersonationDecision(PsGetCurrentThread()) != NtsecDecisionAllowImpersonatePrivilege &&
        NtsecLastImpersonationDecision(PsGetCurrentThread()) != NtsecDecisionAllowSameIdentity) {
        PsRevertToSelf();
        ObDereferenceObject(with);
        ObDereferenceObject(without);
        skip(); /* a process that cannot impersonate another user gets an Identification copy */
    }
    assert_true(SeSinglePrivilegeCheck(backup, UserMode));
    assert_false(SeSinglePrivilegeCheck(tcb, UserMode)); /* held but disabled */
    assert_true(SeSinglePrivilegeCheck(tcb, KernelMode));
    assert_status(PsImpersonateClient(PsGetCurrentThread(), without, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    assert_false(SeSinglePrivilegeCheck(backup, UserMode)); /* not held */
    PsRevertToSelf();
    ObDereferenceObject(with);
    ObDereferenceObject(without);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_table),
        cmocka_unit_test(test_rule_table_matches_ps_impersonate_client),
        cmocka_unit_test(test_not_tokens_and_bad_levels_decide_nothing),
        cmocka_unit_test(test_single_privilege_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
