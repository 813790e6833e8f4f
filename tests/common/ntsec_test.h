/*
 * ntsec_test.h - what every ntsec test includes: cmocka and small helpers.
 */
#ifndef NTSEC_TEST_H
#define NTSEC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "ntsec.h"
#include "threadcheck.h" /* tr_check* for thread bodies; cmocka asserts only on the main thread */
#include "ntsec_testing.h" /* fault injection and allocation counts */
#include "vfexpect.h"

/* cmocka's assertions, guarded: off the main thread they record instead (threadcheck.h). */
#define _assert_true TrGuardTrue
#define _assert_int_equal TrGuardIntEqual
#define _assert_int_not_equal TrGuardIntNotEqual
#define _assert_string_equal TrGuardStringEqual
#define _assert_string_not_equal TrGuardStringNotEqual
#define _assert_memory_equal TrGuardMemoryEqual
#define _assert_memory_not_equal TrGuardMemoryNotEqual
#define _assert_in_range TrGuardInRange
#define _assert_not_in_range TrGuardNotInRange
#define _assert_return_code TrGuardReturnCode
#define _fail TrGuardFail
/* ... and the group runner, so that any single test can be run alone (docs/testing.md). */
#define _cmocka_run_group_tests TrRunGroupTests

/* Assert an NTSTATUS with both values printed in hex on failure. */
#define assert_status(actual, expected) \
    assert_int_equal((uint32_t)(actual), (uint32_t)(expected))

/* A token from text; fails the test if the text does not parse. Caller owns the reference. */
PACCESS_TOKEN TestToken(PCSTR Text);

#endif /* NTSEC_TEST_H */
