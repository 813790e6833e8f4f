/*
 * auth_negotiate.c - HTTP Negotiate (RFC 4559) for TCP connections: the request's
 * "Authorization: Negotiate <base64>" token goes to AcceptSecurityContext of ntsec's
 * "Negotiate" package (SPNEGO/Kerberos on MIT GSSAPI) with the inbound credentials of the
 * --keytab service keys; on SEC_E_OK the connection is authenticated for its lifetime (its
 * context captured once, static tracking, as for the Unix socket) and the response carries
 * the mutual-authentication token ("WWW-Authenticate: Negotiate <base64>"). A connection
 * that sends no token gets the guest token when --guest is set, else 401 with a challenge.
 * An exchange that needs more legs keeps its partial context on the connection (neg_legs.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fsd.h"

#define FSD_TOKEN_MAX 65536

static CredHandle FsdpCred;
static BOOLEAN FsdpHaveCred;

static const char FsdpB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Strict base64 (padding required); -1 on any malformed input or overflow. */
static long FsdpB64Decode(const char *In, size_t Length, unsigned char *Out, size_t Room)
{
    if (Length == 0 || Length % 4 != 0)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < Length; i += 4) {
        int v[4];
        for (int j = 0; j < 4; j++) {
            const char *p = In[i + j] ? strchr(FsdpB64, In[i + j]) : NULL;
            v[j] = In[i + j] == '=' ? -2 : p ? (int)(p - FsdpB64) : -1;
            if (v[j] == -1 || (v[j] == -2 && (i + 4 != Length || j < 2)))
                return -1;
        }
        if (v[2] == -2 && v[3] != -2)
            return -1;
        unsigned t = ((unsigned)v[0] << 18) | ((unsigned)v[1] << 12) | ((unsigned)(v[2] < 0 ? 0 : v[2]) << 6) |
                     (unsigned)(v[3] < 0 ? 0 : v[3]);
        int bytes = v[2] == -2 ? 1 : v[3] == -2 ? 2 : 3;
        if (n + (size_t)bytes > Room)
            return -1;
        for (int j = 0; j < bytes; j++)
            Out[n++] = (unsigned char)(t >> (16 - 8 * j));
    }
    return (long)n;
}

static char *FsdpB64Encode(const unsigned char *In, size_t Length)
{
    char *out = malloc(Length / 3 * 4 + 8);
    size_t o = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < Length; i += 3) {
        unsigned v = (unsigned)In[i] << 16 | (i + 1 < Length ? (unsigned)In[i + 1] << 8 : 0) |
                     (i + 2 < Length ? In[i + 2] : 0);
        out[o++] = FsdpB64[(v >> 18) & 63];
        out[o++] = FsdpB64[(v >> 12) & 63];
        out[o++] = i + 1 < Length ? FsdpB64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < Length ? FsdpB64[v & 63] : '=';
    }
    out[o] = 0;
    return out;
}

/* FsdPrepareNegotiate - the service's inbound credentials from the keytab (KRB5_KTNAME).
 * The credential handle is held until FsdReleaseNegotiate. */
SECURITY_STATUS FsdPrepareNegotiate(const char *Keytab)
{
    static WCHAR name[] = {'N', 'e', 'g', 'o', 't', 'i', 'a', 't', 'e', 0};
    SECURITY_STRING package = {18, 20, name};
    TimeStamp expiry;
    setenv("KRB5_KTNAME", Keytab, 1);
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, &package, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
                                                   &FsdpCred, &expiry);
    FsdpHaveCred = st == SEC_E_OK;
    return st;
}

VOID FsdReleaseNegotiate(VOID)
{
    if (FsdpHaveCred)
        FreeCredentialsHandle(&FsdpCred);
    FsdpHaveCred = FALSE;
}

/* FsdNegotiateConnectionGone - deletes a partial context the closing connection held. */
VOID FsdNegotiateConnectionGone(FSD_CONN *Conn)
{
    FsdNegotiateDropPartial(&Conn->Negotiation, DeleteSecurityContext);
}

BOOLEAN FsdNegotiateEnabled(VOID)
{
    return FsdpHaveCred;
}

/*
 * FsdNegotiate - authenticates Req's TCP connection from its Authorization header. 0: the
 * connection is authenticated now (Req->AuthReply may hold the mutual token, malloc'd);
 * otherwise the HTTP status to answer (401 with Req->AuthReply as challenge, or 400).
 */
int FsdNegotiate(FSD_REQ *Req)
{
    const char *h = FsdHeader(Req, "Authorization");
    if (h == NULL || strncasecmp(h, "Negotiate ", 10) != 0) {
        snprintf(Req->Note, sizeof Req->Note, "no Negotiate token");
        return 401;
    }
    const char *b64 = h + 10;
    while (*b64 == ' ')
        b64++;
    size_t blen = strlen(b64);
    unsigned char *token = malloc(FSD_TOKEN_MAX), *reply = malloc(FSD_TOKEN_MAX);
    long n = token && blen <= (FSD_TOKEN_MAX / 3) * 4 ? FsdpB64Decode(b64, blen, token, FSD_TOKEN_MAX) : -1;
    if (n <= 0 || reply == NULL) {
        free(token);
        free(reply);
        snprintf(Req->Note, sizeof Req->Note, "malformed Negotiate token");
        return 400;
    }
    SecBuffer in = {(ULONG)n, SECBUFFER_TOKEN, token}, out = {FSD_TOKEN_MAX, SECBUFFER_TOKEN, reply};
    SecBufferDesc inD = {SECBUFFER_VERSION, 1, &in}, outD = {SECBUFFER_VERSION, 1, &out};
    CtxtHandle ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ULONG leg = Req->Conn->Negotiation.Held ? Req->Conn->Negotiation.Legs + 1 : 1;
    SECURITY_STATUS st = FsdNegotiateLeg(&Req->Conn->Negotiation, AcceptSecurityContext, DeleteSecurityContext,
                                         &FsdpCred, &inD, &outD, &ctx, now.tv_sec);
    free(token);
    if ((st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED) && out.cbBuffer > 0)
        Req->AuthReply = FsdpB64Encode(reply, out.cbBuffer);
    free(reply);
    if (st == SEC_I_CONTINUE_NEEDED) {
        /* RFC 4559 4.2: 401 with the reply token; the next leg comes on this connection */
        snprintf(Req->Note, sizeof Req->Note, "Negotiate leg %u: continue%s", (unsigned)leg,
                 Req->Conn->Negotiation.Held ? "" : " (no partial-context slot free: start over)");
        return 401;
    }
    if (st != SEC_E_OK) {
        snprintf(Req->Note, sizeof Req->Note, "AcceptSecurityContext leg %u 0x%08X", (unsigned)leg, (unsigned)st);
        return 401;
    }
    NTSTATUS nst = FsdAdoptContext(Req->Conn, &ctx);
    if (!NT_SUCCESS(nst)) {
        snprintf(Req->Note, sizeof Req->Note, "context not usable 0x%08X", (unsigned)nst);
        return 401;
    }
    return 0;
}
