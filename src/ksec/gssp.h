/*
 * gssp.h - the MIT krb5 GSSAPI layer under the "Kerberos" and "Negotiate" packages
 * (docs/sspi.md "Kerberos and Negotiate").
 *
 *   gsscred.c    credentials: keytab (acceptor), ccache or password (initiator)
 *   gssctx.c     context establishment steps, context attributes, delegated credentials
 *   gssmsg.c     per-message protection (wrap/unwrap, get_mic/verify_mic over iovs)
 *   gssstatus.c  GSS major/minor -> the SECURITY_STATUS Windows gives
 *   gssmap.c     the authenticated principal -> an NT network-logon token
 *
 * Everything here speaks GSS flags and byte buffers; the SSPI glue (SecBuffer, ISC_REQ_*,
 * handles) sits above it. Objects are not shared between threads without the caller's own
 * serialisation, except KSECP_GSS_CRED, whose lazy password logon is guarded by its lock.
 */
#ifndef NTSEC_KSEC_GSSP_H
#define NTSEC_KSEC_GSSP_H

#include <pthread.h>
#include <string.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include "ksec/ksecp.h"
#include "ex/pooltags.h"

/* Pool allocations of this layer (tagged, so verifier leak reports name them). */
static inline PVOID KsecpGssAllocate(SIZE_T Size)
{
    PVOID p = ExAllocatePoolWithTag(PagedPool, Size, KSECP_GSS_TAG);
    if (p != NULL)
        memset(p, 0, Size);
    return p;
}
/* A pool copy of String (NULL for NULL or on failure); free with KsecpGssFreeString. */
PSTR KsecpGssDuplicateString(PCSTR String, SIZE_T Length);

/* Which mechanism a credential and its contexts use. */
typedef enum _KSECP_GSS_MECH {
    KsecpMechKerberos,  /* gss_mech_krb5, RFC 4121 */
    KsecpMechNegotiate  /* SPNEGO (RFC 4178) restricted to krb5 */
} KSECP_GSS_MECH;

/* KSECP_GSS_CRED_REQUEST::Use */
#define KSECP_CRED_INBOUND 0x1
#define KSECP_CRED_OUTBOUND 0x2

/*
 * What AcquireCredentialsHandle asked for, in UTF-8. NULL fields mean "not given": the
 * credential is then found the way MIT's tools find it (KRB5_CONFIG, KRB5CCNAME,
 * KRB5_KTNAME, KRB5_CLIENT_KTNAME, the profile's defaults).
 */
typedef struct _KSECP_GSS_CRED_REQUEST {
    KSECP_GSS_MECH Mech;
    ULONG Use;              /* KSECP_CRED_INBOUND | KSECP_CRED_OUTBOUND */
    PCSTR Principal;        /* "user@REALM", "HTTP/host[@REALM]", or NULL */
    PCSTR User;             /* explicit logon (SEC_WINNT_AUTH_IDENTITY): user ... */
    PCSTR Domain;           /* ... realm (NULL or "": the default realm) ... */
    PCSTR Password;         /* ... and password; all three NULL: no explicit logon */
    PCSTR Keytab;           /* acceptor keytab ("FILE:/path"), or NULL */
    PCSTR Ccache;           /* initiator ccache ("FILE:/path", "MEMORY:x"), or NULL */
} KSECP_GSS_CRED_REQUEST, *PKSECP_GSS_CRED_REQUEST;

typedef struct _KSECP_GSS_CRED {
    pthread_mutex_t Lock;     /* guards Cred while a password logon is pending */
    KSECP_GSS_MECH Mech;
    ULONG Use;
    gss_cred_id_t Cred;       /* owned; GSS_C_NO_CREDENTIAL until acquired */
    gss_name_t DesiredName;   /* owned, or GSS_C_NO_NAME */
    PSTR Password;            /* owned, wiped on free; non-NULL while the logon is pending */
    PSTR Principal;           /* owned display name of the credential (or NULL: unknown) */
    PSTR LogonCcache;         /* Negotiate password logon: its MEMORY ccache (owned, destroyed) */
    PSTR Ccache;              /* the ccache an outbound credential came from (owned), or NULL */
} KSECP_GSS_CRED, *PKSECP_GSS_CRED;

/*
 * KsecpGssAcquireCredentials - a new credential for Request. *Cred receives it (the caller
 * owns it; KsecpGssFreeCredentials). Inbound credentials are acquired now (a missing keytab
 * is an error here, as on Windows); an explicit password logon is deferred to the first
 * KsecpGssInitialize, as Windows defers the AS exchange to InitializeSecurityContext.
 */
SECURITY_STATUS KsecpGssAcquireCredentials(const KSECP_GSS_CRED_REQUEST *Request, PKSECP_GSS_CRED *Cred);
VOID KsecpGssFreeCredentials(PKSECP_GSS_CRED Cred);

/* The mechanism OID (static) and the one-element set for Mech. */
gss_OID KsecpGssMechOid(KSECP_GSS_MECH Mech);
gss_OID_set KsecpGssMechSet(KSECP_GSS_MECH Mech);

/*
 * KsecpGssCredentialsFor - the gss_cred_id_t to use for Usage (GSS_C_INITIATE/ACCEPT),
 * completing a pending password logon first. The credential keeps ownership. The result is
 * GSS_C_NO_CREDENTIAL when the defaults are to be used.
 */
SECURITY_STATUS KsecpGssCredentialsFor(PKSECP_GSS_CRED Cred, gss_cred_usage_t Usage, gss_cred_id_t *Result);

/*
 * KsecpGssCredentialsFromCcache - an initiator credential from the ccache CcacheName (the
 * logon session's delegated credentials, gssctx.c). *Cred owned by the caller.
 */
