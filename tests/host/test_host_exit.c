/*
 * test_host_exit.c - a thread that ends with a raw SYS_exit while impersonating (no
 * thread-specific-data destructor runs, so no teardown) neither leaks its token reference
 * nor blocks NtsecHostOff forever (issue 9 item 10; docs/host.md "Threads that end
 * without teardown"): Off finds it gone (/proc/self/task) and reaps it.
 */
#include <linux/futex.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "host_helpers.h"

static int SetupGroup(void **state)
{
    return 0;
}

static int TeardownGroup(void **state)
{
    if (geteuid() != 0)
        return 0;
    return NtsecEnableHostCredentials(NtsecHostOff) == STATUS_SUCCESS ? 0 : -1;
}

typedef struct {
    PTOKEN Token;
    PETHREAD Thread;  /* one reference of ours */
    BOOLEAN Impersonate;
    unsigned Euid;
    pid_t Tid;
    _Atomic int Ready;   /* the fields above are written (release) */
    _Atomic pid_t Alive; /* the kernel clears it and wakes us when the thread is gone */
} EXITER;

static void *BodyRawExit(void *Arg)
{
    EXITER *e = Arg;
    e->Thread = PsGetCurrentThread();
    ObfReferenceObject(e->Thread);
    if (e->Impersonate &&
        PsImpersonateClient(e->Thread, e->Token, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
        return NULL;
    TH_IDS ids;
    ThReadIds(&ids);
    e->Euid = ids.Uid[1];
    e->Tid = (pid_t)syscall(SYS_gettid);
    /* CLONE_CHILD_CLEARTID semantics on our own word (pthread_join cannot be used: the
     * sanitizers' join waits for a pthread exit that never comes) */
    atomic_store(&e->Ready, 1);
    syscall(SYS_set_tid_address, &e->Alive);
    syscall(SYS_exit, 0); /* no pthread cleanup, no TSD destructor: no teardown */
    return NULL;
}

/* Starts a detached thread that ends with SYS_exit and waits until the kernel has released
 * it (its tid word cleared, then its /proc/self/task entry gone). */
static void RunRawExit(EXITER *e)
{
    pthread_t t;
    pthread_attr_t attr;
    atomic_store(&e->Alive, 1);
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
    assert_int_equal(pthread_create(&t, &attr, BodyRawExit, e), 0);
    pthread_attr_destroy(&attr);
    while (!atomic_load(&e->Ready))
        sched_yield();
    pid_t v;
    while ((v = atomic_load(&e->Alive)) != 0)
        syscall(SYS_futex, &e->Alive, FUTEX_WAIT, v, NULL, NULL, 0);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d", (int)e->Tid);
    while (access(path, F_OK) == 0)
        sched_yield();
    assert_non_null(e->Thread);
}

static void test_raw_exit_while_switched_does_not_block_off(void **state)
{
    TH_REQUIRE_ROOT();
    TH_GROUP g[] = {{TH_GID_A, 0}};
    EXITER e = {ThToken(TH_UID_A, g, 1), NULL, TRUE, 0, 0, 0, 0};
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    RunRawExit(&e);
    assert_int_equal(e.Euid, TH_UID_A);
    /* the dead thread still holds its token and its own ETHREAD reference, and counts */
    assert_int_equal(NtsecReferenceCount(e.Token), 2);
    assert_int_equal(NtsecReferenceCount(e.Thread), 2);
    assert_int_equal(atomic_load(&HostSwitchedThreads), 1);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    assert_int_equal(atomic_load(&HostSwitchedThreads), 0);
    assert_int_equal(NtsecReferenceCount(e.Token), 1); /* the thread's reference was released */
    assert_int_equal(NtsecReferenceCount(e.Thread), 1); /* and its running reference */
    assert_true(PsIsThreadTerminating(e.Thread));
    assert_false(PsReferenceImpersonationToken(e.Thread, NULL, NULL, NULL) != NULL);
    assert_null(e.Thread->Host);
    ObfDereferenceObject(e.Thread);
    /* the backend works on: on, a switch, off */
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    ObfDereferenceObject(e.Token);
}

/* A thread that exited at the base identity is reaped too (its state and ETHREAD). */
static void test_raw_exit_at_base_is_reaped(void **state)
{
    TH_REQUIRE_ROOT();
    EXITER e = {NULL, NULL, FALSE, 0, 0, 0, 0};
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    RunRawExit(&e);
    assert_int_equal(e.Euid, 0);
    assert_non_null(e.Thread->Host); /* the adoption synced it: the backend knows it */
    assert_int_equal(NtsecReferenceCount(e.Thread), 2);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(e.Thread), 1);
    assert_null(e.Thread->Host);
    ObfDereferenceObject(e.Thread);
}

/* A live switched thread is never taken for a dead one: Off stays refused. */
static _Atomic int LivePhase;
static void *BodyLive(void *Arg)
{
    PTOKEN token = Arg;
    if (PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
        return NULL;
    atomic_store(&LivePhase, 1);
    while (atomic_load(&LivePhase) != 2)
        sched_yield();
    PsRevertToSelf();
    return NULL;
}

static void test_live_switched_thread_is_not_reaped(void **state)
{
    TH_REQUIRE_ROOT();
    TH_GROUP g[] = {{TH_GID_A, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 1);
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    atomic_store(&LivePhase, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, BodyLive, token), 0);
    while (atomic_load(&LivePhase) != 1)
        sched_yield();
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_DEVICE_NOT_READY);
    assert_int_equal(NtsecReferenceCount(token), 2);
    atomic_store(&LivePhase, 2);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(token), 1);
    ObfDereferenceObject(token);
}

