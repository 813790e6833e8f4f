/*
 * threadcheck.h - checks on threads other than the test's main thread.
 *
 * A cmocka assertion ends the test with longjmp to the main thread's stack; from another
 * thread (a runner of threadrunner.h, a pthread, a worker-queue item) that is undefined and
 * the binary dies with exit 255 and no message. So a thread body never asserts: it records
 * with tr_check*() and the main thread asserts (TrAssertNoThreadFailures, also called by
 * TrRun and TrStop, and before every assertion the main thread makes).
 *
 * ntsec_test.h routes cmocka's assertion functions through TrGuard*: on the main thread they
 * are cmocka's own; on any other thread they record "cmocka assertion off the main thread"
 * (and the failure, if it failed) instead, print it at once, and return, so a stray
 * assert_* in a thread body fails the test with its file and line instead of killing the
 * binary silently. Records still pending when the process exits make it exit 1.
 */
#ifndef NTSEC_THREADCHECK_H
#define NTSEC_THREADCHECK_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

/* TRUE on the thread that runs the cmocka tests (the one that ran main). */
int TrOnMainThread(void);

/* Records a failure at File:Line (any thread); on the main thread it fails the test at once. */
void TrCheckFailed(const char *File, int Line, const char *Format, ...)
    __attribute__((format(printf, 3, 4)));

/* Main thread: fails the test, naming every failure the other threads recorded. */
void TrAssertNoThreadFailures(void);

/* Number of failures recorded off the main thread and not yet reported. */
size_t TrPendingThreadFailures(void);

#define tr_check(c) \
    ((c) ? (void)0 : TrCheckFailed(__FILE__, __LINE__, "%s", #c))
#define tr_check_true(c) tr_check(c)
#define tr_check_false(c) tr_check(!(c))
#define tr_check_non_null(p) tr_check((p) != NULL)
#define tr_check_null(p) tr_check((p) == NULL)
#define tr_check_int_equal(a, b) \
    TrCheckIntEqual((uintmax_t)(a), (uintmax_t)(b), #a, #b, __FILE__, __LINE__)
#define tr_check_ptr_equal(a, b) tr_check_int_equal((uintptr_t)(a), (uintptr_t)(b))
#define tr_check_status(a, b) tr_check_int_equal((uint32_t)(a), (uint32_t)(b))
#define tr_check_int_not_equal(a, b) tr_check((uintmax_t)(a) != (uintmax_t)(b))
#define tr_check_string_equal(a, b) \
    TrCheckStringEqual((a), (b), #a, #b, __FILE__, __LINE__)
#define tr_check_memory_equal(a, b, n) tr_check(memcmp((a), (b), (n)) == 0)
#define tr_fail_msg(...) TrCheckFailed(__FILE__, __LINE__, __VA_ARGS__)

static inline void TrCheckIntEqual(uintmax_t A, uintmax_t B, const char *Ea, const char *Eb,
                                   const char *File, int Line)
{
    if (A != B)
        TrCheckFailed(File, Line, "%s == %s: %#jx != %#jx", Ea, Eb, A, B);
}

void TrCheckStringEqual(const char *A, const char *B, const char *Ea, const char *Eb,
                        const char *File, int Line);

/* The guarded forms of cmocka's assertion functions (ntsec_test.h maps cmocka's names here). */
void TrGuardTrue(uintmax_t Result, const char *Expression, const char *File, int Line);
void TrGuardIntEqual(uintmax_t A, uintmax_t B, const char *File, int Line);
void TrGuardIntNotEqual(uintmax_t A, uintmax_t B, const char *File, int Line);
void TrGuardStringEqual(const char *A, const char *B, const char *File, int Line);
void TrGuardStringNotEqual(const char *A, const char *B, const char *File, int Line);
void TrGuardMemoryEqual(const void *A, const void *B, size_t Size, const char *File, int Line);
void TrGuardMemoryNotEqual(const void *A, const void *B, size_t Size, const char *File, int Line);
void TrGuardInRange(uintmax_t V, uintmax_t Min, uintmax_t Max, const char *File, int Line);
void TrGuardNotInRange(uintmax_t V, uintmax_t Min, uintmax_t Max, const char *File, int Line);
void TrGuardReturnCode(uintmax_t Result, size_t Rlen, uintmax_t Error, const char *Expression,
                       const char *File, int Line);
void TrGuardFail(const char *File, int Line);

/* cmocka_run_group_tests honouring NTSEC_TEST_LIST and NTSEC_TEST_FILTER (threadcheck.c). */
struct CMUnitTest;
int TrRunGroupTests(const char *GroupName, const struct CMUnitTest *const Tests, const size_t Count,
                    int (*GroupSetup)(void **), int (*GroupTeardown)(void **));

#endif
