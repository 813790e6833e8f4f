/*
 * testsid.h - SIDs of up to six sub-authorities in a test's own storage (no pool, no
 * references): TestSidMake writes S-1-Auth-Sub[0]-...-Sub[Count-1].
 */
#ifndef NTSEC_TESTSID_H
#define NTSEC_TESTSID_H

#include <string.h>
#include "ntsec_test.h"

typedef struct {
    UCHAR Bytes[8 + 4 * 6];
} TSID;

static inline void TestSidMake(TSID *s, UCHAR Auth, UCHAR Count, const ULONG Sub[6])
{
    memset(s, 0, sizeof(*s));
    s->Bytes[0] = 1;
    s->Bytes[1] = Count;
    s->Bytes[7] = Auth;
    memcpy(&s->Bytes[8], Sub, 4u * Count);
}

#endif
