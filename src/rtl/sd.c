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
 * no control bits) in the caller's buffer. STATUS_UNKNOWN_REVISION unless Revision is 1;
 * STATUS_INVALID_PARAMETER for a NULL buffer (Windows faults; docs/null-arguments.md).
 */
NTSTATUS RtlCreateSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Revision)
{
    if (SecurityDescriptor == NULL)
        return STATUS_INVALID_PARAMETER;
    if (Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    memset(SecurityDescriptor, 0, sizeof(SECURITY_DESCRIPTOR));
    ((PISECURITY_DESCRIPTOR)SecurityDescriptor)->Revision = SECURITY_DESCRIPTOR_REVISION;
    return STATUS_SUCCESS;
}

/* RtlGetControlSecurityDescriptor - the control bits and revision (either form).
 * Every pointer is required (STATUS_INVALID_PARAMETER). */
NTSTATUS RtlGetControlSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                         PSECURITY_DESCRIPTOR_CONTROL Control, PULONG Revision)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd == NULL || Control == NULL || Revision == NULL)
        return STATUS_INVALID_PARAMETER;
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
 * STATUS_INVALID_PARAMETER, and so is a NULL descriptor.
 */
NTSTATUS RtlSetControlSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                         SECURITY_DESCRIPTOR_CONTROL ControlBitsOfInterest,
                                         SECURITY_DESCRIPTOR_CONTROL ControlBitsToSet)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd == NULL)
        return STATUS_INVALID_PARAMETER;
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

/*
 * RtlpGetSidPart - the owner (Group FALSE) or group (Group TRUE) of either form, and its
 * defaulted bit (DefaultedBit). *Sid points into the descriptor (NULL if none); no copy.
 * All three pointers are required: STATUS_INVALID_PARAMETER (docs/null-arguments.md).
 */
static NTSTATUS RtlpGetSidPart(PISECURITY_DESCRIPTOR Sd, BOOLEAN Group, USHORT DefaultedBit,
                               PSID *Sid, PBOOLEAN Defaulted)
{
    PSID owner, group;
    PACL dacl, sacl;
    if (Sd == NULL || Sid == NULL || Defaulted == NULL)
        return STATUS_INVALID_PARAMETER;
    if (Sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    RtlpSdParts(Sd, &owner, &group, &dacl, &sacl);
    *Sid = Group ? group : owner;
    *Defaulted = (Sd->Control & DefaultedBit) ? TRUE : FALSE;
    return STATUS_SUCCESS;
}

/*
 * RtlpSetSidPart - stores the caller's Sid pointer (may be NULL) in *Field (the owner or
 * group of the absolute Sd) and sets/clears DefaultedBit. The caller keeps ownership.
 */
static NTSTATUS RtlpSetSidPart(PISECURITY_DESCRIPTOR Sd, PSID *Field, PSID Sid,
                               USHORT DefaultedBit, BOOLEAN Defaulted)
{
    NTSTATUS status = RtlpCheckSettable(Sd);
    if (!NT_SUCCESS(status))
        return status;
    *Field = Sid;
    Sd->Control = (USHORT)((Sd->Control & ~DefaultedBit) | (Defaulted ? DefaultedBit : 0));
    return STATUS_SUCCESS;
}

/*
 * RtlpGetAclPart - the DACL (Sacl FALSE) or SACL (Sacl TRUE) of either form: *Present from
 * PresentBit; only when present, *Acl (points into the descriptor; NULL = a NULL ACL) and
 * *Defaulted from DefaultedBit. When absent, Windows leaves *Acl and *Defaulted untouched.
 * All four pointers are required, present or not: STATUS_INVALID_PARAMETER.
 */
static NTSTATUS RtlpGetAclPart(PISECURITY_DESCRIPTOR Sd, BOOLEAN Sacl, USHORT PresentBit,
                               USHORT DefaultedBit, PBOOLEAN Present, PACL *Acl,
                               PBOOLEAN Defaulted)
{
    PSID owner, group;
    PACL dacl, sacl;
    if (Sd == NULL || Present == NULL || Acl == NULL || Defaulted == NULL)
        return STATUS_INVALID_PARAMETER;
    if (Sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    *Present = (Sd->Control & PresentBit) ? TRUE : FALSE;
    if (*Present) {
        RtlpSdParts(Sd, &owner, &group, &dacl, &sacl);
        *Acl = Sacl ? sacl : dacl;
        *Defaulted = (Sd->Control & DefaultedBit) ? TRUE : FALSE;
    }
    return STATUS_SUCCESS;
}

/*
 * RtlpSetAclPart - Present FALSE clears PresentBit and DefaultedBit and *Field (the DACL or
 * SACL pointer of the absolute Sd); TRUE stores the caller's Acl (NULL = a NULL ACL; the
 * caller keeps ownership) and the defaulted bit.
 */
static NTSTATUS RtlpSetAclPart(PISECURITY_DESCRIPTOR Sd, PACL *Field, USHORT PresentBit,
                               USHORT DefaultedBit, BOOLEAN Present, PACL Acl,
                               BOOLEAN Defaulted)
{
    NTSTATUS status = RtlpCheckSettable(Sd);
    if (!NT_SUCCESS(status))
        return status;
    if (!Present) {
        Sd->Control &= (USHORT)~(PresentBit | DefaultedBit);
        *Field = NULL;
        return STATUS_SUCCESS;
    }
    *Field = Acl;
    Sd->Control = (USHORT)((Sd->Control & ~DefaultedBit) | PresentBit |
                           (Defaulted ? DefaultedBit : 0));
    return STATUS_SUCCESS;
}

/* RtlGetOwnerSecurityDescriptor - *Owner points into the descriptor (NULL if none). */
NTSTATUS RtlGetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID *Owner,
                                       PBOOLEAN OwnerDefaulted)
{
    return RtlpGetSidPart(SecurityDescriptor, FALSE, SE_OWNER_DEFAULTED, Owner,
                          OwnerDefaulted);
}

/* RtlSetOwnerSecurityDescriptor - stores the caller's Owner pointer (may be NULL) in an absolute SD. */
NTSTATUS RtlSetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID Owner,
                                       BOOLEAN OwnerDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd == NULL)
        return STATUS_INVALID_PARAMETER;
    return RtlpSetSidPart(sd, &sd->Owner, Owner, SE_OWNER_DEFAULTED, OwnerDefaulted);
}

