/*
 * cmd_sddl.c - "ntsec sddl": SDDL to canonical SDDL and a readable breakdown, SDDL to
 * self-relative bytes (--hex), and bytes back to SDDL (--from-hex). Uses only Rtl/SDDL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "ntsec.h"
#include "rtl/rtlp.h"
#include "se/rights.h"

/* The object type named by --type: its specific-right names replace the SDDL bit letters. */
static BOOLEAN SddlHaveKind = FALSE;
static SEP_RIGHTS_KIND SddlKind = SepRightsGeneric;

static void SddlUsage(FILE *Out)
{
    fprintf(Out, "usage: ntsec sddl [--type file|dir|key] SDDL            canonical SDDL and a breakdown\n"
                 "       ntsec sddl --hex SDDL                            self-relative bytes in hex\n"
                 "       ntsec sddl [--type file|dir|key] --from-hex HEX  bytes (hex, spaces allowed) to SDDL\n"
                 "                                                        and a breakdown\n"
                 "--type spells each ACE's rights with that object type's names (FILE_READ_DATA, ...)\n"
                 "instead of the SDDL letters (CC, DC, ...), which are directory-service names.\n"
                 "Exit codes: 0 ok, 1 not printable (unsupported ACE), 2 bad usage or bad input.\n");
}

/* PrintSid - "SY (NT AUTHORITY\SYSTEM) S-1-5-18", parts omitted when unknown. */
static void PrintSid(PSID Sid)
{
    char text[200];
    PCSTR alias = RtlpSidAlias(Sid), name = RtlpSidAccountName(Sid);
    RtlpSidToString(Sid, text, sizeof(text));
    if (alias)
        printf("%s ", alias);
    if (name)
        printf("(%s) ", name);
    printf("%s\n", text);
}

static const RTLP_SDDL_NAME ExtraRights[] = {
    { "SYNCHRONIZE", SYNCHRONIZE, "synchronize" },
    { "ACCESS_SYSTEM_SECURITY", ACCESS_SYSTEM_SECURITY, "access system security" },
    { "MAXIMUM_ALLOWED", MAXIMUM_ALLOWED, "maximum allowed" },
    { NULL, 0, NULL },
};

/* PrintRights - the mask, its SDDL spelling and every bit by name. */
static void PrintRights(UCHAR AceType, ACCESS_MASK Mask)
{
    const RTLP_SDDL_NAME *bits = AceType == SYSTEM_MANDATORY_LABEL_ACE_TYPE ? RtlpSddlLabelRightBits
                                                                             : RtlpSddlRightBits;
    char sddl[80];
    int bit, first = 1;
    RtlpSddlFormatRights(AceType, Mask, sddl, sizeof(sddl));
    printf("    rights:  0x%08x%s%s\n", Mask, sddl[0] ? " = " : " (none)", sddl);
    if (SddlHaveKind && AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE) {
        char names[512];
        if (Mask == 0)
            return;
        SepRightsFormat(Mask, SddlKind, names, sizeof(names));
        printf("             %s\n", names);
        return;
    }
    for (bit = 0; bit < 32; bit++) {
        ULONG value = 1u << bit;
        const RTLP_SDDL_NAME *entry;
        if (!(Mask & value))
            continue;
        entry = RtlpSddlByValue(bits, value);
        if (entry == NULL)
            entry = RtlpSddlByValue(ExtraRights, value);
        printf("%s", first ? "             " : ", ");
        first = 0;
        if (entry != NULL)
            printf("%s (%s)", entry->Name, entry->Description);
        else
            printf("0x%x", value);
    }
    if (!first)
        printf("\n");
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
        const RTLP_SDDL_NAME *type, *flag;
        PSID sid;
        ACCESS_MASK mask;
        if (!NT_SUCCESS(RtlGetAce(acl, i, (PVOID *)&ace)))
            break;
        type = RtlpSddlByValue(RtlpSddlAceTypes, ace->AceType);
        printf("  ace %u: %s (%s)\n", i, type ? type->Description : "unknown type", type ? type->Name : "?");
        printf("    flags:   0x%02x", ace->AceFlags);
        for (flag = RtlpSddlAceFlags; flag->Name; flag++)
            if (ace->AceFlags & flag->Value)
                printf(" %s (%s)", flag->Name, flag->Description);
        printf("\n");
        if (ace->AceSize >= 8) {
            memcpy(&mask, (PUCHAR)ace + 4, 4);
            PrintRights(ace->AceType, mask);
        }
        if (RtlpIsObjectAceType(ace->AceType) && ace->AceSize >= 12) {
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
        sid = RtlpAceSid(ace);
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

/* Explain - prints canonical SDDL and the breakdown of a valid self-relative SD. */
static int Explain(PSECURITY_DESCRIPTOR Sd)
{
    PSTR sddl = NULL;
    PSID sid;
    BOOLEAN defaulted;
    SECURITY_DESCRIPTOR_CONTROL control;
    ULONG revision, bit;
    NTSTATUS status = NtsecSecurityDescriptorToSddl(Sd, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                    DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION, &sddl);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "ntsec sddl: cannot print as SDDL (0x%08x): %s\n", (unsigned)status, NtsecLastErrorText());
        return NTSEC_EXIT_FAILED;
    }
    printf("sddl:    %s\n", sddl);
    NtsecFree(sddl);
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
    return NTSEC_EXIT_OK;
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

/* NtsecCmdSddl - see commands.h. */
int NtsecCmdSddl(int argc, char **argv)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG length = 0, i;
    NTSTATUS status;
    int rc;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        SddlUsage(stdout);
        return NTSEC_EXIT_OK;
    }
    SddlHaveKind = FALSE;
    if (argc >= 3 && strcmp(argv[1], "--type") == 0) {
        PCSTR type = argv[2];
        if (strcmp(type, "file") == 0) SddlKind = SepRightsFile;
        else if (strcmp(type, "dir") == 0 || strcmp(type, "directory") == 0) SddlKind = SepRightsDirectory;
        else if (strcmp(type, "key") == 0) SddlKind = SepRightsKey;
        else {
            fprintf(stderr, "ntsec sddl: unknown --type '%s' (file, dir, key)\n", type);
            return NTSEC_EXIT_USAGE;
        }
        SddlHaveKind = TRUE;
        argc -= 2;
        argv += 2;
        if (argc == 3 && strcmp(argv[1], "--hex") == 0) {
            SddlUsage(stderr); /* --type names rights in the breakdown; --hex prints none */
            return NTSEC_EXIT_USAGE;
        }
    }
    if (argc == 3 && strcmp(argv[1], "--from-hex") == 0)
        return FromHex(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--hex") == 0) {
        status = NtsecSddlToSecurityDescriptor(argv[2], &sd, &length);
        if (!NT_SUCCESS(status))
            return ParseError(argv[2], status);
        for (i = 0; i < length; i++)
            printf("%02x", ((PUCHAR)sd)[i]);
        printf("\n");
        NtsecFree(sd);
        return NTSEC_EXIT_OK;
    }
    if (argc != 2 || argv[1][0] == '-') {
        SddlUsage(stderr);
        return NTSEC_EXIT_USAGE;
    }
    status = NtsecSddlToSecurityDescriptor(argv[1], &sd, &length);
    if (!NT_SUCCESS(status))
        return ParseError(argv[1], status);
    rc = Explain(sd);
    NtsecFree(sd);
    return rc;
}