SECURITY_STATUS KsecpGssCredentialsFromCcache(KSECP_GSS_MECH Mech, PCSTR CcacheName, PKSECP_GSS_CRED *Cred);

/* One GSS security context (either side). */
typedef struct _KSECP_GSS_CONTEXT {
    KSECP_GSS_MECH Mech;
    BOOLEAN Server;
    BOOLEAN Complete;
    gss_ctx_id_t Context;     /* owned */
    gss_name_t Target;        /* initiator: the imported target name (owned) */
    gss_name_t Client;        /* acceptor: the authenticated client (owned), once complete */
    gss_cred_id_t Delegated;  /* acceptor: delegated credentials (owned), or none */
    OM_uint32 Flags;          /* GSS ret_flags of the last step */
    OM_uint32 Lifetime;       /* seconds, from the last step */
    PSTR DelegatedCcache;     /* "MEMORY:ntsec-deleg-..." holding Delegated, or NULL (owned) */
} KSECP_GSS_CONTEXT, *PKSECP_GSS_CONTEXT;

/*
 * KsecpGssInitialize / KsecpGssAccept - one establishment step. *Context is NULL on the
 * first call and receives a new context (owned by the caller, KsecpGssFreeContext) that is
 * also kept, and freed, when the first step fails. Output receives the token to send
 * (gss-allocated, release with gss_release_buffer; may be empty). Returns SEC_E_OK (complete),
 * SEC_I_CONTINUE_NEEDED, or an error (then *Context is freed and NULL when the step was the
 * first; a later failed step leaves the context for the caller to delete).
 */
SECURITY_STATUS KsecpGssInitialize(PKSECP_GSS_CRED Cred, PKSECP_GSS_CONTEXT *Context, PCSTR Target,
                                   OM_uint32 ReqFlags, const VOID *Input, SIZE_T InputLength,
                                   gss_buffer_t Output);
SECURITY_STATUS KsecpGssAccept(PKSECP_GSS_CRED Cred, PKSECP_GSS_CONTEXT *Context, const VOID *Input,
                               SIZE_T InputLength, gss_buffer_t Output);
VOID KsecpGssFreeContext(PKSECP_GSS_CONTEXT Context);

/* Destroys the krb5 ccache Name (a MEMORY ccache of this process). */
VOID KsecpGssDestroyCcache(PCSTR Name);

/* Names: the client and the server principal (display form, KsecpGssFreeString). */
SECURITY_STATUS KsecpGssContextNames(PKSECP_GSS_CONTEXT Context, PSTR *Client, PSTR *Server);
VOID KsecpGssFreeString(PSTR String);
/* The session key (GSS_C_INQ_SSPI_SESSION_KEY): *Key malloc'd, *Length bytes, *Enctype. */
SECURITY_STATUS KsecpGssSessionKey(PKSECP_GSS_CONTEXT Context, PUCHAR *Key, ULONG *Length, LONG *Enctype);

/*
 * KsecpGssStoreDelegated - puts the context's delegated credentials into a new MEMORY ccache
 * (Context->DelegatedCcache) so that a later AcquireCredentialsHandle on a thread that
 * impersonates the client can use them (docs/sspi.md "Delegation"). STATUS-like result.
 */
SECURITY_STATUS KsecpGssStoreDelegated(PKSECP_GSS_CONTEXT Context);

/* Per-message protection over iovs (gssmsg.c). */
SECURITY_STATUS KsecpGssWrap(PKSECP_GSS_CONTEXT Context, BOOLEAN Encrypt, gss_iov_buffer_desc *Iov, int Count);
SECURITY_STATUS KsecpGssWrapLength(PKSECP_GSS_CONTEXT Context, BOOLEAN Encrypt, gss_iov_buffer_desc *Iov,
                                   int Count);
SECURITY_STATUS KsecpGssUnwrap(PKSECP_GSS_CONTEXT Context, gss_iov_buffer_desc *Iov, int Count, BOOLEAN *Encrypted);
SECURITY_STATUS KsecpGssGetMic(PKSECP_GSS_CONTEXT Context, gss_iov_buffer_desc *Iov, int Count);
SECURITY_STATUS KsecpGssGetMicLength(PKSECP_GSS_CONTEXT Context, gss_iov_buffer_desc *Iov, int Count);
SECURITY_STATUS KsecpGssVerifyMic(PKSECP_GSS_CONTEXT Context, gss_iov_buffer_desc *Iov, int Count);
/* The largest header+trailer (wrap) and MIC sizes, and the block size, for SECPKG_ATTR_SIZES. */
SECURITY_STATUS KsecpGssSizes(PKSECP_GSS_CONTEXT Context, ULONG *MaxSignature, ULONG *SecurityTrailer,
                              ULONG *BlockSize);

/* What the status is computed for: the same GSS error means different things per phase. */
typedef enum _KSECP_GSS_PHASE {
    KsecpPhaseAcquire,
    KsecpPhaseInitialize,
    KsecpPhaseAccept,
    KsecpPhaseMessage
} KSECP_GSS_PHASE;

/* KsecpGssStatus - the SECURITY_STATUS for a GSS (Major, Minor) in Phase (gssstatus.c). */
SECURITY_STATUS KsecpGssStatus(OM_uint32 Major, OM_uint32 Minor, KSECP_GSS_PHASE Phase);

/*
 * KsecpGssBuildClientToken - the NT token of the authenticated client of a complete
 * acceptor Context, at Level (gssmap.c; docs/sspi.md "From principal to token"). On success
 * *Token holds its single reference.
 */
SECURITY_STATUS KsecpGssBuildClientToken(PKSECP_GSS_CONTEXT Context, SECURITY_IMPERSONATION_LEVEL Level,
                                         PTOKEN *Token);

#endif /* NTSEC_KSEC_GSSP_H */
