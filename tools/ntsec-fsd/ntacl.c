/*
 * ntacl.c - the NT layer: a self-relative security descriptor per file in the extended
 * attribute "trusted.ntsec.sd" (value: the descriptor exactly as MS-DTYP 2.4.6 lays it out,
 * nothing else; only a process with CAP_SYS_ADMIN can read or write the trusted namespace,
 * so clients cannot touch it through any path but this server). Files without one get a
 * descriptor derived from their owner and mode (FsdDeriveSd, docs/fsd.md).
 *
 * Reads happen on the request thread before it impersonates (the server reading its own
 * metadata, as a file system reads an object's descriptor in kernel mode); writes happen
 * only on a system worker thread (ExQueueWorkItem, workers.c), never on a thread raised
 * from the client.
 */
#include <errno.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "fsd.h"

#define FSD_SD_MAX 65536

void FsdFormatRights(ACCESS_MASK Mask, char *Buffer, size_t Size)
{
    PSTR text = NULL;
    if (Size == 0)
        return;
    snprintf(Buffer, Size, "%s", NT_SUCCESS(NtsecFormatRights(Mask, NtsecObjectFile, &text)) ? text : "?");
    if (text != NULL)
        NtsecFree(text);
}

/* The SID text of a uid or gid as the host backend maps it (NtsecUnixIdToSid); FALSE on failure. */
static BOOLEAN FsdpUnixIdText(ULONG Id, BOOLEAN Group, char *Buffer, size_t Size)
{
    UCHAR sid[SECURITY_MAX_SID_SIZE];
    PSTR text = NULL;
    if (!NT_SUCCESS(NtsecUnixIdToSid(Id, Group, (PSID)sid, sizeof sid)) ||
        !NT_SUCCESS(NtsecSidToString((PSID)sid, &text)))
        return FALSE;
    int n = snprintf(Buffer, Size, "%s", text);
    NtsecFree(text);
    return n > 0 && (size_t)n < Size;
}

static ACCESS_MASK FsdpRights(unsigned Bits, BOOLEAN Dir)
{
    ACCESS_MASK m = 0;
    if (Bits & 4)
        m |= FILE_GENERIC_READ;                       /* FILE_LIST_DIRECTORY for a directory */
    if (Bits & 2)
        m |= FILE_GENERIC_WRITE | (Dir ? FILE_DELETE_CHILD : 0);
    if (Bits & 1)
        m |= FILE_GENERIC_EXECUTE;                    /* FILE_TRAVERSE for a directory */
    return m;
}

/*
 * FsdDeriveSd - the descriptor of a file that has none: owner and group the SIDs the host
 * backend maps the file's uid and gid to (id-map file, else S-1-22-1-uid / S-1-22-2-gid); the owner may always read the descriptor, change it (WRITE_DAC,
 * WRITE_OWNER: Linux lets the owner chmod/chown), delete the file and set its attributes;
 * the rwx bits of user, group and other give (not inheritable):
 * r -> FILE_GENERIC_READ, w -> FILE_GENERIC_WRITE (+ FILE_DELETE_CHILD on a directory),
 * x -> FILE_GENERIC_EXECUTE; everyone may read attributes; SYSTEM and Administrators get
 * FILE_ALL_ACCESS. *Sd is freed with NtsecFree.
 */
