/*
 * cmd_sddl.c - "ntsec sddl": SDDL to canonical SDDL and a readable breakdown, SDDL to
 * self-relative bytes (--hex), and bytes back to SDDL (--from-hex). Uses only Rtl/SDDL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "common.h"

/* The object type whose specific-right names replace the SDDL bit letters: --type, or
 * inferred from the SDDL text (FA/FR/FW/FX: a file, KA/KR/KW/KX: a key). */
static BOOLEAN SddlHaveKind = FALSE;
static BOOLEAN SddlJson = FALSE;
static NTSEC_OBJECT_KIND SddlKind = NtsecObjectGeneric;

static void SddlUsage(FILE *Out)
{
    fprintf(Out, "usage: ntsec sddl [--type file|dir|key] [--domain SID] [--json] SDDL|@FILE|@-  canonical SDDL and a breakdown\n"
                 "       ntsec sddl [--domain SID] --hex SDDL|@FILE|@-                  self-relative bytes in hex\n"
                 "       ntsec sddl [--type file|dir|key] --from-hex HEX|@FILE|@-       bytes (hex, spaces allowed) to SDDL\n"
                 "                                                                    and a breakdown\n"
                 "--type spells each ACE's rights with that object type's names (FILE_READ_DATA, ...)\n"
                 "instead of the SDDL letters (CC, DC, ...), which are directory-service names; without it\n"
                 "SDDL that uses FA/FR/FW/FX (KA/KR/KW/KX) is taken to be a file's (a key's).\n"
                 "--domain SID: the domain SID that DA, DU, LA, ... resolve against (else $" NTSEC_DOMAIN_ENV ").\n"
                 "Exit codes: 0 ok, 1 not all printable as SDDL (the rest is shown), 2 bad usage or bad input.\n");
}

/* PrintSid - "SY (NT AUTHORITY\SYSTEM) S-1-5-18", parts omitted when unknown. */
static void PrintSid(PSID Sid)
{
    char text[200], name[300];
    PCSTR alias = NtsecSidSddlAlias(Sid);
    CmdSidText(Sid, text, sizeof(text));
    CmdSidName(Sid, name, sizeof(name), NULL);
    if (alias)
        printf("%s ", alias);
    if (strcmp(name, text) != 0)
        printf("(%s) ", name);
    printf("%s\n", text);
}

/* PrintRights - the mask, its SDDL spelling and every bit by name. */
static void PrintRights(UCHAR AceType, ACCESS_MASK Mask)
{
    NTSEC_SDDL_TABLE table = AceType == SYSTEM_MANDATORY_LABEL_ACE_TYPE ? NtsecSddlLabelRight : NtsecSddlRight;
    PSTR sddl = NULL;
    int bit, first = 1;
    if (!NT_SUCCESS(NtsecSddlFormatRights(AceType, Mask, &sddl)))
        sddl = NULL;
    printf("    rights:  0x%08x%s%s\n", Mask, sddl && sddl[0] ? " = " : " (none)", sddl ? sddl : "");
    NtsecFree(sddl);
    if (SddlHaveKind && AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE) {
        char names[768];
        if (Mask == 0)
            return;
        CmdFormatRights(Mask, SddlKind, names, sizeof(names));
        printf("             %s\n", names);
        return;
    }
    for (bit = 0; bit < 32; bit++) {
        ULONG value = 1u << bit;
        if (!(Mask & value))
            continue;
        PCSTR name = NtsecSddlName(table, value), description = NtsecSddlDescription(table, value);
        printf("%s", first ? "             " : ", ");
        first = 0;
        if (name != NULL) {
            printf("%s (%s)", name, description ? description : "");
        } else {
            char names[64];
            CmdFormatRights(value, NtsecObjectGeneric, names, sizeof(names));
            printf("%s", names);
        }
    }
    if (!first)
        printf("\n");
}

static BOOLEAN SddlIsObjectAce(UCHAR AceType)
{
    switch (AceType) {
    case ACCESS_ALLOWED_OBJECT_ACE_TYPE: case ACCESS_DENIED_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_OBJECT_ACE_TYPE: case SYSTEM_ALARM_OBJECT_ACE_TYPE:
    case 0x0B: case 0x0C: case 0x0F: case 0x10:
        return TRUE;
    default:
        return FALSE;
    }
}

