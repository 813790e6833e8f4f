/*
 * test_fsd_logline.c - ntsec-fsd's request log line (tools/ntsec-fsd/logline.c) is exactly
 * what the snprintf format it replaced gives, for every optional part, for extreme numbers,
 * and when cut: a line longer than the buffer keeps its first Size - 2 bytes and ends with a
 * newline, and nothing is written past the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>
#include "logline.h"

/* The format ntsec-fsd used up to 1d7493b (http.c FsdCompleted), cut the way it cut. */
static size_t Reference(const FSD_LOG_FIELDS *F, char *Line, size_t Size)
{
    int n = snprintf(Line, Size, "fsd: user=\"%s\" uid=%ld method=%s path=/%s status=%d layer=%s us=%lld%s%s%s%s\n",
                     F->Principal, F->Uid, F->Method, F->Path, F->Status, F->Layer, F->Us,
                     F->Kept ? " way=kept" : "", F->Note[0] ? " note=\"" : "", F->Note,
                     F->Note[0] ? "\"" : "");
    if ((size_t)n >= Size) {
        n = (int)Size - 1;
        Line[n - 1] = '\n';
    }
    return (size_t)n;
}

static void Same(const FSD_LOG_FIELDS *F, size_t Size)
{
    char want[512], got[512 + 8];
    assert_true(Size <= sizeof want);
    memset(got, 'X', sizeof got);
    size_t wn = Reference(F, want, Size);
    size_t gn = FsdFormatLogLine(F, got, Size);
    assert_int_equal(gn, wn);
    assert_memory_equal(got, want, wn + 1);   /* the NUL too */
    for (size_t i = Size; i < sizeof got; i++)
        assert_int_equal(got[i], 'X');        /* nothing past the buffer */
    assert_int_equal(got[gn - 1], '\n');
}

static void test_logline_matches_the_printf_format(void **state)
{
    FSD_LOG_FIELDS f = {"Unix User\\alice (S-1-22-1-1000)", 1000, "GET", "a/b.txt", 200, "-", 315, 1, ""};
    Same(&f, 512);
    f.Kept = 0;
    f.Note = "connection ended before a response (2)";
    Same(&f, 512);
    FSD_LOG_FIELDS g = {"-", -1, "PROPFIND", "?", 403, "nt", 0, 0, "x"};
    Same(&g, 512);
    FSD_LOG_FIELDS h = {"", LONG_MIN, "", "", INT_MIN, "", LLONG_MIN, 1, ""};
    Same(&h, 512);
    h.Uid = LONG_MAX;
    h.Status = INT_MAX;
    h.Us = LLONG_MAX;
    Same(&h, 512);
}

static void test_logline_is_cut_and_still_one_line(void **state)
{
    FSD_LOG_FIELDS f = {"Unix User\\alice (S-1-22-1-1000)", 1000, "GET", "a/b.txt", 200, "-", 315, 1, "a note"};
    char full[512];
    size_t n = Reference(&f, full, sizeof full);
    for (size_t size = 2; size <= n + 2; size++)   /* every cut, and the exact fits */
        Same(&f, size);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logline_matches_the_printf_format),
        cmocka_unit_test(test_logline_is_cut_and_still_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
