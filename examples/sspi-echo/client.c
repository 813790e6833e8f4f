/* client.c - the echo client: InitializeSecurityContextW legs until the server says done,
 * then prints the server's sealed report and the sealed echo of Message. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "echo.h"

static int EchoConnect(const ECHO_ENDPOINT *E)
{
    int s;
    if (E->UnixPath != NULL) {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        snprintf(a.sun_path, sizeof(a.sun_path), "%s", E->UnixPath);
        s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) != 0)
            return -1;
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)E->Port)};
        inet_pton(AF_INET, E->Host ? E->Host : "127.0.0.1", &a.sin_addr);
        s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) != 0)
            return -1;
    }
    return s;
}

int EchoClient(const ECHO_ENDPOINT *Endpoint, const char *Package, const char *Target, const char *Message)
{
    static unsigned char in[ECHO_MAX_FRAME + 1], out[ECHO_MAX_FRAME];
    int s = EchoConnect(Endpoint);
    if (s < 0) {
        perror("client: connect");
        return 1;
    }
    WCHAR pb[64], tb[256];
    SECURITY_STRING pkg, target;
    EchoString(&pkg, pb, 64, Package);
    EchoString(&target, tb, 256, Target);
    CredHandle cred;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, &pkg, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cred, NULL);
    if (st != SEC_E_OK) {
        fprintf(stderr, "client: AcquireCredentialsHandleW(%s): 0x%08X\n", Package, (unsigned)st);
        return 1;
    }
    CtxtHandle ctx;
    BOOLEAN first = TRUE, done = FALSE;
    long inLength = 0;
    for (int leg = 0; leg < 16 && !done; leg++) {
        SecBuffer ib = {(ULONG)inLength, SECBUFFER_TOKEN, in + 1};
        SecBufferDesc id = {SECBUFFER_VERSION, 1, &ib};
        SecBuffer ob = {sizeof(out), SECBUFFER_TOKEN, out};
        SecBufferDesc od = {SECBUFFER_VERSION, 1, &ob};
        ULONG attr;
        st = InitializeSecurityContextW(&cred, first ? NULL : &ctx, Target ? &target : NULL,
                                        ISC_REQ_CONFIDENTIALITY | ISC_REQ_MUTUAL_AUTH | ISC_REQ_REPLAY_DETECT |
                                            ISC_REQ_SEQUENCE_DETECT,
                                        0, SECURITY_NATIVE_DREP, first ? NULL : &id, 0, &ctx, &od, &attr, NULL);
        if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
            fprintf(stderr, "client: InitializeSecurityContextW: 0x%08X\n", (unsigned)st);
            return 1;
        }
        first = FALSE;
        if (ob.cbBuffer > 0)
            EchoSendFrame(s, out, ob.cbBuffer);
        if (st == SEC_E_OK && ob.cbBuffer == 0)
            break;
        long n = EchoReadFrame(s, in, sizeof(in));
        if (n < 1) {
            fprintf(stderr, "client: the server closed the connection\n");
            return 1;
        }
        if (in[0] == ECHO_ERROR && n == 5) {
            ULONG e = ((ULONG)in[1] << 24) | ((ULONG)in[2] << 16) | ((ULONG)in[3] << 8) | in[4];
            printf("client: the server refused the authentication: 0x%08X\n", (unsigned)e);
            return 1;
        }
        inLength = n - 1;
        done = in[0] == ECHO_DONE && (st == SEC_E_OK || inLength == 0);
    }
    SecPkgContext_Sizes sizes = {0};
    QueryContextAttributesW(&ctx, SECPKG_ATTR_SIZES, &sizes);
    char report[4096];
    SECURITY_STATUS rs;
    if (EchoReadSealed(s, &ctx, report, sizeof(report), sizes.cbSecurityTrailer, &rs) < 0) {
        fprintf(stderr, "client: DecryptMessage: 0x%08X\n", (unsigned)rs);
        return 1;
    }
    printf("client: server says: %s\n", report);
    if (EchoSendSealed(s, &ctx, Message, (ULONG)strlen(Message), sizes.cbSecurityTrailer) != SEC_E_OK ||
        EchoReadSealed(s, &ctx, report, sizeof(report), sizes.cbSecurityTrailer, &rs) < 0) {
        fprintf(stderr, "client: sealed echo failed: 0x%08X\n", (unsigned)rs);
        return 1;
    }
    printf("client: %s\n", report);
    DeleteSecurityContext(&ctx);
    FreeCredentialsHandle(&cred);
    close(s);
    return 0;
}
