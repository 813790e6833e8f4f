/*
 * cmd_check.c - `ntsec check`: run an access check from the command line.
 *
 *   ntsec check --sd SDDL --token 'TOKEN TEXT' --desired RIGHTS [--type file|dir|key]
 *               [--explicit] [--explain]
 *
 * RIGHTS: names joined by '|' (FILE_GENERIC_READ|FILE_WRITE_DATA|0x10|MAXIMUM_ALLOWED;
 * files, directories, registry keys, generic and standard rights). Prints the granted
 * rights and the status; --explain adds the trace of NtsecAccessCheckExplain.
 * Exit status: 0 granted, 1 denied, 2 usage or input error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

int NtsecCmdCheck(int argc, char **argv);

static void CheckUsage(FILE *out)
{
    fprintf(out, "usage: ntsec check (--sd SDDL|@FILE|@- | --sd-hex HEX|@FILE) --token 'TOKEN TEXT'|@FILE\n"
                 "                   --desired RIGHTS [--type file|dir|key] [--domain SID] [--explicit] [--explain] [--json]\n"
                 "  RIGHTS: FILE_GENERIC_READ|FILE_WRITE_DATA|KEY_READ|GENERIC_ALL|0x...|MAXIMUM_ALLOWED\n"
                 "          ('|', ',', '+' and blanks separate; every word must be a right)\n"
                 "  --explicit: NtAccessCheck rules (impersonation token at Identification or above)\n"
                 "  --domain SID: the domain SID that DA, DU, LA, ... resolve against (else $" NTSEC_DOMAIN_ENV ")\n"
                 "Exit codes: 0 granted, 1 denied, 2 bad usage or bad input.\n");
}

/* Hex bytes (blanks and ':' allowed) into a malloc'd buffer; NULL with a message. */
static PUCHAR CheckHex(const char *Hex, ULONG *Length)
{
    size_t n = strlen(Hex), count = 0;
    PUCHAR bytes = malloc(n / 2 + 1);
    int hi = -1;
    if (bytes == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = Hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (c == ' ' || c == '\n' || c == '\t' || c == ':')
            continue;
        if (v < 0) {
            fprintf(stderr, "ntsec check: bad hex digit '%c' at offset %zu in --sd-hex\n", c, i);
            free(bytes);
            return NULL;
        }
        if (hi < 0) {
            hi = v;
        } else {
            bytes[count++] = (UCHAR)(hi * 16 + v);
            hi = -1;
        }
    }
    if (hi >= 0 || !RtlValidRelativeSecurityDescriptor(bytes, (ULONG)count, 0)) {
        fprintf(stderr, "ntsec check: --sd-hex is not a valid self-relative security descriptor\n");
        free(bytes);
        return NULL;
    }
    *Length = (ULONG)count;
    return bytes;
}

