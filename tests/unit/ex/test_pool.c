/*
 * test_pool.c - src/ex/pool.c: tagged pool blocks (issue 10 "pool tags are real"),
 * alignment and zeroing, failure injection, and what the verifier makes of the tags:
 * live blocks counted per tag, a free with the wrong tag, a free of memory that is no block.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "ntsec_test.h"

#define TAG_A 0x41747354 /* 'TstA' */
#define TAG_B 0x42747354 /* 'TstB' */

typedef struct {
    NTSEC_VERIFIER_FINDING Kind;
    char Message[256];
    int Count;
} SEEN;
static SEEN Seen;

static VOID Collect(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    Seen.Kind = Report->Kind;
    snprintf(Seen.Message, sizeof(Seen.Message), "%s", Report->Message);
    Seen.Count++;
}

static ULONG BugChecks;
static ULONG_PTR BugCheckP[3];
static VOID RecordBugCheck(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4, PVOID Context)
{
    if (Code == BAD_POOL_CALLER) {
        BugChecks++;
        BugCheckP[0] = P1;
        BugCheckP[1] = P2;
    }
}

static void test_blocks_are_zeroed_aligned_and_injectable(void **state)
{
    PUCHAR p = ExAllocatePoolWithTag(PagedPool, 100, TAG_A);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(p[i], 0);
    ExFreePoolWithTag(p, TAG_A);

    PUCHAR line = ExAllocatePoolWithTag(NonPagedPoolCacheAligned, 65, TAG_A);
    assert_non_null(line);
    assert_int_equal((uintptr_t)line % 64, 0);
    for (int i = 0; i < 128; i++) /* whole cache lines */
        assert_int_equal(line[i], 0);
    ExFreePool(line);

    ULONG before = NtsecAllocationCount();
    NtsecSetAllocationFailure(2);
    PVOID first = ExAllocatePoolWithTag(PagedPool, 8, TAG_A);
    PVOID second = ExAllocatePoolWithTag(PagedPool, 8, TAG_A);
    NtsecSetAllocationFailure(0);
    assert_non_null(first);
    assert_null(second);
    assert_int_equal(NtsecAllocationCount() - before, 2);
    ExFreePoolWithTag(first, TAG_A);
    ExFreePool(NULL); /* ignored */
    NtsecFree(NULL);
}

static void test_verifier_counts_live_blocks_by_tag(void **state)
{
    ULONG saved = NtsecVerifierFlags();
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    SIZE_T bytes0, bytes;
    LONG_PTR blocks0 = NtsecPoolBlocksInUse(TAG_A, &bytes0);
    PVOID a = ExAllocatePoolWithTag(PagedPool, 40, TAG_A);
    PVOID b = ExAllocatePoolWithTag(PagedPool, 24, TAG_A);
    assert_int_equal(NtsecPoolBlocksInUse(TAG_A, &bytes), blocks0 + 2);
    assert_int_equal(bytes, bytes0 + 64);
    ExFreePoolWithTag(a, TAG_A);
    ExFreePool(b);
    assert_int_equal(NtsecPoolBlocksInUse(TAG_A, &bytes), blocks0);
    assert_int_equal(bytes, bytes0);

    /* A block allocated with the verifier off is never counted, so turning it on later
     * cannot drive a count below zero. */
    NtsecEnableVerifier(0);
    PVOID untracked = ExAllocatePoolWithTag(PagedPool, 16, TAG_B);
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    LONG_PTR b0 = NtsecPoolBlocksInUse(TAG_B, NULL);
    ExFreePoolWithTag(untracked, TAG_B);
    assert_int_equal(NtsecPoolBlocksInUse(TAG_B, NULL), b0);
    NtsecEnableVerifier(saved);
}

static void test_free_with_the_wrong_tag_is_a_finding_and_still_frees(void **state)
{
    ULONG saved = NtsecVerifierFlags();
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    PVOID p = ExAllocatePoolWithTag(PagedPool, 32, TAG_A);
    LONG_PTR live = NtsecPoolBlocksInUse(TAG_A, NULL);
    memset(&Seen, 0, sizeof(Seen));
    NtsecSetVerifierHandler(Collect, NULL);
    ExFreePoolWithTag(p, TAG_B);
    NtsecSetVerifierHandler(NULL, NULL);
    assert_int_equal(Seen.Count, 1);
    assert_int_equal(Seen.Kind, NtsecFindingPoolTagMismatch);
    assert_non_null(strstr(Seen.Message, "'TstB'"));              /* the tag the caller named */
    assert_non_null(strstr(Seen.Message, "allocated with tag 'TstA'")); /* the block's */
    assert_int_equal(NtsecPoolBlocksInUse(TAG_A, NULL), live - 1); /* freed all the same */
    NtsecEnableVerifier(saved);
}

static void test_freeing_memory_that_is_no_block(void **state)
{
    /* Zeroed memory in front of the pointer: no pool header. */
    _Alignas(16) UCHAR fake[128];
    memset(fake, 0, sizeof(fake));
    PVOID p = fake + 64;

    ULONG saved = NtsecVerifierFlags();
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    memset(&Seen, 0, sizeof(Seen));
    NtsecSetVerifierHandler(Collect, NULL);
    ExFreePool(p);
    NtsecFree(p);
    NtsecSetVerifierHandler(NULL, NULL);
    assert_int_equal(Seen.Count, 2);
    assert_int_equal(Seen.Kind, NtsecFindingBadPoolBlock);
    assert_non_null(strstr(Seen.Message, "no live pool block"));

    /* Without the verifier: BAD_POOL_CALLER, P1 = 0x46, P2 = the address; nothing freed. */
    NtsecEnableVerifier(0);
    BugChecks = 0;
    NtsecSetBugCheckHandler(RecordBugCheck, NULL);
    ExFreePoolWithTag(p, TAG_A);
    NtsecSetBugCheckHandler(NULL, NULL);
    assert_int_equal(BugChecks, 1);
    assert_int_equal(BugCheckP[0], 0x46);
    assert_ptr_equal((PVOID)BugCheckP[1], p);
    NtsecEnableVerifier(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_are_zeroed_aligned_and_injectable),
        cmocka_unit_test(test_verifier_counts_live_blocks_by_tag),
        cmocka_unit_test(test_free_with_the_wrong_tag_is_a_finding_and_still_frees),
        cmocka_unit_test(test_freeing_memory_that_is_no_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
