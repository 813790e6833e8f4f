/*
 * fork_child.h - the forked child of the fork() tests (tests/unit/ex/test_fork.c,
 * tests/host/test_host_fork.c): it runs one routine under a 20 s alarm and _exits 0, or
 * with 3 when a CHILD_REQUIRE fails; the parent reaps it and fails the test unless it exited
 * 0. The child's calls must be async-signal-safe (its parent is multi-threaded). Takes and
 * releases no references.
 */
#ifndef NTSEC_FORK_CHILD_H
#define NTSEC_FORK_CHILD_H

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ntsec_test.h"

/* In the child: exit 3 (reported by the parent) unless x holds. */
#define CHILD_REQUIRE(x) do { if (!(x)) { fprintf(stderr, "child: %s failed\n", #x); _exit(3); } } while (0)

/* Forks; the child runs Child(Context) with a 20 s alarm and _exits 0. Returns the pid. */
static inline pid_t ForkChild(void (*Child)(void *), void *Context)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(20);
        Child(Context);
        _exit(0);
    }
    return pid;
}

/* Reaps Pid; returns its wait status. */
static inline int WaitChild(pid_t Pid)
{
    int status = 0;
    assert_int_equal(waitpid(Pid, &status, 0), Pid);
    return status;
}

/* Fails the test unless Status (from WaitChild) is a normal exit with code 0. */
static inline void ExpectChildSucceeded(int Status)
{
    if (WIFSIGNALED(Status))
        fail_msg("fork child killed by signal %d (%s)", WTERMSIG(Status),
                 WTERMSIG(Status) == SIGALRM ? "hung: alarm" : "crash");
    assert_true(WIFEXITED(Status));
    assert_int_equal(WEXITSTATUS(Status), 0);
}

/* Runs Child in a forked child; the test fails unless it exits 0. */
static inline void InChild(void (*Child)(void *), void *Context)
{
    ExpectChildSucceeded(WaitChild(ForkChild(Child, Context)));
}

#endif /* NTSEC_FORK_CHILD_H */
