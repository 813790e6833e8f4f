/*
 * ksecp.h - private interface of the ksecdd layer (docs/sspi.md).
 *
 *   handles.c     the handle table shared by credential and context handles
 *   context.c     context and credential objects, DeleteSecurityContext, QuerySecurityContextToken
 *   handshake.c   AcquireCredentialsHandleW .. AcceptSecurityContext, CompleteAuthToken
 *   attributes.c  QueryContextAttributesW, QueryCredentialsAttributesW
 *   message.c     MakeSignature / VerifySignature / EncryptMessage / DecryptMessage
 *   buffers.c     helpers for packages: buffers, context-buffer memory, UTF-16 <-> UTF-8
 *   impersonate.c ImpersonateSecurityContext / RevertSecurityContext (spec 2.19)
 *   packages.c    the package table, EnumerateSecurityPackagesW, QuerySecurityPackageInfoW,
 *                 NtsecAcceptPackagePeer / NtsecAcceptLocalPeer
 *   kerberos.c    package "Kerberos" (helper sspi-krb)
 *   local*.c      package "ntsec-local"
 *
 * ---- Locks ------------------------------------------------------------------------------
 * Handle-table slot locks are leaves: nothing that allocates, calls a package, evaluates the
 * impersonation rule or can run a delete procedure runs under one; the table lock (free
 * list, chunks) is never held together with a slot lock.
 * Each context has an operation lock that serializes every package call on that context
 * (steps, attribute queries, message routines). It is held across the package call, which
 * may block (a KDC round trip): only users of the same context wait. A context's state lock
 * (token, level, completion) is a leaf taken under or without the operation lock, so
 * ImpersonateSecurityContext never waits for a package call. No framework lock is held while
 * a package runs other than that context's operation lock; a package callback must not call
 * the SSPI routines on its own context (it may on others).
 *
 * ---- References ---------------------------------------------------------------------------
 * Credential and context objects are reference counted. The handle table holds one
 * reference on each object it names (dropped by FreeCredentialsHandle /
 * DeleteSecurityContext); every routine that looks a handle up holds one for the duration of
 * the call; a context holds one on the credential it was made with, so FreeCredentialsHandle
 * while contexts live is fine. The last reference runs the package's FreeCredentials /
 * DeleteContext, with no lock held.
 */
#ifndef NTSEC_KSECP_H
#define NTSEC_KSECP_H

#include <stdatomic.h>
#include <sys/types.h>
#include "sspi.h"
#include "se/sep.h"

/* ---- Packages ----------------------------------------------------------------------------- */

/* KSEC_PACKAGE::KsecFlags */
#define KSEC_PACKAGE_IMPERSONATION 0x00000001UL /* ImpersonateSecurityContext is meaningful */
#define KSEC_PACKAGE_ACCEPT_SOCKET 0x00000002UL /* NtsecAcceptPackagePeer authenticates a bare socket */
#define KSEC_PACKAGE_UNLISTED      0x00000004UL /* not enumerated, not found by AcquireCredentialsHandleW */
#define KSEC_PACKAGE_EXPLICIT      0x00000008UL /* contexts come only from NtsecCreateSecurityContextForToken */

/*
 * One leg of a handshake (InitializeStep / AcceptStep). The framework fills the inputs,
 * zeroes the outputs, and validates the descriptors (version, counts, pointers) before the
 * call; the package reads its input tokens with KsecFindBuffer and writes its output token
 * with KsecWriteOutputToken.
 */
typedef struct _KSEC_STEP {
    /* in */
    PVOID Credential;       /* the package's credential object (borrowed for the call) */
    ULONG CredentialUse;    /* SECPKG_CRED_INBOUND / OUTBOUND / BOTH it was acquired for */
    PCSTR TargetName;       /* InitializeStep: pTargetName in UTF-8, NUL-terminated, or NULL */
    ULONG ContextReq;       /* ISC_REQ_* / ASC_REQ_* */
    ULONG TargetDataRep;
    PSecBufferDesc Input;   /* NULL when the caller gave none */
    PSecBufferDesc Output;  /* NULL when the caller gave none */
    /* out */
    ULONG ContextAttr;      /* ISC_RET_* / ASC_RET_* (KsecWriteOutputToken adds ALLOCATED_MEMORY) */
    TimeStamp Expiry;       /* preset to KSEC_TIME_FOREVER */
    PTOKEN Token;           /* AcceptStep, on SEC_E_OK: the client's impersonation token, ONE
                               reference, which passes to the framework (the context owns it) */
    SECURITY_IMPERSONATION_LEVEL Level; /* with Token: the level the server may act at */
} KSEC_STEP, *PKSEC_STEP;

