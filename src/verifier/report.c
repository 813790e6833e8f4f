/*
 * report.c - verifier findings: formatting and delivery.
 */
#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ob/obp.h"
#include "verifier/vf.h"

_Atomic ULONG VfFlags;

__attribute__((constructor(101))) static void VfpInitFromEnvironment(void)
{
    const char *v = getenv("NTSEC_VERIFIER");
    if (v != NULL && v[0] != '\0' && strcmp(v, "0") != 0)
        atomic_store(&VfFlags, 1);
}

VOID VfReport(PCSTR Kind, PCSTR Routine, PVOID Object, PCSTR Format, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, Format);
    vsnprintf(what, sizeof what, Format, ap);
    va_end(ap);
    fprintf(stderr, "ntsec verifier: %s in %s: object %p (%s): %s\n", Kind, Routine, Object,
            Object ? ObpTypeName(Object) : "none", what);
    void *frames[16];
    int n = backtrace(frames, 16);
    backtrace_symbols_fd(frames, n, 2);
}

VOID VfObjectCreated(struct _OBJECT_HEADER *Header)
{
    (void)Header;
}

BOOLEAN VfObjectDeleting(struct _OBJECT_HEADER *Header)
{
    (void)Header;
    return FALSE;
}

VOID VfReportBadObject(PCSTR Routine, PVOID Object, PCSTR What)
{
    VfReport("bad object", Routine, Object, "%s", What);
}

VOID VfReportTypeMismatch(PCSTR Routine, PVOID Object, POBJECT_TYPE Expected)
{
    VfReport("wrong object type", Routine, Object, "expected a %s", Expected->Name);
}
