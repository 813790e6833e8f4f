/*
 * assign.c - SeAssignSecurity, SeAssignSecurityEx, SeDeassignSecurity: the security
 * descriptor of a newly created object (MS-DTYP 2.5.3.4.1 CreateSecurityDescriptor).
 *
 * The new descriptor is self-relative pool memory ('ASsd') owned by the caller and freed
 * with SeDeassignSecurity. The subject's effective token is read under its shared lock;
 * no references are taken or kept.
 */
#include "se/assign.h"

#define SEP_SD_TAG 0x64735341 /* 'ASsd' */

/* TRUE when Sid may be the owner: the user or an SE_GROUP_OWNER group (enabled). */
static BOOLEAN SepTokenMayOwn(PTOKEN Token, PSID Sid)
{
    if (SepSidEqual(Token->UserAndGroups[0].Sid, Sid))
        return TRUE;
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        ULONG a = Token->UserAndGroups[i].Attributes;
        if ((a & SE_GROUP_OWNER) && (a & SE_GROUP_ENABLED) && !(a & SE_GROUP_USE_FOR_DENY_ONLY) &&
            SepSidEqual(Token->UserAndGroups[i].Sid, Sid))
            return TRUE;
    }
    return FALSE;
}

static BOOLEAN SepAclHasLabel(PACL Acl, PULONG Rid)
{
    if (Acl == NULL)
        return FALSE;
    PACE_HEADER ace = SepFirstAce(Acl);
    for (ULONG i = 0; i < Acl->AceCount; i++, ace = SepNextAce(ace)) {
        if (ace->AceType == SYSTEM_MANDATORY_LABEL_ACE_TYPE) {
            const SID *s = SepAceSid(ace);
            if (Rid)
                *Rid = s->SubAuthorityCount ? s->SubAuthority[s->SubAuthorityCount - 1] : 0;
            if (!(ace->AceFlags & INHERIT_ONLY_ACE))
                return TRUE;
        }
    }
    return FALSE;
}

static BOOLEAN SepAclHasNonLabel(PACL Acl)
{
    PACE_HEADER ace = SepFirstAce(Acl);
    for (ULONG i = 0; i < Acl->AceCount; i++, ace = SepNextAce(ace))
        if (ace->AceType != SYSTEM_MANDATORY_LABEL_ACE_TYPE)
            return TRUE;
    return FALSE;
}

/*
 * SepComputeAcl - MS-DTYP 2.5.3.4.2 ComputeACL for the DACL or the SACL.
 * @remarks An explicit ACL that is present and not defaulted wins; with auto-inheritance
 * (SEF_DACL_AUTO_INHERIT / SEF_SACL_AUTO_INHERIT) and no SE_*_PROTECTED, the parent's
 * inheritable ACEs are appended after it. Otherwise the parent's inheritable ACEs, if any
 * apply; otherwise a defaulted explicit ACL; otherwise (DACL only) the token's default DACL;
 * otherwise none. *Control receives SE_*_AUTO_INHERITED / SE_*_PROTECTED as applicable.
 */
