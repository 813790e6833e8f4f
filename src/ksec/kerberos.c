/*
 * kerberos.c - packages "Kerberos" and "Negotiate" on MIT krb5 GSSAPI (docs/sspi.md
 * "Kerberos and Negotiate"): credentials, the handshake legs, and the logon sessions whose
 * delegated credentials a server may use for the second hop. Attributes and message
 * routines: kerberos_msg.c. The GSSAPI layer itself: gss*.c.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include "ksec/kerberosp.h"

/* ---- Logon sessions with delegated credentials ---------------------------------------- */

/*
 * A network logon whose client delegated its TGT: the logon session (the token's
 * AuthenticationId) -> the MEMORY ccache holding the TGT (owned by the accepting context,
 * which unregisters it in DeleteContext). AcquireCredentialsHandle(OUTBOUND) on a thread that
 * impersonates such a token uses it, as Windows uses the impersonated logon session's
 * credentials: the double hop.
 */
typedef struct _KSECP_LOGON_CREDS {
    struct _KSECP_LOGON_CREDS *Next;
    LUID LogonId;
    PSTR Ccache; /* borrowed from the context */
} KSECP_LOGON_CREDS;

static pthread_mutex_t KsecpLogonLock = PTHREAD_MUTEX_INITIALIZER;
static KSECP_LOGON_CREDS *KsecpLogons;

