/*
 * test_object.c - src/ob/object.c: object creation, the pointer count (reference, dereference,
 * deletion at zero, exactly once), type checks by pointer, NtsecReferenceCount, allocation
 * failure, and references taken and dropped concurrently.
 */
#include <pthread.h>
#include <string.h>
#include "ntsec_test.h"
#include "ob/obp.h"

static int Deletes;
static PVOID LastDeleted;
static VOID CountDelete(PVOID Object)
{
    Deletes++;
    LastDeleted = Object;
}

static OBJECT_TYPE TestType = { "TestObject", CountDelete };

typedef struct { ULONG Value[8]; } BODY;

static PVOID NewObject(void)
{
    PVOID o = NULL;
    assert_status(ObpCreateObject(&TestType, sizeof(BODY), "object (test_object)", &o), STATUS_SUCCESS);
    assert_non_null(o);
    return o;
}

static void test_create_zeroed_one_reference_of_its_type(void **state)
{
    BODY *b = NewObject();
    static const BODY zero;
    assert_memory_equal(b, &zero, sizeof(zero));
    assert_int_equal(NtsecReferenceCount(b), 1);
    assert_true(ObpIsObjectOfType(b, &TestType));
    assert_false(ObpIsObjectOfType(b, *SeTokenObjectType));
    assert_false(ObpIsObjectOfType(NULL, &TestType));
    assert_string_equal(ObpTypeName(b), "TestObject");
    assert_int_equal(((ULONG_PTR)b) % 16, 0);
    Deletes = 0;
    assert_int_equal(ObDereferenceObject(b), 0);
    assert_int_equal(Deletes, 1);
}

static void test_reference_counts_and_delete_once_at_zero(void **state)
{
    PVOID o = NewObject();
    Deletes = 0;
    LastDeleted = NULL;
    assert_int_equal(ObfReferenceObject(o), 2);
    assert_int_equal(ObfReferenceObject(o), 3);
    assert_int_equal(NtsecReferenceCount(o), 3);
    assert_int_equal(ObfDereferenceObject(o), 2);
    assert_int_equal(ObfDereferenceObject(o), 1);
    assert_int_equal(Deletes, 0);
    assert_int_equal(NtsecReferenceCount(o), 1);
    assert_int_equal(ObfDereferenceObject(o), 0);
    assert_int_equal(Deletes, 1);
    assert_ptr_equal(LastDeleted, o);
}

static void test_reference_by_pointer_checks_the_type(void **state)
{
    PVOID o = NewObject();
    assert_status(ObReferenceObjectByPointer(NULL, 0, &TestType, KernelMode), STATUS_INVALID_PARAMETER);
    assert_status(ObReferenceObjectByPointer(o, 0, &TestType, KernelMode), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(o), 2);
    assert_status(ObReferenceObjectByPointer(o, 0, NULL, UserMode), STATUS_SUCCESS); /* no type: any */
    assert_int_equal(NtsecReferenceCount(o), 3);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(ObReferenceObjectByPointer(o, 0, *SeTokenObjectType, KernelMode),
                      STATUS_OBJECT_TYPE_MISMATCH));
    assert_int_equal(NtsecReferenceCount(o), 3); /* no reference on failure */
    ObDereferenceObject(o);
    ObDereferenceObject(o);
    Deletes = 0;
    ObDereferenceObject(o);
    assert_int_equal(Deletes, 1);
    assert_int_equal(NtsecReferenceCount(NULL), -1);
}

static void test_allocation_failure_creates_nothing(void **state)
{
    PVOID o = (PVOID)0x1;
    NtsecSetAllocationFailure(1);
    NTSTATUS st = ObpCreateObject(&TestType, sizeof(BODY), "object (test_object)", &o);
    NtsecSetAllocationFailure(0);
    assert_status(st, STATUS_NO_MEMORY);
    assert_null(o);
}

#define RACE_THREADS 4
#define RACE_ROUNDS 20000
static void *Churn(void *Arg)
{
    for (int i = 0; i < RACE_ROUNDS; i++) {
        LONG_PTR up = ObfReferenceObject(Arg);
        tr_check(up >= 2);
        LONG_PTR down = ObfDereferenceObject(Arg);
        tr_check(down >= 1);
    }
    return NULL;
}

static void test_concurrent_references_balance(void **state)
{
    PVOID o = NewObject();
    pthread_t t[RACE_THREADS];
    for (int i = 0; i < RACE_THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, Churn, o), 0);
    for (int i = 0; i < RACE_THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    TrAssertNoThreadFailures();
    assert_int_equal(NtsecReferenceCount(o), 1);
    Deletes = 0;
    ObDereferenceObject(o);
    assert_int_equal(Deletes, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_zeroed_one_reference_of_its_type),
        cmocka_unit_test(test_reference_counts_and_delete_once_at_zero),
        cmocka_unit_test(test_reference_by_pointer_checks_the_type),
        cmocka_unit_test(test_allocation_failure_creates_nothing),
        cmocka_unit_test(test_concurrent_references_balance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
