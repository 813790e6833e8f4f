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
#include "ntsec_testing.h" /* fault injection and allocation counts */
#include "vfexpect.h"

/* Assert an NTSTATUS with both values printed in hex on failure. */
#define assert_status(actual, expected) \
    assert_int_equal((uint32_t)(actual), (uint32_t)(expected))

/* A token from text; fails the test if the text does not parse. Caller owns the reference. */
PACCESS_TOKEN TestToken(PCSTR Text);

#endif /* NTSEC_TEST_H */
