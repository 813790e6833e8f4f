/*
 * local_package.c - package "ntsec-local" (docs/sspi.md "ntsec-local"): one message from the
 * client (local_message.c) carrying only the quality of service it asks for and the message
 * keys; the server builds the client's token from the kernel's facts about the connected
 * AF_UNIX socket the message arrived on (localpeer.c), passed as a SECBUFFER_NTSEC_SOCKET
 * input buffer. The client may ask for less than the server allows, never more.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ksec/local.h"
#include "ex/exp.h"
#include "ex/pooltags.h"

/* Attributes every ntsec-local context has: messages are always integrity protected,
 * encrypted on request, numbered and checked for replay and order. */
#define KSECP_LOCAL_RET (ISC_RET_REPLAY_DETECT | ISC_RET_SEQUENCE_DETECT | ISC_RET_CONFIDENTIALITY | \
                         ISC_RET_CONNECTION | ISC_RET_INTEGRITY)
#define KSECP_LOCAL_ASC_RET (ASC_RET_REPLAY_DETECT | ASC_RET_SEQUENCE_DETECT | ASC_RET_CONFIDENTIALITY | \
                             ASC_RET_CONNECTION | ASC_RET_INTEGRITY)

/* The credential: which way it may be used and who acquired it. Read-only after acquire. */
typedef struct _KSECP_LOCAL_CREDENTIAL {
    ULONG Use;
    uid_t Uid;
} KSECP_LOCAL_CREDENTIAL, *PKSECP_LOCAL_CREDENTIAL;

/* "Unix User\<name>" (the name Samba gives S-1-22-1-uid), or "Unix User\<uid>" without a
 * passwd entry; ExFreePool. NULL when out of memory. */
static PSTR KsecpUnixUserName(uid_t Uid)
{
    char buffer[1024];
    struct passwd pw, *found = NULL;
    char name[64];
    PCSTR user = name;
    if (getpwuid_r(Uid, &pw, buffer, sizeof(buffer), &found) == 0 && found != NULL && found->pw_name != NULL)
        user = found->pw_name;
    else
        snprintf(name, sizeof(name), "%u", (unsigned)Uid);
    SIZE_T size = strlen("Unix User\\") + strlen(user) + 1;
    PSTR out = ExAllocatePoolWithTag(PagedPool, size, KSECP_LOCAL_TAG);
    if (out != NULL)
        snprintf(out, size, "Unix User\\%s", user);
    return out;
}

/* A context-buffer UTF-16 "Unix User\<name>" for Uid, or NULL. */
static PWSTR KsecpWideUserName(uid_t Uid)
{
    PSTR name = KsecpUnixUserName(Uid);
    if (name == NULL)
        return NULL;
    PWSTR wide = KsecAllocateWideString(name);
    ExFreePool(name);
    return wide;
}

/*
 * AcquireCredentials - the package has no credentials of its own: the client is whoever the
 * kernel says connected. A principal or pAuthData is SEC_E_UNKNOWN_CREDENTIALS (there is no
 * way to act as anyone else). The credential object's single reference passes to the framework.
 */
