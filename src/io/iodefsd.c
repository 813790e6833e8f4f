/*
 * iodefsd.c - the default security descriptor of a device object (IoCreateDevice):
 * O:BA G:SY D:(A;;FA;;;SY)(A;;FA;;;BA)(A;;FRFX;;;WD)(A;;FRFX;;;RC).
 */
#include <pthread.h>
#include "io/iop.h"
#include "se/sep.h"

static pthread_once_t IopDefaultSdOnce = PTHREAD_ONCE_INIT;
static ULONG IopDefaultSdBuffer[128];
static PSECURITY_DESCRIPTOR IopDefaultSd;

/* O:BA G:SY D:(A;;FA;;;SY)(A;;FA;;;BA)(A;;FRFX;;;WD)(A;;FRFX;;;RC) in static storage, built
 * once with the Rtl routines (no pool: devices share it and nothing frees it). */
static VOID IopBuildDefaultSd(VOID)
{
    ULONG acl[64];
    PSE_EXPORTS x = SeExports;
    SECURITY_DESCRIPTOR absolute;
    ACCESS_MASK rx = FILE_GENERIC_READ | FILE_GENERIC_EXECUTE;
    if (!NT_SUCCESS(RtlCreateAcl((PACL)acl, sizeof acl, ACL_REVISION)) ||
        !NT_SUCCESS(RtlAddAccessAllowedAce((PACL)acl, ACL_REVISION, FILE_ALL_ACCESS, x->SeLocalSystemSid)) ||
        !NT_SUCCESS(RtlAddAccessAllowedAce((PACL)acl, ACL_REVISION, FILE_ALL_ACCESS, x->SeAliasAdminsSid)) ||
        !NT_SUCCESS(RtlAddAccessAllowedAce((PACL)acl, ACL_REVISION, rx, x->SeWorldSid)) ||
        !NT_SUCCESS(RtlAddAccessAllowedAce((PACL)acl, ACL_REVISION, rx, x->SeRestrictedSid)))
        return;
    RtlCreateSecurityDescriptor(&absolute, SECURITY_DESCRIPTOR_REVISION);
    RtlSetOwnerSecurityDescriptor(&absolute, x->SeAliasAdminsSid, FALSE);
    RtlSetGroupSecurityDescriptor(&absolute, x->SeLocalSystemSid, FALSE);
    RtlSetDaclSecurityDescriptor(&absolute, TRUE, (PACL)acl, FALSE);
    ULONG size = sizeof IopDefaultSdBuffer;
    if (NT_SUCCESS(RtlAbsoluteToSelfRelativeSD(&absolute, IopDefaultSdBuffer, &size)))
        IopDefaultSd = IopDefaultSdBuffer;
}

/* IopDefaultDeviceSecurityDescriptor - see iop.h. No references. */
PSECURITY_DESCRIPTOR IopDefaultDeviceSecurityDescriptor(VOID)
{
    pthread_once(&IopDefaultSdOnce, IopBuildDefaultSd);
    return IopDefaultSd;
}
