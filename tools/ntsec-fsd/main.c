/*
 * main.c - ntsec-fsd: the command line, the daemons (a Unix socket any local user may
 * connect to; optionally 127.0.0.1 TCP) and an orderly shutdown on SIGTERM/SIGINT (stop
 * accepting, let in-flight requests finish, exit 0).
 *
 *   ntsec-fsd serve DIR [--socket PATH] [--listen 127.0.0.1:PORT] [--keytab FILE]
 *                      [--guest 'TOKEN'] [--audit FILE] [--quota BYTES] [--threads N]
 *                      [--config FILE]
 *   ntsec-fsd acl get|set|explain PATH [SDDL | --user NAME --desired RIGHTS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <libxml/parser.h>
#include "fsd.h"

FSD_CONFIG FsdConfig = {.RootFd = -1};

void FsdNotifyConnection(void *Cls, struct MHD_Connection *Connection, void **SocketContext,
                         enum MHD_ConnectionNotificationCode Toe);
enum MHD_Result FsdHandler(void *Cls, struct MHD_Connection *Connection, const char *Url,
                           const char *Method, const char *Version, const char *UploadData,
                           size_t *UploadSize, void **ConCls);
void FsdCompleted(void *Cls, struct MHD_Connection *Connection, void **ConCls,
                  enum MHD_RequestTerminationCode Toe);
size_t FsdUnescape(void *Cls, struct MHD_Connection *Connection, char *S);
extern volatile long FsdInFlight;

static void Usage(FILE *Out)
{
    fprintf(Out,
            "usage: ntsec-fsd serve DIR [--socket PATH] [--listen 127.0.0.1:PORT] [--guest 'TOKEN TEXT']\n"
            "                          [--keytab FILE] [--audit FILE] [--quota BYTES] [--threads N]\n"
            "                          [--config FILE]\n"
            "       ntsec-fsd acl get PATH\n"
            "       ntsec-fsd acl set PATH SDDL\n"
            "       ntsec-fsd acl explain PATH --user NAME [--desired RIGHTS]\n"
            "\n"
            "serve: a WebDAV (RFC 4918 class 1 and 2) file server for DIR. Every request runs on a\n"
            "worker thread that impersonates the client (ntsec host backend), so Linux checks each\n"
            "file operation as the client; NT descriptors (trusted.ntsec.sd) are checked first.\n"
            "  --socket PATH   Unix socket, mode 0666: clients are who the kernel says they are\n"
            "                  (SO_PEERCRED). Default /run/ntsec-fsd.sock when --listen is absent.\n"
            "  --listen ADDR   127.0.0.1:PORT over TCP: clients authenticate with HTTP Negotiate\n"
            "                  (--keytab); without a token they run as the --guest token, if any.\n"
            "  --guest TEXT    token text (docs/token-text.md), e.g. 'user=S-1-22-1-65534 groups=WD'\n"
            "  --keytab FILE   Kerberos service keys (HTTP/<host>) for HTTP Negotiate over TCP\n"
            "  --audit FILE    audit log (mode 0600, written by system worker threads)\n"
            "  --quota BYTES   per-user limit on bytes uploaded with PUT (0 = none)\n"
            "  --threads N     worker threads per listener, 1-64 (default: 2 per CPU); each serves\n"
            "                  many connections, one request at a time\n"
            "  --config FILE   key=value lines: socket, listen, keytab, guest, audit, quota, threads\n"
            "  --bench-no-impersonation\n"
            "                  BENCHMARK ONLY, refused unless " FSD_BENCH_ENV "=1: serve every client as\n"
            "                  the server itself, to measure what impersonation costs\n");
}

/* --threads N: 1 to 64 worker threads per listener, a decimal number and nothing else. */
static int FsdpParseThreads(const char *Text)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(Text, &end, 10);
    if (errno != 0 || end == Text || *end != 0 || Text[0] == '-' || n < 1 || n > 64) {
        fprintf(stderr, "ntsec-fsd: threads: %s is not a number from 1 to 64\n", Text);
        return -1;
    }
    FsdConfig.Threads = (unsigned)n;
    return 0;
}

