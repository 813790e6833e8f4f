/*
 * test_spec_accesscheck.c - spec section 6 cases 47 and 57: what the silent downgrade to
 * Identification (spec 3.4) does to SeAccessCheck on real threads and processes of the
 * spec fixture (ProcA / tA, the System process token PT_S), with SeCaptureSubjectContext
 * run on the impersonating thread itself.
 */
#include <string.h>
#include "ntsec_test.h"
#include "specfixture.h"
#include "se/sep.h"
#include "se/rights.h"

#define USER_B "S-1-5-21-1-2-3-1002" /* SpecUserSid('B') */

static PSECURITY_DESCRIPTOR Sd(PCSTR Sddl)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG len = 0;
    assert_status(NtsecSddlToSecurityDescriptor(Sddl, &sd, &len), STATUS_SUCCESS);
    return sd;
}

/* SeAccessCheck on a captured context; returns the BOOLEAN and fills Granted / Status. */
static BOOLEAN Check(PSECURITY_DESCRIPTOR Desc, PSECURITY_SUBJECT_CONTEXT Ctx, ACCESS_MASK Desired,
                     KPROCESSOR_MODE Mode, PACCESS_MASK Granted, PNTSTATUS Status)
{
    GENERIC_MAPPING map = SepFileMapping;
    PPRIVILEGE_SET privs = (PPRIVILEGE_SET)1;
    *Granted = 0xDEADBEEF;
    *Status = 0x12345678;
    BOOLEAN ok = SeAccessCheck(Desc, Ctx, FALSE, Desired, 0, &privs, &map, Mode, Granted, Status);
    assert_null(privs); /* no privilege was used */
    return ok;
}

/*
 * case 47 [R ROS-accesschk; W ROS-KMT-SQIT for KernelMode]: tA (ProcA, no privilege)
 * impersonates IT_B2x at Impersonation and is silently given an Identification copy
 * (case 46); a capture on tA records Identification, so SeAccessCheck(UserMode) on a
 * descriptor that grants user B everything fails with STATUS_BAD_IMPERSONATION_LEVEL
 * (spec 2.20 step 3) - also with MAXIMUM_ALLOWED and a NULL DACL - while KernelMode grants
 * GENERIC_ALL mapped (step 1). The explicit-token check with the same copy succeeds
 * (Identification is enough there, spec 2.20 / case 64), which shows the descriptor does
 * grant B. No reference changes.
 */
static void test_case47_downgraded_thread_access_check_bad_level(void **state)
{
    SPEC_FX_TA;
    PSECURITY_DESCRIPTOR sd = Sd("O:" USER_B "G:" USER_B "D:(A;;FA;;;" USER_B ")");
    PSECURITY_DESCRIPTOR nullDacl = Sd("O:" USER_B "G:" USER_B "D:NO_ACCESS_CONTROL");
    LONG_PTR b2x = NtsecReferenceCount(F->IT_B2x);

    SPEC_IMPERSONATE(tA, F->IT_B2x, FALSE, FALSE, SecurityImpersonation);
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityDelegation;
    PACCESS_TOKEN copy = SpecThreadToken(tA, NULL, NULL, &lvl);
    assert_ptr_not_equal(copy, F->IT_B2x);
    assert_int_equal(lvl, SecurityIdentification);
    SPEC_REFS refs = SpecRefs(F);
    LONG_PTR copyRefs = NtsecReferenceCount(copy);

    SECURITY_SUBJECT_CONTEXT ctx;
    TrRun(F->tA, TrWorkCapture, &ctx); /* captured on tA itself */
    assert_ptr_equal(ctx.ClientToken, copy);
    assert_int_equal(ctx.ImpersonationLevel, SecurityIdentification);
    assert_ptr_equal(ctx.PrimaryToken, F->PT_A);
    assert_int_equal(NtsecReferenceCount(copy), copyRefs + 1);

    ACCESS_MASK granted;
    NTSTATUS status;
    assert_false(Check(sd, &ctx, GENERIC_ALL, UserMode, &granted, &status));
    assert_status(status, STATUS_BAD_IMPERSONATION_LEVEL);
    assert_int_equal(granted, 0);
    assert_false(Check(sd, &ctx, MAXIMUM_ALLOWED, UserMode, &granted, &status));
    assert_status(status, STATUS_BAD_IMPERSONATION_LEVEL);
    assert_false(Check(nullDacl, &ctx, FILE_READ_DATA, UserMode, &granted, &status));
    assert_status(status, STATUS_BAD_IMPERSONATION_LEVEL);

    assert_true(Check(sd, &ctx, GENERIC_ALL, KernelMode, &granted, &status));
    assert_status(status, STATUS_SUCCESS);
    assert_int_equal(granted, FILE_ALL_ACCESS);

    /* SePrivilegeCheck(UserMode) is FALSE too (spec 3.4). */
    PRIVILEGE_SET set = {1, PRIVILEGE_SET_ALL_NECESSARY, {{{SE_CHANGE_NOTIFY_PRIVILEGE, 0}, 0}}};
    assert_false(SePrivilegeCheck(&set, &ctx, UserMode));

    /* The explicit-token check with the same Identification copy does grant B. */
    GENERIC_MAPPING map = SepFileMapping;
    assert_status(NtsecAccessCheckToken(sd, copy, FILE_ALL_ACCESS, &map, &granted, &status), STATUS_SUCCESS);
    assert_status(status, STATUS_SUCCESS);
    assert_int_equal(granted, FILE_ALL_ACCESS);

    TrRun(F->tA, TrWorkRelease, &ctx);
    assert_int_equal(NtsecReferenceCount(copy), copyRefs);
    SpecAssertRefs(F, &refs);
    PsRevertThreadToSelf(tA);
    assert_int_equal(NtsecReferenceCount(F->IT_B2x), b2x);
    NtsecFree(sd);
    NtsecFree(nullDacl);
}