static void PrintAcl(const char *Name, PSECURITY_DESCRIPTOR Sd, BOOLEAN Dacl)
{
    BOOLEAN present = FALSE, defaulted = FALSE;
    PACL acl = NULL;
    ULONG i;
    if (Dacl)
        RtlGetDaclSecurityDescriptor(Sd, &present, &acl, &defaulted);
    else
        RtlGetSaclSecurityDescriptor(Sd, &present, &acl, &defaulted);
    if (!present) {
        printf("%s:    absent\n", Name);
        return;
    }
    if (acl == NULL) {
        printf("%s:    NULL (%s)\n", Name, Dacl ? "no access control: everyone gets every right" : "no auditing");
        return;
    }
    printf("%s:    revision %u, %u ACE%s, %u bytes\n", Name, acl->AclRevision, acl->AceCount,
           acl->AceCount == 1 ? "" : "s", acl->AclSize);
    for (i = 0; i < acl->AceCount; i++) {
        PACE_HEADER ace;
        PSID sid;
        ACCESS_MASK mask;
        if (!NT_SUCCESS(RtlGetAce(acl, i, (PVOID *)&ace)))
            break;
        PCSTR typeName = NtsecSddlName(NtsecSddlAceType, ace->AceType);
        PCSTR typeText = NtsecSddlDescription(NtsecSddlAceType, ace->AceType);
        printf("  ace %u: %s (%s)\n", i, typeText ? typeText : "unknown type", typeName ? typeName : "?");
        printf("    flags:   0x%02x", ace->AceFlags);
        for (ULONG bit = 0; bit < 8; bit++) {
            PCSTR flag = NtsecSddlName(NtsecSddlAceFlag, 1u << bit);
            if ((ace->AceFlags & (1u << bit)) && flag)
                printf(" %s (%s)", flag, NtsecSddlDescription(NtsecSddlAceFlag, 1u << bit));
        }
        printf("\n");
        if (typeName == NULL) {
            printf("    bytes:  ");
            for (ULONG k = 0; k < ace->AceSize; k++)
                printf(" %02x", ((PUCHAR)ace)[k]);
            printf("\n");
        }
        if (ace->AceSize >= 8) {
            memcpy(&mask, (PUCHAR)ace + 4, 4);
            PrintRights(ace->AceType, mask);
        }
        if (SddlIsObjectAce(ace->AceType) && ace->AceSize >= 12) {
            ULONG object_flags, offset = 12, k;
            memcpy(&object_flags, (PUCHAR)ace + 8, 4);
            for (k = 0; k < 2; k++) {
                GUID g;
                if (!(object_flags & (1u << k)))
                    continue;
                memcpy(&g, (PUCHAR)ace + offset, sizeof(g));
                offset += sizeof(g);
                printf("    %s %08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
                       k == 0 ? "object:   " : "inherited:", g.Data1, g.Data2, g.Data3, g.Data4[0],
                       g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
            }
        }
        sid = NtsecAceSid(ace);
        if (sid != NULL) {
            printf("    trustee: ");
            PrintSid(sid);
        }
    }
}

static const char *ControlNames[16] = {
    "OWNER_DEFAULTED", "GROUP_DEFAULTED", "DACL_PRESENT", "DACL_DEFAULTED", "SACL_PRESENT",
    "SACL_DEFAULTED", "DACL_UNTRUSTED", "SERVER_SECURITY", "DACL_AUTO_INHERIT_REQ",
    "SACL_AUTO_INHERIT_REQ", "DACL_AUTO_INHERITED", "SACL_AUTO_INHERITED", "DACL_PROTECTED",
    "SACL_PROTECTED", "RM_CONTROL_VALID", "SELF_RELATIVE",
};

/* JsonAcl / ExplainJson - docs/cli.md "sddl". */
static void JsonAcl(PSECURITY_DESCRIPTOR Sd, BOOLEAN Dacl)
{
    BOOLEAN present = FALSE, defaulted = FALSE;
    PACL acl = NULL;
    if (Dacl)
        RtlGetDaclSecurityDescriptor(Sd, &present, &acl, &defaulted);
    else
        RtlGetSaclSecurityDescriptor(Sd, &present, &acl, &defaulted);
    printf("{\"present\": %s, \"null\": %s, \"aces\": [", present ? "true" : "false",
           present && acl == NULL ? "true" : "false");
    for (ULONG i = 0; acl != NULL && i < acl->AceCount; i++) {
        PACE_HEADER ace;
        ACCESS_MASK mask = 0;
        if (!NT_SUCCESS(RtlGetAce(acl, i, (PVOID *)&ace)))
            break;
        if (ace->AceSize >= 8)
            memcpy(&mask, (PUCHAR)ace + 4, 4);
        PCSTR name = NtsecSddlName(NtsecSddlAceType, ace->AceType);
        PSID sid = NtsecAceSid(ace);
        printf("%s{\"type\": %u, \"type_name\": ", i ? ", " : "", ace->AceType);
        if (name) CmdJsonString(stdout, name); else printf("null");
        printf(", \"flags\": %u, \"mask\": \"0x%08x\", \"trustee\": ", ace->AceFlags, (unsigned)mask);
        if (sid) CmdJsonSid(stdout, sid); else printf("null");
        if (name == NULL) {
            printf(", \"bytes\": \"");
            for (ULONG b = 0; b < ace->AceSize; b++)
                printf("%02x", ((PUCHAR)ace)[b]);
            printf("\"");
        }
        printf("}");
    }
    printf("]}");
}

static int ExplainJson(PSECURITY_DESCRIPTOR Sd)
{
    PSTR sddl = NULL;
    PSID sid;
    BOOLEAN defaulted;
    SECURITY_DESCRIPTOR_CONTROL control;
    ULONG revision;
    NTSTATUS status = NtsecSecurityDescriptorToSddl(Sd, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                    DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION, &sddl);
    printf("{\"sddl\": ");
    if (NT_SUCCESS(status)) CmdJsonString(stdout, sddl); else printf("null");
    NtsecFree(sddl);
    printf(", \"error\": ");
    if (NT_SUCCESS(status)) printf("null"); else CmdJsonString(stdout, NtsecLastErrorText());
    RtlGetOwnerSecurityDescriptor(Sd, &sid, &defaulted);
    printf(", \"owner\": ");
    if (sid) CmdJsonSid(stdout, sid); else printf("null");
    RtlGetGroupSecurityDescriptor(Sd, &sid, &defaulted);
    printf(", \"group\": ");
    if (sid) CmdJsonSid(stdout, sid); else printf("null");
    RtlGetControlSecurityDescriptor(Sd, &control, &revision);
    printf(", \"control\": %u, \"dacl\": ", (unsigned)control);
    JsonAcl(Sd, TRUE);
    printf(", \"sacl\": ");
    JsonAcl(Sd, FALSE);
    printf("}\n");
    return NT_SUCCESS(status) ? NTSEC_EXIT_OK : NTSEC_EXIT_FAILED;
}

/* Explain - prints canonical SDDL and the breakdown of a valid self-relative SD. */
static int Explain(PSECURITY_DESCRIPTOR Sd)
{
    if (SddlJson)
        return ExplainJson(Sd);
    PSTR sddl = NULL;
    PSID sid;
    BOOLEAN defaulted;
    SECURITY_DESCRIPTOR_CONTROL control;
    ULONG revision, bit;
    NTSTATUS status = NtsecSecurityDescriptorToSddl(Sd, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                    DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION, &sddl);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "ntsec sddl: cannot print as SDDL (0x%08x): %s\n", (unsigned)status, NtsecLastErrorText());
        printf("sddl:    (not printable as SDDL; the ACE without an SDDL form is shown in hex below)\n");
    } else {
        printf("sddl:    %s\n", sddl);
        NtsecFree(sddl);
    }
    if (SddlHaveKind)
        printf("type:    %s\n", SddlKind == NtsecObjectKey ? "key" : SddlKind == NtsecObjectDirectory ? "directory" : "file");
    RtlGetOwnerSecurityDescriptor(Sd, &sid, &defaulted);
    printf("owner:   ");
    if (sid) PrintSid(sid); else printf("none\n");
    RtlGetGroupSecurityDescriptor(Sd, &sid, &defaulted);
    printf("group:   ");
    if (sid) PrintSid(sid); else printf("none\n");
    RtlGetControlSecurityDescriptor(Sd, &control, &revision);
    printf("control: 0x%04x", control);
    for (bit = 0; bit < 16; bit++)
        if (control & (1u << bit))
            printf(" %s", ControlNames[bit]);
    printf("\n");
    PrintAcl("dacl", Sd, TRUE);
    PrintAcl("sacl", Sd, FALSE);
    return NT_SUCCESS(status) ? NTSEC_EXIT_OK : NTSEC_EXIT_FAILED;
}

