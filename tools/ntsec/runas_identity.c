/*
 * runas_identity.c - the parts of `ntsec run-as` that look at the system's accounts
 * (runas.h): the account's groups for a token that names a mapped user and no groups
 * (getgrouplist, what initgroups would set), the environment of -l/--login (like
 * `runuser -l`), and running as one's own identity without root.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "commands.h"
#include "runas.h"

#define RUNAS_MAX_GROUPS 1024

/* The account of Uid in *Pw (strings in Buffer); FALSE when the system has none. */
static BOOLEAN RunAsAccount(ULONG Uid, struct passwd *Pw, char *Buffer, size_t Size)
{
    struct passwd *found = NULL;
    return getpwuid_r((uid_t)Uid, Pw, Buffer, Size, &found) == 0 && found != NULL;
}

PACCESS_TOKEN NtsecRunAsAddSystemGroups(PACCESS_TOKEN Token)
{
    PTOKEN_GROUPS groups = NULL;
    PNTSEC_HOST_IDENTITY id = NULL;
    PACCESS_TOKEN result = Token;
    char buffer[4096];
    struct passwd pw;
    if (!NT_SUCCESS(SeQueryInformationToken(Token, TokenGroups, (PVOID *)&groups)))
        return Token;
    BOOLEAN none = TRUE; /* no group but the integrity label */
    for (ULONG i = 0; i < groups->GroupCount; i++)
        if (!(groups->Groups[i].Attributes & SE_GROUP_INTEGRITY))
            none = FALSE;
    ExFreePool(groups);
    if (!none || !NT_SUCCESS(NtsecQueryHostIdentity(Token, SecurityImpersonation, &id)))
        return Token;
    if (id->UserMapped && RunAsAccount(id->UserUid, &pw, buffer, sizeof(buffer))) {
        gid_t list[RUNAS_MAX_GROUPS];
        int count = RUNAS_MAX_GROUPS;
        SIZE_T needed = 0;
        NtsecFormatToken(Token, NULL, 0, &needed);
        char *canonical = needed ? malloc(needed) : NULL;
        if (getgrouplist(pw.pw_name, pw.pw_gid, list, &count) >= 0 && canonical != NULL &&
            NT_SUCCESS(NtsecFormatToken(Token, canonical, needed, &needed))) {
            size_t size = strlen(canonical) + 64 + (size_t)count * 24;
            char *text = malloc(size);
            if (text != NULL) {
                int n = snprintf(text, size, "%s primary-group=S-1-22-2-%u groups=", canonical, (unsigned)pw.pw_gid);
                for (int i = 0; i < count && n > 0 && (size_t)n < size; i++)
                    n += snprintf(text + n, size - (size_t)n, "%sS-1-22-2-%u", i ? "," : "", (unsigned)list[i]);
                PACCESS_TOKEN with = NULL;
                if (NT_SUCCESS(NtsecCreateTokenFromText(text, &with))) {
                    ObfDereferenceObject(Token);
                    result = with;
                } else {
                    fprintf(stderr, "ntsec run-as: cannot add %s's groups (%s); running with none\n", pw.pw_name,
                            NtsecLastErrorText());
                }
                free(text);
            }
        }
        free(canonical);
    }
    NtsecFree(id);
    return result;
}

int NtsecRunAsLoginEnvironment(PACCESS_TOKEN Token)
{
    PNTSEC_HOST_IDENTITY id = NULL;
    char buffer[4096];
    struct passwd pw;
    NTSTATUS st = NtsecQueryHostIdentity(Token, SecurityImpersonation, &id);
    if (!NT_SUCCESS(st) || !NT_SUCCESS(id->Status)) {
        NtsecFree(id);
        return 0; /* NtsecCreateProcessAsToken reports why there is no identity */
    }
    if (!RunAsAccount(id->Uid, &pw, buffer, sizeof(buffer))) {
        fprintf(stderr, "ntsec run-as: --login: uid %u has no account\n", (unsigned)id->Uid);
        NtsecFree(id);
        return -1;
    }
    NtsecFree(id);
    char *term = getenv("TERM") ? strdup(getenv("TERM")) : NULL;
    clearenv(); /* runuser -l: a fresh environment, TERM kept */
    if (term != NULL)
        setenv("TERM", term, 1);
    free(term);
    setenv("HOME", pw.pw_dir, 1);
    setenv("SHELL", pw.pw_shell && pw.pw_shell[0] ? pw.pw_shell : "/bin/sh", 1);
    setenv("USER", pw.pw_name, 1);
    setenv("LOGNAME", pw.pw_name, 1);
    setenv("PATH", pw.pw_uid == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                                  : "/usr/local/bin:/usr/bin:/bin", 1);
    if (chdir(pw.pw_dir) != 0)
        fprintf(stderr, "ntsec run-as: --login: cannot change to %s: %s\n", pw.pw_dir, strerror(errno));
    return 0;
}

BOOLEAN NtsecRunAsIsOwnIdentity(PACCESS_TOKEN Token)
{
    PNTSEC_HOST_IDENTITY id = NULL;
    gid_t own[RUNAS_MAX_GROUPS];
    BOOLEAN same = FALSE;
    if (!NT_SUCCESS(NtsecQueryHostIdentity(Token, SecurityImpersonation, &id)))
        return FALSE;
    int count = getgroups(RUNAS_MAX_GROUPS, own);
    if (NT_SUCCESS(id->Status) && count >= 0 && id->Uid == getuid() && id->Uid == geteuid() &&
        id->Gid == getgid() && id->Gid == getegid()) {
        /* the same set of supplementary gids (id->Groups is sorted, getgroups is not) */
        same = TRUE;
        for (ULONG i = 0; i < id->GroupCount && same; i++) {
            BOOLEAN found = (gid_t)id->Groups[i] == (gid_t)id->Gid;
            for (int k = 0; k < count && !found; k++)
                found = own[k] == (gid_t)id->Groups[i];
            same = found;
        }
        for (int k = 0; k < count && same; k++) {
            BOOLEAN found = own[k] == (gid_t)id->Gid;
            for (ULONG i = 0; i < id->GroupCount && !found; i++)
                found = own[k] == (gid_t)id->Groups[i];
            same = found;
        }
    }
    NtsecFree(id);
    return same;
}

int NtsecRunAsOwnIdentity(char **Argv, ULONG Flags)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("ntsec run-as: fork");
        return NTSEC_RUNAS_EXIT_NTSEC;
    }
    NtsecRunAsReport.Pid = (int)pid;
    NtsecRunAsReport.Status = STATUS_SUCCESS;
    if (pid == 0) {
        setsid(); /* no controlling terminal, as NtsecCreateProcessAsToken does */
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        if ((Flags & NTSEC_PROCESS_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            _exit(NTSEC_RUNAS_EXIT_NTSEC);
        execvp(Argv[0], Argv);
        int e = errno;
        fprintf(stderr, "ntsec run-as: %s: %s\n", Argv[0], strerror(e));
        _exit(e == ENOENT ? NTSEC_RUNAS_EXIT_NOTFOUND : NTSEC_RUNAS_EXIT_NOEXEC);
    }
    return NtsecRunAsWait((int)pid);
}
