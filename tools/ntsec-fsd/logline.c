/*
 * logline.c - see logline.h. Why not snprintf: formatting the line with snprintf was about
 * 7 % of a worker thread's time in a profile of 4 KiB GETs over the Unix socket (perf, at
 * 1d7493b: __vfprintf_internal, strlen, _IO_default_xsputn under FsdCompleted), the largest
 * cost of the server's own code; copying the fields is a fraction of that.
 */
#include <string.h>
#include "logline.h"

typedef struct _FSD_LINE {
    char *Buf;
    size_t Len;
    size_t Room;   /* Size - 1: the last byte is kept for the NUL */
} FSD_LINE;

static void FsdpPut(FSD_LINE *L, const char *S, size_t N)
{
    if (N > L->Room - L->Len)
        N = L->Room - L->Len;
    memcpy(L->Buf + L->Len, S, N);
    L->Len += N;
}

static void FsdpPutStr(FSD_LINE *L, const char *S)
{
    FsdpPut(L, S, strlen(S));
}

static void FsdpPutNum(FSD_LINE *L, long long V)
{
    char digits[24];
    size_t i = sizeof digits;
    unsigned long long u = V < 0 ? 0ULL - (unsigned long long)V : (unsigned long long)V;
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (V < 0)
        digits[--i] = '-';
    FsdpPut(L, digits + i, sizeof digits - i);
}

size_t FsdFormatLogLine(const FSD_LOG_FIELDS *F, char *Line, size_t Size)
{
    FSD_LINE l = {Line, 0, Size - 1};
    FsdpPutStr(&l, "fsd: user=\"");
    FsdpPutStr(&l, F->Principal);
    FsdpPutStr(&l, "\" uid=");
    FsdpPutNum(&l, F->Uid);
    FsdpPutStr(&l, " method=");
    FsdpPutStr(&l, F->Method);
    FsdpPutStr(&l, " path=/");
    FsdpPutStr(&l, F->Path);
    FsdpPutStr(&l, " status=");
    FsdpPutNum(&l, F->Status);
    FsdpPutStr(&l, " layer=");
    FsdpPutStr(&l, F->Layer);
    FsdpPutStr(&l, " us=");
    FsdpPutNum(&l, F->Us);
    if (F->Kept)
        FsdpPutStr(&l, " way=kept");
    if (F->Note[0] != 0) {
        FsdpPutStr(&l, " note=\"");
        FsdpPutStr(&l, F->Note);
        FsdpPutStr(&l, "\"");
    }
    if (l.Len == l.Room)
        l.Buf[l.Len - 1] = '\n';   /* cut: still one line */
    else
        l.Buf[l.Len++] = '\n';
    l.Buf[l.Len] = 0;
    return l.Len;
}
