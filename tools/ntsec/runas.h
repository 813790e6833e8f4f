/*
 * runas.h - `ntsec run-as` (cmd_runas.c) and its pseudo-terminal relay (runas_pty.c).
 */
#ifndef NTSEC_TOOL_RUNAS_H
#define NTSEC_TOOL_RUNAS_H

#include <stdio.h>
#include "ntsec.h"

/* Exit codes of run-as besides COMMAND's own (docs/host.md "Command line"). */
#define NTSEC_RUNAS_EXIT_NTSEC 125     /* ntsec could not start COMMAND (status printed) */
#define NTSEC_RUNAS_EXIT_NOEXEC 126    /* COMMAND exists but cannot be executed */
#define NTSEC_RUNAS_EXIT_NOTFOUND 127  /* COMMAND not found */

/* What run-as did, for --json (docs/cli.md "run-as"): filled by the start paths below. */
typedef struct _NTSEC_RUNAS_REPORT {
    BOOLEAN Json;          /* --json: run-as's own start failure goes into Error, not stderr */
    NTSTATUS Status;       /* of starting COMMAND (STATUS_SUCCESS once it runs) */
    char Error[256];       /* why COMMAND could not be started ("" when it was) */
    int Pid;               /* COMMAND's pid, 0 when it never ran */
    BOOLEAN Waited;        /* WaitStatus holds COMMAND's end */
    int WaitStatus;
} NTSEC_RUNAS_REPORT;
extern NTSEC_RUNAS_REPORT NtsecRunAsReport;

/* The exit code for a failed NtsecCreateProcessAsToken; prints why on stderr (into
 * NtsecRunAsReport.Error with --json). */
int NtsecRunAsFailure(NTSTATUS Status, const char *Command);

/* The exit code for a waitpid status: the code, or 128 + the signal that ended it. */
int NtsecRunAsExitCode(int WaitStatus);
/* Waits for child Pid (EINTR retried) and returns NtsecRunAsExitCode of its end. */
int NtsecRunAsWait(int Pid);

/*
 * NtsecRunAsPty - runs Argv as Token on a new pseudo-terminal (its controlling terminal,
 * in a new session) and relays stdin to it and its output to stdout until it exits; the
 * window size follows stdin's (SIGWINCH), stdin's terminal mode is raw meanwhile and
 * restored on return. Flags: extra NTSEC_PROCESS_* flags. Token is borrowed. Returns
 * run-as's exit code.
 */
int NtsecRunAsPty(PACCESS_TOKEN Token, char **Argv, ULONG Flags);

/* runas_identity.c. NtsecRunAsAddSystemGroups: for a token naming a mapped user and no
 * groups, a new token with the account's groups (getgrouplist) and primary group; takes
 * over Token's reference and returns the one to use (Token itself when nothing changes). */
PACCESS_TOKEN NtsecRunAsAddSystemGroups(PACCESS_TOKEN Token);
/* -l/--login: this process's environment becomes the identity's login environment (HOME,
 * SHELL, USER, LOGNAME, PATH, TERM kept) and its cwd HOME. 0, or -1 (message printed). */
int NtsecRunAsLoginEnvironment(PACCESS_TOKEN Token);
/* TRUE when Token's Linux identity is exactly this process's (uids, gids, groups). */
BOOLEAN NtsecRunAsIsOwnIdentity(PACCESS_TOKEN Token);
/* Runs Argv as this process's own identity (no set*id needed), in a new session with
 * stdin, stdout and stderr only; returns run-as's exit code. */
int NtsecRunAsOwnIdentity(char **Argv, ULONG Flags);

/* runas_json.c: --json's report (docs/cli.md "run-as") to Out: COMMAND (Argv), Mode
 * ("detached", "pty", "own-identity"), Token's Linux identity (borrowed), NtsecRunAsReport,
 * and Exit, run-as's exit code. */
void NtsecRunAsPrintReport(FILE *Out, PACCESS_TOKEN Token, char **Argv, const char *Mode, int Exit);

#endif /* NTSEC_TOOL_RUNAS_H */
