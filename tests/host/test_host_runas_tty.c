/*
 * test_host_runas_tty.c - `ntsec run-as` and terminals (docs/host.md "Command line"; issue 9
 * item 2, the runuser bug of CVE-2016-2779). Each case runs run-as as root inside a
 * pseudo-terminal this test creates (CI has no terminal), as a root shell would.
 *
 * The injection case re-executes this binary as the run-as target ("--tiocsti-child"): it
 * pushes a command into its fd 0 with TIOCSTI, then reports what it found. It proves that
 * the bytes never reach the input queue of the terminal run-as was started from (FIONREAD
 * on it stays 0), and - independently of the kernel's dev.tty.legacy_tiocsti sysctl, which
 * at 0 refuses TIOCSTI to every caller without CAP_SYS_ADMIN and would make the first check
 * pass even for the old run-as - that the target has no controlling terminal at all
 * (/proc/self/stat tty_nr 0, open("/dev/tty") ENXIO) and leads its own session. The old
 * run-as (exec in the caller's session) fails every one of these.
 */
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include "host_helpers.h"

static char Ntsec[512];
static char Self[512];
static const char *TokenText = "user=S-1-22-1-40001 groups=S-1-22-2-40101";

typedef struct {
    int Master, Slave;
    pid_t Pid;
    char SlaveName[64];
    struct termios Initial; /* the terminal's mode before the program started */
    char Out[65536];
    size_t Length;
} PTY_RUN;

