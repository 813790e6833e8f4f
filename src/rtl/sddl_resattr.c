/*
 * sddl_resattr.c - the attribute of a SYSTEM_RESOURCE_ATTRIBUTE_ACE (RA): a
 * CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 (MS-DTYP 2.4.10.1) after the ACE's SID. Its SDDL
 * text (MS-DTYP 2.5.1.1 attribute-data) both ways, and a bounds-checked reader the access
 * check uses for @Resource. attributes. No references change.
 *
 * Layout, as Windows writes it (Samba's Windows-generated corpus and the annotated bytes of
 * test_sddl_conditional_ace.c test_full_sddl_compile): ULONG name offset, USHORT value
 * type, USHORT reserved (0), ULONG flags, ULONG value count, one ULONG offset per value,
 * then the name (UTF-16LE, NUL-terminated), then the values in order, unaligned: 8 bytes
 * for TI/TU/TB, a NUL-terminated UTF-16LE string for TS, a ULONG length and the bytes for
 * TX and TD (the SID). Offsets count from the start of the attribute.
 */
#include <stdio.h>
#include <string.h>
#include "rtlp_cond.h"

#define RTLP_CLAIM_HEADER 16
#define RTLP_CLAIM_MAX_VALUES 4096

static const struct {
    char Name[3];
    USHORT Type;
} RtlpClaimTypes[] = {
    { "TI", RTLP_CLAIM_INT64 }, { "TU", RTLP_CLAIM_UINT64 }, { "TS", RTLP_CLAIM_STRING },
    { "TD", RTLP_CLAIM_SID },   { "TB", RTLP_CLAIM_BOOLEAN }, { "TX", RTLP_CLAIM_OCTET_STRING },
};

static PCSTR RtlpClaimTypeName(USHORT Type)
{
    for (ULONG i = 0; i < sizeof(RtlpClaimTypes) / sizeof(RtlpClaimTypes[0]); i++)
        if (RtlpClaimTypes[i].Type == Type)
            return RtlpClaimTypes[i].Name;
    return NULL;
}

static ULONG RtlpClaimRead32(const UCHAR *P)
{
    return (ULONG)P[0] | ((ULONG)P[1] << 8) | ((ULONG)P[2] << 16) | ((ULONG)P[3] << 24);
}

static VOID RtlpClaimPut32(PUCHAR P, ULONG V)
{
    for (int i = 0; i < 4; i++)
        P[i] = (UCHAR)(V >> (8 * i));
}

static BOOLEAN RtlpClaimBlank(char C) { return C == ' ' || C == '\t' || C == '\n' || C == '\r'; }

static PCSTR RtlpClaimSkip(PCSTR P)
{
    while (RtlpClaimBlank(*P))
        P++;
    return P;
}

/*
 * RtlpClaimNumber - an integer at *P: an optional '-' (Signed only), then "0x" hex, a
 * leading '0' octal, or decimal (strtoull base 0). Signed: the int64 range; else 64 bits.
 */
static BOOLEAN RtlpClaimNumber(PCSTR *P, BOOLEAN Signed, ULONG64 *Value)
{
    PCSTR p = *P;
    BOOLEAN negative = FALSE;
    ULONG64 v = 0, limit = ~0ull;
    ULONG radix = 10, digits = 0;
    if (Signed && (*p == '-' || *p == '+')) {
        negative = *p == '-';
        p++;
    }
    if (Signed)
        limit = negative ? 0x8000000000000000ull : 0x7FFFFFFFFFFFFFFFull;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        radix = 16;
        p += 2;
    } else if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
        radix = 8;
    }
    for (;; p++, digits++) {
        int d = RtlpHexValue(*p);
        if (d < 0 || (radix != 16 && d > 9))
            break;
        if ((ULONG)d >= radix || v > (limit - (ULONG)d) / radix)
            return FALSE;
        v = v * radix + (ULONG)d;
    }
    if (digits == 0)
        return FALSE;
    *P = p;
    *Value = negative ? 0 - v : v;
    return TRUE;
}

typedef struct _RTLP_CLAIM_BUILD {
    PUCHAR Values;      /* scratch: encoded values, one after the other */
    ULONG Used, Size;
    ULONG Offsets[RTLP_CLAIM_MAX_VALUES]; /* of each value inside Values */
    ULONG Count;
} RTLP_CLAIM_BUILD;

static BOOLEAN RtlpClaimPut(RTLP_CLAIM_BUILD *B, const VOID *Bytes, ULONG Length)
{
    if (Length > B->Size - B->Used)
        return FALSE;
    memcpy(B->Values + B->Used, Bytes, Length);
    B->Used += Length;
    return TRUE;
}

