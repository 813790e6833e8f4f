/*
 * test_handle_force_access_check.c - OBJ_FORCE_ACCESS_CHECK (src/ob/handle.c): the handle
 * table makes no access check against the object's descriptor, so a handle asked to be
 * opened with one is refused (fail closed) instead of granted unchecked.
 */
#include "ntsec_test.h"

static void test_force_access_check_fails_closed(void **state)
{
    (void)state;
    assert_int_equal(OBJ_FORCE_ACCESS_CHECK, 0x400);
    PACCESS_TOKEN token = TestToken("user=S-1-5-21-1-2-3-1001 groups=WD");
    LONG_PTR refs = NtsecReferenceCount(token);
    HANDLE h = (HANDLE)(ULONG_PTR)0x1234;
    assert_status(ObOpenObjectByPointer(token, OBJ_KERNEL_HANDLE | OBJ_FORCE_ACCESS_CHECK, NULL,
                                        TOKEN_QUERY, *SeTokenObjectType, KernelMode, &h),
                  STATUS_NOT_IMPLEMENTED);
    assert_null(h);
    assert_int_equal(NtsecReferenceCount(token), refs);
    /* Without the flag the handle is made as before. */
    assert_status(ObOpenObjectByPointer(token, OBJ_KERNEL_HANDLE, NULL, TOKEN_QUERY,
                                        *SeTokenObjectType, KernelMode, &h), STATUS_SUCCESS);
    assert_non_null(h);
    assert_int_equal(NtsecReferenceCount(token), refs + 1);
    assert_status(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(token), refs);
    ObDereferenceObject(token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_force_access_check_fails_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
