/*
 * sddl_parse.c - SDDL text to a self-relative security descriptor
 * (NtsecSddlToSecurityDescriptor). Grammar: docs/sddl.md and the "Security Descriptor
 * String Format" / "ACE Strings" pages; every rejection names the offset and the word.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "rtlp_cond.h"
#include "ntsec.h"

#define RTLP_MAX_ACL 0xFFFCu /* the largest ULONG-aligned AclSize */

typedef struct _RTLP_SDDL_PARSER {
    PCSTR Start;
    PCSTR P;
} RTLP_SDDL_PARSER;

/* RtlpFail - records "SDDL error at offset N: ..." for NtsecLastErrorText; returns Status. */
static NTSTATUS __attribute__((format(printf, 4, 5)))
RtlpFail(RTLP_SDDL_PARSER *Parser, PCSTR At, NTSTATUS Status, PCSTR Format, ...)
{
    char message[192];
    va_list args;
    va_start(args, Format);
    vsnprintf(message, sizeof(message), Format, args);
    va_end(args);
    RtlpSetLastErrorText("SDDL error at offset %u: %s", (unsigned)(At - Parser->Start), message);
    return Status;
}

/* RtlpFieldEnd - end of the ACE field starting at P: the next ';' or ')' or NUL. */
static PCSTR RtlpFieldEnd(PCSTR P)
{
    while (*P != '\0' && *P != ';' && *P != ')')
        P++;
    return P;
}

static BOOLEAN RtlpIsBlank(char C) { return C == ' ' || C == '\t' || C == '\n' || C == '\r'; }

static void RtlpSkipSpaces(RTLP_SDDL_PARSER *Parser)
{
    while (RtlpIsBlank(*Parser->P))
        Parser->P++;
}

/* RtlpFieldStart - P past the blanks that may open an ACE field (see RtlpParseAce). */
static PCSTR RtlpFieldStart(PCSTR P)
{
    while (RtlpIsBlank(*P))
        P++;
    return P;
}

/* RtlpParseSid - a SID (alias or S-1-...) at Parser->P into Sid (SECURITY_MAX_SID_SIZE bytes). */
static NTSTATUS RtlpParseSid(RTLP_SDDL_PARSER *Parser, PSID Sid)
{
    PCSTR end;
    NTSTATUS status = RtlpStringToSid(Parser->P, &end, Sid, SECURITY_MAX_SID_SIZE);
    if (status == STATUS_NONE_MAPPED)
        return RtlpFail(Parser, Parser->P, STATUS_INVALID_PARAMETER,
                        "domain SID alias \"%.2s\" needs a domain SID (NtsecSetDomainSid)",
                        Parser->P);
    if (!NT_SUCCESS(status)) {
        PCSTR stop = Parser->P;
        while (*stop != '\0' && *stop != ';' && *stop != ')' && *stop != ':' && stop - Parser->P < 40)
            stop++;
        return RtlpFail(Parser, Parser->P, STATUS_INVALID_PARAMETER, "invalid SID \"%.*s\"",
                        (int)(stop - Parser->P), Parser->P);
    }
    Parser->P = end;
    return STATUS_SUCCESS;
}

