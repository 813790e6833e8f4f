/*
 * fuzz_sddl - NtsecSddlToSecurityDescriptor on arbitrary text. Whatever it accepts must be a
 * valid self-relative descriptor, print back to SDDL, and that SDDL must parse to the very
 * same bytes (the printed form is canonical).
 */
#include <stdlib.h>
#include <string.h>
#include "rtlp.h"
#include "ntsec.h"

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    PSECURITY_DESCRIPTOR sd = NULL, sd2 = NULL;
    ULONG length = 0, length2 = 0;
    PSTR sddl = NULL;
    char *text = malloc(Size + 1);
    static int once;
    if (!once) {
        ULONG domain[8] = { 0 };
        RtlpStringToSid("S-1-5-21-1-2-3", NULL, domain, sizeof(domain));
        NtsecSetDomainSid(domain);
        once = 1;
    }
    memcpy(text, Data, Size);
    text[Size] = '\0';
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
