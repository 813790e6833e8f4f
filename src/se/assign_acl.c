/*
 * assign_acl.c - the ACL computations of security assignment (MS-DTYP 2.5.3.4.2 ComputeACL,
 * 2.5.3.4.3 ContainsInheritableACEs, 2.5.3.4.4 ComputeInheritedACLFromParent,
 * 2.5.3.4.5 ComputeCreatorACL): inheritance from the parent, CREATOR OWNER / CREATOR GROUP
 * substitution, generic mapping, and the split of an ACE into an effective copy and an
 * inherit-only template. No references are taken.
 */
#include <stdio.h>
#include "se/assign.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

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
    if (!RtlpIsObjectAceType(Ace->AceType))
        return TRUE;
    PACCESS_ALLOWED_OBJECT_ACE o = (PACCESS_ALLOWED_OBJECT_ACE)Ace;
    if (!(o->Flags & ACE_INHERITED_OBJECT_TYPE_PRESENT))
        return TRUE;
    const GUID *inherited = (o->Flags & ACE_OBJECT_TYPE_PRESENT) ? &o->InheritedObjectType
                                                                 : &o->ObjectType;
    return ObjectType != NULL && memcmp(inherited, ObjectType, sizeof(GUID)) == 0;
}

/*
 * SepAssignMapMask - generic bits of Mask mapped through C->Mapping, the mapped part cut to
 * GenericMapping->GenericAll (SeInheritance.c, TestSeAssignSecurity: with a mapping whose
 * GR/GW/GX hold 0x1000/0x2000/0x4000 outside GenericAll 0x1F800F, GR|GX|RC becomes
 * RC|0x5). Specific bits written in the ACE are kept. *Cut receives the bits the cut removed.
 */
static ACCESS_MASK SepAssignMapMask(ACCESS_MASK Mask, const SEP_ASSIGN_CONTEXT *C, PACCESS_MASK Cut)
{
    *Cut = 0;
    if (!(Mask & SEP_GENERIC_BITS))
        return Mask;
    ACCESS_MASK mapped = SepMapGeneric(Mask & SEP_GENERIC_BITS, C->Mapping);
    *Cut = mapped & ~C->Mapping->GenericAll;
    return (Mask & ~SEP_GENERIC_BITS) | (mapped & C->Mapping->GenericAll);
}

/* Trace: "<ACL> <what>[index] (sddl)". */
static VOID SepAssignTraceAce(const SEP_ASSIGN_CONTEXT *C, PCSTR What, ULONG Index, PACE_HEADER Ace)
{
    char text[400];
    RtlpAceToSddl(Ace, text, sizeof(text));
    SepTrace(C->Trace, "%s: %s ACE[%u] %s", C->AclName, What, (unsigned)Index, text);
}

/* Trace: "    -> (sddl of the ACE just appended): reason". */
static VOID SepAssignTraceOut(const SEP_ASSIGN_CONTEXT *C, PSEP_ACL_BUILDER B, SIZE_T Offset, PCSTR Reason)
{
    char text[400];
    RtlpAceToSddl((PACE_HEADER)((PUCHAR)B->Acl + Offset), text, sizeof(text));
    SepTrace(C->Trace, "    -> %s: %s\n", text, Reason);
}

/* The substitute for a CREATOR OWNER / CREATOR GROUP trustee, or NULL. */
static PSID SepCreatorSubstitute(PACE_HEADER Ace, const SEP_ASSIGN_CONTEXT *C)
{
    PSID sid = SepAceSid(Ace);
    if (sid == NULL)
        return NULL;
    if (SepSidIsCreatorOwner(sid))
        return C->Owner;
    if (SepSidIsCreatorGroup(sid))
        return C->Group;
    return NULL;
}

