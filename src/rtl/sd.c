/*
 * sd.c - security descriptor header: create, control bits, owner/group/DACL/SACL get and set.
 *
 * Get routines accept the absolute and the self-relative form; Set routines modify only the
 * absolute form (the caller's pointers are stored, not copied: the caller keeps ownership of
 * the SIDs and ACLs and must keep them alive as long as the descriptor is used).
 */
#include <string.h>
#include "rtlp.h"

#define RTLP_SETTABLE_CONTROL                                                                \
    (SE_DACL_AUTO_INHERIT_REQ | SE_SACL_AUTO_INHERIT_REQ | SE_DACL_AUTO_INHERITED |          \
     SE_SACL_AUTO_INHERITED | SE_DACL_PROTECTED | SE_SACL_PROTECTED)

/* RtlpSdParts - see rtlp.h. Self-relative offsets of 0 become NULL. */
VOID RtlpSdParts(PSECURITY_DESCRIPTOR Sd, PSID *Owner, PSID *Group, PACL *Dacl, PACL *Sacl)
{
    PISECURITY_DESCRIPTOR abs = Sd;
    if (abs->Control & SE_SELF_RELATIVE) {
        PISECURITY_DESCRIPTOR_RELATIVE rel = Sd;
        *Owner = rel->Owner ? (PUCHAR)Sd + rel->Owner : NULL;
        *Group = rel->Group ? (PUCHAR)Sd + rel->Group : NULL;
        *Dacl = rel->Dacl ? (PACL)((PUCHAR)Sd + rel->Dacl) : NULL;
        *Sacl = rel->Sacl ? (PACL)((PUCHAR)Sd + rel->Sacl) : NULL;
    } else {
        *Owner = abs->Owner;
        *Group = abs->Group;
        *Dacl = abs->Dacl;
        *Sacl = abs->Sacl;
    }
}

/*
 * RtlCreateSecurityDescriptor - an empty absolute descriptor (no owner, group, DACL or SACL;
 * no control bits) in the caller's buffer. STATUS_UNKNOWN_REVISION unless Revision is 1.
 */
NTSTATUS RtlCreateSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Revision)
{
    if (Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    memset(SecurityDescriptor, 0, sizeof(SECURITY_DESCRIPTOR));
    ((PISECURITY_DESCRIPTOR)SecurityDescriptor)->Revision = SECURITY_DESCRIPTOR_REVISION;
    return STATUS_SUCCESS;
}

/* RtlGetControlSecurityDescriptor - the control bits and revision (either form). */
NTSTATUS RtlGetControlSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                         PSECURITY_DESCRIPTOR_CONTROL Control, PULONG Revision)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    *Revision = sd->Revision;
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    *Control = sd->Control;
    return STATUS_SUCCESS;
}

/*
 * RtlSetControlSecurityDescriptor - sets/clears the bits in ControlBitsOfInterest.
 * @remarks Windows rule (SetSecurityDescriptorControl): only the auto-inherit-request,
 * auto-inherited and protected bits may be changed; any other bit in either mask is
 * STATUS_INVALID_PARAMETER.
 */
NTSTATUS RtlSetControlSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                         SECURITY_DESCRIPTOR_CONTROL ControlBitsOfInterest,
                                         SECURITY_DESCRIPTOR_CONTROL ControlBitsToSet)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    if ((ControlBitsOfInterest | ControlBitsToSet) & ~RTLP_SETTABLE_CONTROL)
        return STATUS_INVALID_PARAMETER;
    sd->Control = (USHORT)((sd->Control & ~ControlBitsOfInterest) |
                           (ControlBitsToSet & ControlBitsOfInterest));
    return STATUS_SUCCESS;
}

/* RtlpCheckSettable - revision 1 and absolute form, as every Set routine requires. */
static NTSTATUS RtlpCheckSettable(PISECURITY_DESCRIPTOR Sd)
{
    if (Sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    if (Sd->Control & SE_SELF_RELATIVE)
        return STATUS_INVALID_SECURITY_DESCR;
    return STATUS_SUCCESS;
}

/* RtlGetOwnerSecurityDescriptor - *Owner points into the descriptor (NULL if none). */
NTSTATUS RtlGetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID *Owner,
                                       PBOOLEAN OwnerDefaulted)
{
    PSID group;
    PACL dacl, sacl;
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    RtlpSdParts(sd, Owner, &group, &dacl, &sacl);
    *OwnerDefaulted = (sd->Control & SE_OWNER_DEFAULTED) ? TRUE : FALSE;
    return STATUS_SUCCESS;
}

/* RtlSetOwnerSecurityDescriptor - stores the caller's Owner pointer (may be NULL) in an absolute SD. */
NTSTATUS RtlSetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID Owner,
                                       BOOLEAN OwnerDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    NTSTATUS status = RtlpCheckSettable(sd);
    if (!NT_SUCCESS(status))
        return status;
    sd->Owner = Owner;
    sd->Control = (USHORT)((sd->Control & ~SE_OWNER_DEFAULTED) |
                           (OwnerDefaulted ? SE_OWNER_DEFAULTED : 0));
    return STATUS_SUCCESS;
}

