/*
 * common.c - helpers shared by the ntsec subcommands (common.h). Everything goes through the
 * library's public API (ntsec.h): the tool keeps no SID, privilege or rights table of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

void CmdSidText(PSID Sid, char *Text, size_t Size)
{
    PSTR s = NULL;
    if (NT_SUCCESS(NtsecSidToString(Sid, &s)))
        snprintf(Text, Size, "%s", s);
    else
        snprintf(Text, Size, "(invalid SID)");
    NtsecFree(s);
}

void CmdSidName(PSID Sid, char *Name, size_t NameSize, const char **Type)
{
    PSTR s = NULL;
    ULONG use = NTSEC_SID_TYPE_UNKNOWN;
    const char *type = "Group";
    if (NT_SUCCESS(NtsecSidAccountName(Sid, &s, &use))) {
        snprintf(Name, NameSize, "%s", s);
    } else {
        CmdSidText(Sid, Name, NameSize);
    }
    NtsecFree(s);
    switch (use) {
    case NTSEC_SID_TYPE_USER: type = "User"; break;
    case NTSEC_SID_TYPE_ALIAS: type = "Alias"; break;
    case NTSEC_SID_TYPE_WELL_KNOWN_GROUP: type = "Well-known group"; break;
    case NTSEC_SID_TYPE_LABEL: type = "Label"; break;
    case NTSEC_SID_TYPE_LOGON_SESSION: type = "Logon ID"; break;
    default: type = "Group"; break;
    }
    if (Type != NULL)
        *Type = type;
}

BOOLEAN CmdParseRights(const char *Command, const char *Option, const char *Text, PACCESS_MASK Mask)
{
    ULONG offset = 0, length = 0;
    NTSTATUS st = NtsecParseRights(Text, Mask, &offset, &length);
    if (NT_SUCCESS(st))
        return TRUE;
    if (length == 0)
        fprintf(stderr, "ntsec %s: empty right at offset %lu in %s '%s'\n", Command, (unsigned long)offset,
                Option, Text);
    else
        fprintf(stderr, "ntsec %s: unknown right '%.*s' in %s '%s'\n", Command, (int)length, Text + offset,
                Option, Text);
    return FALSE;
}

void CmdFormatRights(ACCESS_MASK Mask, NTSEC_OBJECT_KIND Kind, char *Buffer, size_t Size)
{
    PSTR s = NULL;
    if (NT_SUCCESS(NtsecFormatRights(Mask, Kind, &s)))
        snprintf(Buffer, Size, "%s", s);
    else
        snprintf(Buffer, Size, "0x%08x", (unsigned)Mask);
    NtsecFree(s);
}

BOOLEAN CmdParseKind(const char *Command, const char *Text, NTSEC_OBJECT_KIND *Kind)
{
    if (strcmp(Text, "file") == 0)
        *Kind = NtsecObjectFile;
    else if (strcmp(Text, "dir") == 0 || strcmp(Text, "directory") == 0)
        *Kind = NtsecObjectDirectory;
    else if (strcmp(Text, "key") == 0)
        *Kind = NtsecObjectKey;
    else {
        fprintf(stderr, "ntsec %s: unknown --type '%s' (file, dir, key)\n", Command, Text);
        return FALSE;
    }
    return TRUE;
}

BOOLEAN CmdSetDomain(const char *Command, const char *Text)
{
    const char *from = "--domain";
    if (Text == NULL) {
        Text = getenv(NTSEC_DOMAIN_ENV);
        from = NTSEC_DOMAIN_ENV;
        if (Text == NULL || Text[0] == '\0')
            return TRUE;
    }
    if (strncmp(Text, "S-", 2) != 0 && strncmp(Text, "s-", 2) != 0) {
        fprintf(stderr, "ntsec %s: %s '%s' is not a SID (S-1-5-21-...)\n", Command, from, Text);
        return FALSE;
    }
    size_t n = strlen(Text);
    char *sddl = malloc(n + 3);
    if (sddl == NULL)
        return FALSE;
    memcpy(sddl, "O:", 2);
    memcpy(sddl + 2, Text, n + 1);
    PSECURITY_DESCRIPTOR sd = NULL;
    NTSTATUS st = NtsecSddlToSecurityDescriptor(sddl, &sd, NULL);
    free(sddl);
    PSID sid = NULL;
    BOOLEAN defaulted;
    if (NT_SUCCESS(st))
        st = RtlGetOwnerSecurityDescriptor(sd, &sid, &defaulted);
    if (NT_SUCCESS(st) && sid != NULL)
        st = NtsecSetDomainSid(sid);
    NtsecFree(sd);
    if (!NT_SUCCESS(st) || sid == NULL) {
        fprintf(stderr, "ntsec %s: %s '%s' is not a SID (S-1-5-21-...)\n", Command, from, Text);
        return FALSE;
    }
    return TRUE;
}

char *CmdArgument(const char *Command, const char *Option, const char *Value)
{
    if (Value[0] != '@')
        return strdup(Value);
    FILE *f = strcmp(Value, "@-") == 0 ? stdin : fopen(Value + 1, "r");
    if (f == NULL) {
        fprintf(stderr, "ntsec %s: %s %s: %s\n", Command, Option, Value + 1, strerror(errno));
        return NULL;
    }
    size_t used = 0, capacity = 4096;
    char *text = malloc(capacity);
    while (text != NULL) {
        if (used + 1 >= capacity) {
            char *grown = capacity < (1u << 24) ? realloc(text, capacity * 2) : NULL;
            if (grown == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = grown;
            capacity *= 2;
        }
        size_t n = fread(text + used, 1, capacity - used - 1, f);
        used += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    if (f != stdin)
        fclose(f);
    if (text == NULL || bad) {
        fprintf(stderr, "ntsec %s: %s %s: cannot read it\n", Command, Option, Value);
        free(text);
        return NULL;
    }
    text[used] = '\0';
    while (used > 0 && (text[used - 1] == '\n' || text[used - 1] == '\r'))
        text[--used] = '\0';
    return text;
}

const char *CmdStatusName(NTSTATUS s)
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
    case 0xC0000078: return "STATUS_INVALID_SID";
    case 0xC000000D: return "STATUS_INVALID_PARAMETER";
    case 0xC0000024: return "STATUS_OBJECT_TYPE_MISMATCH";
    case 0xC000005A: return "STATUS_INVALID_OWNER";
    case 0xC000005B: return "STATUS_INVALID_PRIMARY_GROUP";
    case 0xC000007C: return "STATUS_NO_TOKEN";
    case 0xC0000446: return "STATUS_INVALID_LABEL";
    case 0xC0000073: return "STATUS_NONE_MAPPED";
    case 0xC0000017: return "STATUS_NO_MEMORY";
    default: return "";
    }
}

void CmdJsonString(FILE *Out, const char *Text)
{
    fputc('"', Out);
    for (const unsigned char *p = (const unsigned char *)Text; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(Out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(Out, "\\u%04x", *p);
        else
            fputc(*p, Out);
    }
    fputc('"', Out);
}

void CmdJsonSid(FILE *Out, PSID Sid)
{
    char text[256], name[300];
    const char *type;
    PCSTR alias = NtsecSidSddlAlias(Sid);
    CmdSidText(Sid, text, sizeof(text));
    CmdSidName(Sid, name, sizeof(name), &type);
    fprintf(Out, "{\"sid\": ");
    CmdJsonString(Out, text);
    fprintf(Out, ", \"name\": ");
    if (strcmp(name, text) != 0)
        CmdJsonString(Out, name);
    else
        fprintf(Out, "null");
    fprintf(Out, ", \"type\": ");
    CmdJsonString(Out, type);
    fprintf(Out, ", \"alias\": ");
    if (alias)
        CmdJsonString(Out, alias);
    else
        fprintf(Out, "null");
    fprintf(Out, "}");
}

void CmdGroupAttributes(ULONG A, char *Out, size_t Size)
{
    static const struct { ULONG Bit; const char *Text; } bits[] = {
        { SE_GROUP_MANDATORY, "Mandatory group" },
        { SE_GROUP_ENABLED_BY_DEFAULT, "Enabled by default" },
        { SE_GROUP_ENABLED, "Enabled group" },
        { SE_GROUP_OWNER, "Group owner" },
        { SE_GROUP_USE_FOR_DENY_ONLY, "Group used for deny only" },
        { SE_GROUP_INTEGRITY, "Integrity" },
        { SE_GROUP_INTEGRITY_ENABLED, "Integrity enabled" },
        { SE_GROUP_RESOURCE, "Local group (resource)" },
        { SE_GROUP_LOGON_ID, "Logon ID" },
    };
    size_t used = 0;
    Out[0] = '\0';
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]) && used < Size; i++)
        if ((A & bits[i].Bit) == bits[i].Bit) {
            int n = snprintf(Out + used, Size - used, "%s%s", used ? ", " : "", bits[i].Text);
            used += n > 0 ? (size_t)n : 0;
        }
    if (used < Size)
        snprintf(Out + used, Size - used, "%s(0x%08x)", used ? " " : "", (unsigned)A);
}

void CmdPrintAccountTables(PTOKEN_USER User, PTOKEN_GROUPS Groups, PTOKEN_PRIVILEGES Privileges,
                           const char *UserLinux, const char *const *GroupLinux)
{
    char name[300], sid[200], attrs[300];
    const char *type;
    CmdSidName(User->User.Sid, name, sizeof(name), &type);
    CmdSidText(User->User.Sid, sid, sizeof(sid));
    const char *denyOnly = User->User.Attributes & SE_GROUP_USE_FOR_DENY_ONLY ? " (deny only)" : "";
    printf("\nUSER INFORMATION\n----------------\n\n");
    if (UserLinux) {
        printf("%-40s %-46s %s\n", "User Name", "SID", "Linux id");
        printf("======================================== ============================================== ==========\n");
        printf("%-40s %-46s %s%s\n", name, sid, UserLinux, denyOnly);
    } else {
        printf("%-40s %s\n", "User Name", "SID");
        printf("======================================== ==============================================\n");
        printf("%-40s %s%s\n", name, sid, denyOnly);
    }
    printf("\n\nGROUP INFORMATION\n-----------------\n\n%-40s %-16s %-46s %s%s\n", "Group Name", "Type", "SID",
           GroupLinux ? "Linux                        " : "", "Attributes");
    printf("======================================== ================ ==============================================%s"
           " ==========\n", GroupLinux ? " ============================" : "");
    for (ULONG i = 0; Groups && i < Groups->GroupCount; i++) {
        CmdSidName(Groups->Groups[i].Sid, name, sizeof(name), &type);
        CmdSidText(Groups->Groups[i].Sid, sid, sizeof(sid));
        CmdGroupAttributes(Groups->Groups[i].Attributes, attrs, sizeof(attrs));
        if (GroupLinux)
            printf("%-40s %-16s %-46s %-28s %s\n", name, type, sid, GroupLinux[i], attrs);
        else
            printf("%-40s %-16s %-46s %s\n", name, type, sid, attrs);
    }
    if (Groups == NULL || Groups->GroupCount == 0)
        printf("(none)\n");
    printf("\n\nPRIVILEGES INFORMATION\n----------------------\n\n%-42s %-66s %s\n", "Privilege Name", "Description",
           "State");
    printf("========================================== ================================================================== ========\n");
    for (ULONG i = 0; Privileges && i < Privileges->PrivilegeCount; i++) {
        PCSTR pn = NtsecPrivilegeName(Privileges->Privileges[i].Luid);
        PCSTR desc = NtsecPrivilegeDescription(Privileges->Privileges[i].Luid);
        printf("%-42s %-66s %s\n", pn ? pn : "(unknown)", desc ? desc : "",
               (Privileges->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) ? "Enabled" : "Disabled");
    }
    if (Privileges == NULL || Privileges->PrivilegeCount == 0)
        printf("(none)\n");
}

int CmdParseOptions(const char *Command, int argc, char **argv, const CMD_OPTION *Options,
                    size_t Count, void (*Usage)(FILE *))
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            Usage(stdout);
            return 0;
        }
        size_t k = 0;
        while (k < Count && strcmp(argv[i], Options[k].Name) != 0 &&
               (Options[k].Alias == NULL || strcmp(argv[i], Options[k].Alias) != 0))
            k++;
        if (k == Count || (Options[k].Value != NULL && i + 1 >= argc)) {
            fprintf(stderr, "ntsec %s: unknown or incomplete argument '%s'\n", Command, argv[i]);
            Usage(stderr);
            return 2;
        }
        if (Options[k].Value != NULL)
            *Options[k].Value = argv[++i];
        else
            *Options[k].Flag = Options[k].FlagValue;
    }
    return -1;
}

void CmdJsonStringOrNull(FILE *Out, const char *Text)
{
    if (Text != NULL && Text[0] != '\0')
        CmdJsonString(Out, Text);
    else
        fputs("null", Out);
}
