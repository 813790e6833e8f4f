/*
 * listing.c - GET on a collection: the entries the client can see (read as the client from
 * its own open of the collection, which must be the inode the NT layer checked: 409 if the
 * name was rebound), with size, date and the caller's effective NT rights on each
 * (SeAccessCheck with MAXIMUM_ALLOWED against each entry's descriptor, read as the server
 * through the same collection fd; an entry replaced since the client saw it shows none):
 * HTML when the client accepts text/html, otherwise one line per entry.
 */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "listing.h"

#define FSD_LIST_MAX 5000

typedef struct _FSD_ENTRY {
    char *Name;
    struct stat St;
} FSD_ENTRY;

typedef struct _FSD_BUF {
    char *Data;
    size_t Len, Cap;
} FSD_BUF;

static void FsdpPut(FSD_BUF *B, const char *Fmt, ...) __attribute__((format(printf, 2, 3)));
static void FsdpPut(FSD_BUF *B, const char *Fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, Fmt);
        int n = vsnprintf(B->Data + B->Len, B->Cap - B->Len, Fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (B->Len + (size_t)n < B->Cap) {
            B->Len += (size_t)n;
            return;
        }
        size_t cap = (B->Cap + (size_t)n + 1) * 2;
        char *d = realloc(B->Data, cap);
        if (d == NULL)
            return;
        B->Data = d;
        B->Cap = cap;
    }
}

static void FsdpHtmlEscape(FSD_BUF *B, const char *S)
{
    for (; *S; S++) {
        switch (*S) {
        case '<': FsdpPut(B, "&lt;"); break;
        case '>': FsdpPut(B, "&gt;"); break;
        case '&': FsdpPut(B, "&amp;"); break;
        case '"': FsdpPut(B, "&quot;"); break;
        default: FsdpPut(B, "%c", *S);
        }
    }
}

static void FsdpRightsText(ACCESS_MASK M, BOOLEAN Dir, char *Buf, size_t Size)
{
    snprintf(Buf, Size, "%s%s%s%s%s", (M & FILE_READ_DATA) ? (Dir ? "list " : "read ") : "",
             (M & FILE_WRITE_DATA) ? (Dir ? "add " : "write ") : "", (M & DELETE) ? "delete " : "",
             (M & WRITE_DAC) ? "change-acl " : "", (M & READ_CONTROL) ? "read-acl" : "");
    if (Buf[0] == 0)
        snprintf(Buf, Size, "-");
}

/* The effective rights on the entry Name of DirFd (the collection's fd the client read) that
 * the client saw as Seen: none when the name points to another inode by now. */
static ACCESS_MASK FsdpEffective(FSD_REQ *Req, int DirFd, const char *Name, const struct stat *Seen)
{
    int fd = FsdOpenAt(DirFd, Name, O_PATH | O_NOFOLLOW, 0);
    if (fd < 0)
        return 0;
    if (FsdSameFd(fd, Seen) != 0) {
        close(fd);
        return 0;
    }
    PSECURITY_DESCRIPTOR sd;
    ULONG len;
    BOOLEAN stored;
    ACCESS_MASK granted = 0;
    if (NT_SUCCESS(FsdGetSd(fd, &sd, &len, &stored))) {
        NTSTATUS st;
        PPRIVILEGE_SET privs = NULL;
        if (!SeAccessCheck(sd, &Req->Conn->Subject, FALSE, MAXIMUM_ALLOWED, 0, &privs,
                           IoGetFileObjectGenericMapping(), UserMode, &granted, &st))
            granted = 0;
        if (privs)
            SeFreePrivileges(privs);
        NtsecFree(sd);
    }
    close(fd);
    return granted;
}