/* RtlpParseGuid - exactly "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in [Text, End). */
static BOOLEAN RtlpParseGuid(PCSTR Text, PCSTR End, GUID *Guid)
{
    UCHAR bytes[16];
    int i, n = 0;
    if (End - Text != 36)
        return FALSE;
    for (i = 0; i < 36;) {
        int hi, lo;
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (Text[i] != '-')
                return FALSE;
            i++;
            continue;
        }
        hi = RtlpHexValue(Text[i]);
        lo = RtlpHexValue(Text[i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        bytes[n++] = (UCHAR)(hi * 16 + lo);
        i += 2;
    }
    /* Data1..Data3 are little-endian in memory, written big-endian in text. */
    Guid->Data1 = ((ULONG)bytes[0] << 24) | ((ULONG)bytes[1] << 16) | ((ULONG)bytes[2] << 8) | bytes[3];
    Guid->Data2 = (USHORT)((bytes[4] << 8) | bytes[5]);
    Guid->Data3 = (USHORT)((bytes[6] << 8) | bytes[7]);
    memcpy(Guid->Data4, bytes + 8, 8);
    return TRUE;
}

/*
 * RtlpParseRightsNumber - one number of the rights field at *Cursor (before End), read as
 * strtoul with base 0 reads it: "0x"/"0X" hex, a leading "0" octal, else decimal. It stops
 * at the first character that is not a digit of its base (a right name may follow); a digit
 * the base cannot take (octal "08"), "0x" without a hex digit, or a value above 32 bits is
 * an error.
 */
static NTSTATUS RtlpParseRightsNumber(RTLP_SDDL_PARSER *Parser, PCSTR *Cursor, PCSTR End,
                                      ACCESS_MASK *Value)
{
    PCSTR start = *Cursor, p = start;
    ULONGLONG value = 0;
    ULONG base = 10;
    if (p[0] == '0' && End - p >= 2 && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
        if (p >= End)
            return RtlpFail(Parser, start, STATUS_INVALID_PARAMETER, "no hex digit after \"0x\" in rights");
        if (RtlpHexValue(*p) < 0)
            return RtlpFail(Parser, p, STATUS_INVALID_PARAMETER, "bad digit '%c' in rights", *p);
    } else if (p[0] == '0') {
        base = 8;
    }
    for (; p < End; p++) {
        int d = RtlpHexValue(*p);
        if (d < 0 || (base != 16 && d > 9))
            break; /* not a digit: a right name may follow */
        if ((ULONG)d >= base)
            return RtlpFail(Parser, p, STATUS_INVALID_PARAMETER, "bad digit '%c' in rights", *p);
        value = value * base + (ULONGLONG)d;
        if (value > 0xFFFFFFFFull) {
            PCSTR stop = p;
            while (stop < End && RtlpHexValue(*stop) >= 0)
                stop++;
            return RtlpFail(Parser, start, STATUS_INVALID_PARAMETER,
                            "rights value \"%.*s\" does not fit 32 bits", (int)(stop - start), start);
        }
    }
    *Cursor = p;
    *Value = (ACCESS_MASK)value;
    return STATUS_SUCCESS;
}

/*
 * RtlpParseRights - the rights field [Text, End): numbers (RtlpParseRightsNumber) and
 * two-letter names (whole-mask names like FA, single rights like RP; NR/NW/NX too), in any
 * mix, ORed together.
 * @remarks Windows takes "020000000000" as GENERIC_READ and accepts "GR0xFFFFFFFF",
 * "0xFFFFFFFFGR" and "0xFFFFFGR" (Windows-run expectations in Wine's
 * test_ConvertStringSecurityDescriptor). Spaces between tokens are accepted
 * ("RP LCLO  RC" is LCRPLORC), a blank after the last one is not ("GA ;"), nor a tab
 * between two ("RP LC<tab>LORC"): Samba python/samba/tests/sddl.py, SddlNonCanonical and
 * SddlShouldFail ("tabs in flags"), checked on Windows.
 */
static NTSTATUS RtlpParseRights(RTLP_SDDL_PARSER *Parser, PCSTR Text, PCSTR End, ACCESS_MASK *Mask)
{
    PCSTR p = Text;
    *Mask = 0;
    while (p < End) {
        const RTLP_SDDL_NAME *entry = NULL;
        if (p > Text && RtlpIsBlank(*p)) {
            /* Spaces between two tokens, not after the last one; no tabs (or other blanks). */
            PCSTR q = p;
            while (q < End && *q == ' ')
                q++;
            if (q < End && RtlpIsBlank(*q))
                return RtlpFail(Parser, q, STATUS_INVALID_PARAMETER, "tab or line break between rights");
            if (q == End)
                return RtlpFail(Parser, p, STATUS_INVALID_PARAMETER, "blank after the last right");
            p = q;
        }
        if (*p >= '0' && *p <= '9') {
            ACCESS_MASK value = 0;
            NTSTATUS status = RtlpParseRightsNumber(Parser, &p, End, &value);
            if (!NT_SUCCESS(status))
                return status;
            *Mask |= value;
            continue;
        }
        if (End - p >= 2) {
            entry = RtlpSddlLookup(RtlpSddlRights, p, 2);
            if (entry == NULL)
                entry = RtlpSddlLookup(RtlpSddlLabelRightBits, p, 2);
        }
        if (entry == NULL)
            return RtlpFail(Parser, p, STATUS_INVALID_PARAMETER, "unknown right \"%.*s\"",
                            (int)(End - p >= 2 ? 2 : 1), p);
        *Mask |= entry->Value;
        p += 2;
    }
    return STATUS_SUCCESS;
}

/* Where RtlpParseAceData puts the data in its buffer: room for the largest fixed part
 * (object ACE with two GUIDs and the largest SID) in front of it. */
#define RTLP_ACE_DATA_OFFSET (12 + 2 * sizeof(GUID) + SECURITY_MAX_SID_SIZE)

/*
 * RtlpParseAceData - the seventh ACE field at Parser->P (on its ';'): a conditional
 * expression for XA, XD, ZA and XU (RtlpCondCompile), resource-attribute data for RA
 * (RtlpResourceAttributeCompile). *Data receives a pool buffer (RTLP_TAG_SDDL, the caller
 * frees it) holding the *Length bytes at RTLP_ACE_DATA_OFFSET.
 */
static NTSTATUS RtlpParseAceData(RTLP_SDDL_PARSER *Parser, UCHAR AceType, PCSTR TypeName,
                                 PUCHAR *Data, PULONG Length)
{
    PCSTR field = RtlpFieldStart(Parser->P + 1), end = field, at, message;
    BOOLEAN condition = AceType == ACCESS_ALLOWED_CALLBACK_ACE_TYPE ||
                        AceType == ACCESS_DENIED_CALLBACK_ACE_TYPE ||
                        AceType == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE ||
                        AceType == SYSTEM_AUDIT_CALLBACK_ACE_TYPE;
    PUCHAR buffer;
    NTSTATUS status;
    *Data = NULL;
    *Length = 0;
    if (!condition && AceType != SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE)
        return RtlpFail(Parser, Parser->P, STATUS_INVALID_PARAMETER,
                        "ACE type \"%s\" takes no seventh field (only XA, XD, ZA, XU and RA do)",
                        TypeName);
    buffer = ExAllocatePoolWithTag(PagedPool, RTLP_MAX_ACL, RTLP_TAG_SDDL);
    if (buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = condition
        ? RtlpCondCompile(field, &end, buffer + RTLP_ACE_DATA_OFFSET,
                          RTLP_MAX_ACL - RTLP_ACE_DATA_OFFSET, Length, &at, &message)
        : RtlpResourceAttributeCompile(field, &end, buffer + RTLP_ACE_DATA_OFFSET,
                                       RTLP_MAX_ACL - RTLP_ACE_DATA_OFFSET, Length, &at, &message);
    if (!NT_SUCCESS(status)) {
        ExFreePool(buffer);
        return RtlpFail(Parser, at, STATUS_INVALID_PARAMETER, "%s", message);
    }
    Parser->P = end;
    *Data = buffer;
    return STATUS_SUCCESS;
}

/*
 * RtlpParseAce - one "(type;flags;rights;guid;guid;sid)" at Parser->P, appended to Acl.
 * @remarks Windows rules: OA/OD/OU/OL without either GUID become A/D/AU/AL; blanks may open
 * any field and follow a two-letter trustee, but not follow the type, the rights or a SID
 * string ("( D;; GA;;; WD )" parses, "(D ;;GA;;;WD)", "(D;;GA ;;;WD)" and
 * "(A;;GA;;;S-1-3-4 )" do not: Windows-run expectations in Wine's
 * test_ConvertStringSecurityDescriptor and Samba's python/samba/tests/sddl.py); a seventh
 * field (RtlpParseAceData) carries the condition of XA/XD/ZA/XU or the attribute of RA.
 */
static NTSTATUS RtlpParseAce(RTLP_SDDL_PARSER *Parser, PACL Acl)
{
    union {
        ACE_HEADER Header;
        UCHAR Bytes[12 + 2 * sizeof(GUID) + SECURITY_MAX_SID_SIZE];
        ULONG Align;
    } ace;
    ULONG sid_buffer[SECURITY_MAX_SID_SIZE / sizeof(ULONG)];
    const RTLP_SDDL_NAME *type;
    PCSTR field, end;
    UCHAR ace_type, flags = 0;
    ACCESS_MASK mask;
    GUID guids[2];
    BOOLEAN have[2] = { FALSE, FALSE };
    ULONG size, i, data_length = 0;
    PUCHAR data = NULL;
    NTSTATUS status;

    Parser->P++; /* '(' */
    /* type */
    field = RtlpFieldStart(Parser->P);
    end = RtlpFieldEnd(field);
    type = RtlpSddlLookup(RtlpSddlAceTypes, field, (SIZE_T)(end - field));
    if (type == NULL)
        return RtlpFail(Parser, field, STATUS_INVALID_PARAMETER, "unknown ACE type \"%.*s\"",
                        (int)(end - field > 8 ? 8 : end - field), field);
    ace_type = (UCHAR)type->Value;
    if (*end != ';')
        return RtlpFail(Parser, end, STATUS_INVALID_PARAMETER, "expected ';' after ACE type");
    /* flags */
    field = RtlpFieldStart(end + 1);
    end = RtlpFieldEnd(field);
    for (Parser->P = field; Parser->P < end; Parser->P += 2) {
        const RTLP_SDDL_NAME *flag = NULL;
        if (end - Parser->P >= 2) {
            if (ace_type == SYSTEM_ACCESS_FILTER_ACE_TYPE && memcmp(Parser->P, "TP", 2) == 0) {
                flags |= TRUST_PROTECTED_FILTER_ACE_FLAG;
                continue;
            }
            flag = RtlpSddlLookup(RtlpSddlAceFlags, Parser->P, 2);
        }
        if (flag == NULL)
            return RtlpFail(Parser, Parser->P, STATUS_INVALID_PARAMETER, "unknown ACE flag \"%.*s\"",
                            (int)(end - Parser->P >= 2 ? 2 : 1), Parser->P);
        flags |= (UCHAR)flag->Value;
    }
    if (*end != ';')
        return RtlpFail(Parser, end, STATUS_INVALID_PARAMETER, "expected ';' after ACE flags");
    /* rights */
    field = RtlpFieldStart(end + 1);
    end = RtlpFieldEnd(field);
    status = RtlpParseRights(Parser, field, end, &mask);
    if (!NT_SUCCESS(status))
        return status;
    /* object type and inherited object type */
    for (i = 0; i < 2; i++) {
        if (*end != ';')
            return RtlpFail(Parser, end, STATUS_INVALID_PARAMETER, "expected ';' in ACE");
        field = RtlpFieldStart(end + 1);
        end = RtlpFieldEnd(field);
        if (*end != ';')
            return RtlpFail(Parser, end, STATUS_INVALID_PARAMETER,
                            "ACE has too few fields (type;flags;rights;object;inherited object;trustee)");
        if (end == field)
            continue;
        if (!RtlpIsObjectAceType(ace_type))
            return RtlpFail(Parser, field, STATUS_INVALID_PARAMETER,
                            "object GUID on ACE type \"%s\", which is not an object ACE", type->Name);
        if (!RtlpParseGuid(field, end, &guids[i]))
            return RtlpFail(Parser, field, STATUS_INVALID_PARAMETER, "invalid GUID \"%.*s\"",
                            (int)(end - field > 40 ? 40 : end - field), field);
        have[i] = TRUE;
    }
    if (*end != ';')
        return RtlpFail(Parser, end, STATUS_INVALID_PARAMETER, "expected ';' before ACE trustee");
    /* trustee */
    Parser->P = RtlpFieldStart(end + 1);
    PCSTR trustee = Parser->P;
    status = RtlpParseSid(Parser, sid_buffer);
    if (!NT_SUCCESS(status))
        return status;
    /* Blanks may follow a two-letter alias ("WD )") but not a SID string ("S-1-3-4 )"):
     * Samba python/samba/tests/sddl.py, SddlWindowsIsLessFussy and SddlShouldFail. */
    if (Parser->P - trustee == 2)
        RtlpSkipSpaces(Parser);
    if (*Parser->P == ';') {
        status = RtlpParseAceData(Parser, ace_type, type->Name, &data, &data_length);
        if (!NT_SUCCESS(status))
            return status;
        RtlpSkipSpaces(Parser);
    }
    if (*Parser->P != ')') {
        ExFreePool(data);
        return RtlpFail(Parser, Parser->P, STATUS_INVALID_PARAMETER,
                        data ? "expected ')' after the ACE's last field" : "expected ')' after ACE trustee");
    }
    Parser->P++;

    if (RtlpIsObjectAceType(ace_type) && !have[0] && !have[1] &&
        ace_type <= SYSTEM_ALARM_OBJECT_ACE_TYPE)
        ace_type = (UCHAR)(ace_type - ACCESS_ALLOWED_OBJECT_ACE_TYPE); /* OA->A, OD->D, OU->AU, OL->AL */

    memset(&ace, 0, sizeof(ace));
    ace.Header.AceType = ace_type;
    ace.Header.AceFlags = flags;
    memcpy(ace.Bytes + 4, &mask, 4);
    size = 8;
    if (RtlpIsObjectAceType(ace_type)) {
        ULONG object_flags = (have[0] ? ACE_OBJECT_TYPE_PRESENT : 0) |
                             (have[1] ? ACE_INHERITED_OBJECT_TYPE_PRESENT : 0);
        memcpy(ace.Bytes + 8, &object_flags, 4);
        size = 12;
        for (i = 0; i < 2; i++) {
            if (have[i]) {
                memcpy(ace.Bytes + size, &guids[i], sizeof(GUID));
                size += sizeof(GUID);
            }
        }
    }
    memcpy(ace.Bytes + size, sid_buffer, RtlLengthSid(sid_buffer));
    size += RtlLengthSid(sid_buffer);
    if (data != NULL) {
        /* The application data follows the SID, zero-padded to the ACE's 4-byte multiple;
         * data was allocated with room for the fixed part in front of it. */
        PUCHAR whole = data;
        ULONG total = (size + data_length + 3) & ~3u;
        if (total > RTLP_MAX_ACL - sizeof(ACL)) {
            ExFreePool(data);
            return RtlpFail(Parser, Parser->P, STATUS_INVALID_PARAMETER, "ACE larger than 64 KB");
        }
        memmove(whole + size, whole + RTLP_ACE_DATA_OFFSET, data_length);
        memcpy(whole, ace.Bytes, size);
        memset(whole + size + data_length, 0, total - size - data_length);
        ((PACE_HEADER)whole)->AceSize = (USHORT)total;
        status = RtlAddAce(Acl, ACL_REVISION, 0xFFFFFFFFu, whole, total);
        ExFreePool(data);
    } else {
        ace.Header.AceSize = (USHORT)size;
        status = RtlAddAce(Acl, ACL_REVISION, 0xFFFFFFFFu, ace.Bytes, size);
    }
    if (status == STATUS_BUFFER_TOO_SMALL)
        return RtlpFail(Parser, Parser->P, STATUS_INVALID_PARAMETER, "ACL larger than 64 KB");
    return status;
}

/* RtlpSddlAceFromText - see rtlp_cond.h. The scratch ACL is pool memory freed here. */
NTSTATUS RtlpSddlAceFromText(PCSTR Text, PUCHAR Out, ULONG OutSize, PULONG Length)
{
    RTLP_SDDL_PARSER parser = { Text, Text };
    PACL acl = ExAllocatePoolWithTag(PagedPool, RTLP_MAX_ACL, RTLP_TAG_SDDL);
    PACE_HEADER ace;
    NTSTATUS status;
    *Length = 0;
    if (acl == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlCreateAcl(acl, RTLP_MAX_ACL, ACL_REVISION);
    status = *Text == '(' ? RtlpParseAce(&parser, acl) : STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status) && (*parser.P != '\0' || !NT_SUCCESS(RtlGetAce(acl, 0, (PVOID *)&ace))))
        status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status)) {
        if (ace->AceSize > OutSize) {
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            memcpy(Out, ace, ace->AceSize);
            *Length = ace->AceSize;
        }
    }
    ExFreePool(acl);
    return status;
}

