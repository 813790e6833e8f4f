/*
 * threadcheck.c - see threadcheck.h. This file calls cmocka's real assertion functions
 * (it does not include ntsec_test.h, which maps their names to the guards).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "threadcheck.h"

#define TR_MAX_RECORDS 16

static pthread_t MainThread;
static pthread_mutex_t RecordLock = PTHREAD_MUTEX_INITIALIZER;
static char Records[TR_MAX_RECORDS][256];
static const char *FirstFile; /* where the first pending record was made */
static int FirstLine;
static size_t RecordCount;     /* records pending (at most TR_MAX_RECORDS kept) */
static size_t RecordsDropped;  /* pending beyond TR_MAX_RECORDS */

static void TrExitCheck(void)
{
    if (TrOnMainThread() && TrPendingThreadFailures() != 0) {
        fprintf(stderr, "threadcheck: %zu failure(s) recorded off the main thread were never "
                "asserted (see above); exiting 1\n", TrPendingThreadFailures());
        _exit(1);
    }
}

__attribute__((constructor)) static void TrInit(void)
{
    MainThread = pthread_self();
    atexit(TrExitCheck);
}

int TrOnMainThread(void)
{
    return pthread_equal(pthread_self(), MainThread);
}

static void TrVRecord(const char *File, int Line, const char *Format, va_list Args)
{
    char text[256];
    int n = snprintf(text, sizeof(text), "%s:%d: ", File, Line);
    vsnprintf(text + n, sizeof(text) - (size_t)n, Format, Args);
    fprintf(stderr, "%s (off the main thread)\n", text);
    pthread_mutex_lock(&RecordLock);
    if (RecordCount == 0 && RecordsDropped == 0) {
        FirstFile = File;
        FirstLine = Line;
    }
    if (RecordCount < TR_MAX_RECORDS)
        memcpy(Records[RecordCount++], text, sizeof(text));
    else
        RecordsDropped++;
    pthread_mutex_unlock(&RecordLock);
}

static void TrRecord(const char *File, int Line, const char *Format, ...)
{
    va_list args;
    va_start(args, Format);
    TrVRecord(File, Line, Format, args);
    va_end(args);
}

void TrCheckFailed(const char *File, int Line, const char *Format, ...)
{
    va_list args;
    va_start(args, Format);
    if (TrOnMainThread()) {
        char text[256];
        vsnprintf(text, sizeof(text), Format, args);
        va_end(args);
        print_error("check failed: %s\n", text);
        _fail(File, Line);
        return;
    }
    TrVRecord(File, Line, Format, args);
    va_end(args);
}

size_t TrPendingThreadFailures(void)
{
    pthread_mutex_lock(&RecordLock);
    size_t n = RecordCount + RecordsDropped;
    pthread_mutex_unlock(&RecordLock);
    return n;
}

void TrAssertNoThreadFailures(void)
{
    pthread_mutex_lock(&RecordLock);
    size_t n = RecordCount, dropped = RecordsDropped;
    const char *file = FirstFile;
    int line = FirstLine;
    for (size_t i = 0; i < n; i++)
        print_error("recorded by another thread: %s\n", Records[i]);
    RecordCount = RecordsDropped = 0;
    pthread_mutex_unlock(&RecordLock);
    if (n + dropped == 0)
        return;
    print_error("%zu failure(s) recorded off the main thread (%zu not shown); the first:\n",
                n + dropped, dropped);
    _fail(file, line);
}

/*
 * Each guard: on the main thread, first the failures other threads recorded, then cmocka's
 * own assertion; elsewhere, a record that names the misuse and, if it failed, the values.
 */
#define TR_GUARD(Call, Failed, ...)                                                   \
    do {                                                                              \
        if (TrOnMainThread()) {                                                       \
            TrAssertNoThreadFailures();                                               \
            Call;                                                                     \
        } else if (Failed) {                                                          \
            TrRecord(File, Line, "cmocka assertion off the main thread failed: " __VA_ARGS__); \
        } else {                                                                      \
            TrRecord(File, Line, "cmocka assertion off the main thread (use tr_check*)"); \
        }                                                                             \
    } while (0)

