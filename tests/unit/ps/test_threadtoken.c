/*
 * test_threadtoken.c - ZwOpenThreadTokenEx / ZwOpenThreadToken / ZwOpenProcessTokenEx
 * (spec 2.20 open-thread-token service; cases 66, 45; 5-D18; copy-on-open).
 *
 * The bodies run on an ntsec thread of a process whose primary token is user A (so that
 * impersonating A's own tokens is never downgraded, spec 3.2 step 8). They run off the main
 * thread, so they check with tr_check (threadcheck.h) and the main thread asserts after the join.
 */
#include <stdio.h>
#include "ntsec_test.h"
#include "ps/psp.h"

#define USER_A "user=S-1-5-21-1-2-3-1001 groups=WD,BU:disabled privileges=SeChangeNotifyPrivilege "

typedef struct _FIXTURE {
    PACCESS_TOKEN PtA, ItA0, ItA2;
} FIXTURE;

static PVOID HandleObject(HANDLE h)
{
    PVOID obj = NULL;
    if (!NT_SUCCESS(ObReferenceObjectByHandle(h, 0, *SeTokenObjectType, KernelMode, &obj, NULL)))
        return NULL;
    ObDereferenceObject(obj);
    return obj;
}

/* spec case 66 (W: ROS-API-OTT, WINE-T-sec) */
static VOID Case66Body(PVOID Context)
{
    FIXTURE *f = Context;
    PETHREAD self = PsGetCurrentThread();
    HANDLE h = (HANDLE)0x1;
    tr_check(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_ALL_ACCESS, FALSE, 0, &h) == STATUS_NO_TOKEN);
    tr_check(h == NULL);

    tr_check(PsImpersonateClient(self, f->ItA0, FALSE, FALSE, SecurityAnonymous) == STATUS_SUCCESS);
    LONG_PTR a0 = NtsecReferenceCount(f->ItA0);
    tr_check(ZwOpenThreadToken(NtCurrentThread(), TOKEN_QUERY, FALSE, &h) == STATUS_CANT_OPEN_ANONYMOUS);
    tr_check(h == NULL);
    tr_check(NtsecReferenceCount(f->ItA0) == a0);

    tr_check(PsImpersonateClient(self, f->ItA2, FALSE, FALSE, SecurityImpersonation) == STATUS_SUCCESS);
    LONG_PTR a2 = NtsecReferenceCount(f->ItA2);
    tr_check(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, TRUE, 0, &h) == STATUS_SUCCESS);
    tr_check(HandleObject(h) == f->ItA2);                 /* no CopyOnOpen: the token itself */
    tr_check(NtsecReferenceCount(f->ItA2) == a2 + 1);     /* the handle's reference */
    tr_check(ZwClose(h) == STATUS_SUCCESS);
    tr_check(NtsecReferenceCount(f->ItA2) == a2);

    /* 5-D18: the thread's stored level decides, even for a primary token impersonated at Anonymous */
    tr_check(PsImpersonateClient(self, f->PtA, FALSE, FALSE, SecurityAnonymous) == STATUS_SUCCESS);
    tr_check(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, &h) == STATUS_CANT_OPEN_ANONYMOUS);
    PsRevertToSelf();
    tr_check(NtsecReferenceCount(f->ItA2) == a2 - 1);     /* the thread's reference went with the switch */
}

/* spec 2.20 (R): CopyOnOpen hands out a duplicate and switches the thread to it. */
static VOID CopyOnOpenBody(PVOID Context)
{
    FIXTURE *f = Context;
    PETHREAD self = PsGetCurrentThread();
    LONG_PTR base = NtsecReferenceCount(f->ItA2);
    tr_check(PsImpersonateClient(self, f->ItA2, TRUE, TRUE, SecurityImpersonation) == STATUS_SUCCESS);
    HANDLE h = NULL;
    tr_check(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, &h) == STATUS_SUCCESS);
    PTOKEN copy = HandleObject(h);
    tr_check(copy != NULL && copy != f->ItA2);
    tr_check(NtsecReferenceCount(f->ItA2) == base);        /* thread moved to the copy */
    BOOLEAN coo = FALSE, eo = FALSE;
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    PACCESS_TOKEN now = PsReferenceImpersonationToken(self, &coo, &eo, &level);
    tr_check(now == copy);
    tr_check(coo && eo && level == SecurityImpersonation);
    tr_check(NtsecReferenceCount(copy) == 3);             /* thread, handle, our query */
    tr_check(copy->TokenType == TokenImpersonation && copy->ImpersonationLevel == SecurityImpersonation);
    tr_check(copy->UserAndGroupCount == ((PTOKEN)f->ItA2)->UserAndGroupCount - 1); /* EffectiveOnly */
    PsDereferenceImpersonationToken(now);
    /* a second open hands out another copy and switches again */
    HANDLE h2 = NULL;
    tr_check(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, &h2) == STATUS_SUCCESS);
    tr_check(HandleObject(h2) != copy);
    tr_check(NtsecReferenceCount(copy) == 1);             /* only the first handle now */
    tr_check(ZwClose(h) == STATUS_SUCCESS);
    tr_check(ZwClose(h2) == STATUS_SUCCESS);
    PsRevertToSelf();
    tr_check(NtsecReferenceCount(f->ItA2) == base);
}

