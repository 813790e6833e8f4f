/*
 * fuzz_sid_string - RtlpStringToSid on arbitrary text; every SID it accepts must print
 * (RtlpSidToString) and parse back to the same bytes.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    ULONG sid[SECURITY_MAX_SID_SIZE / 4], again[SECURITY_MAX_SID_SIZE / 4];
    char buffer[256];
    PCSTR end;
    FuzzSetDomainSidOnce();
    char *text = FuzzText(Data, Size);
    if (NT_SUCCESS(RtlpStringToSid(text, &end, sid, sizeof(sid)))) {
        if (!RtlValidSid(sid) || end < text || end > text + Size)
            abort();
        if (!NT_SUCCESS(RtlpSidToString(sid, buffer, sizeof(buffer))))
            abort();
        if (!NT_SUCCESS(RtlpStringToSid(buffer, &end, again, sizeof(again))) || *end != '\0' ||
            !RtlEqualSid(sid, again))
            abort();
        (void)RtlpSidAlias(sid);
        (void)RtlpSidAccountName(sid);
    }
    /* Short output buffers must fail cleanly. */
    (void)RtlpStringToSid(text, &end, sid, (ULONG)(Size % 64));
    free(text);
    return 0;
}