void TrGuardTrue(uintmax_t Result, const char *Expression, const char *File, int Line)
{
    TR_GUARD(_assert_true(Result, Expression, File, Line), !Result, "%s", Expression);
}

void TrGuardIntEqual(uintmax_t A, uintmax_t B, const char *File, int Line)
{
    TR_GUARD(_assert_int_equal(A, B, File, Line), A != B, "%#jx != %#jx", A, B);
}

void TrGuardIntNotEqual(uintmax_t A, uintmax_t B, const char *File, int Line)
{
    TR_GUARD(_assert_int_not_equal(A, B, File, Line), A == B, "%#jx == %#jx", A, B);
}

static int TrStrEq(const char *A, const char *B)
{
    return A == B || (A != NULL && B != NULL && strcmp(A, B) == 0);
}

void TrCheckStringEqual(const char *A, const char *B, const char *Ea, const char *Eb,
                        const char *File, int Line)
{
    if (!TrStrEq(A, B))
        TrCheckFailed(File, Line, "%s == %s: \"%s\" != \"%s\"", Ea, Eb, A ? A : "(null)",
                      B ? B : "(null)");
}

void TrGuardStringEqual(const char *A, const char *B, const char *File, int Line)
{
    TR_GUARD(_assert_string_equal(A, B, File, Line), !TrStrEq(A, B), "\"%s\" != \"%s\"",
             A ? A : "(null)", B ? B : "(null)");
}

void TrGuardStringNotEqual(const char *A, const char *B, const char *File, int Line)
{
    TR_GUARD(_assert_string_not_equal(A, B, File, Line), TrStrEq(A, B), "both \"%s\"",
             A ? A : "(null)");
}

void TrGuardMemoryEqual(const void *A, const void *B, size_t Size, const char *File, int Line)
{
    TR_GUARD(_assert_memory_equal(A, B, Size, File, Line), memcmp(A, B, Size) != 0,
             "%zu bytes differ", Size);
}

void TrGuardMemoryNotEqual(const void *A, const void *B, size_t Size, const char *File, int Line)
{
    TR_GUARD(_assert_memory_not_equal(A, B, Size, File, Line), memcmp(A, B, Size) == 0,
             "%zu bytes equal", Size);
}

void TrGuardInRange(uintmax_t V, uintmax_t Min, uintmax_t Max, const char *File, int Line)
{
    TR_GUARD(_assert_in_range(V, Min, Max, File, Line), V < Min || V > Max,
             "%#jx not in [%#jx, %#jx]", V, Min, Max);
}

void TrGuardNotInRange(uintmax_t V, uintmax_t Min, uintmax_t Max, const char *File, int Line)
{
    TR_GUARD(_assert_not_in_range(V, Min, Max, File, Line), V >= Min && V <= Max,
             "%#jx in [%#jx, %#jx]", V, Min, Max);
}

void TrGuardReturnCode(uintmax_t Result, size_t Rlen, uintmax_t Error, const char *Expression,
                       const char *File, int Line)
{
    TR_GUARD(_assert_return_code(Result, Rlen, Error, Expression, File, Line),
             (intmax_t)Result < 0, "%s", Expression);
}

void TrGuardFail(const char *File, int Line)
{
    TR_GUARD(_fail(File, Line), 1, "fail()");
}

/*
 * cmocka_run_group_tests, with two environment variables for scripts/each_test_alone.sh:
 * NTSEC_TEST_LIST=1 prints the group's test names and runs none; NTSEC_TEST_FILTER=NAME
 * runs only the tests whose name matches (cmocka_set_test_filter: * and ? wildcards).
 */
int TrRunGroupTests(const char *GroupName, const struct CMUnitTest *const Tests, const size_t Count,
                    CMFixtureFunction GroupSetup, CMFixtureFunction GroupTeardown)
{
    if (getenv("NTSEC_TEST_LIST") != NULL) {
        for (size_t i = 0; i < Count; i++)
            printf("%s\n", Tests[i].name);
        return 0;
    }
    const char *filter = getenv("NTSEC_TEST_FILTER");
    if (filter != NULL && *filter != '\0')
        cmocka_set_test_filter(filter);
    return _cmocka_run_group_tests(GroupName, Tests, Count, GroupSetup, GroupTeardown);
}
