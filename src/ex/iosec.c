/*
 * iosec.c - the I/O manager's security helpers: the file generic mapping and the current
 * process as the I/O manager names it.
 */
#include "ntsec.h"

/* Read-only: IoGetFileObjectGenericMapping hands out a non-const pointer (WDK signature),
 * and a write through it faults instead of changing every caller's mapping. */
static const GENERIC_MAPPING IopFileMapping = { FILE_GENERIC_READ, FILE_GENERIC_WRITE,
                                                FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS };

/* IoGetFileObjectGenericMapping - see ntio.h. No references. */
PGENERIC_MAPPING IoGetFileObjectGenericMapping(VOID)
{
    return (PGENERIC_MAPPING)&IopFileMapping;
}

/* IoGetCurrentProcess - see ntio.h. No reference is taken. */
PEPROCESS IoGetCurrentProcess(VOID)
{
    return PsGetCurrentProcess();
}
