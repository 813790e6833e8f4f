/*
 * cmd_token.c - `ntsec token 'TEXT'`: parses a token in the text form (docs/token-text.md)
 * and prints it the way `whoami /all` does: user, groups with attributes spelled out,
 * privileges with state, integrity, type and level, ids, source, restricted SIDs, the
 * default DACL in SDDL, and the canonical text. Bad text: exit status 2 and the message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "common.h"

static void CmdPrintSid(PSID Sid, int Width)
{
    char text[256], name[300];
    CmdSidText(Sid, text, sizeof(text));
    CmdSidName(Sid, name, sizeof(name), NULL);
    printf("%-*s %s", Width, strcmp(name, text) == 0 ? "" : name, text);
}

/* SeQueryInformationToken's block for Class, or NULL (freed with ExFreePool). */
static PVOID CmdQuery(PACCESS_TOKEN T, TOKEN_INFORMATION_CLASS Class)
{
    PVOID info = NULL;
    if (!NT_SUCCESS(SeQueryInformationToken(T, Class, &info)))
        return NULL;
    return info;
}

static void CmdPrintToken(PACCESS_TOKEN T)
{
    PTOKEN_USER user = CmdQuery(T, TokenUser);
    PTOKEN_GROUPS groups = CmdQuery(T, TokenGroups);
    PTOKEN_PRIVILEGES privileges = CmdQuery(T, TokenPrivileges);
    PTOKEN_GROUPS restricted = CmdQuery(T, TokenRestrictedSids);
    PTOKEN_MANDATORY_LABEL label = CmdQuery(T, TokenIntegrityLevel);
    PTOKEN_STATISTICS stats = CmdQuery(T, TokenStatistics);
    PTOKEN_ORIGIN origin = CmdQuery(T, TokenOrigin);
    PTOKEN_SOURCE source = CmdQuery(T, TokenSource);
    PTOKEN_OWNER owner = CmdQuery(T, TokenOwner);
    PTOKEN_PRIMARY_GROUP primary = CmdQuery(T, TokenPrimaryGroup);
    PTOKEN_DEFAULT_DACL dacl = CmdQuery(T, TokenDefaultDacl);

    BOOLEAN haveLabel = FALSE;
    for (ULONG i = 0; groups && i < groups->GroupCount; i++)
        if (groups->Groups[i].Attributes & SE_GROUP_INTEGRITY)
            haveLabel = TRUE;
    if (user)
        CmdPrintAccountTables(user, groups, privileges, NULL, NULL);
    printf("\n\nRESTRICTED SIDS\n---------------\n\n");
    for (ULONG i = 0; restricted && i < restricted->GroupCount; i++) {
        CmdPrintSid(restricted->Groups[i].Sid, 40);
        printf("\n");
    }
    if (restricted == NULL || restricted->GroupCount == 0)
        printf("(none)\n");

    static const PCSTR levels[] = { "Anonymous", "Identification", "Impersonation", "Delegation" };
    printf("\n\nTOKEN INFORMATION\n-----------------\n\n");
    char text[256];
    if (label)
        CmdSidText(label->Label.Sid, text, sizeof(text));
    printf("Integrity level:     %s%s\n", label ? text : "?", haveLabel ? "" : " (none in token: Medium assumed)");
    TOKEN_TYPE type = SeTokenType(T);
    printf("Type:                %s\n", type == TokenPrimary ? "Primary" : "Impersonation");
    SECURITY_IMPERSONATION_LEVEL level = SeTokenImpersonationLevel(T);
    if (type == TokenImpersonation && VALID_IMPERSONATION_LEVEL(level))
        printf("Impersonation level: %s\n", levels[level]);
    if (stats) {
        printf("Token id:            0x%x:0x%x\n", (unsigned)stats->TokenId.HighPart, (unsigned)stats->TokenId.LowPart);
        printf("Authentication id:   0x%x:0x%x\n", (unsigned)stats->AuthenticationId.HighPart,
               (unsigned)stats->AuthenticationId.LowPart);
        printf("Modified id:         0x%x:0x%x\n", (unsigned)stats->ModifiedId.HighPart, (unsigned)stats->ModifiedId.LowPart);
    }
    if (origin)
        printf("Origin:              0x%x:0x%x\n", (unsigned)origin->OriginatingLogonSession.HighPart,
               (unsigned)origin->OriginatingLogonSession.LowPart);
    if (source)
        printf("Source:              %.8s\n", source->SourceName);
    ULONG session = 0;
    if (NT_SUCCESS(SeQuerySessionIdToken(T, &session)))
        printf("Session:             %lu\n", (unsigned long)session);
    BOOLEAN r = SeTokenIsRestricted(T), w = SeTokenIsWriteRestricted(T);
    printf("Flags:               %s%s%s\n", r ? "restricted" : "", r && w ? " " : "", w ? "write-restricted" : (r ? "" : "(none)"));
    printf("Owner:               ");
    if (owner)
        CmdPrintSid(owner->Owner, 0);
    printf("\nPrimary group:       ");
    if (primary)
        CmdPrintSid(primary->PrimaryGroup, 0);
    printf("\nDefault DACL:        ");
    if (dacl == NULL || dacl->DefaultDacl == NULL) {
        printf("(none)\n");
    } else {
        SECURITY_DESCRIPTOR sd;
        PSTR sddl = NULL;
        RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
        RtlSetDaclSecurityDescriptor(&sd, TRUE, dacl->DefaultDacl, FALSE);
        if (NT_SUCCESS(NtsecSecurityDescriptorToSddl(&sd, DACL_SECURITY_INFORMATION, &sddl))) {
            printf("%s\n", sddl);
            NtsecFree(sddl);
        } else {
            printf("(%u ACEs; SDDL unavailable)\n", (unsigned)dacl->DefaultDacl->AceCount);
        }
    }
    PVOID blocks[] = { user, groups, privileges, restricted, label, stats, origin, source, owner, primary, dacl };
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (blocks[i])
            ExFreePool(blocks[i]);
}