/*
 * SepComputeInheritedAcl - the ACEs a new object inherits from ParentAcl.
 * @remarks Windows (ReactOS kmtests SeInheritance.c, TestSeAssignSecurity, checked on
 * Windows Server 2003; Wine security.c test_CreateDirectoryA): only ACEs with OI or CI are
 * inherited; the parent's IO and ID flags do not matter. A file takes OI ACEs as one
 * effective ACE (flags: SA/FA only, CREATOR OWNER/GROUP replaced, generic bits mapped and
 * cut to GenericAll). A container takes a CI ACE with NP as that effective ACE; a CI ACE
 * without NP as one ACE keeping its SID, mask and OI/CI when the effective copy would not
 * differ, else as the effective copy followed by an IO|CI(|OI) template with the original
 * SID and mask; an OI-only ACE without NP as one IO|OI template; an OI-only ACE with NP not
 * at all. INHERITED_ACE is set only when C->MarkInherited (SEF_DACL_AUTO_INHERIT /
 * SEF_SACL_AUTO_INHERIT): SeAssignSecurity without flags produces no ID flags.
 */
NTSTATUS SepComputeInheritedAcl(PSEP_ACL_BUILDER B, PACL ParentAcl, const SEP_ASSIGN_CONTEXT *C,
                                BOOLEAN IsDacl)
{
    if (ParentAcl == NULL)
        return STATUS_SUCCESS;
    UCHAR id = C->MarkInherited ? INHERITED_ACE : 0;
    PACE_HEADER ace = SepFirstAce(ParentAcl);
    for (ULONG i = 0; i < ParentAcl->AceCount; i++, ace = SepNextAce(ace)) {
        UCHAR f = ace->AceFlags;
        UCHAR audit = f & (SUCCESSFUL_ACCESS_ACE_FLAG | FAILED_ACCESS_ACE_FLAG | CRITICAL_ACE_FLAG);
        UCHAR inherit = f & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE);
        if (C->Trace)
            SepAssignTraceAce(C, "parent", i, ace);
        if (!SepAceBelongsTo(ace, IsDacl)) {
            if (C->Trace)
                SepTrace(C->Trace, ": skipped: not an ACE type of this ACL\n");
            continue;
        }
        if (inherit == 0) {
            if (C->Trace)
                SepTrace(C->Trace, ": skipped: not inheritable (no OI or CI)\n");
            continue;
        }
        BOOLEAN effective, propagate;
        if (C->IsDirectory) {
            effective = (f & CONTAINER_INHERIT_ACE) != 0;
            propagate = !(f & NO_PROPAGATE_INHERIT_ACE);
        } else {
            effective = (f & OBJECT_INHERIT_ACE) != 0;
            propagate = FALSE;
        }
        if (effective && !SepAceAppliesToType(ace, C->ObjectType))
            effective = FALSE;
        if (!effective && !propagate) {
            if (C->Trace)
                SepTrace(C->Trace, ": skipped: %s\n",
                         (f & (C->IsDirectory ? CONTAINER_INHERIT_ACE : OBJECT_INHERIT_ACE))
                             ? "its inherited object type is not this object's"
                         : !C->IsDirectory ? "container-inherit only, and the new object is not a container"
                                           : "object-inherit only with NO_PROPAGATE_INHERIT: "
                                             "it reaches files in the parent only");
            continue;
        }
        if (C->Trace)
            SepTrace(C->Trace, "\n");
        ACCESS_MASK mask = SepAceMask(ace), cut = 0;
        BOOLEAN label = ace->AceType == SYSTEM_MANDATORY_LABEL_ACE_TYPE;
        PSID subst = SepCreatorSubstitute(ace, C);
        ACCESS_MASK mapped = label ? mask : SepAssignMapMask(mask, C, &cut);
        BOOLEAN differs = subst != NULL || mapped != mask;
        NTSTATUS st;
        SIZE_T at = B->Used;
        if (effective && propagate && !differs) {
            /* One ACE serves this object and its children. */
            st = SepAclAppend(B, ace, audit | inherit | id, mask, NULL);
            if (st == STATUS_SUCCESS && C->Trace)
                SepAssignTraceOut(C, B, at, "inherited as it is: effective here and inheritable (nothing to map or replace)");
            if (st != STATUS_SUCCESS)
                return st;
            continue;
        }
        if (effective) {
            st = SepAclAppend(B, ace, audit | id, mapped, subst);
            if (st != STATUS_SUCCESS)
                return st;
            if (C->Trace) {
                char why[256];
                int n = snprintf(why, sizeof(why), "%s", propagate ? "split: the effective part" : "inherited as an effective ACE");
                if (subst)
                    n += snprintf(why + n, sizeof(why) - (size_t)n, "; %s replaced by the new %s",
                                  SepSidIsCreatorOwner(SepAceSid(ace)) ? "CREATOR OWNER" : "CREATOR GROUP",
                                  SepSidIsCreatorOwner(SepAceSid(ace)) ? "owner" : "group");
                if (mapped != mask)
                    n += snprintf(why + n, sizeof(why) - (size_t)n, "; generic bits mapped");
                if (cut)
                    snprintf(why + n, sizeof(why) - (size_t)n, "; cut to GenericAll (dropped 0x%08x)", (unsigned)cut);
                SepAssignTraceOut(C, B, at, why);
            }
        }
        if (propagate) {
            UCHAR flags = audit | INHERIT_ONLY_ACE | id |
                          (effective ? (UCHAR)(CONTAINER_INHERIT_ACE | (f & OBJECT_INHERIT_ACE)) : inherit);
            at = B->Used;
            st = SepAclAppend(B, ace, flags, mask, NULL);
            if (st != STATUS_SUCCESS)
                return st;
            if (C->Trace)
                SepAssignTraceOut(C, B, at, effective ? "split: the inherit-only template for children (original SID and mask)"
                                                      : "inherit-only: object-inherit only, it applies to files created in this container");
        }
    }
    return STATUS_SUCCESS;
}

