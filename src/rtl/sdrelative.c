/*
 * sdrelative.c - security descriptor length, validation (trusted memory and hostile
 * self-relative bytes) and conversion between the absolute and self-relative forms.
 *
 * Self-relative layout (MS-DTYP 2.4.6, and what Windows' RtlMakeSelfRelativeSD writes): the
 * 20-byte SECURITY_DESCRIPTOR_RELATIVE header, then SACL, DACL, Owner, Group, each at a
 * ULONG-aligned offset; an absent part has offset 0.
 */
#include <string.h>
#include "rtlp.h"

#define RTLP_ALIGN4(x) (((x) + 3u) & ~3u)

/* The parts of a descriptor that its control bits say are there (NULL when absent). */
typedef struct _RTLP_SD_VIEW {
    PSID Owner, Group;
    PACL Dacl, Sacl;
    ULONG OwnerLength, GroupLength, DaclLength, SaclLength;
} RTLP_SD_VIEW;

static VOID RtlpView(PSECURITY_DESCRIPTOR Sd, RTLP_SD_VIEW *View)
{
    PISECURITY_DESCRIPTOR sd = Sd;
    memset(View, 0, sizeof(*View));
    RtlpSdParts(Sd, &View->Owner, &View->Group, &View->Dacl, &View->Sacl);
    if (!(sd->Control & SE_DACL_PRESENT))
        View->Dacl = NULL;
    if (!(sd->Control & SE_SACL_PRESENT))
        View->Sacl = NULL;
    View->OwnerLength = View->Owner ? RTLP_ALIGN4(RtlLengthSid(View->Owner)) : 0;
    View->GroupLength = View->Group ? RTLP_ALIGN4(RtlLengthSid(View->Group)) : 0;
    View->DaclLength = View->Dacl ? RTLP_ALIGN4(View->Dacl->AclSize) : 0;
    View->SaclLength = View->Sacl ? RTLP_ALIGN4(View->Sacl->AclSize) : 0;
}

/*
 * RtlLengthSecurityDescriptor - bytes of the descriptor: its header (20 bytes self-relative,
 * sizeof(SECURITY_DESCRIPTOR) absolute) plus owner, group and the present DACL/SACL, each
 * rounded up to a ULONG multiple. The descriptor must be valid (trusted memory); NULL
 * gives 0 (docs/null-arguments.md).
 */
ULONG RtlLengthSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    RTLP_SD_VIEW v;
    if (sd == NULL)
        return 0;
    ULONG length = (sd->Control & SE_SELF_RELATIVE) ? sizeof(SECURITY_DESCRIPTOR_RELATIVE)
                                                     : sizeof(SECURITY_DESCRIPTOR);
    RtlpView(SecurityDescriptor, &v);
    return length + v.OwnerLength + v.GroupLength + v.DaclLength + v.SaclLength;
}

/*
 * RtlValidSecurityDescriptor - TRUE if revision is 1 and the owner, group and present
 * DACL/SACL are valid. For descriptors in trusted memory; hostile bytes go through
 * RtlValidRelativeSecurityDescriptor, which knows the buffer length.
 */