/* ParseError - the library's message, then the input with a caret under the offset. */
static int ParseError(const char *Text, NTSTATUS Status)
{
    unsigned offset;
    const char *message = NtsecLastErrorText();
    fprintf(stderr, "ntsec sddl: %s\n", message[0] ? message : "invalid SDDL");
    if (sscanf(message, "SDDL error at offset %u", &offset) == 1 && offset <= strlen(Text))
        fprintf(stderr, "  %s\n  %*s^\n", Text, (int)offset, "");
    if (Status == STATUS_NOT_IMPLEMENTED)
        fprintf(stderr, "ntsec sddl: not supported by ntsec (STATUS_NOT_IMPLEMENTED)\n");
    return NTSEC_EXIT_USAGE;
}

static int HexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int FromHex(const char *Hex)
{
    size_t n = strlen(Hex), count = 0, i;
    PUCHAR bytes = malloc(n / 2 + 1);
    int hi = -1, rc;
    for (i = 0; i < n; i++) {
        int v;
        if (Hex[i] == ' ' || Hex[i] == '\n' || Hex[i] == '\t' || Hex[i] == ':')
            continue;
        v = HexValue(Hex[i]);
        if (v < 0) {
            fprintf(stderr, "ntsec sddl: bad hex digit '%c' at offset %zu\n  %s\n  %*s^\n", Hex[i], i, Hex, (int)i, "");
            free(bytes);
            return NTSEC_EXIT_USAGE;
        }
        if (hi < 0) {
            hi = v;
        } else {
            bytes[count++] = (UCHAR)(hi * 16 + v);
            hi = -1;
        }
    }
    if (hi >= 0) {
        fprintf(stderr, "ntsec sddl: odd number of hex digits\n");
        free(bytes);
        return NTSEC_EXIT_USAGE;
    }
    if (!RtlValidRelativeSecurityDescriptor(bytes, (ULONG)count, 0)) {
        fprintf(stderr, "ntsec sddl: the %zu bytes are not a valid self-relative security descriptor\n", count);
        free(bytes);
        return NTSEC_EXIT_USAGE;
    }
    rc = Explain(bytes);
    free(bytes);
    return rc;
}

