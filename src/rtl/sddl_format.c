/*
 * sddl_format.c - a security descriptor to SDDL text in Windows' canonical form
 * (NtsecSecurityDescriptorToSddl).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "rtlp_cond.h"
#include "ntsec.h"

/* RtlpAppend - see rtlp_cond.h (RTLP_TEXT). */
VOID RtlpAppend(RTLP_TEXT *Text, PCSTR Format, ...)
{
    va_list args;
    int n;
    if (!NT_SUCCESS(Text->Status))
        return;
    va_start(args, Format);
    n = vsnprintf(NULL, 0, Format, args);
    va_end(args);
    if (Text->Length + (SIZE_T)n + 1 > Text->Capacity) {
        SIZE_T capacity = (Text->Capacity ? Text->Capacity * 2 : 256) + (SIZE_T)n;
        PSTR data = ExAllocatePoolWithTag(PagedPool, capacity, RTLP_TAG_SDDL);
        if (data == NULL) {
            Text->Status = STATUS_INSUFFICIENT_RESOURCES;
            return;
        }
        if (Text->Data != NULL)
            memcpy(data, Text->Data, Text->Length + 1);
        ExFreePool(Text->Data);
        Text->Data = data;
        Text->Capacity = capacity;
    }
    va_start(args, Format);
    vsnprintf(Text->Data + Text->Length, Text->Capacity - Text->Length, Format, args);
    va_end(args);
    Text->Length += (SIZE_T)n;
}

/* RtlpAppendUtf8 - see rtlp_cond.h. */
VOID RtlpAppendUtf8(RTLP_TEXT *Text, ULONG C)
{
    if (C < 0x80)
        RtlpAppend(Text, "%c", (char)C);
    else if (C < 0x800)
        RtlpAppend(Text, "%c%c", (char)(0xC0 | (C >> 6)), (char)(0x80 | (C & 0x3F)));
    else if (C < 0x10000)
        RtlpAppend(Text, "%c%c%c", (char)(0xE0 | (C >> 12)), (char)(0x80 | ((C >> 6) & 0x3F)),
                   (char)(0x80 | (C & 0x3F)));
    else
        RtlpAppend(Text, "%c%c%c%c", (char)(0xF0 | (C >> 18)), (char)(0x80 | ((C >> 12) & 0x3F)),
                   (char)(0x80 | ((C >> 6) & 0x3F)), (char)(0x80 | (C & 0x3F)));
}

/*
 * RtlpAppendSid - the alias Windows prints for Sid, else its S-1-... form.
 * @remarks A SID with no sub-authority prints as "S-1-5" but no SID string parser takes that
 * back (ConvertStringSidToSid rejects it), so it fails closed with STATUS_NOT_IMPLEMENTED:
 * what this file prints always parses back (fuzz_sd_relative).
 */
static VOID RtlpAppendSid(RTLP_TEXT *Text, PSID Sid)
{
    char buffer[200];
    PCSTR alias = RtlpSidAlias(Sid);
    if (RtlValidSid(Sid) && ((PISID)Sid)->SubAuthorityCount == 0) {
        if (NT_SUCCESS(Text->Status)) {
            RtlpSetLastErrorText("SDDL cannot express a SID with no sub-authority");
            Text->Status = NTSEC_NOT_IMPLEMENTED();
        }
    } else if (alias != NULL) {
        RtlpAppend(Text, "%s", alias);
    } else if (NT_SUCCESS(RtlpSidToString(Sid, buffer, sizeof(buffer)))) {
        RtlpAppend(Text, "%s", buffer);
    } else if (NT_SUCCESS(Text->Status)) {
        Text->Status = STATUS_INVALID_SID;
    }
}

static VOID RtlpAppendGuid(RTLP_TEXT *Text, const UCHAR *Bytes)
{
    GUID g;
    memcpy(&g, Bytes, sizeof(g));
    RtlpAppend(Text, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g.Data1, g.Data2, g.Data3,
               g.Data4[0], g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6],
               g.Data4[7]);
}

/* RtlpUnsupported - records why an ACE has no SDDL form; fails closed. */
static VOID RtlpUnsupported(RTLP_TEXT *Text, ULONG Index, PCSTR What, ULONG Value)
{
    RtlpSetLastErrorText("SDDL: ACE %u: %s 0x%x has no SDDL form here", Index, What, Value);
    if (NT_SUCCESS(Text->Status))
        Text->Status = NTSEC_NOT_IMPLEMENTED();
}

/*
 * RtlpCheckReparse - the ACE text just printed (from Start) must parse back to Ace's very
 * bytes. A condition or attribute can be valid binary yet have an encoding the SDDL
 * compiler never produces (an int32 literal, a sign byte that disagrees with the value,
 * more padding than the 4-byte multiple needs, attribute values out of order or
 * overlapping): printing it would not round-trip, so it fails closed.
 */