/* The largest TimeStamp: "never expires". */
#define KSEC_TIME_FOREVER 0x7FFFFFFFFFFFFFFFLL

/*
 * A security package. Every function pointer may be NULL: the framework then answers
 * SEC_E_UNSUPPORTED_FUNCTION (fail closed). Name is ASCII and what SecPkgInfoW::Name shows.
 *
 * AcquireCredentials - Principal: UTF-8 or NULL (the caller's default); CredentialUse
 *   validated (INBOUND, OUTBOUND or BOTH, with no other bit); AuthData: the caller's
 *   pAuthData, unvalidated (SEC_WINNT_AUTH_IDENTITY_W for password packages; the package
 *   checks it and copies what it keeps, the caller's memory is gone after the call).
 *   On SEC_E_OK *Credential is the package's object, owned by the framework from then on;
 *   *Expiry is preset to KSEC_TIME_FOREVER.
 * FreeCredentials - releases that object; runs once, when its last user is gone.
 *   Credential objects can be used by several contexts at the same time (on different
 *   threads): they must be read-only after AcquireCredentials or lock themselves.
 * InitializeStep / AcceptStep - one leg. *Context is NULL on the first leg; the package
 *   stores its state there. Whenever *Context is non-NULL after a call, the framework owns
 *   it and calls DeleteContext on it exactly once (immediately when a first leg failed).
 *   Returns SEC_E_OK (done), SEC_I_CONTINUE_NEEDED, SEC_I_COMPLETE_NEEDED,
 *   SEC_I_COMPLETE_AND_CONTINUE or an error. AcceptStep sets Step->Token and Step->Level
 *   when (and only when) it returns SEC_E_OK; a token returned with any other status is
 *   released by the framework. A step is never called on a completed context.
 * CompleteToken - CompleteAuthToken, on a context that asked for it.
 * QueryContextAttributes - attributes other than SECPKG_ATTR_PACKAGE_INFO, _FLAGS and
 *   _LIFESPAN (the framework answers those). Allocate returned strings and keys with
 *   KsecAllocateContextBuffer / KsecAllocateWideString (the caller frees them with
 *   FreeContextBuffer). Called before completion too (the package decides what it knows).
 * QueryCredentialsAttributes - same for credentials.
 * MakeSignature .. DecryptMessage - the message routines, only on completed contexts; the
 *   descriptor is validated (version, count, pointers of non-empty buffers).
 * DeleteContext - releases the package's context state; runs once, last.
 * Calls on one context never overlap (operation lock, above).
 */
typedef struct _KSEC_PACKAGE {
    PCSTR Name;
    PCSTR Comment;
    ULONG Capabilities;  /* SECPKG_FLAG_* (SecPkgInfoW::fCapabilities) */
    USHORT Version;
    USHORT RpcId;        /* SECPKG_ID_NONE */
    ULONG MaxToken;      /* cbMaxToken */
    ULONG KsecFlags;     /* KSEC_PACKAGE_* */

    SECURITY_STATUS (*AcquireCredentials)(PCSTR Principal, ULONG CredentialUse, PVOID AuthData, PVOID *Credential,
                                          PTimeStamp Expiry);
    VOID (*FreeCredentials)(PVOID Credential);
    SECURITY_STATUS (*QueryCredentialsAttributes)(PVOID Credential, ULONG Attribute, PVOID Buffer);

    SECURITY_STATUS (*InitializeStep)(PVOID *Context, PKSEC_STEP Step);
    SECURITY_STATUS (*AcceptStep)(PVOID *Context, PKSEC_STEP Step);
    SECURITY_STATUS (*CompleteToken)(PVOID Context, PSecBufferDesc Token);
    SECURITY_STATUS (*QueryContextAttributes)(PVOID Context, ULONG Attribute, PVOID Buffer);

    SECURITY_STATUS (*MakeSignature)(PVOID Context, ULONG Qop, PSecBufferDesc Message, ULONG SeqNo);
    SECURITY_STATUS (*VerifySignature)(PVOID Context, PSecBufferDesc Message, ULONG SeqNo, PULONG Qop);
    SECURITY_STATUS (*EncryptMessage)(PVOID Context, ULONG Qop, PSecBufferDesc Message, ULONG SeqNo);
    SECURITY_STATUS (*DecryptMessage)(PVOID Context, PSecBufferDesc Message, ULONG SeqNo, PULONG Qop);

    VOID (*DeleteContext)(PVOID Context);
} KSEC_PACKAGE, *PKSEC_PACKAGE;