static NTSTATUS SepComputeAcl(const SEP_SD_VIEW *Parent, const SEP_SD_VIEW *Explicit,
                              const SEP_ASSIGN_CONTEXT *C, PTOKEN Token, ULONG AutoInheritFlags,
                              BOOLEAN IsDacl, PSEP_ACL_BUILDER Out, PBOOLEAN Present,
                              PSECURITY_DESCRIPTOR_CONTROL Control)
{
    PACL parentAcl = Parent ? (IsDacl ? Parent->Dacl : Parent->Sacl) : NULL;
    BOOLEAN explicitPresent = Explicit && (IsDacl ? Explicit->DaclPresent : Explicit->SaclPresent);
    PACL explicitAcl = explicitPresent ? (IsDacl ? Explicit->Dacl : Explicit->Sacl) : NULL;
    SECURITY_DESCRIPTOR_CONTROL ec = Explicit ? Explicit->Control : 0;
    BOOLEAN defaulted = (ec & (IsDacl ? SE_DACL_DEFAULTED : SE_SACL_DEFAULTED)) != 0;
    BOOLEAN isProtected = (ec & (IsDacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED)) != 0;
    BOOLEAN autoInherit = (AutoInheritFlags & (IsDacl ? SEF_DACL_AUTO_INHERIT : SEF_SACL_AUTO_INHERIT)) != 0;
    SECURITY_DESCRIPTOR_CONTROL autoBit = IsDacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED;
    PACL defaultAcl = IsDacl ? Token->DefaultDacl : NULL;
    NTSTATUS st = SepAclBuilderInit(Out, SepAclBound(parentAcl, explicitAcl, defaultAcl));
    if (st != STATUS_SUCCESS)
        return st;
    *Present = FALSE;

    if (explicitPresent && !defaulted) {
        *Present = TRUE;
        if (explicitAcl == NULL) {
            /* an explicit NULL ACL: present, no ACL */
            SepAclBuilderFree(Out);
            return STATUS_SUCCESS;
        }
        st = SepComputeCreatorAcl(Out, explicitAcl, C, IsDacl, autoInherit && !isProtected);
        if (st == STATUS_SUCCESS && autoInherit && !isProtected) {
            st = SepComputeInheritedAcl(Out, parentAcl, C, IsDacl);
            *Control |= autoBit;
        }
        if (isProtected)
            *Control |= IsDacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED;
        return st;
    }
    st = SepComputeInheritedAcl(Out, parentAcl, C, IsDacl);
    if (st != STATUS_SUCCESS)
        return st;
    if (Out->Acl->AceCount != 0) {
        *Present = TRUE;
        if (autoInherit)
            *Control |= autoBit;
        return STATUS_SUCCESS;
    }
    if (explicitPresent) {
        *Present = TRUE;
        if (explicitAcl == NULL) {
            SepAclBuilderFree(Out);
            return STATUS_SUCCESS;
        }
        return SepComputeCreatorAcl(Out, explicitAcl, C, IsDacl, FALSE);
    }
    if (defaultAcl) {
        *Present = TRUE;
        /* The default DACL is applied like a creator ACL: generic bits mapped (the check
         * does not map ACE masks, MS-DTYP 2.5.3.2). */
        return SepComputeCreatorAcl(Out, defaultAcl, C, IsDacl, FALSE);
    }
    SepAclBuilderFree(Out);
    return STATUS_SUCCESS;
}

/*
 * SeAssignSecurityEx - WDK. Builds *NewDescriptor (self-relative, caller frees with
 * SeDeassignSecurity) for a new object from ParentDescriptor (may be NULL),
 * ExplicitDescriptor (may be NULL) and the subject's effective token.
 * @remarks MS-DTYP 2.5.3.4.1: owner = explicit owner (must be the user or an owner group,
 * unless SeRestorePrivilege or SEF_AVOID_OWNER_CHECK: else STATUS_INVALID_OWNER), or the
 * parent's with SEF_DEFAULT_OWNER_FROM_PARENT, or the token's default owner; group =
 * explicit, or the parent's with SEF_DEFAULT_GROUP_FROM_PARENT, or the token's primary
 * group; DACL and SACL by SepComputeAcl. An explicit SACL with audit ACEs needs
 * SeSecurityPrivilege (STATUS_PRIVILEGE_NOT_HELD) unless SEF_AVOID_PRIVILEGE_CHECK; an
 * explicit label above the creator's level needs SeRelabelPrivilege (STATUS_INVALID_LABEL).
 * A creator below Medium stamps its own level on the object when no label is inherited or
 * given (Microsoft, "Mandatory Integrity Control"), with the SEF_MACL_* policy
 * (NO_WRITE_UP when none is given).
 */
