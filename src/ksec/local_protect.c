/*
 * local_protect.c - message protection of ntsec-local: AES-256-GCM from OpenSSL's libcrypto
 * (no cryptography is written here), one key per direction agreed in the handshake, one
 * sequence number per direction shared by signatures and seals (docs/sspi.md "ntsec-local
 * protocol").
 *
 * Token (SECBUFFER_TOKEN, KSEC_LOCAL_PROT_BYTES = 28):
 *   0 version (1) | 1 kind (1 sign, 2 seal) | 2..3 zero | 4..11 sequence (big-endian) | 12..27 tag
 * Nonce: 4 zero bytes || sequence (8, big-endian): unique per key, since each direction has its
 * own key and its sequence only grows. Authenticated data: the token's first 12 bytes, then
 * the data buffers that are signed but not encrypted; then (seal) the encrypted buffers.
 * The tag is checked before the sequence number, so a forged or edited message is
 * SEC_E_MESSAGE_ALTERED and only an authentic message in the wrong place is
 * SEC_E_OUT_OF_SEQUENCE. A failed DecryptMessage leaves the caller's buffers as they were.
 * Each direction keeps one cipher context keyed once (AES key schedule and GHASH key); a
 * message only sets the nonce. The AES-256-GCM implementation is fetched once per process.
 */
#include <pthread.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "ksec/local.h"

#define KSECP_CHUNK (1 << 30) /* EVP lengths are int */

typedef enum { KsecpSkip, KsecpAuthenticate, KsecpEncrypt } KSECP_BUFFER_ROLE;

/* What a buffer is to a signature or a seal. */
static KSECP_BUFFER_ROLE KsecpRole(const SecBuffer *Buffer, BOOLEAN Seal)
{
    if ((Buffer->BufferType & ~SECBUFFER_ATTRMASK) != SECBUFFER_DATA)
        return KsecpSkip;
    if (Buffer->BufferType & SECBUFFER_READONLY_WITH_CHECKSUM)
        return KsecpAuthenticate;
    if (Buffer->BufferType & SECBUFFER_READONLY)
        return KsecpSkip;
    return Seal ? KsecpEncrypt : KsecpAuthenticate;
}

static BOOLEAN KsecpUpdate(EVP_CIPHER_CTX *Cipher, BOOLEAN Encrypt, UCHAR *Out, const UCHAR *In, SIZE_T Length)
{
    while (Length > 0) {
        int n = Length > KSECP_CHUNK ? KSECP_CHUNK : (int)Length, written = 0;
        int ok = Encrypt ? EVP_EncryptUpdate(Cipher, Out, &written, In, n)
                         : EVP_DecryptUpdate(Cipher, Out, &written, In, n);
        if (!ok)
            return FALSE;
        In += n;
        if (Out != NULL)
            Out += n;
        Length -= (SIZE_T)n;
    }
    return TRUE;
}

static VOID KsecpHeader(UCHAR Header[KSEC_LOCAL_PROT_HEADER_BYTES], UCHAR Kind, ULONGLONG Sequence)
{
    Header[0] = KSEC_LOCAL_PROT_VERSION;
    Header[1] = Kind;
    Header[2] = Header[3] = 0;
    for (int i = 0; i < 8; i++)
        Header[4 + i] = (UCHAR)(Sequence >> (56 - 8 * i));
}

/*
 * KsecpRun - one GCM pass over Message: key and sequence set the nonce; Header and the
 * authenticated buffers are the additional data; encrypted buffers are transformed in place
 * (Encrypt selects the direction). Tag: written (Encrypt) or checked. TRUE when it all worked
 * (and, decrypting, the tag matched).
 */
