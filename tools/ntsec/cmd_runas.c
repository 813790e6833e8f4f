/*
 * cmd_runas.c - `ntsec run-as [--pty] [--no-new-privs] [--identification] --token 'TOKEN
 * TEXT' -- COMMAND [ARGS...]`: CreateProcessAsUser for Linux (docs/host.md "Command line").
 *
 * COMMAND is started with NtsecCreateProcessAsToken: its four uids and gids and its groups
 * are the token's, permanently, and it holds no capability. It runs in a new session with no
 * controlling terminal, so it cannot push input into the caller's terminal (TIOCSTI, the
 * runuser bug of CVE-2016-2779); stdin, stdout and stderr are passed as they are, and no
 * other descriptor. With --pty it gets a new pseudo-terminal instead, relayed by run-as
 * (runas_pty.c), for interactive use. run-as waits for COMMAND and forwards SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT to it.
 *
 * Exit status: COMMAND's (128 + N when signal N ended it); 2 bad usage; 125 when ntsec
 * cannot start it (the NTSTATUS is printed); 126 COMMAND cannot be executed; 127 not found.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "commands.h"
#include <stdlib.h>
#include "common.h"
#include "runas.h"

static const char *RunAsStatusName(NTSTATUS St)
{
    switch (St) {
    case STATUS_NONE_MAPPED: return "STATUS_NONE_MAPPED: the user SID has no uid";
    case STATUS_PRIVILEGE_NOT_HELD: return "STATUS_PRIVILEGE_NOT_HELD: needs CAP_SETUID and CAP_SETGID";
    case STATUS_TOO_MANY_SIDS: return "STATUS_TOO_MANY_SIDS: more groups than the kernel allows";
    case STATUS_BAD_IMPERSONATION_LEVEL:
        return "STATUS_BAD_IMPERSONATION_LEVEL: an Identification token cannot start a process";
    case STATUS_INVALID_PARAMETER: return "STATUS_INVALID_PARAMETER";
    case STATUS_UNSUCCESSFUL: return "STATUS_UNSUCCESSFUL: the identity did not verify";
    default: return "failed";
    }
}

NTSEC_RUNAS_REPORT NtsecRunAsReport;

int NtsecRunAsFailure(NTSTATUS Status, const char *Command)
{
    char *why = NtsecRunAsReport.Error;
    size_t size = sizeof NtsecRunAsReport.Error;
    int rc = NTSEC_RUNAS_EXIT_NTSEC;
    NtsecRunAsReport.Status = Status;
    if (Status == STATUS_OBJECT_NAME_NOT_FOUND) {
        snprintf(why, size, "%s: not found", Command);
        rc = NTSEC_RUNAS_EXIT_NOTFOUND;
    } else if (Status == STATUS_ACCESS_DENIED || Status == STATUS_INVALID_IMAGE_FORMAT) {
        snprintf(why, size, "%s: cannot execute (0x%08X)", Command, (unsigned)Status);
        rc = NTSEC_RUNAS_EXIT_NOEXEC;
    } else {
        snprintf(why, size, "cannot start %s (0x%08X, %s)", Command, (unsigned)Status,
                 RunAsStatusName(Status));
    }
    if (!NtsecRunAsReport.Json)
        fprintf(stderr, "ntsec run-as: %s\n", why);
    return rc;
}

int NtsecRunAsExitCode(int WaitStatus)
{
    NtsecRunAsReport.Waited = TRUE;
    NtsecRunAsReport.WaitStatus = WaitStatus;
    if (WIFEXITED(WaitStatus))
        return WEXITSTATUS(WaitStatus);
    if (WIFSIGNALED(WaitStatus))
        return 128 + WTERMSIG(WaitStatus);
    return NTSEC_RUNAS_EXIT_NTSEC;
}

int NtsecRunAsWait(int Pid)
{
    int status = 0;
    while (waitpid((pid_t)Pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("ntsec run-as: waitpid");
            return NTSEC_RUNAS_EXIT_NTSEC;
        }
    }
    return NtsecRunAsExitCode(status);
}

static volatile sig_atomic_t RunAsChild;

static void RunAsForward(int Signal)
{
    if (RunAsChild > 0)
        kill((pid_t)RunAsChild, Signal);
}

/* Without --pty: stdin, stdout and stderr (those that are open), a new session. */
static int RunAsDetached(PACCESS_TOKEN Token, char **Argv, ULONG Flags)
{
    static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    NTSEC_PROCESS_FD fds[3];
    ULONG count = 0;
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            fds[count++] = (NTSEC_PROCESS_FD){fd, fd};
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
        sigaddset(&block, forwarded[i]);
    sigprocmask(SIG_BLOCK, &block, &old); /* until the handlers know the child */
    fflush(NULL);
    int pid = -1;
    NTSTATUS st = NtsecCreateProcessAsToken(Token, Argv[0], (PCSTR const *)Argv, NULL, fds, count,
                                            NTSEC_PROCESS_NEW_SESSION | NTSEC_PROCESS_SEARCH_PATH | Flags,
                                            &pid, NULL);
    if (!NT_SUCCESS(st)) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return NtsecRunAsFailure(st, Argv[0]);
    }
    RunAsChild = pid;
    NtsecRunAsReport.Pid = pid;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = RunAsForward;
    for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
        sigaction(forwarded[i], &sa, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return NtsecRunAsWait(pid);
}

