/*
 * vf.h - the ntsec verifier: misuse findings (private interface used by every layer).
 *
 * The verifier is off unless NTSEC_VERIFIER=1 is in the environment at load time or
 * NtsecEnableVerifier was called. Checks on hot paths test VfIsEnabled() first.
 */
#ifndef NTSEC_VF_H
#define NTSEC_VF_H

#include <stdatomic.h>
#include "ntifs.h"

struct _OBJECT_HEADER;

extern _Atomic ULONG VfFlags;

static inline BOOLEAN VfIsEnabled(VOID)
{
    return atomic_load_explicit(&VfFlags, memory_order_relaxed) != 0;
}

/* Object lifetime (called by src/ob). */
VOID VfObjectCreated(struct _OBJECT_HEADER *Header);
/* Returns TRUE if the verifier keeps (quarantines) the memory; the caller must not free it. */
BOOLEAN VfObjectDeleting(struct _OBJECT_HEADER *Header);
VOID VfReportBadObject(PCSTR Routine, PVOID Object, PCSTR What);
VOID VfReportTypeMismatch(PCSTR Routine, PVOID Object, POBJECT_TYPE Expected);

/* Generic finding: Routine is where the misuse was seen, Object may be NULL. */
VOID VfReport(PCSTR Kind, PCSTR Routine, PVOID Object, PCSTR Format, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* NTSEC_VF_H */