/* One value of Type at *P appended to B; *Message on failure. */
static BOOLEAN RtlpClaimValue(PCSTR *P, USHORT Type, RTLP_CLAIM_BUILD *B, PCSTR *ErrorAt,
                              PCSTR *Message)
{
    PCSTR at = *P;
    UCHAR bytes[8];
    ULONG64 v;
    if (B->Count >= RTLP_CLAIM_MAX_VALUES) {
        *Message = "more than 4096 values in a resource attribute";
        return FALSE;
    }
    B->Offsets[B->Count] = B->Used;
    switch (Type) {
    case RTLP_CLAIM_INT64:
    case RTLP_CLAIM_UINT64:
    case RTLP_CLAIM_BOOLEAN:
        if (!RtlpClaimNumber(P, Type == RTLP_CLAIM_INT64, &v)) {
            *Message = "bad number in a resource attribute";
            return FALSE;
        }
        for (int i = 0; i < 8; i++)
            bytes[i] = (UCHAR)(v >> (8 * i));
        if (!RtlpClaimPut(B, bytes, 8))
            goto too_large;
        break;
    case RTLP_CLAIM_STRING: {
        ULONG length;
        if (RtlpCondCompileUtf16(P, TRUE, B->Values + B->Used, B->Size - B->Used, &length,
                                 ErrorAt, Message) != STATUS_SUCCESS)
            return FALSE;
        B->Used += length;
        if (!RtlpClaimPut(B, "\0", 2))
            goto too_large;
        break;
    }
    case RTLP_CLAIM_SID: {
        ULONG sid[SECURITY_MAX_SID_SIZE / sizeof(ULONG)];
        NTSTATUS status = RtlpStringToSid(*P, P, sid, sizeof(sid));
        if (!NT_SUCCESS(status)) {
            *Message = status == STATUS_NONE_MAPPED
                ? "domain SID alias needs a domain SID (NtsecSetDomainSid)"
                : "invalid SID in a resource attribute";
            return FALSE;
        }
        RtlpClaimPut32(bytes, RtlLengthSid(sid));
        if (!RtlpClaimPut(B, bytes, 4) || !RtlpClaimPut(B, sid, RtlLengthSid(sid)))
            goto too_large;
        break;
    }
    default: { /* octet string: pairs of hex digits, possibly none */
        ULONG length_at = B->Used, n = 0;
        if (!RtlpClaimPut(B, "\0\0\0\0", 4))
            goto too_large;
        for (;; n++) {
            int hi = RtlpHexValue((*P)[0]), lo;
            if (hi < 0)
                break;
            if ((lo = RtlpHexValue((*P)[1])) < 0) {
                *ErrorAt = *P;
                *Message = "odd number of digits in an octet string";
                return FALSE;
            }
            bytes[0] = (UCHAR)(hi * 16 + lo);
            if (!RtlpClaimPut(B, bytes, 1))
                goto too_large;
            *P += 2;
        }
        RtlpClaimPut32(B->Values + length_at, n);
        break;
    }
    }
    B->Count++;
    return TRUE;
too_large:
    *ErrorAt = at;
    *Message = "resource attribute too large for an ACE";
    return FALSE;
}

