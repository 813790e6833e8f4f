/*
 * accessstate.c - ACCESS_STATE: the state of one open as it passes from the I/O manager to
 * the file system (SeCreateAccessState, SeDeleteAccessState, SeAppendPrivileges) and the
 * audit alarm of an open (SeOpenObjectAuditAlarm; ntsec does not audit).
 */
#include "ntsec.h"
#include "ex/exp.h"
#include "se/sep.h"
#include "ex/pooltags.h"

/* SeCreateAccessState - see ntio.h. References: AccessState->SubjectSecurityContext owns
 * the token references of its capture until SeDeleteAccessState. */
NTSTATUS SeCreateAccessState(PACCESS_STATE AccessState, PVOID AuxData, ACCESS_MASK DesiredAccess,
                             PGENERIC_MAPPING GenericMapping)
{
    if (AccessState == NULL || AuxData == NULL || GenericMapping == NULL)
        return STATUS_INVALID_PARAMETER;
    PAUX_ACCESS_DATA aux = AuxData;
    memset(AccessState, 0, sizeof *AccessState);
    memset(aux, 0, sizeof *aux);
    RtlMapGenericMask(&DesiredAccess, GenericMapping);
    AccessState->OriginalDesiredAccess = DesiredAccess;
    AccessState->RemainingDesiredAccess = DesiredAccess;
    AccessState->OperationID = SepAllocateLuid();
    SeCaptureSubjectContext(&AccessState->SubjectSecurityContext);
    PTOKEN token = SeQuerySubjectContextToken(&AccessState->SubjectSecurityContext);
    if (token != NULL) {
        SepAcquireTokenLockShared(token);
        if (SepTokenPrivilegeEnabled(token, SE_CHANGE_NOTIFY_PRIVILEGE))
            AccessState->Flags |= TOKEN_HAS_TRAVERSE_PRIVILEGE;
        if (SepTokenPrivilegeEnabled(token, SE_BACKUP_PRIVILEGE))
            AccessState->Flags |= TOKEN_HAS_BACKUP_PRIVILEGE;
        if (SepTokenPrivilegeEnabled(token, SE_RESTORE_PRIVILEGE))
            AccessState->Flags |= TOKEN_HAS_RESTORE_PRIVILEGE;
        SepReleaseTokenLock(token);
    }
    AccessState->AuxData = aux;
    aux->PrivilegeSet = &AccessState->Privileges.PrivilegeSet;
    aux->GenericMapping = *GenericMapping;
    return STATUS_SUCCESS;
}

/* SeDeleteAccessState - see ntio.h. Releases the subject context's references and the
 * privilege set SeAppendPrivileges allocated. */
VOID SeDeleteAccessState(PACCESS_STATE AccessState)
{
    if (AccessState == NULL) {
        ExpNullArgument("SeDeleteAccessState", 1, "AccessState");
        return;
    }
    PAUX_ACCESS_DATA aux = AccessState->AuxData;
    if (AccessState->PrivilegesAllocated && aux != NULL && aux->PrivilegeSet != NULL &&
        aux->PrivilegeSet != &AccessState->Privileges.PrivilegeSet)
        ExFreePoolWithTag(aux->PrivilegeSet, SEP_ACCESS_STATE_TAG);
    if (aux != NULL)
        aux->PrivilegeSet = NULL;
    AccessState->PrivilegesAllocated = FALSE;
    SeReleaseSubjectContext(&AccessState->SubjectSecurityContext);
}

/* SeAppendPrivileges - see ntio.h. An allocated set is owned by AccessState. */
NTSTATUS SeAppendPrivileges(PACCESS_STATE AccessState, PPRIVILEGE_SET Privileges)
{
    if (AccessState == NULL || Privileges == NULL || AccessState->AuxData == NULL)
        return STATUS_INVALID_PARAMETER;
    PAUX_ACCESS_DATA aux = AccessState->AuxData;
    PPRIVILEGE_SET current = aux->PrivilegeSet;
    if (current == NULL)
        return STATUS_INVALID_PARAMETER;
    if (Privileges->PrivilegeCount > 0x10000 || current->PrivilegeCount > 0x10000)
        return STATUS_INVALID_PARAMETER;
    ULONG total = current->PrivilegeCount + Privileges->PrivilegeCount;
    if (total <= INITIAL_PRIVILEGE_COUNT && !AccessState->PrivilegesAllocated) {
        memcpy(&current->Privilege[current->PrivilegeCount], Privileges->Privilege,
               Privileges->PrivilegeCount * sizeof(LUID_AND_ATTRIBUTES));
        current->PrivilegeCount = total;
        return STATUS_SUCCESS;
    }
    SIZE_T size = sizeof(PRIVILEGE_SET) + (total ? total - 1 : 0) * sizeof(LUID_AND_ATTRIBUTES);
    PPRIVILEGE_SET grown = ExAllocatePoolWithTag(PagedPool, size, SEP_ACCESS_STATE_TAG);
    if (grown == NULL)
        return STATUS_NO_MEMORY;
    grown->Control = current->Control;
    grown->PrivilegeCount = total;
    memcpy(grown->Privilege, current->Privilege, current->PrivilegeCount * sizeof(LUID_AND_ATTRIBUTES));
    memcpy(&grown->Privilege[current->PrivilegeCount], Privileges->Privilege,
           Privileges->PrivilegeCount * sizeof(LUID_AND_ATTRIBUTES));
    if (AccessState->PrivilegesAllocated)
        ExFreePoolWithTag(current, SEP_ACCESS_STATE_TAG);
    aux->PrivilegeSet = grown;
    AccessState->PrivilegesAllocated = TRUE;
    return STATUS_SUCCESS;
}

/* SeOpenObjectAuditAlarm - see ntio.h. No references. */
VOID SeOpenObjectAuditAlarm(PUNICODE_STRING ObjectTypeName, PVOID Object,
                            PUNICODE_STRING AbsoluteObjectName, PSECURITY_DESCRIPTOR SecurityDescriptor,
                            PACCESS_STATE AccessState, BOOLEAN ObjectCreated, BOOLEAN AccessGranted,
                            KPROCESSOR_MODE AccessMode, PBOOLEAN GenerateOnClose)
{
    (void)ObjectTypeName;
    (void)Object;
    (void)AbsoluteObjectName;
    (void)SecurityDescriptor;
    (void)ObjectCreated;
    (void)AccessGranted;
    (void)AccessMode;
    if (GenerateOnClose == NULL) {
        ExpNullArgument("SeOpenObjectAuditAlarm", 9, "GenerateOnClose");
        return;
    }
    *GenerateOnClose = FALSE;
    if (AccessState == NULL) {
        ExpNullArgument("SeOpenObjectAuditAlarm", 5, "AccessState");
        return;
    }
    AccessState->GenerateOnClose = FALSE;
    AccessState->GenerateAudit = FALSE;
}
