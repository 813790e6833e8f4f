/*
 * path.c - from a request URL to a file beneath the served root, and nowhere else.
 *
 * Decoding refuses: a NUL byte (%00), an encoded slash (%2F) or backslash, a malformed
 * escape, a backslash (raw or %5C), "." and ".." segments (400); a segment longer than NAME_MAX or a path longer
 * than FSD_MAX_PATH (414). Every lookup then goes through openat2(2) relative to the root
 * with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so a symbolic link (or a race that renames
 * a directory) can never lead outside the tree: the kernel answers EXDEV (-> 403).
 * Kernels without openat2 (< 5.6): the server refuses to start (main.c), it has no weaker
 * fallback.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "fsd.h"

static int FsdpHex(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int FsdDecodePath(const char *Url, char **Out, BOOLEAN *TrailingSlash)
{
    size_t n = strlen(Url);
    *Out = NULL;
    if (n == 0 || Url[0] != '/')
        return 400;
    if (n > FSD_MAX_PATH * 3)
        return 414;
    char *buf = malloc(n + 1);
    if (buf == NULL)
        return 500;
    size_t o = 0, seg = 0;
    for (size_t i = 1; i <= n; i++) {
        int c = (unsigned char)Url[i];
        if (c == '%') {
            int h = i + 2 <= n ? FsdpHex(Url[i + 1]) : -1, l = i + 2 <= n ? FsdpHex(Url[i + 2]) : -1;
            if (h < 0 || l < 0) { free(buf); return 400; }
            c = h * 16 + l;
            i += 2;
            if (c == 0 || c == '/' || c == '\\') { free(buf); return 400; }
        } else if (c == '\\') {
            free(buf);
            return 400;          /* a backslash, raw or encoded: never a name character here */
        } else if (c == '/' || c == '\0') {
            /* end of a segment */
            size_t len = o - seg;
            if (len == 0 && c == '/') { continue; }           /* "//" collapses */
            if ((len == 1 && buf[seg] == '.') || (len == 2 && buf[seg] == '.' && buf[seg + 1] == '.')) {
                free(buf); return 400;
            }
            if (len > NAME_MAX) { free(buf); return 414; }
            if (c == '/') { buf[o++] = '/'; seg = o; }
            continue;
        }
        buf[o++] = (char)c;
    }
    *TrailingSlash = n > 1 && Url[n - 1] == '/';
    while (o > 0 && buf[o - 1] == '/')
        o--;
    buf[o] = 0;
    if (o > FSD_MAX_PATH) { free(buf); return 414; }
    *Out = buf;
    return 0;
}

int FsdDestinationPath(FSD_REQ *Req, const char *Dest, char **Out)
{
    *Out = NULL;
    const char *p = Dest;
    if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0) {
        p = strstr(p, "://") + 3;
        const char *slash = strchr(p, '/');
        const char *host = FsdHeader(Req, "Host");
        size_t hl = slash ? (size_t)(slash - p) : strlen(p);
        if (host != NULL && (strlen(host) != hl || strncasecmp(host, p, hl) != 0))
            return 502;
        p = slash ? slash : "/";
    }
    BOOLEAN ts;
    return FsdDecodePath(p, Out, &ts);
}

int FsdOpenAt(int DirFd, const char *Path, int Flags, mode_t Mode)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(Flags | O_CLOEXEC);
    how.mode = (Flags & (O_CREAT | O_TMPFILE)) ? Mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd;
    do
        fd = syscall(SYS_openat2, DirFd, *Path ? Path : ".", &how, sizeof how);
    while (fd < 0 && errno == EAGAIN);
    return fd < 0 ? -errno : (int)fd;
}

/*
 * FsdOpenNewDir - opens the directory Name in DirFd that the calling (impersonating) thread
 * has just created with mkdirat, and makes sure it is that one: a directory owned by the
 * thread's file-system uid, with no entry but "." and "..". Between mkdirat and the open a
 * local user could rename another directory into the name, and the server would then write
 * the new object's descriptor (a system worker) onto it. Returns the fd or -errno (EEXIST:
 * not the directory just made).
 */
int FsdOpenNewDir(int DirFd, const char *Name)
{
    int fd = FsdOpenAt(DirFd, Name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
    if (fd < 0)
        return fd;
    struct stat st;
    char buf[512];
    uid_t me = (uid_t)setfsuid((uid_t)-1);
    long n = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == me
                 ? syscall(SYS_getdents64, fd, buf, sizeof buf) : -1;
    for (long o = 0; n > 0 && o < n;) {
        unsigned short reclen;
        memcpy(&reclen, buf + o + 16, sizeof reclen);
        const char *name = buf + o + 19;
        if (reclen == 0 || (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)) {
            n = -1;
            break;
        }
        o += reclen;
    }
    if (n < 0) {
        close(fd);
        return -EEXIST;
    }
    return fd;
}

int FsdOpen(const char *Path, int Flags, mode_t Mode)
{
    return FsdOpenAt(FsdConfig.RootFd, Path, Flags, Mode);
}

/* FsdServerOpen - opens Path as the calling thread (the server, to read the descriptor)
 * with O_PATH | Flags into *Fd: 0, or the HTTP status (403 with the path layer noted for a
 * path that leaves the tree). */
int FsdServerOpen(FSD_REQ *Req, const char *Path, int Flags, int *Fd)
{
    *Fd = FsdOpen(Path, O_PATH | Flags, 0);
    if (*Fd >= 0)
        return 0;
    int e = -*Fd;
    if (e == EXDEV || e == ELOOP) {
        Req->Layer = FSD_LAYER_PATH;
        snprintf(Req->Note, sizeof Req->Note, "path leaves the served tree");
        return 403;
    }
    return FsdErrnoStatus(e);
}

int FsdSplit(const char *Path, char **Parent, char **Name)
{
    const char *slash = strrchr(Path, '/');
    if (*Path == 0)
        return -1;
    if (slash == NULL) {
        *Parent = strdup("");
        *Name = strdup(Path);
    } else {
        *Parent = strndup(Path, (size_t)(slash - Path));
        *Name = strdup(slash + 1);
    }
    return 0;
}

int FsdErrnoStatus(int Err)
{
    switch (Err) {
    case ENOENT: return 404;
    case ENOTDIR: return 409;
    case EACCES: case EPERM: case EXDEV: case ELOOP: return 403;
    case EEXIST: return 405;
    case ENAMETOOLONG: return 414;
    case ENOSPC: case EDQUOT: return 507;
    case EISDIR: return 405;
    case ENOTEMPTY: return 409;
    case ESTALE: return 409;      /* the name was rebound between the NT check and the operation */
    default: return 500;
    }
}

char *FsdHref(const char *Path, BOOLEAN Collection)
{
    size_t n = strlen(Path);
    char *out = malloc(n * 3 + 3);
    size_t o = 0;
    if (out == NULL)
        return NULL;
    out[o++] = '/';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)Path[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("/-._~!$&'()*+,;=:@", c))
            out[o++] = (char)c;
        else
            o += (size_t)sprintf(out + o, "%%%02X", c);
    }
    if (Collection && n > 0)
        out[o++] = '/';
    out[o] = 0;
    return out;
}