static SECURITY_STATUS KsecpLocalAcquire(PCSTR Principal, ULONG CredentialUse, PVOID AuthData, PVOID *Credential,
                                         PTimeStamp Expiry)
{
    if (Principal != NULL || AuthData != NULL)
        return SEC_E_UNKNOWN_CREDENTIALS;
    PKSECP_LOCAL_CREDENTIAL credential = ExAllocatePoolWithTag(PagedPool, sizeof(*credential), KSECP_LOCAL_TAG);
    if (credential == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    credential->Use = CredentialUse;
    credential->Uid = geteuid();
    *Credential = credential;
    return SEC_E_OK;
}

static VOID KsecpLocalFreeCredentials(PVOID Credential)
{
    ExFreePool(Credential);
}

/* SECPKG_CRED_ATTR_NAMES: the user who acquired the credential. */
static SECURITY_STATUS KsecpLocalQueryCredentials(PVOID Credential, ULONG Attribute, PVOID Buffer)
{
    if (Attribute != SECPKG_CRED_ATTR_NAMES)
        return SEC_E_UNSUPPORTED_FUNCTION;
    PSecPkgCredentials_NamesW names = Buffer;
    names->sUserName = KsecpWideUserName(((PKSECP_LOCAL_CREDENTIAL)Credential)->Uid);
    return names->sUserName == NULL ? SEC_E_INSUFFICIENT_MEMORY : SEC_E_OK;
}

static PKSEC_LOCAL_CONTEXT KsecpNewLocalContext(BOOLEAN Server)
{
    PKSEC_LOCAL_CONTEXT context = ExAllocatePoolWithTag(PagedPool, sizeof(*context), KSECP_LOCAL_TAG);
    if (context != NULL) {
        memset(context, 0, sizeof(*context));
        context->Server = Server;
        context->PidFd = -1;
    }
    return context;
}

/* DeleteContext: the keys are wiped, the cipher freed, the pidfd closed. */
static VOID KsecpLocalDelete(PVOID Context)
{
    PKSEC_LOCAL_CONTEXT context = Context;
    KsecLocalFreeCipher(context);
    if (context->PidFd >= 0)
        close(context->PidFd);
    if (context->TargetName != NULL)
        ExFreePool(context->TargetName);
    ExFreePool(context);
}

/*
 * InitializeStep (client, one leg): the request is the level from the flags (Impersonation;
 * ISC_REQ_DELEGATE Delegation; ISC_REQ_IDENTIFY Identification) or from a SECBUFFER_NTSEC_QOS
 * input buffer (then ISC_REQ_IDENTIFY still caps it at Identification), and two fresh random
 * keys. Returns SEC_E_OK with the 80-byte output token: the client's side is complete.
 * SEC_E_INVALID_TOKEN (a QOS buffer of the wrong size or Length), SEC_E_INVALID_PARAMETER (its
 * level out of range), SEC_E_INTERNAL_ERROR (no randomness), or KsecWriteOutputToken's errors.
 */
static SECURITY_STATUS KsecpLocalInitialize(PVOID *Context, PKSEC_STEP Step)
{
    KSEC_LOCAL_REQUEST request;
    memset(&request, 0, sizeof(request));
    request.Qos.Length = sizeof(request.Qos);
    request.Qos.ImpersonationLevel = (Step->ContextReq & ISC_REQ_DELEGATE) ? SecurityDelegation : SecurityImpersonation;
    request.Qos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    PSecBuffer qos = KsecFindBuffer(Step->Input, SECBUFFER_NTSEC_QOS);
    if (qos != NULL) {
        SECURITY_QUALITY_OF_SERVICE given;
        if (qos->cbBuffer != sizeof(given))
            return SEC_E_INVALID_TOKEN;
        memcpy(&given, qos->pvBuffer, sizeof(given));
        if (given.Length != sizeof(given))
            return SEC_E_INVALID_TOKEN;
        if (!VALID_IMPERSONATION_LEVEL(given.ImpersonationLevel))
            return SEC_E_INVALID_PARAMETER;
        request.Qos.ImpersonationLevel = given.ImpersonationLevel;
        request.Qos.ContextTrackingMode = given.ContextTrackingMode ? SECURITY_DYNAMIC_TRACKING : SECURITY_STATIC_TRACKING;
        request.Qos.EffectiveOnly = given.EffectiveOnly ? TRUE : FALSE;
    }
    if ((Step->ContextReq & ISC_REQ_IDENTIFY) && request.Qos.ImpersonationLevel > SecurityIdentification)
        request.Qos.ImpersonationLevel = SecurityIdentification;
    if (getrandom(request.ClientToServerKey, KSEC_LOCAL_KEY_BYTES, 0) != KSEC_LOCAL_KEY_BYTES ||
        getrandom(request.ServerToClientKey, KSEC_LOCAL_KEY_BYTES, 0) != KSEC_LOCAL_KEY_BYTES)
        return SEC_E_INTERNAL_ERROR;

    PKSEC_LOCAL_CONTEXT context = KsecpNewLocalContext(FALSE);
    if (context == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    *Context = context; /* the framework owns it from here on, whatever happens */
    UCHAR message[KSEC_LOCAL_REQUEST_BYTES];
    KsecLocalFormatRequest(&request, message);
    SECURITY_STATUS status = KsecWriteOutputToken(Step, message, sizeof(message));
    memset(message, 0, sizeof(message));
    if (status == SEC_E_OK) {
        context->HasKeys = TRUE;
        memcpy(context->SendKey, request.ClientToServerKey, KSEC_LOCAL_KEY_BYTES);
        memcpy(context->ReceiveKey, request.ServerToClientKey, KSEC_LOCAL_KEY_BYTES);
        context->Qos = request.Qos;
        context->Granted = request.Qos.ImpersonationLevel;
        context->Uid = geteuid();
        context->Gid = getegid();
        context->Pid = getpid();
        if (Step->TargetName != NULL)
            context->TargetName = ExpCopyString(Step->TargetName, KSECP_LOCAL_TAG);
        Step->ContextAttr |= KSECP_LOCAL_RET |
                             (request.Qos.ImpersonationLevel <= SecurityIdentification ? ISC_RET_IDENTIFY : 0);
    }
    memset(&request, 0, sizeof(request));
    return status;
}

/* NTSTATUS of the peer query / token build -> SECURITY_STATUS. */
static SECURITY_STATUS KsecpLocalMapStatus(NTSTATUS Status)
{
    switch (Status) {
    case STATUS_NO_MEMORY:
    case STATUS_INSUFFICIENT_RESOURCES:
        return SEC_E_INSUFFICIENT_MEMORY;
    case STATUS_NOT_SUPPORTED:
        return SEC_E_UNSUPPORTED_FUNCTION;
    default:
        return SEC_E_INVALID_PARAMETER; /* not a connected AF_UNIX stream socket */
    }
}

/*
 * KsecpLocalAcceptRequest - the server's work on a parsed request: the peer's facts, the
 * level (the client's request, capped at Identification by ASC_REQ_IDENTIFY and at
 * Impersonation always: no credentials to forward), the token. On SEC_E_OK *Token holds the
 * token's single reference and Context the peer facts (it owns the pidfd). NTSTATUS of
 * KsecQueryPeer / KsecBuildPeerToken.
 */
static NTSTATUS KsecpLocalAcceptRequest(int Socket, const KSEC_LOCAL_REQUEST *Request, ULONG ContextReq,
                                               PKSEC_LOCAL_CONTEXT Context, PTOKEN *Token,
                                               SECURITY_IMPERSONATION_LEVEL *Level)
{
    KSEC_PEER_FACTS facts;
    NTSTATUS status = KsecQueryPeer(Socket, &facts);
    if (!NT_SUCCESS(status))
        return status;
    SECURITY_IMPERSONATION_LEVEL level = Request->Qos.ImpersonationLevel;
    if (level > SecurityImpersonation)
        level = SecurityImpersonation;
    if ((ContextReq & ASC_REQ_IDENTIFY) && level > SecurityIdentification)
        level = SecurityIdentification;
    status = KsecBuildPeerToken(facts.Uid, facts.Gid, facts.Groups, facts.GroupCount, level, Token);
    if (!NT_SUCCESS(status)) {
        KsecFreePeerFacts(&facts);
        return status;
    }
    Context->Qos = Request->Qos;
    Context->Granted = level;
    Context->Uid = facts.Uid;
    Context->Gid = facts.Gid;
    Context->Pid = facts.Pid;
    Context->PidFd = facts.PidFd; /* the context owns it now */
    facts.PidFd = -1;
    KsecFreePeerFacts(&facts);
    *Level = level;
    return STATUS_SUCCESS;
}

/*
 * AcceptStep (server, one leg): needs the client's token (SECBUFFER_TOKEN) and the socket it
 * came on (SECBUFFER_NTSEC_SOCKET, an int). SEC_E_INVALID_TOKEN (no token, or not one
 * well-formed request), SEC_E_INVALID_PARAMETER (no socket buffer, or not a connected AF_UNIX
 * stream/seqpacket socket, or a listening one), SEC_E_UNSUPPORTED_FUNCTION (kernel without
 * SO_PEERGROUPS), SEC_E_INSUFFICIENT_MEMORY. SEC_E_OK with no output token.
 */
static SECURITY_STATUS KsecpLocalAccept(PVOID *Context, PKSEC_STEP Step)
{
    PSecBuffer in = KsecFindBuffer(Step->Input, SECBUFFER_TOKEN);
    if (in == NULL)
        return SEC_E_INVALID_TOKEN;
    KSEC_LOCAL_REQUEST request;
    SECURITY_STATUS status = KsecLocalParseRequest(in->pvBuffer, in->cbBuffer, &request);
    if (status != SEC_E_OK)
        return status;
    PSecBuffer sock = KsecFindBuffer(Step->Input, SECBUFFER_NTSEC_SOCKET);
    int socketFd = -1;
    if (sock == NULL || sock->cbBuffer != sizeof(int)) {
        memset(&request, 0, sizeof(request));
        return SEC_E_INVALID_PARAMETER;
    }
    memcpy(&socketFd, sock->pvBuffer, sizeof(int));
    PKSEC_LOCAL_CONTEXT context = KsecpNewLocalContext(TRUE);
    if (context == NULL) {
        memset(&request, 0, sizeof(request));
        return SEC_E_INSUFFICIENT_MEMORY;
    }
    *Context = context;
    NTSTATUS accepted = KsecpLocalAcceptRequest(socketFd, &request, Step->ContextReq, context, &Step->Token,
                                                &Step->Level);
    status = NT_SUCCESS(accepted) ? SEC_E_OK : KsecpLocalMapStatus(accepted);
    if (status == SEC_E_OK) {
        context->HasKeys = TRUE;
        memcpy(context->SendKey, request.ServerToClientKey, KSEC_LOCAL_KEY_BYTES);
        memcpy(context->ReceiveKey, request.ClientToServerKey, KSEC_LOCAL_KEY_BYTES);
        PSecBuffer out = KsecFindBuffer(Step->Output, SECBUFFER_TOKEN);
        if (out != NULL)
            out->cbBuffer = 0;
        Step->ContextAttr |= KSECP_LOCAL_ASC_RET | (Step->Level <= SecurityIdentification ? ASC_RET_IDENTIFY : 0);
    }
    memset(&request, 0, sizeof(request));
    return status;
}

/*
 * QueryContextAttributes: SIZES; NAMES (server: the client, client: ourselves, as "Unix
 * User\name"); NATIVE_NAMES (client name; server name: ours on the server, the target name on
 * the client); SESSION_KEY (the 64 bytes of key material, client-to-server key first);
 * SECPKG_ATTR_NTSEC_PEER (server only). Others SEC_E_UNSUPPORTED_FUNCTION.
 */
static SECURITY_STATUS KsecpLocalQuery(PVOID Context, ULONG Attribute, PVOID Buffer)
{
    PKSEC_LOCAL_CONTEXT context = Context;
    switch (Attribute) {
    case SECPKG_ATTR_SIZES: {
        PSecPkgContext_Sizes sizes = Buffer;
        sizes->cbMaxToken = KSEC_LOCAL_REQUEST_BYTES;
        sizes->cbMaxSignature = KSEC_LOCAL_PROT_BYTES;
        sizes->cbBlockSize = 1;
        sizes->cbSecurityTrailer = KSEC_LOCAL_PROT_BYTES;
        return SEC_E_OK;
    }
    case SECPKG_ATTR_NAMES:
        ((PSecPkgContext_NamesW)Buffer)->sUserName = KsecpWideUserName(context->Uid);
        return ((PSecPkgContext_NamesW)Buffer)->sUserName == NULL ? SEC_E_INSUFFICIENT_MEMORY : SEC_E_OK;
    case SECPKG_ATTR_NATIVE_NAMES: {
        PSecPkgContext_NativeNamesW names = Buffer;
        names->sClientName = KsecpWideUserName(context->Uid);
        names->sServerName = NULL;
        if (context->Server)
            names->sServerName = KsecpWideUserName(geteuid());
        else if (context->TargetName != NULL)
            names->sServerName = KsecAllocateWideString(context->TargetName);
        if (names->sClientName == NULL || (context->Server && names->sServerName == NULL)) {
            FreeContextBuffer(names->sClientName);
            FreeContextBuffer(names->sServerName);
            names->sClientName = names->sServerName = NULL;
            return SEC_E_INSUFFICIENT_MEMORY;
        }
        return SEC_E_OK;
    }
    case SECPKG_ATTR_SESSION_KEY: {
        PSecPkgContext_SessionKey key = Buffer;
        if (!context->HasKeys)
            return SEC_E_UNSUPPORTED_FUNCTION;
        key->SessionKey = KsecAllocateContextBuffer(2 * KSEC_LOCAL_KEY_BYTES);
        if (key->SessionKey == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        const UCHAR *c2s = context->Server ? context->ReceiveKey : context->SendKey;
        const UCHAR *s2c = context->Server ? context->SendKey : context->ReceiveKey;
        memcpy(key->SessionKey, c2s, KSEC_LOCAL_KEY_BYTES);
        memcpy(key->SessionKey + KSEC_LOCAL_KEY_BYTES, s2c, KSEC_LOCAL_KEY_BYTES);
        key->SessionKeyLength = 2 * KSEC_LOCAL_KEY_BYTES;
        return SEC_E_OK;
    }
    case SECPKG_ATTR_NTSEC_PEER: {
        if (!context->Server)
            return SEC_E_UNSUPPORTED_FUNCTION;
        PSecPkgContext_NtsecPeer peer = Buffer;
        memset(peer, 0, sizeof(*peer));
        peer->UserId = context->Uid;
        peer->GroupId = context->Gid;
        peer->RequestedQos = context->Qos;
        peer->GrantedLevel = context->Granted;
        if (context->PidFd >= 0) {
            peer->Flags |= NTSEC_PEER_PIDFD;
            /* pidfd_send_signal(fd, 0): ESRCH once the process the socket recorded is gone. */
            if (syscall(SYS_pidfd_send_signal, context->PidFd, 0, NULL, 0) == 0 || errno != ESRCH)
                peer->ProcessId = (ULONG)context->Pid;
            else
                peer->Flags |= NTSEC_PEER_EXITED;
        }
        return SEC_E_OK;
    }
    default:
        return SEC_E_UNSUPPORTED_FUNCTION;
    }
}

static SECURITY_STATUS KsecpLocalSign(PVOID Context, ULONG Qop, PSecBufferDesc Message, ULONG SeqNo)
{
    return KsecLocalProtect(Context, FALSE, Qop, Message);
}

static SECURITY_STATUS KsecpLocalVerify(PVOID Context, PSecBufferDesc Message, ULONG SeqNo, PULONG Qop)
{
    return KsecLocalUnprotect(Context, FALSE, Message);
}

static SECURITY_STATUS KsecpLocalSeal(PVOID Context, ULONG Qop, PSecBufferDesc Message, ULONG SeqNo)
{
    return KsecLocalProtect(Context, TRUE, Qop, Message);
}

static SECURITY_STATUS KsecpLocalUnseal(PVOID Context, PSecBufferDesc Message, ULONG SeqNo, PULONG Qop)
{
    return KsecLocalUnprotect(Context, TRUE, Message);
}

const KSEC_PACKAGE KsecLocalPackage = {
    .Name = "ntsec-local",
    .Comment = "ntsec local peer authentication (AF_UNIX socket credentials)",
    .Capabilities = SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_CONNECTION |
                    SECPKG_FLAG_IMPERSONATION | SECPKG_FLAG_ACCEPT_WIN32_NAME,
    .Version = 1,
    .RpcId = SECPKG_ID_NONE,
    .MaxToken = KSEC_LOCAL_REQUEST_BYTES,
    .KsecFlags = KSEC_PACKAGE_IMPERSONATION | KSEC_PACKAGE_ACCEPT_SOCKET,
    .AcquireCredentials = KsecpLocalAcquire,
    .FreeCredentials = KsecpLocalFreeCredentials,
    .QueryCredentialsAttributes = KsecpLocalQueryCredentials,
    .InitializeStep = KsecpLocalInitialize,
    .AcceptStep = KsecpLocalAccept,
    .QueryContextAttributes = KsecpLocalQuery,
    .MakeSignature = KsecpLocalSign,
    .VerifySignature = KsecpLocalVerify,
    .EncryptMessage = KsecpLocalSeal,
    .DecryptMessage = KsecpLocalUnseal,
    .DeleteContext = KsecpLocalDelete,
};

/*
 * KsecLocalAcceptSocket - NtsecAcceptLocalPeer: the accept path above with a request made
 * here that asks for Level (static tracking, no EffectiveOnly) and no keys (the context has
 * no message protection: no client knows them). The new context owns the token's single
 * reference and the pidfd. NTSTATUS as documented for NtsecAcceptLocalPeer.
 */
NTSTATUS KsecLocalAcceptSocket(int Socket, SECURITY_IMPERSONATION_LEVEL Level, PCtxtHandle Handle)
{
    KSEC_LOCAL_REQUEST request;
    memset(&request, 0, sizeof(request));
    request.Qos.Length = sizeof(request.Qos);
    request.Qos.ImpersonationLevel = Level;
    PKSEC_LOCAL_CONTEXT context = KsecpNewLocalContext(TRUE);
    if (context == NULL)
        return STATUS_NO_MEMORY;
    PTOKEN token = NULL;
    SECURITY_IMPERSONATION_LEVEL granted;
    NTSTATUS status = KsecpLocalAcceptRequest(Socket, &request, 0, context, &token, &granted);
    if (!NT_SUCCESS(status)) {
        KsecpLocalDelete(context);
        return status;
    }
    return KsecInsertCompletedContext(&KsecLocalPackage, context, token, granted, KSECP_LOCAL_ASC_RET, Handle);
}
