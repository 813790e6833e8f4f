/*
 * addc_env.h - the ADDC_* environment that scripts/addc/run.sh gives the domain tests
 * (docs/addc.md): a variable's value, and a domain object's SID from its RID. Takes and
 * releases no references.
 */
#ifndef NTSEC_ADDC_ENV_H
#define NTSEC_ADDC_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include "ntsec_test.h"

/* The value of Name; fails the test when the fixture did not set it. */
static inline const char *AddcEnv(const char *Name)
{
    const char *v = getenv(Name);
    if (v == NULL)
        fail_msg("%s not set: run under scripts/addc/run.sh", Name);
    return v;
}

/* "<domain SID>-<rid of ADDC_<Object>_RID>" into Out (Size bytes). */
static inline void AddcDomainSid(const char *Object, char *Out, size_t Size)
{
    char name[64];
    snprintf(name, sizeof(name), "ADDC_%s_RID", Object);
    snprintf(Out, Size, "%s-%s", AddcEnv("ADDC_DOMAIN_SID"), AddcEnv(name));
}

#endif /* NTSEC_ADDC_ENV_H */
