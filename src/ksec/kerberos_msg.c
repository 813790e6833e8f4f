/*
 * kerberos_msg.c - attributes and per-message routines of the Kerberos and Negotiate
 * packages: SecBuffers onto GSS iovs (docs/sspi.md "Messages").
 *
 *   EncryptMessage  SECBUFFER_TOKEN -> HEADER (the RFC 4121 header with the trailer folded
 *                   in, as Windows' Kerberos lays it out), SECBUFFER_DATA -> DATA (sealed in
 *                   place), DATA|READONLY_WITH_CHECKSUM -> SIGN_ONLY, DATA|READONLY -> not
 *                   covered, SECBUFFER_PADDING -> PADDING.
 *   DecryptMessage  the same, or one SECBUFFER_STREAM (+ a SECBUFFER_DATA that receives
 *                   the plaintext's place inside the stream).
 *   Make/VerifySignature  SECBUFFER_TOKEN -> MIC_TOKEN, DATA (readonly or not) -> DATA.
 * MessageSeqNo is not used by these packages (the RFC 4121 sequence numbers are); Windows'
 * Kerberos ignores it too.
 */
#include <string.h>
#include "ksec/kerberosp.h"

#define KSECP_MAX_IOV 32

typedef enum { KsecpForWrap, KsecpForUnwrap, KsecpForMic } KSECP_IOV_USE;

/* Maps Message onto Iov; *Token is the index of the TOKEN/STREAM iov (or -1). */
static SECURITY_STATUS KsecpBuildIov(PSecBufferDesc Message, KSECP_IOV_USE Use, gss_iov_buffer_desc *Iov, int *Count,
                                     int *Token, int *Padding)
{
    *Count = 0;
    *Token = *Padding = -1;
    if (Message == NULL || Message->cBuffers > KSECP_MAX_IOV)
        return SEC_E_INVALID_TOKEN;
    int stream = -1;
    for (ULONG i = 0; i < Message->cBuffers; i++) {
        PSecBuffer b = &Message->pBuffers[i];
        ULONG type = b->BufferType & ~SECBUFFER_ATTRMASK;
        OM_uint32 t;
        if (type == SECBUFFER_TOKEN && *Token < 0)
            t = Use == KsecpForMic ? GSS_IOV_BUFFER_TYPE_MIC_TOKEN : GSS_IOV_BUFFER_TYPE_HEADER;
        else if (type == SECBUFFER_STREAM && Use == KsecpForUnwrap && stream < 0)
            t = GSS_IOV_BUFFER_TYPE_STREAM;
        else if (type == SECBUFFER_PADDING && Use != KsecpForMic && *Padding < 0)
            t = GSS_IOV_BUFFER_TYPE_PADDING;
        else if (type == SECBUFFER_DATA) {
            if (Use == KsecpForMic)
                t = GSS_IOV_BUFFER_TYPE_DATA;
            else if (b->BufferType & SECBUFFER_READONLY_WITH_CHECKSUM)
                t = GSS_IOV_BUFFER_TYPE_SIGN_ONLY;
            else if (b->BufferType & SECBUFFER_READONLY)
                continue;
            else
                t = GSS_IOV_BUFFER_TYPE_DATA;
        } else
            continue;
        if (t == GSS_IOV_BUFFER_TYPE_HEADER || t == GSS_IOV_BUFFER_TYPE_MIC_TOKEN)
            *Token = *Count;
        if (t == GSS_IOV_BUFFER_TYPE_STREAM)
            stream = *Token = *Count;
        if (t == GSS_IOV_BUFFER_TYPE_PADDING)
            *Padding = *Count;
        Iov[*Count].type = t;
        Iov[*Count].buffer.length = b->cbBuffer;
        Iov[*Count].buffer.value = b->pvBuffer;
        (*Count)++;
    }
    if (*Token < 0)
        return SEC_E_INVALID_TOKEN; /* no SECBUFFER_TOKEN (nor a stream) */
    return SEC_E_OK;
}

/* The SecBuffer behind iov index Index (the Index-th mapped buffer). */
static PSecBuffer KsecpBufferOf(PSecBufferDesc Message, KSECP_IOV_USE Use, int Index)
{
    int n = 0;
    for (ULONG i = 0; i < Message->cBuffers; i++) {
        PSecBuffer b = &Message->pBuffers[i];
        ULONG type = b->BufferType & ~SECBUFFER_ATTRMASK;
        BOOLEAN mapped = type == SECBUFFER_TOKEN || type == SECBUFFER_STREAM || type == SECBUFFER_PADDING ||
                         (type == SECBUFFER_DATA &&
                          (Use == KsecpForMic || (b->BufferType & SECBUFFER_READONLY_WITH_CHECKSUM) ||
                           !(b->BufferType & SECBUFFER_READONLY)));
        if (Use == KsecpForMic && (type == SECBUFFER_PADDING || type == SECBUFFER_STREAM))
            mapped = FALSE;
        if (Use == KsecpForWrap && type == SECBUFFER_STREAM)
            mapped = FALSE;
        if (mapped && n++ == Index)
            return b;
    }
    return NULL;
}

