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
#include <string.h>
#include "ntsec.h"
#include "se/rights.h"

int NtsecCmdCheck(int argc, char **argv);

static void CheckUsage(FILE *out)
{
    fprintf(out, "usage: ntsec check --sd SDDL --token 'TOKEN TEXT' --desired RIGHTS\n"
                 "                   [--type file|dir|key] [--explicit] [--explain]\n"
                 "  RIGHTS: FILE_GENERIC_READ|FILE_WRITE_DATA|KEY_READ|GENERIC_ALL|0x...|MAXIMUM_ALLOWED\n"
                 "  --explicit: NtAccessCheck rules (impersonation token at Identification or above)\n");
}

static PCSTR CheckStatusName(NTSTATUS s)
{
    switch ((ULONG)s) {
    case 0x00000000: return "STATUS_SUCCESS";
    case 0xC0000022: return "STATUS_ACCESS_DENIED";
    case 0xC0000061: return "STATUS_PRIVILEGE_NOT_HELD";
    case 0xC00000A5: return "STATUS_BAD_IMPERSONATION_LEVEL";
    case 0xC000005C: return "STATUS_NO_IMPERSONATION_TOKEN";
    case 0xC00000E6: return "STATUS_GENERIC_NOT_MAPPED";
    case 0xC0000079: return "STATUS_INVALID_SECURITY_DESCR";
    case 0xC0000077: return "STATUS_INVALID_ACL";
    case 0xC000000D: return "STATUS_INVALID_PARAMETER";
    case 0xC0000024: return "STATUS_OBJECT_TYPE_MISMATCH";
    default: return "";
    }
}

int NtsecCmdCheck(int argc, char **argv)
{
    PCSTR sddl = NULL, tokenText = NULL, desiredText = NULL, type = "file";
    int explain = 0, explicitRules = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sd") == 0 && i + 1 < argc)
            sddl = argv[++i];
        else if (strcmp(argv[i], "--token") == 0 && i + 1 < argc)
            tokenText = argv[++i];
        else if (strcmp(argv[i], "--desired") == 0 && i + 1 < argc)
            desiredText = argv[++i];
        else if (strcmp(argv[i], "--type") == 0 && i + 1 < argc)
            type = argv[++i];
        else if (strcmp(argv[i], "--explain") == 0)
            explain = 1;
        else if (strcmp(argv[i], "--explicit") == 0)
            explicitRules = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            CheckUsage(stdout);
            return 0;
        } else {
            fprintf(stderr, "ntsec check: unknown or incomplete argument '%s'\n", argv[i]);
            CheckUsage(stderr);
            return 2;
        }
    }
    if (!sddl || !tokenText || !desiredText) {
        fprintf(stderr, "ntsec check: --sd, --token and --desired are required\n");
        CheckUsage(stderr);
        return 2;
    }
    SEP_RIGHTS_KIND kind;
    if (strcmp(type, "file") == 0) kind = SepRightsFile;
    else if (strcmp(type, "dir") == 0 || strcmp(type, "directory") == 0) kind = SepRightsDirectory;
    else if (strcmp(type, "key") == 0) kind = SepRightsKey;
    else {
        fprintf(stderr, "ntsec check: unknown --type '%s' (file, dir, key)\n", type);
        return 2;
    }
    GENERIC_MAPPING mapping = *SepRightsMapping(kind);

    ACCESS_MASK desired;
    char bad[64];
    if (SepRightsParse(desiredText, &desired, bad, sizeof(bad)) != STATUS_SUCCESS) {
        fprintf(stderr, "ntsec check: unknown right '%s' in --desired\n", bad);
        return 2;
    }
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG sdLength = 0;
    NTSTATUS st = NtsecSddlToSecurityDescriptor(sddl, &sd, &sdLength);
    if (st != STATUS_SUCCESS) {
        fprintf(stderr, "ntsec check: bad --sd (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        return 2;
    }
    PACCESS_TOKEN token = NULL;
    st = NtsecCreateTokenFromText(tokenText, &token);
    if (st != STATUS_SUCCESS) {
        fprintf(stderr, "ntsec check: bad --token (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        NtsecFree(sd);
        return 2;
    }
    ACCESS_MASK mapped = desired;
    if (desired & (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL)) {
        mapped &= ~(ACCESS_MASK)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
        if (desired & GENERIC_READ) mapped |= mapping.GenericRead;
        if (desired & GENERIC_WRITE) mapped |= mapping.GenericWrite;
        if (desired & GENERIC_EXECUTE) mapped |= mapping.GenericExecute;
        if (desired & GENERIC_ALL) mapped |= mapping.GenericAll;
    }
    ACCESS_MASK granted = 0;
    NTSTATUS accessStatus = STATUS_ACCESS_DENIED;
    PSTR trace = NULL;
    st = NtsecAccessCheckExplain(sd, token, mapped, &mapping,
                                 explicitRules ? NTSEC_CHECK_EXPLICIT_TOKEN : 0, &granted,
                                 &accessStatus, &trace);
    int rc;
    char names[512];
    if (st != STATUS_SUCCESS) {
        printf("status: 0x%08X %s (the check was not made)\n", (unsigned)st, CheckStatusName(st));
        rc = 2;
    } else {
        SepRightsFormat(granted, kind, names, sizeof(names));
        printf("granted: 0x%08X (%s)\n", (unsigned)granted, names);
        printf("status: 0x%08X %s\n", (unsigned)accessStatus, CheckStatusName(accessStatus));
        rc = accessStatus == STATUS_SUCCESS ? 0 : 1;
    }
    if (explain && trace)
        printf("explain:\n%s", trace);
    NtsecFree(trace);
    ObDereferenceObject(token);
    NtsecFree(sd);
    return rc;
}