static BOOLEAN KsecpRun(EVP_CIPHER_CTX *Cipher, BOOLEAN Encrypt, ULONGLONG Sequence, const UCHAR *Header,
                        PSecBufferDesc Message, BOOLEAN Seal, UCHAR *Tag)
{
    UCHAR nonce[12] = {0};
    for (int i = 0; i < 8; i++)
        nonce[4 + i] = (UCHAR)(Sequence >> (56 - 8 * i));
    if (!EVP_CipherInit_ex(Cipher, NULL, NULL, NULL, nonce, Encrypt ? 1 : 0))
        return FALSE;
    if (!KsecpUpdate(Cipher, Encrypt, NULL, Header, KSEC_LOCAL_PROT_HEADER_BYTES))
        return FALSE;
    for (ULONG i = 0; i < Message->cBuffers; i++) {
        PSecBuffer b = &Message->pBuffers[i];
        if (KsecpRole(b, Seal) == KsecpAuthenticate && !KsecpUpdate(Cipher, Encrypt, NULL, b->pvBuffer, b->cbBuffer))
            return FALSE;
    }
    for (ULONG i = 0; i < Message->cBuffers; i++) {
        PSecBuffer b = &Message->pBuffers[i];
        if (KsecpRole(b, Seal) == KsecpEncrypt && !KsecpUpdate(Cipher, Encrypt, b->pvBuffer, b->pvBuffer, b->cbBuffer))
            return FALSE;
    }
    UCHAR none[16];
    int written = 0;
    if (Encrypt)
        return EVP_EncryptFinal_ex(Cipher, none, &written) &&
               EVP_CIPHER_CTX_ctrl(Cipher, EVP_CTRL_GCM_GET_TAG, KSEC_LOCAL_TAG_BYTES, Tag);
    return EVP_CIPHER_CTX_ctrl(Cipher, EVP_CTRL_GCM_SET_TAG, KSEC_LOCAL_TAG_BYTES, Tag) &&
           EVP_DecryptFinal_ex(Cipher, none, &written) > 0;
}

/* XORs the keystream of (the cipher's key, Sequence) over the encrypted buffers again:
 * undoes a decryption (GCM's counter mode is its own inverse). */
static VOID KsecpRestore(EVP_CIPHER_CTX *Cipher, ULONGLONG Sequence, PSecBufferDesc Message)
{
    UCHAR nonce[12] = {0};
    for (int i = 0; i < 8; i++)
        nonce[4 + i] = (UCHAR)(Sequence >> (56 - 8 * i));
    if (!EVP_CipherInit_ex(Cipher, NULL, NULL, NULL, nonce, 1))
        return;
    for (ULONG i = 0; i < Message->cBuffers; i++) {
        PSecBuffer b = &Message->pBuffers[i];
        if (KsecpRole(b, TRUE) == KsecpEncrypt)
            KsecpUpdate(Cipher, TRUE, b->pvBuffer, b->pvBuffer, b->cbBuffer);
    }
}

static pthread_once_t KsecpFetchOnce = PTHREAD_ONCE_INIT;
static EVP_CIPHER *KsecpGcm;

static void KsecpFetch(void)
{
    KsecpGcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
}

