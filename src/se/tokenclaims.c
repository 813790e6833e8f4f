/*
 * tokenclaims.c - the claims (CLAIM_SECURITY_ATTRIBUTES_INFORMATION) and device groups a
 * token carries: validation, the packed one-block copy the token keeps and
 * SeQueryInformationToken returns, and lookup by name for the conditional-ACE evaluator.
 *
 * Packed layout (8-byte aligned pieces): the CLAIM_SECURITY_ATTRIBUTES_INFORMATION, the
 * CLAIM_SECURITY_ATTRIBUTE_V1 array, each attribute's value array (LONG64/ULONG64, PWSTR,
 * FQBN or OCTET_STRING values), then the names, strings, SIDs and octets they point to.
 * Claims never change after the token is created, so readers need no lock for them.
 * Nothing here takes or releases object references.
 */
#include <stddef.h>
#include <string.h>
#include "se/sep.h"
#include "ex/pooltags.h"
#include "rtl/rtlp_cond.h" /* RtlpCondRead16: names come from condition byte code */


ULONG SepWideLength(const WCHAR *String)
{
    ULONG n = 0;
    while (String[n] != 0)
        n++;
    return n;
}

static WCHAR SepWideFold(WCHAR C)
{
    return (C >= 'a' && C <= 'z') ? (WCHAR)(C - 'a' + 'A') : C;
}

static BOOLEAN SepWideEqual(const WCHAR *A, const WCHAR *B, BOOLEAN CaseSensitive)
{
    for (;; A++, B++) {
        WCHAR a = CaseSensitive ? *A : SepWideFold(*A), b = CaseSensitive ? *B : SepWideFold(*B);
        if (a != b)
            return FALSE;
        if (a == 0)
            return TRUE;
    }
}

/* Bytes of one value array element for ValueType, or 0 for an unknown type. */
static SIZE_T SepClaimElementSize(USHORT ValueType)
{
    switch (ValueType) {
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
        return sizeof(ULONG64);
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
        return sizeof(PWSTR);
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN:
        return sizeof(CLAIM_SECURITY_ATTRIBUTE_FQBN_VALUE);
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING:
        return sizeof(CLAIM_SECURITY_ATTRIBUTE_OCTET_STRING_VALUE);
    default:
        return 0;
    }
}

/* TRUE iff values I and J of A are equal (strings case-insensitive unless the claim says). */
static BOOLEAN SepClaimValuesEqual(const CLAIM_SECURITY_ATTRIBUTE_V1 *A, ULONG I, ULONG J)
{
    BOOLEAN cs = (A->Flags & CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE) != 0;
    switch (A->ValueType) {
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
        return A->Values.pUint64[I] == A->Values.pUint64[J];
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
        return SepWideEqual(A->Values.ppString[I], A->Values.ppString[J], cs);
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN:
        return A->Values.pFqbn[I].Version == A->Values.pFqbn[J].Version &&
               SepWideEqual(A->Values.pFqbn[I].Name, A->Values.pFqbn[J].Name, cs);
    default: {
        const CLAIM_SECURITY_ATTRIBUTE_OCTET_STRING_VALUE *a = &A->Values.pOctetString[I];
        const CLAIM_SECURITY_ATTRIBUTE_OCTET_STRING_VALUE *b = &A->Values.pOctetString[J];
        return a->ValueLength == b->ValueLength &&
               (a->ValueLength == 0 || memcmp(a->pValue, b->pValue, a->ValueLength) == 0);
    }
    }
}

static NTSTATUS SepClaimValidate(const CLAIM_SECURITY_ATTRIBUTE_V1 *A)
{
    if (A->Name == NULL || A->Name[0] == 0 || SepClaimElementSize(A->ValueType) == 0 ||
        A->ValueCount == 0 || A->Values.pInt64 == NULL ||
        (A->Flags & 0xFFFF & ~(ULONG)CLAIM_SECURITY_ATTRIBUTE_VALID_FLAGS) != 0)
        return STATUS_INVALID_PARAMETER;
    for (ULONG i = 0; i < A->ValueCount; i++) {
        switch (A->ValueType) {
        case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
            if (A->Values.pUint64[i] > 1)
                return STATUS_INVALID_PARAMETER;
            break;
        case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
            if (A->Values.ppString[i] == NULL)
                return STATUS_INVALID_PARAMETER;
            break;
        case CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN:
            if (A->Values.pFqbn[i].Name == NULL)
                return STATUS_INVALID_PARAMETER;
            break;
        case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID: {
            const CLAIM_SECURITY_ATTRIBUTE_OCTET_STRING_VALUE *v = &A->Values.pOctetString[i];
            if (v->pValue == NULL || v->ValueLength < 8 || !RtlValidSid(v->pValue) ||
                RtlLengthSid(v->pValue) != v->ValueLength)
                return STATUS_INVALID_PARAMETER;
            break;
        }
        case CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING:
            if (A->Values.pOctetString[i].pValue == NULL && A->Values.pOctetString[i].ValueLength != 0)
                return STATUS_INVALID_PARAMETER;
            break;
        default:
            break;
        }
        for (ULONG j = 0; j < i; j++)
            if (SepClaimValuesEqual(A, i, j))
                return STATUS_INVALID_PARAMETER; /* a claim's values are a set */
    }
    return STATUS_SUCCESS;
}

