/*
 * negotiate_http.c - a tiny HTTP responder authenticating clients with HTTP Negotiate
 * (RFC 4559) through ntsec's SSPI ("Negotiate" package), then impersonating them.
 *
 *   example-negotiate-http [--port N] [--count N]
 *
 * Listens on 127.0.0.1:N (0 or absent: a free port), prints "port N" on stdout, serves N
 * connections (default 10) one request each, then exits. The service key comes from
 * KRB5_KTNAME, the realm from KRB5_CONFIG, the principal -> token mapping from NTSEC_IDMAP
 * (docs/sspi.md). A request without "Authorization: Negotiate" gets 401 with
 * "WWW-Authenticate: Negotiate"; a good token gets 200 with the mutual-authentication reply
 * token and a body naming the client and the user SID of the token the server impersonated;
 * a bad one 401 (the SECURITY_STATUS in X-Sspi-Status).
 *
 * Everything the client sends is hostile: the request head is bounded (16 KiB), the
 * base64 token bounded (64 KiB decoded at most) and decoded strictly.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <ntifs.h>
#include <ntsec.h>
#include <sspi.h>

#define HEAD_MAX 16384
#define TOKEN_MAX 65536

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int B64Value(char c)
{
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int)(p - B64) : -1;
}

/* Strict base64 (padding required, no whitespace): decoded length, or -1. */
static long B64Decode(const char *In, size_t Length, unsigned char *Out, size_t Room)
{
    if (Length % 4 != 0)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < Length; i += 4) {
        int v[4];
        for (int j = 0; j < 4; j++) {
            v[j] = In[i + j] == '=' ? -2 : B64Value(In[i + j]);
            if (v[j] == -1 || (v[j] == -2 && (i + 4 != Length || j < 2)))
                return -1;
        }
        if (v[2] == -2 && v[3] != -2)
            return -1;
        unsigned triple = ((unsigned)v[0] << 18) | ((unsigned)v[1] << 12) | ((unsigned)(v[2] < 0 ? 0 : v[2]) << 6) |
                          (unsigned)(v[3] < 0 ? 0 : v[3]);
        int bytes = v[2] == -2 ? 1 : v[3] == -2 ? 2 : 3;
        if (n + (size_t)bytes > Room)
            return -1;
        for (int j = 0; j < bytes; j++)
            Out[n++] = (unsigned char)(triple >> (16 - 8 * j));
    }
    return (long)n;
}

static void B64Encode(const unsigned char *In, size_t Length, char *Out)
{
    size_t o = 0;
    for (size_t i = 0; i < Length; i += 3) {
        unsigned v = (unsigned)In[i] << 16 | (i + 1 < Length ? (unsigned)In[i + 1] << 8 : 0) |
                     (i + 2 < Length ? In[i + 2] : 0);
        Out[o++] = B64[(v >> 18) & 63];
        Out[o++] = B64[(v >> 12) & 63];
        Out[o++] = i + 1 < Length ? B64[(v >> 6) & 63] : '=';
        Out[o++] = i + 2 < Length ? B64[v & 63] : '=';
    }
    Out[o] = '\0';
}

static void Send(int Fd, const char *Text)
{
    size_t n = strlen(Text);
    while (n > 0) {
        ssize_t w = write(Fd, Text, n);
        if (w <= 0)
            return;
        Text += w;
        n -= (size_t)w;
    }
}

static void Reply(int Fd, int Code, const char *Reason, const char *Auth, SECURITY_STATUS Status, const char *Body)
{
    char head[1024];
    snprintf(head, sizeof(head),
             "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n"
             "X-Sspi-Status: 0x%08X\r\n",
             Code, Reason, strlen(Body), (unsigned)Status);
    Send(Fd, head);
    if (Auth != NULL) {
        Send(Fd, "WWW-Authenticate: Negotiate");
        if (Auth[0] != '\0') {
            Send(Fd, " ");
            Send(Fd, Auth);
        }
        Send(Fd, "\r\n");
    }
    Send(Fd, "\r\n");
    Send(Fd, Body);
}

/* The value of the "Authorization: Negotiate " header in Head, or NULL; *Length its size. */
static const char *FindNegotiate(const char *Head, size_t *Length)
{
    for (const char *line = Head; line != NULL && *line != '\0';) {
        const char *end = strstr(line, "\r\n");
        if (end == NULL || end == line)
            return NULL;
        static const char name[] = "authorization:";
        if ((size_t)(end - line) > sizeof(name) && strncasecmp(line, name, sizeof(name) - 1) == 0) {
            const char *v = line + sizeof(name) - 1;
            while (*v == ' ' || *v == '\t')
                v++;
            if (strncasecmp(v, "Negotiate ", 10) == 0) {
                v += 10;
                *Length = (size_t)(end - v);
                return v;
            }
        }
        line = end + 2;
    }
    return NULL;
}

