/*
 * ops_file.c - OPTIONS, PUT (temp file + rename), DELETE and MKCOL (GET/HEAD: ops_get.c).
 *
 * Every operation has two gates: the NT layer (SeAccessCheck on the stored or derived
 * descriptor, read on the request thread as the server) and the Linux layer (the operation
 * itself, done while the thread impersonates the client, so the kernel checks it as the
 * client). Both must allow; the log names the one that refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include "fsd.h"
#include "listing.h"

int FsdOptions(FSD_REQ *Req)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "DAV", "1, 2");
    MHD_add_response_header(r, "MS-Author-Via", "DAV");
    MHD_add_response_header(r, "Allow", "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, "
                                        "PROPPATCH, LOCK, UNLOCK");
    return FsdRespondResponse(Req, 200, r);
}

/* ---- PUT ---- */

static void FsdpTempName(char *Buf, size_t Size, const char *Prefix)
{
    unsigned long long r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r)
        r = (unsigned long long)clock() ^ (unsigned long long)(uintptr_t)Buf;
    snprintf(Buf, Size, "%s%016llx", Prefix, r);
}

int FsdPutBegin(FSD_REQ *Req)
{
    char *parent = NULL;
    int status, efd;
    struct stat est;
    if (FsdSplit(Req->Path, &parent, &Req->PutName) != 0)
        return FsdRespondError(Req, 405, FSD_LAYER_HTTP, "cannot PUT the root");
    status = FsdServerOpen(Req, parent, O_DIRECTORY, &Req->PutDirFd);
    free(parent);
    if (status != 0) {
        Req->PutDirFd = -1;
        return FsdRespondError(Req, status == 404 ? 409 : (unsigned)status,
                               Req->Layer ? Req->Layer : FSD_LAYER_HTTP, "no parent collection");
    }
    efd = FsdOpenAt(Req->PutDirFd, Req->PutName, O_PATH | O_NOFOLLOW, 0);
    Req->PutExisted = efd >= 0;
    if (efd >= 0) {
        fstat(efd, &est);
        if (S_ISDIR(est.st_mode)) {
            close(efd);
            return FsdRespondError(Req, 405, FSD_LAYER_HTTP, "a collection");
        }
        int r = FsdDenyNt(Req, efd, FILE_WRITE_DATA, "write the file");
        if (r != 0) {
            close(efd);
            return r;
        }
        Req->PutChecked = est;   /* the Linux layer must act on this inode (sameobj.c) */
        BOOLEAN stored;
        ULONG len;
        PSECURITY_DESCRIPTOR sd;
        if (NT_SUCCESS(FsdGetSd(efd, &sd, &len, &stored))) {
            if (stored)
                Req->PutParentSd = sd;   /* the existing file's: kept across the replace */
            else
                NtsecFree(sd);
        }
    } else {
        int r = FsdDenyNt(Req, Req->PutDirFd, FILE_ADD_FILE, "add a file to the collection");
        if (r != 0)
            return r;
    }
    if ((status = FsdConditional(Req, &est, Req->PutExisted, FALSE)) != 0) {
        if (efd >= 0) close(efd);
        return FsdRespondError(Req, (unsigned)status, FSD_LAYER_HTTP, "precondition failed");
    }
    if ((status = FsdCheckLocks(Req, Req->Path, FALSE, !Req->PutExisted)) != 0) {
        if (efd >= 0) close(efd);
        return FsdRespondError(Req, (unsigned)status, FSD_LAYER_LOCK, "locked");
    }
    const char *cl = FsdHeader(Req, "Content-Length");
    if (cl != NULL && !FsdQuotaCharge(Req, strtoull(cl, NULL, 10))) {
        if (efd >= 0) close(efd);
        return FsdRespondError(Req, 507, FSD_LAYER_QUOTA, "quota exceeded");
    }
    mode_t mode = Req->PutExisted ? (est.st_mode & 07777) : 0644;
    if (efd >= 0)
        close(efd);
    if (!FsdBecomeClient(Req->Conn))
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    int err = 0;
    if (Req->PutExisted) {
        /* The Linux layer's FILE_WRITE_DATA: the client must be able to write the file. */
        int wfd = FsdOpenAt(Req->PutDirFd, Req->PutName, O_WRONLY | O_NOFOLLOW | O_NONBLOCK, 0);
        if (wfd < 0) {
            err = -wfd;
        } else {
            err = FsdSameFd(wfd, &Req->PutChecked);
            close(wfd);
        }
    }
    if (err == 0) {
        for (int i = 0; i < 8; i++) {
            FsdpTempName(Req->PutTemp, sizeof Req->PutTemp, FSD_TEMP_PREFIX);
            Req->PutFd = FsdOpenAt(Req->PutDirFd, Req->PutTemp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
            if (Req->PutFd != -EEXIST)
                break;
        }
        if (Req->PutFd < 0) {
            err = -Req->PutFd;
            Req->PutFd = -1;
        }
    }
    FsdBecomeServer(Req->Conn);
    if (err != 0)
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(err), FSD_LAYER_OF(err), FSD_NOTE_OF(err));
    return MHD_YES;
}

