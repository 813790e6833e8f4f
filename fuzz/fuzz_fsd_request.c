/*
 * fuzz_fsd_request - the request glue of ntsec-fsd: URL decoding (FsdDecodePath), the
 * Destination header (FsdDestinationPath), href encoding (FsdHref) and the If header with
 * the lock check (FsdCheckLocks). Input: lines "URL\nDESTINATION\nIF\nHOST".
 * Invariants checked: a decoded path never holds a NUL, an empty, "." or ".." segment, a
 * leading or trailing slash; its href decodes back to the same path; the If evaluation
 * answers 0, 400, 412 or 423 only.
 */
#include <stdio.h>
#include "fuzz_common.h"
#include "fuzz_fsd_stubs.h"

static void FuzzCheckPath(const char *P)
{
    size_t n = strlen(P);
    if (n && (P[0] == '/' || P[n - 1] == '/'))
        abort();
    for (const char *s = P; *s;) {
        const char *e = strchr(s, '/');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (l == 0 || (l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
            abort();
        s += l + (e ? 1 : 0);
    }
    char *href = FsdHref(P, FALSE), *back = NULL;
    BOOLEAN ts;
    if (href == NULL || FsdDecodePath(href, &back, &ts) != 0 || strcmp(back, P) != 0)
        abort();
    free(href);
    free(back);
}

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    FuzzFsdRoot();
    char *text = FuzzText(Data, Size);
    if (text == NULL)
        return 0;
    char *field[4] = {text, "", "", ""};
    for (int i = 1; i < 4; i++) {
        char *nl = strchr(field[i - 1], '\n');
        if (nl == NULL)
            break;
        *nl = 0;
        field[i] = nl + 1;
    }
    FSD_CONN conn;
    memset(&conn, 0, sizeof conn);
    snprintf(conn.Identity, sizeof conn.Identity, "S-1-22-1-1000");
    FSD_REQ req;
    memset(&req, 0, sizeof req);
    req.Conn = &conn;
    FuzzHeaderName[0] = "Destination"; FuzzHeaderValue[0] = field[1];
    FuzzHeaderName[1] = *field[2] ? "If" : NULL; FuzzHeaderValue[1] = field[2];
    FuzzHeaderName[2] = NULL;
    if (*field[2]) { FuzzHeaderName[2] = "Host"; FuzzHeaderValue[2] = field[3]; FuzzHeaderName[3] = NULL; }
    char *path = NULL, *dest = NULL;
    BOOLEAN ts;
    if (FsdDecodePath(field[0], &path, &ts) == 0) {
        FuzzCheckPath(path);
        int st = FsdCheckLocks(&req, path, TRUE, TRUE);
        if (st != 0 && st != 400 && st != 412 && st != 423)
            abort();
    }
    if (FsdDestinationPath(&req, field[1], &dest) == 0)
        FuzzCheckPath(dest);
    free(path);
    free(dest);
    free(text);
    return 0;
}