/* One connection: read the head, authenticate, impersonate, answer. */
static void Serve(int Fd, PCredHandle Cred)
{
    static char head[HEAD_MAX + 1];
    size_t got = 0;
    while (got < HEAD_MAX) {
        ssize_t r = read(Fd, head + got, HEAD_MAX - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        head[got] = '\0';
        if (strstr(head, "\r\n\r\n") != NULL)
            break;
    }
    head[got] = '\0';
    if (strstr(head, "\r\n\r\n") == NULL) {
        Reply(Fd, 400, "Bad Request", NULL, 0, "bad request\n");
        return;
    }
    size_t b64len = 0;
    const char *b64 = FindNegotiate(strstr(head, "\r\n") + 2, &b64len);
    if (b64 == NULL) {
        Reply(Fd, 401, "Unauthorized", "", 0, "authenticate with Negotiate\n");
        return;
    }
    static unsigned char token[TOKEN_MAX], reply[TOKEN_MAX];
    long n = b64len <= (TOKEN_MAX / 3) * 4 ? B64Decode(b64, b64len, token, sizeof(token)) : -1;
    if (n <= 0) {
        Reply(Fd, 400, "Bad Request", NULL, SEC_E_INVALID_TOKEN, "bad Negotiate token\n");
        return;
    }
    SecBuffer in = {(ULONG)n, SECBUFFER_TOKEN, token}, out = {sizeof(reply), SECBUFFER_TOKEN, reply};
    SecBufferDesc inD = {SECBUFFER_VERSION, 1, &in}, outD = {SECBUFFER_VERSION, 1, &out};
    CtxtHandle ctx;
    ULONG attr = 0;
    TimeStamp expiry;
    SECURITY_STATUS st = AcceptSecurityContext(Cred, NULL, &inD, ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONNECTION,
                                               SECURITY_NATIVE_DREP, &ctx, &outD, &attr, &expiry);
    static char encoded[TOKEN_MAX * 2];
    encoded[0] = '\0';
    if ((st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED) && out.cbBuffer > 0)
        B64Encode(reply, out.cbBuffer, encoded);
    if (st != SEC_E_OK) {
        /* one-leg HTTP: a continuation would need the same connection; we ask again */
        if (st == SEC_I_CONTINUE_NEEDED)
            DeleteSecurityContext(&ctx);
        Reply(Fd, 401, "Unauthorized", encoded, st, "authentication failed\n");
        return;
    }
    char body[8192] = "", who[512] = "?";
    SecPkgContext_NamesW names;
    if (QueryContextAttributesW(&ctx, SECPKG_ATTR_NAMES, &names) == SEC_E_OK) {
        size_t i = 0;
        for (; names.sUserName[i] != 0 && i + 1 < sizeof(who); i++)
            who[i] = names.sUserName[i] < 128 ? (char)names.sUserName[i] : '?';
        who[i] = '\0';
        FreeContextBuffer(names.sUserName);
    }
    if (ImpersonateSecurityContext(&ctx) == SEC_E_OK) {
        SECURITY_SUBJECT_CONTEXT subject;
        SeCaptureSubjectContext(&subject);
        char text[4096] = "";
        SIZE_T needed = 0;
        if (subject.ClientToken != NULL)
            NtsecFormatToken(subject.ClientToken, text, sizeof(text), &needed);
        SeReleaseSubjectContext(&subject);
        RevertSecurityContext(&ctx);
        char *user = strstr(text, "user=");
        char *space = user ? strchr(user, ' ') : NULL;
        if (space != NULL)
            *space = '\0';
        snprintf(body, sizeof(body), "client=%s %s impersonated\n", who, user ? user : "user=?");
    } else {
        snprintf(body, sizeof(body), "client=%s not impersonated\n", who);
    }
    Reply(Fd, 200, "OK", encoded, SEC_E_OK, body);
    DeleteSecurityContext(&ctx);
}

int main(int argc, char **argv)
{
    int port = 0, count = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--count") == 0)
            count = atoi(argv[i + 1]);
    }
    if (count < 1 || count > 100000 || port < 0 || port > 65535) {
        fprintf(stderr, "usage: %s [--port N] [--count N]\n", argv[0]);
        return 2;
    }
    WCHAR name[] = {'N', 'e', 'g', 'o', 't', 'i', 'a', 't', 'e', 0};
    SECURITY_STRING package = {18, 20, name};
    CredHandle cred;
    TimeStamp expiry;
    SECURITY_STATUS st =
        AcquireCredentialsHandleW(NULL, &package, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &cred, &expiry);
    if (st != SEC_E_OK) {
        fprintf(stderr, "AcquireCredentialsHandleW: 0x%08X (is KRB5_KTNAME set?)\n", (unsigned)st);
        return 1;
    }
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 16) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) != 0) {
        perror("listen");
        return 1;
    }
    printf("port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (int i = 0; i < count; i++) {
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        struct timeval tv = {5, 0};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        Serve(c, &cred);
        close(c);
    }
    close(s);
    FreeCredentialsHandle(&cred);
    return 0;
}