BOOLEAN RtlValidSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor)
{
    PISECURITY_DESCRIPTOR sd = SecurityDescriptor;
    RTLP_SD_VIEW v;
    if (sd == NULL || sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return FALSE;
    RtlpView(sd, &v);
    if (v.Owner != NULL && !RtlValidSid(v.Owner))
        return FALSE;
    if (v.Group != NULL && !RtlValidSid(v.Group))
        return FALSE;
    if (v.Dacl != NULL && !RtlValidAcl(v.Dacl))
        return FALSE;
    if (v.Sacl != NULL && !RtlValidAcl(v.Sacl))
        return FALSE;
    return TRUE;
}

/* RtlpValidOffset - a part offset that leaves at least MinSize bytes inside Length. */
static BOOLEAN RtlpValidOffset(ULONG Offset, ULONG Length, ULONG MinSize)
{
    return Offset >= sizeof(SECURITY_DESCRIPTOR_RELATIVE) && (Offset & 3) == 0 &&
           Offset <= Length && Length - Offset >= MinSize;
}

static BOOLEAN RtlpValidRelativeSid(PUCHAR Base, ULONG Offset, ULONG Length)
{
    return RtlpValidOffset(Offset, Length, 8) && RtlpValidSidBounded(Base + Offset, Length - Offset);
}

static BOOLEAN RtlpValidRelativeAcl(PUCHAR Base, ULONG Offset, ULONG Length)
{
    PACL acl;
    if (!RtlpValidOffset(Offset, Length, sizeof(ACL)))
        return FALSE;
    acl = (PACL)(Base + Offset);
    return acl->AclSize <= Length - Offset && RtlValidAcl(acl);
}

/*
 * RtlValidRelativeSecurityDescriptor - TRUE if the SecurityDescriptorLength bytes at
 * SecurityDescriptorInput are a valid self-relative descriptor holding at least the parts
 * RequiredInformation names (owner, group, DACL present, SACL present).
 * @remarks Hostile input: every offset is checked to be ULONG aligned, past the header and
 * inside the length before anything at it is read; each SID and ACL must fit entirely.
 */
BOOLEAN RtlValidRelativeSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptorInput,
                                           ULONG SecurityDescriptorLength,
                                           SECURITY_INFORMATION RequiredInformation)
{
    PISECURITY_DESCRIPTOR_RELATIVE sd = SecurityDescriptorInput;
    PUCHAR base = SecurityDescriptorInput;
    ULONG length = SecurityDescriptorLength;

    if (sd == NULL || length < sizeof(SECURITY_DESCRIPTOR_RELATIVE))
        return FALSE;
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION || !(sd->Control & SE_SELF_RELATIVE))
        return FALSE;
    if (sd->Owner != 0) {
        if (!RtlpValidRelativeSid(base, sd->Owner, length))
            return FALSE;
    } else if (RequiredInformation & OWNER_SECURITY_INFORMATION) {
        return FALSE;
    }
    if (sd->Group != 0) {
        if (!RtlpValidRelativeSid(base, sd->Group, length))
            return FALSE;
    } else if (RequiredInformation & GROUP_SECURITY_INFORMATION) {
        return FALSE;
    }
    if (sd->Control & SE_DACL_PRESENT) {
        if (sd->Dacl != 0 && !RtlpValidRelativeAcl(base, sd->Dacl, length))
            return FALSE;
    } else if (RequiredInformation & DACL_SECURITY_INFORMATION) {
        return FALSE;
    }
    if (sd->Control & SE_SACL_PRESENT) {
        if (sd->Sacl != 0 && !RtlpValidRelativeAcl(base, sd->Sacl, length))
            return FALSE;
    } else if (RequiredInformation & SACL_SECURITY_INFORMATION) {
        return FALSE;
    }
    return TRUE;
}

/*
 * RtlpMakeSelfRelative - writes the self-relative form of Sd (either form) into Out.
 * STATUS_BUFFER_TOO_SMALL with *BufferLength set to the size needed if it does not fit (a
 * NULL Out is a size query). A NULL Sd or BufferLength is STATUS_INVALID_PARAMETER.
 */
