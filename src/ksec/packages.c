/*
 * packages.c - the security packages ksec knows, EnumerateSecurityPackagesW,
 * QuerySecurityPackageInfoW, and the Ntsec entry points that make contexts without a
 * handshake (docs/sspi.md "Packages"). Adding a package is adding its KSEC_PACKAGE here.
 */
#include <string.h>
#include <strings.h>
#include "ksec/ksecframe.h"

const KSEC_PACKAGE KsecExplicitPackage = {
    .Name = "ntsec-explicit", .Comment = "contexts made by NtsecCreateSecurityContextForToken",
    .Version = 1, .RpcId = SECPKG_ID_NONE,
    .KsecFlags = KSEC_PACKAGE_IMPERSONATION | KSEC_PACKAGE_UNLISTED | KSEC_PACKAGE_EXPLICIT};
const KSEC_PACKAGE KsecExplicitNoImpPackage = {
    .Name = "ntsec-explicit-noimp", .Comment = "explicit contexts of a package that cannot impersonate",
    .Version = 1, .RpcId = SECPKG_ID_NONE, .KsecFlags = KSEC_PACKAGE_UNLISTED | KSEC_PACKAGE_EXPLICIT};

extern const KSEC_PACKAGE KsecNegotiatePackage; /* kerberos.c */
static const KSEC_PACKAGE *const KsecpPackages[] = {
    &KsecLocalPackage, &KsecKerberosPackage, &KsecNegotiatePackage, &KsecExplicitPackage, &KsecExplicitNoImpPackage};
#define KSECP_PACKAGE_COUNT (sizeof(KsecpPackages) / sizeof(KsecpPackages[0]))

const KSEC_PACKAGE *KsecFindPackage(PCSTR Name)
{
    if (Name == NULL)
        return NULL;
    for (ULONG i = 0; i < KSECP_PACKAGE_COUNT; i++)
        if (strcmp(KsecpPackages[i]->Name, Name) == 0)
            return KsecpPackages[i];
    return NULL;
}

const KSEC_PACKAGE *KsecFindListedPackage(PCSTR Name)
{
    if (Name == NULL)
        return NULL;
    for (ULONG i = 0; i < KSECP_PACKAGE_COUNT; i++)
        if (!(KsecpPackages[i]->KsecFlags & KSEC_PACKAGE_UNLISTED) && strcasecmp(KsecpPackages[i]->Name, Name) == 0)
            return KsecpPackages[i];
    return NULL;
}

/* Bytes of a NUL-terminated UTF-16 copy of ASCII Text. */
static SIZE_T KsecpWideSize(PCSTR Text)
{
    return (strlen(Text) + 1) * sizeof(WCHAR);
}

/* Copies ASCII Text as UTF-16 at *Cursor, advancing it; returns the copy. */
static PWSTR KsecpPutWide(PUCHAR *Cursor, PCSTR Text)
{
    PWSTR out = (PWSTR)*Cursor;
    SIZE_T n = strlen(Text);
    for (SIZE_T i = 0; i < n; i++)
        out[i] = (WCHAR)(UCHAR)Text[i];
    out[n] = 0;
    *Cursor += (n + 1) * sizeof(WCHAR);
    return out;
}

static VOID KsecpFillInfo(PSecPkgInfoW Info, const KSEC_PACKAGE *Package, PUCHAR *Cursor)
{
    Info->fCapabilities = Package->Capabilities;
    Info->wVersion = Package->Version;
    Info->wRPCID = Package->RpcId;
    Info->cbMaxToken = Package->MaxToken;
    Info->Name = KsecpPutWide(Cursor, Package->Name);
    Info->Comment = KsecpPutWide(Cursor, Package->Comment);
}