/* EncryptMessage: Qop 0 seals, SECQOP_WRAP_NO_ENCRYPT only protects integrity. */
SECURITY_STATUS KsecpEncryptMessage(PVOID Context, ULONG Qop, PSecBufferDesc Message, ULONG SeqNo)
{
    if (Qop != 0 && Qop != SECQOP_WRAP_NO_ENCRYPT)
        return SEC_E_QOP_NOT_SUPPORTED;
    gss_iov_buffer_desc iov[KSECP_MAX_IOV];
    int count, token, padding;
    SECURITY_STATUS status = KsecpBuildIov(Message, KsecpForWrap, iov, &count, &token, &padding);
    if (status != SEC_E_OK)
        return status;
    BOOLEAN encrypt = Qop == 0;
    ULONG room = (ULONG)iov[token].buffer.length, padRoom = padding >= 0 ? (ULONG)iov[padding].buffer.length : 0;
    /* gss_wrap_iov_length also resets the buffers' pointers: compute on a copy. */
    gss_iov_buffer_desc sized[KSECP_MAX_IOV];
    memcpy(sized, iov, sizeof(iov[0]) * (size_t)count);
    status = KsecpGssWrapLength(Context, encrypt, sized, count);
    if (status != SEC_E_OK)
        return status;
    if (sized[token].buffer.length > room || (padding >= 0 && sized[padding].buffer.length > padRoom))
        return SEC_E_BUFFER_TOO_SMALL;
    iov[token].buffer.length = sized[token].buffer.length;
    if (padding >= 0)
        iov[padding].buffer.length = sized[padding].buffer.length;
    if (padding < 0) {
        /* No padding buffer: fine for the AES enctypes (RFC 4121 needs none); refuse otherwise. */
        gss_iov_buffer_desc probe[KSECP_MAX_IOV + 1];
        memcpy(probe, iov, sizeof(iov[0]) * (size_t)count);
        probe[count].type = GSS_IOV_BUFFER_TYPE_PADDING;
        probe[count].buffer.length = 0;
        probe[count].buffer.value = NULL;
        if (KsecpGssWrapLength(Context, encrypt, probe, count + 1) != SEC_E_OK || probe[count].buffer.length != 0)
            return SEC_E_BUFFER_TOO_SMALL;
    }
    status = KsecpGssWrap(Context, encrypt, iov, count);
    if (status != SEC_E_OK)
        return status;
    KsecpBufferOf(Message, KsecpForWrap, token)->cbBuffer = (ULONG)iov[token].buffer.length;
    if (padding >= 0)
        KsecpBufferOf(Message, KsecpForWrap, padding)->cbBuffer = (ULONG)iov[padding].buffer.length;
    return SEC_E_OK;
}

/* DecryptMessage: *Qop SECQOP_WRAP_NO_ENCRYPT for a message that was only signed. */
SECURITY_STATUS KsecpDecryptMessage(PVOID Context, PSecBufferDesc Message, ULONG SeqNo, PULONG Qop)
{
    gss_iov_buffer_desc iov[KSECP_MAX_IOV];
    int count, token, padding;
    if (Qop != NULL)
        *Qop = 0;
    SECURITY_STATUS status = KsecpBuildIov(Message, KsecpForUnwrap, iov, &count, &token, &padding);
    if (status != SEC_E_OK)
        return status;
    BOOLEAN encrypted = FALSE;
    status = KsecpGssUnwrap(Context, iov, count, &encrypted);
    if (status != SEC_E_OK)
        return status;
    if (iov[token].type == GSS_IOV_BUFFER_TYPE_STREAM) {
        /* the plaintext lies inside the stream: point the DATA buffer at it */
        for (int i = 0; i < count; i++) {
            if (iov[i].type == GSS_IOV_BUFFER_TYPE_DATA) {
                PSecBuffer b = KsecpBufferOf(Message, KsecpForUnwrap, i);
                b->pvBuffer = iov[i].buffer.value;
                b->cbBuffer = (ULONG)iov[i].buffer.length;
            }
        }
    }
    if (Qop != NULL && !encrypted)
        *Qop = SECQOP_WRAP_NO_ENCRYPT;
    return SEC_E_OK;
}

SECURITY_STATUS KsecpMakeSignature(PVOID Context, ULONG Qop, PSecBufferDesc Message, ULONG SeqNo)
{
    if (Qop != 0)
        return SEC_E_QOP_NOT_SUPPORTED;
    gss_iov_buffer_desc iov[KSECP_MAX_IOV];
    int count, token, padding;
    SECURITY_STATUS status = KsecpBuildIov(Message, KsecpForMic, iov, &count, &token, &padding);
    if (status != SEC_E_OK)
        return status;
    ULONG room = (ULONG)iov[token].buffer.length;
    gss_iov_buffer_desc sized[KSECP_MAX_IOV];
    memcpy(sized, iov, sizeof(iov[0]) * (size_t)count);
    status = KsecpGssGetMicLength(Context, sized, count);
    if (status != SEC_E_OK)
        return status;
    if (sized[token].buffer.length > room)
        return SEC_E_BUFFER_TOO_SMALL;
    iov[token].buffer.length = sized[token].buffer.length;
    status = KsecpGssGetMic(Context, iov, count);
    if (status == SEC_E_OK)
        KsecpBufferOf(Message, KsecpForMic, token)->cbBuffer = (ULONG)iov[token].buffer.length;
    return status;
}

