/*
 * test_handle.c - src/ob/handle.c: the kernel handle table. Each handle owns one reference;
 * handles are non-zero multiples of 4, the lowest free slot is reused, the table grows; bad
 * handles, wrong types, UserMode access, the pseudo handles and allocation failure while
 * the table grows (nothing referenced, *Handle NULL).
 */
#include "ntsec_test.h"
#include "ob/obp.h"

static OBJECT_TYPE TestType = { "TestObject", NULL };

static PVOID NewObject(void)
{
    PVOID o = NULL;
    assert_status(ObpCreateObject(&TestType, 16, "object (test_handle)", &o), STATUS_SUCCESS);
    return o;
}

static HANDLE Open(PVOID Object, ACCESS_MASK Access)
{
    HANDLE h = NULL;
    assert_status(ObOpenObjectByPointer(Object, 0, NULL, Access, &TestType, KernelMode, &h), STATUS_SUCCESS);
    assert_non_null(h);
    assert_int_equal((ULONG_PTR)h % 4, 0);
    return h;
}

static void test_handle_owns_one_reference(void **state)
{
    PVOID o = NewObject();
    HANDLE h = Open(o, 0x3);
    assert_int_equal(NtsecReferenceCount(o), 2);
    PVOID got = NULL;
    OBJECT_HANDLE_INFORMATION info = { 0 };
    assert_status(ObReferenceObjectByHandle(h, 0x1, &TestType, KernelMode, &got, &info), STATUS_SUCCESS);
    assert_ptr_equal(got, o);
    assert_int_equal(info.GrantedAccess, 0x3);
    assert_int_equal(NtsecReferenceCount(o), 3);
    ObDereferenceObject(got);
    assert_status(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(o), 1);
    assert_status(ZwClose(h), STATUS_INVALID_HANDLE);
    got = (PVOID)0x1;
    assert_status(ObReferenceObjectByHandle(h, 0, &TestType, KernelMode, &got, NULL), STATUS_INVALID_HANDLE);
    assert_null(got);
    assert_int_equal(NtsecReferenceCount(o), 1);
    ObDereferenceObject(o);
}

static void test_bad_handles_and_arguments(void **state)
{
    PVOID o = NewObject(), got = NULL;
    HANDLE h = (HANDLE)0x1;
    assert_status(ObOpenObjectByPointer(NULL, 0, NULL, 0, NULL, KernelMode, &h), STATUS_INVALID_PARAMETER);
    assert_status(ObOpenObjectByPointer(o, 0, NULL, 0, NULL, KernelMode, NULL), STATUS_INVALID_PARAMETER);
    assert_status(ObReferenceObjectByHandle((HANDLE)4, 0, NULL, KernelMode, NULL, NULL), STATUS_INVALID_PARAMETER);
    static const ULONG_PTR bad[] = { 0, 2, 6, 0x7ffffff0 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_status(ObReferenceObjectByHandle((HANDLE)bad[i], 0, NULL, KernelMode, &got, NULL),
                      STATUS_INVALID_HANDLE);
        assert_status(ZwClose((HANDLE)bad[i]), STATUS_INVALID_HANDLE);
    }
    assert_status(ObCloseHandle((HANDLE)0x7ffffff0, KernelMode), STATUS_INVALID_HANDLE);
    assert_int_equal(NtsecReferenceCount(o), 1);
    ObDereferenceObject(o);
}

static void test_wrong_type_and_user_mode_access(void **state)
{
    PVOID o = NewObject(), got = NULL;
    HANDLE h = (HANDLE)0x1;
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(ObOpenObjectByPointer(o, 0, NULL, 0, *SeTokenObjectType, KernelMode, &h),
                      STATUS_OBJECT_TYPE_MISMATCH));
    assert_null(h);
    assert_int_equal(NtsecReferenceCount(o), 1);
    h = Open(o, TOKEN_QUERY);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(ObReferenceObjectByHandle(h, 0, *PsThreadType, KernelMode, &got, NULL),
                      STATUS_OBJECT_TYPE_MISMATCH));
    assert_null(got);
    assert_status(ObReferenceObjectByHandle(h, TOKEN_ADJUST_DEFAULT, &TestType, UserMode, &got, NULL),
                  STATUS_ACCESS_DENIED);
    assert_null(got);
    assert_int_equal(NtsecReferenceCount(o), 2);
    /* KernelMode is not access-checked; UserMode within the granted access is fine */
    assert_status(ObReferenceObjectByHandle(h, TOKEN_ADJUST_DEFAULT, &TestType, KernelMode, &got, NULL),
                  STATUS_SUCCESS);
    ObDereferenceObject(got);
    assert_status(ObReferenceObjectByHandle(h, TOKEN_QUERY, NULL, UserMode, &got, NULL), STATUS_SUCCESS);
    ObDereferenceObject(got);
    assert_status(ObCloseHandle(h, UserMode), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(o), 1);
    ObDereferenceObject(o);
}

