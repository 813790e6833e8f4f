/*
 * assign_acl.c - the ACL computations of security assignment (MS-DTYP 2.5.3.4.2 ComputeACL,
 * 2.5.3.4.3 ContainsInheritableACEs, 2.5.3.4.4 ComputeInheritedACLFromParent,
 * 2.5.3.4.5 ComputeCreatorACL): inheritance from the parent, CREATOR OWNER / CREATOR GROUP
 * substitution, generic mapping, and the split of an ACE into an effective copy and an
 * inherit-only template. No references are taken.
 */
#include "se/assign.h"

#define SEP_ACL_TAG 0x6C635341 /* 'ASal' */

NTSTATUS SepAclBuilderInit(PSEP_ACL_BUILDER B, SIZE_T Capacity)
{
    memset(B, 0, sizeof(*B));
    if (Capacity < sizeof(ACL))
        Capacity = sizeof(ACL);
    if (Capacity > 0xFFFC)
        Capacity = 0xFFFC;
    B->Acl = ExAllocatePoolWithTag(PagedPool, Capacity, SEP_ACL_TAG);
    if (B->Acl == NULL)
        return STATUS_NO_MEMORY;
    B->Capacity = Capacity;
    B->Acl->AclRevision = ACL_REVISION;
    B->Acl->AclSize = sizeof(ACL);
    B->Used = sizeof(ACL);
    return STATUS_SUCCESS;
}

VOID SepAclBuilderFree(PSEP_ACL_BUILDER B)
{
    if (B->Acl)
        ExFreePool(B->Acl);
    B->Acl = NULL;
}

/* Appends a copy of Ace with new flags, mask and (optionally) SID. */
static NTSTATUS SepAclAppend(PSEP_ACL_BUILDER B, PACE_HEADER Ace, UCHAR Flags, ACCESS_MASK Mask,
                             PSID NewSid)
{
    PSID oldSid = SepAceSid(Ace);
    ULONG sidOff = oldSid ? (ULONG)((PUCHAR)oldSid - (PUCHAR)Ace) : Ace->AceSize;
    ULONG oldSidLen = oldSid ? SepSidLength(oldSid) : 0;
    ULONG tail = oldSid ? Ace->AceSize - sidOff - oldSidLen : 0; /* callback data etc. */
    PSID sid = NewSid ? NewSid : oldSid;
    ULONG sidLen = sid ? SepSidLength(sid) : 0;
    ULONG size = (sidOff + sidLen + tail + 3) & ~3u;
    if (B->Used + size > B->Capacity || size > 0xFFFF)
        return STATUS_BUFFER_TOO_SMALL;
    PUCHAR out = (PUCHAR)B->Acl + B->Used;
    memset(out, 0, size);
    memcpy(out, Ace, sidOff);
    if (sid)
        memcpy(out + sidOff, sid, sidLen);
    if (tail)
        memcpy(out + sidOff + sidLen, (PUCHAR)oldSid + oldSidLen, tail);
    PACE_HEADER h = (PACE_HEADER)out;
    h->AceFlags = Flags;
    h->AceSize = (USHORT)size;
    if (size >= sizeof(ACE_HEADER) + sizeof(ACCESS_MASK)) /* a bare header has no mask */
        ((PACCESS_ALLOWED_ACE)h)->Mask = Mask;
    B->Used += size;
    B->Acl->AclSize = (USHORT)B->Used;
    B->Acl->AceCount++;
    if (Ace->AceType >= ACCESS_MIN_MS_OBJECT_ACE_TYPE && Ace->AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE)
        B->Acl->AclRevision = ACL_REVISION_DS;
    return STATUS_SUCCESS;
}

static BOOLEAN SepAceBelongsTo(PACE_HEADER Ace, BOOLEAN IsDacl)
{
    switch (Ace->AceType) {
    case ACCESS_ALLOWED_ACE_TYPE:
    case ACCESS_DENIED_ACE_TYPE:
    case ACCESS_ALLOWED_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_OBJECT_ACE_TYPE:
    case ACCESS_ALLOWED_CALLBACK_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_ACE_TYPE:
    case ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE:
        return IsDacl;
    case SYSTEM_AUDIT_ACE_TYPE:
    case SYSTEM_ALARM_ACE_TYPE:
    case SYSTEM_AUDIT_OBJECT_ACE_TYPE:
    case SYSTEM_ALARM_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_CALLBACK_ACE_TYPE:
    case SYSTEM_MANDATORY_LABEL_ACE_TYPE:
    case SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE:
    case SYSTEM_SCOPED_POLICY_ID_ACE_TYPE:
        return !IsDacl;
    default:
        return FALSE;
    }
}