static VOID RtlpCheckReparse(RTLP_TEXT *Text, SIZE_T Start, PACE_HEADER Ace, ULONG Index)
{
    PUCHAR back = ExAllocatePoolWithTag(PagedPool, 0x10000, RTLP_TAG_SDDL);
    ULONG length = 0;
    NTSTATUS status;
    if (back == NULL) {
        Text->Status = STATUS_INSUFFICIENT_RESOURCES;
        return;
    }
    status = RtlpSddlAceFromText(Text->Data + Start, back, 0x10000, &length);
    if (!NT_SUCCESS(status) || length != Ace->AceSize || memcmp(back, Ace, length) != 0)
        RtlpUnsupported(Text, Index, "a condition/attribute encoding SDDL does not reproduce on ACE type",
                        Ace->AceType);
    ExFreePool(back);
}

/*
 * RtlpAppendAce - "(type;flags;rights;guid;guid;sid)" for one ACE of a valid ACL.
 * @remarks A callback ACE's condition and an RA ACE's attribute are the seventh field, in
 * canonical form (RtlpCondFormat Strict, RtlpResourceAttributeFormat), and must parse back
 * to the same bytes (RtlpCheckReparse); data that is no valid condition/attribute, ACE
 * types and ACE flags that SDDL has no name for are not printed (STATUS_NOT_IMPLEMENTED).
 */
