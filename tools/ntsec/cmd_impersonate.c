/*
 * cmd_impersonate.c - `ntsec impersonate --process 'TOKEN' --token 'TOKEN'
 *                      [--level anonymous|identification|impersonation|delegation]
 *                      [--policy vista|xpsp2|legacy]`
 *
 * Creates a process whose primary token is the first token, a thread in it, and makes that
 * thread impersonate the second token at the requested level (PsImpersonateClient, called
 * on the thread itself). Reports what the thread ends up with - the same token object or
 * an Identification copy, the stored level - and why: the step of the impersonation rule
 * (spec 3.2) that decided. Exit status: 0 impersonated as asked, 1 downgraded to
 * Identification or PsImpersonateClient failed, 2 usage or token-text error.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "commands.h"
#include "common.h"

typedef struct {
    PACCESS_TOKEN Token;
    SECURITY_IMPERSONATION_LEVEL Level;
    NTSTATUS Status;
    PACCESS_TOKEN Installed; /* pointer only */
    SECURITY_IMPERSONATION_LEVEL InstalledLevel;
    NTSEC_IMPERSONATION_DECISION Decision;
    TOKEN_TYPE InstalledType;
} CMD_IMP;

static const char *const CmdLevelNames[] = {"anonymous", "identification", "impersonation",
                                            "delegation"};

static VOID CmdImpersonateThread(PVOID Arg)
{
    CMD_IMP *c = Arg;
    PETHREAD self = PsGetCurrentThread();
    c->Status = PsImpersonateClient(self, c->Token, FALSE, FALSE, c->Level);
    if (!NT_SUCCESS(c->Status))
        return;
    c->Decision = NtsecLastImpersonationDecision(self);
    BOOLEAN coo, eo;
    PACCESS_TOKEN t = PsReferenceImpersonationToken(self, &coo, &eo, &c->InstalledLevel);
    if (t != NULL) {
        c->Installed = t;
        c->InstalledType = SeTokenType(t);
        PsDereferenceImpersonationToken(t);
    }
    PsRevertToSelf();
}

static void CmdUsageTo(FILE *Out)
{
    fprintf(Out, "usage: ntsec impersonate --process 'TOKEN'|@FILE --token 'TOKEN'|@FILE\n"
                 "                         [--level anonymous|identification|impersonation|delegation]\n"
                 "                         [--policy vista|xpsp2|legacy] [--domain SID] [--json]\n"
                 "Makes a thread of a process with the first token impersonate the second and says what\n"
                 "the thread got and which step of the impersonation rule decided.\n"
                 "Exit codes: 0 impersonated as asked, 1 downgraded, failed, or allowed but the token\n"
                 "itself is Identification-level (the thread cannot act as the client), 2 bad usage or input.\n");
}

static int CmdUsage(void)
{
    CmdUsageTo(stderr);
    return 2;
}

static PACCESS_TOKEN CmdToken(const char *What, const char *Value)
{
    PACCESS_TOKEN t = NULL;
    char *text = CmdArgument("impersonate", What, Value);
    if (text == NULL)
        return NULL;
    NTSTATUS st = NtsecCreateTokenFromText(text, &t);
    free(text);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec impersonate: bad %s token (0x%08X): %s\n", What, (unsigned)st,
                NtsecLastErrorText());
        return NULL;
    }
    return t;
}

