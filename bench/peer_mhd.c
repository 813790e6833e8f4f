/*
 * peer_mhd.c - the bare libmicrohttpd file server of bench/fsd.sh: the ceiling of what any
 * server built on libmicrohttpd can do with the same daemon mode as ntsec-fsd (a pool of
 * worker threads waiting with epoll), with nothing of ntsec in it - no access check, no
 * impersonation, no log, no WebDAV. A GET of DOCROOT/PATH is answered 200 from the file
 * (libmicrohttpd sends it with sendfile), anything else 404.
 *
 *   peer_mhd LISTEN DOCROOT THREADS [UID GID]
 *     LISTEN   unix:/path (mode 0666) or a TCP port on 127.0.0.1
 *     UID GID  a raw per-request switch: each GET sets the calling thread's credentials to
 *              UID/GID (setgroups, setresgid, setresuid system calls, so only this thread
 *              changes), opens the file as that user, and switches back to root before the
 *              answer: what a server without ntsec's static tracking pays per request.
 *
 * Benchmark code, never installed; it stops on SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int PeerRoot = -1;
static int PeerSwitch;
static uid_t PeerUid;
static gid_t PeerGid;

/* One thread's credentials to Uid/Gid with no supplementary groups, or back to root (Uid 0,
 * Gid 0): raw system calls, as glibc's wrappers would change every thread of the process. */
static int PeerSetIds(uid_t Uid, gid_t Gid)
{
    if (Uid != 0) {
        if (syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setresgid, -1, Gid, -1) != 0 ||
            syscall(SYS_setresuid, -1, Uid, -1) != 0)
            return -1;
        return 0;
    }
    if (syscall(SYS_setresuid, -1, 0, -1) != 0 || syscall(SYS_setresgid, -1, 0, -1) != 0 ||
        syscall(SYS_setgroups, 0, NULL) != 0)
        return -1;
    return 0;
}

static enum MHD_Result PeerText(struct MHD_Connection *C, unsigned Status, const char *Text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(Text), (void *)Text, MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    enum MHD_Result ret = MHD_queue_response(C, Status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result PeerAnswer(void *Cls, struct MHD_Connection *C, const char *Url, const char *Method,
                                  const char *Version, const char *Upload, size_t *UploadSize, void **ConCls)
{
    static int seen;
    (void)Cls; (void)Version; (void)Upload;
    if (*ConCls == NULL) {   /* the headers: answer when the request is complete */
        *ConCls = &seen;
        return MHD_YES;
    }
    if (*UploadSize != 0) {
        *UploadSize = 0;
        return MHD_YES;
    }
    if (strcmp(Method, "GET") != 0)
        return PeerText(C, 405, "only GET\n");
    while (*Url == '/')
        Url++;
    if (*Url == 0 || strstr(Url, "..") != NULL)
        return PeerText(C, 404, "not found\n");
    if (PeerSwitch && PeerSetIds(PeerUid, PeerGid) != 0)
        return PeerText(C, 500, "switch failed\n");
    int fd = openat(PeerRoot, Url, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    if (PeerSwitch && PeerSetIds(0, 0) != 0)
        abort();   /* cannot go back to root: never answer another request */
    struct stat st;
    if (fd < 0)
        return PeerText(C, err == EACCES ? 403 : 404, "cannot open\n");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return PeerText(C, 404, "not a file\n");
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);   /* owns fd */
    if (r == NULL) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
    enum MHD_Result ret = MHD_queue_response(C, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static int PeerListen(const char *Where)
{
    int fd;
    if (strncmp(Where, "unix:", 5) == 0) {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        if (strlen(Where + 5) >= sizeof a.sun_path)
            return -1;
        strcpy(a.sun_path, Where + 5);
        unlink(a.sun_path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || chmod(a.sun_path, 0666) != 0)
            return -1;
    } else {
        char *end;
        unsigned long port = strtoul(Where, &end, 10);
        if (*end != 0 || port == 0 || port > 65535)
            return -1;
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
            bind(fd, (struct sockaddr *)&a, sizeof a) != 0)
            return -1;
    }
    return listen(fd, 4096) == 0 ? fd : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: peer_mhd LISTEN DOCROOT THREADS [UID GID]\n");
        return 2;
    }
    unsigned threads = (unsigned)strtoul(argv[3], NULL, 10);
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "peer_mhd: THREADS from 1 to 64\n");
        return 2;
    }
    if (argc == 6) {
        PeerSwitch = 1;
        PeerUid = (uid_t)strtoul(argv[4], NULL, 10);
        PeerGid = (gid_t)strtoul(argv[5], NULL, 10);
        if (PeerUid == 0 || geteuid() != 0) {
            fprintf(stderr, "peer_mhd: the switch needs root and a UID other than 0\n");
            return 2;
        }
    }
    PeerRoot = open(argv[2], O_PATH | O_DIRECTORY | O_CLOEXEC);
    int lfd = PeerListen(argv[1]);
    if (PeerRoot < 0 || lfd < 0) {
        fprintf(stderr, "peer_mhd: %s: %s\n", PeerRoot < 0 ? argv[2] : argv[1], strerror(errno));
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
                                            0, NULL, NULL, PeerAnswer, NULL,
                                            MHD_OPTION_LISTEN_SOCKET, lfd,
                                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                                            MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "peer_mhd: cannot start libmicrohttpd\n");
        return 1;
    }
    printf("peer_mhd: serving %s on %s with %u threads%s\n", argv[2], argv[1], threads,
           PeerSwitch ? ", switching credentials per request" : "");
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    close(PeerRoot);
    return 0;
}
