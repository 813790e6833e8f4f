/*
 * test_threadtoken.c - ZwOpenThreadTokenEx / ZwOpenThreadToken / ZwOpenProcessTokenEx
 * (spec 2.20 open-thread-token service; cases 66, 45; 5-D18; copy-on-open).
 *
 * The bodies run on an ntsec thread of a process whose primary token is user A (so that
 * impersonating A's own tokens is never downgraded, spec 3.2 step 8). cmocka's asserts must
 * stay on the main thread, so the bodies record the first failing line and main asserts.
 */
#include <stdio.h>
#include "ntsec_test.h"
#include "ps/psp.h"

#define USER_A "user=S-1-5-21-1-2-3-1001 groups=WD,BU:disabled privileges=SeChangeNotifyPrivilege "
static int FailedLine;
#define CHECK(c) do { if (!(c) && FailedLine == 0) { FailedLine = __LINE__; fprintf(stderr, "CHECK failed: %s\n", #c); } } while (0)

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
    CHECK(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_ALL_ACCESS, FALSE, 0, &h) == STATUS_NO_TOKEN);
    CHECK(h == NULL);

    CHECK(PsImpersonateClient(self, f->ItA0, FALSE, FALSE, SecurityAnonymous) == STATUS_SUCCESS);
    LONG_PTR a0 = NtsecReferenceCount(f->ItA0);
    CHECK(ZwOpenThreadToken(NtCurrentThread(), TOKEN_QUERY, FALSE, &h) == STATUS_CANT_OPEN_ANONYMOUS);
    CHECK(h == NULL);
    CHECK(NtsecReferenceCount(f->ItA0) == a0);

    CHECK(PsImpersonateClient(self, f->ItA2, FALSE, FALSE, SecurityImpersonation) == STATUS_SUCCESS);
    LONG_PTR a2 = NtsecReferenceCount(f->ItA2);
    CHECK(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, TRUE, 0, &h) == STATUS_SUCCESS);
    CHECK(HandleObject(h) == f->ItA2);                 /* no CopyOnOpen: the token itself */
    CHECK(NtsecReferenceCount(f->ItA2) == a2 + 1);     /* the handle's reference */
    CHECK(ZwClose(h) == STATUS_SUCCESS);
    CHECK(NtsecReferenceCount(f->ItA2) == a2);

    /* 5-D18: the thread's stored level decides, even for a primary token impersonated at Anonymous */
    CHECK(PsImpersonateClient(self, f->PtA, FALSE, FALSE, SecurityAnonymous) == STATUS_SUCCESS);
    CHECK(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, &h) == STATUS_CANT_OPEN_ANONYMOUS);
    PsRevertToSelf();
    CHECK(NtsecReferenceCount(f->ItA2) == a2 - 1);     /* the thread's reference went with the switch */
}

/* spec 2.20 (R): CopyOnOpen hands out a duplicate and switches the thread to it. */
static VOID CopyOnOpenBody(PVOID Context)
{
    FIXTURE *f = Context;
    PETHREAD self = PsGetCurrentThread();
    LONG_PTR base = NtsecReferenceCount(f->ItA2);
    CHECK(PsImpersonateClient(self, f->ItA2, TRUE, TRUE, SecurityImpersonation) == STATUS_SUCCESS);
    HANDLE h = NULL;
    CHECK(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, &h) == STATUS_SUCCESS);
    PTOKEN copy = HandleObject(h);
    CHECK(copy != NULL && copy != f->ItA2);
    CHECK(NtsecReferenceCount(f->ItA2) == base);        /* thread moved to the copy */
    BOOLEAN coo = FALSE, eo = FALSE;
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    PACCESS_TOKEN now = PsReferenceImpersonationToken(self, &coo, &eo, &level);
    CHECK(now == copy);
    CHECK(coo && eo && level == SecurityImpersonation);
    CHECK(NtsecReferenceCount(copy) == 3);             /* thread, handle, our query */
    CHECK(copy->TokenType == TokenImpersonation && copy->ImpersonationLevel == SecurityImpersonation);
    CHECK(copy->UserAndGroupCount == ((PTOKEN)f->ItA2)->UserAndGroupCount - 1); /* EffectiveOnly */
    PsDereferenceImpersonationToken(now);
    /* a second open hands out another copy and switches again */
    HANDLE h2 = NULL;
    CHECK(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, &h2) == STATUS_SUCCESS);
    CHECK(HandleObject(h2) != copy);
    CHECK(NtsecReferenceCount(copy) == 1);             /* only the first handle now */
    CHECK(ZwClose(h) == STATUS_SUCCESS);
    CHECK(ZwClose(h2) == STATUS_SUCCESS);
    PsRevertToSelf();
    CHECK(NtsecReferenceCount(f->ItA2) == base);
}

static VOID ProcessTokenBody(PVOID Context)
{
    FIXTURE *f = Context;
    HANDLE h = NULL;
    LONG_PTR base = NtsecReferenceCount(f->PtA);
    CHECK(ZwOpenProcessTokenEx(NtCurrentProcess(), TOKEN_QUERY, 0, &h) == STATUS_SUCCESS);
    CHECK(HandleObject(h) == f->PtA);
    CHECK(NtsecReferenceCount(f->PtA) == base + 1);
    CHECK(ZwClose(h) == STATUS_SUCCESS);
    CHECK(NtsecReferenceCount(f->PtA) == base);
    /* spec 5-D24: a process handle where a thread handle is expected */
    h = (HANDLE)0x1;
    TestExpectFindingBegin(NtsecFindingWrongObjectType); /* runs off the cmocka thread: no fail_msg */
    CHECK(ZwOpenThreadTokenEx(NtCurrentProcess(), TOKEN_QUERY, FALSE, 0, &h) == STATUS_OBJECT_TYPE_MISMATCH);
    CHECK(TestExpectFindingEnd() > 0 || NtsecVerifierFlags() == 0);
    CHECK(h == NULL);
    CHECK(ZwOpenThreadTokenEx((HANDLE)(ULONG_PTR)0x7ff0, TOKEN_QUERY, FALSE, 0, &h) == STATUS_INVALID_HANDLE);
    CHECK(ZwOpenThreadTokenEx(NtCurrentThread(), TOKEN_QUERY, FALSE, 0, NULL) == STATUS_INVALID_PARAMETER);
}

/* Allocation failure in the copy-on-open duplicate: the thread keeps its token. */
static VOID AllocationFailureBody(PVOID Context)
{
    FIXTURE *f = Context;
    PETHREAD self = PsGetCurrentThread();
    CHECK(PsImpersonateClient(self, f->ItA2, TRUE, FALSE, SecurityImpersonation) == STATUS_SUCCESS);
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
            CHECK(st == STATUS_NO_MEMORY || st == STATUS_INSUFFICIENT_RESOURCES);
            CHECK(h == NULL);
            PACCESS_TOKEN now = PsReferenceImpersonationToken(self, NULL, NULL, NULL);
            CHECK(now == f->ItA2);
            PsDereferenceImpersonationToken(now);
            CHECK(NtsecReferenceCount(f->ItA2) == base);
        }
    }
    CHECK(ok);
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
    FailedLine = 0;
    assert_status(NtsecCreateThread(proc, Body, &f, &thread), STATUS_SUCCESS);
    assert_status(NtsecJoinThread(thread), STATUS_SUCCESS);
    ObDereferenceObject(thread);
    ObDereferenceObject(proc);
    assert_int_equal(FailedLine, 0);
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