NTSTATUS FsdDeriveSd(const struct stat *St, PSECURITY_DESCRIPTOR *Sd, PULONG Length)
{
    char sddl[1024], user[192], group[192];
    BOOLEAN dir = S_ISDIR(St->st_mode);
    /* the SIDs the host backend maps these ids to (id-map file first, else S-1-22-x-N), so a
     * client whose token names the mapped SID is recognised as the owner */
    if (!FsdpUnixIdText(St->st_uid, FALSE, user, sizeof user) ||
        !FsdpUnixIdText(St->st_gid, TRUE, group, sizeof group))
        return STATUS_INVALID_SID;
    ACCESS_MASK owner = FsdpRights((St->st_mode >> 6) & 7, dir) | READ_CONTROL | WRITE_DAC |
                        WRITE_OWNER | DELETE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE;
    ACCESS_MASK groupRights = FsdpRights((St->st_mode >> 3) & 7, dir) | FILE_READ_ATTRIBUTES;
    ACCESS_MASK other = FsdpRights(St->st_mode & 7, dir) | FILE_READ_ATTRIBUTES;
    snprintf(sddl, sizeof sddl, "O:%sG:%sD:(A;;0x%x;;;%s)(A;;0x%x;;;%s)(A;;0x%x;;;WD)(A;;FA;;;SY)(A;;FA;;;BA)",
             user, group, (unsigned)owner, user, (unsigned)groupRights, group, (unsigned)other);
    return NtsecSddlToSecurityDescriptor(sddl, Sd, Length);
}

/* A copy of Sd in pool memory (NtsecFree releases it), or NULL. */
static PSECURITY_DESCRIPTOR FsdpPoolCopy(const void *Sd, ULONG Length)
{
    PSECURITY_DESCRIPTOR copy = ExAllocatePoolWithTag(PagedPool, Length, FSD_SD_POOL_TAG);
    if (copy != NULL)
        memcpy(copy, Sd, Length);
    return copy;
}

/* TRUE if the calling thread impersonates anyone. */
static BOOLEAN FsdpImpersonating(void)
{
    BOOLEAN copy, effective;
    SECURITY_IMPERSONATION_LEVEL level;
    PACCESS_TOKEN t = PsReferenceImpersonationToken(PsGetCurrentThread(), &copy, &effective, &level);
    if (t == NULL)
        return FALSE;
    PsDereferenceImpersonationToken(t);
    return TRUE;
}

/* Set once: the process is in the initial user namespace (its uid_map maps all of it). */
static BOOLEAN FsdpInitialUserNs;
static pthread_once_t FsdpUserNsOnce = PTHREAD_ONCE_INIT;

static void FsdpReadUserNs(void)
{
    FILE *f = fopen("/proc/self/uid_map", "re");
    unsigned long inside, outside, count;
    char extra[8];
    if (f == NULL)
        return;
    FsdpInitialUserNs = fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
                        outside == 0 && count == 4294967295UL && fscanf(f, "%7s", extra) != 1;
    fclose(f);
}

/*
 * TRUE when the calling thread can see the trusted namespace, so that ENODATA means the object
 * has no trusted.ntsec.sd: the kernel answers a thread without CAP_SYS_ADMIN in the initial
 * user namespace ENODATA too (xattr_permission), which must never become "no descriptor" (a
 * root server in a container without CAP_SYS_ADMIN, a user running `ntsec-fsd acl`).
 */
static BOOLEAN FsdpSeesTrusted(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
    if (syscall(SYS_capget, &h, d) != 0 || !(d[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32))))
        return FALSE;
    pthread_once(&FsdpUserNsOnce, FsdpReadUserNs);
    return FsdpInitialUserNs;
}

/*
 * The object's trusted.ntsec.sd into *Buffer (malloc'd; Small when it fits): its length, 0 if
 * there is none, or -errno. Tries the 4 KiB buffer first (a 64 KiB one costs the kernel an
 * allocation and clearing on every read), then the exact size.
 */
static ssize_t FsdpReadSdXattr(const char *Proc, unsigned char *Small, size_t SmallSize, unsigned char **Buffer)
{
    *Buffer = Small;
    ssize_t n = getxattr(Proc, FSD_SD_XATTR, Small, SmallSize);
    if (n >= 0)
        return n;
    if (errno == ENOTSUP || (errno == ENODATA && FsdpSeesTrusted()))
        return 0;
    if (errno == ENODATA)
        return -EPERM;   /* invisible, not absent: the caller refuses */
    if (errno != ERANGE)
        return -errno;
    n = getxattr(Proc, FSD_SD_XATTR, NULL, 0);
    if (n < 0)
        return -errno;
    if (n > FSD_SD_MAX)
        return -E2BIG;
    if ((*Buffer = malloc((size_t)n)) == NULL)
        return -ENOMEM;
    n = getxattr(Proc, FSD_SD_XATTR, *Buffer, (size_t)n);
    return n < 0 ? -errno : n;   /* ERANGE if it grew meanwhile: the caller refuses */
}

