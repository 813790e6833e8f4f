/*
 * fuzz_common.h - helpers shared by the libFuzzer targets (fuzz_*.c).
 */
#ifndef NTSEC_FUZZ_COMMON_H
#define NTSEC_FUZZ_COMMON_H

#include <stdlib.h>
#include <string.h>
#include "rtlp.h"
#include "ntsec.h"
#include "ntsec_testing.h"

/* A NUL-terminated copy of the fuzzer's input (malloc'd; the caller frees it), or NULL. */
static inline char *FuzzText(const unsigned char *Data, size_t Size)
{
    char *text = malloc(Size + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, Data, Size);
    text[Size] = '\0';
    return text;
}

/* Installs the domain SID S-1-5-21-1-2-3 on the first call, so domain aliases (DA, DU...)
 * resolve. Later calls do nothing. */
static inline void FuzzSetDomainSidOnce(void)
{
    static int once;
    if (!once) {
        ULONG domain[8] = { 0 };
        RtlpStringToSid("S-1-5-21-1-2-3", NULL, domain, sizeof(domain));
        NtsecSetDomainSid(domain);
        once = 1;
    }
}

/*
 * FuzzSddlRoundTrip - what fuzz_sddl and fuzz_cond_sddl check of SDDL text: if it parses, the
 * descriptor is valid and exactly as long as returned, it prints, the printed text parses to
 * the identical bytes and prints to the identical text. Aborts otherwise.
 */
static inline void FuzzSddlRoundTrip(PCSTR Text)
{
    PSECURITY_DESCRIPTOR sd = NULL, sd2 = NULL;
    ULONG length = 0, length2 = 0;
    PSTR sddl = NULL, sddl2 = NULL;
    if (NT_SUCCESS(NtsecSddlToSecurityDescriptor(Text, &sd, &length))) {
        if (!RtlValidRelativeSecurityDescriptor(sd, length, 0) ||
            RtlLengthSecurityDescriptor(sd) != length)
            abort();
        if (!NT_SUCCESS(NtsecSecurityDescriptorToSddl(sd, 0xF, &sddl)))
            abort();
        if (!NT_SUCCESS(NtsecSddlToSecurityDescriptor(sddl, &sd2, &length2)) || length2 != length ||
            memcmp(sd, sd2, length) != 0)
            abort();
        if (!NT_SUCCESS(NtsecSecurityDescriptorToSddl(sd2, 0xF, &sddl2)) || strcmp(sddl, sddl2) != 0)
            abort();
    }
    NtsecFree(sd);
    NtsecFree(sd2);
    NtsecFree(sddl);
    NtsecFree(sddl2);
}

#endif