NTSTATUS SeAssignSecurityEx(PSECURITY_DESCRIPTOR ParentDescriptor,
                            PSECURITY_DESCRIPTOR ExplicitDescriptor,
                            PSECURITY_DESCRIPTOR *NewDescriptor, GUID *ObjectType,
                            BOOLEAN IsDirectoryObject, ULONG AutoInheritFlags,
                            PSECURITY_SUBJECT_CONTEXT SubjectContext,
                            PGENERIC_MAPPING GenericMapping, POOL_TYPE PoolType)
{
    if (NewDescriptor == NULL)
        return STATUS_INVALID_PARAMETER;
    *NewDescriptor = NULL;
    if (SubjectContext == NULL || GenericMapping == NULL)
        return STATUS_INVALID_PARAMETER;
    PTOKEN token = SubjectContext->ClientToken ? SubjectContext->ClientToken : SubjectContext->PrimaryToken;
    if (token == NULL || !SepIsToken(token, "SeAssignSecurityEx"))
        return STATUS_OBJECT_TYPE_MISMATCH;

    SEP_SD_VIEW parent, expl;
    NTSTATUS st;
    if (ParentDescriptor && (st = SepCaptureSdView(ParentDescriptor, &parent)) != STATUS_SUCCESS)
        return st;
    if (ExplicitDescriptor && (st = SepCaptureSdView(ExplicitDescriptor, &expl)) != STATUS_SUCCESS)
        return st;
    const SEP_SD_VIEW *p = ParentDescriptor ? &parent : NULL;
    const SEP_SD_VIEW *e = ExplicitDescriptor ? &expl : NULL;

    SepAcquireTokenLockShared(token);
    SEP_ACL_BUILDER dacl = {0}, sacl = {0};
    BOOLEAN daclPresent = FALSE, saclPresent = FALSE;
    SECURITY_DESCRIPTOR_CONTROL control = SE_SELF_RELATIVE;

    /* Owner and group. */
    PSID owner, group;
    if (e && e->Owner) {
        owner = e->Owner;
        if (!(AutoInheritFlags & SEF_AVOID_OWNER_CHECK) && !SepTokenMayOwn(token, owner) &&
            !SepTokenPrivilegeEnabled(token, SE_RESTORE_PRIVILEGE)) {
            st = STATUS_INVALID_OWNER;
            goto out;
        }
    } else if ((AutoInheritFlags & SEF_DEFAULT_OWNER_FROM_PARENT) && p && p->Owner) {
        owner = p->Owner;
    } else {
        owner = token->UserAndGroups[token->DefaultOwnerIndex].Sid;
    }
    if (e && e->Group)
        group = e->Group;
    else if ((AutoInheritFlags & SEF_DEFAULT_GROUP_FROM_PARENT) && p && p->Group)
        group = p->Group;
    else
        group = token->PrimaryGroup;

    SEP_ASSIGN_CONTEXT ctx = {owner, group, IsDirectoryObject, ObjectType, GenericMapping};

    /* SACL: privilege and label checks on the explicit one. */
    if (e && e->SaclPresent && e->Sacl) {
        if (SepAclHasNonLabel(e->Sacl) && !(AutoInheritFlags & SEF_AVOID_PRIVILEGE_CHECK) &&
            !SepTokenPrivilegeEnabled(token, SE_SECURITY_PRIVILEGE)) {
            st = STATUS_PRIVILEGE_NOT_HELD;
            goto out;
        }
        ULONG rid;
        if (SepAclHasLabel(e->Sacl, &rid) && rid > SepTokenIntegrityRid(token) &&
            !SepTokenPrivilegeEnabled(token, SE_RELABEL_PRIVILEGE)) {
            st = STATUS_INVALID_LABEL;
            goto out;
        }
    }
    st = SepComputeAcl(p, e, &ctx, token, AutoInheritFlags, TRUE, &dacl, &daclPresent, &control);
    if (st != STATUS_SUCCESS)
        goto out;
    st = SepComputeAcl(p, e, &ctx, token, AutoInheritFlags, FALSE, &sacl, &saclPresent, &control);
    if (st != STATUS_SUCCESS)
        goto out;
    ULONG tokenRid = SepTokenIntegrityRid(token);
    if (tokenRid < SECURITY_MANDATORY_MEDIUM_RID && !SepAclHasLabel(sacl.Acl, NULL)) {
        if (sacl.Acl == NULL && (st = SepAclBuilderInit(&sacl, sizeof(ACL) + 32)) != STATUS_SUCCESS)
            goto out;
        ULONG policy = 0;
        if (AutoInheritFlags & SEF_MACL_NO_WRITE_UP) policy |= SYSTEM_MANDATORY_LABEL_NO_WRITE_UP;
        if (AutoInheritFlags & SEF_MACL_NO_READ_UP) policy |= SYSTEM_MANDATORY_LABEL_NO_READ_UP;
        if (AutoInheritFlags & SEF_MACL_NO_EXECUTE_UP) policy |= SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP;
        if (policy == 0)
            policy = SYSTEM_MANDATORY_LABEL_NO_WRITE_UP;
        if ((st = SepAppendLabelAce(&sacl, tokenRid, policy)) != STATUS_SUCCESS)
            goto out;
        saclPresent = TRUE;
    }

    /* Assemble the self-relative descriptor. */
    ULONG ownerLen = SepSidLength(owner), groupLen = group ? SepSidLength(group) : 0;
    SIZE_T size = sizeof(SECURITY_DESCRIPTOR_RELATIVE) + ownerLen + groupLen +
                  (sacl.Acl ? sacl.Used : 0) + (dacl.Acl ? dacl.Used : 0);
    PUCHAR sd = ExAllocatePoolWithTag(PoolType, size, SEP_SD_TAG);
    if (sd == NULL) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    PISECURITY_DESCRIPTOR_RELATIVE rel = (PISECURITY_DESCRIPTOR_RELATIVE)sd;
    rel->Revision = SECURITY_DESCRIPTOR_REVISION;
    ULONG off = sizeof(SECURITY_DESCRIPTOR_RELATIVE);
    rel->Owner = off;
    memcpy(sd + off, owner, ownerLen);
    off += ownerLen;
    if (group) {
        rel->Group = off;
        memcpy(sd + off, group, groupLen);
        off += groupLen;
    }
    if (saclPresent) {
        control |= SE_SACL_PRESENT;
        if (sacl.Acl) {
            rel->Sacl = off;
            memcpy(sd + off, sacl.Acl, sacl.Used);
            off += (ULONG)sacl.Used;
        }
    }
    if (daclPresent) {
        control |= SE_DACL_PRESENT;
        if (dacl.Acl) {
            rel->Dacl = off;
            memcpy(sd + off, dacl.Acl, dacl.Used);
            off += (ULONG)dacl.Used;
        }
    }
    rel->Control = control;
    *NewDescriptor = sd;
    st = STATUS_SUCCESS;
out:
    SepReleaseTokenLock(token);
    SepAclBuilderFree(&dacl);
    SepAclBuilderFree(&sacl);
    return st;
}

