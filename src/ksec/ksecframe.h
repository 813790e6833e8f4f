/*
 * ksecframe.h - the framework's credential and context objects (private to the framework
 * files of src/ksec; packages see only their own state). Locks and references: ksecp.h.
 */
#ifndef NTSEC_KSECFRAME_H
#define NTSEC_KSECFRAME_H

#include <pthread.h>
#include "ksec/ksecp.h"

typedef struct _KSEC_CREDENTIAL {
    KSEC_OBJECT Header;              /* Kind KSEC_KIND_CREDENTIAL */
    const KSEC_PACKAGE *Package;
    ULONG Use;                       /* SECPKG_CRED_INBOUND / OUTBOUND / BOTH */
    PVOID PackageCredential;         /* FreeCredentials at the last reference */
    TimeStamp Expiry;
} KSEC_CREDENTIAL, *PKSEC_CREDENTIAL;

typedef struct _KSEC_CONTEXT {
    KSEC_OBJECT Header;              /* Kind KSEC_KIND_CONTEXT */
    const KSEC_PACKAGE *Package;
    PKSEC_CREDENTIAL Credential;     /* one reference, or NULL (explicit contexts) */
    BOOLEAN Server;                  /* made by AcceptSecurityContext */
    pthread_mutex_t OpLock;          /* serializes package calls; guards the fields below */
    PVOID PackageContext;            /* DeleteContext at the last reference */
    ULONG ContextAttr;               /* the last step's ISC_RET_* / ASC_RET_* */
    BOOLEAN CompleteNeeded;          /* a step returned SEC_I_COMPLETE_* */
    TimeStamp Start, Expiry;
    pthread_mutex_t StateLock;       /* leaf; guards Complete, Token, Level */
    BOOLEAN Complete;                /* written under OpLock and StateLock */
    PTOKEN Token;                    /* one reference, or NULL */
    SECURITY_IMPERSONATION_LEVEL Level;
} KSEC_CONTEXT, *PKSEC_CONTEXT;

/* A new context object (one reference, the caller's); takes a reference on Credential. NULL
 * when out of memory. */
PKSEC_CONTEXT KsecpCreateContext(const KSEC_PACKAGE *Package, PKSEC_CREDENTIAL Credential, BOOLEAN Server);
/* A new credential object (one reference) owning PackageCredential; NULL when out of memory
 * (PackageCredential is then NOT freed: the caller frees it). */
PKSEC_CREDENTIAL KsecpCreateCredential(const KSEC_PACKAGE *Package, ULONG Use, PVOID PackageCredential,
                                       TimeStamp Expiry);
/* Look-ups with a new reference (KsecDereferenceObject(&x->Header)), or NULL. */
PKSEC_CONTEXT KsecpReferenceContextObject(PCtxtHandle Handle);
PKSEC_CREDENTIAL KsecpReferenceCredentialObject(PCredHandle Handle);
/* A caller's descriptor: NULL, or version SECBUFFER_VERSION, at most KSECP_MAX_BUFFERS buffers,
 * pBuffers non-NULL when cBuffers > 0, pvBuffer non-NULL when cbBuffer > 0. SEC_E_OK or
 * SEC_E_INVALID_TOKEN. (handshake.c) */
#define KSECP_MAX_BUFFERS 64
SECURITY_STATUS KsecpValidateBuffers(PSecBufferDesc Desc);
/* One context buffer holding a SecPkgInfoW for Package and its strings, or NULL (packages.c). */
PSecPkgInfoW KsecpAllocatePackageInfo(const KSEC_PACKAGE *Package);
/* The current system time as a TimeStamp. */
TimeStamp KsecpNow(VOID);

#endif
