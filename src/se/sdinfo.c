/*
 * sdinfo.c - reading and replacing parts of a security descriptor as the I/O manager's
 * query/set security requests do (SeQuerySecurityDescriptorInfo, SeSetSecurityDescriptorInfo).
 */
#include "ntsec.h"
#include "ps/psp.h"
#include "se/accesschk.h"
#include "se/sep.h"
#include "ex/pooltags.h"

#define SEP_DACL_CONTROL (SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_AUTO_INHERITED | \
                          SE_DACL_PROTECTED | SE_DACL_AUTO_INHERIT_REQ | SE_DACL_UNTRUSTED)
#define SEP_SACL_CONTROL (SE_SACL_PRESENT | SE_SACL_DEFAULTED | SE_SACL_AUTO_INHERITED | \
                          SE_SACL_PROTECTED | SE_SACL_AUTO_INHERIT_REQ)

/*
 * SepBuildSelfRelative - the self-relative form of Absolute in a new pool block (*Out, owned
 * by the caller; free with ExFreePool), or its size only when Out is NULL. Takes no references.
 */
static NTSTATUS SepBuildSelfRelative(PISECURITY_DESCRIPTOR Absolute, PSECURITY_DESCRIPTOR *Out,
                                     PULONG Length)
{
    ULONG needed = 0;
    NTSTATUS status = RtlAbsoluteToSelfRelativeSD(Absolute, NULL, &needed);
    if (status != STATUS_BUFFER_TOO_SMALL && !NT_SUCCESS(status))
        return status;
    *Length = needed;
    if (Out == NULL)
        return STATUS_SUCCESS;
    PSECURITY_DESCRIPTOR sd = ExAllocatePoolWithTag(PagedPool, needed, SEP_SDINFO_TAG);
    if (sd == NULL)
        return STATUS_NO_MEMORY;
    status = RtlAbsoluteToSelfRelativeSD(Absolute, sd, &needed);
    if (!NT_SUCCESS(status)) {
        ExFreePool(sd);
        return status;
    }
    *Out = sd;
    return STATUS_SUCCESS;
}

/* SeQuerySecurityDescriptorInfo - see ntse.h. */
NTSTATUS SeQuerySecurityDescriptorInfo(PSECURITY_INFORMATION SecurityInformation,
                                       PSECURITY_DESCRIPTOR SecurityDescriptor, PULONG Length,
                                       PSECURITY_DESCRIPTOR *ObjectsSecurityDescriptor)
{
    if (SecurityInformation == NULL || Length == NULL || ObjectsSecurityDescriptor == NULL)
        return STATUS_INVALID_PARAMETER;
    SECURITY_INFORMATION info = *SecurityInformation;
    SECURITY_DESCRIPTOR absolute;
    RtlCreateSecurityDescriptor(&absolute, SECURITY_DESCRIPTOR_REVISION);
    if (*ObjectsSecurityDescriptor != NULL) {
        SEP_SD_VIEW view;
        NTSTATUS status = SepCaptureSdView(*ObjectsSecurityDescriptor, &view);
        if (!NT_SUCCESS(status))
            return status;
        if (info & OWNER_SECURITY_INFORMATION) {
            absolute.Owner = view.Owner;
            absolute.Control |= view.Control & SE_OWNER_DEFAULTED;
        }
        if (info & GROUP_SECURITY_INFORMATION) {
            absolute.Group = view.Group;
            absolute.Control |= view.Control & SE_GROUP_DEFAULTED;
        }
        if (info & DACL_SECURITY_INFORMATION) {
            absolute.Dacl = view.DaclPresent ? view.Dacl : NULL;
            absolute.Control |= view.Control & SEP_DACL_CONTROL;
        }
        if (info & (SACL_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION)) {
            absolute.Sacl = view.SaclPresent ? view.Sacl : NULL;
            absolute.Control |= view.Control & SEP_SACL_CONTROL;
        }
    }
    ULONG needed = 0;
    NTSTATUS status = SepBuildSelfRelative(&absolute, NULL, &needed);
    if (!NT_SUCCESS(status))
        return status;
    if (*Length < needed || SecurityDescriptor == NULL) {
        *Length = needed;
        return STATUS_BUFFER_TOO_SMALL;
    }
    *Length = needed;
    ULONG size = needed;
    return RtlAbsoluteToSelfRelativeSD(&absolute, SecurityDescriptor, &size);
}

