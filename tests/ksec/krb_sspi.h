/*
 * krb_sspi.h - SSPI helpers for the Kerberos / Negotiate tests: wide strings, credentials
 * by password or keytab, a full in-process handshake through the public API.
 */
#ifndef NTSEC_KRB_SSPI_H
#define NTSEC_KRB_SSPI_H

#include <ntifs.h>
#include <sspi.h>
#include "krb_helpers.h"

#define KRB_REALM "NTSEC.KSEC.TEST"
#define KRB_TOKEN_MAX 48256

typedef struct {
    WCHAR Text[256];
    SECURITY_STRING String;
} KRB_WSTR;

static inline PSECURITY_STRING KrbW(KRB_WSTR *W, const char *Ascii)
{
    size_t n = strlen(Ascii);
    for (size_t i = 0; i < n && i < 255; i++)
        W->Text[i] = (WCHAR)(unsigned char)Ascii[i];
    W->Text[n] = 0;
    W->String.Buffer = W->Text;
    W->String.Length = (USHORT)(n * sizeof(WCHAR));
    W->String.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return &W->String;
}

/* UTF-16 -> ASCII (tests only compare ASCII names). */
static inline void KrbNarrow(const SEC_WCHAR *W, char *Out, size_t Size)
{
    size_t i = 0;
    for (; W != NULL && W[i] != 0 && i + 1 < Size; i++)
        Out[i] = (char)W[i];
    Out[i] = '\0';
}

/* An outbound credential of Package for User/Password (explicit logon). */
static inline SECURITY_STATUS KrbClientCred(const char *Package, const char *User, const char *Password,
                                            PCredHandle Cred)
{
    KRB_WSTR pkg, user, pass;
    KrbW(&user, User);
    KrbW(&pass, Password);
    SEC_WINNT_AUTH_IDENTITY_W id = {(USHORT *)user.Text, (ULONG)strlen(User), NULL, 0,
                                    (USHORT *)pass.Text, (ULONG)strlen(Password), SEC_WINNT_AUTH_IDENTITY_UNICODE};
    TimeStamp expiry;
    return AcquireCredentialsHandleW(NULL, KrbW(&pkg, Package), SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL, Cred,
                                     &expiry);
}

/* An inbound credential of Package from KRB5_KTNAME (the fixture's http.keytab). */
static inline SECURITY_STATUS KrbServerCred(const char *Package, PCredHandle Cred)
{
    KRB_WSTR pkg;
    TimeStamp expiry;
    return AcquireCredentialsHandleW(NULL, KrbW(&pkg, Package), SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, Cred,
                                     &expiry);
}

/*
 * KrbHandshake - the whole exchange in this process. Returns the status of the step that
 * ended it; *Client / *Server hold the contexts made (zeroed when none).
 */
static inline SECURITY_STATUS KrbHandshake(PCredHandle C, PCredHandle S, const char *Target, ULONG IscReq,
                                           PCtxtHandle Client, PCtxtHandle Server, PULONG ClientAttr,
                                           PULONG ServerAttr)
{
    static UCHAR a[KRB_TOKEN_MAX], b[KRB_TOKEN_MAX];
    KRB_WSTR target;
    memset(Client, 0, sizeof(*Client));
    memset(Server, 0, sizeof(*Server));
    SecBuffer out = {sizeof(a), SECBUFFER_TOKEN, a}, in = {0, SECBUFFER_TOKEN, NULL};
    SecBufferDesc outDesc = {SECBUFFER_VERSION, 1, &out}, inDesc = {SECBUFFER_VERSION, 1, &in};
    ULONG ca = 0, sa = 0;
    TimeStamp t;
    SECURITY_STATUS cs = InitializeSecurityContextW(C, NULL, KrbW(&target, Target), IscReq, 0, SECURITY_NATIVE_DREP,
                                                    NULL, 0, Client, &outDesc, &ca, &t);
    SECURITY_STATUS ss = SEC_I_CONTINUE_NEEDED;
    BOOLEAN haveServer = FALSE;
    for (int round = 0; round < 6; round++) {
        if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED)
            return cs;
        if (out.cbBuffer != 0) {
            in.pvBuffer = a;
            in.cbBuffer = out.cbBuffer;
            SecBuffer reply = {sizeof(b), SECBUFFER_TOKEN, b};
            SecBufferDesc replyDesc = {SECBUFFER_VERSION, 1, &reply};
            ss = AcceptSecurityContext(S, haveServer ? Server : NULL, &inDesc, ASC_REQ_MUTUAL_AUTH, SECURITY_NATIVE_DREP,
                                       Server, &replyDesc, &sa, &t);
            if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED)
                return ss;
            haveServer = TRUE;
            out.cbBuffer = 0;
            if (cs == SEC_E_OK && ss == SEC_E_OK)
                break;
            if (reply.cbBuffer != 0) {
                memcpy(a, b, reply.cbBuffer);
                in.pvBuffer = a;
                in.cbBuffer = reply.cbBuffer;
                static UCHAR c[KRB_TOKEN_MAX];
                out.pvBuffer = c;
                out.cbBuffer = sizeof(c);
                cs = InitializeSecurityContextW(C, Client, KrbW(&target, Target), IscReq, 0, SECURITY_NATIVE_DREP,
                                                &inDesc, 0, Client, &outDesc, &ca, &t);
                if (out.cbBuffer != 0)
                    memcpy(a, c, out.cbBuffer);
                out.pvBuffer = a;
            } else if (cs == SEC_E_OK) {
                break;
            }
        } else if (cs == SEC_E_OK && ss == SEC_E_OK) {
            break;
        } else if (cs == SEC_E_OK) {
            return SEC_E_INTERNAL_ERROR; /* the client finished but the server never got a token */
        }
    }
    if (ClientAttr != NULL)
        *ClientAttr = ca;
    if (ServerAttr != NULL)
        *ServerAttr = sa;
    return cs == SEC_E_OK && ss == SEC_E_OK ? SEC_E_OK : SEC_E_INTERNAL_ERROR;
}

#endif /* NTSEC_KRB_SSPI_H */