static VOID ProcessTokenBody(PVOID Context)
{
    FIXTURE *f = Context;
    HANDLE h = NULL;
    LONG_PTR base = NtsecReferenceCount(f->PtA);
    tr_check(ZwOpenProcessTokenEx(NtCurrentProcess(), TOKEN_QUERY, 0, &h) == STATUS_SUCCESS);
    tr_check(HandleObject(h) == f->PtA);
    tr_check(NtsecReferenceCount(f->PtA) == base + 1);
    tr_check(ZwClose(h) == STATUS_SUCCESS);
    tr_check(NtsecReferenceCount(f->PtA) == base);
    /* spec 5-D24: a process handle where a thread handle is expected */
    h = (HANDLE)0x1;
    TestExpectFindingBegin(NtsecFindingWrongObjectType); /* runs off the cmocka thread: no fail_msg */
    tr_check(ZwOpenThreadTokenEx(NtCurrentProcess(), TOKEN_QUERY, FALSE, 0, &h) == STATUS_OBJECT_TYPE_MISMATCH);
    tr_check(TestExpectFindingEnd() > 0 || NtsecVerifierFlags() == 0);
    tr_check(h == NULL);
    tr_check(ZwOpenThreadTokenEx((HANDLE)(ULONG_PTR)0x7ff0, TOKEN_QUERY, FALSE, 0, &h) == STATUS_INVALID_HANDLE);
    tr_check(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, NULL) == STATUS_INVALID_PARAMETER);
}

/* Allocation failure in the copy-on-open duplicate: the thread keeps its token. */
static VOID AllocationFailureBody(PVOID Context)
{
    FIXTURE *f = Context;
    PETHREAD self = PsGetCurrentThread();
    tr_check(PsImpersonateClient(self, f->ItA2, TRUE, FALSE, SecurityImpersonation) == STATUS_SUCCESS);
    LONG_PTR base = NtsecReferenceCount(f->ItA2);
    BOOLEAN ok = FALSE;
    for (ULONG i = 1; i < 40 && !ok; i++) {
        HANDLE h = NULL;
        NtsecSetAllocationFailure(i);
        NTSTATUS st = ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, &h);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st)) {
            ok = TRUE;
            ZwClose(h);
        } else {
            tr_check(st == STATUS_NO_MEMORY || st == STATUS_INSUFFICIENT_RESOURCES);
            tr_check(h == NULL);
            PACCESS_TOKEN now = PsReferenceImpersonationToken(self, NULL, NULL, NULL);
            tr_check(now == f->ItA2);
            PsDereferenceImpersonationToken(now);
            tr_check(NtsecReferenceCount(f->ItA2) == base);
        }
    }
    tr_check(ok);
    PsRevertToSelf();
}

static void RunInProcessA(PKSTART_ROUTINE Body)
{
    FIXTURE f;
    f.PtA = TestToken(USER_A);
    f.ItA0 = TestToken(USER_A "type=impersonation level=anonymous");
    f.ItA2 = TestToken(USER_A "type=impersonation level=impersonation");
    PEPROCESS proc = NULL;
    PETHREAD thread = NULL;
    assert_status(NtsecCreateProcess(f.PtA, &proc), STATUS_SUCCESS);
    assert_status(NtsecCreateThread(proc, Body, &f, &thread), STATUS_SUCCESS);
    assert_status(NtsecJoinThread(thread), STATUS_SUCCESS);
    ObDereferenceObject(thread);
    ObDereferenceObject(proc);
    TrAssertNoThreadFailures();
    assert_int_equal(NtsecReferenceCount(f.ItA0), 1);
    assert_int_equal(NtsecReferenceCount(f.ItA2), 1);
    ObDereferenceObject(f.PtA);
    ObDereferenceObject(f.ItA0);
    ObDereferenceObject(f.ItA2);
}

static void test_case66_open_thread_token_no_token_anonymous_success(void **state) { RunInProcessA(Case66Body); }
static void test_copy_on_open_duplicates_and_switches_thread(void **state) { RunInProcessA(CopyOnOpenBody); }
static void test_open_process_token_and_bad_handles(void **state) { RunInProcessA(ProcessTokenBody); }
static void test_copy_on_open_allocation_failure_keeps_thread_token(void **state) { RunInProcessA(AllocationFailureBody); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case66_open_thread_token_no_token_anonymous_success),
        cmocka_unit_test(test_copy_on_open_duplicates_and_switches_thread),
        cmocka_unit_test(test_open_process_token_and_bad_handles),
        cmocka_unit_test(test_copy_on_open_allocation_failure_keeps_thread_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