/*
 * SepMapAclCopy - a pool copy of Acl (NULL for NULL) whose effective ACEs of the basic
 * allowed/denied/audit types have their generic rights mapped by Mapping. *Copy is owned
 * by the caller (ExFreePool).
 */
static NTSTATUS SepMapAclCopy(PACL Acl, PGENERIC_MAPPING Mapping, PACL *Copy)
{
    *Copy = NULL;
    if (Acl == NULL)
        return STATUS_SUCCESS;
    PACL copy = ExAllocatePoolWithTag(PagedPool, Acl->AclSize, SEP_SDINFO_TAG);
    if (copy == NULL)
        return STATUS_NO_MEMORY;
    memcpy(copy, Acl, Acl->AclSize);
    for (ULONG i = 0; i < copy->AceCount; i++) {
        PACE_HEADER ace;
        if (!NT_SUCCESS(RtlGetAce(copy, i, (PVOID *)&ace)))
            break;
        if (ace->AceType > SYSTEM_ALARM_ACE_TYPE || (ace->AceFlags & INHERIT_ONLY_ACE) ||
            ace->AceSize < sizeof(ACCESS_ALLOWED_ACE))
            continue;
        RtlMapGenericMask(&((PACCESS_ALLOWED_ACE)ace)->Mask, Mapping);
    }
    *Copy = copy;
    return STATUS_SUCCESS;
}

/* SeSetSecurityDescriptorInfoEx - see ntse.h. References: the subject context captured for
 * the owner rule is released before returning. */