/* SeAssignSecurity - WDK: SeAssignSecurityEx without object type or auto-inheritance. */
NTSTATUS SeAssignSecurity(PSECURITY_DESCRIPTOR ParentDescriptor,
                          PSECURITY_DESCRIPTOR ExplicitDescriptor,
                          PSECURITY_DESCRIPTOR *NewDescriptor, BOOLEAN IsDirectoryObject,
                          PSECURITY_SUBJECT_CONTEXT SubjectContext,
                          PGENERIC_MAPPING GenericMapping, POOL_TYPE PoolType)
{
    return SeAssignSecurityEx(ParentDescriptor, ExplicitDescriptor, NewDescriptor, NULL,
                              IsDirectoryObject, 0, SubjectContext, GenericMapping, PoolType);
}

/* SeDeassignSecurity - WDK: frees a descriptor from SeAssignSecurity(Ex) and clears the pointer. */
NTSTATUS SeDeassignSecurity(PSECURITY_DESCRIPTOR *SecurityDescriptor)
{
    if (SecurityDescriptor == NULL)
        return STATUS_INVALID_PARAMETER;
    if (*SecurityDescriptor)
        ExFreePool(*SecurityDescriptor);
    *SecurityDescriptor = NULL;
    return STATUS_SUCCESS;
}