int FsdPutData(FSD_REQ *Req, const char *Data, size_t Size)
{
    if (Req->PutFd < 0 || Req->PutFailed)
        return MHD_YES;
    if (FsdConfig.QuotaBytes && FsdHeader(Req, "Content-Length") == NULL && !FsdQuotaCharge(Req, Size)) {
        Req->PutFailed = TRUE;
        errno = EDQUOT;
        return MHD_YES;
    }
    if (!FsdBecomeClient(Req->Conn)) {
        Req->PutFailed = TRUE;
        return MHD_YES;
    }
    while (Size > 0) {
        ssize_t n = write(Req->PutFd, Data, Size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            Req->PutFailed = TRUE;
            break;
        }
        Data += n;
        Size -= (size_t)n;
        Req->PutBytes += (unsigned long long)n;
    }
    FsdBecomeServer(Req->Conn);
    return MHD_YES;
}

VOID FsdPutAbort(FSD_REQ *Req)
{
    if (Req->PutFd >= 0) {
        close(Req->PutFd);
        Req->PutFd = -1;
        if (FsdBecomeClient(Req->Conn)) {
            unlinkat(Req->PutDirFd, Req->PutTemp, 0);
            FsdBecomeServer(Req->Conn);
        }
    }
    if (Req->PutDirFd >= 0) {
        close(Req->PutDirFd);
        Req->PutDirFd = -1;
    }
    if (Req->PutParentSd) {
        NtsecFree(Req->PutParentSd);
        Req->PutParentSd = NULL;
    }
}

