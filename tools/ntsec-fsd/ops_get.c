/*
 * ops_get.c - GET/HEAD: ranges, conditional requests, collection listings (listing.c).
 *
 * Two ways to the same answer. The kept way (FsdpOpenKept): a regular file whose descriptor
 * the cache holds (sdcache.c) is checked and opened wholly as the client, and the thread
 * stays the client for the connection's next request (FsdKeepClient): in steady state a GET
 * makes no credential switch and reads no extended attribute. Anything else - a miss, a
 * collection, a refusal by either layer, a path error - takes the checked way: as the server,
 * which reads the descriptor (filling the cache), answers a refusal naming the layer that
 * refused (with the explain trace), then opens as the client. Either way the NT layer
 * (SeAccessCheck for the connection's captured subject) and the Linux layer (the client's
 * own open) must both allow, on the same inode.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsd.h"
#include "listing.h"

/* 304 / 412 for a conditional GET of St. */
static int FsdpNotModified(FSD_REQ *Req, const struct stat *St, int Status)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    char etag[80];
    FsdEtag(St, etag, sizeof etag);
    MHD_add_response_header(resp, "ETag", etag);
    return FsdRespondResponse(Req, (unsigned)Status, resp);
}

/*
 * FsdpOpenKept - the kept way: as the client (kept), Req->Path must be a regular file whose
 * descriptor the cache holds for its inode as it is now, the NT layer must grant
 * FILE_READ_DATA, and the client's own O_RDONLY open (the Linux layer, beneath the root)
 * must succeed on that same, unchanged inode. The first look is a plain fstatat of the path
 * (it resolves like any lookup, so it decides nothing by itself: only the openat2 beneath the
 * root opens, and only an open of the very inode that was checked is served). TRUE: *Cfd is
 * that open (the caller's), *St its fstat. FALSE: nothing is held, take the checked way (the
 * thread may still keep the client).
 */