static void RunAsUsageTo(FILE *Out)
{
    fprintf(Out, "usage: ntsec run-as [--pty] [--no-new-privs] [--identification] [-l|--login] [--json]\n"
                 "                    --token 'TOKEN TEXT'|@FILE|@- -- COMMAND [ARGS...]\n"
                 "Starts COMMAND as the token's Linux identity (CreateProcessAsUser), permanently and\n"
                 "without capabilities, in a new session (--pty: on a new pseudo-terminal).\n"
                 "  -l, --login: HOME, USER, LOGNAME and SHELL of the identity's account, like runuser -l\n"
                 "  A token naming a user and no groups gets the account's groups (getgrouplist).\n"
                 "  --json: after COMMAND ends, one JSON object on stderr: the identity it ran as,\n"
                 "          its pid and how it ended (COMMAND's own output is left as it is).\n"
                 "Exit codes: COMMAND's (128+N for signal N), 2 bad usage, 125 ntsec could not start it,\n"
                 "126 not executable, 127 not found.\n");
}

static int RunAsUsage(const char *Why)
{
    if (Why != NULL)
        fprintf(stderr, "ntsec run-as: %s\n", Why);
    RunAsUsageTo(stderr);
    return NTSEC_EXIT_USAGE;
}

int NtsecCmdRunAs(int argc, char **argv)
{
    const char *text = NULL;
    BOOLEAN pty = FALSE, login = FALSE;
    ULONG flags = 0;
    int i = 1;
    SECURITY_IMPERSONATION_LEVEL level = SecurityImpersonation;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--token") == 0) {
            if (i + 1 >= argc)
                return RunAsUsage("--token needs the token text");
            text = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            RunAsUsageTo(stdout);
            return NTSEC_EXIT_OK;
        } else if (strcmp(argv[i], "--identification") == 0) {
            level = SecurityIdentification;
        } else if (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "--login") == 0) {
            login = TRUE;
        } else if (strcmp(argv[i], "--pty") == 0) {
            pty = TRUE;
        } else if (strcmp(argv[i], "--json") == 0) {
            NtsecRunAsReport.Json = TRUE;
        } else if (strcmp(argv[i], "--no-new-privs") == 0) {
            flags |= NTSEC_PROCESS_NO_NEW_PRIVS;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "ntsec run-as: unknown option '%s'\n", argv[i]);
            return RunAsUsage(NULL);
        } else {
            break;
        }
    }
    if (text == NULL)
        return RunAsUsage("--token is required");
    if (i >= argc)
        return RunAsUsage("no COMMAND");
    PACCESS_TOKEN token = NULL;
    char *value = CmdArgument("run-as", "--token", text);
    if (value == NULL)
        return NTSEC_EXIT_USAGE;
    NTSTATUS st = NtsecCreateTokenFromText(value, &token);
    free(value);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec run-as: bad token text (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        return NTSEC_EXIT_USAGE;
    }
    token = NtsecRunAsAddSystemGroups(token);
    if (login && NtsecRunAsLoginEnvironment(token) != 0) {
        ObfDereferenceObject(token);
        return NTSEC_RUNAS_EXIT_NTSEC;
    }
    if (level == SecurityIdentification) {
        /* what a server holding the client's Identification token would pass */
        PACCESS_TOKEN ident = NULL;
        st = NtsecDuplicateToken(token, TokenImpersonation, SecurityIdentification, FALSE, &ident);
        ObfDereferenceObject(token);
        if (!NT_SUCCESS(st)) {
            fprintf(stderr, "ntsec run-as: cannot duplicate the token (0x%08X)\n", (unsigned)st);
            return NTSEC_RUNAS_EXIT_NTSEC;
        }
        token = ident;
    }
    int rc;
    const char *mode = pty ? "pty" : "detached";
    if (!pty && level != SecurityIdentification && geteuid() != 0 && NtsecRunAsIsOwnIdentity(token)) {
        mode = "own-identity";
        rc = NtsecRunAsOwnIdentity(&argv[i], flags); /* one's own identity needs no CAP_SETUID */
    } else {
        rc = pty ? NtsecRunAsPty(token, &argv[i], flags) : RunAsDetached(token, &argv[i], flags);
    }
    if (NtsecRunAsReport.Json)
        NtsecRunAsPrintReport(stderr, token, &argv[i], mode, rc);
    ObfDereferenceObject(token);
    return rc;
}
