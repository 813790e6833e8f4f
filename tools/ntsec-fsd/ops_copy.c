/*
 * ops_copy.c - COPY and MOVE (RFC 4918 sections 9.8, 9.9).
 * NT layer: the source needs FILE_READ_DATA (a collection: FILE_LIST_DIRECTORY) for COPY,
 * DELETE on it or FILE_DELETE_CHILD on its parent for MOVE; the destination's parent needs
 * FILE_ADD_FILE (a collection: FILE_ADD_SUBDIRECTORY); an existing destination that is
 * overwritten needs DELETE on it or FILE_DELETE_CHILD on its parent. A copy is a new object
 * (its descriptor is inherited from the destination's parent); a moved object keeps its own.
 * A Depth: infinity COPY checks every member it reads the same way (FILE_LIST_DIRECTORY or
 * FILE_READ_DATA): the first member refused ends the copy with 403, layer nt.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsd.h"

/* The new object DstName in DstDir did not get the descriptor it inherits (FsdInheritSd
 * failed: the worker's write, e.g. ENOSPC when the copied dead properties filled the
 * object's extended-attribute space): removed again, as the client, so no copy is left with
 * the descriptor derived from its mode. Returns the errno the copy fails with. */
static int FsdpNoDescriptor(FSD_REQ *Req, int DstDir, const char *DstName, int Flags)
{
    unlinkat(DstDir, DstName, Flags);
    Req->Layer = FSD_LAYER_NT;
    snprintf(Req->Note, sizeof Req->Note, "cannot assign the copy's descriptor");
    return EIO;
}

/* Copies Name (in SrcDir) to DstName (in DstDir), as the client; for the descriptor of each
 * new object the thread becomes the server for the FsdInheritSd call (reading the parent's
 * descriptor and queueing the write), then the client again. Returns 0 or errno. */
static int FsdpCopyTree(FSD_REQ *Req, int SrcDir, const char *Name, int DstDir, const char *DstName,
                        BOOLEAN Infinite, int Level, const struct stat *Expected)
{
    struct stat st;
    int sfd = FsdOpenAt(SrcDir, Name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
    if (sfd < 0)
        return -sfd;
    fstat(sfd, &st);
    if (Expected != NULL && !FsdSameInode(&st, Expected)) {
        close(sfd);
        return ESTALE;   /* not the source the NT layer checked (sameobj.c) */
    }
    int rc = 0;
    {
        /* Every object read, the source itself included (the descriptor of the very file
         * this descriptor reads, whatever the name points to by now), and each member of a
         * copied collection: FILE_LIST_DIRECTORY / FILE_READ_DATA, checked as the server. */
        FsdBecomeServer(Req->Conn);
        BOOLEAN ok = FsdCheck(Req, sfd, S_ISDIR(st.st_mode) ? FILE_LIST_DIRECTORY : FILE_READ_DATA,
                              "copy a member (read it)", NULL);
        if (!FsdBecomeClient(Req->Conn) || !ok) {
            close(sfd);
            Req->Layer = FSD_LAYER_NT;
            return EACCES;
        }
    }
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(DstDir, DstName, st.st_mode & 07777) != 0) {
            rc = errno;
            close(sfd);
            return rc;
        }
        int dfd = FsdOpenNewDir(DstDir, DstName);
        if (dfd < 0) {
            close(sfd);
            return -dfd;
        }
        FsdCopyDeadProps(sfd, dfd);
        FsdBecomeServer(Req->Conn);
        NTSTATUS sdst = FsdInheritSd(Req, DstDir, dfd, TRUE);
        if (!FsdBecomeClient(Req->Conn))
            rc = EPERM;
        else if (!NT_SUCCESS(sdst))
            rc = FsdpNoDescriptor(Req, DstDir, DstName, AT_REMOVEDIR);
        if (rc == 0 && Infinite && Level < 64) {
            DIR *d = fdopendir(dup(sfd));
            struct dirent *e;
            while (rc == 0 && d != NULL && (e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
                    !strncmp(e->d_name, FSD_TEMP_PREFIX, strlen(FSD_TEMP_PREFIX)))
                    continue;
                rc = FsdpCopyTree(Req, sfd, e->d_name, dfd, e->d_name, TRUE, Level + 1, NULL);
            }
            if (d)
                closedir(d);
        }
        close(dfd);
        close(sfd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        close(sfd);
        return EPERM;
    }
    int dfd = FsdOpenAt(DstDir, DstName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, st.st_mode & 0777);
    if (dfd < 0) {
        close(sfd);
        return -dfd;
    }
    char buf[65536];
    ssize_t n;
    while ((n = read(sfd, buf, sizeof buf)) > 0) {
        char *p = buf;
        while (n > 0) {
            ssize_t w = write(dfd, p, (size_t)n);
            if (w < 0) { rc = errno; break; }
            p += w;
            n -= w;
        }
        if (rc) break;
    }
    if (n < 0)
        rc = errno;
    FsdCopyDeadProps(sfd, dfd);
    FsdBecomeServer(Req->Conn);
    NTSTATUS sdst = FsdInheritSd(Req, DstDir, dfd, FALSE);
    if (!FsdBecomeClient(Req->Conn))
        rc = EPERM;
    else if (!NT_SUCCESS(sdst))
        rc = FsdpNoDescriptor(Req, DstDir, DstName, 0);
    close(dfd);
    close(sfd);
    return rc;
}