extern const KSEC_PACKAGE KsecLocalPackage;         /* "ntsec-local" (local_package.c) */
extern const KSEC_PACKAGE KsecExplicitPackage;      /* "ntsec-explicit" (test hook) */
extern const KSEC_PACKAGE KsecExplicitNoImpPackage; /* "ntsec-explicit-noimp" */
extern const KSEC_PACKAGE KsecKerberosPackage;      /* "Kerberos" (kerberos.c) */

/* The package registered under Name (exact match, listed or not), or NULL. */
const KSEC_PACKAGE *KsecFindPackage(PCSTR Name);
/* The listed package named Name (ASCII case-insensitive), or NULL. */
const KSEC_PACKAGE *KsecFindListedPackage(PCSTR Name);

/* ---- Helpers for packages (buffers.c) ------------------------------------------------------ */

/* The first buffer of Desc whose type (without SECBUFFER_ATTRMASK bits) is Type, or NULL. */
PSecBuffer KsecFindBuffer(PSecBufferDesc Desc, ULONG Type);

/*
 * KsecWriteOutputToken - writes Length bytes to the first SECBUFFER_TOKEN of Step->Output:
 * into the caller's buffer, or into a new context buffer when Step->ContextReq has
 * ISC_REQ_ALLOCATE_MEMORY (= ASC_REQ_ALLOCATE_MEMORY; then ALLOCATED_MEMORY joins
 * Step->ContextAttr and the caller frees it with FreeContextBuffer). SEC_E_OK,
 * SEC_E_INVALID_TOKEN (no output token buffer), SEC_E_BUFFER_TOO_SMALL,
 * SEC_E_INSUFFICIENT_MEMORY. Length 0 sets cbBuffer 0 and allocates nothing.
 */
SECURITY_STATUS KsecWriteOutputToken(PKSEC_STEP Step, const VOID *Data, ULONG Length);

/* Context-buffer memory (FreeContextBuffer frees it). NULL when out of memory. */
PVOID KsecAllocateContextBuffer(SIZE_T Size);
/* A NUL-terminated UTF-16 copy of UTF-8 Text in a context buffer; NULL when out of memory or
 * Text is not valid UTF-8. */
PWSTR KsecAllocateWideString(PCSTR Text);

/*
 * KsecUtf16ToUtf8 - a NUL-terminated UTF-8 copy of Count UTF-16 units at Text (ExFreePool).
 * STATUS_SUCCESS; STATUS_INVALID_PARAMETER (unpaired surrogate, an embedded NUL, Text NULL
 * with Count > 0); STATUS_NO_MEMORY. Count 0 gives "".
 */
NTSTATUS KsecUtf16ToUtf8(const WCHAR *Text, SIZE_T Count, PSTR *Utf8);
/* The same for a SECURITY_STRING (Length odd or > MaximumLength: STATUS_INVALID_PARAMETER). */
NTSTATUS KsecSecurityStringToUtf8(PSECURITY_STRING String, PSTR *Utf8);

/* TimeStamp (UTC, 100 ns since 1601) of a Unix time. */
TimeStamp KsecTimeStampFromUnix(LONGLONG Seconds);

/* ---- Handle table (handles.c) -------------------------------------------------------------- */

#define KSEC_KIND_CREDENTIAL 1UL
#define KSEC_KIND_CONTEXT    2UL

/* The header every object named by a handle starts with. */
typedef struct _KSEC_OBJECT {
    _Atomic LONG RefCount;
    ULONG Kind;
    VOID (*Destroy)(struct _KSEC_OBJECT *Object); /* runs at the last reference, no lock held */
} KSEC_OBJECT, *PKSEC_OBJECT;

VOID KsecReferenceObject(PKSEC_OBJECT Object);
VOID KsecDereferenceObject(PKSEC_OBJECT Object);

/*
 * KsecInsertHandle - a new handle naming Object. On STATUS_SUCCESS the table owns one
 * reference the caller gave it; on failure the caller keeps it. *Handle is zeroed on
 * failure. STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES (262,144 live handles).
 */
NTSTATUS KsecInsertHandle(PKSEC_OBJECT Object, PSecHandle Handle);
/* The object Handle names if it is live and of Kind, with a NEW reference; else NULL.
 * Reads the caller's handle once; garbage is never dereferenced. */
