/*
 * kerberosp.h - what kerberos.c (credentials, handshake) and kerberos_msg.c (attributes,
 * messages) of the Kerberos and Negotiate packages share.
 */
#ifndef NTSEC_KSEC_KERBEROSP_H
#define NTSEC_KSEC_KERBEROSP_H

#include "ksec/gssp.h"

extern const KSEC_PACKAGE KsecNegotiatePackage; /* "Negotiate" (kerberos.c) */

/* GSS ret_flags -> ISC_RET_* (Server FALSE) or ASC_RET_* (Server TRUE). */
ULONG KsecpSspiAttributes(OM_uint32 Flags, BOOLEAN Server);

/* kerberos_msg.c: the package operations on a completed context / a credential. */
SECURITY_STATUS KsecpQueryContextAttributes(PVOID Context, ULONG Attribute, PVOID Buffer);
SECURITY_STATUS KsecpQueryCredentialsAttributes(PVOID Credential, ULONG Attribute, PVOID Buffer);
SECURITY_STATUS KsecpMakeSignature(PVOID Context, ULONG Qop, PSecBufferDesc Message, ULONG SeqNo);
SECURITY_STATUS KsecpVerifySignature(PVOID Context, PSecBufferDesc Message, ULONG SeqNo, PULONG Qop);
SECURITY_STATUS KsecpEncryptMessage(PVOID Context, ULONG Qop, PSecBufferDesc Message, ULONG SeqNo);
SECURITY_STATUS KsecpDecryptMessage(PVOID Context, PSecBufferDesc Message, ULONG SeqNo, PULONG Qop);

#endif /* NTSEC_KSEC_KERBEROSP_H */
