/*
 * server.c - the echo server: authenticates each client with AcceptSecurityContext (the
 * connection itself goes in as the SECBUFFER_NTSEC_SOCKET buffer, which ntsec-local needs
 * and other packages ignore), impersonates it, reports who it acts as (the thread's token
 * and, with the host backend, the thread's Linux ids from /proc/thread-self/status), and
 * echoes one sealed message back sealed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "echo.h"

static int EchoListen(const ECHO_ENDPOINT *E)
{
    int s;
    if (E->UnixPath != NULL) {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        snprintf(a.sun_path, sizeof(a.sun_path), "%s", E->UnixPath);
        unlink(E->UnixPath);
        s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 8) != 0)
            return -1;
        printf("listening on unix %s\n", E->UnixPath);
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)E->Port)};
        inet_pton(AF_INET, E->Host ? E->Host : "127.0.0.1", &a.sin_addr);
        s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        socklen_t len = sizeof(a);
        if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 8) != 0 ||
            getsockname(s, (struct sockaddr *)&a, &len) != 0)
            return -1;
        printf("listening on tcp %s:%d\n", E->Host ? E->Host : "127.0.0.1", ntohs(a.sin_port));
    }
    fflush(stdout);
    return s;
}

/* "user=SID" of the token text, and the "Uid:"/"Gid:" lines of /proc/thread-self/status. */
static void EchoWhoAmI(char *Out, size_t Size)
{
    char text[4096] = "", sid[200] = "(none)", uids[256] = "", gids[256] = "";
    BOOLEAN coo, eo;
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    PACCESS_TOKEN t = PsReferenceImpersonationToken(PsGetCurrentThread(), &coo, &eo, &level);
    if (t != NULL) {
        SIZE_T needed;
        if (NT_SUCCESS(NtsecFormatToken(t, text, sizeof(text), &needed))) {
            const char *u = strstr(text, "user=");
            if (u != NULL)
                sscanf(u + 5, "%199s", sid);
        }
        ObDereferenceObject(t);
    }
    FILE *f = fopen("/proc/thread-self/status", "r");
    char line[200];
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, "Uid:", 4) == 0)
            snprintf(uids, sizeof(uids), "%s", line + 4);
        else if (strncmp(line, "Gid:", 4) == 0)
            snprintf(gids, sizeof(gids), "%s", line + 4);
    }
    if (f != NULL)
        fclose(f);
    for (char *c = uids; *c; c++)
        *c = *c == '\t' ? ' ' : *c;
    for (char *c = gids; *c; c++)
        *c = *c == '\t' ? ' ' : *c;
    static const char *const levels[] = {"Anonymous", "Identification", "Impersonation", "Delegation"};
    snprintf(Out, Size, "acting as %s at %s; thread uids (real effective saved fs):%s; gids:%s", sid,
             t != NULL ? levels[level & 3] : "-", uids, gids);
}

/* One client: handshake, impersonate, report, echo. */
static void EchoServe(int Conn, PCredHandle Cred)
{
    static unsigned char in[ECHO_MAX_FRAME], out[ECHO_MAX_FRAME + 1];
    CtxtHandle ctx;
    BOOLEAN first = TRUE;
    SECURITY_STATUS st = SEC_E_INTERNAL_ERROR;
    for (int leg = 0; leg < 16; leg++) {
        long n = EchoReadFrame(Conn, in, sizeof(in));
        if (n < 0)
            break;
        int fd = Conn;
        SecBuffer ib[2] = {{(ULONG)n, SECBUFFER_TOKEN, in}, {sizeof(int), SECBUFFER_NTSEC_SOCKET, &fd}};
        SecBufferDesc id = {SECBUFFER_VERSION, 2, ib};
        SecBuffer ob = {ECHO_MAX_FRAME, SECBUFFER_TOKEN, out + 1};
        SecBufferDesc od = {SECBUFFER_VERSION, 1, &ob};
        ULONG attr;
        st = AcceptSecurityContext(Cred, first ? NULL : &ctx, &id, ASC_REQ_CONFIDENTIALITY, SECURITY_NATIVE_DREP, &ctx,
                                   &od, &attr, NULL);
        if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED)
            break;
        first = FALSE;
        out[0] = st == SEC_E_OK ? ECHO_DONE : ECHO_CONTINUE;
        EchoSendFrame(Conn, out, 1 + ob.cbBuffer);
        if (st == SEC_E_OK)
            break;
    }
    if (st != SEC_E_OK) {
        unsigned char e[5] = {ECHO_ERROR, (unsigned char)(st >> 24), (unsigned char)(st >> 16),
                              (unsigned char)(st >> 8), (unsigned char)st};
        EchoSendFrame(Conn, e, 5);
        printf("server: AcceptSecurityContext failed: 0x%08X\n", (unsigned)st);
        fflush(stdout);
        if (!first)
            DeleteSecurityContext(&ctx);
        return;
    }
    SecPkgContext_Sizes sizes = {0};
    QueryContextAttributesW(&ctx, SECPKG_ATTR_SIZES, &sizes);
    char report[2048], message[4096];
    st = ImpersonateSecurityContext(&ctx);
    if (st != SEC_E_OK)
        snprintf(report, sizeof(report), "ImpersonateSecurityContext failed: 0x%08X", (unsigned)st);
    else
        EchoWhoAmI(report, sizeof(report));
    printf("server: %s\n", report);
    fflush(stdout);
    EchoSendSealed(Conn, &ctx, report, (ULONG)strlen(report), sizes.cbSecurityTrailer);
    SECURITY_STATUS rs;
    long n = EchoReadSealed(Conn, &ctx, message, sizeof(message) - 8, sizes.cbSecurityTrailer, &rs);
    if (n >= 0) {
        char echo[4200];
        int m = snprintf(echo, sizeof(echo), "echo: %s", message);
        EchoSendSealed(Conn, &ctx, echo, (ULONG)m, sizes.cbSecurityTrailer);
        printf("server: echoed %ld bytes\n", n);
    } else {
        printf("server: DecryptMessage failed: 0x%08X\n", (unsigned)rs);
    }
    fflush(stdout);
    RevertSecurityContext(&ctx);
    DeleteSecurityContext(&ctx);
}

int EchoServer(const ECHO_ENDPOINT *Endpoint, const char *Package, int Host, int Once)
{
    if (Host) {
        NTSTATUS hs = NtsecEnableHostCredentials(NtsecHostEuid);
        if (!NT_SUCCESS(hs)) {
            fprintf(stderr, "server: NtsecEnableHostCredentials: 0x%08X (root needed)\n", (unsigned)hs);
            return 1;
        }
    }
    WCHAR pb[64];
    SECURITY_STRING pkg;
    EchoString(&pkg, pb, 64, Package);
    CredHandle cred;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, &pkg, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &cred, NULL);
    if (st != SEC_E_OK) {
        fprintf(stderr, "server: AcquireCredentialsHandleW(%s): 0x%08X\n", Package, (unsigned)st);
        return 1;
    }
    int s = EchoListen(Endpoint);
    if (s < 0) {
        perror("server: listen");
        return 1;
    }
    if (Endpoint->UnixPath != NULL)
        chmod(Endpoint->UnixPath, 0777); /* clients of any user may connect */
    do {
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            break;
        EchoServe(c, &cred);
        close(c);
    } while (!Once);
    close(s);
    FreeCredentialsHandle(&cred);
    return 0;
}