/*
 * FsdGetSd - the stored descriptor of the O_PATH fd, or the derived one, from the descriptor
 * cache (sdcache.c) when it knows the object as fstat sees it now. Must run as the server: a
 * thread that impersonates is refused, since the trusted namespace would look empty to it and
 * the derived descriptor would stand in for the stored one.
 */
NTSTATUS FsdGetSd(int Fd, PSECURITY_DESCRIPTOR *Sd, PULONG Length, BOOLEAN *Stored)
{
    char proc[64];
    struct stat st;
    *Sd = NULL;
    *Stored = FALSE;
    if (!FsdConfig.BenchNoImpersonation && FsdpImpersonating())
        return STATUS_ACCESS_DENIED;
    time_t before = FsdSdCacheClock();
    if (fstat(Fd, &st) != 0)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    PSECURITY_DESCRIPTOR cached;
    ULONG cachedLength;
    FSD_SDC_ENTRY *e = FsdSdCacheFind(&st, &cached, &cachedLength, Stored);
    if (e != NULL) {
        *Sd = FsdpPoolCopy(cached, cachedLength);
        *Length = cachedLength;
        FsdSdCacheRelease(e);
        return *Sd != NULL ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    }
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", Fd);
    unsigned char small[4096], *buf;
    ssize_t n = FsdpReadSdXattr(proc, small, sizeof small, &buf);
    NTSTATUS status;
    if (n > 0) {
        /* fail closed: a damaged descriptor denies */
        if (!RtlValidRelativeSecurityDescriptor(buf, (ULONG)n, 0))
            status = STATUS_INVALID_SECURITY_DESCR;
        else if ((*Sd = FsdpPoolCopy(buf, (ULONG)n)) == NULL)
            status = STATUS_NO_MEMORY;
        else
            status = STATUS_SUCCESS, *Length = (ULONG)n, *Stored = TRUE;
    } else if (n < 0) {
        status = STATUS_ACCESS_DENIED;
    } else {
        status = FsdDeriveSd(&st, Sd, Length);
    }
    if (buf != small)
        free(buf);
    if (NT_SUCCESS(status))
        FsdSdCacheAdd(&st, before, *Sd, *Length, *Stored);
    return status;
}

BOOLEAN FsdCheckSd(FSD_REQ *Req, PSECURITY_DESCRIPTOR Sd, ACCESS_MASK Desired)
{
    ACCESS_MASK granted = 0;
    NTSTATUS st = STATUS_ACCESS_DENIED;
    PPRIVILEGE_SET privs = NULL;
    BOOLEAN ok = SeAccessCheck(Sd, &Req->Conn->Subject, FALSE, Desired, 0, &privs,
                               IoGetFileObjectGenericMapping(), UserMode, &granted, &st);
    if (privs != NULL)
        SeFreePrivileges(privs);
    return ok && NT_SUCCESS(st);
}