/* Without /proc nothing can be known gone: nothing is reaped, Off stays refused (never a
 * live thread taken for a dead one). Run in a child with /proc unmounted in its own mount
 * namespace; the exit code names the failed check. */
static void test_without_proc_nothing_is_reaped(void **state)
{
    TH_REQUIRE_ROOT();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
            _exit(77); /* no mount namespace here: nothing to check */
        TH_GROUP g[] = {{TH_GID_A, 0}};
        EXITER e = {ThToken(TH_UID_A, g, 1), NULL, TRUE, 0, 0, 0, 0};
        if (NtsecEnableHostCredentials(NtsecHostEuid) != STATUS_SUCCESS)
            _exit(10);
        RunRawExit(&e);
        if (umount2("/proc", MNT_DETACH) != 0)
            _exit(77);
        if (NtsecEnableHostCredentials(NtsecHostOff) != STATUS_DEVICE_NOT_READY)
            _exit(11);
        if (NtsecReferenceCount(e.Token) != 2 || NtsecReferenceCount(e.Thread) != 2)
            _exit(12);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        fprintf(stderr, "skipped: no private mount namespace\n");
        skip();
    }
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The stat parser counts fields from the last ')': a thread name may hold ") R 1 2". */
static void test_task_stat_parser_counts_from_the_last_parenthesis(void **state)
{
    static const char line[] = "99 (x) R 1 2 3 4) Z 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4711 5 6\n";
    unsigned long long start = 0;
    char st = 0;
    assert_true(HostParseTaskStat(line, sizeof(line) - 1, &start, &st));
    assert_int_equal(st, 'Z');
    assert_int_equal(start, 4711);
    assert_false(HostParseTaskStat(line, 20, &start, &st));           /* cut short */
    assert_false(HostParseTaskStat("1 (a) S 1 2", 11, &start, &st));  /* too few fields */
    assert_false(HostParseTaskStat("no parenthesis", 14, &start, &st));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: it forks, and TSan refuses threads in a child forked after threads were
         * started (it still counts the SYS_exit ones as running) */
        cmocka_unit_test(test_without_proc_nothing_is_reaped),
        cmocka_unit_test(test_task_stat_parser_counts_from_the_last_parenthesis),
        cmocka_unit_test(test_raw_exit_while_switched_does_not_block_off),
        cmocka_unit_test(test_raw_exit_at_base_is_reaped),
        cmocka_unit_test(test_live_switched_thread_is_not_reaped),
    };
    return cmocka_run_group_tests(tests, SetupGroup, TeardownGroup);
}