/*
 * case 57 [D WDK warning + rule]: the "elevate a user thread" anti-pattern - tA (ProcA,
 * no SeImpersonatePrivilege) impersonates the SYSTEM primary token PT_S at Impersonation:
 * PsImpersonateClient succeeds, but the thread holds an Identification copy of SYSTEM, so
 * SeAccessCheck(UserMode) on an object only SYSTEM may open fails with
 * STATUS_BAD_IMPERSONATION_LEVEL; PT_S's reference count is unchanged (spec 3.4).
 */
static void test_case57_elevate_user_thread_to_system_is_identification_copy(void **state)
{
    SPEC_FX_TA;
    PSECURITY_DESCRIPTOR sd = Sd("O:SYG:SYD:(A;;FA;;;SY)");
    LONG_PTR ps = NtsecReferenceCount(F->PT_S);

    SPEC_IMPERSONATE(tA, F->PT_S, FALSE, FALSE, SecurityImpersonation);
    SECURITY_IMPERSONATION_LEVEL lvl = SecurityDelegation;
    PACCESS_TOKEN copy = SpecThreadToken(tA, NULL, NULL, &lvl);
    assert_non_null(copy);
    assert_ptr_not_equal(copy, F->PT_S);
    assert_int_equal(SpecTokenType(copy), TokenImpersonation);
    assert_int_equal(SpecTokenLevel(copy), SecurityIdentification);
    assert_int_equal(lvl, SecurityIdentification);
    assert_true(SpecSidEqual(SpecTokenUser(copy), SpecTokenUser(F->PT_S)));
    assert_int_equal(NtsecReferenceCount(F->PT_S), ps);

    SECURITY_SUBJECT_CONTEXT ctx;
    TrRun(F->tA, TrWorkCapture, &ctx);
    assert_ptr_equal(ctx.ClientToken, copy);
    assert_int_equal(ctx.ImpersonationLevel, SecurityIdentification);
    ACCESS_MASK granted;
    NTSTATUS status;
    assert_false(Check(sd, &ctx, FILE_READ_DATA, UserMode, &granted, &status));
    assert_status(status, STATUS_BAD_IMPERSONATION_LEVEL);
    assert_int_equal(granted, 0);
    TrRun(F->tA, TrWorkRelease, &ctx);

    /* Without the impersonation, tA's own token (user A) is simply not granted. */
    PsRevertThreadToSelf(tA);
    TrRun(F->tA, TrWorkCapture, &ctx);
    assert_null(ctx.ClientToken);
    assert_false(Check(sd, &ctx, FILE_READ_DATA, UserMode, &granted, &status));
    assert_status(status, STATUS_ACCESS_DENIED);
    TrRun(F->tA, TrWorkRelease, &ctx);
    assert_int_equal(NtsecReferenceCount(F->PT_S), ps);
    NtsecFree(sd);
}

#define T(f) cmocka_unit_test_setup_teardown(f, SpecSetUp, SpecTearDown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_case47_downgraded_thread_access_check_bad_level),
        T(test_case57_elevate_user_thread_to_system_is_identification_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
