/*
 * notimpl.c - the one way a path that ntsec does not implement fails (issue 10; like
 * ReactOS's UNIMPLEMENTED): NTSEC_NOT_IMPLEMENTED() (src/rtl/rtlp.h) evaluates to
 * STATUS_NOT_IMPLEMENTED and, when NTSEC_DEBUG is set in the environment, logs the routine,
 * file and line to stderr. scripts/status-table.sh lists every use for the README.
 */
#include <stdio.h>
#include <stdlib.h>
#include "rtl/rtlp.h"

NTSTATUS RtlpNotImplemented(PCSTR Routine, PCSTR File, int Line)
{
    const char *debug = getenv("NTSEC_DEBUG");
    if (debug != NULL && debug[0] != '\0' && debug[0] != '0')
        fprintf(stderr, "ntsec: %s is not implemented (%s:%d): STATUS_NOT_IMPLEMENTED\n", Routine, File, Line);
    return STATUS_NOT_IMPLEMENTED;
}
