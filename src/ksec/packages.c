/*
 * packages.c - the security packages ksec knows and the entry points that make contexts
 * (docs/sspi.md "Packages").
 */
#include <string.h>
#include "ksec/ksecp.h"

/*
 * KsecpKerberosAccept - Kerberos needs a KDC, keys and an AP-REQ exchange that this library
 * does not have. Fail closed: STATUS_NOT_IMPLEMENTED, *Token untouched, nothing referenced.
 */
static NTSTATUS KsecpKerberosAccept(int Socket, SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token)
{
    return STATUS_NOT_IMPLEMENTED;
}

const KSEC_PACKAGE KsecLocalPackage = {
    "ntsec-local", KSEC_PACKAGE_IMPERSONATION | KSEC_PACKAGE_ACCEPT_SOCKET, KsecLocalAccept};
const KSEC_PACKAGE KsecExplicitPackage = {"ntsec-explicit", KSEC_PACKAGE_IMPERSONATION, NULL};
const KSEC_PACKAGE KsecExplicitNoImpPackage = {"ntsec-explicit-noimp", 0, NULL};
/* Kerberos can impersonate on Windows; here no context of it can ever be made. */
const KSEC_PACKAGE KsecKerberosPackage = {"Kerberos", KSEC_PACKAGE_IMPERSONATION, KsecpKerberosAccept};

static const KSEC_PACKAGE *const KsecpPackages[] = {
    &KsecLocalPackage, &KsecExplicitPackage, &KsecExplicitNoImpPackage, &KsecKerberosPackage};

const KSEC_PACKAGE *KsecFindPackage(PCSTR Name)
{
    if (Name == NULL)
        return NULL;
    for (ULONG i = 0; i < sizeof(KsecpPackages) / sizeof(KsecpPackages[0]); i++)
        if (strcmp(KsecpPackages[i]->Name, Name) == 0)
            return KsecpPackages[i];
    return NULL;
}

/*
 * NtsecAcceptPackagePeer - see ntsec.h. The package's AcceptSocket hands its token's single
 * reference to KsecInsertContext, which keeps it in the new context (or releases it when the
 * table cannot take the context). No reference is left with the caller.
 * @remarks Only packages that authenticate a peer by themselves accept sockets; the explicit
 * test packages do not (STATUS_INVALID_PARAMETER), Kerberos is STATUS_NOT_IMPLEMENTED.
 */
NTSTATUS NtsecAcceptPackagePeer(PCSTR PackageName, int ConnectedSocket, SECURITY_IMPERSONATION_LEVEL Level,
                                struct _SecHandle *Context)
{
    if (Context == NULL)
        return STATUS_INVALID_PARAMETER;
    memset(Context, 0, sizeof(*Context));
    const KSEC_PACKAGE *package = KsecFindPackage(PackageName);
    if (package == NULL)
        return STATUS_NO_SUCH_PACKAGE;
    if (package->AcceptSocket == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!VALID_IMPERSONATION_LEVEL(Level))
        return STATUS_INVALID_PARAMETER;
    PTOKEN token = NULL;
    NTSTATUS status = package->AcceptSocket(ConnectedSocket, Level, &token);
    if (!NT_SUCCESS(status))
        return status;
    return KsecInsertContext(package, token, token->ImpersonationLevel, Context);
}

/* NtsecAcceptLocalPeer - see ntsec.h; NtsecAcceptPackagePeer("ntsec-local", ...). */
NTSTATUS NtsecAcceptLocalPeer(int ConnectedSocket, SECURITY_IMPERSONATION_LEVEL Level, struct _SecHandle *Context)
{
    return NtsecAcceptPackagePeer(KsecLocalPackage.Name, ConnectedSocket, Level, Context);
}

/*
 * NtsecCreateSecurityContextForToken - see ntsec.h.
 * References: the caller's reference on Token is never consumed. An impersonation token
 * already at Level gets one new reference, owned by the context; otherwise the context owns
 * the single reference of a new duplicate (SepDuplicateToken, no EffectiveOnly filtering).
 */
NTSTATUS NtsecCreateSecurityContextForToken(PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level, ULONG Flags,
                                            struct _SecHandle *Context)
{
    if (Context == NULL)
        return STATUS_INVALID_PARAMETER;
    memset(Context, 0, sizeof(*Context));
    if ((Flags & ~(NTSEC_SECCTX_NO_IMPERSONATION | NTSEC_SECCTX_INCOMPLETE)) != 0 ||
        !VALID_IMPERSONATION_LEVEL(Level))
        return STATUS_INVALID_PARAMETER;
    const KSEC_PACKAGE *package =
        (Flags & NTSEC_SECCTX_NO_IMPERSONATION) ? &KsecExplicitNoImpPackage : &KsecExplicitPackage;
    if (Flags & NTSEC_SECCTX_INCOMPLETE) {
        if (Token != NULL)
            return STATUS_INVALID_PARAMETER;
        return KsecInsertContext(package, NULL, Level, Context);
    }
    if (Token == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, "NtsecCreateSecurityContextForToken"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN source = Token, token = NULL;
    if (source->TokenType == TokenImpersonation && source->ImpersonationLevel == Level) {
        ObReferenceObject(source);
        token = source;
    } else {
        NTSTATUS status = SepDuplicateToken(source, TokenImpersonation, Level, FALSE,
                                            "token (security context)", &token);
        if (!NT_SUCCESS(status))
            return status;
    }
    return KsecInsertContext(package, token, Level, Context);
}
