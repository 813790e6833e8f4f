/*
 * test_bugcheck.c - src/ex/bugcheck.c: KeBugCheckEx through NtsecSetBugCheckHandler. A
 * handler gets the code and the four parameters and its return lets the caller go on; the
 * last handler set is the one called; with no handler the code, its name and the parameters
 * go to stderr and the process aborts (observed in a forked child).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ntsec_test.h"

typedef struct {
    int Calls;
    ULONG Code;
    ULONG_PTR P[4];
} SEEN;

static VOID Record(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4, PVOID Context)
{
    SEEN *s = Context;
    s->Calls++;
    s->Code = Code;
    s->P[0] = P1, s->P[1] = P2, s->P[2] = P3, s->P[3] = P4;
}

static void test_handler_gets_code_and_parameters_and_returns(void **state)
{
    SEEN a = { 0 }, b = { 0 };
    NtsecSetBugCheckHandler(Record, &a);
    KeBugCheckEx(WORKER_INVALID, 1, 2, 3, 0xdeadbeef);
    assert_int_equal(a.Calls, 1);
    assert_int_equal(a.Code, WORKER_INVALID);
    assert_int_equal(a.P[0], 1);
    assert_int_equal(a.P[1], 2);
    assert_int_equal(a.P[2], 3);
    assert_int_equal(a.P[3], 0xdeadbeef);
    NtsecSetBugCheckHandler(Record, &b); /* replaces: only the last one is called */
    KeBugCheckEx(BAD_POOL_CALLER, 9, 0, 0, 0);
    assert_int_equal(a.Calls, 1);
    assert_int_equal(b.Calls, 1);
    assert_int_equal(b.Code, BAD_POOL_CALLER);
    assert_int_equal(b.P[0], 9);
    NtsecSetBugCheckHandler(NULL, NULL);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* Runs KeBugCheckEx(Code, ...) with no handler in a child; returns its stderr, asserts SIGABRT. */
static void DefaultBugCheck(ULONG Code, char *Out, size_t Size)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        signal(SIGABRT, SIG_DFL);
        NtsecSetBugCheckHandler(NULL, NULL);
        KeBugCheckEx(Code, 0x11, 0x22, 0x33, 0x44);
        _exit(0); /* not reached: the default bug check aborts */
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < Size && (r = read(fds[0], Out + n, Size - 1 - n)) > 0)
        n += (size_t)r;
    Out[n] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void test_default_prints_the_named_code_and_aborts(void **state)
{
    static const struct { ULONG Code; const char *Name; } codes[] = {
        { IMPERSONATING_WORKER_THREAD, "IMPERSONATING_WORKER_THREAD" },
        { WORKER_THREAD_RETURNED_AT_BAD_IRQL, "WORKER_THREAD_RETURNED_AT_BAD_IRQL" },
        { WORKER_INVALID, "WORKER_INVALID" },
        { BAD_POOL_CALLER, "BAD_POOL_CALLER" },
        { NTSEC_HOST_CREDENTIALS_INCONSISTENT, "NTSEC_HOST_CREDENTIALS_INCONSISTENT" },
        { NTSEC_INITIALIZATION_FAILED, "NTSEC_INITIALIZATION_FAILED" },
        { NTSEC_NULL_ARGUMENT, "NTSEC_NULL_ARGUMENT" },
        { 0x12345678, "NTSEC_BUGCHECK" }, /* a code without a name */
    };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        char out[8192], want[128];
        DefaultBugCheck(codes[i].Code, out, sizeof(out));
        snprintf(want, sizeof(want), "*** ntsec bug check 0x%08X (%s)\n", (unsigned)codes[i].Code,
                 codes[i].Name);
        if (strstr(out, want) == NULL)
            fail_msg("no '%s' in: %s", want, out);
        assert_non_null(strstr(out, "*** parameters: 0x11 0x22 0x33 0x44\n"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handler_gets_code_and_parameters_and_returns),
        cmocka_unit_test(test_default_prints_the_named_code_and_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
