/*
 * unistr.c - counted UTF-16 strings (UNICODE_STRING) and SIDs as text in them.
 */
#include "ntsec.h"
#include "ex/exp.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

#define RTLP_MAX_UNICODE_CHARS 32766 /* (MAXUSHORT & ~1) / sizeof(WCHAR) - 1 */

/* RtlInitUnicodeString - see ntrtl.h. Takes no references; nothing is allocated. */
VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    if (DestinationString == NULL) {
        ExpNullArgument("RtlInitUnicodeString", 1, "DestinationString");
        return;
    }
    DestinationString->Buffer = (PWSTR)SourceString;
    if (SourceString == NULL) {
        DestinationString->Length = 0;
        DestinationString->MaximumLength = 0;
        return;
    }
    SIZE_T n = 0;
    while (SourceString[n] != 0 && n < RTLP_MAX_UNICODE_CHARS)
        n++;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
}

/* RtlFreeUnicodeString - see ntrtl.h. Releases the pool buffer; no object references. */
VOID RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (UnicodeString == NULL) {
        ExpNullArgument("RtlFreeUnicodeString", 1, "UnicodeString");
        return;
    }
    if (UnicodeString->Buffer != NULL)
        ExFreePool(UnicodeString->Buffer);
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = 0;
    UnicodeString->MaximumLength = 0;
}

/* RtlConvertSidToUnicodeString - see ntrtl.h. The allocated buffer belongs to the caller. */
NTSTATUS RtlConvertSidToUnicodeString(PUNICODE_STRING UnicodeString, PSID Sid,
                                      BOOLEAN AllocateDestinationString)
{
    if (UnicodeString == NULL)
        return STATUS_INVALID_PARAMETER;
    if (Sid == NULL || !RtlValidSid(Sid))
        return STATUS_INVALID_SID;
    char text[256];
    NTSTATUS status = RtlpSidToString(Sid, text, sizeof text);
    if (!NT_SUCCESS(status))
        return status;
    SIZE_T n = strlen(text);
    USHORT length = (USHORT)(n * sizeof(WCHAR));
    PWSTR buffer;
    if (AllocateDestinationString) {
        buffer = ExAllocatePoolWithTag(PagedPool, length + sizeof(WCHAR), RTLP_STRING_TAG);
        if (buffer == NULL)
            return STATUS_NO_MEMORY;
        UnicodeString->MaximumLength = (USHORT)(length + sizeof(WCHAR));
    } else {
        if (UnicodeString->Buffer == NULL || UnicodeString->MaximumLength < length)
            return STATUS_BUFFER_OVERFLOW;
        buffer = UnicodeString->Buffer;
    }
    for (SIZE_T i = 0; i < n; i++)
        buffer[i] = (WCHAR)(unsigned char)text[i];
    if (AllocateDestinationString || UnicodeString->MaximumLength >= length + sizeof(WCHAR))
        buffer[n] = 0;
    UnicodeString->Buffer = buffer;
    UnicodeString->Length = length;
    return STATUS_SUCCESS;
}