/*
 * RtlpIsAuditAce - whether Acl's last ACE is a system-audit ACE (AU, OU, XU and the callback
 * object form). Windows' SDDL compiler refuses "D:(A;;RP;;;WD)(AU;SA;CR;;;BA)" (Samba
 * python/samba/tests/sddl.py SddlWindowsIsFussy, libcli/security/tests/windows/
 * windows_is_fussy.txt, run on Windows by windows-sddl-tests.py); the object and callback
 * audit forms are refused by the same rule ((C) choice: the test names AU only).
 */
static BOOLEAN RtlpIsAuditAce(PACL Acl)
{
    PACE_HEADER ace = NULL;
    if (Acl->AceCount == 0 || !NT_SUCCESS(RtlGetAce(Acl, Acl->AceCount - 1u, (PVOID *)&ace)))
        return FALSE;
    return RtlpIsAuditAceType(ace->AceType);
}

/*
 * RtlpParseAcl - control flags ("P", "AI", "AR", "NO_ACCESS_CONTROL") then ACEs, for "D:"
 * or "S:". *Acl receives a pool ACL (NULL for NO_ACCESS_CONTROL) the caller frees.
 */
static NTSTATUS RtlpParseAcl(RTLP_SDDL_PARSER *Parser, BOOLEAN Dacl, PACL *Acl, USHORT *Control)
{
    BOOLEAN null_acl = FALSE;
    PACL acl;
    ULONG used;
    *Acl = NULL;
    RtlpSkipSpaces(Parser); /* "D: AI(...)" is "D:AI(...)" (Samba sddl.py SddlWindowsIsLessFussy) */
    for (;;) {
        PCSTR p = Parser->P;
        if (p[0] == '\0' || p[0] == '(' || p[0] == ' ' ||
            (p[1] == ':' && strchr("OGDS", p[0]) != NULL))
            break;
        if (strncmp(p, "NO_ACCESS_CONTROL", 17) == 0) {
            null_acl = TRUE;
            Parser->P += 17;
        } else if (p[0] == 'P') {
            *Control |= Dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED;
            Parser->P += 1;
        } else if (p[0] == 'A' && p[1] == 'I') {
            *Control |= Dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED;
            Parser->P += 2;
        } else if (p[0] == 'A' && p[1] == 'R') {
            *Control |= Dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ;
            Parser->P += 2;
        } else {
            return RtlpFail(Parser, p, STATUS_INVALID_PARAMETER, "unknown %s flag \"%.*s\"",
                            Dacl ? "DACL" : "SACL", (int)strcspn(p, "(:") > 17 ? 17 : (int)strcspn(p, "(:"), p);
        }
    }
    *Control |= Dacl ? SE_DACL_PRESENT : SE_SACL_PRESENT;
    RtlpSkipSpaces(Parser);
    if (null_acl) {
        if (*Parser->P == '(')
            return RtlpFail(Parser, Parser->P, STATUS_INVALID_PARAMETER,
                            "ACE after NO_ACCESS_CONTROL");
        return STATUS_SUCCESS;
    }
    acl = ExAllocatePoolWithTag(PagedPool, RTLP_MAX_ACL, RTLP_TAG_SDDL);
    if (acl == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlCreateAcl(acl, RTLP_MAX_ACL, ACL_REVISION);
    while (*Parser->P == '(') {
        PCSTR start = Parser->P;
        NTSTATUS status = RtlpParseAce(Parser, acl);
        if (NT_SUCCESS(status) && Dacl && RtlpIsAuditAce(acl))
            status = RtlpFail(Parser, start, STATUS_INVALID_PARAMETER, "audit ACE in a DACL");
        if (!NT_SUCCESS(status)) {
            ExFreePool(acl);
            return status;
        }
        RtlpSkipSpaces(Parser);
    }
    used = RtlpAclFirstFree(acl);
    acl->AclSize = (USHORT)used;
    *Acl = acl;
    return STATUS_SUCCESS;
}

/*
 * NtsecSddlToSecurityDescriptor - parses Sddl into a new self-relative descriptor in
 * *SelfRelative (freed with NtsecFree) of *Length bytes (Length may be NULL).
 * @remarks Components O:, G:, D:, S: may come in any order, each once; whitespace between
 * components and ACEs is ignored. Bad text: STATUS_INVALID_PARAMETER and NtsecLastErrorText
 * names the offset.
 */
NTSTATUS NtsecSddlToSecurityDescriptor(PCSTR Sddl, PSECURITY_DESCRIPTOR *SelfRelative,
                                       PULONG Length)
{
    RTLP_SDDL_PARSER parser;
    ULONG owner[SECURITY_MAX_SID_SIZE / sizeof(ULONG)], group[SECURITY_MAX_SID_SIZE / sizeof(ULONG)];
    SECURITY_DESCRIPTOR abs;
    PACL dacl = NULL, sacl = NULL;
    BOOLEAN seen[4] = { FALSE, FALSE, FALSE, FALSE };
    USHORT control = 0;
    NTSTATUS status = STATUS_SUCCESS;
    PVOID out = NULL;
    ULONG size = 0;

    RtlpClearLastErrorText();
    if (SelfRelative != NULL)
        *SelfRelative = NULL;
    if (Sddl == NULL || SelfRelative == NULL) {
        RtlpSetLastErrorText("SDDL error: NULL argument");
        return STATUS_INVALID_PARAMETER;
    }
    parser.Start = parser.P = Sddl;
    RtlCreateSecurityDescriptor(&abs, SECURITY_DESCRIPTOR_REVISION);
    RtlpSkipSpaces(&parser);
    while (*parser.P != '\0' && NT_SUCCESS(status)) {
        PCSTR at = parser.P;
        const char *kinds = "OGDS";
        const char *kind = (at[0] != '\0') ? strchr(kinds, at[0]) : NULL;
        int index;
        if (kind == NULL || at[1] != ':') {
            status = RtlpFail(&parser, at, STATUS_INVALID_PARAMETER,
                              "expected O:, G:, D: or S: at \"%.10s\"", at);
            break;
        }
        index = (int)(kind - kinds);
        if (seen[index]) {
            status = RtlpFail(&parser, at, STATUS_INVALID_PARAMETER, "duplicate \"%.2s\" component", at);
            break;
        }
        seen[index] = TRUE;
        parser.P += 2;
        switch (at[0]) {
        case 'O':
            status = RtlpParseSid(&parser, owner);
            if (NT_SUCCESS(status))
                abs.Owner = owner;
            break;
        case 'G':
            status = RtlpParseSid(&parser, group);
            if (NT_SUCCESS(status))
                abs.Group = group;
            break;
        case 'D':
            status = RtlpParseAcl(&parser, TRUE, &dacl, &control);
            abs.Dacl = dacl;
            break;
        default:
            status = RtlpParseAcl(&parser, FALSE, &sacl, &control);
            abs.Sacl = sacl;
            break;
        }
        RtlpSkipSpaces(&parser);
    }
    if (NT_SUCCESS(status)) {
        abs.Control = control;
        status = RtlMakeSelfRelativeSD(&abs, NULL, &size);
        if (status == STATUS_BUFFER_TOO_SMALL) {
            out = ExAllocatePoolWithTag(PagedPool, size, RTLP_TAG_SD);
            status = out ? RtlMakeSelfRelativeSD(&abs, out, &size) : STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    ExFreePool(dacl);
    ExFreePool(sacl);
    if (!NT_SUCCESS(status)) {
        ExFreePool(out);
        return status;
    }
    *SelfRelative = out;
    if (Length != NULL)
        *Length = size;
    return STATUS_SUCCESS;
}