static SECURITY_STATUS KsecpRegisterLogon(LUID LogonId, PSTR Ccache)
{
    KSECP_LOGON_CREDS *e = KsecpGssAllocate(sizeof(*e));
    if (e == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    e->LogonId = LogonId;
    e->Ccache = Ccache;
    pthread_mutex_lock(&KsecpLogonLock);
    e->Next = KsecpLogons;
    KsecpLogons = e;
    pthread_mutex_unlock(&KsecpLogonLock);
    return SEC_E_OK;
}

static VOID KsecpUnregisterLogon(PCSTR Ccache)
{
    KSECP_LOGON_CREDS *gone = NULL;
    pthread_mutex_lock(&KsecpLogonLock);
    for (KSECP_LOGON_CREDS **p = &KsecpLogons; *p != NULL; p = &(*p)->Next) {
        if ((*p)->Ccache == Ccache) {
            gone = *p;
            *p = gone->Next;
            break;
        }
    }
    pthread_mutex_unlock(&KsecpLogonLock);
    if (gone != NULL)
        ExFreePool(gone);
}

/* A pool copy of the ccache name registered for LogonId (KsecpGssFreeString), or NULL. */
static PSTR KsecpLookupLogon(LUID LogonId)
{
    PSTR copy = NULL;
    pthread_mutex_lock(&KsecpLogonLock);
    for (KSECP_LOGON_CREDS *e = KsecpLogons; e != NULL; e = e->Next)
        if (e->LogonId.LowPart == LogonId.LowPart && e->LogonId.HighPart == LogonId.HighPart) {
            copy = KsecpGssDuplicateString(e->Ccache, strlen(e->Ccache));
            break;
        }
    pthread_mutex_unlock(&KsecpLogonLock);
    return copy;
}

/* ---- Credentials ------------------------------------------------------------------------ */

/* One SEC_WINNT_AUTH_IDENTITY_W field as UTF-8 (pool). ANSI identities are taken as UTF-8. */
static NTSTATUS KsecpIdentityField(const USHORT *Text, ULONG Length, BOOLEAN Ansi, PSTR *Out)
{
    *Out = NULL;
    if (Length > 1024)
        return STATUS_INVALID_PARAMETER;
    if (Ansi) {
        if (Text == NULL && Length != 0)
            return STATUS_INVALID_PARAMETER;
        *Out = KsecpGssDuplicateString(Text != NULL ? (PCSTR)Text : "", Length);
        return *Out != NULL ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    }
    return KsecUtf16ToUtf8((const WCHAR *)Text, Length, Out);
}

/*
 * KsecpAcquireCredentials - AcquireCredentials of both packages. AuthData, when given, is a
 * SEC_WINNT_AUTH_IDENTITY_W (explicit logon, OUTBOUND only). Without it: INBOUND from the
 * keytab (KRB5_KTNAME or the profile's), OUTBOUND from the impersonated logon session's
 * delegated credentials when the calling thread impersonates one, else from the ccache
 * (KRB5CCNAME, ...). On SEC_E_OK *Credential is a KSECP_GSS_CRED owned by the framework.
 * @remarks A thread impersonating a client whose logon has no credentials here gets
 * SEC_E_NO_CREDENTIALS, never the server's own ticket (Windows uses the impersonated
 * session's credentials, and a network logon without delegation has none).
 */
static SECURITY_STATUS KsecpAcquireCredentials(KSECP_GSS_MECH Mech, PCSTR Principal, ULONG CredentialUse,
                                               PVOID AuthData, PVOID *Credential, PTimeStamp Expiry)
{
    KSECP_GSS_CRED_REQUEST request;
    memset(&request, 0, sizeof(request));
    request.Mech = Mech;
    request.Use = (CredentialUse & SECPKG_CRED_INBOUND ? KSECP_CRED_INBOUND : 0) |
                  (CredentialUse & SECPKG_CRED_OUTBOUND ? KSECP_CRED_OUTBOUND : 0);
    request.Principal = Principal;
    PSTR user = NULL, domain = NULL, password = NULL, ccache = NULL;
    SECURITY_STATUS status = SEC_E_OK;
    if (AuthData != NULL) {
        PSEC_WINNT_AUTH_IDENTITY_W id = AuthData;
        BOOLEAN ansi = id->Flags == SEC_WINNT_AUTH_IDENTITY_ANSI;
        if (!ansi && id->Flags != SEC_WINNT_AUTH_IDENTITY_UNICODE)
            return SEC_E_UNKNOWN_CREDENTIALS;
        if (!NT_SUCCESS(KsecpIdentityField(id->User, id->UserLength, ansi, &user)) ||
            !NT_SUCCESS(KsecpIdentityField(id->Domain, id->DomainLength, ansi, &domain)) ||
            !NT_SUCCESS(KsecpIdentityField(id->Password, id->PasswordLength, ansi, &password)))
            status = SEC_E_UNKNOWN_CREDENTIALS;
        request.User = user;
        request.Domain = domain;
        request.Password = password;
    } else if (request.Use == KSECP_CRED_OUTBOUND) {
        BOOLEAN copy, effective;
        SECURITY_IMPERSONATION_LEVEL level;
        PETHREAD thread = PsGetCurrentThread();
        PACCESS_TOKEN token = thread != NULL ? PsReferenceImpersonationToken(thread, &copy, &effective, &level) : NULL;
        if (token != NULL) {
            ccache = KsecpLookupLogon(((PTOKEN)token)->AuthenticationId);
            PsDereferenceImpersonationToken(token);
            if (ccache == NULL || level < SecurityDelegation)
                status = SEC_E_NO_CREDENTIALS;
            request.Ccache = ccache;
        }
    }
    PKSECP_GSS_CRED cred = NULL;
    if (status == SEC_E_OK)
        status = KsecpGssAcquireCredentials(&request, &cred);
    if (password != NULL)
        explicit_bzero(password, strlen(password));
    KsecpGssFreeString(user);
    KsecpGssFreeString(domain);
    KsecpGssFreeString(password);
    KsecpGssFreeString(ccache);
    if (status != SEC_E_OK)
        return status;
    *Credential = cred;
    return SEC_E_OK;
}

static SECURITY_STATUS KsecpKerberosAcquire(PCSTR Principal, ULONG Use, PVOID AuthData, PVOID *Credential,
                                            PTimeStamp Expiry)
{
    return KsecpAcquireCredentials(KsecpMechKerberos, Principal, Use, AuthData, Credential, Expiry);
}

static SECURITY_STATUS KsecpNegotiateAcquire(PCSTR Principal, ULONG Use, PVOID AuthData, PVOID *Credential,
                                             PTimeStamp Expiry)
{
    return KsecpAcquireCredentials(KsecpMechNegotiate, Principal, Use, AuthData, Credential, Expiry);
}

static VOID KsecpFreeCredentials(PVOID Credential)
{
    KsecpGssFreeCredentials(Credential);
}

/* ---- Handshake ------------------------------------------------------------------------------ */

/* ISC_REQ_* -> GSS request flags. */
static OM_uint32 KsecpGssRequest(ULONG Req)
{
    OM_uint32 f = 0;
    if (Req & ISC_REQ_DELEGATE)
        f |= GSS_C_DELEG_FLAG;
    if (Req & ISC_REQ_MUTUAL_AUTH)
        f |= GSS_C_MUTUAL_FLAG;
    if (Req & ISC_REQ_REPLAY_DETECT)
        f |= GSS_C_REPLAY_FLAG;
    if (Req & ISC_REQ_SEQUENCE_DETECT)
        f |= GSS_C_SEQUENCE_FLAG;
    if (Req & ISC_REQ_CONFIDENTIALITY)
        f |= GSS_C_CONF_FLAG;
    if (Req & ISC_REQ_INTEGRITY)
        f |= GSS_C_INTEG_FLAG;
    if (Req & ISC_REQ_IDENTIFY)
        f |= GSS_C_IDENTIFY_FLAG;
    return f;
}

/* GSS ret_flags -> ISC_RET_* (Server FALSE) or ASC_RET_* (Server TRUE). */
ULONG KsecpSspiAttributes(OM_uint32 Flags, BOOLEAN Server)
{
    ULONG a = 0;
    if (Flags & GSS_C_DELEG_FLAG)
        a |= ISC_RET_DELEGATE; /* = ASC_RET_DELEGATE */
    if (Flags & GSS_C_MUTUAL_FLAG)
        a |= ISC_RET_MUTUAL_AUTH;
    if (Flags & GSS_C_REPLAY_FLAG)
        a |= ISC_RET_REPLAY_DETECT;
    if (Flags & GSS_C_SEQUENCE_FLAG)
        a |= ISC_RET_SEQUENCE_DETECT;
    if (Flags & GSS_C_CONF_FLAG)
        a |= ISC_RET_CONFIDENTIALITY;
    if (Flags & GSS_C_INTEG_FLAG)
        a |= Server ? ASC_RET_INTEGRITY : ISC_RET_INTEGRITY;
    if (Flags & GSS_C_IDENTIFY_FLAG)
        a |= Server ? ASC_RET_IDENTIFY : ISC_RET_IDENTIFY;
    return a;
}

static TimeStamp KsecpExpiry(OM_uint32 Lifetime)
{
    TimeStamp t;
    if (Lifetime == GSS_C_INDEFINITE) {
        t.QuadPart = KSEC_TIME_FOREVER;
        return t;
    }
    return KsecTimeStampFromUnix((LONGLONG)time(NULL) + Lifetime);
}

static SECURITY_STATUS KsecpInputToken(PKSEC_STEP Step, const VOID **Data, SIZE_T *Length)
{
    *Data = NULL;
    *Length = 0;
    PSecBuffer in = KsecFindBuffer(Step->Input, SECBUFFER_TOKEN);
    if (in != NULL) {
        *Data = in->pvBuffer;
        *Length = in->cbBuffer;
    }
    return SEC_E_OK;
}

/* Writes the step's output token (if any) and releases the GSS buffer. */
static SECURITY_STATUS KsecpPutOutput(PKSEC_STEP Step, gss_buffer_t Output, SECURITY_STATUS Status)
{
    OM_uint32 minor;
    if ((Status == SEC_E_OK || Status == SEC_I_CONTINUE_NEEDED) && (Output->length > 0 || Step->Output != NULL)) {
        SECURITY_STATUS w = Output->length > 0xFFFFFFFFu ? SEC_E_INTERNAL_ERROR
                                                         : KsecWriteOutputToken(Step, Output->value, (ULONG)Output->length);
        if (w != SEC_E_OK && (Output->length > 0 || w != SEC_E_INVALID_TOKEN))
            Status = w;
    }
    gss_release_buffer(&minor, Output);
    return Status;
}

/* InitializeStep of both packages. *Context: PKSECP_GSS_CONTEXT. */
static SECURITY_STATUS KsecpInitializeStep(PVOID *Context, PKSEC_STEP Step)
{
    const VOID *in;
    SIZE_T inLength;
    gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
    KsecpInputToken(Step, &in, &inLength);
    PKSECP_GSS_CONTEXT c = *Context;
    SECURITY_STATUS status = KsecpGssInitialize(Step->Credential, &c, Step->TargetName,
                                                KsecpGssRequest(Step->ContextReq), in, inLength, &out);
    *Context = c;
    status = KsecpPutOutput(Step, &out, status);
    if (c != NULL && (status == SEC_E_OK || status == SEC_I_CONTINUE_NEEDED)) {
        Step->ContextAttr |= KsecpSspiAttributes(c->Flags, FALSE);
        Step->Expiry = KsecpExpiry(c->Lifetime);
    }
    return status;
}

/*
 * AcceptStep of both packages. On completion the client's token (gssmap.c) goes to the
 * framework at the level the client allowed: Identification when it asked for identify
 * only (ISC_REQ_IDENTIFY / GSS_C_IDENTIFY_FLAG); Delegation when it delegated a TGT (which
 * is then registered under the token's logon session for the second hop); else
 * Impersonation.
 */
static SECURITY_STATUS KsecpAcceptStep(PVOID *Context, PKSEC_STEP Step)
{
    const VOID *in;
    SIZE_T inLength;
    gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
    KsecpInputToken(Step, &in, &inLength);
    PKSECP_GSS_CONTEXT c = *Context;
    SECURITY_STATUS status = KsecpGssAccept(Step->Credential, &c, in, inLength, &out);
    *Context = c;
    status = KsecpPutOutput(Step, &out, status);
    if (c == NULL || (status != SEC_E_OK && status != SEC_I_CONTINUE_NEEDED))
        return status;
    Step->ContextAttr |= KsecpSspiAttributes(c->Flags, TRUE);
    Step->Expiry = KsecpExpiry(c->Lifetime);
    if (status != SEC_E_OK)
        return status;
    SECURITY_IMPERSONATION_LEVEL level = SecurityImpersonation;
    if (c->Flags & GSS_C_IDENTIFY_FLAG)
        level = SecurityIdentification;
    else if ((c->Flags & GSS_C_DELEG_FLAG) && c->Delegated != GSS_C_NO_CREDENTIAL)
        level = SecurityDelegation;
    PTOKEN token = NULL;
    status = KsecpGssBuildClientToken(c, level, &token);
    if (status == SEC_E_OK && level == SecurityDelegation) {
        status = KsecpGssStoreDelegated(c);
        if (status == SEC_E_OK)
            status = KsecpRegisterLogon(token->AuthenticationId, c->DelegatedCcache);
    }
    if (status != SEC_E_OK) {
        if (token != NULL)
            ObDereferenceObject(token);
        return status;
    }
    Step->Token = token;
    Step->Level = level;
    return SEC_E_OK;
}

/* DeleteContext of both packages: ends the logon's delegated credentials with the context. */
static VOID KsecpDeleteContext(PVOID Context)
{
    PKSECP_GSS_CONTEXT c = Context;
    if (c != NULL && c->DelegatedCcache != NULL)
        KsecpUnregisterLogon(c->DelegatedCcache);
    KsecpGssFreeContext(c);
}

#define KSECP_KRB_CAPABILITIES                                                                              \
    (SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_TOKEN_ONLY | SECPKG_FLAG_CONNECTION |          \
     SECPKG_FLAG_MULTI_REQUIRED | SECPKG_FLAG_IMPERSONATION | SECPKG_FLAG_ACCEPT_WIN32_NAME |                 \
     SECPKG_FLAG_NEGOTIABLE | SECPKG_FLAG_GSS_COMPATIBLE | SECPKG_FLAG_LOGON | SECPKG_FLAG_MUTUAL_AUTH |       \
     SECPKG_FLAG_DELEGATION | SECPKG_FLAG_READONLY_WITH_CHECKSUM)

/* What the two packages share: everything but the acquisition (which picks the mechanism). */
#define KSECP_GSS_PACKAGE_CALLS                                                                             \
    .KsecFlags = KSEC_PACKAGE_IMPERSONATION, .FreeCredentials = KsecpFreeCredentials,                       \
    .QueryCredentialsAttributes = KsecpQueryCredentialsAttributes, .InitializeStep = KsecpInitializeStep,   \
    .AcceptStep = KsecpAcceptStep, .QueryContextAttributes = KsecpQueryContextAttributes,                   \
    .MakeSignature = KsecpMakeSignature, .VerifySignature = KsecpVerifySignature,                           \
    .EncryptMessage = KsecpEncryptMessage, .DecryptMessage = KsecpDecryptMessage,                           \
    .DeleteContext = KsecpDeleteContext

const KSEC_PACKAGE KsecKerberosPackage = {
    .Name = "Kerberos",
    .Comment = "Kerberos V5 (RFC 4120/4121) through MIT krb5 GSSAPI",
    .Capabilities = KSECP_KRB_CAPABILITIES,
    .Version = 1,
    .RpcId = 16, /* RPC_C_AUTHN_GSS_KERBEROS */
    .MaxToken = 48000,
    .AcquireCredentials = KsecpKerberosAcquire,
    KSECP_GSS_PACKAGE_CALLS,
};

const KSEC_PACKAGE KsecNegotiatePackage = {
    .Name = "Negotiate",
    .Comment = "SPNEGO (RFC 4178) selecting Kerberos, through MIT krb5 GSSAPI",
    .Capabilities = (KSECP_KRB_CAPABILITIES & ~SECPKG_FLAG_NEGOTIABLE),
    .Version = 1,
    .RpcId = 9, /* RPC_C_AUTHN_GSS_NEGOTIATE */
    .MaxToken = 48256,
    .AcquireCredentials = KsecpNegotiateAcquire,
    KSECP_GSS_PACKAGE_CALLS,
};