int NtsecCmdCheck(int argc, char **argv)
{
    PCSTR sddlArg = NULL, hexArg = NULL, tokenArg = NULL, desiredText = NULL, type = "file", domain = NULL;
    int explain = 0, explicitRules = 0, json = 0;
    const CMD_OPTION options[] = {
        CMD_VALUE("--sd", &sddlArg), CMD_VALUE("--sd-hex", &hexArg), CMD_VALUE("--token", &tokenArg),
        CMD_VALUE("--desired", &desiredText), CMD_VALUE("--type", &type), CMD_VALUE("--domain", &domain),
        CMD_FLAG("--explain", &explain), CMD_FLAG("--explicit", &explicitRules), CMD_FLAG("--json", &json),
    };
    int parsed = CmdParseOptions("check", argc, argv, options, sizeof options / sizeof options[0], CheckUsage);
    if (parsed >= 0)
        return parsed;
    if ((!sddlArg && !hexArg) || (sddlArg && hexArg) || !tokenArg || !desiredText) {
        fprintf(stderr, "ntsec check: one of --sd and --sd-hex, and --token and --desired are required\n");
        CheckUsage(stderr);
        return 2;
    }
    NTSEC_OBJECT_KIND kind;
    if (!CmdParseKind("check", type, &kind) || !CmdSetDomain("check", domain))
        return 2;
    GENERIC_MAPPING mapping;
    NtsecObjectGenericMapping(kind, &mapping);

    ACCESS_MASK desired = 0;
    if (!CmdParseRights("check", "--desired", desiredText, &desired))
        return 2;
    PSECURITY_DESCRIPTOR sd = NULL;
    PUCHAR hexSd = NULL;
    ULONG sdLength = 0;
    NTSTATUS st;
    if (hexArg) {
        char *hex = CmdArgument("check", "--sd-hex", hexArg);
        hexSd = hex ? CheckHex(hex, &sdLength) : NULL;
        free(hex);
        if (hexSd == NULL)
            return 2;
        sd = hexSd;
    } else {
        char *sddl = CmdArgument("check", "--sd", sddlArg);
        if (sddl == NULL)
            return 2;
        st = NtsecSddlToSecurityDescriptor(sddl, &sd, &sdLength);
        free(sddl);
        if (st != STATUS_SUCCESS) {
            fprintf(stderr, "ntsec check: bad --sd (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
            return 2;
        }
    }
    PACCESS_TOKEN token = NULL;
    char *tokenText = CmdArgument("check", "--token", tokenArg);
    st = tokenText ? NtsecCreateTokenFromText(tokenText, &token) : STATUS_INVALID_PARAMETER;
    free(tokenText);
    if (st != STATUS_SUCCESS) {
        fprintf(stderr, "ntsec check: bad --token (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        if (hexSd) free(hexSd); else NtsecFree(sd);
        return 2;
    }
    ACCESS_MASK mapped = desired;
    RtlMapGenericMask(&mapped, &mapping);
    ACCESS_MASK granted = 0;
    NTSTATUS accessStatus = STATUS_ACCESS_DENIED;
    PSTR trace = NULL;
    st = NtsecAccessCheckExplain(sd, token, mapped, &mapping,
                                 explicitRules ? NTSEC_CHECK_EXPLICIT_TOKEN : 0, &granted,
                                 &accessStatus, &trace);
    int rc;
    char names[768];
    CmdFormatRights(granted, kind, names, sizeof(names));
    rc = st != STATUS_SUCCESS ? 2 : accessStatus == STATUS_SUCCESS ? 0 : 1;
    if (json) {
        /* docs/cli.md "check" */
        printf("{\"checked\": %s, \"status\": \"0x%08X\", \"status_name\": ", st == STATUS_SUCCESS ? "true" : "false",
               (unsigned)(st == STATUS_SUCCESS ? accessStatus : st));
        CmdJsonString(stdout, CmdStatusName(st == STATUS_SUCCESS ? accessStatus : st));
        printf(", \"desired\": \"0x%08X\", \"granted\": \"0x%08X\", \"granted_names\": ", (unsigned)mapped,
               (unsigned)(st == STATUS_SUCCESS ? granted : 0));
        CmdJsonString(stdout, st == STATUS_SUCCESS ? names : "none");
        printf(", \"explain\": ");
        CmdJsonStringOrNull(stdout, explain ? trace : NULL);
        printf("}\n");
    } else if (st != STATUS_SUCCESS) {
        printf("status: 0x%08X %s (the check was not made)\n", (unsigned)st, CmdStatusName(st));
    } else {
        printf("granted: 0x%08X (%s)\n", (unsigned)granted, names);
        printf("status: 0x%08X %s\n", (unsigned)accessStatus, CmdStatusName(accessStatus));
    }
    if (explain && trace && !json)
        printf("explain:\n%s", trace);
    NtsecFree(trace);
    ObDereferenceObject(token);
    if (hexSd) free(hexSd); else NtsecFree(sd);
    return rc;
}