int NtsecCmdImpersonate(int argc, char **argv)
{
    const char *processText = NULL, *tokenText = NULL, *levelText = "impersonation";
    const char *policyText = "vista", *domain = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            CmdUsageTo(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--domain") == 0)
            slot = &domain;
        else if (strcmp(argv[i], "--process") == 0)
            slot = &processText;
        else if (strcmp(argv[i], "--token") == 0)
            slot = &tokenText;
        else if (strcmp(argv[i], "--level") == 0)
            slot = &levelText;
        else if (strcmp(argv[i], "--policy") == 0)
            slot = &policyText;
        else if (strcmp(argv[i], "impersonate") == 0 && i == 1)
            continue; /* tolerate being passed the subcommand name */
        if (slot == NULL || i + 1 >= argc) {
            fprintf(stderr, "ntsec impersonate: unexpected argument '%s'\n", argv[i]);
            return CmdUsage();
        }
        *slot = argv[++i];
    }
    if (processText == NULL || tokenText == NULL)
        return CmdUsage();
    if (!CmdSetDomain("impersonate", domain))
        return 2;
    int level = -1;
    for (int l = 0; l < 4; l++)
        if (strcmp(levelText, CmdLevelNames[l]) == 0)
            level = l;
    if (level < 0) {
        fprintf(stderr, "ntsec impersonate: unknown level '%s'\n", levelText);
        return CmdUsage();
    }
    NTSEC_IMPERSONATION_POLICY policy;
    if (strcmp(policyText, "vista") == 0)
        policy = NtsecPolicyVista;
    else if (strcmp(policyText, "xpsp2") == 0)
        policy = NtsecPolicyXpSp2;
    else if (strcmp(policyText, "legacy") == 0)
        policy = NtsecPolicyNtLegacy;
    else {
        fprintf(stderr, "ntsec impersonate: unknown policy '%s'\n", policyText);
        return CmdUsage();
    }

    PACCESS_TOKEN primary = CmdToken("--process", processText);
    if (primary == NULL)
        return 2;
    PACCESS_TOKEN token = CmdToken("--token", tokenText);
    if (token == NULL) {
        ObDereferenceObject(primary);
        return 2;
    }
    NTSEC_IMPERSONATION_POLICY oldPolicy = NtsecGetImpersonationPolicy();
    NtsecSetImpersonationPolicy(policy);
    int rc = 1;
    PEPROCESS process = NULL;
    PETHREAD thread = NULL;
    CMD_IMP c = {token, (SECURITY_IMPERSONATION_LEVEL)level, STATUS_UNSUCCESSFUL};
    NTSTATUS st = NtsecCreateProcess(primary, &process);
    if (NT_SUCCESS(st))
        st = NtsecCreateThread(process, CmdImpersonateThread, &c, &thread);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec impersonate: cannot create the process/thread: 0x%08X\n",
                (unsigned)st);
        goto out;
    }
    NtsecJoinThread(thread);

    BOOLEAN copied = NT_SUCCESS(c.Status) && c.Installed != token;
    /* The rule allowed the token as it is, but an Identification (or Anonymous) token lets
     * the thread only query the client: it cannot open or access anything as the client. */
    BOOLEAN ownLevelTooLow = NT_SUCCESS(c.Status) && !copied && SeTokenType(token) == TokenImpersonation &&
                             SeTokenImpersonationLevel(token) < SecurityImpersonation &&
                             level >= SecurityImpersonation;
    const char *result = !NT_SUCCESS(c.Status) ? "failed" : copied ? "downgraded" : ownLevelTooLow ? "allowed-identification-token" : "allowed";
    rc = !NT_SUCCESS(c.Status) || copied || ownLevelTooLow ? 1 : 0;
    if (json) {
        /* docs/cli.md "impersonate" */
        printf("{\"policy\": \"%s\", \"requested\": \"%s\", \"status\": \"0x%08X\", \"result\": \"%s\"",
               policyText, CmdLevelNames[level], (unsigned)c.Status, result);
        if (NT_SUCCESS(c.Status)) {
            printf(", \"copy\": %s, \"installed_type\": \"%s\", \"installed_level\": \"%s\", \"why\": ",
                   copied ? "true" : "false", c.InstalledType == TokenPrimary ? "primary" : "impersonation",
                   CmdLevelNames[c.InstalledLevel]);
            CmdJsonString(stdout, NtsecDecisionText(c.Decision));
        }
        printf("}\n");
        goto out;
    }
    printf("policy:     %s\n", policyText);
    printf("requested:  %s\n", CmdLevelNames[level]);
    if (!NT_SUCCESS(c.Status)) {
        printf("result:     PsImpersonateClient failed with 0x%08X\n", (unsigned)c.Status);
        goto out;
    }
    printf("status:     0x%08X (STATUS_SUCCESS)\n", (unsigned)c.Status);
    printf("thread has: %s, %s token, level %s\n",
           copied ? "a COPY of the token" : "the token itself",
           c.InstalledType == TokenPrimary ? "primary" : "impersonation",
           CmdLevelNames[c.InstalledLevel]);
    if (copied)
        printf("result:     downgraded to identification\n");
    else if (ownLevelTooLow)
        printf("result:     allowed, but the token itself is %s-level: the thread cannot act as the client\n",
               SeTokenImpersonationLevel(token) == SecurityAnonymous ? "Anonymous" : "Identification");
    else
        printf("result:     allowed\n");
    printf("why:        %s\n", NtsecDecisionText(c.Decision));
out:
    NtsecSetImpersonationPolicy(oldPolicy);
    if (thread)
        ObDereferenceObject(thread);
    if (process)
        ObDereferenceObject(process);
    ObDereferenceObject(token);
    ObDereferenceObject(primary);
    return rc;
}
