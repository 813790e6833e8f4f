/*
 * fuzz_sddl - NtsecSddlToSecurityDescriptor on arbitrary text. Whatever it accepts must be a
 * valid self-relative descriptor, print back to SDDL, and that SDDL must parse to the very
 * same bytes (the printed form is canonical) and print to the same text (FuzzSddlRoundTrip).
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    FuzzSetDomainSidOnce();
    char *text = FuzzText(Data, Size);
    if (text != NULL)
        FuzzSddlRoundTrip(text);
    free(text);
    return 0;
}