/* RtlGetGroupSecurityDescriptor - *Group points into the descriptor (NULL if none). */
NTSTATUS RtlGetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID *Group,
                                       PBOOLEAN GroupDefaulted)
{
    PSID owner;
    PACL dacl, sacl;
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    RtlpSdParts(sd, &owner, Group, &dacl, &sacl);
    *GroupDefaulted = (sd->Control & SE_GROUP_DEFAULTED) ? TRUE : FALSE;
    return STATUS_SUCCESS;
}

/* RtlSetGroupSecurityDescriptor - stores the caller's Group pointer (may be NULL) in an absolute SD. */
NTSTATUS RtlSetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID Group,
                                       BOOLEAN GroupDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    NTSTATUS status = RtlpCheckSettable(sd);
    if (!NT_SUCCESS(status))
        return status;
    sd->Group = Group;
    sd->Control = (USHORT)((sd->Control & ~SE_GROUP_DEFAULTED) |
                           (GroupDefaulted ? SE_GROUP_DEFAULTED : 0));
    return STATUS_SUCCESS;
}

/*
 * RtlGetDaclSecurityDescriptor - *DaclPresent from SE_DACL_PRESENT; when present, *Dacl
 * (NULL = the NULL DACL, which grants everything) and *DaclDefaulted. When absent, Windows
 * leaves *Dacl and *DaclDefaulted untouched, and so do we.
 */
NTSTATUS RtlGetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                      PBOOLEAN DaclPresent, PACL *Dacl, PBOOLEAN DaclDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    PSID owner, group;
    PACL dacl, sacl;
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    *DaclPresent = (sd->Control & SE_DACL_PRESENT) ? TRUE : FALSE;
    if (*DaclPresent) {
        RtlpSdParts(sd, &owner, &group, &dacl, &sacl);
        *Dacl = dacl;
        *DaclDefaulted = (sd->Control & SE_DACL_DEFAULTED) ? TRUE : FALSE;
    }
    return STATUS_SUCCESS;
}

/*
 * RtlSetDaclSecurityDescriptor - DaclPresent FALSE clears SE_DACL_PRESENT (and the pointer);
 * TRUE stores the caller's Dacl (NULL = NULL DACL) and the defaulted bit.
 */
NTSTATUS RtlSetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                      BOOLEAN DaclPresent, PACL Dacl, BOOLEAN DaclDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    NTSTATUS status = RtlpCheckSettable(sd);
    if (!NT_SUCCESS(status))
        return status;
    if (!DaclPresent) {
        sd->Control &= (USHORT)~(SE_DACL_PRESENT | SE_DACL_DEFAULTED);
        sd->Dacl = NULL;
        return STATUS_SUCCESS;
    }
    sd->Dacl = Dacl;
    sd->Control = (USHORT)((sd->Control & ~SE_DACL_DEFAULTED) | SE_DACL_PRESENT |
                           (DaclDefaulted ? SE_DACL_DEFAULTED : 0));
    return STATUS_SUCCESS;
}

/* RtlGetSaclSecurityDescriptor - as RtlGetDaclSecurityDescriptor, for the SACL. */
NTSTATUS RtlGetSaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                      PBOOLEAN SaclPresent, PACL *Sacl, PBOOLEAN SaclDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    PSID owner, group;
    PACL dacl, sacl;
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    *SaclPresent = (sd->Control & SE_SACL_PRESENT) ? TRUE : FALSE;
    if (*SaclPresent) {
        RtlpSdParts(sd, &owner, &group, &dacl, &sacl);
        *Sacl = sacl;
        *SaclDefaulted = (sd->Control & SE_SACL_DEFAULTED) ? TRUE : FALSE;
    }
    return STATUS_SUCCESS;
}

/* RtlSetSaclSecurityDescriptor - as RtlSetDaclSecurityDescriptor, for the SACL. */
NTSTATUS RtlSetSaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                      BOOLEAN SaclPresent, PACL Sacl, BOOLEAN SaclDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    NTSTATUS status = RtlpCheckSettable(sd);
    if (!NT_SUCCESS(status))
        return status;
    if (!SaclPresent) {
        sd->Control &= (USHORT)~(SE_SACL_PRESENT | SE_SACL_DEFAULTED);
        sd->Sacl = NULL;
        return STATUS_SUCCESS;
    }
    sd->Sacl = Sacl;
    sd->Control = (USHORT)((sd->Control & ~SE_SACL_DEFAULTED) | SE_SACL_PRESENT |
                           (SaclDefaulted ? SE_SACL_DEFAULTED : 0));
    return STATUS_SUCCESS;
}