int FsdPutEnd(FSD_REQ *Req)
{
    if (Req->PutFd < 0)
        return FsdRespondError(Req, 500, FSD_LAYER_HTTP, "no upload");
    if (Req->PutFailed) {
        FsdPutAbort(Req);
        return FsdRespondError(Req, 507, FSD_LAYER_LINUX, "write failed");
    }
    /* The new content's descriptor goes on the temp file first, so the name never points
     * to the file without it: the old file's stored one, or inherited from the parent. */
    NTSTATUS st;
    if (Req->PutParentSd)
        st = FsdWriteSd(Req->PutFd, Req->PutParentSd, RtlLengthSecurityDescriptor(Req->PutParentSd));
    else if (!Req->PutExisted)
        st = FsdInheritSd(Req, Req->PutDirFd, Req->PutFd, FALSE);
    else
        st = STATUS_SUCCESS;
    if (!NT_SUCCESS(st)) {
        FsdPutAbort(Req);
        return FsdRespondError(Req, 500, FSD_LAYER_NT, "cannot assign the descriptor");
    }
    int err = 0;
    struct stat st2;
    if (!FsdBecomeClient(Req->Conn)) {
        FsdPutAbort(Req);
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    }
    if (Req->PutExisted) {
        int old = FsdOpenAt(Req->PutDirFd, Req->PutName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
        if (old >= 0) {
            if (FsdSameFd(old, &Req->PutChecked) == 0)
                FsdCopyDeadProps(old, Req->PutFd);
            close(old);
        }
        /* Swap the new content in and check that what it displaced is the file the NT layer
         * checked; if the name was rebound meanwhile, swap back: nothing replaced. */
        if (renameat2(Req->PutDirFd, Req->PutTemp, Req->PutDirFd, Req->PutName, RENAME_EXCHANGE) != 0) {
            err = errno;
        } else {
            struct stat gone;
            if (fstatat(Req->PutDirFd, Req->PutTemp, &gone, AT_SYMLINK_NOFOLLOW) != 0 ||
                !FsdSameInode(&gone, &Req->PutChecked)) {
                renameat2(Req->PutDirFd, Req->PutTemp, Req->PutDirFd, Req->PutName, RENAME_EXCHANGE);
                err = ESTALE;
            } else {
                unlinkat(Req->PutDirFd, Req->PutTemp, 0);   /* the old content */
            }
        }
    } else if (renameat2(Req->PutDirFd, Req->PutTemp, Req->PutDirFd, Req->PutName, RENAME_NOREPLACE) != 0) {
        /* EEXIST: the name appeared after the FILE_ADD_FILE check; its FILE_WRITE_DATA was
         * never checked, so it is not replaced */
        err = errno == EEXIST ? ESTALE : errno;
    }
    fstat(Req->PutFd, &st2);
    FsdBecomeServer(Req->Conn);
    if (err != 0) {
        FsdPutAbort(Req);
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(err), FSD_LAYER_OF(err), FSD_NOTE_OF(err));
    }
    close(Req->PutFd);
    Req->PutFd = -1;
    BOOLEAN existed = Req->PutExisted;
    FsdPutAbort(Req);
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    char etag[80];
    FsdEtag(&st2, etag, sizeof etag);
    MHD_add_response_header(r, "ETag", etag);
    return FsdRespondResponse(Req, existed ? 204 : 201, r);
}

/* ---- DELETE ---- */

/* The NT layer for removing Name in DirFd (and, for a directory, everything below):
 * DELETE on the object or FILE_DELETE_CHILD on its parent. Runs as the server. Expected
 * (top level only): the inode the request saw; another one under Name is answered 409. */