/* CmdPrintTokenJson - docs/cli.md "token". */
static void CmdPrintTokenJson(PACCESS_TOKEN T, const char *Canonical)
{
    static const PCSTR levels[] = { "anonymous", "identification", "impersonation", "delegation" };
    PTOKEN_USER user = CmdQuery(T, TokenUser);
    PTOKEN_GROUPS groups = CmdQuery(T, TokenGroups);
    PTOKEN_PRIVILEGES privileges = CmdQuery(T, TokenPrivileges);
    PTOKEN_GROUPS restricted = CmdQuery(T, TokenRestrictedSids);
    PTOKEN_MANDATORY_LABEL label = CmdQuery(T, TokenIntegrityLevel);
    printf("{\"user\": ");
    if (user) CmdJsonSid(stdout, user->User.Sid); else printf("null");
    printf(", \"user_attributes\": %lu, \"groups\": [", user ? (unsigned long)user->User.Attributes : 0ul);
    for (ULONG i = 0; groups && i < groups->GroupCount; i++) {
        printf("%s{\"account\": ", i ? ", " : "");
        CmdJsonSid(stdout, groups->Groups[i].Sid);
        printf(", \"attributes\": %lu}", (unsigned long)groups->Groups[i].Attributes);
    }
    printf("], \"privileges\": [");
    for (ULONG i = 0; privileges && i < privileges->PrivilegeCount; i++) {
        PCSTR name = NtsecPrivilegeName(privileges->Privileges[i].Luid);
        printf("%s{\"name\": ", i ? ", " : "");
        if (name) CmdJsonString(stdout, name); else printf("null");
        printf(", \"luid\": %lu, \"enabled\": %s}", (unsigned long)privileges->Privileges[i].Luid.LowPart,
               (privileges->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) ? "true" : "false");
    }
    printf("], \"restricted_sids\": [");
    for (ULONG i = 0; restricted && i < restricted->GroupCount; i++) {
        printf("%s", i ? ", " : "");
        CmdJsonSid(stdout, restricted->Groups[i].Sid);
    }
    printf("], \"integrity\": ");
    if (label) CmdJsonSid(stdout, label->Label.Sid); else printf("null");
    TOKEN_TYPE type = SeTokenType(T);
    SECURITY_IMPERSONATION_LEVEL level = SeTokenImpersonationLevel(T);
    printf(", \"type\": \"%s\", \"level\": ", type == TokenPrimary ? "primary" : "impersonation");
    if (type == TokenImpersonation && VALID_IMPERSONATION_LEVEL(level))
        printf("\"%s\"", levels[level]);
    else
        printf("null");
    printf(", \"restricted\": %s, \"write_restricted\": %s, \"canonical\": ",
           SeTokenIsRestricted(T) ? "true" : "false", SeTokenIsWriteRestricted(T) ? "true" : "false");
    if (Canonical) CmdJsonString(stdout, Canonical); else printf("null");
    printf("}\n");
    PVOID blocks[] = { user, groups, privileges, restricted, label };
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (blocks[i])
            ExFreePool(blocks[i]);
}

