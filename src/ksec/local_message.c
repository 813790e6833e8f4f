/*
 * local_message.c - the one message of ntsec-local (client -> server), docs/sspi.md
 * "ntsec-local protocol":
 *
 *   offset size
 *   0      4    magic "NTSL"
 *   4      1    version (1)
 *   5      1    type (1 = request)
 *   6      1    flags: 0x01 dynamic tracking, 0x02 EffectiveOnly; other bits zero
 *   7      1    impersonation level requested (0 Anonymous .. 3 Delegation)
 *   8      8    reserved, zero
 *   16     32   client-to-server key (AES-256-GCM)
 *   48     32   server-to-client key
 *
 * Nothing in it names a user: the identity comes from the kernel (localpeer.c).
 */
#include <string.h>
#include "ksec/local.h"

SECURITY_STATUS KsecLocalParseRequest(const VOID *Data, SIZE_T Length, PKSEC_LOCAL_REQUEST Request)
{
    memset(Request, 0, sizeof(*Request));
    const UCHAR *p = Data;
    if (Data == NULL || Length != KSEC_LOCAL_REQUEST_BYTES)
        return SEC_E_INVALID_TOKEN;
    if (p[0] != KSEC_LOCAL_MAGIC0 || p[1] != KSEC_LOCAL_MAGIC1 || p[2] != KSEC_LOCAL_MAGIC2 ||
        p[3] != KSEC_LOCAL_MAGIC3 || p[4] != KSEC_LOCAL_VERSION || p[5] != KSEC_LOCAL_TYPE_REQUEST)
        return SEC_E_INVALID_TOKEN;
    if ((p[6] & ~(KSEC_LOCAL_FLAG_DYNAMIC | KSEC_LOCAL_FLAG_EFFECTIVE_ONLY)) != 0 ||
        p[7] > (UCHAR)SecurityDelegation)
        return SEC_E_INVALID_TOKEN;
    for (int i = 8; i < 16; i++)
        if (p[i] != 0)
            return SEC_E_INVALID_TOKEN;
    Request->Qos.Length = sizeof(Request->Qos);
    Request->Qos.ImpersonationLevel = (SECURITY_IMPERSONATION_LEVEL)p[7];
    Request->Qos.ContextTrackingMode = (p[6] & KSEC_LOCAL_FLAG_DYNAMIC) ? SECURITY_DYNAMIC_TRACKING
                                                                        : SECURITY_STATIC_TRACKING;
    Request->Qos.EffectiveOnly = (p[6] & KSEC_LOCAL_FLAG_EFFECTIVE_ONLY) ? TRUE : FALSE;
    memcpy(Request->ClientToServerKey, p + 16, KSEC_LOCAL_KEY_BYTES);
    memcpy(Request->ServerToClientKey, p + 16 + KSEC_LOCAL_KEY_BYTES, KSEC_LOCAL_KEY_BYTES);
    return SEC_E_OK;
}

VOID KsecLocalFormatRequest(const KSEC_LOCAL_REQUEST *Request, UCHAR Out[KSEC_LOCAL_REQUEST_BYTES])
{
    memset(Out, 0, KSEC_LOCAL_REQUEST_BYTES);
    Out[0] = KSEC_LOCAL_MAGIC0;
    Out[1] = KSEC_LOCAL_MAGIC1;
    Out[2] = KSEC_LOCAL_MAGIC2;
    Out[3] = KSEC_LOCAL_MAGIC3;
    Out[4] = KSEC_LOCAL_VERSION;
    Out[5] = KSEC_LOCAL_TYPE_REQUEST;
    Out[6] = (UCHAR)((Request->Qos.ContextTrackingMode ? KSEC_LOCAL_FLAG_DYNAMIC : 0) |
                     (Request->Qos.EffectiveOnly ? KSEC_LOCAL_FLAG_EFFECTIVE_ONLY : 0));
    Out[7] = (UCHAR)Request->Qos.ImpersonationLevel;
    memcpy(Out + 16, Request->ClientToServerKey, KSEC_LOCAL_KEY_BYTES);
    memcpy(Out + 16 + KSEC_LOCAL_KEY_BYTES, Request->ServerToClientKey, KSEC_LOCAL_KEY_BYTES);
}
