/*
 * errortext.c - the per-thread text of the last parse error (NtsecLastErrorText).
 */
#include <stdarg.h>
#include <stdio.h>
#include "rtlp.h"
#include "ntsec.h"

static __thread char RtlpLastError[256];

/* RtlpSetLastErrorText - see rtlp.h. Truncates to 255 characters. */
VOID RtlpSetLastErrorText(PCSTR Format, ...)
{
    va_list args;
    va_start(args, Format);
    vsnprintf(RtlpLastError, sizeof(RtlpLastError), Format, args);
    va_end(args);
}

VOID RtlpClearLastErrorText(VOID)
{
    RtlpLastError[0] = '\0';
}

/* NtsecLastErrorText - the calling thread's last error text ("" if none); a static per-thread buffer. */
PCSTR NtsecLastErrorText(VOID)
{
    return RtlpLastError;
}