int FsdNtDeleteCheck(FSD_REQ *Req, int DirFd, const char *Name, int Depth, const struct stat *Expected)
{
    int fd = FsdOpenAt(DirFd, Name, O_PATH | O_NOFOLLOW, 0);
    if (fd < 0)
        return 0;     /* gone: the Linux layer reports it (FsdRemoveTree removes only checked inodes) */
    if (Expected != NULL && FsdSameFd(fd, Expected) != 0) {
        close(fd);
        FsdRespondError(Req, 409, FSD_LAYER_PATH, FSD_NOTE_OF(ESTALE));
        return 1;
    }
    if (!FsdCheck(Req, fd, DELETE, "delete", NULL) &&
        !FsdCheck(Req, DirFd, FILE_DELETE_CHILD, "delete a member", NULL)) {
        close(fd);
        return FsdDenyNt(Req, DirFd, FILE_DELETE_CHILD, "delete a member (DELETE on it or FILE_DELETE_CHILD here)") ? 1 : 1;
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0 || !FsdInoAdd(&Req->Deletable, &st)) {
        close(fd);
        return FsdRespondError(Req, 500, FSD_LAYER_HTTP, "cannot record the checked members") ? 1 : 1;
    }
    if (S_ISDIR(st.st_mode) && Depth >= 64) {
        /* deeper than the NT layer checks: FsdRemoveTree would remove what was not checked */
        close(fd);
        return FsdRespondError(Req, 403, FSD_LAYER_NT, "collection nested too deep to check for delete") ? 1 : 1;
    }
    if (S_ISDIR(st.st_mode)) {
        /* "." of the checked inode: its members, whatever the name points to by now */
        int dfd = FsdOpenAt(fd, "", O_RDONLY | O_DIRECTORY, 0);
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
        struct dirent *e;
        if (d == NULL)   /* members that cannot be checked are not removed */
            rc = FsdRespondError(Req, 403, FSD_LAYER_NT, "cannot check the collection's members") ? 1 : 1;
        while (rc == 0 && d != NULL && (e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            rc = FsdNtDeleteCheck(Req, dfd, e->d_name, Depth + 1, NULL);
        }
        if (d) closedir(d);
        else if (dfd >= 0) close(dfd);
    }
    close(fd);
    return rc;
}

/* Removes the member Name of DirFd: only an inode the NT layer checked (Req->Deletable),
 * grabbed first so the name cannot be rebound between the comparison and the removal;
 * what cannot be removed goes back under its name. 0 or errno (ESTALE: not checked). */
static int FsdpRemoveMember(FSD_REQ *Req, int DirFd, const char *Name)
{
    struct stat st;
    char grabbed[64];
    if (fstatat(DirFd, Name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    if (!FsdInoHas(&Req->Deletable, &st))
        return ESTALE;
    int err = FsdGrab(DirFd, Name, &st, grabbed, sizeof grabbed);
    if (err == 0 && (err = FsdRemoveTree(Req, DirFd, grabbed, &st)) != 0)
        FsdUngrab(DirFd, grabbed, Name);
    return err;
}

int FsdRemoveTree(FSD_REQ *Req, int DirFd, const char *Name, const struct stat *Expected)
{
    if (!S_ISDIR(Expected->st_mode))
        return unlinkat(DirFd, Name, 0) == 0 ? 0 : errno;
    int dfd = FsdOpenAt(DirFd, Name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
    if (dfd < 0)
        return -dfd;
    int rc = FsdSameFd(dfd, Expected);
    DIR *d = rc == 0 ? fdopendir(dfd) : NULL;
    if (d == NULL) {
        close(dfd);
        return rc ? rc : errno;
    }
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        rc = FsdpRemoveMember(Req, dfd, e->d_name);
        if (rc == 0)
            rewinddir(d);
    }
    closedir(d);
    if (rc == 0 && unlinkat(DirFd, Name, AT_REMOVEDIR) != 0)
        rc = errno;
    return rc;
}

int FsdDelete(FSD_REQ *Req)
{
    char *parent, *name;
    int pfd, status;
    if (FsdSplit(Req->Path, &parent, &name) != 0)
        return FsdRespondError(Req, 403, FSD_LAYER_HTTP, "cannot delete the root");
    status = FsdServerOpen(Req, parent, O_DIRECTORY, &pfd);
    free(parent);
    if (status != 0) {
        free(name);
        return FsdRespondError(Req, (unsigned)status, Req->Layer ? Req->Layer : FSD_LAYER_HTTP, "not found");
    }
    int tfd = FsdOpenAt(pfd, name, O_PATH | O_NOFOLLOW, 0);
    if (tfd < 0) {
        close(pfd);
        free(name);
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(-tfd), FSD_LAYER_HTTP, "not found");
    }
    struct stat st;
    fstat(tfd, &st);
    close(tfd);
    if ((status = FsdConditional(Req, &st, TRUE, FALSE)) != 0 ||
        (status = FsdCheckLocks(Req, Req->Path, TRUE, TRUE)) != 0) {
        close(pfd);
        free(name);
        return FsdRespondError(Req, (unsigned)status, status == 423 ? FSD_LAYER_LOCK : FSD_LAYER_HTTP,
                               "precondition or lock");
    }
    int nt = FsdNtDeleteCheck(Req, pfd, name, 0, &st);
    if (nt != 0) {
        close(pfd);
        free(name);
        return MHD_YES;   /* FsdNtDeleteCheck responded */
    }
    if (!FsdBecomeClient(Req->Conn)) {
        close(pfd);
        free(name);
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    }
    /* Take the name away from everybody else, check it is the object the NT layer checked,
     * then remove it (sameobj.c); what could not be removed goes back under its name. */
    char grabbed[64];
    int err = FsdGrab(pfd, name, &st, grabbed, sizeof grabbed);
    if (err == 0 && (err = FsdRemoveTree(Req, pfd, grabbed, &st)) != 0)
        FsdUngrab(pfd, grabbed, name);
    FsdBecomeServer(Req->Conn);
    close(pfd);
    free(name);
    if (err != 0)
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(err), FSD_LAYER_OF(err), FSD_NOTE_OF(err));
    FsdLocksRemoved(Req->Path);
    return FsdRespond(Req, 204, NULL, NULL, "", 0);
}

/* ---- MKCOL ---- */

int FsdMkcol(FSD_REQ *Req)
{
    char *parent, *name, temp[64];
    int pfd, status;
    if (Req->BodyLen > 0)
        return FsdRespondError(Req, 415, FSD_LAYER_HTTP, "MKCOL with a body");
    if (FsdSplit(Req->Path, &parent, &name) != 0)
        return FsdRespondError(Req, 405, FSD_LAYER_HTTP, "the root exists");
    status = FsdServerOpen(Req, parent, O_DIRECTORY, &pfd);
    free(parent);
    if (status != 0) {
        free(name);
        return FsdRespondError(Req, status == 404 || status == 409 ? 409 : (unsigned)status,
                               Req->Layer ? Req->Layer : FSD_LAYER_HTTP, "no parent collection");
    }
    int efd = FsdOpenAt(pfd, name, O_PATH | O_NOFOLLOW, 0);
    if (efd >= 0) {
        close(efd);
        close(pfd);
        free(name);
        return FsdRespondError(Req, 405, FSD_LAYER_HTTP, "exists");
    }
    int r = FsdDenyNt(Req, pfd, FILE_ADD_SUBDIRECTORY, "add a collection");
    if (r == 0 && (status = FsdCheckLocks(Req, Req->Path, FALSE, TRUE)) != 0)
        r = FsdRespondError(Req, (unsigned)status, FSD_LAYER_LOCK, "locked");
    if (r != 0) {
        close(pfd);
        free(name);
        return r;
    }
    if (!FsdBecomeClient(Req->Conn)) {
        close(pfd);
        free(name);
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    }
    int err = 0;
    FsdpTempName(temp, sizeof temp, FSD_TEMP_PREFIX);
    if (mkdirat(pfd, temp, 0755) != 0)
        err = errno;
    int nfd = err ? -1 : FsdOpenNewDir(pfd, temp);
    BOOLEAN replaced = FALSE;   /* the name no longer names the directory made: leave it */
    if (nfd < 0 && err == 0)
        err = -nfd, replaced = TRUE;
    FsdBecomeServer(Req->Conn);
    if (err == 0 && nfd >= 0 && !NT_SUCCESS(FsdInheritSd(Req, pfd, nfd, TRUE)))
        err = EPERM;
    if (FsdBecomeClient(Req->Conn)) {
        if (err == 0 && renameat2(pfd, temp, pfd, name, RENAME_NOREPLACE) != 0)
            err = errno;
        if (err != 0 && !replaced)
            unlinkat(pfd, temp, AT_REMOVEDIR);
        FsdBecomeServer(Req->Conn);
    }
    if (nfd >= 0)
        close(nfd);
    close(pfd);
    free(name);
    if (err != 0)
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(err), FSD_LAYER_LINUX, strerror(err));
    return FsdRespond(Req, 201, NULL, NULL, "", 0);
}
