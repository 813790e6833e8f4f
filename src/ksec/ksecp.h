/*
 * ksecp.h - private interface of the ksecdd layer (docs/sspi.md).
 *
 *   context.c    the security-context table (handles, lookup, delete, query token)
 *   impersonate.c ImpersonateSecurityContext / RevertSecurityContext (spec 2.19)
 *   packages.c   the package table and the accept-by-name entry point
 *   localpeer.c  package "ntsec-local": SO_PEERCRED / SO_PEERGROUPS -> token
 *
 * Lock order: a context slot's lock is a leaf. Nothing that can run a token's delete
 * procedure, evaluate the impersonation rule or allocate runs under it; the table lock (free
 * list, chunk creation) is never held together with a slot lock.
 */
#ifndef NTSEC_KSECP_H
#define NTSEC_KSECP_H

#include <sys/types.h>
#include "sspi.h"
#include "se/sep.h"

/* KSEC_PACKAGE::Capabilities */
#define KSEC_PACKAGE_IMPERSONATION 0x00000001UL /* ImpersonateSecurityContext is meaningful */
#define KSEC_PACKAGE_ACCEPT_SOCKET 0x00000002UL /* AcceptSocket authenticates a real peer */

/*
 * A security package. AcceptSocket authenticates the peer of Socket and returns, on success,
 * an impersonation token at Level whose single reference *Token owns (it passes to the
 * context). Packages that cannot authenticate here return STATUS_NOT_IMPLEMENTED.
 */
typedef struct _KSEC_PACKAGE {
    PCSTR Name;
    ULONG Capabilities;
    NTSTATUS (*AcceptSocket)(int Socket, SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token);
} KSEC_PACKAGE, *PKSEC_PACKAGE;

extern const KSEC_PACKAGE KsecLocalPackage;        /* "ntsec-local" */
extern const KSEC_PACKAGE KsecExplicitPackage;     /* "ntsec-explicit" (test hook) */
extern const KSEC_PACKAGE KsecExplicitNoImpPackage; /* "ntsec-explicit-noimp" */
extern const KSEC_PACKAGE KsecKerberosPackage;     /* "Kerberos" (not implemented) */

/* "ntsec-local"'s AcceptSocket (localpeer.c). */
NTSTATUS KsecLocalAccept(int Socket, SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token);

/* The package registered under Name (exact match), or NULL. */
const KSEC_PACKAGE *KsecFindPackage(PCSTR Name);

/*
 * KsecInsertContext - a new table entry for Package holding Token (may be NULL: incomplete)
 * at Level. Consumes the caller's reference on Token on success AND on failure (the entry
 * owns it, or it is released). *Handle receives the new handle; zeroed on failure.
 * STATUS_SUCCESS, STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES (table full).
 */
NTSTATUS KsecInsertContext(const KSEC_PACKAGE *Package, PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                           PCtxtHandle Handle);

/* What KsecReferenceContext copies out of a live entry. */
typedef struct _KSEC_CONTEXT_VIEW {
    const KSEC_PACKAGE *Package;
    PTOKEN Token;                       /* referenced for the caller, or NULL (incomplete) */
    SECURITY_IMPERSONATION_LEVEL Level; /* the token's level */
} KSEC_CONTEXT_VIEW, *PKSEC_CONTEXT_VIEW;

/*
 * KsecReferenceContext - looks Handle up (NULL, garbage, deleted: FALSE). On TRUE, View->Token
 * (when non-NULL) carries a NEW reference the caller releases with ObDereferenceObject, so the
 * token outlives a concurrent DeleteSecurityContext. Takes only the slot's lock.
 */
BOOLEAN KsecReferenceContext(PCtxtHandle Handle, PKSEC_CONTEXT_VIEW View);

/*
 * KsecBuildPeerToken - the "ntsec-local" token for a peer with Uid, Gid and Groups (as the
 * kernel reported them; any values, duplicates allowed) at Level (already validated, not
 * Delegation). On success *Token holds the single reference. Pure: no syscalls (fuzzed).
 */
NTSTATUS KsecBuildPeerToken(uid_t Uid, gid_t Gid, const gid_t *Groups, ULONG GroupCount,
                            SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token);

#endif /* NTSEC_KSECP_H */