/* RtlGetGroupSecurityDescriptor - *Group points into the descriptor (NULL if none). */
NTSTATUS RtlGetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID *Group,
                                       PBOOLEAN GroupDefaulted)
{
    return RtlpGetSidPart(SecurityDescriptor, TRUE, SE_GROUP_DEFAULTED, Group,
                          GroupDefaulted);
}

/* RtlSetGroupSecurityDescriptor - stores the caller's Group pointer (may be NULL) in an absolute SD. */
NTSTATUS RtlSetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID Group,
                                       BOOLEAN GroupDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd == NULL)
        return STATUS_INVALID_PARAMETER;
    return RtlpSetSidPart(sd, &sd->Group, Group, SE_GROUP_DEFAULTED, GroupDefaulted);
}

/*
 * RtlGetDaclSecurityDescriptor - *DaclPresent from SE_DACL_PRESENT; when present, *Dacl
 * (NULL = the NULL DACL, which grants everything) and *DaclDefaulted. When absent, Windows
 * leaves *Dacl and *DaclDefaulted untouched, and so do we.
 */
NTSTATUS RtlGetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                      PBOOLEAN DaclPresent, PACL *Dacl, PBOOLEAN DaclDefaulted)
{
    return RtlpGetAclPart(SecurityDescriptor, FALSE, SE_DACL_PRESENT, SE_DACL_DEFAULTED,
                          DaclPresent, Dacl, DaclDefaulted);
}

/*
 * RtlSetDaclSecurityDescriptor - DaclPresent FALSE clears SE_DACL_PRESENT (and the pointer);
 * TRUE stores the caller's Dacl (NULL = NULL DACL) and the defaulted bit.
 */
NTSTATUS RtlSetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                      BOOLEAN DaclPresent, PACL Dacl, BOOLEAN DaclDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd == NULL)
        return STATUS_INVALID_PARAMETER;
    return RtlpSetAclPart(sd, &sd->Dacl, SE_DACL_PRESENT, SE_DACL_DEFAULTED, DaclPresent, Dacl,
                          DaclDefaulted);
}

/* RtlGetSaclSecurityDescriptor - as RtlGetDaclSecurityDescriptor, for the SACL. */
NTSTATUS RtlGetSaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                      PBOOLEAN SaclPresent, PACL *Sacl, PBOOLEAN SaclDefaulted)
{
    return RtlpGetAclPart(SecurityDescriptor, TRUE, SE_SACL_PRESENT, SE_SACL_DEFAULTED,
                          SaclPresent, Sacl, SaclDefaulted);
}

/* RtlSetSaclSecurityDescriptor - as RtlSetDaclSecurityDescriptor, for the SACL. */
NTSTATUS RtlSetSaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                      BOOLEAN SaclPresent, PACL Sacl, BOOLEAN SaclDefaulted)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    if (sd == NULL)
        return STATUS_INVALID_PARAMETER;
    return RtlpSetAclPart(sd, &sd->Sacl, SE_SACL_PRESENT, SE_SACL_DEFAULTED, SaclPresent, Sacl,
                          SaclDefaulted);
}