/* SepClaimsValidate - see sep.h. */
NTSTATUS SepClaimsValidate(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims)
{
    if (Claims == NULL)
        return STATUS_SUCCESS;
    if (Claims->Version != CLAIM_SECURITY_ATTRIBUTES_INFORMATION_VERSION_V1 ||
        (Claims->AttributeCount != 0 && Claims->Attribute.pAttributeV1 == NULL))
        return STATUS_INVALID_PARAMETER;
    for (ULONG i = 0; i < Claims->AttributeCount; i++) {
        const CLAIM_SECURITY_ATTRIBUTE_V1 *a = &Claims->Attribute.pAttributeV1[i];
        NTSTATUS st = SepClaimValidate(a);
        if (!NT_SUCCESS(st))
            return st;
        for (ULONG j = 0; j < i; j++)
            if (SepWideEqual(a->Name, Claims->Attribute.pAttributeV1[j].Name, FALSE))
                return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

static SIZE_T SepWideSize(const WCHAR *String)
{
    return SEP_ALIGN8((SepWideLength(String) + 1) * sizeof(WCHAR));
}

/* SepClaimsSize - see sep.h (Claims validated, or NULL). */
SIZE_T SepClaimsSize(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims)
{
    SIZE_T n = SEP_ALIGN8(sizeof(CLAIM_SECURITY_ATTRIBUTES_INFORMATION));
    if (Claims == NULL)
        return n;
    n += SEP_ALIGN8(Claims->AttributeCount * sizeof(CLAIM_SECURITY_ATTRIBUTE_V1));
    for (ULONG i = 0; i < Claims->AttributeCount; i++) {
        const CLAIM_SECURITY_ATTRIBUTE_V1 *a = &Claims->Attribute.pAttributeV1[i];
        n += SepWideSize(a->Name) + SEP_ALIGN8(a->ValueCount * SepClaimElementSize(a->ValueType));
        for (ULONG v = 0; v < a->ValueCount; v++) {
            if (a->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING)
                n += SepWideSize(a->Values.ppString[v]);
            else if (a->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN)
                n += SepWideSize(a->Values.pFqbn[v].Name);
            else if (a->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_SID ||
                     a->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING)
                n += SEP_ALIGN8(a->Values.pOctetString[v].ValueLength);
        }
    }
    return n;
}

static PVOID SepPlace(PUCHAR *Cursor, const VOID *Data, SIZE_T Length)
{
    PVOID out = *Cursor;
    if (Length != 0)
        memcpy(out, Data, Length);
    *Cursor += SEP_ALIGN8(Length);
    return out;
}

static PWSTR SepPlaceWide(PUCHAR *Cursor, const WCHAR *String)
{
    return SepPlace(Cursor, String, (SepWideLength(String) + 1) * sizeof(WCHAR));
}

/* SepClaimsPack - see sep.h. Buffer holds SepClaimsSize(Claims) bytes; Claims may be the
 * packed block being copied elsewhere (it is only read). */
VOID SepClaimsPack(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims, PVOID Buffer)
{
    SIZE_T size = SepClaimsSize(Claims);
    memset(Buffer, 0, size);
    PCLAIM_SECURITY_ATTRIBUTES_INFORMATION out = Buffer;
    PUCHAR cur = (PUCHAR)Buffer + SEP_ALIGN8(sizeof(*out));
    out->Version = CLAIM_SECURITY_ATTRIBUTES_INFORMATION_VERSION_V1;
    if (Claims == NULL || Claims->AttributeCount == 0)
        return;
    ULONG count = Claims->AttributeCount;
    out->AttributeCount = count;
    PCLAIM_SECURITY_ATTRIBUTE_V1 attrs = (PCLAIM_SECURITY_ATTRIBUTE_V1)cur;
    out->Attribute.pAttributeV1 = attrs;
    cur += SEP_ALIGN8(count * sizeof(CLAIM_SECURITY_ATTRIBUTE_V1));
    for (ULONG i = 0; i < count; i++) {
        const CLAIM_SECURITY_ATTRIBUTE_V1 *a = &Claims->Attribute.pAttributeV1[i];
        PCLAIM_SECURITY_ATTRIBUTE_V1 o = &attrs[i];
        o->ValueType = a->ValueType;
        o->Flags = a->Flags;
        o->ValueCount = a->ValueCount;
        SIZE_T arrayBytes = a->ValueCount * SepClaimElementSize(a->ValueType);
        PUCHAR array = SepPlace(&cur, a->Values.pInt64, arrayBytes);
        o->Values.pInt64 = (PLONGLONG)array;
        o->Name = SepPlaceWide(&cur, a->Name);
        for (ULONG v = 0; v < a->ValueCount; v++) {
            switch (a->ValueType) {
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
                o->Values.ppString[v] = SepPlaceWide(&cur, a->Values.ppString[v]);
                break;
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN:
                o->Values.pFqbn[v].Name = SepPlaceWide(&cur, a->Values.pFqbn[v].Name);
                break;
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID:
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING: {
                ULONG len = a->Values.pOctetString[v].ValueLength;
                o->Values.pOctetString[v].pValue =
                    len ? SepPlace(&cur, a->Values.pOctetString[v].pValue, len) : NULL;
                break;
            }
            default:
                break;
            }
        }
    }
}

/* SepClaimsCopy - see sep.h. The block is the caller's (ExFreePool). */
NTSTATUS SepClaimsCopy(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims,
                       PCLAIM_SECURITY_ATTRIBUTES_INFORMATION *Copy)
{
    *Copy = NULL;
    PVOID block = ExAllocatePoolWithTag(PagedPool, SepClaimsSize(Claims), SEP_CLAIMS_TAG);
    if (block == NULL)
        return STATUS_NO_MEMORY;
    SepClaimsPack(Claims, block);
    *Copy = block;
    return STATUS_SUCCESS;
}

/* SepGroupsCopy - see sep.h. The block is the caller's (ExFreePool). */
NTSTATUS SepGroupsCopy(ULONG Count, const SID_AND_ATTRIBUTES *Array, PTOKEN_GROUPS *Copy)
{
    SIZE_T header = SEP_ALIGN8(offsetof(TOKEN_GROUPS, Groups) + (Count ? Count : 1) * sizeof(SID_AND_ATTRIBUTES));
    SIZE_T size = header;
    for (ULONG i = 0; i < Count; i++)
        size += SEP_ALIGN8(RtlLengthSid(Array[i].Sid));
    PTOKEN_GROUPS g = ExAllocatePoolWithTag(PagedPool, size, SEP_CLAIMS_TAG);
    *Copy = g;
    if (g == NULL)
        return STATUS_NO_MEMORY;
    memset(g, 0, size);
    PUCHAR cur = (PUCHAR)g + header;
    g->GroupCount = Count;
    for (ULONG i = 0; i < Count; i++) {
        g->Groups[i].Sid = SepPlace(&cur, Array[i].Sid, RtlLengthSid(Array[i].Sid));
        g->Groups[i].Attributes = Array[i].Attributes;
    }
    return STATUS_SUCCESS;
}

/* SepCopyTokenClaims - see sep.h. Source's blocks are immutable: no lock needed. On failure
 * NewToken keeps what was copied; its delete procedure frees it. */
NTSTATUS SepCopyTokenClaims(PTOKEN Source, PTOKEN NewToken)
{
    NewToken->UserClaims = NewToken->DeviceClaims = NULL;
    NewToken->DeviceGroups = NULL;
    NTSTATUS st = STATUS_SUCCESS;
    if (Source->UserClaims)
        st = SepClaimsCopy(Source->UserClaims, &NewToken->UserClaims);
    if (NT_SUCCESS(st) && Source->DeviceClaims)
        st = SepClaimsCopy(Source->DeviceClaims, &NewToken->DeviceClaims);
    if (NT_SUCCESS(st) && Source->DeviceGroups)
        st = SepGroupsCopy(Source->DeviceGroups->GroupCount, Source->DeviceGroups->Groups,
                           &NewToken->DeviceGroups);
    return st;
}

VOID SepFreeTokenClaims(PTOKEN Token)
{
    if (Token->UserClaims)
        ExFreePoolWithTag(Token->UserClaims, SEP_CLAIMS_TAG);
    if (Token->DeviceClaims)
        ExFreePoolWithTag(Token->DeviceClaims, SEP_CLAIMS_TAG);
    if (Token->DeviceGroups)
        ExFreePoolWithTag(Token->DeviceGroups, SEP_CLAIMS_TAG);
    Token->UserClaims = Token->DeviceClaims = NULL;
    Token->DeviceGroups = NULL;
}

/* SepFindClaim - see sep.h. @remarks MS-DTYP 2.5.1.2.2: attribute names are case-insensitive. */
const CLAIM_SECURITY_ATTRIBUTE_V1 *SepFindClaim(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims,
                                                const UCHAR *Name, ULONG NameLength)
{
    if (Claims == NULL)
        return NULL;
    ULONG n = NameLength / 2;
    for (ULONG i = 0; i < Claims->AttributeCount; i++) {
        const WCHAR *c = Claims->Attribute.pAttributeV1[i].Name;
        ULONG k = 0;
        /* Folded only where the code units differ (the spelling usually matches); the
         * claim's NUL ends the walk before anything past it is read. */
        for (; k < n; k++) {
            WCHAR a = c[k], b = RtlpCondRead16(Name + 2 * k);
            if (a == 0 || (a != b && SepWideFold(a) != SepWideFold(b)))
                break;
        }
        if (k == n && c[k] == 0)
            return &Claims->Attribute.pAttributeV1[i];
    }
    return NULL;
}
