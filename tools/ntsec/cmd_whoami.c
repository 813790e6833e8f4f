/*
 * cmd_whoami.c - `ntsec whoami [--all] [--token TEXT | --via PACKAGE [--target NAME]]`: the
 * host process token (or a token given as text, or the token a server builds for this
 * process through an SSPI package, whoami_via.c) the way `whoami /all` prints it, plus what the host backend turns
 * it into on Linux (docs/host.md): which groups become supplementary gids and why the
 * others do not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "common.h"
#include "whoami_via.h"

/* Why a group does or does not become a supplementary gid (NtsecQueryHostIdentity). */
static void WhoLinuxColumn(const NTSEC_HOST_GROUP *G, char *Out, size_t Size)
{
    switch (G->Use) {
    case NtsecHostGroupLabel: snprintf(Out, Size, "- (label)"); break;
    case NtsecHostGroupNotMapped: snprintf(Out, Size, "- (no gid mapping)"); break;
    case NtsecHostGroupDenyOnly: snprintf(Out, Size, "- (gid %u: deny-only, never a gid)", (unsigned)G->Gid); break;
    case NtsecHostGroupDisabled: snprintf(Out, Size, "- (gid %u: disabled)", (unsigned)G->Gid); break;
    case NtsecHostGroupNotRestricting: snprintf(Out, Size, "- (gid %u: not restricting)", (unsigned)G->Gid); break;
    default: snprintf(Out, Size, "gid %u", (unsigned)G->Gid); break;
    }
}

static const char *const WhoUseNames[] = {"granted", "label", "not-mapped", "deny-only", "disabled", "not-restricting"};

/* WhoPrintJson - docs/cli.md "whoami". */
static void WhoPrintJson(PTOKEN_USER User, PTOKEN_GROUPS Groups, PTOKEN_PRIVILEGES Privileges,
                         PNTSEC_HOST_IDENTITY Id)
{
    printf("{\"user\": ");
    CmdJsonSid(stdout, User->User.Sid);
    printf(", \"uid\": ");
    if (Id->UserMapped) printf("%lu", (unsigned long)Id->UserUid); else printf("null");
    printf(", \"groups\": [");
    for (ULONG i = 0; i < Groups->GroupCount && i < Id->TokenGroupCount; i++) {
        printf("%s{\"account\": ", i ? ", " : "");
        CmdJsonSid(stdout, Groups->Groups[i].Sid);
        printf(", \"attributes\": %lu, \"linux\": \"%s\", \"gid\": ", (unsigned long)Groups->Groups[i].Attributes,
               (unsigned)Id->TokenGroups[i].Use < 6 ? WhoUseNames[Id->TokenGroups[i].Use] : "?");
        if (Id->TokenGroups[i].Use == NtsecHostGroupLabel || Id->TokenGroups[i].Use == NtsecHostGroupNotMapped)
            printf("null}");
        else
            printf("%lu}", (unsigned long)Id->TokenGroups[i].Gid);
    }
    printf("], \"privileges\": [");
    for (ULONG i = 0; i < Privileges->PrivilegeCount; i++) {
        PCSTR name = NtsecPrivilegeName(Privileges->Privileges[i].Luid);
        printf("%s{\"name\": ", i ? ", " : "");
        if (name) CmdJsonString(stdout, name); else printf("null");
        printf(", \"enabled\": %s}", (Privileges->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) ? "true" : "false");
    }
    printf("], \"linux\": {\"status\": \"0x%08X\"", (unsigned)Id->Status);
    if (NT_SUCCESS(Id->Status)) {
        printf(", \"uid\": %lu, \"gid\": %lu, \"groups\": [", (unsigned long)Id->Uid, (unsigned long)Id->Gid);
        for (ULONG i = 0; i < Id->GroupCount; i++)
            printf("%s%lu", i ? ", " : "", (unsigned long)Id->Groups[i]);
        printf("], \"reason\": ");
        CmdJsonString(stdout, Id->Reason);
    }
    printf(", \"unprivileged_uid\": %lu, \"unprivileged_gid\": %lu}}\n", (unsigned long)Id->UnprivilegedUid,
           (unsigned long)Id->UnprivilegedGid);
}

