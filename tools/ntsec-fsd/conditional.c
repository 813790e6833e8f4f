/*
 * conditional.c - entity tags, HTTP dates, conditional request headers (If-Match,
 * If-None-Match, If-Modified-Since, If-Unmodified-Since; RFC 9110 section 13) and content
 * types by file extension, for ops_file.c and props.c.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "fsd.h"

void FsdEtag(const struct stat *St, char *Buf, size_t Size)
{
    snprintf(Buf, Size, "\"%llx-%llx-%llx\"", (unsigned long long)St->st_ino,
             (unsigned long long)St->st_size,
             (unsigned long long)St->st_mtim.tv_sec * 1000000000ULL + (unsigned long long)St->st_mtim.tv_nsec);
}

static time_t FsdpParseDate(const char *S)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *e = strptime(S, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (e == NULL)
        return (time_t)-1;
    return timegm(&tm);
}

static BOOLEAN FsdpEtagListHas(const char *List, const char *Etag)
{
    /* "a", W/"b", ... : a weak comparison is enough for If-None-Match on GET */
    const char *p = List;
    size_t el = strlen(Etag);
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (strncmp(p, Etag, el) == 0 && (p[el] == 0 || p[el] == ',' || p[el] == ' '))
            return TRUE;
        const char *c = strchr(p, ',');
        if (c == NULL)
            break;
        p = c;
    }
    return FALSE;
}

int FsdConditional(FSD_REQ *Req, const struct stat *St, BOOLEAN Exists, BOOLEAN Read)
{
    char etag[80] = "";
    if (Exists)
        FsdEtag(St, etag, sizeof etag);
    const char *im = FsdHeader(Req, "If-Match");
    if (im != NULL) {
        if (!Exists)
            return 412;
        if (strcmp(im, "*") != 0 && !FsdpEtagListHas(im, etag))
            return 412;
    }
    const char *ius = FsdHeader(Req, "If-Unmodified-Since");
    if (ius != NULL && im == NULL && Exists) {
        time_t t = FsdpParseDate(ius);
        if (t != (time_t)-1 && St->st_mtime > t)
            return 412;
    }
    const char *inm = FsdHeader(Req, "If-None-Match");
    if (inm != NULL) {
        if (Exists && (strcmp(inm, "*") == 0 || FsdpEtagListHas(inm, etag)))
            return Read ? 304 : 412;
    } else if (Read && Exists) {
        const char *ims = FsdHeader(Req, "If-Modified-Since");
        if (ims != NULL) {
            time_t t = FsdpParseDate(ims);
            if (t != (time_t)-1 && St->st_mtime <= t)
                return 304;
        }
    }
    return 0;
}

void FsdHttpDate(time_t T, char *Buf, size_t Size)
{
    struct tm tm;
    gmtime_r(&T, &tm);
    strftime(Buf, Size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

const char *FsdContentType(const char *Name)
{
    static const struct { const char *Ext, *Type; } types[] = {
        {".html", "text/html"}, {".htm", "text/html"}, {".txt", "text/plain"}, {".css", "text/css"},
        {".js", "text/javascript"}, {".json", "application/json"}, {".xml", "application/xml"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
        {".svg", "image/svg+xml"}, {".pdf", "application/pdf"}, {".md", "text/markdown"},
    };
    const char *dot = strrchr(Name, '.');
    if (dot != NULL)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot, types[i].Ext) == 0)
                return types[i].Type;
    return "application/octet-stream";
}