NTSTATUS SeSetSecurityDescriptorInfoEx(PVOID Object, PSECURITY_INFORMATION SecurityInformation,
                                       PSECURITY_DESCRIPTOR ModificationDescriptor,
                                       PSECURITY_DESCRIPTOR *ObjectsSecurityDescriptor,
                                       ULONG AutoInheritFlags, POOL_TYPE PoolType,
                                       PGENERIC_MAPPING GenericMapping)
{
    (void)Object;
    (void)PoolType;
    if (SecurityInformation == NULL || ModificationDescriptor == NULL ||
        ObjectsSecurityDescriptor == NULL || GenericMapping == NULL)
        return STATUS_INVALID_PARAMETER;
    SECURITY_INFORMATION info = *SecurityInformation;
    SEP_SD_VIEW old = { 0 }, mod;
    NTSTATUS status;
    if (*ObjectsSecurityDescriptor != NULL &&
        !NT_SUCCESS(status = SepCaptureSdView(*ObjectsSecurityDescriptor, &old)))
        return status;
    if (!NT_SUCCESS(status = SepCaptureSdView(ModificationDescriptor, &mod)))
        return status;

    SECURITY_DESCRIPTOR absolute;
    RtlCreateSecurityDescriptor(&absolute, SECURITY_DESCRIPTOR_REVISION);
    absolute.Owner = old.Owner;
    absolute.Group = old.Group;
    absolute.Control = old.Control & (SE_OWNER_DEFAULTED | SE_GROUP_DEFAULTED | SEP_DACL_CONTROL |
                                      SEP_SACL_CONTROL);
    PACL dacl = old.DaclPresent ? old.Dacl : NULL, sacl = old.SaclPresent ? old.Sacl : NULL;
    BOOLEAN newDacl = FALSE, newSacl = FALSE;

    if (info & OWNER_SECURITY_INFORMATION) {
        if (mod.Owner == NULL)
            return STATUS_INVALID_OWNER;
        if (!(AutoInheritFlags & SEF_AVOID_OWNER_CHECK)) {
            SECURITY_SUBJECT_CONTEXT subject;
            SeCaptureSubjectContext(&subject);
            PTOKEN token = SeQuerySubjectContextToken(&subject);
            BOOLEAN allowed = FALSE;
            if (token != NULL) {
                SepAcquireTokenLockShared(token);
                allowed = SepSidEqual(token->UserAndGroups[0].Sid, mod.Owner) ||
                          SepTokenPrivilegeEnabled(token, SE_RESTORE_PRIVILEGE);
                for (ULONG i = 1; !allowed && i < token->UserAndGroupCount; i++) {
                    ULONG a = token->UserAndGroups[i].Attributes;
                    allowed = (a & SE_GROUP_OWNER) && (a & SE_GROUP_ENABLED) &&
                              !(a & SE_GROUP_USE_FOR_DENY_ONLY) &&
                              SepSidEqual(token->UserAndGroups[i].Sid, mod.Owner);
                }
                SepReleaseTokenLock(token);
            }
            SeReleaseSubjectContext(&subject);
            if (!allowed)
                return STATUS_INVALID_OWNER;
        }
        absolute.Owner = mod.Owner;
        absolute.Control = (absolute.Control & ~SE_OWNER_DEFAULTED) | (mod.Control & SE_OWNER_DEFAULTED);
    }
    if (info & GROUP_SECURITY_INFORMATION) {
        if (mod.Group == NULL)
            return STATUS_INVALID_PRIMARY_GROUP;
        absolute.Group = mod.Group;
        absolute.Control = (absolute.Control & ~SE_GROUP_DEFAULTED) | (mod.Control & SE_GROUP_DEFAULTED);
    }
    if (info & DACL_SECURITY_INFORMATION) {
        absolute.Control &= ~SEP_DACL_CONTROL;
        absolute.Control |= mod.Control & (SEP_DACL_CONTROL & ~SE_DACL_PRESENT);
        if (info & PROTECTED_DACL_SECURITY_INFORMATION)
            absolute.Control |= SE_DACL_PROTECTED;
        if (info & UNPROTECTED_DACL_SECURITY_INFORMATION)
            absolute.Control &= ~SE_DACL_PROTECTED;
        if (mod.DaclPresent) {
            absolute.Control |= SE_DACL_PRESENT;
            dacl = mod.Dacl;
            newDacl = TRUE;
        } else {
            dacl = NULL;
        }
    }
    if (info & SACL_SECURITY_INFORMATION) {
        absolute.Control &= ~SEP_SACL_CONTROL;
        absolute.Control |= mod.Control & (SEP_SACL_CONTROL & ~SE_SACL_PRESENT);
        if (info & PROTECTED_SACL_SECURITY_INFORMATION)
            absolute.Control |= SE_SACL_PROTECTED;
        if (info & UNPROTECTED_SACL_SECURITY_INFORMATION)
            absolute.Control &= ~SE_SACL_PROTECTED;
        if (mod.SaclPresent) {
            absolute.Control |= SE_SACL_PRESENT;
            sacl = mod.Sacl;
            newSacl = TRUE;
        } else {
            sacl = NULL;
        }
    }

    PACL daclCopy = NULL, saclCopy = NULL;
    if (newDacl && !NT_SUCCESS(status = SepMapAclCopy(dacl, GenericMapping, &daclCopy)))
        return status;
    if (newSacl && !NT_SUCCESS(status = SepMapAclCopy(sacl, GenericMapping, &saclCopy))) {
        if (daclCopy)
            ExFreePool(daclCopy);
        return status;
    }
    absolute.Dacl = newDacl ? daclCopy : dacl;
    absolute.Sacl = newSacl ? saclCopy : sacl;
    PSECURITY_DESCRIPTOR result = NULL;
    ULONG length = 0;
    status = SepBuildSelfRelative(&absolute, &result, &length);
    if (daclCopy)
        ExFreePool(daclCopy);
    if (saclCopy)
        ExFreePool(saclCopy);
    if (!NT_SUCCESS(status))
        return status;
    *ObjectsSecurityDescriptor = result;
    return STATUS_SUCCESS;
}

/* SeSetSecurityDescriptorInfo - see ntse.h; SeSetSecurityDescriptorInfoEx with no flags. */
NTSTATUS SeSetSecurityDescriptorInfo(PVOID Object, PSECURITY_INFORMATION SecurityInformation,
                                     PSECURITY_DESCRIPTOR ModificationDescriptor,
                                     PSECURITY_DESCRIPTOR *ObjectsSecurityDescriptor,
                                     POOL_TYPE PoolType, PGENERIC_MAPPING GenericMapping)
{
    return SeSetSecurityDescriptorInfoEx(Object, SecurityInformation, ModificationDescriptor,
                                         ObjectsSecurityDescriptor, 0, PoolType, GenericMapping);
}
