/*
 * attributes.c - QueryContextAttributesW and QueryCredentialsAttributesW (docs/sspi.md
 * "Attributes"). The framework answers SECPKG_ATTR_PACKAGE_INFO, SECPKG_ATTR_FLAGS and
 * SECPKG_ATTR_LIFESPAN itself; the package answers the rest.
 */
#include <string.h>
#include "ksec/ksecframe.h"

/*
 * QueryContextAttributesW - see sspi.h. Holds a reference on the context and its operation
 * lock while the package answers. SEC_E_INVALID_HANDLE, SEC_E_INVALID_PARAMETER (pBuffer
 * NULL), SEC_E_INSUFFICIENT_MEMORY, SEC_E_UNSUPPORTED_FUNCTION (an attribute the package does
 * not provide), or the package's status.
 */
SECURITY_STATUS SEC_ENTRY QueryContextAttributesW(PCtxtHandle phContext, ULONG ulAttribute, PVOID pBuffer)
{
    PKSEC_CONTEXT context = KsecpReferenceContextObject(phContext);
    if (context == NULL)
        return SEC_E_INVALID_HANDLE;
    SECURITY_STATUS status = SEC_E_OK;
    if (pBuffer == NULL) {
        KsecDereferenceObject(&context->Header);
        return SEC_E_INVALID_PARAMETER;
    }
    pthread_mutex_lock(&context->OpLock);
    switch (ulAttribute) {
    case SECPKG_ATTR_PACKAGE_INFO: {
        PSecPkgContext_PackageInfoW info = pBuffer;
        info->PackageInfo = KsecpAllocatePackageInfo(context->Package);
        status = info->PackageInfo == NULL ? SEC_E_INSUFFICIENT_MEMORY : SEC_E_OK;
        break;
    }
    case SECPKG_ATTR_FLAGS:
        ((PSecPkgContext_Flags)pBuffer)->Flags = context->ContextAttr;
        break;
    case SECPKG_ATTR_LIFESPAN:
        ((PSecPkgContext_Lifespan)pBuffer)->tsStart = context->Start;
        ((PSecPkgContext_Lifespan)pBuffer)->tsExpiry = context->Expiry;
        break;
    default:
        status = context->Package->QueryContextAttributes == NULL || context->PackageContext == NULL
                     ? SEC_E_UNSUPPORTED_FUNCTION
                     : context->Package->QueryContextAttributes(context->PackageContext, ulAttribute, pBuffer);
        break;
    }
    pthread_mutex_unlock(&context->OpLock);
    KsecDereferenceObject(&context->Header);
    return status;
}

/* QueryCredentialsAttributesW - see sspi.h. The package answers (concurrently with other users
 * of the credential: ksecp.h). */
SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesW(PCredHandle phCredential, ULONG ulAttribute, PVOID pBuffer)
{
    PKSEC_CREDENTIAL credential = KsecpReferenceCredentialObject(phCredential);
    if (credential == NULL)
        return SEC_E_INVALID_HANDLE;
    SECURITY_STATUS status;
    if (pBuffer == NULL)
        status = SEC_E_INVALID_PARAMETER;
    else if (credential->Package->QueryCredentialsAttributes == NULL)
        status = SEC_E_UNSUPPORTED_FUNCTION;
    else
        status = credential->Package->QueryCredentialsAttributes(credential->PackageCredential, ulAttribute, pBuffer);
    KsecDereferenceObject(&credential->Header);
    return status;
}