static NTSTATUS RtlpMakeSelfRelative(PSECURITY_DESCRIPTOR Sd, PSECURITY_DESCRIPTOR Out,
                                     PULONG BufferLength)
{
    PISECURITY_DESCRIPTOR in = Sd;
    PISECURITY_DESCRIPTOR_RELATIVE rel = Out;
    RTLP_SD_VIEW v;
    ULONG needed, offset = sizeof(SECURITY_DESCRIPTOR_RELATIVE);
    PUCHAR base = Out;

    if (in == NULL || BufferLength == NULL)
        return STATUS_INVALID_PARAMETER;
    if (in->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    RtlpView(Sd, &v);
    needed = offset + v.SaclLength + v.DaclLength + v.OwnerLength + v.GroupLength;
    if (Out == NULL || *BufferLength < needed) {
        *BufferLength = needed;
        return STATUS_BUFFER_TOO_SMALL;
    }
    memset(Out, 0, needed);
    rel->Revision = SECURITY_DESCRIPTOR_REVISION;
    rel->Sbz1 = in->Sbz1;
    rel->Control = (USHORT)(in->Control | SE_SELF_RELATIVE);
    if (v.Sacl != NULL) {
        memcpy(base + offset, v.Sacl, v.Sacl->AclSize);
        rel->Sacl = offset;
        offset += v.SaclLength;
    }
    if (v.Dacl != NULL) {
        memcpy(base + offset, v.Dacl, v.Dacl->AclSize);
        rel->Dacl = offset;
        offset += v.DaclLength;
    }
    if (v.Owner != NULL) {
        memcpy(base + offset, v.Owner, RtlLengthSid(v.Owner));
        rel->Owner = offset;
        offset += v.OwnerLength;
    }
    if (v.Group != NULL) {
        memcpy(base + offset, v.Group, RtlLengthSid(v.Group));
        rel->Group = offset;
    }
    *BufferLength = needed;
    return STATUS_SUCCESS;
}

/*
 * RtlAbsoluteToSelfRelativeSD - the self-relative copy of an absolute descriptor, written
 * to the caller's buffer of *BufferLength bytes.
 * @return STATUS_BAD_DESCRIPTOR_FORMAT if the input is already self-relative;
 * STATUS_BUFFER_TOO_SMALL with *BufferLength = bytes needed.
 */
NTSTATUS RtlAbsoluteToSelfRelativeSD(PSECURITY_DESCRIPTOR AbsoluteSecurityDescriptor,
                                     PSECURITY_DESCRIPTOR SelfRelativeSecurityDescriptor,
                                     PULONG BufferLength)
{
    if (AbsoluteSecurityDescriptor == NULL || BufferLength == NULL)
        return STATUS_INVALID_PARAMETER;
    if (((PISECURITY_DESCRIPTOR)AbsoluteSecurityDescriptor)->Control & SE_SELF_RELATIVE)
        return STATUS_BAD_DESCRIPTOR_FORMAT;
    return RtlpMakeSelfRelative(AbsoluteSecurityDescriptor, SelfRelativeSecurityDescriptor,
                                BufferLength);
}

/* RtlMakeSelfRelativeSD - as RtlAbsoluteToSelfRelativeSD, but either form is accepted. */
NTSTATUS RtlMakeSelfRelativeSD(PSECURITY_DESCRIPTOR SecurityDescriptor,
                               PSECURITY_DESCRIPTOR SelfRelativeSecurityDescriptor,
                               PULONG BufferLength)
{
    return RtlpMakeSelfRelative(SecurityDescriptor, SelfRelativeSecurityDescriptor, BufferLength);
}

/*
 * RtlSelfRelativeToAbsoluteSD - splits a self-relative descriptor into the caller's
 * absolute header and part buffers (the absolute SD then points at those buffers).
 * @return STATUS_BAD_DESCRIPTOR_FORMAT for absolute input; STATUS_BUFFER_TOO_SMALL with
 * every size argument set to what is needed when any buffer is short (nothing written).
 * STATUS_INVALID_PARAMETER for a NULL input or size pointer, and for a NULL buffer whose
 * part is needed (a part the descriptor does not have may have a NULL buffer).
 */
NTSTATUS RtlSelfRelativeToAbsoluteSD(PSECURITY_DESCRIPTOR SelfRelativeSecurityDescriptor,
                                     PSECURITY_DESCRIPTOR AbsoluteSecurityDescriptor,
                                     PULONG AbsoluteSecurityDescriptorSize, PACL Dacl,
                                     PULONG DaclSize, PACL Sacl, PULONG SaclSize, PSID Owner,
                                     PULONG OwnerSize, PSID PrimaryGroup,
                                     PULONG PrimaryGroupSize)
{
    PISECURITY_DESCRIPTOR_RELATIVE rel = SelfRelativeSecurityDescriptor;
    PISECURITY_DESCRIPTOR abs = AbsoluteSecurityDescriptor;
    RTLP_SD_VIEW v;
    ULONG owner_len, group_len, dacl_len, sacl_len;

    if (rel == NULL || AbsoluteSecurityDescriptorSize == NULL || DaclSize == NULL || SaclSize == NULL ||
        OwnerSize == NULL || PrimaryGroupSize == NULL)
        return STATUS_INVALID_PARAMETER;
    if (rel->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    if (!(rel->Control & SE_SELF_RELATIVE))
        return STATUS_BAD_DESCRIPTOR_FORMAT;
    RtlpView(rel, &v);
    owner_len = v.Owner ? RtlLengthSid(v.Owner) : 0;
    group_len = v.Group ? RtlLengthSid(v.Group) : 0;
    dacl_len = v.Dacl ? v.Dacl->AclSize : 0;
    sacl_len = v.Sacl ? v.Sacl->AclSize : 0;
    BOOLEAN too_small = *AbsoluteSecurityDescriptorSize < sizeof(SECURITY_DESCRIPTOR) ||
                        *OwnerSize < owner_len || *PrimaryGroupSize < group_len ||
                        *DaclSize < dacl_len || *SaclSize < sacl_len;
    /* The sizes needed are reported either way, on success and on BUFFER_TOO_SMALL. */
    *AbsoluteSecurityDescriptorSize = sizeof(SECURITY_DESCRIPTOR);
    *OwnerSize = owner_len;
    *PrimaryGroupSize = group_len;
    *DaclSize = dacl_len;
    *SaclSize = sacl_len;
    if (too_small)
        return STATUS_BUFFER_TOO_SMALL;
    if (abs == NULL || (owner_len && Owner == NULL) || (group_len && PrimaryGroup == NULL) ||
        (dacl_len && Dacl == NULL) || (sacl_len && Sacl == NULL))
        return STATUS_INVALID_PARAMETER;
    memset(abs, 0, sizeof(SECURITY_DESCRIPTOR));
    abs->Revision = rel->Revision;
    abs->Sbz1 = rel->Sbz1;
    abs->Control = (USHORT)(rel->Control & ~SE_SELF_RELATIVE);
    if (v.Owner) {
        memcpy(Owner, v.Owner, owner_len);
        abs->Owner = Owner;
    }
    if (v.Group) {
        memcpy(PrimaryGroup, v.Group, group_len);
        abs->Group = PrimaryGroup;
    }
    if (v.Dacl) {
        memcpy(Dacl, v.Dacl, dacl_len);
        abs->Dacl = Dacl;
    }
    if (v.Sacl) {
        memcpy(Sacl, v.Sacl, sacl_len);
        abs->Sacl = Sacl;
    }
    return STATUS_SUCCESS;
}
