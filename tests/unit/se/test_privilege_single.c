/*
 * test_privilege_single.c - SeSinglePrivilegeCheck (src/se/privilege.c): KernelMode is TRUE
 * without looking; UserMode asks the current thread's effective token (the impersonation
 * token while there is one, else the primary) for the privilege enabled; an Identification
 * level impersonation gives FALSE (spec case 68); the capture it makes is released.
 */
#include "ntsec_test.h"
#include "threadrunner.h"

#define USER_A "user=S-1-5-21-1-2-3-1001 groups=WD,AU integrity=medium "

typedef struct {
    BOOLEAN KernelDebug, ChangeNotify, Backup, Debug;
} ANSWERS;

static VOID Ask(PVOID Context)
{
    ANSWERS *a = Context;
    a->KernelDebug = SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_DEBUG_PRIVILEGE), KernelMode);
    a->ChangeNotify = SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_CHANGE_NOTIFY_PRIVILEGE), UserMode);
    a->Backup = SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_BACKUP_PRIVILEGE), UserMode);
    a->Debug = SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_DEBUG_PRIVILEGE), UserMode);
}

static PACCESS_TOKEN Impersonated;
static SECURITY_IMPERSONATION_LEVEL Level;
static VOID Impersonate(PVOID Context)
{
    (void)Context;
    tr_check_status(PsImpersonateClient(PsGetCurrentThread(), Impersonated, FALSE, FALSE, Level),
                    STATUS_SUCCESS);
}

static void test_single_privilege_follows_the_effective_token(void **state)
{
    PACCESS_TOKEN primary = TestToken(USER_A "privileges=SeChangeNotifyPrivilege,SeBackupPrivilege:disabled");
    PACCESS_TOKEN imp = TestToken(USER_A "privileges=SeDebugPrivilege type=impersonation level=impersonation");
    PACCESS_TOKEN ident = TestToken(USER_A "privileges=SeDebugPrivilege type=impersonation level=identification");
    PEPROCESS proc = NULL;
    assert_status(NtsecCreateProcess(primary, &proc), STATUS_SUCCESS);
    TEST_THREAD *r = TrStart(proc);
    LONG_PTR p0 = NtsecReferenceCount(primary);
    ANSWERS a;

    TrRun(r, Ask, &a); /* the primary token */
    assert_true(a.KernelDebug);
    assert_true(a.ChangeNotify);
    assert_false(a.Backup); /* present but disabled */
    assert_false(a.Debug);  /* absent */
    assert_int_equal(NtsecReferenceCount(primary), p0);

    Impersonated = imp;
    Level = SecurityImpersonation;
    TrRun(r, Impersonate, NULL);
    LONG_PTR i0 = NtsecReferenceCount(imp);
    TrRun(r, Ask, &a); /* the impersonation token, not the primary */
    assert_true(a.KernelDebug);
    assert_false(a.ChangeNotify);
    assert_false(a.Backup);
    assert_true(a.Debug);
    assert_int_equal(NtsecReferenceCount(imp), i0);
    assert_int_equal(NtsecReferenceCount(primary), p0);

    Impersonated = ident;
    Level = SecurityIdentification;
    TrRun(r, Impersonate, NULL);
    TrRun(r, Ask, &a); /* spec case 68: Identification answers FALSE in UserMode */
    assert_true(a.KernelDebug);
    assert_false(a.Debug);
    assert_false(a.ChangeNotify);

    TrRun(r, TrWorkRevertToSelf, NULL);
    TrRun(r, Ask, &a); /* back to the primary */
    assert_true(a.ChangeNotify);
    assert_false(a.Debug);

    TrStop(r);
    ObDereferenceObject(proc);
    assert_int_equal(NtsecReferenceCount(imp), 1);
    assert_int_equal(NtsecReferenceCount(ident), 1);
    ObDereferenceObject(imp);
    ObDereferenceObject(ident);
    ObDereferenceObject(primary);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_privilege_follows_the_effective_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
