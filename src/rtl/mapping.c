/*
 * mapping.c - generic rights to specific rights.
 */
#include "rtlp.h"

/*
 * RtlMapGenericMask - ORs in the GenericMapping rights for each GENERIC_* bit set in
 * *AccessMask, then clears the four generic bits (Windows: the result never holds a generic
 * bit; other bits, including MAXIMUM_ALLOWED and ACCESS_SYSTEM_SECURITY, are kept).
 */
VOID RtlMapGenericMask(PACCESS_MASK AccessMask, const GENERIC_MAPPING *GenericMapping)
{
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