PKSEC_OBJECT KsecReferenceHandle(PSecHandle Handle, ULONG Kind);
/* Ends Handle (live, of Kind) and releases the table's reference: TRUE; else FALSE. */
BOOLEAN KsecRemoveHandle(PSecHandle Handle, ULONG Kind);
/* Live handles of Kind. */
ULONG KsecHandleCount(ULONG Kind);

/* ---- Contexts (context.c) ------------------------------------------------------------------- */

/*
 * KsecInsertContext - a new COMPLETED context of Package (no package state) holding Token (may
 * be NULL: incomplete) at Level. Consumes the caller's reference on Token on success AND on
 * failure. *Handle receives the new handle; zeroed on failure.
 * STATUS_SUCCESS, STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES (table full).
 */
NTSTATUS KsecInsertContext(const KSEC_PACKAGE *Package, PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                           PCtxtHandle Handle);

/*
 * KsecInsertCompletedContext - a new completed server context of Package owning
 * PackageContext (DeleteContext at the end) and Token's single reference at Level, as if an
 * AcceptStep had returned them. Both are consumed on failure too. STATUS_SUCCESS,
 * STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS KsecInsertCompletedContext(const KSEC_PACKAGE *Package, PVOID PackageContext, PTOKEN Token,
                                    SECURITY_IMPERSONATION_LEVEL Level, ULONG ContextAttr, PCtxtHandle Handle);

/* What KsecReferenceContext copies out of a live context. */
typedef struct _KSEC_CONTEXT_VIEW {
    const KSEC_PACKAGE *Package;
    PTOKEN Token;                       /* referenced for the caller, or NULL (incomplete) */
    SECURITY_IMPERSONATION_LEVEL Level; /* the token's level */
} KSEC_CONTEXT_VIEW, *PKSEC_CONTEXT_VIEW;

/*
 * KsecReferenceContext - looks Handle up (NULL, garbage, deleted, a credential handle: FALSE).
 * On TRUE, View->Token (when non-NULL) carries a NEW reference the caller releases with
 * ObDereferenceObject, so the token outlives a concurrent DeleteSecurityContext. Takes a slot
 * lock and the context's state lock, never its operation lock.
 */
BOOLEAN KsecReferenceContext(PCtxtHandle Handle, PKSEC_CONTEXT_VIEW View);

/* ---- ntsec-local (localpeer.c, local_message.c) ------------------------------------------- */

/*
 * KsecBuildPeerToken - the "ntsec-local" token for a peer with Uid, Gid and Groups (as the
 * kernel reported them; any values, duplicates allowed) at Level (already validated, not
 * Delegation). On success *Token holds the single reference. Pure: no syscalls (fuzzed).
 */
NTSTATUS KsecBuildPeerToken(uid_t Uid, gid_t Gid, const gid_t *Groups, ULONG GroupCount,
                            SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token);

/* The kernel's facts about the peer of a connected AF_UNIX socket (KsecQueryPeer). */
typedef struct _KSEC_PEER_FACTS {
    uid_t Uid;
    gid_t Gid;
    pid_t Pid;      /* SO_PEERCRED; informational only */
    int PidFd;      /* SO_PEERPIDFD, or -1 (kernel < 6.5); owned by whoever holds the facts */
    gid_t *Groups;  /* SO_PEERGROUPS (ExFreePool) */
    ULONG GroupCount;
} KSEC_PEER_FACTS, *PKSEC_PEER_FACTS;

/*
 * KsecQueryPeer - fills Facts for Socket (queried only, never read or closed). On success
 * the caller owns Facts->Groups and Facts->PidFd (KsecFreePeerFacts). STATUS_INVALID_HANDLE
 * (not a socket), STATUS_INVALID_PARAMETER (not AF_UNIX stream/seqpacket, listening, not
 * connected), STATUS_NOT_SUPPORTED (no SO_PEERGROUPS), STATUS_NO_MEMORY /
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS KsecQueryPeer(int Socket, PKSEC_PEER_FACTS Facts);
/* Test seam: the getsockopt option KsecQueryPeer asks for the pidfd (0: SO_PEERPIDFD). A
 * test sets an option the kernel does not know to see the pre-6.5 fallback. Not for
 * production use; read without synchronization. */
extern int KsecPeerPidFdOption;
VOID KsecFreePeerFacts(PKSEC_PEER_FACTS Facts);

/* NtsecAcceptLocalPeer's path (local_package.c): the real accept with a message made here
 * that asks for Level. */
NTSTATUS KsecLocalAcceptSocket(int Socket, SECURITY_IMPERSONATION_LEVEL Level, PCtxtHandle Context);

#endif /* NTSEC_KSECP_H */