/* The direction's cipher context, keyed on first use. */
static SECURITY_STATUS KsecpCipher(PKSEC_LOCAL_CONTEXT Context, BOOLEAN Send, EVP_CIPHER_CTX **Cipher)
{
    if (!Context->HasKeys)
        return SEC_E_UNSUPPORTED_FUNCTION; /* a context made without a client message */
    PVOID *slot = Send ? &Context->SendCipher : &Context->ReceiveCipher;
    if (*slot == NULL) {
        pthread_once(&KsecpFetchOnce, KsecpFetch);
        if (KsecpGcm == NULL)
            return SEC_E_INTERNAL_ERROR;
        EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
        if (c == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        if (!EVP_CipherInit_ex(c, KsecpGcm, NULL, Send ? Context->SendKey : Context->ReceiveKey, NULL, Send ? 1 : 0)) {
            EVP_CIPHER_CTX_free(c);
            return SEC_E_INTERNAL_ERROR;
        }
        *slot = c;
    }
    *Cipher = *slot;
    return SEC_E_OK;
}

/*
 * KsecLocalProtect - MakeSignature (Seal FALSE) / EncryptMessage. SEC_E_QOP_NOT_SUPPORTED
 * (Qop not 0), SEC_E_INVALID_TOKEN (no SECBUFFER_TOKEN), SEC_E_BUFFER_TOO_SMALL (token < 28
 * bytes), SEC_E_CONTEXT_EXPIRED (2^64 messages sent), SEC_E_INTERNAL_ERROR (libcrypto failed).
 */
SECURITY_STATUS KsecLocalProtect(PKSEC_LOCAL_CONTEXT Context, BOOLEAN Seal, ULONG Qop, PSecBufferDesc Message)
{
    EVP_CIPHER_CTX *cipher;
    SECURITY_STATUS status = KsecpCipher(Context, TRUE, &cipher);
    if (status != SEC_E_OK)
        return status;
    if (Qop != 0)
        return SEC_E_QOP_NOT_SUPPORTED;
    PSecBuffer token = KsecFindBuffer(Message, SECBUFFER_TOKEN);
    if (token == NULL)
        return SEC_E_INVALID_TOKEN;
    if (token->cbBuffer < KSEC_LOCAL_PROT_BYTES)
        return SEC_E_BUFFER_TOO_SMALL;
    if (Context->SendSequence == ~0ULL)
        return SEC_E_CONTEXT_EXPIRED;
    UCHAR header[KSEC_LOCAL_PROT_HEADER_BYTES], tag[KSEC_LOCAL_TAG_BYTES];
    KsecpHeader(header, Seal ? KSEC_LOCAL_PROT_SEAL : KSEC_LOCAL_PROT_SIGN, Context->SendSequence);
    if (!KsecpRun(cipher, TRUE, Context->SendSequence, header, Message, Seal, tag))
        return SEC_E_INTERNAL_ERROR;
    memcpy(token->pvBuffer, header, sizeof(header));
    memcpy((PUCHAR)token->pvBuffer + sizeof(header), tag, sizeof(tag));
    token->cbBuffer = KSEC_LOCAL_PROT_BYTES;
    Context->SendSequence++;
    return SEC_E_OK;
}

/*
 * KsecLocalUnprotect - VerifySignature (Seal FALSE) / DecryptMessage. SEC_E_INVALID_TOKEN (no
 * token buffer, or shorter than 28 bytes); SEC_E_MESSAGE_ALTERED (wrong version or kind, or
 * the tag does not match: anything edited, including the sequence number); then
 * SEC_E_OUT_OF_SEQUENCE (authentic but not the next one: replayed, reordered or after a gap).
 * On failure the buffers are as given and the expected sequence number does not move.
 */
SECURITY_STATUS KsecLocalUnprotect(PKSEC_LOCAL_CONTEXT Context, BOOLEAN Seal, PSecBufferDesc Message)
{
    EVP_CIPHER_CTX *cipher;
    SECURITY_STATUS status = KsecpCipher(Context, FALSE, &cipher);
    if (status != SEC_E_OK)
        return status;
    PSecBuffer token = KsecFindBuffer(Message, SECBUFFER_TOKEN);
    if (token == NULL || token->cbBuffer < KSEC_LOCAL_PROT_BYTES)
        return SEC_E_INVALID_TOKEN;
    const UCHAR *t = token->pvBuffer;
    UCHAR header[KSEC_LOCAL_PROT_HEADER_BYTES], tag[KSEC_LOCAL_TAG_BYTES];
    memcpy(header, t, sizeof(header));
    memcpy(tag, t + sizeof(header), sizeof(tag));
    if (header[0] != KSEC_LOCAL_PROT_VERSION || header[1] != (Seal ? KSEC_LOCAL_PROT_SEAL : KSEC_LOCAL_PROT_SIGN) ||
        header[2] != 0 || header[3] != 0)
        return SEC_E_MESSAGE_ALTERED;
    ULONGLONG sequence = 0;
    for (int i = 0; i < 8; i++)
        sequence = (sequence << 8) | header[4 + i];
    if (!KsecpRun(cipher, FALSE, sequence, header, Message, Seal, tag)) {
        if (Seal)
            KsecpRestore(cipher, sequence, Message);
        return SEC_E_MESSAGE_ALTERED;
    }
    if (sequence != Context->ReceiveSequence) {
        if (Seal)
            KsecpRestore(cipher, sequence, Message);
        return SEC_E_OUT_OF_SEQUENCE;
    }
    Context->ReceiveSequence++;
    return SEC_E_OK;
}

VOID KsecLocalFreeCipher(PKSEC_LOCAL_CONTEXT Context)
{
    if (Context->SendCipher != NULL)
        EVP_CIPHER_CTX_free(Context->SendCipher);
    if (Context->ReceiveCipher != NULL)
        EVP_CIPHER_CTX_free(Context->ReceiveCipher);
    Context->SendCipher = Context->ReceiveCipher = NULL;
    OPENSSL_cleanse(Context->SendKey, sizeof(Context->SendKey));
    OPENSSL_cleanse(Context->ReceiveKey, sizeof(Context->ReceiveKey));
}
