/*
 * test_stress_verifier_leaks.c - the verifier's leak scan (NtsecVerifierCheckLeaks) runs
 * while other threads create objects and release their last reference. The scan pins
 * each live object with a temporary reference; it must never pin one whose count already
 * reached zero (that would resurrect it and delete it a second time when the pin is
 * released: a double delete, a second unlink from the live list, a double free). Every
 * object is deleted exactly once and no "dereference below zero" / "use after free" is
 * reported. Iterations: NTSEC_STRESS_ITERS (default 20000 per thread).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "ntsec_test.h"
#include "ob/obp.h"

#define CREATORS 4

static _Atomic long Created;
static _Atomic long Deleted;
static _Atomic long BadFindings;
static _Atomic int Stop;

static VOID CountDelete(PVOID Object)
{
    atomic_fetch_add(&Deleted, 1);
}

static OBJECT_TYPE StressType = { "StressObject", CountDelete };

static VOID OnFinding(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    /* leak reports of objects alive during a scan are expected; nothing else is */
    if (Report->Kind != NtsecFindingReferenceLeak)
        atomic_fetch_add(&BadFindings, 1);
}

static void *Creator(void *Arg)
{
    long iterations = (long)(ULONG_PTR)Arg;
    for (long i = 0; i < iterations; i++) {
        PVOID o = NULL;
        if (!NT_SUCCESS(ObpCreateObject(&StressType, 16, "stress object", &o)))
            continue;
        atomic_fetch_add(&Created, 1);
        ObDereferenceObject(o); /* the last reference: deleted here, or by a scan's unpin */
    }
    return NULL;
}

static void *Scanner(void *Arg)
{
    while (!atomic_load(&Stop))
        (void)NtsecVerifierCheckLeaks();
    return NULL;
}

/* docs/verifier.md "Leaks": the report pins live objects; it must not resurrect dying ones. */
static void test_leak_scan_concurrent_with_last_release_deletes_each_object_once(void **state)
{
    const char *env = getenv("NTSEC_STRESS_ITERS");
    long iterations = env != NULL ? atol(env) : 20000;
    ULONG saved = NtsecVerifierFlags();
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    NtsecSetVerifierHandler(OnFinding, NULL);

    pthread_t creators[CREATORS], scanner;
    assert_int_equal(pthread_create(&scanner, NULL, Scanner, NULL), 0);
    for (int i = 0; i < CREATORS; i++)
        assert_int_equal(pthread_create(&creators[i], NULL, Creator,
                                        (void *)(ULONG_PTR)iterations), 0);
    for (int i = 0; i < CREATORS; i++)
        pthread_join(creators[i], NULL);
    atomic_store(&Stop, 1);
    pthread_join(scanner, NULL);

    assert_int_equal(atomic_load(&BadFindings), 0);
    assert_int_equal(atomic_load(&Deleted), atomic_load(&Created));
    NtsecSetVerifierHandler(NULL, NULL);
    NtsecEnableVerifier(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leak_scan_concurrent_with_last_release_deletes_each_object_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