int FsdListing(FSD_REQ *Req, int ServerFd, BOOLEAN Head)
{
    FSD_ENTRY *ents = calloc(FSD_LIST_MAX, sizeof *ents);
    size_t n = 0;
    if (ents == NULL)
        return MHD_NO;
    if (!FsdBecomeClient(Req->Conn)) {
        free(ents);
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    }
    /* the client's own open (the Linux layer), which must be the inode the NT layer allowed
     * to list (sameobj.c); the entries are read from it, never looked up again by path */
    struct stat checked;
    int dfd = FsdOpen(Req->Path, O_RDONLY | O_DIRECTORY, 0);
    int err = dfd < 0 ? -dfd : fstat(ServerFd, &checked) != 0 ? errno : FsdSameFd(dfd, &checked);
    DIR *d = err == 0 ? fdopendir(dfd) : NULL;
    if (d != NULL) {
        struct dirent *e;
        while (n < FSD_LIST_MAX && (e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
                !strncmp(e->d_name, FSD_TEMP_PREFIX, strlen(FSD_TEMP_PREFIX)))
                continue;
            if (fstatat(dirfd(d), e->d_name, &ents[n].St, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            ents[n++].Name = strdup(e->d_name);
        }
    } else if (dfd >= 0) {
        close(dfd);
    }
    FsdBecomeServer(Req->Conn);
    if (err != 0) {
        free(ents);
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(err), FSD_LAYER_OF(err), FSD_NOTE_OF(err));
    }
    const char *accept = FsdHeader(Req, "Accept");
    BOOLEAN html = accept != NULL && strstr(accept, "text/html") != NULL;
    FSD_BUF b = {NULL, 0, 0};
    char *self = FsdHref(Req->Path, TRUE);
    if (html) {
        FsdpPut(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ");
        FsdpHtmlEscape(&b, self);
        FsdpPut(&b, "</title><style>body{font-family:sans-serif}td,th{padding:2px 12px;text-align:left}"
                    "</style></head>\n<body><h1>Index of ");
        FsdpHtmlEscape(&b, self);
        FsdpPut(&b, "</h1>\n<p>served as ");
        FsdpHtmlEscape(&b, Req->Conn->Identity);
        FsdpPut(&b, "</p>\n<table><tr><th>name</th><th>size</th><th>modified</th><th>your rights</th></tr>\n");
    }
    for (size_t i = 0; i < n; i++) {
        BOOLEAN dir = S_ISDIR(ents[i].St.st_mode);
        char rights[128], date[64];
        struct tm tm;
        gmtime_r(&ents[i].St.st_mtime, &tm);
        strftime(date, sizeof date, "%Y-%m-%d %H:%M:%SZ", &tm);
        FsdpRightsText(d ? FsdpEffective(Req, dirfd(d), ents[i].Name, &ents[i].St) : 0, dir, rights, sizeof rights);
        if (html) {
            size_t pl = strlen(Req->Path) + strlen(ents[i].Name) + 2;
            char *p = malloc(pl);
            snprintf(p, pl, "%s%s%s", Req->Path, *Req->Path ? "/" : "", ents[i].Name);
            char *href = FsdHref(p, dir);
            FsdpPut(&b, "<tr><td><a href=\"");
            FsdpHtmlEscape(&b, href);
            FsdpPut(&b, "\">");
            FsdpHtmlEscape(&b, ents[i].Name);
            FsdpPut(&b, "%s</a></td><td>%lld</td><td>%s</td><td>%s</td></tr>\n", dir ? "/" : "",
                    (long long)ents[i].St.st_size, date, rights);
            free(href);
            free(p);
        } else {
            FsdpPut(&b, "%s%s\t%lld\t%s\t%s\n", ents[i].Name, dir ? "/" : "", (long long)ents[i].St.st_size,
                    date, rights);
        }
        free(ents[i].Name);
    }
    if (html)
        FsdpPut(&b, "</table></body></html>\n");
    if (d)
        closedir(d);
    free(self);
    free(ents);
    int r = FsdRespond(Req, 200, NULL, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
                       b.Data ? b.Data : "", b.Len);
    free(b.Data);
    return r;
}
