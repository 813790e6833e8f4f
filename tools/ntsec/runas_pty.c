/*
 * runas_pty.c - `ntsec run-as --pty`: COMMAND gets a new pseudo-terminal as its controlling
 * terminal (a new session), never the caller's; run-as relays between its own stdin/stdout
 * and the terminal's master side, as `su --pty` / `runuser --pty` do.
 *
 *   - stdin -> master, master -> stdout (stderr of COMMAND arrives on stdout);
 *   - when stdin is a terminal it is put in raw mode (keys, ^C included, go to COMMAND's
 *     terminal, whose line discipline handles them) and restored on return; its window
 *     size is copied at start and on every SIGWINCH;
 *   - when stdin is not a terminal, its end is sent as the terminal's EOF character;
 *   - SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to run-as are forwarded to COMMAND;
 *   - after COMMAND exits, its remaining output is drained (until the terminal hangs up, or
 *     200 ms pass without output while a descendant still holds it open);
 *   - exit status: COMMAND's, or 128 + the signal that ended it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "runas.h"

#define RUNAS_DRAIN_MS 200

static int RunAsOpenPty(int *Master, int *Slave)
{
    char name[128];
    *Master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*Master < 0)
        return -1;
    if (grantpt(*Master) != 0 || unlockpt(*Master) != 0 || ptsname_r(*Master, name, sizeof(name)) != 0 ||
        (*Slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
        close(*Master);
        return -1;
    }
    return 0;
}

static void RunAsWriteAll(int Fd, const char *Data, size_t Length)
{
    while (Length > 0) {
        ssize_t n = write(Fd, Data, Length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* stdout gone: the output is dropped, COMMAND goes on */
        Data += n;
        Length -= (size_t)n;
    }
}

static void RunAsCopyWindowSize(int Master)
{
    struct winsize ws;
    if (ioctl(0, TIOCGWINSZ, &ws) == 0)
        (void)ioctl(Master, TIOCSWINSZ, &ws);
}

/* The relay loop; returns the waitpid status of Pid. */
static int RunAsRelay(int Master, int Signals, pid_t Pid, BOOLEAN StdinIsTty)
{
    char in[4096], out[4096];
    size_t inLength = 0, inOffset = 0;
    BOOLEAN stdinOpen = TRUE, masterOpen = TRUE, exited = FALSE, eofPending = FALSE;
    char last = '\n';
    int status = 0;
    while (!(exited && !masterOpen)) {
        struct pollfd p[3] = {
            {Signals, POLLIN, 0},
            {stdinOpen && !exited && inLength == 0 ? 0 : -1, POLLIN, 0},
            {masterOpen ? Master : -1, (short)(POLLIN | (inLength != 0 || eofPending ? POLLOUT : 0)), 0},
        };
        int r = poll(p, 3, exited ? RUNAS_DRAIN_MS : -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* drained (or poll failed) */
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(Signals, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGCHLD) {
                    if (!exited && waitpid(Pid, &status, WNOHANG) == Pid)
                        exited = TRUE;
                } else if (si.ssi_signo == SIGWINCH) {
                    if (StdinIsTty)
                        RunAsCopyWindowSize(Master);
                } else {
                    kill(Pid, (int)si.ssi_signo);
                }
            }
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(0, in, sizeof(in));
            if (n > 0) {
                inLength = (size_t)n;
                inOffset = 0;
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                stdinOpen = FALSE;
                eofPending = !StdinIsTty;
            }
        }
        if (masterOpen && (p[2].revents & POLLOUT)) {
            if (inLength != 0) {
                ssize_t n = write(Master, in + inOffset, inLength);
                if (n > 0) {
                    last = in[inOffset + (size_t)n - 1];
                    inOffset += (size_t)n;
                    inLength -= (size_t)n;
                } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
                    inLength = 0;
                }
            } else if (eofPending) {
                /* the end of a piped stdin: the terminal's EOF character (twice after a
                 * partial line: the first only ends that line) */
                struct termios t;
                eofPending = FALSE;
                if (tcgetattr(Master, &t) == 0 && (t.c_lflag & ICANON)) {
                    char eof[2] = {(char)t.c_cc[VEOF], (char)t.c_cc[VEOF]};
                    (void)!write(Master, eof, last == '\n' ? 1 : 2);
                }
            }
        }
        if (masterOpen && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(Master, out, sizeof(out));
            if (n > 0)
                RunAsWriteAll(1, out, (size_t)n);
            else if (n == 0 || (errno != EINTR && errno != EAGAIN))
                masterOpen = FALSE; /* EIO: every descriptor of the terminal is closed */
        }
    }
    if (!exited)
        while (waitpid(Pid, &status, 0) < 0 && errno == EINTR)
            ;
    return status;
}

int NtsecRunAsPty(PACCESS_TOKEN Token, char **Argv, ULONG Flags)
{
    int master = -1, slave = -1;
    if (RunAsOpenPty(&master, &slave) != 0) {
        perror("ntsec run-as: cannot open a pseudo-terminal");
        return NTSEC_RUNAS_EXIT_NTSEC;
    }
    BOOLEAN tty = isatty(0) != 0;
    struct termios saved;
    if (tty && tcgetattr(0, &saved) == 0) {
        (void)tcsetattr(slave, TCSANOW, &saved); /* the caller's settings, as su --pty */
        RunAsCopyWindowSize(slave);
    } else {
        tty = FALSE;
    }
    sigset_t set, old;
    sigemptyset(&set);
    int handled[] = {SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
        sigaddset(&set, handled[i]);
    sigprocmask(SIG_BLOCK, &set, &old); /* read through the signalfd; the child's mask is reset */
    int signals = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    struct sigaction ign, oldPipe;
    memset(&ign, 0, sizeof(ign));
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &oldPipe); /* a closed stdout must not end run-as in raw mode */
    int rc = NTSEC_RUNAS_EXIT_NTSEC;
    if (signals < 0) {
        perror("ntsec run-as: signalfd");
    } else {
        NTSEC_PROCESS_FD fds[] = {{slave, 0}, {slave, 1}, {slave, 2}};
        int pid = -1;
        fflush(NULL);
        NTSTATUS st = NtsecCreateProcessAsToken(
            Token, Argv[0], (PCSTR const *)Argv, NULL, fds, 3,
            NTSEC_PROCESS_NEW_SESSION | NTSEC_PROCESS_CONTROLLING_TERMINAL | NTSEC_PROCESS_SEARCH_PATH | Flags,
            &pid, NULL);
        close(slave);
        slave = -1;
        if (!NT_SUCCESS(st)) {
            rc = NtsecRunAsFailure(st, Argv[0]);
        } else {
            NtsecRunAsReport.Pid = pid;
            (void)fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
            if (tty) {
                struct termios raw = saved;
                cfmakeraw(&raw);
                (void)tcsetattr(0, TCSANOW, &raw);
            }
            rc = NtsecRunAsExitCode(RunAsRelay(master, signals, pid, tty));
            if (tty)
                (void)tcsetattr(0, TCSADRAIN, &saved);
        }
        close(signals);
    }
    if (slave >= 0)
        close(slave);
    close(master);
    sigaction(SIGPIPE, &oldPipe, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
