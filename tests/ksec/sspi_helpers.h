/*
 * sspi_helpers.h - SSPI calls the ksec tests share: package-name strings, credentials, one
 * ntsec-local exchange, message protection round trips.
 */
#ifndef NTSEC_SSPI_HELPERS_H
#define NTSEC_SSPI_HELPERS_H

#include <string.h>
#include "ntsec_test.h"
#include "sspi.h"

/* A SECURITY_STRING over a static UTF-16 copy of ASCII Text (up to 63 characters). */
typedef struct {
    WCHAR Buffer[64];
    SECURITY_STRING String;
} KS_WSTR;

static inline PSECURITY_STRING KsStr(KS_WSTR *W, const char *Text)
{
    size_t n = strlen(Text);
    for (size_t i = 0; i < n && i < 63; i++)
        W->Buffer[i] = (WCHAR)(unsigned char)Text[i];
    W->String.Buffer = W->Buffer;
    W->String.Length = (USHORT)(n * sizeof(WCHAR));
    W->String.MaximumLength = (USHORT)sizeof(W->Buffer);
    return &W->String;
}

/* UTF-16 (ASCII range) to a char buffer, for assertions. */
static inline const char *KsNarrow(const WCHAR *Wide, char *Out, size_t Size)
{
    size_t i = 0;
    for (; Wide != NULL && Wide[i] != 0 && i + 1 < Size; i++)
        Out[i] = (char)Wide[i];
    Out[i] = 0;
    return Out;
}

static inline CredHandle KsAcquire(const char *Package, ULONG Use)
{
    KS_WSTR w;
    CredHandle h;
    TimeStamp expiry;
    assert_int_equal(AcquireCredentialsHandleW(NULL, KsStr(&w, Package), Use, NULL, NULL, NULL, NULL, &h, &expiry),
                     SEC_E_OK);
    return h;
}

/* Client leg of ntsec-local: the 80-byte request into Token. Returns the ISC status. */
static inline SECURITY_STATUS KsInitialize(PCredHandle Cred, ULONG Req, PSecBufferDesc ExtraInput, PCtxtHandle Ctx,
                                           unsigned char *Token, ULONG *TokenLength, ULONG *Attr)
{
    SecBuffer out = {*TokenLength, SECBUFFER_TOKEN, Token};
    SecBufferDesc outDesc = {SECBUFFER_VERSION, 1, &out};
    TimeStamp expiry;
    KS_WSTR w;
    SECURITY_STATUS st = InitializeSecurityContextW(Cred, NULL, KsStr(&w, "ntsec-test-server"), Req, 0,
                                                    SECURITY_NATIVE_DREP, ExtraInput, 0, Ctx, &outDesc, Attr,
                                                    &expiry);
    *TokenLength = out.cbBuffer;
    return st;
}

/* Server leg: the request and the socket it came on. */
static inline SECURITY_STATUS KsAccept(PCredHandle Cred, int Socket, const unsigned char *Token, ULONG TokenLength,
                                       ULONG Req, PCtxtHandle Ctx, ULONG *Attr)
{
    SecBuffer in[2] = {{TokenLength, SECBUFFER_TOKEN, (PVOID)Token}, {sizeof(int), SECBUFFER_NTSEC_SOCKET, &Socket}};
    SecBufferDesc inDesc = {SECBUFFER_VERSION, 2, in};
    SecBuffer out = {0, SECBUFFER_TOKEN, NULL};
    SecBufferDesc outDesc = {SECBUFFER_VERSION, 1, &out};
    TimeStamp expiry;
    return AcceptSecurityContext(Cred, NULL, &inDesc, Req, SECURITY_NATIVE_DREP, Ctx, &outDesc, Attr, &expiry);
}

/* A sealed (or signed) message: Data in place, 28-byte Trailer. */
static inline SECURITY_STATUS KsProtect(PCtxtHandle Ctx, BOOLEAN Seal, void *Data, ULONG Length,
                                        unsigned char Trailer[28])
{
    SecBuffer b[2] = {{28, SECBUFFER_TOKEN, Trailer}, {Length, SECBUFFER_DATA, Data}};
    SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
    return Seal ? EncryptMessage(Ctx, 0, &d, 0) : MakeSignature(Ctx, 0, &d, 0);
}

static inline SECURITY_STATUS KsUnprotect(PCtxtHandle Ctx, BOOLEAN Seal, void *Data, ULONG Length,
                                          unsigned char Trailer[28])
{
    SecBuffer b[2] = {{28, SECBUFFER_TOKEN, Trailer}, {Length, SECBUFFER_DATA, Data}};
    SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
    ULONG qop = 7;
    SECURITY_STATUS st = Seal ? DecryptMessage(Ctx, &d, 0, &qop) : VerifySignature(Ctx, &d, 0, &qop);
    assert_int_equal(qop, 0);
    return st;
}

#endif
