/*
 * buffers.c - helpers the framework and the packages share: SecBuffer look-up, output
 * tokens, context-buffer memory (FreeContextBuffer), UTF-16 <-> UTF-8, time stamps.
 */
#include <string.h>
#include "ksec/ksecp.h"
#include "ex/pooltags.h"

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define KSECP_EPOCH_DIFFERENCE 116444736000000000LL

TimeStamp KsecTimeStampFromUnix(LONGLONG Seconds)
{
    TimeStamp t;
    t.QuadPart = Seconds * 10000000LL + KSECP_EPOCH_DIFFERENCE;
    return t;
}

/* KsecFindBuffer - see ksecp.h. Desc was validated by the framework. */
PSecBuffer KsecFindBuffer(PSecBufferDesc Desc, ULONG Type)
{
    if (Desc == NULL)
        return NULL;
    for (ULONG i = 0; i < Desc->cBuffers; i++)
        if ((Desc->pBuffers[i].BufferType & ~SECBUFFER_ATTRMASK) == Type)
            return &Desc->pBuffers[i];
    return NULL;
}

/* KsecAllocateContextBuffer - memory the caller frees with FreeContextBuffer. */
PVOID KsecAllocateContextBuffer(SIZE_T Size)
{
    return ExAllocatePoolWithTag(PagedPool, Size == 0 ? 1 : Size, KSECP_BUFFER_TAG);
}

/* FreeContextBuffer - see sspi.h. Only memory from KsecAllocateContextBuffer may be given. */
SECURITY_STATUS SEC_ENTRY FreeContextBuffer(PVOID pvContextBuffer)
{
    if (pvContextBuffer != NULL)
        ExFreePoolWithTag(pvContextBuffer, KSECP_BUFFER_TAG);
    return SEC_E_OK;
}

/* KsecWriteOutputToken - see ksecp.h. */
SECURITY_STATUS KsecWriteOutputToken(PKSEC_STEP Step, const VOID *Data, ULONG Length)
{
    PSecBuffer out = KsecFindBuffer(Step->Output, SECBUFFER_TOKEN);
    if (out == NULL)
        return SEC_E_INVALID_TOKEN;
    if (Length == 0) {
        out->cbBuffer = 0;
        return SEC_E_OK;
    }
    if (Step->ContextReq & ISC_REQ_ALLOCATE_MEMORY) {
        PVOID p = KsecAllocateContextBuffer(Length);
        if (p == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        memcpy(p, Data, Length);
        out->pvBuffer = p;
        out->cbBuffer = Length;
        Step->ContextAttr |= ISC_RET_ALLOCATED_MEMORY;
        return SEC_E_OK;
    }
    if (out->pvBuffer == NULL || out->cbBuffer < Length)
        return SEC_E_BUFFER_TOO_SMALL;
    memcpy(out->pvBuffer, Data, Length);
    out->cbBuffer = Length;
    return SEC_E_OK;
}

/* KsecUtf16ToUtf8 - see ksecp.h. The result is allocated with ExAllocatePoolWithTag. */
NTSTATUS KsecUtf16ToUtf8(const WCHAR *Text, SIZE_T Count, PSTR *Utf8)
{
    *Utf8 = NULL;
    if (Text == NULL && Count > 0)
        return STATUS_INVALID_PARAMETER;
    if (Count > 0x10000000)
        return STATUS_INVALID_PARAMETER;
    PSTR out = ExAllocatePoolWithTag(PagedPool, Count * 3 + 1, KSECP_UTF8_TAG);
    if (out == NULL)
        return STATUS_NO_MEMORY;
    SIZE_T n = 0;
    for (SIZE_T i = 0; i < Count; i++) {
        ULONG c = Text[i];
        if (c == 0)
            goto invalid;
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (i + 1 >= Count || Text[i + 1] < 0xDC00 || Text[i + 1] > 0xDFFF)
                goto invalid;
            c = 0x10000 + ((c - 0xD800) << 10) + (Text[i + 1] - 0xDC00);
            i++;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            goto invalid;
        }
        if (c < 0x80) {
            out[n++] = (CHAR)c;
        } else if (c < 0x800) {
            out[n++] = (CHAR)(0xC0 | (c >> 6));
            out[n++] = (CHAR)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[n++] = (CHAR)(0xE0 | (c >> 12));
            out[n++] = (CHAR)(0x80 | ((c >> 6) & 0x3F));
            out[n++] = (CHAR)(0x80 | (c & 0x3F));
        } else {
            out[n++] = (CHAR)(0xF0 | (c >> 18));
            out[n++] = (CHAR)(0x80 | ((c >> 12) & 0x3F));
            out[n++] = (CHAR)(0x80 | ((c >> 6) & 0x3F));
            out[n++] = (CHAR)(0x80 | (c & 0x3F));
        }
    }
    out[n] = 0;
    *Utf8 = out;
    return STATUS_SUCCESS;
invalid:
    ExFreePoolWithTag(out, KSECP_UTF8_TAG);
    return STATUS_INVALID_PARAMETER;
}

/* KsecSecurityStringToUtf8 - see ksecp.h (ExFreePool the result). */
NTSTATUS KsecSecurityStringToUtf8(PSECURITY_STRING String, PSTR *Utf8)
{
    *Utf8 = NULL;
    if (String == NULL || (String->Length & 1) || String->Length > String->MaximumLength ||
        (String->Length > 0 && String->Buffer == NULL))
        return STATUS_INVALID_PARAMETER;
    return KsecUtf16ToUtf8(String->Buffer, String->Length / sizeof(WCHAR), Utf8);
}

/* KsecAllocateWideString - see ksecp.h. Decodes strict UTF-8 (no overlongs, no surrogates). */
PWSTR KsecAllocateWideString(PCSTR Text)
{
    SIZE_T length = strlen(Text);
    PWSTR out = KsecAllocateContextBuffer((length + 1) * sizeof(WCHAR));
    if (out == NULL)
        return NULL;
    const UCHAR *s = (const UCHAR *)Text;
    SIZE_T n = 0, i = 0;
    while (i < length) {
        ULONG c = s[i], need = 0, min = 0;
        if (c < 0x80) {
            need = 0;
        } else if ((c & 0xE0) == 0xC0) {
            need = 1; c &= 0x1F; min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            need = 2; c &= 0x0F; min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            need = 3; c &= 0x07; min = 0x10000;
        } else {
            goto invalid;
        }
        for (ULONG k = 1; k <= need; k++) {
            if (i + k >= length || (s[i + k] & 0xC0) != 0x80)
                goto invalid;
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if (need > 0 && (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)))
            goto invalid;
        i += need + 1;
        if (c >= 0x10000) {
            c -= 0x10000;
            out[n++] = (WCHAR)(0xD800 + (c >> 10));
            out[n++] = (WCHAR)(0xDC00 + (c & 0x3FF));
        } else {
            out[n++] = (WCHAR)c;
        }
    }
    out[n] = 0;
    return out;
invalid:
    FreeContextBuffer(out);
    return NULL;
}