/* SddlInferKind - a file when an ACE's rights use FA/FR/FW/FX, a key for KA/KR/KW/KX. */
static void SddlInferKind(const char *Text)
{
    for (const char *p = strchr(Text, '('); p != NULL; p = strchr(p + 1, '(')) {
        const char *rights = strchr(p, ';');
        rights = rights ? strchr(rights + 1, ';') : NULL;
        if (rights == NULL)
            return;
        rights++;
        size_t n = strcspn(rights, ";)");
        for (size_t k = 0; k + 1 < n; k += 2) {
            char a = rights[k], b = rights[k + 1];
            if ((a == 'F' || a == 'K') && (b == 'A' || b == 'R' || b == 'W' || b == 'X')) {
                SddlHaveKind = TRUE;
                SddlKind = a == 'F' ? NtsecObjectFile : NtsecObjectKey;
                return;
            }
            if (rights[k] == '0')
                break; /* a number */
        }
    }
}

/* NtsecCmdSddl - see commands.h. */
int NtsecCmdSddl(int argc, char **argv)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG length = 0, i;
    NTSTATUS status;
    int rc, hex = 0, fromHex = 0;
    const char *input = NULL, *domain = NULL;
    SddlHaveKind = FALSE;
    SddlJson = FALSE;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            SddlUsage(stdout);
            return NTSEC_EXIT_OK;
        } else if (strcmp(argv[a], "--type") == 0 && a + 1 < argc) {
            if (!CmdParseKind("sddl", argv[++a], &SddlKind))
                return NTSEC_EXIT_USAGE;
            SddlHaveKind = TRUE;
        } else if (strcmp(argv[a], "--domain") == 0 && a + 1 < argc) {
            domain = argv[++a];
        } else if (strcmp(argv[a], "--json") == 0) {
            SddlJson = TRUE;
        } else if (strcmp(argv[a], "--hex") == 0) {
            hex = 1;
        } else if (strcmp(argv[a], "--from-hex") == 0) {
            fromHex = 1;
        } else if (strcmp(argv[a], "--") == 0 && a + 2 == argc) {
            input = argv[++a];
        } else if ((argv[a][0] != '-' || strcmp(argv[a], "@-") == 0) && input == NULL) {
            input = argv[a];
        } else {
            SddlUsage(stderr);
            return NTSEC_EXIT_USAGE;
        }
    }
    if (input == NULL || (hex && fromHex) || (hex && SddlHaveKind)) {
        SddlUsage(stderr); /* --type names rights in the breakdown; --hex prints none */
        return NTSEC_EXIT_USAGE;
    }
    if (!CmdSetDomain("sddl", domain))
        return NTSEC_EXIT_USAGE;
    char *text = CmdArgument("sddl", fromHex ? "--from-hex" : "SDDL", input);
    if (text == NULL)
        return NTSEC_EXIT_USAGE;
    if (fromHex) {
        rc = FromHex(text);
        free(text);
        return rc;
    }
    status = NtsecSddlToSecurityDescriptor(text, &sd, &length);
    if (!NT_SUCCESS(status)) {
        rc = ParseError(text, status);
        free(text);
        return rc;
    }
    if (hex) {
        for (i = 0; i < length; i++)
            printf("%02x", ((PUCHAR)sd)[i]);
        printf("\n");
        rc = NTSEC_EXIT_OK;
    } else {
        if (!SddlHaveKind)
            SddlInferKind(text);
        rc = Explain(sd);
    }
    free(text);
    NtsecFree(sd);
    return rc;
}
