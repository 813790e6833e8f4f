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

#endif