/* An object ACE whose inherited-object-type GUID names another class is not effective on
 * this object (it still propagates). */
static BOOLEAN SepAceAppliesToType(PACE_HEADER Ace, const GUID *ObjectType)
{
    if (Ace->AceType != ACCESS_ALLOWED_OBJECT_ACE_TYPE && Ace->AceType != ACCESS_DENIED_OBJECT_ACE_TYPE &&
        Ace->AceType != SYSTEM_AUDIT_OBJECT_ACE_TYPE && Ace->AceType != SYSTEM_ALARM_OBJECT_ACE_TYPE)
        return TRUE;
    PACCESS_ALLOWED_OBJECT_ACE o = (PACCESS_ALLOWED_OBJECT_ACE)Ace;
    if (!(o->Flags & ACE_INHERITED_OBJECT_TYPE_PRESENT))
        return TRUE;
    const GUID *inherited = (o->Flags & ACE_OBJECT_TYPE_PRESENT) ? &o->InheritedObjectType
                                                                 : &o->ObjectType;
    return ObjectType != NULL && memcmp(inherited, ObjectType, sizeof(GUID)) == 0;
}

/*
 * SepEmitAce - the effective copy and/or the inherit-only template of one ACE.
 * @remarks MS-DTYP 2.5.3.4.4/2.5.3.4.5: the effective copy has CREATOR OWNER / CREATOR GROUP
 * replaced by the new owner / group, generic bits mapped, and no inheritance flags; when the
 * ACE also propagates and the copy differs (creator SID or generic bits), a separate
 * inherit-only template keeps the original SID and mask, otherwise one ACE does both.
 */
static NTSTATUS SepEmitAce(PSEP_ACL_BUILDER B, PACE_HEADER Ace, const SEP_ASSIGN_CONTEXT *C,
                           BOOLEAN Effective, BOOLEAN Propagate, UCHAR ExtraFlags)
{
    PSID sid = SepAceSid(Ace);
    ACCESS_MASK mask = SepAceMask(Ace);
    PSID subst = NULL;
    if (sid && Ace->AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE) {
        if (SepSidIsCreatorOwner(sid))
            subst = C->Owner;
        else if (SepSidIsCreatorGroup(sid))
            subst = C->Group;
    }
    BOOLEAN generic = (mask & SEP_GENERIC_BITS) != 0 && Ace->AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE;
    UCHAR inheritBits = Ace->AceFlags & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE);
    UCHAR keep = Ace->AceFlags & (SUCCESSFUL_ACCESS_ACE_FLAG | FAILED_ACCESS_ACE_FLAG | CRITICAL_ACE_FLAG);
    NTSTATUS st = STATUS_SUCCESS;
    if (Effective && Propagate && subst == NULL && !generic)
        return SepAclAppend(B, Ace, keep | inheritBits | ExtraFlags, mask, NULL);
    if (Effective) {
        ACCESS_MASK m = Ace->AceType == SYSTEM_MANDATORY_LABEL_ACE_TYPE ? mask : SepMapGeneric(mask, C->Mapping);
        st = SepAclAppend(B, Ace, keep | ExtraFlags, m, subst);
        if (st != STATUS_SUCCESS)
            return st;
    }
    if (Propagate)
        st = SepAclAppend(B, Ace, keep | inheritBits | INHERIT_ONLY_ACE | ExtraFlags, mask, NULL);
    return st;
}

/*
 * SepComputeInheritedAcl - the ACEs a new object inherits from ParentAcl.
 * @remarks MS-DTYP 2.5.3.4.4: a container child takes CONTAINER_INHERIT ACEs as effective
 * and, unless NO_PROPAGATE_INHERIT, keeps them inheritable; it takes OBJECT_INHERIT-only
 * ACEs as inherit-only templates (none with NO_PROPAGATE_INHERIT). A non-container child
 * takes OBJECT_INHERIT ACEs as effective, without inheritance flags. Every inherited ACE
 * carries INHERITED_ACE. The parent's inherit-only flag does not matter to the child.
 */
