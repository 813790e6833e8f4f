/*
 * sameobj.c - the NT layer and the Linux layer act on the same object. The NT check reads
 * the descriptor of the inode a name pointed to as the server; the operation then runs as
 * the client on a (directory fd, name) pair, and a concurrent rename could rebind the name
 * in between. These helpers bind the operation to the checked inode (st_dev, st_ino):
 * FsdGrab takes the name away first (an atomic rename to a private temporary name in the
 * same directory, RENAME_NOREPLACE) and compares what it took with what was checked,
 * putting it back when it differs; FsdSameInode compares an fd the client opened. A mismatch
 * is ESTALE, answered 409 (layer path): nothing was changed on the object nobody checked.
 * The members of a tree a DELETE (or an overwriting COPY/MOVE) removes are checked by one
 * walk, which records each checked inode (FsdInoAdd), and removed by another, which grabs
 * each member and removes it only if it is one of them (ops_file.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>
#include "fsd.h"

BOOLEAN FsdSameInode(const struct stat *A, const struct stat *B)
{
    return A->st_dev == B->st_dev && A->st_ino == B->st_ino;
}

/* FsdSameFd - 0 if Fd is the inode Expected describes, ESTALE if not, errno if fstat fails. */
int FsdSameFd(int Fd, const struct stat *Expected)
{
    struct stat st;
    if (fstat(Fd, &st) != 0)
        return errno;
    return FsdSameInode(&st, Expected) ? 0 : ESTALE;
}

/*
 * FsdGrab - runs as the caller (the client: the rename is the Linux layer's check too).
 * Renames Name in DirFd to a fresh FSD_TEMP_PREFIX name in the same directory (Temp, Size
 * >= 40), so nobody can rebind Name to another object under the operation, and checks that
 * the object taken is Expected's inode. 0: the object is at Temp now (the caller removes it
 * or FsdUngrab's it). ESTALE: it was another object, put back under Name. Otherwise errno of
 * the rename (nothing changed).
 */
int FsdGrab(int DirFd, const char *Name, const struct stat *Expected, char *Temp, size_t Size)
{
    int err = EEXIST;
    for (int i = 0; i < 8 && err == EEXIST; i++) {
        unsigned long long r = 0;
        if (getrandom(&r, sizeof r, 0) != sizeof r)
            return EAGAIN;
        snprintf(Temp, Size, "%sg%016llx", FSD_TEMP_PREFIX, r);
        err = renameat2(DirFd, Name, DirFd, Temp, RENAME_NOREPLACE) == 0 ? 0 : errno;
    }
    if (err != 0)
        return err;
    struct stat st;
    if (fstatat(DirFd, Temp, &st, AT_SYMLINK_NOFOLLOW) == 0 && FsdSameInode(&st, Expected))
        return 0;
    FsdUngrab(DirFd, Temp, Name);
    return ESTALE;
}

/* FsdUngrab - puts a grabbed object back under Name (never over something that took the name
 * meanwhile: then it stays under Temp, which listings hide). 0 or errno. */
int FsdUngrab(int DirFd, const char *Temp, const char *Name)
{
    return renameat2(DirFd, Temp, DirFd, Name, RENAME_NOREPLACE) == 0 ? 0 : errno;
}

/* ---- inode sets (the members a recursive DELETE checked) ---- */

static int FsdpInoCompare(const void *A, const void *B)
{
    const FSD_INO *a = A, *b = B;
    if (a->Dev != b->Dev)
        return a->Dev < b->Dev ? -1 : 1;
    return a->Ino < b->Ino ? -1 : a->Ino > b->Ino;
}

BOOLEAN FsdInoAdd(FSD_INOSET *Set, const struct stat *St)
{
    if (Set->Count == Set->Cap) {
        size_t cap = Set->Cap ? Set->Cap * 2 : 64;
        FSD_INO *n = realloc(Set->Items, cap * sizeof *n);
        if (n == NULL)
            return FALSE;
        Set->Items = n;
        Set->Cap = cap;
    }
    Set->Items[Set->Count].Dev = St->st_dev;
    Set->Items[Set->Count++].Ino = St->st_ino;
    Set->Sorted = FALSE;
    return TRUE;
}

BOOLEAN FsdInoHas(FSD_INOSET *Set, const struct stat *St)
{
    FSD_INO key = {St->st_dev, St->st_ino};
    if (Set->Count == 0)
        return FALSE;
    if (!Set->Sorted) {
        qsort(Set->Items, Set->Count, sizeof *Set->Items, FsdpInoCompare);
        Set->Sorted = TRUE;
    }
    return bsearch(&key, Set->Items, Set->Count, sizeof key, FsdpInoCompare) != NULL;
}

VOID FsdInoFree(FSD_INOSET *Set)
{
    free(Set->Items);
    Set->Items = NULL;
    Set->Count = Set->Cap = 0;
}