static void test_pseudo_handles(void **state)
{
    PETHREAD self = PsGetCurrentThread();
    PEPROCESS proc = PsGetCurrentProcess();
    LONG_PTR t0 = NtsecReferenceCount(self), p0 = NtsecReferenceCount(proc);
    PVOID got = NULL;
    OBJECT_HANDLE_INFORMATION info = { 0 };
    assert_status(ObReferenceObjectByHandle(NtCurrentThread(), 0, *PsThreadType, UserMode, &got, &info),
                  STATUS_SUCCESS);
    assert_ptr_equal(got, self);
    assert_int_equal(info.GrantedAccess, THREAD_ALL_ACCESS);
    assert_int_equal(NtsecReferenceCount(self), t0 + 1);
    ObDereferenceObject(got);
    assert_status(ObReferenceObjectByHandle(NtCurrentProcess(), 0, *PsProcessType, KernelMode, &got, &info),
                  STATUS_SUCCESS);
    assert_ptr_equal(got, proc);
    assert_int_equal(info.GrantedAccess, PROCESS_ALL_ACCESS);
    ObDereferenceObject(got);
    got = NULL;
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(ObReferenceObjectByHandle(NtCurrentProcess(), 0, *PsThreadType, KernelMode, &got, NULL),
                      STATUS_OBJECT_TYPE_MISMATCH));
    assert_null(got);
    assert_status(ZwClose(NtCurrentThread()), STATUS_SUCCESS); /* closing a pseudo handle: no-op */
    assert_status(ZwClose(NtCurrentProcess()), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(self), t0);
    assert_int_equal(NtsecReferenceCount(proc), p0);
}

#define MANY 300
static void test_lowest_free_slot_reused_and_table_grows(void **state)
{
    PVOID o = NewObject();
    static HANDLE h[MANY];
    for (int i = 0; i < MANY; i++) {
        h[i] = Open(o, 0);
        for (int j = 0; j < i; j++)
            assert_true(h[j] != h[i]);
    }
    assert_int_equal(NtsecReferenceCount(o), MANY + 1);
    assert_status(ZwClose(h[7]), STATUS_SUCCESS);
    assert_status(ZwClose(h[3]), STATUS_SUCCESS);
    HANDLE lowest = h[3] < h[7] ? h[3] : h[7], other = h[3] < h[7] ? h[7] : h[3];
    HANDLE again = Open(o, 0);
    assert_ptr_equal(again, lowest);
    HANDLE next = Open(o, 0);
    assert_ptr_equal(next, other);
    h[3] = again;
    h[7] = next;
    for (int i = 0; i < MANY; i++)
        assert_status(ZwClose(h[i]), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(o), 1);
    ObDereferenceObject(o);
}

/* An allocation that fails while the table grows: no handle, no reference, the others intact. */
static void test_growth_failure_opens_nothing(void **state)
{
    PVOID o = NewObject();
    static HANDLE h[4096];
    int opened = 0, failures = 0;
    /* the table only grows (other tests may have grown it): open until it must grow again */
    for (int i = 0; i < 4000 && failures == 0; i++) {
        HANDLE x = (HANDLE)0x1;
        NtsecSetAllocationFailure(1);
        NTSTATUS st = ObOpenObjectByPointer(o, 0, NULL, 0, &TestType, KernelMode, &x);
        NtsecSetAllocationFailure(0);
        if (st == STATUS_SUCCESS) {
            h[opened++] = x;
            continue;
        }
        assert_status(st, STATUS_INSUFFICIENT_RESOURCES);
        assert_null(x);
        assert_int_equal(NtsecReferenceCount(o), opened + 1);
        failures++;
        h[opened++] = Open(o, 0); /* without the injected failure the table grows */
    }
    assert_int_equal(failures, 1); /* 4000 handles need a growth */
    for (int i = 0; i < opened; i++)
        assert_status(ZwClose(h[i]), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(o), 1);
    ObDereferenceObject(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handle_owns_one_reference),
        cmocka_unit_test(test_bad_handles_and_arguments),
        cmocka_unit_test(test_wrong_type_and_user_mode_access),
        cmocka_unit_test(test_pseudo_handles),
        cmocka_unit_test(test_lowest_free_slot_reused_and_table_grows),
        cmocka_unit_test(test_growth_failure_opens_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
