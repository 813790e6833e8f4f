/*
 * cmd_assign.c - `ntsec assign`: the security descriptor a new object gets
 * (SeAssignSecurityEx), and with --explain which parent or creator ACE produced which ACE
 * of the new object, and why.
 *
 *   ntsec assign --parent SDDL [--creator SDDL] --token 'TOKEN TEXT' [--dir]
 *                [--flags auto-inherit,default-owner-from-parent,...] [--mapping file|key|GR,GW,GX,GA]
 *                [--explain]
 *
 * Prints "sddl: <the new descriptor>"; on a refusal "status: 0x... NAME". Exit status: 0 a
 * descriptor was built, 1 the assignment was refused, 2 usage or input error.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "common.h"

int NtsecCmdAssign(int argc, char **argv);

static const struct {
    PCSTR Name;
    ULONG Flag;
} AssignFlags[] = {
    {"auto-inherit", SEF_DACL_AUTO_INHERIT | SEF_SACL_AUTO_INHERIT},
    {"dacl-auto-inherit", SEF_DACL_AUTO_INHERIT},
    {"sacl-auto-inherit", SEF_SACL_AUTO_INHERIT},
    {"default-owner-from-parent", SEF_DEFAULT_OWNER_FROM_PARENT},
    {"default-group-from-parent", SEF_DEFAULT_GROUP_FROM_PARENT},
    {"avoid-owner-check", SEF_AVOID_OWNER_CHECK},
    {"avoid-privilege-check", SEF_AVOID_PRIVILEGE_CHECK},
    {"macl-no-write-up", SEF_MACL_NO_WRITE_UP},
    {"macl-no-read-up", SEF_MACL_NO_READ_UP},
    {"macl-no-execute-up", SEF_MACL_NO_EXECUTE_UP},
};

static void AssignUsage(FILE *out)
{
    fprintf(out, "usage: ntsec assign --parent SDDL [--creator SDDL] --token 'TOKEN TEXT' [--dir]\n"
                 "                    [--flags FLAG,...] [--mapping file|key|GR,GW,GX,GA] [--explain] [--json]\n"
                 "  --parent: the parent container's descriptor (\"\" for one with nothing in it)\n"
                 "  --creator: the descriptor the creator passes (explicit owner, group, DACL, SACL)\n"
                 "  --dir: the new object is a container (directory)\n"
                 "  FLAG: auto-inherit (DACL and SACL, as a file system), dacl-auto-inherit,\n"
                 "        sacl-auto-inherit, default-owner-from-parent, default-group-from-parent,\n"
                 "        avoid-owner-check, avoid-privilege-check, macl-no-write-up,\n"
                 "        macl-no-read-up, macl-no-execute-up\n"
                 "  --explain: which parent or creator ACE produced which new ACE, and why\n"
                 "  --domain SID: the domain SID that DA, DU, LA, ... resolve against (else $" NTSEC_DOMAIN_ENV ")\n"
                 "  SDDL and TOKEN TEXT may be @FILE or @- (read from a file or stdin)\n"
                 "Exit codes: 0 a descriptor was built, 1 the assignment was refused, 2 bad usage or input.\n");
}

/* Parses "a,b,c" into SEF_* bits; FALSE (with the bad word in Bad) on an unknown name. */
static BOOLEAN AssignParseFlags(PCSTR Text, PULONG Flags, char *Bad, size_t BadSize)
{
    *Flags = 0;
    while (*Text) {
        size_t n = strcspn(Text, ",");
        size_t i;
        for (i = 0; i < sizeof(AssignFlags) / sizeof(AssignFlags[0]); i++)
            if (strlen(AssignFlags[i].Name) == n && strncmp(Text, AssignFlags[i].Name, n) == 0)
                break;
        if (i == sizeof(AssignFlags) / sizeof(AssignFlags[0])) {
            snprintf(Bad, BadSize, "%.*s", (int)n, Text);
            return FALSE;
        }
        *Flags |= AssignFlags[i].Flag;
        Text += n;
        if (*Text == ',')
            Text++;
    }
    return TRUE;
}

