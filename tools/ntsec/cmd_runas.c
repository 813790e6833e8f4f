/*
 * cmd_runas.c - `ntsec run-as --token 'TOKEN TEXT' -- COMMAND [ARGS...]`: the Linux
 * counterpart of CreateProcessAsUser. The calling (only) thread impersonates the token
 * through the host backend (euid mode), the identity is made permanent (real, effective,
 * saved and fs ids: the program cannot switch back), and COMMAND is executed with those
 * credentials, so the kernel gives its own answer for that identity.
 *
 * Exit status: COMMAND's, or 125 when ntsec itself fails (message on stderr), 127 when
 * COMMAND cannot be executed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "host/hostp.h"

static const char *RunAsStatusName(NTSTATUS St)
{
    switch (St) {
    case STATUS_NONE_MAPPED: return "STATUS_NONE_MAPPED: the user SID has no uid";
    case STATUS_PRIVILEGE_NOT_HELD: return "STATUS_PRIVILEGE_NOT_HELD: needs CAP_SETUID and CAP_SETGID";
    case STATUS_TOO_MANY_SIDS: return "STATUS_TOO_MANY_SIDS: more groups than the kernel allows";
    case STATUS_INVALID_PARAMETER: return "STATUS_INVALID_PARAMETER";
    default: return "failed";
    }
}

int NtsecCmdRunAs(int argc, char **argv)
{
    const char *text = NULL;
    int i = 1;
    SECURITY_IMPERSONATION_LEVEL level = SecurityImpersonation;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--token") == 0 && i + 1 < argc)
            text = argv[++i];
        else if (strcmp(argv[i], "--identification") == 0)
            level = SecurityIdentification;
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            break;
    }
    if (text == NULL || i >= argc) {
        fprintf(stderr, "usage: ntsec run-as --token 'TOKEN TEXT' [--identification] -- COMMAND [ARGS...]\n");
        return 125;
    }
    PACCESS_TOKEN token = NULL;
    NTSTATUS st = NtsecCreateTokenFromText(text, &token);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec run-as: bad token text (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        return 125;
    }
    st = NtsecEnableHostCredentials(NtsecHostEuid);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec run-as: host backend unavailable (0x%08X)\n", (unsigned)st);
        return 125;
    }
    PETHREAD thread = PsGetCurrentThread();
    st = PsImpersonateClient(thread, token, FALSE, FALSE, level);
    ObfDereferenceObject(token);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec run-as: cannot impersonate (0x%08X, %s)\n", (unsigned)st, RunAsStatusName(st));
        return 125;
    }
    st = HostMakePermanent(thread);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec run-as: cannot make the identity permanent (0x%08X)\n", (unsigned)st);
        _exit(125); /* the thread's identity may be mixed: leave without running anything */
    }
    fflush(NULL);
    execvp(argv[i], &argv[i]);
    fprintf(stderr, "ntsec run-as: %s: %s\n", argv[i], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}