NTSTATUS SepComputeInheritedAcl(PSEP_ACL_BUILDER B, PACL ParentAcl, const SEP_ASSIGN_CONTEXT *C,
                                BOOLEAN IsDacl)
{
    if (ParentAcl == NULL)
        return STATUS_SUCCESS;
    PACE_HEADER ace = SepFirstAce(ParentAcl);
    for (ULONG i = 0; i < ParentAcl->AceCount; i++, ace = SepNextAce(ace)) {
        UCHAR f = ace->AceFlags;
        if (!(f & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)) || !SepAceBelongsTo(ace, IsDacl))
            continue;
        BOOLEAN effective, propagate;
        if (C->IsDirectory) {
            if (f & CONTAINER_INHERIT_ACE)
                effective = TRUE;
            else
                effective = FALSE;
            propagate = !(f & NO_PROPAGATE_INHERIT_ACE);
        } else {
            if (!(f & OBJECT_INHERIT_ACE))
                continue;
            effective = TRUE;
            propagate = FALSE;
        }
        if (!SepAceAppliesToType(ace, C->ObjectType))
            effective = FALSE;
        if (!effective && !propagate)
            continue;
        NTSTATUS st = SepEmitAce(B, ace, C, effective, propagate, INHERITED_ACE);
        if (st != STATUS_SUCCESS)
            return st;
    }
    return STATUS_SUCCESS;
}

/*
 * SepComputeCreatorAcl - the caller's explicit ACL as stored on the new object.
 * @remarks MS-DTYP 2.5.3.4.5: inherit-only ACEs are kept as they are; other ACEs are
 * effective (creator SIDs substituted, generic bits mapped), and on a container an
 * inheritable one is split into an effective copy and an inherit-only template when the
 * copy differs. With auto-inheritance, ACEs already marked INHERITED_ACE are dropped (they
 * are recomputed from the parent).
 */
NTSTATUS SepComputeCreatorAcl(PSEP_ACL_BUILDER B, PACL CreatorAcl, const SEP_ASSIGN_CONTEXT *C,
                              BOOLEAN IsDacl, BOOLEAN DropInherited)
{
    if (CreatorAcl == NULL)
        return STATUS_SUCCESS;
    PACE_HEADER ace = SepFirstAce(CreatorAcl);
    for (ULONG i = 0; i < CreatorAcl->AceCount; i++, ace = SepNextAce(ace)) {
        UCHAR f = ace->AceFlags;
        if (DropInherited && (f & INHERITED_ACE))
            continue;
        NTSTATUS st;
        if (f & INHERIT_ONLY_ACE) {
            st = SepAclAppend(B, ace, f, SepAceMask(ace), NULL);
        } else {
            BOOLEAN propagate = C->IsDirectory && (f & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE));
            st = SepEmitAce(B, ace, C, TRUE, propagate, f & INHERITED_ACE);
        }
        if (st != STATUS_SUCCESS)
            return st;
    }
    (void)IsDacl;
    return STATUS_SUCCESS;
}

/* Appends every ACE of Acl unchanged (the token's default DACL). */
NTSTATUS SepCopyAcl(PSEP_ACL_BUILDER B, PACL Acl)
{
    PACE_HEADER ace = SepFirstAce(Acl);
    for (ULONG i = 0; i < Acl->AceCount; i++, ace = SepNextAce(ace)) {
        NTSTATUS st = SepAclAppend(B, ace, ace->AceFlags, SepAceMask(ace), NULL);
        if (st != STATUS_SUCCESS)
            return st;
    }
    return STATUS_SUCCESS;
}

/* Appends a SYSTEM_MANDATORY_LABEL_ACE for S-1-16-Rid with Policy. */
NTSTATUS SepAppendLabelAce(PSEP_ACL_BUILDER B, ULONG Rid, ULONG Policy)
{
    struct {
        ACE_HEADER Header;
        ACCESS_MASK Mask;
        UCHAR Sid[12];
    } ace;
    memset(&ace, 0, sizeof(ace));
    ace.Header.AceType = SYSTEM_MANDATORY_LABEL_ACE_TYPE;
    ace.Header.AceSize = sizeof(ace);
    ace.Mask = Policy;
    ace.Sid[0] = 1;
    ace.Sid[1] = 1;
    ace.Sid[7] = 16;
    memcpy(&ace.Sid[8], &Rid, sizeof(Rid));
    return SepAclAppend(B, &ace.Header, 0, Policy, NULL);
}

/* Worst-case size of the computed ACL from these sources (split doubles, SIDs can grow). */
SIZE_T SepAclBound(PACL A, PACL Bacl, PACL Cacl)
{
    SIZE_T n = sizeof(ACL) + 64;
    PACL all[3] = {A, Bacl, Cacl};
    for (int i = 0; i < 3; i++)
        if (all[i])
            n += 2 * ((SIZE_T)all[i]->AclSize + (SIZE_T)all[i]->AceCount * 72);
    return n;
}
