/*
 * debug.c - DbgPrint and RtlAssert: the debugger output of WDK code goes to stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include "ntsec.h"
#include "ex/exp.h"
#include "verifier/vf.h"

/* DbgPrint - see ntex.h. Takes no references. */
ULONG DbgPrint(PCSTR Format, ...)
{
    if (Format == NULL)
        return (ULONG)STATUS_INVALID_PARAMETER;
    va_list ap;
    va_start(ap, Format);
    vfprintf(stderr, Format, ap);
    va_end(ap);
    return (ULONG)STATUS_SUCCESS;
}

/* RtlAssert - see ntex.h. Takes no references. */
VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber, PSTR MutableMessage)
{
    PCSTR expression = VoidFailedAssertion != NULL ? (PCSTR)VoidFailedAssertion : "(null)";
    PCSTR file = VoidFileName != NULL ? (PCSTR)VoidFileName : "(null)";
    fprintf(stderr, "\n*** Assertion failed: %s%s\n***   Source File: %s, line %u\n\n",
            MutableMessage != NULL ? MutableMessage : "", expression, file, LineNumber);
    if (VfIsEnabled())
        VfReport("assertion failed", "RtlAssert", NULL, "ASSERT(%s) failed at %s:%u", expression,
                 file, LineNumber);
    KeBugCheckEx(NTSEC_ASSERTION_FAILURE, (ULONG_PTR)expression, (ULONG_PTR)file, LineNumber, 0);
}
