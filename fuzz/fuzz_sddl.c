/*
 * fuzz_sddl - NtsecSddlToSecurityDescriptor on arbitrary text. Whatever it accepts must be a
 * valid self-relative descriptor, print back to SDDL, and that SDDL must parse to the very
 * same bytes (the printed form is canonical).
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    PSECURITY_DESCRIPTOR sd = NULL, sd2 = NULL;
    ULONG length = 0, length2 = 0;
    PSTR sddl = NULL;
    FuzzSetDomainSidOnce();
    char *text = FuzzText(Data, Size);
    if (NT_SUCCESS(NtsecSddlToSecurityDescriptor(text, &sd, &length))) {
        if (!RtlValidRelativeSecurityDescriptor(sd, length, 0) ||
            RtlLengthSecurityDescriptor(sd) != length)
            abort();
        if (!NT_SUCCESS(NtsecSecurityDescriptorToSddl(sd, 0xF, &sddl)))
            abort();
        if (!NT_SUCCESS(NtsecSddlToSecurityDescriptor(sddl, &sd2, &length2)) || length2 != length ||
            memcmp(sd, sd2, length) != 0)
            abort();
    }
    NtsecFree(sd);
    NtsecFree(sd2);
    NtsecFree(sddl);
    free(text);
    return 0;
}