int FsdCopyMove(FSD_REQ *Req, BOOLEAN Move)
{
    const char *dh = FsdHeader(Req, "Destination");
    char *dest = NULL, *sparent = NULL, *sname = NULL, *dparent = NULL, *dname = NULL;
    int status, r = 0;
    if (dh == NULL)
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "no Destination");
    if ((status = FsdDestinationPath(Req, dh, &dest)) != 0)
        return FsdRespondError(Req, (unsigned)status, FSD_LAYER_PATH, "bad Destination");
    const char *ow = FsdHeader(Req, "Overwrite");
    BOOLEAN overwrite = ow == NULL || (ow[0] == 'T' || ow[0] == 't');
    if (ow != NULL && !(ow[0] == 'T' || ow[0] == 't' || ow[0] == 'F' || ow[0] == 'f')) {
        free(dest);
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "bad Overwrite");
    }
    int depth = FsdDepth(Req, -1);
    if (depth == -2 || depth == 1 || (Move && depth != -1)) {
        free(dest);
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "bad Depth");
    }
    if (FsdSplit(Req->Path, &sparent, &sname) != 0 || FsdSplit(dest, &dparent, &dname) != 0) {
        free(dest); free(sparent); free(sname); free(dparent); free(dname);
        return FsdRespondError(Req, 403, FSD_LAYER_HTTP, "cannot copy or move the root");
    }
    int spfd = -1, sfd = -1, dpfd = -1, dfd = -1;
    size_t sl = strlen(Req->Path);
    if (strcmp(dest, Req->Path) == 0 || (strncmp(dest, Req->Path, sl) == 0 && dest[sl] == '/')) {
        r = FsdRespondError(Req, 403, FSD_LAYER_HTTP, "destination is the source or inside it");
        goto out;
    }
    spfd = FsdOpen(sparent, O_PATH | O_DIRECTORY, 0);
    sfd = spfd >= 0 ? FsdOpenAt(spfd, sname, O_PATH | O_NOFOLLOW, 0) : -ENOENT;
    if (sfd < 0) {
        r = FsdRespondError(Req, (unsigned)FsdErrnoStatus(-sfd), -sfd == EXDEV ? FSD_LAYER_PATH : FSD_LAYER_HTTP,
                            "no source");
        goto out;
    }
    struct stat sst;
    fstat(sfd, &sst);
    BOOLEAN dir = S_ISDIR(sst.st_mode);
    dpfd = FsdOpen(dparent, O_PATH | O_DIRECTORY, 0);
    if (dpfd < 0) {
        r = FsdRespondError(Req, -dpfd == EXDEV ? 403 : 409, -dpfd == EXDEV ? FSD_LAYER_PATH : FSD_LAYER_HTTP,
                            "no destination collection");
        goto out;
    }
    dfd = FsdOpenAt(dpfd, dname, O_PATH | O_NOFOLLOW, 0);
    BOOLEAN exists = dfd >= 0;
    if (exists && !overwrite) {
        r = FsdRespondError(Req, 412, FSD_LAYER_HTTP, "destination exists");
        goto out;
    }
    /* NT layer */
    if (Move) {
        if (!FsdCheck(Req, sfd, DELETE, "move (delete the source)", NULL) &&
            (r = FsdDenyNt(Req, spfd, FILE_DELETE_CHILD, "move out of the collection")) != 0)
            goto out;
    } else if ((r = FsdDenyNt(Req, sfd, dir ? FILE_LIST_DIRECTORY : FILE_READ_DATA, "copy (read the source)")) != 0) {
        goto out;
    }
    if ((r = FsdDenyNt(Req, dpfd, dir ? FILE_ADD_SUBDIRECTORY : FILE_ADD_FILE, "add to the destination")) != 0)
        goto out;
    if (exists && !FsdCheck(Req, dfd, DELETE, "overwrite", NULL) &&
        (r = FsdDenyNt(Req, dpfd, FILE_DELETE_CHILD, "overwrite the destination")) != 0)
        goto out;
    /* an overwritten collection is removed with its members: each is checked as DELETE does */
    struct stat dst;
    if (exists)
        fstat(dfd, &dst);
    if (exists && FsdNtDeleteCheck(Req, dpfd, dname, 0, &dst) != 0) {
        r = MHD_YES;   /* FsdNtDeleteCheck responded */
        goto out;
    }
    Req->Note[0] = 0;
    /* locks */
    if ((Move && (status = FsdCheckLocks(Req, Req->Path, TRUE, TRUE)) != 0) ||
        (!Move && (status = FsdCheckIf(Req, Req->Path)) != 0) ||
        (status = FsdCheckLocks(Req, dest, TRUE, TRUE)) != 0) {
        r = FsdRespondError(Req, (unsigned)status, status == 423 ? FSD_LAYER_LOCK : FSD_LAYER_HTTP, "locked");
        goto out;
    }
    /* Linux layer, as the client */
    if (!FsdBecomeClient(Req->Conn)) {
        r = FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
        goto out;
    }
    /* Both layers on the checked objects (sameobj.c): an overwritten destination is taken
     * away under a private name and compared with the one checked; the source is moved with
     * RENAME_NOREPLACE and compared afterwards (moved back if it was another one) or, for
     * COPY, compared when the client opens it. */
    int err = 0;
    char grabbed[64] = "";
    if (exists) {
        err = FsdGrab(dpfd, dname, &dst, grabbed, sizeof grabbed);
        if (err == 0 && (err = FsdRemoveTree(Req, dpfd, grabbed, &dst)) != 0)
            FsdUngrab(dpfd, grabbed, dname);   /* what could not be removed goes back */
    }
    if (err == 0) {
        if (Move) {
            struct stat moved;
            if (renameat2(spfd, sname, dpfd, dname, RENAME_NOREPLACE) != 0) {
                err = errno == EEXIST ? ESTALE : errno;
            } else if (fstatat(dpfd, dname, &moved, AT_SYMLINK_NOFOLLOW) != 0 || !FsdSameInode(&moved, &sst)) {
                renameat2(dpfd, dname, spfd, sname, RENAME_NOREPLACE);
                err = ESTALE;
            }
        } else {
            err = FsdpCopyTree(Req, spfd, sname, dpfd, dname, depth == -1, 0, &sst);
        }
    }
    FsdBecomeServer(Req->Conn);
    if (err != 0) {
        char note[sizeof Req->Note];
        BOOLEAN nt = Req->Layer != NULL && strcmp(Req->Layer, FSD_LAYER_NT) == 0;
        snprintf(note, sizeof note, "%s", Req->Note);
        r = FsdRespondError(Req, (unsigned)(err == ENOENT ? 409 : FsdErrnoStatus(err)),
                            nt ? FSD_LAYER_NT : FSD_LAYER_OF(err), nt ? note : FSD_NOTE_OF(err));
        goto out;
    }
    if (Move)
        FsdLocksRemoved(Req->Path);
    if (exists)
        FsdLocksRemoved(dest);
    r = FsdRespond(Req, exists ? 204 : 201, NULL, NULL, "", 0);
out:
    if (spfd >= 0) close(spfd);
    if (sfd >= 0) close(sfd);
    if (dpfd >= 0) close(dpfd);
    if (dfd >= 0) close(dfd);
    free(dest); free(sparent); free(sname); free(dparent); free(dname);
    return r;
}
