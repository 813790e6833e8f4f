/*
 * fuzz_ksec_local_message.c - every byte a peer can send to ntsec-local (docs/sspi.md
 * "ntsec-local protocol"). The first input byte picks the path:
 *   0: KsecLocalParseRequest; an accepted request must format back to the same bytes.
 *   1: AcceptSecurityContext with the rest as the client's token and a real socketpair as
 *      the socket: SEC_E_OK (then the context is deleted) or SEC_E_INVALID_TOKEN, nothing else.
 *   2: VerifySignature / DecryptMessage on an established server context with the rest as
 *      trailer + data: never SEC_E_OK (no key is known to the fuzzer), never a crash.
 * No context or credential may be left behind.
 */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include "ksec/local.h"

static int Sockets[2] = {-1, -1};
static CredHandle ClientCred, ServerCred;
static CtxtHandle Client, Server;

static SECURITY_STRING *LocalName(void)
{
    static WCHAR name[] = {'n', 't', 's', 'e', 'c', '-', 'l', 'o', 'c', 'a', 'l'};
    static SECURITY_STRING s = {sizeof(name), sizeof(name), name};
    return &s;
}

/* One client/server pair for the whole run (path 2), and the socket for path 1. */
static void Setup(void)
{
    if (Sockets[0] >= 0)
        return;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, Sockets) != 0)
        __builtin_trap();
    if (AcquireCredentialsHandleW(NULL, LocalName(), SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &ClientCred,
                                  NULL) != SEC_E_OK ||
        AcquireCredentialsHandleW(NULL, LocalName(), SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &ServerCred,
                                  NULL) != SEC_E_OK)
        __builtin_trap();
    UCHAR token[KSEC_LOCAL_REQUEST_BYTES];
    SecBuffer out = {sizeof(token), SECBUFFER_TOKEN, token};
    SecBufferDesc outDesc = {SECBUFFER_VERSION, 1, &out};
    ULONG attr;
    if (InitializeSecurityContextW(&ClientCred, NULL, NULL, 0, 0, 0, NULL, 0, &Client, &outDesc, &attr, NULL) !=
        SEC_E_OK)
        __builtin_trap();
    SecBuffer in[2] = {{out.cbBuffer, SECBUFFER_TOKEN, token}, {sizeof(int), SECBUFFER_NTSEC_SOCKET, &Sockets[0]}};
    SecBufferDesc inDesc = {SECBUFFER_VERSION, 2, in};
    if (AcceptSecurityContext(&ServerCred, NULL, &inDesc, 0, 0, &Server, NULL, &attr, NULL) != SEC_E_OK)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    if (Size < 1)
        return 0;
    Setup();
    ULONG contexts = NtsecSecurityContextCount();
    const uint8_t *p = Data + 1;
    size_t n = Size - 1;
    uint8_t copy[4096];
    if (n > sizeof(copy))
        n = sizeof(copy);
    memcpy(copy, p, n);
    switch (Data[0] % 3) {
    case 0: {
        KSEC_LOCAL_REQUEST request;
        if (KsecLocalParseRequest(copy, n, &request) == SEC_E_OK) {
            UCHAR again[KSEC_LOCAL_REQUEST_BYTES];
            KsecLocalFormatRequest(&request, again);
            if (n != sizeof(again) || memcmp(again, copy, n) != 0)
                __builtin_trap();
        }
        break;
    }
    case 1: {
        SecBuffer in[2] = {{(ULONG)n, SECBUFFER_TOKEN, n ? copy : NULL},
                           {sizeof(int), SECBUFFER_NTSEC_SOCKET, &Sockets[0]}};
        SecBufferDesc inDesc = {SECBUFFER_VERSION, 2, in};
        CtxtHandle h;
        ULONG attr;
        SECURITY_STATUS st = AcceptSecurityContext(&ServerCred, NULL, &inDesc, 0, 0, &h, NULL, &attr, NULL);
        if (st == SEC_E_OK) {
            if (DeleteSecurityContext(&h) != SEC_E_OK)
                __builtin_trap();
        } else if (st != SEC_E_INVALID_TOKEN) {
            __builtin_trap();
        }
        break;
    }
    default: {
        ULONG trailer = n < 28 ? (ULONG)n : 28;
        SecBuffer b[2] = {{trailer, SECBUFFER_TOKEN, copy}, {(ULONG)(n - trailer), SECBUFFER_DATA, copy + trailer}};
        SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
        if (b[1].cbBuffer == 0)
            b[1].pvBuffer = NULL;
        if (trailer == 0)
            b[0].pvBuffer = NULL;
        SECURITY_STATUS st = (n & 1) ? DecryptMessage(&Server, &d, 0, NULL) : VerifySignature(&Server, &d, 0, NULL);
        if (st == SEC_E_OK)
            __builtin_trap();
        break;
    }
    }
    if (NtsecSecurityContextCount() != contexts)
        __builtin_trap();
    return 0;
}
