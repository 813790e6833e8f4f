/*
 * ntsec_testing.h - test seams: pool allocation failure injection and counts (not part of the API a server uses).
 * Included by ntsec.h NOT: tests and fuzz targets include it themselves; see ntsec.h for the library-wide rules (buffers from Ntsec*
 * routines are freed with NtsecFree).
 */
#ifndef NTSEC_NTSEC_TESTING_H
#define NTSEC_NTSEC_TESTING_H

#include "ntifs.h"
#include "ntsec_token.h"

NTSEC_EXTERN_C_BEGIN

/* ---- Test seams ---- */
/* Make the FailAt-th pool allocation from now on fail (1 = the next one); 0 disables. */
NTSEC_API VOID NtsecSetAllocationFailure(ULONG FailAt);
/* Number of pool allocations made so far (to size fault-injection sweeps). */
NTSEC_API ULONG NtsecAllocationCount(VOID);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_TESTING_H */
