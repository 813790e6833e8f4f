/*
 * local.h - package "ntsec-local" internals: the client's message (local_message.c), the
 * per-context state and message protection (local_protect.c), the package (local_package.c).
 * Protocol: docs/sspi.md "ntsec-local protocol".
 */
#ifndef NTSEC_KSEC_LOCAL_H
#define NTSEC_KSEC_LOCAL_H

#include "ksec/ksecp.h"

#define KSEC_LOCAL_MAGIC0 'N'
#define KSEC_LOCAL_MAGIC1 'T'
#define KSEC_LOCAL_MAGIC2 'S'
#define KSEC_LOCAL_MAGIC3 'L'
#define KSEC_LOCAL_VERSION 1
#define KSEC_LOCAL_TYPE_REQUEST 1
#define KSEC_LOCAL_FLAG_DYNAMIC 0x01 /* ContextTrackingMode SECURITY_DYNAMIC_TRACKING */
#define KSEC_LOCAL_FLAG_EFFECTIVE_ONLY 0x02
#define KSEC_LOCAL_KEY_BYTES 32
#define KSEC_LOCAL_REQUEST_BYTES (16 + 2 * KSEC_LOCAL_KEY_BYTES) /* 80 */

/* Message protection token (signature / seal trailer). */
#define KSEC_LOCAL_PROT_VERSION 1
#define KSEC_LOCAL_PROT_SIGN 1
#define KSEC_LOCAL_PROT_SEAL 2
#define KSEC_LOCAL_TAG_BYTES 16
#define KSEC_LOCAL_PROT_HEADER_BYTES 12
#define KSEC_LOCAL_PROT_BYTES (KSEC_LOCAL_PROT_HEADER_BYTES + KSEC_LOCAL_TAG_BYTES) /* 28 */

/* The client's request, as parsed (nothing in it names an identity). */
typedef struct _KSEC_LOCAL_REQUEST {
    SECURITY_QUALITY_OF_SERVICE Qos;                   /* Length = sizeof */
    UCHAR ClientToServerKey[KSEC_LOCAL_KEY_BYTES];
    UCHAR ServerToClientKey[KSEC_LOCAL_KEY_BYTES];
} KSEC_LOCAL_REQUEST, *PKSEC_LOCAL_REQUEST;

/*
 * KsecLocalParseRequest - Data/Length as received (hostile). SEC_E_OK, or SEC_E_INVALID_TOKEN
 * for anything but exactly one well-formed request (size, magic, version, type, flag bits,
 * level 0..3, reserved bytes zero). Pure (fuzzed: fuzz/fuzz_ksec_local_message.c).
 */
SECURITY_STATUS KsecLocalParseRequest(const VOID *Data, SIZE_T Length, PKSEC_LOCAL_REQUEST Request);
/* KsecLocalFormatRequest - the KSEC_LOCAL_REQUEST_BYTES of Request into Out. */
VOID KsecLocalFormatRequest(const KSEC_LOCAL_REQUEST *Request, UCHAR Out[KSEC_LOCAL_REQUEST_BYTES]);

/* Per-context state of ntsec-local (both sides). */
typedef struct _KSEC_LOCAL_CONTEXT {
    BOOLEAN Server;
    BOOLEAN HasKeys;                 /* FALSE for NtsecAcceptLocalPeer contexts (no client message) */
    UCHAR SendKey[KSEC_LOCAL_KEY_BYTES];
    UCHAR ReceiveKey[KSEC_LOCAL_KEY_BYTES];
    ULONGLONG SendSequence;          /* next sequence number to send */
    ULONGLONG ReceiveSequence;       /* next sequence number expected */
    PVOID SendCipher;                /* EVP_CIPHER_CTX keyed with SendKey, made on first use */
    PVOID ReceiveCipher;             /* EVP_CIPHER_CTX keyed with ReceiveKey */
    SECURITY_QUALITY_OF_SERVICE Qos; /* the client's request */
    SECURITY_IMPERSONATION_LEVEL Granted;
    uid_t Uid;                       /* server: the peer's (SO_PEERCRED); client: our euid */
    gid_t Gid;
    pid_t Pid;
    int PidFd;                       /* server: SO_PEERPIDFD or -1; owned */
    PSTR TargetName;                 /* client: pTargetName (ExFreePool), or NULL */
} KSEC_LOCAL_CONTEXT, *PKSEC_LOCAL_CONTEXT;

/* Message protection (local_protect.c), on a context with keys. */
SECURITY_STATUS KsecLocalProtect(PKSEC_LOCAL_CONTEXT Context, BOOLEAN Seal, ULONG Qop, PSecBufferDesc Message);
SECURITY_STATUS KsecLocalUnprotect(PKSEC_LOCAL_CONTEXT Context, BOOLEAN Seal, PSecBufferDesc Message);
VOID KsecLocalFreeCipher(PKSEC_LOCAL_CONTEXT Context);

#endif
