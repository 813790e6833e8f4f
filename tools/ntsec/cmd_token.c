/*
 * cmd_token.c - `ntsec token 'TEXT'`: parses a token in the text form (docs/token-text.md)
 * and prints it the way `whoami /all` does: user, groups with attributes spelled out,
 * privileges with state, integrity, type and level, ids, source, restricted SIDs, the
 * default DACL in SDDL, and the canonical text. Bad text: exit status 2 and the message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntsec.h"
#include "rtl/rtlp.h"
#include "se/privnames.h"
#include "se/sep.h"

static void CmdPrintSid(PSID Sid, int Width)
{
    char text[256];
    if (!NT_SUCCESS(RtlpSidToString(Sid, text, sizeof(text))))
        strcpy(text, "?");
    PCSTR name = RtlpSidAccountName(Sid);
    printf("%-*s %s", Width, name ? name : "", text);
}

static void CmdPrintGroupAttributes(ULONG A)
{
    static const struct { ULONG Bit; PCSTR Text; } bits[] = {
        { SE_GROUP_MANDATORY, "Mandatory group" },
        { SE_GROUP_ENABLED_BY_DEFAULT, "Enabled by default" },
        { SE_GROUP_ENABLED, "Enabled group" },
        { SE_GROUP_OWNER, "Group owner" },
        { SE_GROUP_USE_FOR_DENY_ONLY, "Group used for deny only" },
        { SE_GROUP_INTEGRITY, "Integrity" },
        { SE_GROUP_INTEGRITY_ENABLED, "Integrity enabled" },
        { SE_GROUP_RESOURCE, "Local group (resource)" },
        { SE_GROUP_LOGON_ID, "Logon id" },
    };
    PCSTR sep = "";
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if ((A & bits[i].Bit) == bits[i].Bit) {
            printf("%s%s", sep, bits[i].Text);
            sep = ", ";
        }
    }
    printf("%s(0x%08x)\n", *sep ? " " : "", (unsigned)A);
}

static void CmdPrintToken(PTOKEN T)
{
    printf("USER INFORMATION\n----------------\n");
    CmdPrintSid(SepTokenUserSid(T), 40);
    printf("%s\n", T->UserAndGroups[0].Attributes & SE_GROUP_USE_FOR_DENY_ONLY ? "  (deny only)" : "");

    printf("\nGROUP INFORMATION\n-----------------\n");
    for (ULONG i = 1; i < T->UserAndGroupCount; i++) {
        CmdPrintSid(T->UserAndGroups[i].Sid, 40);
        printf("\n    ");
        CmdPrintGroupAttributes(T->UserAndGroups[i].Attributes);
    }
    if (T->UserAndGroupCount == 1)
        printf("(none)\n");

    printf("\nPRIVILEGES INFORMATION\n----------------------\n");
    printf("%-42s %-66s %s\n", "Privilege Name", "Description", "State");
    for (ULONG i = 0; i < T->PrivilegeCount; i++) {
        ULONG luid = T->Privileges[i].Luid.LowPart;
        PCSTR name = T->Privileges[i].Luid.HighPart == 0 ? SepPrivilegeName(luid) : NULL;
        PCSTR desc = name ? SepPrivilegeDescription(luid) : "";
        printf("%-42s %-66s %s\n", name ? name : "?", desc,
               (T->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) ? "Enabled" : "Disabled");
    }
    if (T->PrivilegeCount == 0)
        printf("(none)\n");

    printf("\nRESTRICTED SIDS\n---------------\n");
    for (ULONG i = 0; i < T->RestrictedSidCount; i++) {
        CmdPrintSid(T->RestrictedSids[i].Sid, 40);
        printf("\n");
    }
    if (T->RestrictedSidCount == 0)
        printf("(none)\n");

    static const PCSTR levels[] = { "Anonymous", "Identification", "Impersonation", "Delegation" };
    printf("\nTOKEN INFORMATION\n-----------------\n");
    printf("Integrity level:     S-1-16-%lu%s\n", (unsigned long)SepTokenIntegrityRid(T),
           T->IntegrityIndex == SEP_NO_INTEGRITY ? " (none in token: Medium assumed)" : "");
    printf("Type:                %s\n", T->TokenType == TokenPrimary ? "Primary" : "Impersonation");
    if (T->TokenType == TokenImpersonation && VALID_IMPERSONATION_LEVEL(T->ImpersonationLevel))
        printf("Impersonation level: %s\n", levels[T->ImpersonationLevel]);
    printf("Token id:            0x%x:0x%x\n", (unsigned)T->TokenId.HighPart, (unsigned)T->TokenId.LowPart);
    printf("Authentication id:   0x%x:0x%x\n", (unsigned)T->AuthenticationId.HighPart, (unsigned)T->AuthenticationId.LowPart);
    printf("Modified id:         0x%x:0x%x\n", (unsigned)T->ModifiedId.HighPart, (unsigned)T->ModifiedId.LowPart);
    printf("Origin:              0x%x:0x%x\n", (unsigned)T->OriginatingLogonSession.HighPart,
           (unsigned)T->OriginatingLogonSession.LowPart);
    printf("Source:              %.8s\n", T->TokenSource.SourceName);
    printf("Session:             %lu\n", (unsigned long)T->SessionId);
    printf("Flags:               0x%04x%s%s\n", (unsigned)atomic_load(&T->TokenFlags),
           SeTokenIsRestricted(T) ? " restricted" : "", SeTokenIsWriteRestricted(T) ? " write-restricted" : "");
    printf("Owner:               ");
    CmdPrintSid(T->UserAndGroups[T->DefaultOwnerIndex].Sid, 0);
    printf("\nPrimary group:       ");
    CmdPrintSid(T->PrimaryGroup, 0);
    printf("\nDefault DACL:        ");
    if (T->DefaultDacl == NULL) {
        printf("(none)\n");
    } else {
        SECURITY_DESCRIPTOR sd;
        PSTR sddl = NULL;
        RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
        RtlSetDaclSecurityDescriptor(&sd, TRUE, T->DefaultDacl, FALSE);
        if (NT_SUCCESS(NtsecSecurityDescriptorToSddl(&sd, DACL_SECURITY_INFORMATION, &sddl))) {
            printf("%s\n", sddl);
            NtsecFree(sddl);
        } else {
            printf("(%u ACEs; SDDL unavailable)\n", (unsigned)T->DefaultDacl->AceCount);
        }
    }
}

/* NtsecCmdToken - `ntsec token TEXT...` (the words are joined with spaces). Exit 0, 2 (bad usage or bad text). */
int NtsecCmdToken(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: ntsec token 'user=SID groups=... privileges=... ...'\n"
                "Parses a token in the text form (docs/token-text.md) and prints it like whoami /all.\n");
        return argc < 2 ? 2 : 0;
    }
    size_t len = 1;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *text = calloc(1, len);
    if (text == NULL)
        return 1;
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            strcat(text, " ");
        strcat(text, argv[i]);
    }
    PACCESS_TOKEN token = NULL;
    NTSTATUS st = NtsecCreateTokenFromText(text, &token);
    free(text);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec token: %s (status 0x%08X)\n", NtsecLastErrorText(), (unsigned)st);
        return 2;
    }
    CmdPrintToken(token);
    SIZE_T needed = 0;
    NtsecFormatToken(token, NULL, 0, &needed);
    char *canonical = needed ? malloc(needed) : NULL;
    if (canonical && NT_SUCCESS(NtsecFormatToken(token, canonical, needed, &needed)))
        printf("\nCANONICAL TEXT\n--------------\n%s\n", canonical);
    else
        printf("\nCANONICAL TEXT\n--------------\n(unavailable)\n");
    free(canonical);
    ObDereferenceObject(token);
    return 0;
}

