/*
 * message.c - MakeSignature, VerifySignature, EncryptMessage, DecryptMessage: the framework
 * checks the handle, the completion and the descriptor, then the package protects the
 * message under the context's operation lock (docs/sspi.md "Messages").
 */
#include "ksec/ksecframe.h"

typedef enum { KsecpSign, KsecpVerify, KsecpSeal, KsecpUnseal } KSECP_MESSAGE_OP;

/*
 * KsecpMessage - SEC_E_INVALID_HANDLE (dead handle), SEC_E_INVALID_TOKEN (pMessage NULL or
 * malformed), SEC_E_NO_CONTEXT (handshake not complete), SEC_E_UNSUPPORTED_FUNCTION (the
 * package does not protect messages), else the package's status.
 */
static SECURITY_STATUS KsecpMessage(KSECP_MESSAGE_OP Op, PCtxtHandle phContext, ULONG Qop, PSecBufferDesc Message,
                                    ULONG SeqNo, PULONG QopOut)
{
    PKSEC_CONTEXT context = KsecpReferenceContextObject(phContext);
    if (context == NULL)
        return SEC_E_INVALID_HANDLE;
    const KSEC_PACKAGE *package = context->Package;
    SECURITY_STATUS status = Message == NULL ? SEC_E_INVALID_TOKEN : KsecpValidateBuffers(Message);
    if (status == SEC_E_OK) {
        pthread_mutex_lock(&context->OpLock);
        if (!context->Complete)
            status = SEC_E_NO_CONTEXT;
        else {
            switch (Op) {
            case KsecpSign:
                status = package->MakeSignature == NULL ? SEC_E_UNSUPPORTED_FUNCTION
                                                        : package->MakeSignature(context->PackageContext, Qop,
                                                                                 Message, SeqNo);
                break;
            case KsecpVerify:
                status = package->VerifySignature == NULL ? SEC_E_UNSUPPORTED_FUNCTION
                                                          : package->VerifySignature(context->PackageContext,
                                                                                     Message, SeqNo, QopOut);
                break;
            case KsecpSeal:
                status = package->EncryptMessage == NULL ? SEC_E_UNSUPPORTED_FUNCTION
                                                         : package->EncryptMessage(context->PackageContext, Qop,
                                                                                   Message, SeqNo);
                break;
            case KsecpUnseal:
                status = package->DecryptMessage == NULL ? SEC_E_UNSUPPORTED_FUNCTION
                                                         : package->DecryptMessage(context->PackageContext,
                                                                                   Message, SeqNo, QopOut);
                break;
            }
        }
        pthread_mutex_unlock(&context->OpLock);
    }
    KsecDereferenceObject(&context->Header);
    return status;
}

SECURITY_STATUS SEC_ENTRY MakeSignature(PCtxtHandle phContext, ULONG fQOP, PSecBufferDesc pMessage,
                                        ULONG MessageSeqNo)
{
    return KsecpMessage(KsecpSign, phContext, fQOP, pMessage, MessageSeqNo, NULL);
}

SECURITY_STATUS SEC_ENTRY VerifySignature(PCtxtHandle phContext, PSecBufferDesc pMessage, ULONG MessageSeqNo,
                                          PULONG pfQOP)
{
    if (pfQOP != NULL)
        *pfQOP = 0;
    return KsecpMessage(KsecpVerify, phContext, 0, pMessage, MessageSeqNo, pfQOP);
}

SECURITY_STATUS SEC_ENTRY EncryptMessage(PCtxtHandle phContext, ULONG fQOP, PSecBufferDesc pMessage,
                                         ULONG MessageSeqNo)
{
    return KsecpMessage(KsecpSeal, phContext, fQOP, pMessage, MessageSeqNo, NULL);
}

SECURITY_STATUS SEC_ENTRY DecryptMessage(PCtxtHandle phContext, PSecBufferDesc pMessage, ULONG MessageSeqNo,
                                         PULONG pfQOP)
{
    if (pfQOP != NULL)
        *pfQOP = 0;
    return KsecpMessage(KsecpUnseal, phContext, 0, pMessage, MessageSeqNo, pfQOP);
}