/* Argv runs as the session leader of a new pty (its controlling terminal), like a shell. */
static void StartOnPty(PTY_RUN *R, char *const Argv[], unsigned short Rows, unsigned short Cols)
{
    memset(R, 0, sizeof(*R));
    R->Master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(R->Master >= 0);
    assert_int_equal(grantpt(R->Master), 0);
    assert_int_equal(unlockpt(R->Master), 0);
    assert_int_equal(ptsname_r(R->Master, R->SlaveName, sizeof(R->SlaveName)), 0);
    R->Slave = open(R->SlaveName, O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(R->Slave >= 0);
    struct winsize ws = {Rows, Cols, 0, 0};
    assert_int_equal(ioctl(R->Master, TIOCSWINSZ, &ws), 0);
    /* Read before the fork: once the program runs it may change the mode at any moment. */
    assert_int_equal(tcgetattr(R->Slave, &R->Initial), 0);
    R->Pid = fork();
    assert_true(R->Pid >= 0);
    if (R->Pid == 0) {
        if (setsid() < 0 || ioctl(R->Slave, TIOCSCTTY, 0) != 0 || dup2(R->Slave, 0) < 0 ||
            dup2(R->Slave, 1) < 0 || dup2(R->Slave, 2) < 0)
            _exit(120);
        execv(Argv[0], Argv);
        _exit(121);
    }
}

/* Reads the pty's output until Pattern has appeared (TRUE) or the program is gone. The
 * 60 s bound only ends a broken run; nothing is asserted about time. */
static BOOLEAN ReadUntil(PTY_RUN *R, const char *Pattern)
{
    for (int rounds = 0; rounds < 600; rounds++) {
        if (strstr(R->Out, Pattern) != NULL)
            return TRUE;
        struct pollfd p = {R->Master, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = read(R->Master, R->Out + R->Length, sizeof(R->Out) - 1 - R->Length);
        if (n <= 0)
            return FALSE;
        R->Length += (size_t)n;
        R->Out[R->Length] = '\0';
    }
    fprintf(stderr, "never saw '%s' in:\n%s\n", Pattern, R->Out);
    return FALSE;
}

static int Finish(PTY_RUN *R)
{
    int status = 0;
    assert_int_equal(waitpid(R->Pid, &status, 0), R->Pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* Queued input bytes of the terminal run-as was started from. */
static int PendingInput(PTY_RUN *R)
{
    int n = -1;
    assert_int_equal(ioctl(R->Slave, FIONREAD, &n), 0);
    return n;
}

static long Field(const char *Text, const char *Name)
{
    const char *p = strstr(Text, Name);
    assert_non_null(p);
    return strtol(p + strlen(Name), NULL, 10);
}

static void test_run_as_child_cannot_inject_into_the_callers_terminal(void **state)
{
    (void)state;
    TH_REQUIRE_ROOT();
    char *argv[] = {Ntsec, "run-as", "--token", (char *)TokenText, "--", Self, "--tiocsti-child", NULL};
    PTY_RUN r;
    StartOnPty(&r, argv, 24, 80);
    assert_true(ReadUntil(&r, "report-end"));
    assert_int_equal(Finish(&r), 0);
    assert_int_equal(Field(r.Out, "uid="), TH_UID_A);
    assert_int_not_equal(Field(r.Out, "tiocsti-errno="), 0); /* EPERM: not its terminal */
    assert_int_equal(Field(r.Out, "tty-nr="), 0);             /* no controlling terminal */
    assert_int_equal(Field(r.Out, "devtty-errno="), ENXIO);
    assert_int_equal(Field(r.Out, "session-leader="), 1);
    assert_int_equal(PendingInput(&r), 0); /* nothing for the root shell to read */
    close(r.Master);
    close(r.Slave);
}

static void test_pty_child_gets_its_own_terminal_and_cannot_reach_the_callers(void **state)
{
    (void)state;
    TH_REQUIRE_ROOT();
    char *argv[] = {Ntsec, "run-as", "--pty", "--token", (char *)TokenText, "--", Self, "--tiocsti-child", NULL};
    PTY_RUN r;
    StartOnPty(&r, argv, 24, 80);
    assert_true(ReadUntil(&r, "report-end"));
    assert_int_equal(Finish(&r), 0);
    assert_int_equal(Field(r.Out, "uid="), TH_UID_A);
    assert_int_not_equal(Field(r.Out, "tty-nr="), 0);    /* the new pty is its terminal */
    assert_int_equal(Field(r.Out, "devtty-errno="), 0);
    assert_int_equal(Field(r.Out, "session-leader="), 1);
    assert_int_equal(PendingInput(&r), 0); /* whatever it pushed stayed on its own pty */
    close(r.Master);
    close(r.Slave);
}

/* --pty as an interactive user sees it: input reaches COMMAND, its output comes back, the
 * window size follows (at start and on a resize), the exit status propagates, and the
 * caller's terminal mode is as before. */
static void test_pty_relays_input_output_window_size_and_exit_status(void **state)
{
    (void)state;
    TH_REQUIRE_ROOT();
    char *argv[] = {Ntsec, "run-as", "--pty", "--token", (char *)TokenText, "--", "/bin/sh", "-c",
                    "stty size; echo tty=$(tty); echo ready; read x; stty size; echo got:$x; exit 7", NULL};
    PTY_RUN r;
    StartOnPty(&r, argv, 33, 77);
    assert_true(ReadUntil(&r, "ready"));
    assert_non_null(strstr(r.Out, "33 77"));
    char mine[80];
    snprintf(mine, sizeof(mine), "tty=%s\r", r.SlaveName);
    assert_null(strstr(r.Out, mine));         /* not the caller's terminal */
    assert_non_null(strstr(r.Out, "tty=/dev/pts/"));
    struct winsize ws = {40, 100, 0, 0};
    assert_int_equal(ioctl(r.Master, TIOCSWINSZ, &ws), 0); /* SIGWINCH to run-as */
    assert_int_equal(write(r.Master, "hello\n", 6), 6);
    assert_true(ReadUntil(&r, "got:hello"));
    assert_non_null(strstr(r.Out, "40 100"));
    assert_int_equal(Finish(&r), 7);
    close(r.Master);
    close(r.Slave);
}

static void test_pty_restores_the_callers_terminal_mode(void **state)
{
    (void)state;
    TH_REQUIRE_ROOT();
    char *argv[] = {Ntsec, "run-as", "--pty", "--token", (char *)TokenText, "--", "/bin/sh", "-c",
                    "echo ready; read x; exit 3", NULL};
    PTY_RUN r;
    StartOnPty(&r, argv, 24, 80);
    struct termios before = r.Initial, during, after;
    assert_true(before.c_lflag & ICANON);
    assert_true(ReadUntil(&r, "ready"));
    assert_int_equal(tcgetattr(r.Slave, &during), 0);
    assert_false(during.c_lflag & (ICANON | ECHO | ISIG)); /* raw while relaying */
    assert_int_equal(write(r.Master, "x\n", 2), 2);
    int status = 0;
    assert_int_equal(waitpid(r.Pid, &status, 0), r.Pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    assert_int_equal(tcgetattr(r.Slave, &after), 0);
    assert_int_equal(after.c_lflag, before.c_lflag);
    assert_int_equal(after.c_iflag, before.c_iflag);
    assert_int_equal(after.c_oflag, before.c_oflag);
    assert_int_equal(after.c_cflag, before.c_cflag);
    assert_memory_equal(after.c_cc, before.c_cc, sizeof(before.c_cc));
    close(r.Master);
    close(r.Slave);
}

/* The run-as target: TIOCSTI into fd 0, then a report on fd 1. */
static int TiocstiChild(void)
{
    const char *inject = "echo INJECTED-BY-RUN-AS-CHILD\n";
    int err = 0;
    for (const char *c = inject; *c != '\0'; c++)
        if (ioctl(0, TIOCSTI, c) != 0) {
            err = errno;
            break;
        }
    char text[1024] = "";
    FILE *f = fopen("/proc/self/stat", "re");
    if (f == NULL || fgets(text, sizeof(text), f) == NULL)
        return 90;
    fclose(f);
    const char *p = strrchr(text, ')');
    long ppid = 0, pgrp = 0, session = 0, tty = 0;
    char st = 0;
    if (p == NULL || sscanf(p + 2, "%c %ld %ld %ld %ld", &st, &ppid, &pgrp, &session, &tty) != 5)
        return 91;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
    int devttyErr = fd < 0 ? errno : 0;
    printf("uid=%u tiocsti-errno=%d tty-nr=%ld devtty-errno=%d session-leader=%d report-end\n",
           (unsigned)getuid(), err, tty, devttyErr, session == (long)getpid());
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--tiocsti-child") == 0)
        _exit(TiocstiChild());
    const char *build = getenv("NTSEC_BUILD_DIR");
    snprintf(Ntsec, sizeof(Ntsec), "%s/ntsec", build != NULL ? build : ".");
    ssize_t n = readlink("/proc/self/exe", Self, sizeof(Self) - 1);
    if (n <= 0)
        return 1;
    Self[n] = '\0';
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_as_child_cannot_inject_into_the_callers_terminal),
        cmocka_unit_test(test_pty_child_gets_its_own_terminal_and_cannot_reach_the_callers),
        cmocka_unit_test(test_pty_relays_input_output_window_size_and_exit_status),
        cmocka_unit_test(test_pty_restores_the_callers_terminal_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