SECURITY_STATUS KsecpVerifySignature(PVOID Context, PSecBufferDesc Message, ULONG SeqNo, PULONG Qop)
{
    gss_iov_buffer_desc iov[KSECP_MAX_IOV];
    int count, token, padding;
    if (Qop != NULL)
        *Qop = 0;
    SECURITY_STATUS status = KsecpBuildIov(Message, KsecpForMic, iov, &count, &token, &padding);
    return status != SEC_E_OK ? status : KsecpGssVerifyMic(Context, iov, count);
}

/* A context-buffer UTF-16 copy of a pool UTF-8 string, which is freed. */
static SECURITY_STATUS KsecpWide(PSTR Text, SEC_WCHAR **Out)
{
    *Out = NULL;
    if (Text == NULL)
        return SEC_E_OK;
    *Out = (SEC_WCHAR *)KsecAllocateWideString(Text);
    KsecpGssFreeString(Text);
    return *Out != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}

/*
 * QueryContextAttributes of both packages: SIZES, NAMES (the client principal, on both
 * sides, "user@REALM"), NATIVE_NAMES (client and server principals), SESSION_KEY; others
 * SEC_E_UNSUPPORTED_FUNCTION. Strings and keys are context buffers (FreeContextBuffer).
 */
SECURITY_STATUS KsecpQueryContextAttributes(PVOID Context, ULONG Attribute, PVOID Buffer)
{
    PKSECP_GSS_CONTEXT c = Context;
    if (c == NULL || !c->Complete)
        return SEC_E_INVALID_HANDLE;
    switch (Attribute) {
    case SECPKG_ATTR_SIZES: {
        PSecPkgContext_Sizes s = Buffer;
        ULONG sig, trailer, block;
        SECURITY_STATUS status = KsecpGssSizes(c, &sig, &trailer, &block);
        if (status != SEC_E_OK)
            return status;
        s->cbMaxToken = c->Mech == KsecpMechNegotiate ? 48256 : 48000;
        s->cbMaxSignature = sig;
        s->cbBlockSize = block;
        s->cbSecurityTrailer = trailer;
        return SEC_E_OK;
    }
    case SECPKG_ATTR_NAMES: {
        PSTR client = NULL;
        SECURITY_STATUS status = KsecpGssContextNames(c, &client, NULL);
        if (status == SEC_E_OK)
            status = KsecpWide(client, &((PSecPkgContext_NamesW)Buffer)->sUserName);
        return status;
    }
    case SECPKG_ATTR_NATIVE_NAMES: {
        PSecPkgContext_NativeNamesW n = Buffer;
        PSTR client = NULL, server = NULL;
        n->sClientName = n->sServerName = NULL;
        SECURITY_STATUS status = KsecpGssContextNames(c, &client, &server);
        if (status != SEC_E_OK)
            return status;
        status = KsecpWide(client, &n->sClientName);
        SECURITY_STATUS s2 = KsecpWide(server, &n->sServerName);
        if (status != SEC_E_OK || s2 != SEC_E_OK) {
            if (n->sClientName != NULL)
                FreeContextBuffer(n->sClientName);
            if (n->sServerName != NULL)
                FreeContextBuffer(n->sServerName);
            n->sClientName = n->sServerName = NULL;
            return SEC_E_INSUFFICIENT_MEMORY;
        }
        return SEC_E_OK;
    }
    case SECPKG_ATTR_SESSION_KEY: {
        PSecPkgContext_SessionKey k = Buffer;
        PUCHAR key;
        ULONG length;
        LONG enctype;
        SECURITY_STATUS status = KsecpGssSessionKey(c, &key, &length, &enctype);
        if (status != SEC_E_OK)
            return status;
        k->SessionKey = KsecAllocateContextBuffer(length);
        if (k->SessionKey != NULL) {
            memcpy(k->SessionKey, key, length);
            k->SessionKeyLength = length;
        }
        explicit_bzero(key, length);
        ExFreePool(key);
        return k->SessionKey != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
    }
    default:
        return SEC_E_UNSUPPORTED_FUNCTION;
    }
}

/* QueryCredentialsAttributes: SECPKG_CRED_ATTR_NAMES, the credential's principal. */
SECURITY_STATUS KsecpQueryCredentialsAttributes(PVOID Credential, ULONG Attribute, PVOID Buffer)
{
    PKSECP_GSS_CRED cred = Credential;
    if (Attribute != SECPKG_CRED_ATTR_NAMES)
        return SEC_E_UNSUPPORTED_FUNCTION;
    if (cred->Principal == NULL)
        return SEC_E_NO_CREDENTIALS; /* an acceptor of any key in the keytab has no one name */
    PSecPkgCredentials_NamesW n = Buffer;
    n->sUserName = (SEC_WCHAR *)KsecAllocateWideString(cred->Principal);
    return n->sUserName != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}