/* --bench-no-impersonation: every request is served as the server itself (no client's Linux
 * identity is ever taken), for measuring what impersonation costs and nothing else. Only on
 * the command line (never in --config), and only with FSD_BENCH_ENV=1 in the environment. */
static BOOLEAN FsdpBenchModeAllowed(VOID)
{
    const char *e = getenv(FSD_BENCH_ENV);
    if (e == NULL || strcmp(e, "1") != 0) {
        fprintf(stderr, "ntsec-fsd: --bench-no-impersonation serves every client as the server itself "
                        "(no Linux check for the client at all): refused unless %s=1 is set; it is a "
                        "benchmark mode, never a way to serve\n", FSD_BENCH_ENV);
        return FALSE;
    }
    fprintf(stderr, "ntsec-fsd: WARNING: benchmark mode --bench-no-impersonation: every file operation "
                    "runs as the server, not as the client (responses say X-Ntsec-Served-As: %s)\n",
            FSD_BENCH_SERVED_AS);
    return TRUE;
}

static char *FsdpConfigValues[8];   /* strings of the --config file, freed at exit */
static int FsdpConfigValueCount;

static int FsdpConfigFile(const char *Path)
{
    FILE *f = fopen(Path, "re");
    if (f == NULL) {
        fprintf(stderr, "ntsec-fsd: %s: %s\n", Path, strerror(errno));
        return -1;
    }
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f) && n++ < 1000) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        char *eq = strchr(line, '=');
        if (eq == NULL) {
            fprintf(stderr, "ntsec-fsd: %s:%d: expected key=value\n", Path, n);
            fclose(f);
            return -1;
        }
        *eq = 0;
        if (FsdpConfigValueCount == 8) {
            fprintf(stderr, "ntsec-fsd: %s:%d: too many settings\n", Path, n);
            fclose(f);
            return -1;
        }
        char *v = strdup(eq + 1);
        FsdpConfigValues[FsdpConfigValueCount++] = v;
        if (!strcmp(line, "socket")) FsdConfig.Socket = v;
        else if (!strcmp(line, "listen")) FsdConfig.Listen = v;
        else if (!strcmp(line, "guest")) FsdConfig.Guest = v;
        else if (!strcmp(line, "keytab")) FsdConfig.Keytab = v;
        else if (!strcmp(line, "audit")) FsdConfig.AuditLog = v;
        else if (!strcmp(line, "quota")) FsdConfig.QuotaBytes = strtoull(v, NULL, 10);
        else if (!strcmp(line, "threads")) {
            if (FsdpParseThreads(v) != 0) {
                fclose(f);
                return -1;
            }
        } else {
            fprintf(stderr, "ntsec-fsd: %s:%d: unknown key %s\n", Path, n, line);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

static int FsdpUnixSocket(const char *Path)
{
    struct sockaddr_un a;
    struct stat st;
    if (strlen(Path) >= sizeof a.sun_path) {
        fprintf(stderr, "ntsec-fsd: socket path too long\n");
        return -1;
    }
    if (lstat(Path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "ntsec-fsd: %s exists and is not a socket\n", Path);
            return -1;
        }
        unlink(Path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, Path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || chmod(Path, 0666) != 0 ||
        listen(fd, 4096) != 0) {
        fprintf(stderr, "ntsec-fsd: %s: %s\n", Path, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

static int FsdpTcpSocket(const char *Addr, int *Port)
{
    char host[64];
    const char *colon = strrchr(Addr, ':');
    if (colon == NULL || (size_t)(colon - Addr) >= sizeof host) {
        fprintf(stderr, "ntsec-fsd: --listen wants 127.0.0.1:PORT\n");
        return -1;
    }
    memcpy(host, Addr, (size_t)(colon - Addr));
    host[colon - Addr] = 0;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1 || (ntohl(a.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "ntsec-fsd: --listen: only loopback addresses (127.0.0.0/8)\n");
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4096) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        fprintf(stderr, "ntsec-fsd: %s: %s\n", Addr, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    *Port = ntohs(a.sin_port);
    return fd;
}

/* FsdpStart - a daemon on the listening socket Fd: FsdConfig.Threads worker threads, each
 * waiting with epoll(7) on the connections it accepted (no FD_SETSIZE bound) and running
 * their requests one at a time; a connection stays on the thread that accepted it. Against a
 * thread per connection (e033fc1) it served 1.15-1.5x the GETs per second over TCP and about
 * the same over the Unix socket (docs/fsd.md "Performance"); a thread per connection also
 * meant 100 idle clients = 100 threads. One thread is libmicrohttpd's own polling thread and no
 * pool option at all (a pool size of 0 or 1 is ignored with a warning on stderr). */
static struct MHD_Daemon *FsdpStart(int Fd, BOOLEAN Tcp)
{
    struct MHD_OptionItem pool[] = {
        {FsdConfig.Threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)FsdConfig.Threads, NULL},
        {MHD_OPTION_END, 0, NULL}};
    return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                                MHD_USE_ERROR_LOG | MHD_USE_ITC,
                            0, NULL, NULL, FsdHandler, NULL,
                            MHD_OPTION_LISTEN_SOCKET, Fd,
                            MHD_OPTION_ARRAY, pool,
                            MHD_OPTION_NOTIFY_CONNECTION, FsdNotifyConnection, Tcp ? (void *)1 : NULL,
                            MHD_OPTION_NOTIFY_COMPLETED, FsdCompleted, NULL,
                            MHD_OPTION_UNESCAPE_CALLBACK, FsdUnescape, NULL,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
                            MHD_OPTION_END);
}

static int FsdServe(int argc, char **argv)
{
    const char *config = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { Usage(stdout); return 0; }
        if (a[0] != '-') {
            if (FsdConfig.Root) { Usage(stderr); return 2; }
            FsdConfig.Root = a;
            continue;
        }
        if (!strcmp(a, "--bench-no-impersonation")) { FsdConfig.BenchNoImpersonation = TRUE; continue; }
        if (v == NULL) { fprintf(stderr, "ntsec-fsd: %s needs a value\n", a); return 2; }
        i++;
        if (!strcmp(a, "--socket")) FsdConfig.Socket = v;
        else if (!strcmp(a, "--listen")) FsdConfig.Listen = v;
        else if (!strcmp(a, "--guest")) FsdConfig.Guest = v;
        else if (!strcmp(a, "--keytab")) FsdConfig.Keytab = v;
        else if (!strcmp(a, "--audit")) FsdConfig.AuditLog = v;
        else if (!strcmp(a, "--quota")) FsdConfig.QuotaBytes = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--threads")) { if (FsdpParseThreads(v) != 0) return 2; }
        else if (!strcmp(a, "--config")) config = v;
        else { fprintf(stderr, "ntsec-fsd: unknown option %s\n", a); return 2; }
    }
    if (config && FsdpConfigFile(config) != 0)
        return 2;
    if (FsdConfig.Root == NULL) { Usage(stderr); return 2; }
    if (FsdConfig.BenchNoImpersonation && !FsdpBenchModeAllowed())
        return 2;
    if (FsdConfig.Socket == NULL && FsdConfig.Listen == NULL)
        FsdConfig.Socket = "/run/ntsec-fsd.sock";
    if (FsdConfig.Threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        FsdConfig.Threads = cpus < 1 ? 2 : cpus > 32 ? 64 : (unsigned)(2 * cpus);
    }
    umask(022);
    FsdConfig.RootFd = open(FsdConfig.Root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (FsdConfig.RootFd < 0) {
        fprintf(stderr, "ntsec-fsd: %s: %s\n", FsdConfig.Root, strerror(errno));
        return 1;
    }
    int probe = FsdOpen("", O_PATH, 0);
    if (probe < 0) {
        fprintf(stderr, "ntsec-fsd: openat2 with RESOLVE_BENEATH is not available (%s): refusing to serve\n",
                strerror(-probe));
        return 1;
    }
    close(probe);
    NTSTATUS st = NtsecEnableHostCredentials(NtsecHostEuid);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec-fsd: cannot enable host credentials (0x%08X): the server needs CAP_SETUID "
                        "and CAP_SETGID\n", (unsigned)st);
        return 1;
    }
    if (FsdConfig.Keytab) {
        SECURITY_STATUS sst = FsdPrepareNegotiate(FsdConfig.Keytab);
        if (sst != SEC_E_OK) {
            fprintf(stderr, "ntsec-fsd: --keytab %s: no inbound Negotiate credentials (0x%08X)\n",
                    FsdConfig.Keytab, (unsigned)sst);
            return 1;
        }
    }
    if (FsdConfig.Guest && !NT_SUCCESS(st = FsdPrepareGuest(FsdConfig.Guest))) {
        fprintf(stderr, "ntsec-fsd: --guest: bad token text (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        return 2;
    }
    if (FsdConfig.AuditLog && !NT_SUCCESS(FsdOpenAudit(FsdConfig.AuditLog))) {
        fprintf(stderr, "ntsec-fsd: %s: cannot open the audit log\n", FsdConfig.AuditLog);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *unixd = NULL, *tcpd = NULL;
    int port = 0;
    FsdLogStart();
    if (FsdConfig.Socket) {
        int fd = FsdpUnixSocket(FsdConfig.Socket);
        if (fd < 0 || (unixd = FsdpStart(fd, FALSE)) == NULL) {
            fprintf(stderr, "ntsec-fsd: cannot serve on %s\n", FsdConfig.Socket);
            return 1;
        }
    }
    if (FsdConfig.Listen) {
        int fd = FsdpTcpSocket(FsdConfig.Listen, &port);
        if (fd < 0 || (tcpd = FsdpStart(fd, TRUE)) == NULL) {
            fprintf(stderr, "ntsec-fsd: cannot listen on %s\n", FsdConfig.Listen);
            if (unixd) MHD_stop_daemon(unixd);
            return 1;
        }
    }
    printf("ntsec-fsd: serving %s (pid %d)%s\n", FsdConfig.Root, (int)getpid(),
           FsdConfig.BenchNoImpersonation ? " - BENCHMARK MODE: no impersonation, everything as the server" : "");
    if (unixd)
        printf("  unix socket %s (any local user; identity from the kernel)\n"
               "  try: curl --unix-socket %s http://localhost/\n", FsdConfig.Socket, FsdConfig.Socket);
    if (tcpd)
        printf("  tcp 127.0.0.1:%d (%s)\n  try: curl http://127.0.0.1:%d/\n", port,
               FsdConfig.Keytab ? "HTTP Negotiate" : FsdConfig.Guest ? "as the guest token" : "no credentials: every request 401", port);
    if (tcpd && FsdConfig.Keytab)
        printf("  try: curl --negotiate -u : http://localhost:%d/\n", port);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "ntsec-fsd: signal %d: finishing in-flight requests\n", sig);
    if (unixd) MHD_quiesce_daemon(unixd);
    if (tcpd) MHD_quiesce_daemon(tcpd);
    for (int i = 0; i < 3000 && __atomic_load_n(&FsdInFlight, __ATOMIC_SEQ_CST) > 0; i++)
        usleep(10000);
    if (unixd) MHD_stop_daemon(unixd);
    if (tcpd) MHD_stop_daemon(tcpd);
    FsdLogFlush();
    if (FsdConfig.Socket)
        unlink(FsdConfig.Socket);
    FsdReleaseGuest();
    FsdReleaseNegotiate();
    NtsecShutdown();
    xmlCleanupParser();
    close(FsdConfig.RootFd);
    for (int i = 0; i < FsdpConfigValueCount; i++)
        free(FsdpConfigValues[i]);
    fprintf(stderr, "ntsec-fsd: stopped\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        Usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        Usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "serve"))
        return FsdServe(argc - 1, argv + 1);
    if (!strcmp(argv[1], "acl"))
        return FsdAclCommand(argc - 1, argv + 1);
    fprintf(stderr, "ntsec-fsd: unknown command %s (see ntsec-fsd --help)\n", argv[1]);
    return 2;
}