static void TokenUsage(FILE *Out)
{
    fprintf(Out, "usage: ntsec token [--domain SID] [--json] 'user=SID groups=... privileges=... ...' | @FILE | @-\n"
                 "Parses a token in the text form (docs/token-text.md) and prints it like whoami /all.\n"
                 "  --domain SID: the domain SID that DA, DU, LA, ... resolve against (else $%s)\n"
                 "Exit codes: 0 ok, 2 bad usage or bad text.\n", NTSEC_DOMAIN_ENV);
}

/* NtsecCmdToken - `ntsec token TEXT...` (the words are joined with spaces). Exit 0, 2 (bad usage or bad text). */
int NtsecCmdToken(int argc, char **argv)
{
    const char *domain = NULL;
    int first = 1, json = 0;
    while (first < argc && argv[first][0] == '-' && argv[first][1] == '-') {
        if (strcmp(argv[first], "--help") == 0) {
            TokenUsage(stdout);
            return 0;
        } else if (strcmp(argv[first], "--domain") == 0 && first + 1 < argc) {
            domain = argv[first + 1];
            first += 2;
        } else if (strcmp(argv[first], "--json") == 0) {
            json = 1;
            first++;
        } else if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        } else {
            fprintf(stderr, "ntsec token: unknown or incomplete option '%s'\n", argv[first]);
            TokenUsage(stderr);
            return 2;
        }
    }
    if (first < argc && strcmp(argv[first], "-h") == 0) {
        TokenUsage(stdout);
        return 0;
    }
    if (first >= argc) {
        TokenUsage(stderr);
        return 2;
    }
    if (!CmdSetDomain("token", domain))
        return 2;
    char *text = NULL;
    if (argc - first == 1) {
        text = CmdArgument("token", "TEXT", argv[first]);
        if (text == NULL)
            return 2;
    } else {
        size_t len = 1;
        for (int i = first; i < argc; i++)
            len += strlen(argv[i]) + 1;
        text = calloc(1, len);
        if (text == NULL)
            return 1;
        for (int i = first; i < argc; i++) {
            if (i > first)
                strcat(text, " ");
            strcat(text, argv[i]);
        }
    }
    PACCESS_TOKEN token = NULL;
    NTSTATUS st = NtsecCreateTokenFromText(text, &token);
    free(text);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec token: %s (status 0x%08X)\n", NtsecLastErrorText(), (unsigned)st);
        return 2;
    }
    SIZE_T needed = 0;
    NtsecFormatToken(token, NULL, 0, &needed);
    char *canonical = needed ? malloc(needed) : NULL;
    BOOLEAN haveCanonical = canonical && NT_SUCCESS(NtsecFormatToken(token, canonical, needed, &needed));
    if (json) {
        CmdPrintTokenJson(token, haveCanonical ? canonical : NULL);
        free(canonical);
        ObDereferenceObject(token);
        return 0;
    }
    CmdPrintToken(token);
    if (haveCanonical)
        printf("\nCANONICAL TEXT\n--------------\n%s\n", canonical);
    else
        printf("\nCANONICAL TEXT\n--------------\n(unavailable)\n");
    free(canonical);
    ObDereferenceObject(token);
    return 0;
}