/* RtlpResourceAttributeCompile - see rtlp_cond.h. Scratch memory is pool, freed here. */
NTSTATUS RtlpResourceAttributeCompile(PCSTR Text, PCSTR *End, PUCHAR Out, ULONG OutSize,
                                      PULONG OutLength, PCSTR *ErrorAt, PCSTR *Message)
{
    PCSTR p = Text;
    RTLP_CLAIM_BUILD *b = NULL;
    ULONG name_length = 0, flags = 0, total;
    USHORT type = 0;
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    PUCHAR name_buffer = NULL;

    *OutLength = 0;
    *ErrorAt = Text;
    *Message = "expected (\"name\",type,flags,value,...) after the trustee of an RA ACE";
    if (*p != '(')
        return STATUS_INVALID_PARAMETER;
    b = ExAllocatePoolWithTag(PagedPool, sizeof(*b), RTLP_TAG_SDDL);
    name_buffer = ExAllocatePoolWithTag(PagedPool, OutSize, RTLP_TAG_SDDL);
    if (b != NULL)
        b->Values = ExAllocatePoolWithTag(PagedPool, OutSize, RTLP_TAG_SDDL);
    if (b == NULL || name_buffer == NULL || b->Values == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto out;
    }
    b->Used = b->Count = 0;
    b->Size = OutSize;
    p = RtlpClaimSkip(p + 1);
    *ErrorAt = p;
    if (*p != '"')
        goto out;
    p++;
    if (RtlpCondCompileUtf16(&p, FALSE, name_buffer, OutSize, &name_length, ErrorAt, Message) !=
        STATUS_SUCCESS)
        goto out;
    *ErrorAt = p;
    *Message = "expected '\"' after the resource attribute's name";
    if (*p++ != '"')
        goto out;
    p = RtlpClaimSkip(p);
    *ErrorAt = p;
    *Message = "expected ',' and a type (TI TU TS TD TX TB) after the name";
    if (*p != ',')
        goto out;
    p = RtlpClaimSkip(p + 1);
    *ErrorAt = p;
    for (ULONG i = 0; i < sizeof(RtlpClaimTypes) / sizeof(RtlpClaimTypes[0]); i++)
        if (p[0] == RtlpClaimTypes[i].Name[0] && p[1] == RtlpClaimTypes[i].Name[1])
            type = RtlpClaimTypes[i].Type;
    if (type == 0)
        goto out;
    p = RtlpClaimSkip(p + 2);
    *ErrorAt = p;
    *Message = "expected ',' and the flags after the type";
    if (*p != ',')
        goto out;
    p = RtlpClaimSkip(p + 1);
    *ErrorAt = p;
    ULONG64 f;
    *Message = "bad flags number (32 bits)";
    if (!RtlpClaimNumber(&p, FALSE, &f) || f > 0xFFFFFFFFull)
        goto out;
    flags = (ULONG)f;
    for (;;) {
        p = RtlpClaimSkip(p);
        *ErrorAt = p;
        if (*p == ')')
            break;
        *Message = "expected ',' or ')' in a resource attribute";
        if (*p != ',')
            goto out;
        p = RtlpClaimSkip(p + 1);
        *ErrorAt = p;
        if (!RtlpClaimValue(&p, type, b, ErrorAt, Message))
            goto out;
    }
    p++;
    total = RTLP_CLAIM_HEADER + 4 * b->Count + name_length + 2 + b->Used;
    *ErrorAt = Text;
    *Message = "resource attribute too large for an ACE";
    if (total > OutSize) {
        status = STATUS_BUFFER_TOO_SMALL;
        goto out;
    }
    {
        ULONG name_offset = RTLP_CLAIM_HEADER + 4 * b->Count, values = name_offset + name_length + 2;
        RtlpClaimPut32(Out, name_offset);
        Out[4] = (UCHAR)type;
        Out[5] = (UCHAR)(type >> 8);
        Out[6] = Out[7] = 0;
        RtlpClaimPut32(Out + 8, flags);
        RtlpClaimPut32(Out + 12, b->Count);
        for (ULONG i = 0; i < b->Count; i++)
            RtlpClaimPut32(Out + RTLP_CLAIM_HEADER + 4 * i, values + b->Offsets[i]);
        memcpy(Out + name_offset, name_buffer, name_length);
        Out[name_offset + name_length] = Out[name_offset + name_length + 1] = 0;
        memcpy(Out + values, b->Values, b->Used);
    }
    *OutLength = total;
    *End = p;
    *Message = NULL;
    status = STATUS_SUCCESS;
out:
    if (b != NULL)
        ExFreePool(b->Values);
    ExFreePool(b);
    ExFreePool(name_buffer);
    return status;
}

/* Length in bytes of the NUL-terminated UTF-16LE string at Offset, or ~0 when it is not
 * terminated inside Length. */
static ULONG RtlpClaimStringLength(const UCHAR *Data, ULONG Length, ULONG Offset)
{
    for (ULONG i = Offset; i + 1 < Length; i += 2)
        if (Data[i] == 0 && Data[i + 1] == 0)
            return i - Offset;
    return ~0u;
}

