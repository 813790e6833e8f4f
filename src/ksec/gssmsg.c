/*
 * gssmsg.c - per-message protection of the Kerberos and Negotiate packages over GSS iovs
 * (RFC 4121 tokens; MIT's gss_wrap_iov puts the trailer into the header when no trailer
 * buffer is given, the layout Windows' Kerberos uses: docs/sspi.md "Messages").
 *
 * The SSPI glue maps SecBuffers onto iovs: SECBUFFER_TOKEN -> HEADER (wrap) or MIC_TOKEN
 * (signature), SECBUFFER_DATA -> DATA, SECBUFFER_PADDING -> PADDING, SECBUFFER_STREAM ->
 * STREAM, SECBUFFER_READONLY(_WITH_CHECKSUM) -> SIGN_ONLY. Nothing here allocates for the
 * caller: every iov buffer is caller memory of the length the *Length routines computed.
 */
#include "ksec/gssp.h"

static BOOLEAN KsecpUsable(PKSECP_GSS_CONTEXT Context)
{
    return Context != NULL && Context->Complete && Context->Context != GSS_C_NO_CONTEXT;
}

/* KsecpGssWrap - see gssp.h: encrypts (or only integrity-protects) the DATA iovs in place. */
SECURITY_STATUS KsecpGssWrap(PKSECP_GSS_CONTEXT Context, BOOLEAN Encrypt, gss_iov_buffer_desc *Iov, int Count)
{
    OM_uint32 minor = 0;
    int confState = 0;
    if (!KsecpUsable(Context))
        return SEC_E_INVALID_HANDLE;
    OM_uint32 major = gss_wrap_iov(&minor, Context->Context, Encrypt, GSS_C_QOP_DEFAULT, &confState, Iov, Count);
    if (GSS_ERROR(major))
        return KsecpGssStatus(major, minor, KsecpPhaseMessage);
    if (Encrypt && !confState)
        return SEC_E_QOP_NOT_SUPPORTED; /* never hand out cleartext that the caller asked to seal */
    return SEC_E_OK;
}

/* KsecpGssWrapLength - fills the lengths of the HEADER / PADDING / TRAILER iovs. */
SECURITY_STATUS KsecpGssWrapLength(PKSECP_GSS_CONTEXT Context, BOOLEAN Encrypt, gss_iov_buffer_desc *Iov,
                                   int Count)
{
    OM_uint32 minor = 0;
    int confState = 0;
    if (!KsecpUsable(Context))
        return SEC_E_INVALID_HANDLE;
    OM_uint32 major =
        gss_wrap_iov_length(&minor, Context->Context, Encrypt, GSS_C_QOP_DEFAULT, &confState, Iov, Count);
    return GSS_ERROR(major) ? KsecpGssStatus(major, minor, KsecpPhaseMessage) : SEC_E_OK;
}

/*
 * KsecpGssUnwrap - verifies and decrypts in place; *Encrypted tells whether the message was
 * sealed (DecryptMessage's SECQOP_WRAP_NO_ENCRYPT otherwise). A replayed or reordered token
 * is SEC_E_OUT_OF_SEQUENCE (supplementary GSS bits), a changed one SEC_E_MESSAGE_ALTERED.
 */
SECURITY_STATUS KsecpGssUnwrap(PKSECP_GSS_CONTEXT Context, gss_iov_buffer_desc *Iov, int Count, BOOLEAN *Encrypted)
{
    OM_uint32 minor = 0;
    int confState = 0;
    gss_qop_t qop = 0;
    *Encrypted = FALSE;
    if (!KsecpUsable(Context))
        return SEC_E_INVALID_HANDLE;
    OM_uint32 major = gss_unwrap_iov(&minor, Context->Context, &confState, &qop, Iov, Count);
    SECURITY_STATUS status = KsecpGssStatus(major, minor, KsecpPhaseMessage);
    if (status == SEC_E_OK)
        *Encrypted = confState != 0;
    return status;
}

/* KsecpGssGetMic - the MIC of the DATA / SIGN_ONLY iovs into the MIC_TOKEN iov. */
SECURITY_STATUS KsecpGssGetMic(PKSECP_GSS_CONTEXT Context, gss_iov_buffer_desc *Iov, int Count)
{
    OM_uint32 minor = 0;
    if (!KsecpUsable(Context))
        return SEC_E_INVALID_HANDLE;
    OM_uint32 major = gss_get_mic_iov(&minor, Context->Context, GSS_C_QOP_DEFAULT, Iov, Count);
    return GSS_ERROR(major) ? KsecpGssStatus(major, minor, KsecpPhaseMessage) : SEC_E_OK;
}

SECURITY_STATUS KsecpGssGetMicLength(PKSECP_GSS_CONTEXT Context, gss_iov_buffer_desc *Iov, int Count)
{
    OM_uint32 minor = 0;
    if (!KsecpUsable(Context))
        return SEC_E_INVALID_HANDLE;
    OM_uint32 major = gss_get_mic_iov_length(&minor, Context->Context, GSS_C_QOP_DEFAULT, Iov, Count);
    return GSS_ERROR(major) ? KsecpGssStatus(major, minor, KsecpPhaseMessage) : SEC_E_OK;
}

/* KsecpGssVerifyMic - SEC_E_OK, SEC_E_MESSAGE_ALTERED, SEC_E_OUT_OF_SEQUENCE, ... */
SECURITY_STATUS KsecpGssVerifyMic(PKSECP_GSS_CONTEXT Context, gss_iov_buffer_desc *Iov, int Count)
{
    OM_uint32 minor = 0;
    gss_qop_t qop = 0;
    if (!KsecpUsable(Context))
        return SEC_E_INVALID_HANDLE;
    OM_uint32 major = gss_verify_mic_iov(&minor, Context->Context, &qop, Iov, Count);
    return KsecpGssStatus(major, minor, KsecpPhaseMessage);
}

/*
 * KsecpGssSizes - SECPKG_ATTR_SIZES from the context's enctype: the MIC of an empty message,
 * the sealed header+trailer of a one-byte message and the padding block (1 for the AES
 * enctypes, which need no padding).
 */
SECURITY_STATUS KsecpGssSizes(PKSECP_GSS_CONTEXT Context, ULONG *MaxSignature, ULONG *SecurityTrailer,
                              ULONG *BlockSize)
{
    UCHAR byte = 0;
    gss_iov_buffer_desc mic[2] = {{GSS_IOV_BUFFER_TYPE_DATA, {1, &byte}}, {GSS_IOV_BUFFER_TYPE_MIC_TOKEN, {0, NULL}}};
    SECURITY_STATUS status = KsecpGssGetMicLength(Context, mic, 2);
    if (status != SEC_E_OK)
        return status;
    gss_iov_buffer_desc wrap[3] = {{GSS_IOV_BUFFER_TYPE_HEADER, {0, NULL}},
                                   {GSS_IOV_BUFFER_TYPE_DATA, {1, &byte}},
                                   {GSS_IOV_BUFFER_TYPE_PADDING, {0, NULL}}};
    status = KsecpGssWrapLength(Context, TRUE, wrap, 3);
    if (status != SEC_E_OK)
        return status;
    *MaxSignature = (ULONG)mic[1].buffer.length;
    *SecurityTrailer = (ULONG)wrap[0].buffer.length;
    *BlockSize = wrap[2].buffer.length > 0 ? (ULONG)wrap[2].buffer.length + 1 : 1;
    return SEC_E_OK;
}
