/*
 * mapping.c - generic rights to specific rights.
 */
#include "rtlp.h"
#include "ex/exp.h"

/*
 * RtlMapGenericMask - ORs in the GenericMapping rights for each GENERIC_* bit set in
 * *AccessMask, then clears the four generic bits (Windows: the result never holds a generic
 * bit; other bits, including MAXIMUM_ALLOWED and ACCESS_SYSTEM_SECURITY, are kept).
 * A NULL argument: VOID, so a verifier finding and bug check NTSEC_NULL_ARGUMENT; if the
 * handler returns, *AccessMask is left as it is (docs/null-arguments.md).
 */
VOID RtlMapGenericMask(PACCESS_MASK AccessMask, const GENERIC_MAPPING *GenericMapping)
{
    if (AccessMask == NULL || GenericMapping == NULL) {
        ExpNullArgument("RtlMapGenericMask", AccessMask == NULL ? 1 : 2,
                        AccessMask == NULL ? "AccessMask" : "GenericMapping");
        return;
    }
    ACCESS_MASK mask = *AccessMask;
    if (mask & GENERIC_READ)
        mask |= GenericMapping->GenericRead;
    if (mask & GENERIC_WRITE)
        mask |= GenericMapping->GenericWrite;
    if (mask & GENERIC_EXECUTE)
        mask |= GenericMapping->GenericExecute;
    if (mask & GENERIC_ALL)
        mask |= GenericMapping->GenericAll;
    mask &= ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
    *AccessMask = mask;
}