/* RtlpResourceAttributeRead - see rtlp_cond.h. */
NTSTATUS RtlpResourceAttributeRead(const UCHAR *Data, ULONG Length, RTLP_CLAIM *Claim)
{
    memset(Claim, 0, sizeof(*Claim));
    if (Data == NULL || Length < RTLP_CLAIM_HEADER)
        return STATUS_INVALID_PARAMETER;
    ULONG name = RtlpClaimRead32(Data), count = RtlpClaimRead32(Data + 12);
    USHORT type = (USHORT)(Data[4] | (Data[5] << 8));
    if (RtlpClaimTypeName(type) == NULL || count > (Length - RTLP_CLAIM_HEADER) / 4 ||
        name >= Length)
        return STATUS_INVALID_PARAMETER;
    ULONG name_length = RtlpClaimStringLength(Data, Length, name);
    if (name_length == ~0u)
        return STATUS_INVALID_PARAMETER;
    for (ULONG i = 0; i < count; i++) {
        ULONG off = RtlpClaimRead32(Data + RTLP_CLAIM_HEADER + 4 * i);
        if (off >= Length)
            return STATUS_INVALID_PARAMETER;
        switch (type) {
        case RTLP_CLAIM_STRING:
            if (RtlpClaimStringLength(Data, Length, off) == ~0u)
                return STATUS_INVALID_PARAMETER;
            break;
        case RTLP_CLAIM_SID:
        case RTLP_CLAIM_OCTET_STRING: {
            if (Length - off < 4)
                return STATUS_INVALID_PARAMETER;
            ULONG n = RtlpClaimRead32(Data + off);
            if (n > Length - off - 4)
                return STATUS_INVALID_PARAMETER;
            if (type == RTLP_CLAIM_SID &&
                (n < 8 || Data[off + 4] != SID_REVISION || Data[off + 5] > SID_MAX_SUB_AUTHORITIES ||
                 n != 8 + 4 * (ULONG)Data[off + 5]))
                return STATUS_INVALID_PARAMETER;
            break;
        }
        default:
            if (Length - off < 8)
                return STATUS_INVALID_PARAMETER;
            break;
        }
    }
    Claim->Name = Data + name;
    Claim->NameLength = name_length;
    Claim->ValueType = type;
    Claim->Flags = RtlpClaimRead32(Data + 8);
    Claim->ValueCount = count;
    Claim->Base = Data;
    Claim->Size = Length;
    return STATUS_SUCCESS;
}

/* RtlpResourceAttributeValue - see rtlp_cond.h (the claim was read by RtlpResourceAttributeRead). */
VOID RtlpResourceAttributeValue(const RTLP_CLAIM *Claim, ULONG Index, RTLP_CLAIM_VALUE *Value)
{
    const UCHAR *d = Claim->Base;
    ULONG off = RtlpClaimRead32(d + RTLP_CLAIM_HEADER + 4 * Index);
    memset(Value, 0, sizeof(*Value));
    switch (Claim->ValueType) {
    case RTLP_CLAIM_STRING:
        Value->Data = d + off;
        Value->Length = RtlpClaimStringLength(d, Claim->Size, off);
        break;
    case RTLP_CLAIM_SID:
    case RTLP_CLAIM_OCTET_STRING:
        Value->Length = RtlpClaimRead32(d + off);
        Value->Data = d + off + 4;
        break;
    default:
        for (int i = 7; i >= 0; i--)
            Value->Integer = (Value->Integer << 8) | d[off + i];
        break;
    }
}

/* RtlpResourceAttributeFormat - see rtlp_cond.h. Flags print as 0x hex, TI as signed
 * decimal, TU and TB as unsigned decimal, TD as the SID's alias or S-1- form, TX as
 * lower-case hex pairs; values are separated by ',' alone (Samba data/conditional_aces.txt). */
NTSTATUS RtlpResourceAttributeFormat(const UCHAR *Data, ULONG Length, RTLP_TEXT *Text)
{
    RTLP_CLAIM claim;
    if (RtlpResourceAttributeRead(Data, Length, &claim) != STATUS_SUCCESS)
        return STATUS_INVALID_PARAMETER;
    RtlpAppend(Text, "(\"");
    RtlpCondFormatName(Text, claim.Name, claim.NameLength, TRUE);
    RtlpAppend(Text, "\",%s,0x%x", RtlpClaimTypeName(claim.ValueType), (unsigned)claim.Flags);
    for (ULONG i = 0; i < claim.ValueCount; i++) {
        RTLP_CLAIM_VALUE v;
        RtlpResourceAttributeValue(&claim, i, &v);
        RtlpAppend(Text, ",");
        switch (claim.ValueType) {
        case RTLP_CLAIM_INT64:
            RtlpAppend(Text, "%lld", (long long)v.Integer);
            break;
        case RTLP_CLAIM_STRING:
            RtlpCondFormatString(Text, v.Data, v.Length, TRUE);
            break;
        case RTLP_CLAIM_SID: {
            RTLP_COND_SID_BUFFER buffer;
            PSID sid = RtlpCondSidCopy(&buffer, v.Data, v.Length);
            PCSTR alias = RtlpSidAlias(sid);
            char text[200];
            if (alias == NULL && RtlpSidToString(sid, text, sizeof(text)) != STATUS_SUCCESS)
                snprintf(text, sizeof(text), "?");
            RtlpAppend(Text, "%s", alias ? alias : text);
            break;
        }
        case RTLP_CLAIM_OCTET_STRING:
            for (ULONG j = 0; j < v.Length; j++)
                RtlpAppend(Text, "%02x", v.Data[j]);
            break;
        default:
            RtlpAppend(Text, "%llu", (unsigned long long)v.Integer);
            break;
        }
    }
    RtlpAppend(Text, ")");
    return STATUS_SUCCESS;
}
