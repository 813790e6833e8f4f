/*
 * runas_json.c - `ntsec run-as --json`: the report of what run-as did (docs/cli.md
 * "run-as"), one JSON object on stderr once COMMAND has ended or could not start; stdout
 * stays COMMAND's. Public API only.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include "common.h"
#include "runas.h"

/* The Linux identity Token stands for (NtsecQueryHostIdentity), as the whoami "linux" object. */
static void RunAsJsonIdentity(FILE *Out, PACCESS_TOKEN Token)
{
    PNTSEC_HOST_IDENTITY id = NULL;
    NTSTATUS st = NtsecQueryHostIdentity(Token, SecurityImpersonation, &id);
    if (!NT_SUCCESS(st)) {
        fprintf(Out, "{\"status\": \"0x%08X\"}", (unsigned)st);
        return;
    }
    fprintf(Out, "{\"status\": \"0x%08X\"", (unsigned)id->Status);
    if (NT_SUCCESS(id->Status)) {
        fprintf(Out, ", \"uid\": %lu, \"gid\": %lu, \"groups\": [", (unsigned long)id->Uid,
                (unsigned long)id->Gid);
        for (ULONG i = 0; i < id->GroupCount; i++)
            fprintf(Out, "%s%lu", i ? ", " : "", (unsigned long)id->Groups[i]);
        fprintf(Out, "]");
    }
    fprintf(Out, ", \"reason\": ");
    CmdJsonString(Out, id->Reason ? id->Reason : "");
    fprintf(Out, "}");
    NtsecFree(id);
}

void NtsecRunAsPrintReport(FILE *Out, PACCESS_TOKEN Token, char **Argv, const char *Mode, int Exit)
{
    const NTSEC_RUNAS_REPORT *r = &NtsecRunAsReport;
    BOOLEAN started = r->Pid > 0;
    fprintf(Out, "{\"command\": [");
    for (int i = 0; Argv[i] != NULL; i++) {
        fprintf(Out, "%s", i ? ", " : "");
        CmdJsonString(Out, Argv[i]);
    }
    fprintf(Out, "], \"mode\": ");
    CmdJsonString(Out, Mode);
    fprintf(Out, ", \"identity\": ");
    RunAsJsonIdentity(Out, Token);
    fprintf(Out, ", \"started\": %s, \"pid\": ", started ? "true" : "false");
    if (started) fprintf(Out, "%d", r->Pid); else fprintf(Out, "null");
    fprintf(Out, ", \"status\": \"0x%08X\", \"status_name\": ", (unsigned)r->Status);
    CmdJsonStringOrNull(Out, CmdStatusName(r->Status));
    fprintf(Out, ", \"error\": ");
    CmdJsonStringOrNull(Out, r->Error);
    fprintf(Out, ", \"exit_code\": ");
    if (r->Waited && WIFEXITED(r->WaitStatus)) fprintf(Out, "%d", WEXITSTATUS(r->WaitStatus));
    else fprintf(Out, "null");
    fprintf(Out, ", \"signal\": ");
    if (r->Waited && WIFSIGNALED(r->WaitStatus)) fprintf(Out, "%d", WTERMSIG(r->WaitStatus));
    else fprintf(Out, "null");
    fprintf(Out, ", \"exit\": %d}\n", Exit);
    fflush(Out);
}
