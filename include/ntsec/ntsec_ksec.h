/*
 * ntsec_ksec.h - SSPI extras of ntsec: local-peer contexts, explicit contexts, table diagnostics.
 * Included by ntsec.h; see ntsec.h for the library-wide rules (buffers from Ntsec*
 * routines are freed with NtsecFree).
 */
#ifndef NTSEC_NTSEC_KSEC_H
#define NTSEC_NTSEC_KSEC_H

#include "ntifs.h"
#include "ntsec_token.h"

NTSEC_EXTERN_C_BEGIN

/* ---- SSPI (ksec) ---- */
/* Security contexts (docs/sspi.md). The handle type is CtxtHandle of sspi.h (struct _SecHandle);
 * include sspi.h for it and for ImpersonateSecurityContext and friends. */
struct _SecHandle;
/*
 * NtsecAcceptLocalPeer - package "ntsec-local": authenticates the peer of a connected AF_UNIX
 * stream/seqpacket socket from the kernel's record of its credentials at connect time
 * (SO_PEERCRED uid/gid, SO_PEERGROUPS supplementary groups; no bytes are read) and makes a
 * completed context holding an impersonation token of that user at Level (Delegation is
 * granted as Impersonation: the package has no credentials to forward). The context owns the
 * token's single reference; *Context receives its handle (DeleteSecurityContext ends it).
 * STATUS_INVALID_PARAMETER (bad level, not AF_UNIX stream, not connected, NULL Context),
 * STATUS_INVALID_HANDLE (not a socket), STATUS_NOT_SUPPORTED (kernel without SO_PEERGROUPS),
 * STATUS_NO_MEMORY / STATUS_INSUFFICIENT_RESOURCES. *Context is zeroed on failure.
 */
NTSEC_API NTSTATUS NtsecAcceptLocalPeer(int ConnectedSocket, SECURITY_IMPERSONATION_LEVEL Level,
                                        struct _SecHandle *Context);
/*
 * NtsecAcceptPackagePeer - the same by package name: "ntsec-local" as above; "Kerberos" and
 * "Negotiate" authenticate through the token exchange of AcceptSecurityContext, never from a
 * bare socket: STATUS_NOT_SUPPORTED; any other name STATUS_NO_SUCH_PACKAGE.
 */
NTSEC_API NTSTATUS NtsecAcceptPackagePeer(PCSTR PackageName, int ConnectedSocket,
                                          SECURITY_IMPERSONATION_LEVEL Level, struct _SecHandle *Context);
/*
 * NtsecCreateSecurityContextForToken - test and embedding hook: a context of package
 * "ntsec-explicit" (or "ntsec-explicit-noimp" with NTSEC_SECCTX_NO_IMPERSONATION, a package
 * that cannot impersonate, like kernel Schannel) holding Token at Level. An impersonation
 * token already at Level is referenced (the context takes one new reference); anything else
 * is duplicated to an impersonation token at Level (the context owns the copy's reference;
 * raising an impersonation token's level gives STATUS_BAD_IMPERSONATION_LEVEL). With
 * NTSEC_SECCTX_INCOMPLETE the context has no token (authentication not finished) and Token
 * must be NULL. STATUS_INVALID_PARAMETER, STATUS_OBJECT_TYPE_MISMATCH, STATUS_NO_MEMORY.
 */
#define NTSEC_SECCTX_NO_IMPERSONATION 0x00000001UL
#define NTSEC_SECCTX_INCOMPLETE       0x00000002UL
NTSEC_API NTSTATUS NtsecCreateSecurityContextForToken(PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                                                      ULONG Flags, struct _SecHandle *Context);
/* The package name of a live context (static string), or NULL for a dead/bad handle. */
NTSEC_API PCSTR NtsecSecurityContextPackage(struct _SecHandle *Context);
/* Live contexts in the table (diagnostics, leak checks in tests). */
NTSEC_API ULONG NtsecSecurityContextCount(VOID);
/* Live credential handles (AcquireCredentialsHandleW not yet freed). */
NTSEC_API ULONG NtsecCredentialsHandleCount(VOID);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_KSEC_H */