int NtsecCmdAssign(int argc, char **argv)
{
    PCSTR parentText = NULL, creatorText = NULL, tokenText = NULL, flagsText = "", mappingText = "file", domain = NULL;
    int explain = 0, dir = 0, json = 0;
    const CMD_OPTION options[] = {
        CMD_VALUE("--parent", &parentText), CMD_VALUE("--creator", &creatorText),
        CMD_VALUE("--token", &tokenText), CMD_VALUE("--flags", &flagsText),
        CMD_VALUE("--mapping", &mappingText), CMD_VALUE("--domain", &domain),
        CMD_FLAG("--dir", &dir), CMD_FLAG("--explain", &explain), CMD_FLAG("--json", &json),
    };
    int parsed = CmdParseOptions("assign", argc, argv, options, sizeof options / sizeof options[0], AssignUsage);
    if (parsed >= 0)
        return parsed;
    if (!parentText || !tokenText) {
        fprintf(stderr, "ntsec assign: --parent and --token are required\n");
        AssignUsage(stderr);
        return 2;
    }
    if (!CmdSetDomain("assign", domain))
        return 2;
    /* @FILE / @- values: the copies live until the end (freed there). */
    char *parentCopy = CmdArgument("assign", "--parent", parentText);
    char *creatorCopy = creatorText ? CmdArgument("assign", "--creator", creatorText) : NULL;
    char *tokenCopy = CmdArgument("assign", "--token", tokenText);
    int rc = 2;
    if (parentCopy == NULL || tokenCopy == NULL || (creatorText != NULL && creatorCopy == NULL))
        goto done;
    parentText = parentCopy;
    creatorText = creatorCopy;
    tokenText = tokenCopy;
    ULONG flags;
    char bad[64];
    if (!AssignParseFlags(flagsText, &flags, bad, sizeof(bad))) {
        fprintf(stderr, "ntsec assign: unknown flag '%s' in --flags\n", bad);
        goto done;
    }
    GENERIC_MAPPING mapping;
    if (strcmp(mappingText, "file") == 0)
        NtsecObjectGenericMapping(NtsecObjectFile, &mapping);
    else if (strcmp(mappingText, "key") == 0)
        NtsecObjectGenericMapping(NtsecObjectKey, &mapping);
    else {
        /* GR,GW,GX,GA as numbers (e.g. SeInheritance.c's 0x21001,0x22002,0x24004,0x1f800f). */
        unsigned long v[4];
        char tail;
        if (sscanf(mappingText, "%li,%li,%li,%li%c", (long *)&v[0], (long *)&v[1], (long *)&v[2], (long *)&v[3], &tail) != 4 ||
            v[0] > 0xFFFFFFFFul || v[1] > 0xFFFFFFFFul || v[2] > 0xFFFFFFFFul || v[3] > 0xFFFFFFFFul) {
            fprintf(stderr, "ntsec assign: unknown --mapping '%s' (file, key, or GR,GW,GX,GA numbers)\n", mappingText);
            goto done;
        }
        mapping.GenericRead = (ACCESS_MASK)v[0];
        mapping.GenericWrite = (ACCESS_MASK)v[1];
        mapping.GenericExecute = (ACCESS_MASK)v[2];
        mapping.GenericAll = (ACCESS_MASK)v[3];
    }
    PSECURITY_DESCRIPTOR parent = NULL, creator = NULL;
    ULONG length = 0;
    NTSTATUS st = NtsecSddlToSecurityDescriptor(parentText, &parent, &length);
    if (st != STATUS_SUCCESS) {
        fprintf(stderr, "ntsec assign: bad --parent (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        goto done;
    }
    if (creatorText && (st = NtsecSddlToSecurityDescriptor(creatorText, &creator, &length)) != STATUS_SUCCESS) {
        fprintf(stderr, "ntsec assign: bad --creator (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        NtsecFree(parent);
        goto done;
    }
    PACCESS_TOKEN token = NULL;
    if ((st = NtsecCreateTokenFromText(tokenText, &token)) != STATUS_SUCCESS) {
        fprintf(stderr, "ntsec assign: bad --token (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        NtsecFree(parent);
        NtsecFree(creator);
        goto done;
    }
    NTSEC_OBJECT_KIND kind = strcmp(mappingText, "key") == 0 ? NtsecObjectKey : (dir ? NtsecObjectDirectory : NtsecObjectFile);
    PSECURITY_DESCRIPTOR created = NULL;
    PSTR trace = NULL;
    st = NtsecAssignSecurityExplain(parent, creator, (BOOLEAN)dir, flags, token, &mapping, kind, &created,
                                    explain ? &trace : NULL);
    PSTR text = NULL;
    NTSTATUS fs = STATUS_UNSUCCESSFUL;
    if (st == STATUS_SUCCESS) {
        fs = NtsecSecurityDescriptorToSddl(created, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                        DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION |
                                                        LABEL_SECURITY_INFORMATION, &text);
        SeDeassignSecurity(&created);
    }
    rc = st == STATUS_SUCCESS && fs == STATUS_SUCCESS ? 0 : 1;
    if (json) {
        /* docs/cli.md "assign" */
        printf("{\"status\": \"0x%08X\", \"status_name\": ", (unsigned)st);
        CmdJsonString(stdout, CmdStatusName(st));
        printf(", \"sddl\": ");
        CmdJsonStringOrNull(stdout, rc == 0 ? text : NULL);
        printf(", \"explain\": ");
        CmdJsonStringOrNull(stdout, explain ? trace : NULL);
        printf("}\n");
    } else if (st == STATUS_SUCCESS && fs == STATUS_SUCCESS) {
        printf("sddl: %s\n", text);
    } else if (st == STATUS_SUCCESS) {
        printf("status: 0x%08X (the new descriptor has no SDDL form): %s\n", (unsigned)fs, NtsecLastErrorText());
    } else {
        printf("status: 0x%08X %s (no descriptor)\n", (unsigned)st, CmdStatusName(st));
    }
    NtsecFree(text);
    if (explain && !json)
        printf("explain:\n%s", trace ? trace : "");
    NtsecFree(trace);
    ObDereferenceObject(token);
    NtsecFree(parent);
    NtsecFree(creator);
done:
    free(parentCopy);
    free(creatorCopy);
    free(tokenCopy);
    return rc;
}
