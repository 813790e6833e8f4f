/*
 * objectopen.c - the access check of a UserMode open of an object (ObOpenObjectByPointer
 * through ob's security method, obp.h; Windows' ObCheckObjectAccess).
 */
#include "ntsec.h"
#include "se/sep.h"

/* The check for AccessState's subject; granted bits move from its remaining access to its
 * previously granted access, which becomes *GrantedAccess. */
static NTSTATUS SepCheckOpenForState(PSECURITY_DESCRIPTOR SecurityDescriptor, PACCESS_STATE AccessState,
                                     PGENERIC_MAPPING GenericMapping, PACCESS_MASK GrantedAccess)
{
    NTSTATUS status = STATUS_SUCCESS;
    PPRIVILEGE_SET privileges = NULL;
    ACCESS_MASK granted = 0;
    SeLockSubjectContext(&AccessState->SubjectSecurityContext);
    BOOLEAN ok = SeAccessCheck(SecurityDescriptor, &AccessState->SubjectSecurityContext, TRUE,
                               AccessState->RemainingDesiredAccess,
                               AccessState->PreviouslyGrantedAccess, &privileges, GenericMapping,
                               UserMode, &granted, &status);
    SeUnlockSubjectContext(&AccessState->SubjectSecurityContext);
    if (privileges != NULL) {
        NTSTATUS appended = SeAppendPrivileges(AccessState, privileges);
        SeFreePrivileges(privileges);
        if (ok && !NT_SUCCESS(appended)) {
            ok = FALSE;
            status = appended;
        }
    }
    if (!ok)
        return NT_SUCCESS(status) ? STATUS_ACCESS_DENIED : status;
    AccessState->RemainingDesiredAccess &= ~granted;
    AccessState->PreviouslyGrantedAccess |= granted;
    *GrantedAccess = AccessState->PreviouslyGrantedAccess;
    return STATUS_SUCCESS;
}

/*
 * SepCheckObjectOpen - see sep.h. References: PassedAccessState and its subject context
 * stay the caller's; without one, the caller's subject context is captured for the check
 * and released before returning. SecurityDescriptor is only read.
 */
NTSTATUS SepCheckObjectOpen(PSECURITY_DESCRIPTOR SecurityDescriptor, PACCESS_STATE PassedAccessState,
                            ACCESS_MASK DesiredAccess, PGENERIC_MAPPING GenericMapping,
                            PACCESS_MASK GrantedAccess)
{
    *GrantedAccess = 0;
    if (PassedAccessState != NULL)
        return SepCheckOpenForState(SecurityDescriptor, PassedAccessState, GenericMapping, GrantedAccess);
    ACCESS_STATE local;
    AUX_ACCESS_DATA aux;
    NTSTATUS status = SeCreateAccessState(&local, &aux, DesiredAccess, GenericMapping);
    if (!NT_SUCCESS(status))
        return status;
    status = SepCheckOpenForState(SecurityDescriptor, &local, GenericMapping, GrantedAccess);
    SeDeleteAccessState(&local);
    return status;
}