static int WhoPrint(PACCESS_TOKEN Token, int All)
{
    char name[300], sid[200], linux_[80];
    const char *type;
    PTOKEN_USER user = NULL;
    PTOKEN_GROUPS groups = NULL;
    PTOKEN_PRIVILEGES privileges = NULL;
    PNTSEC_HOST_IDENTITY id = NULL;
    NTSTATUS st = SeQueryInformationToken(Token, TokenUser, (PVOID *)&user);
    if (NT_SUCCESS(st))
        st = SeQueryInformationToken(Token, TokenGroups, (PVOID *)&groups);
    if (NT_SUCCESS(st))
        st = SeQueryInformationToken(Token, TokenPrivileges, (PVOID *)&privileges);
    if (NT_SUCCESS(st))
        st = NtsecQueryHostIdentity(Token, SecurityImpersonation, &id);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec whoami: cannot query the token (0x%08X)\n", (unsigned)st);
        goto out;
    }
    if (All < 0) {
        WhoPrintJson(user, groups, privileges, id);
        goto out;
    }
    if (id->UserMapped)
        snprintf(linux_, sizeof(linux_), "uid %u", (unsigned)id->UserUid);
    else
        snprintf(linux_, sizeof(linux_), "- (no uid mapping: impersonation fails STATUS_NONE_MAPPED)");
    if (!All) {
        CmdSidName(user->User.Sid, name, sizeof(name), &type);
        CmdSidText(user->User.Sid, sid, sizeof(sid));
        printf("\nUSER INFORMATION\n----------------\n\n%-40s %-46s %s\n", "User Name", "SID", "Linux id");
        printf("======================================== ============================================== ==========\n");
        printf("%-40s %-46s %s\n", name, sid, linux_);
    } else {
        ULONG n = groups->GroupCount < id->TokenGroupCount ? groups->GroupCount : id->TokenGroupCount;
        char (*columns)[80] = calloc(n ? n : 1, sizeof(*columns));
        const char **column = calloc(n ? n : 1, sizeof(*column));
        if (columns == NULL || column == NULL) {
            free(columns);
            free(column);
            st = STATUS_NO_MEMORY;
            goto out;
        }
        for (ULONG i = 0; i < n; i++) {
            WhoLinuxColumn(&id->TokenGroups[i], columns[i], sizeof(columns[i]));
            column[i] = columns[i];
        }
        groups->GroupCount = n;
        CmdPrintAccountTables(user, groups, privileges, linux_, column);
        free(columns);
        free(column);
        printf("\n\nLINUX CREDENTIALS (what the host backend sets when a thread impersonates this token)\n");
        printf("------------------------------------------------------------------------------------\n\n");
        if (!NT_SUCCESS(id->Status)) {
            printf("none: 0x%08X%s\n", (unsigned)id->Status, id->Status == STATUS_NONE_MAPPED ? " (STATUS_NONE_MAPPED)" : "");
        } else {
            printf("uid %u  gid %u  groups", (unsigned)id->Uid, (unsigned)id->Gid);
            for (ULONG i = 0; i < id->GroupCount; i++)
                printf("%s%u", i ? "," : " ", (unsigned)id->Groups[i]);
            printf("%s\n", id->GroupCount ? "" : " (none)");
            printf("Why: %s.\n", id->Reason);
            printf("Identification/Anonymous level: uid %u gid %u, no groups. Deny-only, disabled and\n"
                   "unmappable groups never become gids.\n", (unsigned)id->UnprivilegedUid,
                   (unsigned)id->UnprivilegedGid);
        }
    }
out:
    if (user) ExFreePool(user);
    if (groups) ExFreePool(groups);
    if (privileges) ExFreePool(privileges);
    NtsecFree(id);
    return NT_SUCCESS(st) ? 0 : 1;
}

static void WhoUsage(FILE *Out)
{
    fprintf(Out, "usage: ntsec whoami [--all] [--json] [--token 'TOKEN TEXT'|@FILE | --via local|PACKAGE [--target NAME]]\n"
                 "Prints the host process token (or the given one, or the one a server builds for this\n"
                 "process over SSPI) like whoami /all, and the Linux identity it stands for.\n"
                 "Exit codes: 0 ok, 1 failed, 2 bad usage or bad token text.\n");
}

int NtsecCmdWhoami(int argc, char **argv)
{
    int all = 0, json = 0;
    const char *text = NULL, *via = NULL, *target = NULL;
    const CMD_OPTION options[] = {
        { "--all", "/all", NULL, &all, 1 }, CMD_FLAG("--json", &json), CMD_VALUE("--token", &text),
        CMD_VALUE("--via", &via), CMD_VALUE("--target", &target),
    };
    int parsed = CmdParseOptions("whoami", argc, argv, options, sizeof options / sizeof options[0], WhoUsage);
    if (parsed >= 0)
        return parsed;
    if (json)
        all = -1; /* everything, as JSON */
    PACCESS_TOKEN token;
    if (via != NULL) {
        char detail[256] = "";
        NTSTATUS st = NtsecWhoamiVia(strcmp(via, "local") == 0 ? "ntsec-local" : via, target, &token, detail,
                                     sizeof(detail));
        if (!NT_SUCCESS(st)) {
            fprintf(stderr, "ntsec whoami --via %s: %s\n", via, detail);
            return 1;
        }
        if (all >= 0)
            printf("Token a server builds for this process over SSPI: %s\n", detail);
    } else if (text != NULL) {
        PACCESS_TOKEN t = NULL;
        char *value = CmdArgument("whoami", "--token", text);
        if (value == NULL)
            return 2;
        NTSTATUS st = NtsecCreateTokenFromText(value, &t);
        free(value);
        if (!NT_SUCCESS(st)) {
            fprintf(stderr, "ntsec whoami: bad token text (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
            return 2;
        }
        token = t;
    } else {
        token = PsReferencePrimaryToken(PsGetCurrentProcess());
    }
    int rc = WhoPrint(token, all);
    ObfDereferenceObject(token);
    return rc;
}