static VOID RtlpAppendAce(RTLP_TEXT *Text, PACE_HEADER Ace, ULONG Index)
{
    const RTLP_SDDL_NAME *type = RtlpSddlByValue(RtlpSddlAceTypes, Ace->AceType), *flag;
    PUCHAR bytes = (PUCHAR)Ace;
    PSID sid = RtlpAceSid(Ace);
    ACCESS_MASK mask;
    char rights[80];
    UCHAR flags = Ace->AceFlags;
    ULONG object_flags = 0, offset = 12, data_length = 0;
    const UCHAR *data = NULL;
    SIZE_T start = Text->Length;

    if (type == NULL || sid == NULL || Ace->AceSize < 8) {
        RtlpUnsupported(Text, Index, "ACE type", Ace->AceType);
        return;
    }
    if ((Ace->AceType >= ACCESS_ALLOWED_CALLBACK_ACE_TYPE &&
         Ace->AceType <= SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE &&
         Ace->AceType != ACCESS_ALLOWED_OBJECT_ACE_TYPE) ||
        Ace->AceType == SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE) {
        ULONG end = (ULONG)((PUCHAR)sid - bytes) + RtlLengthSid(sid);
        if (end < Ace->AceSize) {
            data = bytes + end;
            data_length = Ace->AceSize - end;
        }
    }
    memcpy(&mask, bytes + 4, 4);
    RtlpAppend(Text, "(%s;", type->Name);
    if (Ace->AceType == SYSTEM_ACCESS_FILTER_ACE_TYPE && (flags & TRUST_PROTECTED_FILTER_ACE_FLAG)) {
        flags &= (UCHAR)~TRUST_PROTECTED_FILTER_ACE_FLAG;
        for (flag = RtlpSddlAceFlags; flag->Name != NULL; flag++)
            if (flags & flag->Value)
                RtlpAppend(Text, "%s", flag->Name);
        RtlpAppend(Text, "TP");
        flags = 0;
    }
    for (flag = RtlpSddlAceFlags; flag->Name != NULL; flag++) {
        if (flags & flag->Value) {
            RtlpAppend(Text, "%s", flag->Name);
            flags &= (UCHAR)~flag->Value;
        }
    }
    if (flags != 0) {
        RtlpUnsupported(Text, Index, "ACE flags", flags);
        return;
    }
    RtlpSddlFormatRights(Ace->AceType, mask, rights, sizeof(rights));
    RtlpAppend(Text, ";%s;", rights);
    if (RtlpIsObjectAceType(Ace->AceType)) {
        memcpy(&object_flags, bytes + 8, 4);
        if (object_flags & ACE_OBJECT_TYPE_PRESENT) {
            RtlpAppendGuid(Text, bytes + offset);
            offset += sizeof(GUID);
        }
        RtlpAppend(Text, ";");
        if (object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
            RtlpAppendGuid(Text, bytes + offset);
        RtlpAppend(Text, ";");
    } else {
        RtlpAppend(Text, ";;");
    }
    RtlpAppendSid(Text, sid);
    if (data != NULL) {
        NTSTATUS status;
        RtlpAppend(Text, ";");
        status = Ace->AceType == SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE
            ? RtlpResourceAttributeFormat(data, data_length, Text)
            : RtlpCondFormat(data, data_length, TRUE, Text);
        if (!NT_SUCCESS(status)) {
            RtlpUnsupported(Text, Index, "data that is no valid condition/attribute on ACE type",
                            Ace->AceType);
            return;
        }
    }
    RtlpAppend(Text, ")");
    if (data != NULL && NT_SUCCESS(Text->Status))
        RtlpCheckReparse(Text, start, Ace, Index);
}
/*
 * RtlpAceToSddl - one ACE of a valid ACL as "(type;flags;rights;guid;guid;sid)" into Buffer
 * (for explain traces). An ACE SDDL cannot print, or a short buffer, gives "(?)".
 */
VOID RtlpAceToSddl(PACE_HEADER Ace, PSTR Buffer, SIZE_T Size)
{
    RTLP_TEXT text = { NULL, 0, 0, STATUS_SUCCESS };
    if (Size == 0)
        return;
    RtlpAppendAce(&text, Ace, 0);
    if (NT_SUCCESS(text.Status) && text.Data != NULL && text.Length < Size)
        memcpy(Buffer, text.Data, text.Length + 1);
    else
        snprintf(Buffer, Size, "(?)");
    ExFreePool(text.Data);
}

/*
 * RtlpAppendAcl - "D:" or "S:", the control flags (P, AR, AI in that order), then
 * NO_ACCESS_CONTROL for a NULL ACL or the ACEs. LabelsOnly keeps mandatory label ACEs only.
 */
static VOID RtlpAppendAcl(RTLP_TEXT *Text, BOOLEAN Dacl, USHORT Control, PACL Acl, BOOLEAN LabelsOnly)
{
    ULONG i;
    RtlpAppend(Text, "%s", Dacl ? "D:" : "S:");
    if (Control & (Dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED))
        RtlpAppend(Text, "P");
    if (Control & (Dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ))
        RtlpAppend(Text, "AR");
    if (Control & (Dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED))
        RtlpAppend(Text, "AI");
    if (Acl == NULL) {
        RtlpAppend(Text, "NO_ACCESS_CONTROL");
        return;
    }
    for (i = 0; i < Acl->AceCount; i++) {
        PACE_HEADER ace;
        if (!NT_SUCCESS(RtlGetAce(Acl, i, (PVOID *)&ace))) {
            Text->Status = STATUS_INVALID_ACL;
            return;
        }
        if (LabelsOnly && ace->AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE)
            continue;
        if (Dacl && RtlpIsAuditAceType(ace->AceType)) {
            /* valid binary, but no text parses back to it: the parser, as Windows', refuses
             * an audit ACE in a DACL (fuzz_sd_relative found the round trip broken) */
            RtlpUnsupported(Text, i, "an audit ACE in a DACL: ACE type", ace->AceType);
            return;
        }
        RtlpAppendAce(Text, ace, i);
    }
}

/*
 * NtsecSecurityDescriptorToSddl - the SDDL text of the parts of Sd that Info selects
 * (OWNER/GROUP/DACL/SACL_SECURITY_INFORMATION; LABEL_SECURITY_INFORMATION alone prints the
 * SACL's mandatory labels), in *Sddl (freed with NtsecFree).
 * @remarks Sd may be absolute or self-relative and must be valid (in trusted memory: check
 * hostile bytes with RtlValidRelativeSecurityDescriptor first); an invalid one is
 * STATUS_INVALID_SECURITY_DESCR. Absent parts are omitted, as Windows does.
 */
NTSTATUS NtsecSecurityDescriptorToSddl(PSECURITY_DESCRIPTOR Sd, SECURITY_INFORMATION Info, PSTR *Sddl)
{
    PISECURITY_DESCRIPTOR sd = Sd;
    RTLP_TEXT text = { NULL, 0, 0, STATUS_SUCCESS };
    PSID owner, group;
    PACL dacl, sacl;

    RtlpClearLastErrorText();
    if (Sddl == NULL)
        return STATUS_INVALID_PARAMETER;
    *Sddl = NULL;
    if (Sd == NULL || !RtlValidSecurityDescriptor(Sd)) {
        RtlpSetLastErrorText("SDDL: invalid security descriptor");
        return STATUS_INVALID_SECURITY_DESCR;
    }
    RtlpSdParts(Sd, &owner, &group, &dacl, &sacl);
    RtlpAppend(&text, "%s", "");
    if ((Info & OWNER_SECURITY_INFORMATION) && owner != NULL) {
        RtlpAppend(&text, "O:");
        RtlpAppendSid(&text, owner);
    }
    if ((Info & GROUP_SECURITY_INFORMATION) && group != NULL) {
        RtlpAppend(&text, "G:");
        RtlpAppendSid(&text, group);
    }
    if ((Info & DACL_SECURITY_INFORMATION) && (sd->Control & SE_DACL_PRESENT))
        RtlpAppendAcl(&text, TRUE, sd->Control, dacl, FALSE);
    if ((Info & (SACL_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION)) &&
        (sd->Control & SE_SACL_PRESENT))
        RtlpAppendAcl(&text, FALSE, sd->Control, sacl, !(Info & SACL_SECURITY_INFORMATION));
    if (!NT_SUCCESS(text.Status)) {
        ExFreePool(text.Data);
        return text.Status;
    }
    *Sddl = text.Data;
    return STATUS_SUCCESS;
}