/*
 * SepComputeCreatorAcl - the caller's explicit ACL as stored on the new object.
 * @remarks Windows keeps explicit ACEs as given: same flags (OI/CI/NP/IO/ID even on a file),
 * same SID (CREATOR OWNER / CREATOR GROUP are not replaced), no split; only the generic
 * bits of an ACE without IO are mapped and cut to GenericAll (ReactOS kmtests
 * SeInheritance.c, TestSeAssignSecurity "Different DACLs in parent and explicit
 * descriptors"; Wine security.c test_CreateDirectoryA: an explicit OICI GENERIC_ALL ACE on
 * a directory is stored as OICI 0x1f01ff). MS-DTYP 2.5.3.4.5 describes substitution and a
 * split here; Windows does not do them (docs/assign.md). With DropInherited (merging with
 * the parent under auto-inheritance), ACEs marked INHERITED_ACE are dropped.
 */
NTSTATUS SepComputeCreatorAcl(PSEP_ACL_BUILDER B, PACL CreatorAcl, const SEP_ASSIGN_CONTEXT *C,
                              BOOLEAN IsDacl, BOOLEAN DropInherited)
{
    if (CreatorAcl == NULL)
        return STATUS_SUCCESS;
    PACE_HEADER ace = SepFirstAce(CreatorAcl);
    for (ULONG i = 0; i < CreatorAcl->AceCount; i++, ace = SepNextAce(ace)) {
        UCHAR f = ace->AceFlags;
        if (C->Trace)
            SepAssignTraceAce(C, C->CreatorName, i, ace);
        if (DropInherited && (f & INHERITED_ACE)) {
            if (C->Trace)
                SepTrace(C->Trace, ": dropped: marked inherited, recomputed from the parent\n");
            continue;
        }
        if (C->Trace)
            SepTrace(C->Trace, "\n");
        ACCESS_MASK mask = SepAceMask(ace), cut = 0, out = mask;
        if (!(f & INHERIT_ONLY_ACE) && ace->AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE)
            out = SepAssignMapMask(mask, C, &cut);
        SIZE_T at = B->Used;
        NTSTATUS st = SepAclAppend(B, ace, f, out, NULL);
        if (st != STATUS_SUCCESS)
            return st;
        if (C->Trace) {
            char why[160];
            int n = snprintf(why, sizeof(why), "%s", "kept as given (flags and SID unchanged)");
            if (out != mask)
                n += snprintf(why + n, sizeof(why) - (size_t)n, "; generic bits mapped");
            else if ((f & INHERIT_ONLY_ACE) && (mask & SEP_GENERIC_BITS))
                n += snprintf(why + n, sizeof(why) - (size_t)n, "; inherit-only: generic bits left for the children");
            if (cut)
                snprintf(why + n, sizeof(why) - (size_t)n, "; cut to GenericAll (dropped 0x%08x)", (unsigned)cut);
            SepAssignTraceOut(C, B, at, why);
        }
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