static BOOLEAN FsdpOpenKept(FSD_REQ *Req, int *Cfd, struct stat *St)
{
    struct stat pst;
    PSECURITY_DESCRIPTOR sd;
    if (Req->Path[0] == 0 || !FsdKeepClient(Req->Conn))
        return FALSE;
    if (fstatat(FsdConfig.RootFd, Req->Path, &pst, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(pst.st_mode))
        return FALSE;
    FSD_SDC_ENTRY *e = FsdSdCacheFind(&pst, &sd, NULL, NULL);
    if (e == NULL)
        return FALSE;
    BOOLEAN ok = FsdCheckSd(Req, sd, FILE_READ_DATA);
    FsdSdCacheRelease(e);
    if (!ok)
        return FALSE;
    int cfd = FsdOpen(Req->Path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW, 0);
    if (cfd < 0)
        return FALSE;
    if (fstat(cfd, St) != 0 || !FsdSameInode(St, &pst) || St->st_ctim.tv_sec != pst.st_ctim.tv_sec ||
        St->st_ctim.tv_nsec != pst.st_ctim.tv_nsec) {
        close(cfd);
        return FALSE;
    }
    *Cfd = cfd;
    return TRUE;
}

/* A body of at most FSD_SMALL_BODY bytes is read at once and sent from memory: libmicrohttpd
 * then sends the header and the body in one call, where a file response costs a send of the
 * header and a sendfile of the body (docs/fsd.md "Performance"). NULL: read it from the file
 * as it is sent (larger, or the file no longer holds Len bytes at Off: a short read is not
 * served as if it were the whole). Takes no reference to Fd (the caller closes it). */
#define FSD_SMALL_BODY (16 * 1024)
static struct MHD_Response *FsdpSmallBody(int Fd, unsigned long long Off, unsigned long long Len)
{
    if (Len > FSD_SMALL_BODY)
        return NULL;
    char *buf = malloc(Len ? Len : 1);
    if (buf == NULL)
        return NULL;
    size_t got = 0;
    while (got < Len) {
        ssize_t n = pread(Fd, buf + got, Len - got, (off_t)(Off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    struct MHD_Response *r = got == Len ? MHD_create_response_from_buffer(Len, buf, MHD_RESPMEM_MUST_FREE) : NULL;
    if (r == NULL)
        free(buf);
    return r;
}

/* Answers a GET of the open file Cfd (St: its fstat) with the whole file or the one range
 * asked for; the response owns Cfd (closed here on failure). */
static int FsdpServe(FSD_REQ *Req, int cfd, const struct stat *St)
{
    unsigned long long off = 0, len = (unsigned long long)St->st_size;
    unsigned code = 200;
    char crange[96] = "";
    const char *range = FsdHeader(Req, "Range");
    const char *ifr = FsdHeader(Req, "If-Range");
    char etag[80];
    FsdEtag(St, etag, sizeof etag);
    if (range != NULL && ifr != NULL && strcmp(ifr, etag) != 0)
        range = NULL;
    if (range != NULL && strncmp(range, "bytes=", 6) == 0 && strchr(range, ',') == NULL) {
        const char *p = range + 6;
        char *e;
        unsigned long long a, b, size = (unsigned long long)St->st_size;
        int ok = 1;
        if (*p == '-') {
            b = strtoull(p + 1, &e, 10);
            if (e == p + 1 || *e) ok = 0;
            else { if (b > size) b = size; a = size - b; b = size ? size - 1 : 0; if (size == 0) ok = 2; }
        } else {
            a = strtoull(p, &e, 10);
            if (e == p || *e != '-') ok = 0;
            else {
                const char *q = e + 1;
                if (*q == 0) b = size ? size - 1 : 0;
                else { b = strtoull(q, &e, 10); if (*e || b < a) ok = 0; }
                if (ok && a >= size) ok = 2;
                if (ok == 1 && b >= size) b = size - 1;
            }
        }
        if (ok == 2) {
            close(cfd);
            struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
            snprintf(crange, sizeof crange, "bytes */%llu", size);
            MHD_add_response_header(resp, "Content-Range", crange);
            return FsdRespondResponse(Req, 416, resp);
        }
        if (ok == 1) {
            off = a;
            len = b - a + 1;
            code = 206;
            snprintf(crange, sizeof crange, "bytes %llu-%llu/%llu", a, b, size);
        }
    }
    /* HEAD sends no body: a file response never reads it, so nothing is read ahead */
    struct MHD_Response *resp = strcmp(Req->Method, "HEAD") != 0 ? FsdpSmallBody(cfd, off, len) : NULL;
    if (resp != NULL)
        close(cfd);
    else if ((resp = MHD_create_response_from_fd_at_offset64(len, cfd, off)) == NULL) {
        close(cfd);
        return MHD_NO;
    }
    char date[64];
    FsdHttpDate(St->st_mtime, date, sizeof date);
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Last-Modified", date);
    MHD_add_response_header(resp, "Accept-Ranges", "bytes");
    MHD_add_response_header(resp, "Content-Type", FsdContentType(Req->Path));
    if (code == 206)
        MHD_add_response_header(resp, "Content-Range", crange);
    return FsdRespondResponse(Req, code, resp);
}

int FsdGet(FSD_REQ *Req, BOOLEAN Head)
{
    int sfd, cfd, status;
    struct stat st, cst;
    if (FsdpOpenKept(Req, &cfd, &cst)) {
        Req->Kept = TRUE;
        if ((status = FsdConditional(Req, &cst, TRUE, TRUE)) != 0) {
            close(cfd);
            return FsdpNotModified(Req, &cst, status);
        }
        return FsdpServe(Req, cfd, &cst);
    }
    /* the checked way, as the server */
    FsdStopKeeping();
    if ((status = FsdServerOpen(Req, Req->Path, 0, &sfd)) != 0)
        return FsdRespondError(Req, (unsigned)status, Req->Layer ? Req->Layer : FSD_LAYER_HTTP, "cannot open");
    fstat(sfd, &st);
    if (S_ISDIR(st.st_mode)) {
        int r = FsdDenyNt(Req, sfd, FILE_LIST_DIRECTORY, "list the collection");
        if (r == 0)
            r = FsdListing(Req, sfd, Head);
        close(sfd);
        return r;
    }
    int r = FsdDenyNt(Req, sfd, FILE_READ_DATA, "read the file");
    if (r != 0) {
        close(sfd);
        return r;
    }
    if ((status = FsdConditional(Req, &st, TRUE, TRUE)) != 0) {
        close(sfd);
        return FsdpNotModified(Req, &st, status);
    }
    if (!FsdBecomeClient(Req->Conn)) {
        close(sfd);
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    }
    cfd = FsdOpen(Req->Path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
    FsdBecomeServer(Req->Conn);
    if (cfd < 0) {
        close(sfd);
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(-cfd), FSD_LAYER_LINUX, strerror(-cfd));
    }
    fstat(cfd, &cst);
    close(sfd);
    if (!FsdSameInode(&cst, &st)) {
        close(cfd);
        return FsdRespondError(Req, 409, FSD_LAYER_PATH, "file replaced during the request");
    }
    return FsdpServe(Req, cfd, &cst);
}
