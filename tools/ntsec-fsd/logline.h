/*
 * logline.h - the request log's line (docs/fsd.md "Logs"), put together without printf:
 *   fsd: user="P" uid=U method=M path=/PATH status=S layer=L us=N[ way=kept][ note="NOTE"]\n
 * A line longer than the buffer is cut and still ends with a newline. No libmicrohttpd and
 * no ntsec here: tests/fsd/test_fsd_logline.c checks it against snprintf with the same format.
 */
#ifndef NTSEC_FSD_LOGLINE_H
#define NTSEC_FSD_LOGLINE_H

#include <stddef.h>

typedef struct _FSD_LOG_FIELDS {
    const char *Principal;  /* "-" when not authenticated */
    long Uid;               /* the Unix-socket peer's uid, -1 otherwise */
    const char *Method;
    const char *Path;       /* without its leading '/'; "?" when not decoded */
    int Status;
    const char *Layer;      /* "-" when nothing refused */
    long long Us;           /* microseconds */
    int Kept;               /* served the kept way */
    const char *Note;       /* "" for none */
} FSD_LOG_FIELDS;

/* Writes the line and a NUL into Line (Size >= 2); returns its length without the NUL, at
 * most Size - 1. Takes no references. */
size_t FsdFormatLogLine(const FSD_LOG_FIELDS *Fields, char *Line, size_t Size);

#endif