/* One context buffer holding a SecPkgInfoW for Package and its strings (attributes.c). */
PSecPkgInfoW KsecpAllocatePackageInfo(const KSEC_PACKAGE *Package)
{
    SIZE_T size = sizeof(SecPkgInfoW) + KsecpWideSize(Package->Name) + KsecpWideSize(Package->Comment);
    PSecPkgInfoW info = KsecAllocateContextBuffer(size);
    if (info == NULL)
        return NULL;
    PUCHAR cursor = (PUCHAR)(info + 1);
    KsecpFillInfo(info, Package, &cursor);
    return info;
}

/*
 * EnumerateSecurityPackagesW - see sspi.h: the listed packages (those that work), in one
 * context buffer. SEC_E_INVALID_PARAMETER, SEC_E_INSUFFICIENT_MEMORY.
 */
SECURITY_STATUS SEC_ENTRY EnumerateSecurityPackagesW(PULONG pcPackages, PSecPkgInfoW *ppPackageInfo)
{
    if (pcPackages == NULL || ppPackageInfo == NULL)
        return SEC_E_INVALID_PARAMETER;
    *pcPackages = 0;
    *ppPackageInfo = NULL;
    ULONG count = 0;
    SIZE_T size = 0;
    for (ULONG i = 0; i < KSECP_PACKAGE_COUNT; i++) {
        if (KsecpPackages[i]->KsecFlags & KSEC_PACKAGE_UNLISTED)
            continue;
        count++;
        size += sizeof(SecPkgInfoW) + KsecpWideSize(KsecpPackages[i]->Name) + KsecpWideSize(KsecpPackages[i]->Comment);
    }
    PSecPkgInfoW infos = KsecAllocateContextBuffer(size);
    if (infos == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    PUCHAR cursor = (PUCHAR)(infos + count);
    ULONG k = 0;
    for (ULONG i = 0; i < KSECP_PACKAGE_COUNT; i++)
        if (!(KsecpPackages[i]->KsecFlags & KSEC_PACKAGE_UNLISTED))
            KsecpFillInfo(&infos[k++], KsecpPackages[i], &cursor);
    *pcPackages = count;
    *ppPackageInfo = infos;
    return SEC_E_OK;
}

/*
 * QuerySecurityPackageInfoW - see sspi.h. pPackageName NULL, malformed or not listed ->
 * SEC_E_SECPKG_NOT_FOUND; ppPackageInfo NULL -> SEC_E_INVALID_PARAMETER.
 */
SECURITY_STATUS SEC_ENTRY QuerySecurityPackageInfoW(PSECURITY_STRING pPackageName, PSecPkgInfoW *ppPackageInfo)
{
    if (ppPackageInfo == NULL)
        return SEC_E_INVALID_PARAMETER;
    *ppPackageInfo = NULL;
    PSTR name = NULL;
    if (!NT_SUCCESS(KsecSecurityStringToUtf8(pPackageName, &name)))
        return SEC_E_SECPKG_NOT_FOUND;
    const KSEC_PACKAGE *package = KsecFindListedPackage(name);
    ExFreePool(name);
    if (package == NULL)
        return SEC_E_SECPKG_NOT_FOUND;
    *ppPackageInfo = KsecpAllocatePackageInfo(package);
    return *ppPackageInfo == NULL ? SEC_E_INSUFFICIENT_MEMORY : SEC_E_OK;
}

/*
 * NtsecAcceptPackagePeer - see ntsec.h. Only ntsec-local authenticates a bare socket: it runs
 * its real accept path (KsecLocalAcceptSocket). The explicit test packages accept nothing
 * (STATUS_INVALID_PARAMETER); packages that need a handshake are STATUS_NOT_IMPLEMENTED here.
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
    if (package->KsecFlags & KSEC_PACKAGE_EXPLICIT)
        return STATUS_INVALID_PARAMETER;
    if (!VALID_IMPERSONATION_LEVEL(Level))
        return STATUS_INVALID_PARAMETER;
    if (!(package->KsecFlags & KSEC_PACKAGE_ACCEPT_SOCKET))
        return STATUS_NOT_SUPPORTED; /* a handshake package: AcceptSecurityContext */
    return KsecLocalAcceptSocket(ConnectedSocket, Level, Context);
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