BOOLEAN FsdCheck(FSD_REQ *Req, int Fd, ACCESS_MASK Desired, const char *What, char **Explain)
{
    PSECURITY_DESCRIPTOR sd;
    ULONG len;
    BOOLEAN stored;
    if (Explain)
        *Explain = NULL;
    if (!Req->Conn->Authenticated)
        return FALSE;
    if (!NT_SUCCESS(FsdGetSd(Fd, &sd, &len, &stored))) {
        snprintf(Req->Note, sizeof Req->Note, "%s: unreadable descriptor", What);
        return FALSE;
    }
    BOOLEAN ok = FsdCheckSd(Req, sd, Desired);
    if (!ok) {
        char rights[200];
        FsdFormatRights(Desired, rights, sizeof rights);
        snprintf(Req->Note, sizeof Req->Note, "%s needs %s", What, rights);
        if (Explain) {
            /* The whole trace names ACEs of the descriptor: only for a requester allowed to
             * read it (READ_CONTROL). Others learn what was asked and what was missing. */
            ACCESS_MASK granted = 0;
            NTSTATUS ast = 0;
            PSTR trace = NULL;
            BOOLEAN mayRead = FsdCheckSd(Req, sd, READ_CONTROL);
            NtsecAccessCheckExplain(sd, Req->Conn->Token, Desired, IoGetFileObjectGenericMapping(),
                                    0, &granted, &ast, &trace);
            char buf[4096];
            char missing[200];
            FsdFormatRights(Desired & ~granted, missing, sizeof missing);
            int n = snprintf(buf, sizeof buf,
                             "access denied by the NT layer: %s\nrequester: %s\ndesired: %s\nmissing: %s\n",
                             What, Req->Conn->Identity, rights, missing);
            if (mayRead && trace != NULL)
                snprintf(buf + n, sizeof buf - (size_t)n, "trace (your own token):\n%s\n", trace);
            else
                snprintf(buf + n, sizeof buf - (size_t)n,
                         "(the descriptor's entries are not shown: you may not read it)\n");
            *Explain = strdup(buf);
            if (trace)
                NtsecFree(trace);
        }
    }
    NtsecFree(sd);
    return ok;
}

int FsdDenyNt(FSD_REQ *Req, int Fd, ACCESS_MASK Desired, const char *What)
{
    char *explain = NULL;
    if (FsdCheck(Req, Fd, Desired, What, &explain))
        return 0;
    int r = FsdRespond(Req, 403, FSD_LAYER_NT, "text/plain; charset=utf-8", explain ? explain : "denied\n",
                       explain ? strlen(explain) : 7);
    free(explain);
    return r;
}

typedef struct _FSD_SD_WRITE {
    int Fd;
    const void *Sd;
    ULONG Length;
    int Error;
} FSD_SD_WRITE;

/* Runs on a system worker (SYSTEM, the server's own Linux identity). */
static VOID FsdpWriteSdRoutine(PVOID Parameter)
{
    FSD_SD_WRITE *w = Parameter;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", w->Fd);
    w->Error = setxattr(proc, FSD_SD_XATTR, w->Sd, w->Length, 0) == 0 ? 0 : errno;
}

NTSTATUS FsdWriteSd(int Fd, PSECURITY_DESCRIPTOR Sd, ULONG Length)
{
    FSD_SD_WRITE w = {Fd, Sd, Length, 0};
    struct stat st;
    if (!RtlValidRelativeSecurityDescriptor(Sd, Length, 0))
        return STATUS_INVALID_SECURITY_DESCR;
    if (fstat(Fd, &st) == 0)
        FsdSdCacheForget(&st);   /* the write moves the change time too; this is at once */
    FsdRunOnWorker(FsdpWriteSdRoutine, &w);
    return w.Error == 0 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}

NTSTATUS FsdInheritSd(FSD_REQ *Req, int ParentFd, int NewFd, BOOLEAN IsDir)
{
    PSECURITY_DESCRIPTOR parent, sd = NULL;
    ULONG len;
    BOOLEAN stored;
    NTSTATUS st = FsdGetSd(ParentFd, &parent, &len, &stored);
    if (!NT_SUCCESS(st))
        return st;
    if (!stored) {
        NtsecFree(parent);
        return STATUS_SUCCESS;   /* the new object's descriptor is derived from its mode */
    }
    st = SeAssignSecurityEx(parent, NULL, &sd, NULL, IsDir,
                            SEF_DACL_AUTO_INHERIT | SEF_SACL_AUTO_INHERIT | SEF_AVOID_PRIVILEGE_CHECK,
                            &Req->Conn->Subject, IoGetFileObjectGenericMapping(), PagedPool);
    NtsecFree(parent);
    if (!NT_SUCCESS(st))
        return st;
    st = FsdWriteSd(NewFd, sd, RtlLengthSecurityDescriptor(sd));
    SeDeassignSecurity(&sd);
    return st;
}
