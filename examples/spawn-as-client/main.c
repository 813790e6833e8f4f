/*
 * spawn-as-client - a server thread impersonating a client starts a program for it
 * (docs/host.md "New processes"). Needs root.
 *
 * 1. The wrong way: fork+exec from the impersonating thread. The program gets the thread's
 *    switched credentials - real uid 0 and every capability permitted - so it can become
 *    root again; /bin/sh (what system() and popen() run) becomes root at once.
 * 2. The Windows way: a new process gets the caller's primary token; the program for the
 *    client is started with the client's token, NtsecCreateProcessAsToken (the
 *    CreateProcessAsUser analogue): all four ids are the client's, no capability, and only
 *    the descriptors passed.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ntifs.h"
#include "ntsec.h"

static const char *const Show[] = {
    "/bin/sh", "-c", "grep -E '^(Uid|CapPrm)' /proc/self/status | tr '\\n' ' '; echo", NULL};

int main(void)
{
    if (geteuid() != 0) {
        printf("skipped: needs root\n");
        return 0;
    }
    PACCESS_TOKEN client = NULL;
    if (NtsecCreateTokenFromText("user=S-1-22-1-40001 groups=S-1-22-2-40101 type=impersonation", &client) != 0 ||
        NtsecEnableHostCredentials(NtsecHostEuid) != 0 ||
        PsImpersonateClient(PsGetCurrentThread(), client, FALSE, FALSE, SecurityImpersonation) != 0)
        return 1;

    printf("1. fork+exec /bin/sh from the impersonating thread:\n   ");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execv(Show[0], (char *const *)Show);
        _exit(127);
    }
    waitpid(pid, NULL, 0);

    printf("2. NtsecCreateProcessAsToken(client token, /bin/sh):\n   ");
    fflush(stdout);
    NTSEC_PROCESS_FD fds[] = {{1, 1}, {2, 2}};
    int child = -1, status = 0;
    NTSTATUS st = NtsecCreateProcessAsToken(client, Show[0], Show, NULL, fds, 2,
                                            NTSEC_PROCESS_NEW_SESSION, &child, NULL);
    if (st != STATUS_SUCCESS) {
        printf("failed: 0x%08X\n", (unsigned)st);
        return 1;
    }
    waitpid(child, &status, 0);
    PsRevertToSelf();
    ObfDereferenceObject(client);
    NtsecEnableHostCredentials(NtsecHostOff);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
