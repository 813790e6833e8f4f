/*
 * test_object_header.c - src/ob/object.c and the pool's line blocks (issue 15 section 6):
 * an object created with the verifier off carries the 48-byte header only; the verifier's
 * fields (live list, address chain, creation stack) are a part in front of the header that
 * exists only for objects created while the verifier is on; objects and per-thread blocks
 * come from ExpAllocatePoolLines, whole cache lines with the pool header inside the first.
 */
#include <stdint.h>
#include <string.h>
#include "ntsec_test.h"
#include "ob/obp.h"
#include "ex/exp.h"
#include "verifier/vf.h"

#define TAG_L 0x4c747354 /* 'TstL' */
#define TOKEN_TEXT "user=S-1-5-21-1-2-3-1001 groups=WD integrity=ME type=impersonation level=impersonation"

static void test_header_is_48_bytes_with_the_body_after_it(void **state)
{
    assert_int_equal(sizeof(OBJECT_HEADER), 48);
    assert_int_equal(offsetof(OBJECT_HEADER, Body), 48);
    assert_int_equal(sizeof(OBJECT_HEADER_VERIFIER) % 16, 0);
}

static void test_verifier_part_exists_exactly_when_created_with_the_verifier_on(void **state)
{
    BOOLEAN on = VfIsEnabled();
    PACCESS_TOKEN t = TestToken(TOKEN_TEXT);
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(t);
    assert_int_equal((h->Flags & OBP_FLAG_VERIFIER_PART) != 0, on);
    assert_int_equal((h->Flags & OBP_FLAG_TRACKED) != 0, on);
    assert_int_equal(NtsecReferenceCount(t), 1);
    ObDereferenceObject(t);
    if (on)
        return; /* the verifier run: the other half is the run without it */
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    PACCESS_TOKEN v = TestToken(TOKEN_TEXT);
    h = OBJECT_TO_OBJECT_HEADER(v);
    assert_true(h->Flags & OBP_FLAG_VERIFIER_PART);
    assert_true(h->Flags & OBP_FLAG_TRACKED);
    assert_true(OBJECT_HEADER_TO_VERIFIER(h)->CreationDepth > 0);
    assert_true(OBJECT_HEADER_TO_VERIFIER(h)->TrackLinks.Flink != NULL);
    ObDereferenceObject(v); /* quarantined with its verifier part */
    NtsecEnableVerifier(0);
}

static void test_pool_lines_share_no_line_and_keep_the_header_inside(void **state)
{
    for (SIZE_T n = 1; n <= 200; n += 33) {
        PUCHAR p = ExpAllocatePoolLines(n, TAG_L);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 64, 32); /* 32-byte pool header, then the block */
        assert_int_equal(ExpPoolBlockSize(p), n);
        for (SIZE_T i = 0; i < n; i++)
            assert_int_equal(p[i], 0);
        memset(p, 0xA5, n);
        ExFreePoolWithTag(p, TAG_L);
    }
    NtsecSetAllocationFailure(1);
    assert_null(ExpAllocatePoolLines(16, TAG_L));
    NtsecSetAllocationFailure(0);
}

static void test_objects_and_impersonation_state_start_32_bytes_into_a_line(void **state)
{
    PACCESS_TOKEN t = TestToken(TOKEN_TEXT);
    /* the block (the object header) 32 bytes into its first line, the body 48 after it */
    assert_int_equal((uintptr_t)OBJECT_TO_OBJECT_HEADER(t) % 64, 32);
    assert_int_equal((uintptr_t)t % 16, 0);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_is_48_bytes_with_the_body_after_it),
        cmocka_unit_test(test_verifier_part_exists_exactly_when_created_with_the_verifier_on),
        cmocka_unit_test(test_pool_lines_share_no_line_and_keep_the_header_inside),
        cmocka_unit_test(test_objects_and_impersonation_state_start_32_bytes_into_a_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
