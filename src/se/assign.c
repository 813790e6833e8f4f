/*
 * assign.c - SeAssignSecurity, SeAssignSecurityEx, SeDeassignSecurity: the security
 * descriptor of a newly created object (MS-DTYP 2.5.3.4.1 CreateSecurityDescriptor).
 *
 * The new descriptor is self-relative pool memory ('ASsd') owned by the caller and freed
 * with SeDeassignSecurity. The subject's effective token is read under its shared lock;
 * no references are taken or kept.
 */
#include "se/assign.h"
#include "ex/pooltags.h"

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
 * SepComputeAcl - the new object's DACL or SACL (MS-DTYP 2.5.3.4.2 ComputeACL, as Windows
 * runs it).
 * @remarks In this order (ReactOS kmtests SeInheritance.c, TestSeAssignSecurity, checked on
 * Windows Server 2003; Wine security.c test_CreateDirectoryA):
 * (1) an explicit ACL that is present and not defaulted wins, a NULL or empty one too; its
 *     ACEs are kept as given (SepComputeCreatorAcl). The parent's inheritable ACEs are added
 *     after it only with SEF_DACL_AUTO_INHERIT / SEF_SACL_AUTO_INHERIT *and* the creator's
 *     SE_DACL_AUTO_INHERIT_REQ / SE_SACL_AUTO_INHERIT_REQ, and not when it is protected
 *     (Wine test_CreateDirectoryA: a file created with an explicit empty DACL in a directory
 *     with inheritable ACEs gets no ACE); SE_*_PROTECTED is kept;
 * (2) else the parent's inheritable ACEs, when any apply (SepComputeInheritedAcl);
 * (3) else a defaulted explicit ACL (NULL and empty ones included);
 * (4) else, for the DACL, the token's default DACL (generic bits mapped), else none.
 * With SEF_*_AUTO_INHERIT, inherited ACEs carry INHERITED_ACE and an ACL built from the
 * parent gets SE_*_AUTO_INHERITED; without it neither is set. SE_*_DEFAULTED never is.
 */
static NTSTATUS SepComputeAcl(const SEP_SD_VIEW *Parent, const SEP_SD_VIEW *Explicit,
                              SEP_ASSIGN_CONTEXT *C, PTOKEN Token, ULONG AutoInheritFlags,
                              BOOLEAN IsDacl, PSEP_ACL_BUILDER Out, PBOOLEAN Present,
                              PSECURITY_DESCRIPTOR_CONTROL Control)
{
    BOOLEAN parentPresent = Parent && (IsDacl ? Parent->DaclPresent : Parent->SaclPresent);
    PACL parentAcl = parentPresent ? (IsDacl ? Parent->Dacl : Parent->Sacl) : NULL;
    BOOLEAN explicitPresent = Explicit && (IsDacl ? Explicit->DaclPresent : Explicit->SaclPresent);
    PACL explicitAcl = explicitPresent ? (IsDacl ? Explicit->Dacl : Explicit->Sacl) : NULL;
    SECURITY_DESCRIPTOR_CONTROL ec = Explicit ? Explicit->Control : 0;
    BOOLEAN defaulted = (ec & (IsDacl ? SE_DACL_DEFAULTED : SE_SACL_DEFAULTED)) != 0;
    BOOLEAN isProtected = (ec & (IsDacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED)) != 0;
    BOOLEAN request = (ec & (IsDacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ)) != 0;
    BOOLEAN autoInherit = (AutoInheritFlags & (IsDacl ? SEF_DACL_AUTO_INHERIT : SEF_SACL_AUTO_INHERIT)) != 0;
    SECURITY_DESCRIPTOR_CONTROL autoBit = IsDacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED;
    PACL defaultAcl = IsDacl ? Token->DefaultDacl : NULL;
    PSEP_TRACE t = C->Trace;
    C->AclName = IsDacl ? "DACL" : "SACL";
    C->CreatorName = "explicit";
    C->MarkInherited = autoInherit;
    NTSTATUS st = SepAclBuilderInit(Out, SepAclBound(parentAcl, explicitAcl, defaultAcl));
    if (st != STATUS_SUCCESS)
        return st;
    *Present = FALSE;

    if (explicitPresent && !defaulted) {
        BOOLEAN merge = autoInherit && request && !isProtected;
        *Present = TRUE;
        if (isProtected)
            *Control |= IsDacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED;
        if (explicitAcl == NULL) {
            if (t)
                SepTrace(t, "%s: the explicit NULL %s is used (present, not defaulted): no ACL\n", C->AclName, C->AclName);
            SepAclBuilderFree(Out);
            return STATUS_SUCCESS;
        }
        if (t)
            SepTrace(t, "%s: the explicit %s is used (present, not defaulted)%s\n", C->AclName, C->AclName,
                     merge ? "; auto-inherit with the creator's AUTO_INHERIT_REQ: the parent's inheritable ACEs follow it"
                     : isProtected ? "; it is protected: nothing is inherited"
                     : autoInherit ? "; no AUTO_INHERIT_REQ in the creator's descriptor: nothing is inherited"
                                   : "; nothing is inherited");
        st = SepComputeCreatorAcl(Out, explicitAcl, C, IsDacl, merge);
        if (st == STATUS_SUCCESS && merge) {
            st = SepComputeInheritedAcl(Out, parentAcl, C, IsDacl);
            *Control |= autoBit;
        }
        return st;
    }
    if (t && parentAcl)
        SepTrace(t, "%s: %s; the parent's inheritable ACEs:\n", C->AclName,
                 explicitPresent ? "the explicit one is defaulted" : "no explicit one");
    st = SepComputeInheritedAcl(Out, parentAcl, C, IsDacl);
    if (st != STATUS_SUCCESS)
        return st;
    if (Out->Acl->AceCount != 0) {
        *Present = TRUE;
        if (autoInherit)
            *Control |= autoBit;
        if (t)
            SepTrace(t, "%s: built from the parent (%u ACEs)%s\n", C->AclName, (unsigned)Out->Acl->AceCount,
                     autoInherit ? ", marked auto-inherited" : "");
        return STATUS_SUCCESS;
    }
    if (explicitPresent) {
        *Present = TRUE;
        if (explicitAcl == NULL) {
            if (t)
                SepTrace(t, "%s: nothing inherited; the defaulted explicit NULL %s is used\n", C->AclName, C->AclName);
            SepAclBuilderFree(Out);
            return STATUS_SUCCESS;
        }
        if (t)
            SepTrace(t, "%s: nothing inherited; the defaulted explicit %s is used\n", C->AclName, C->AclName);
        return SepComputeCreatorAcl(Out, explicitAcl, C, IsDacl, FALSE);
    }
    if (defaultAcl) {
        *Present = TRUE;
        C->CreatorName = "default DACL";
        if (t)
            SepTrace(t, "DACL: nothing inherited or given; the token's default DACL is used\n");
        /* Applied like a creator ACL: generic bits mapped (the check does not map ACE masks,
         * MS-DTYP 2.5.3.2). */
        return SepComputeCreatorAcl(Out, defaultAcl, C, IsDacl, FALSE);
    }
    if (t)
        SepTrace(t, "%s: nothing inherited or given%s: none\n", C->AclName,
                 IsDacl ? " and the token has no default DACL" : "");
    SepAclBuilderFree(Out);
    return STATUS_SUCCESS;
}

/*
 * SeAssignSecurityEx - WDK. Builds *NewDescriptor (self-relative, caller frees with
 * SeDeassignSecurity) for a new object from ParentDescriptor (may be NULL),
 * ExplicitDescriptor (may be NULL) and the subject's effective token. No references are
 * taken; the token is read under its shared lock.
 * @remarks Argument errors, each with no descriptor (*NewDescriptor NULL): NULL
 * NewDescriptor STATUS_ACCESS_VIOLATION (Windows faults on it: SeInheritance.c); NULL
 * SubjectContext STATUS_NO_TOKEN (SeInheritance.c); no token in the context STATUS_NO_TOKEN
 * (Windows faults; fail closed); NULL GenericMapping STATUS_INVALID_PARAMETER.
 * Owner: explicit (the user or an enabled owner group, unless SeRestorePrivilege or
 * SEF_AVOID_OWNER_CHECK, else STATUS_INVALID_OWNER); else with
 * SEF_DEFAULT_OWNER_FROM_PARENT the parent's, STATUS_INVALID_OWNER when there is no parent
 * owner; else the token's default owner. Group likewise (STATUS_INVALID_PRIMARY_GROUP),
 * then the token's primary group (STATUS_INVALID_PRIMARY_GROUP when it has none); the owner
 * is decided first (SeInheritance.c: both FROM_PARENT flags without a parent give
 * STATUS_INVALID_OWNER). DACL and SACL by SepComputeAcl. An explicit SACL with audit ACEs
 * needs SeSecurityPrivilege (STATUS_PRIVILEGE_NOT_HELD) unless SEF_AVOID_PRIVILEGE_CHECK; an
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
    return SepAssignSecurity(ParentDescriptor, ExplicitDescriptor, NewDescriptor, ObjectType,
                             IsDirectoryObject, AutoInheritFlags, SubjectContext, GenericMapping,
                             PoolType, NULL);
}

/* SepAssignSecurity - see assign.h and SeAssignSecurityEx. */
NTSTATUS SepAssignSecurity(PSECURITY_DESCRIPTOR ParentDescriptor, PSECURITY_DESCRIPTOR ExplicitDescriptor,
                           PSECURITY_DESCRIPTOR *NewDescriptor, GUID *ObjectType, BOOLEAN IsDirectoryObject,
                           ULONG AutoInheritFlags, PSECURITY_SUBJECT_CONTEXT SubjectContext,
                           PGENERIC_MAPPING GenericMapping, POOL_TYPE PoolType, PSEP_TRACE Trace)
{
    if (NewDescriptor == NULL)
        return STATUS_ACCESS_VIOLATION;
    *NewDescriptor = NULL;
    if (SubjectContext == NULL)
        return STATUS_NO_TOKEN;
    if (GenericMapping == NULL)
        return STATUS_INVALID_PARAMETER;
    PTOKEN token = SubjectContext->ClientToken ? SubjectContext->ClientToken : SubjectContext->PrimaryToken;
    if (token == NULL)
        return STATUS_NO_TOKEN;
    if (!SepIsToken(token, "SeAssignSecurityEx"))
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

    /* Owner, then group. */
    PSID owner, group;
    PCSTR ownerWhy, groupWhy;
    if (e && e->Owner) {
        owner = e->Owner;
        ownerWhy = "explicit";
        if (!(AutoInheritFlags & SEF_AVOID_OWNER_CHECK) && !SepTokenMayOwn(token, owner) &&
            !SepTokenPrivilegeEnabled(token, SE_RESTORE_PRIVILEGE)) {
            if (Trace)
                SepTrace(Trace, "owner: the explicit owner is neither the user nor an enabled owner group, "
                                "and SeRestorePrivilege is not enabled: STATUS_INVALID_OWNER\n");
            st = STATUS_INVALID_OWNER;
            goto out;
        }
    } else if (AutoInheritFlags & SEF_DEFAULT_OWNER_FROM_PARENT) {
        if (p == NULL || p->Owner == NULL) {
            if (Trace)
                SepTrace(Trace, "owner: SEF_DEFAULT_OWNER_FROM_PARENT without a parent owner: STATUS_INVALID_OWNER\n");
            st = STATUS_INVALID_OWNER;
            goto out;
        }
        owner = p->Owner;
        ownerWhy = "the parent's (SEF_DEFAULT_OWNER_FROM_PARENT)";
    } else {
        owner = token->UserAndGroups[token->DefaultOwnerIndex].Sid;
        ownerWhy = "the token's default owner";
    }
    if (e && e->Group) {
        group = e->Group;
        groupWhy = "explicit";
    } else if (AutoInheritFlags & SEF_DEFAULT_GROUP_FROM_PARENT) {
        if (p == NULL || p->Group == NULL) {
            if (Trace)
                SepTrace(Trace, "group: SEF_DEFAULT_GROUP_FROM_PARENT without a parent group: STATUS_INVALID_PRIMARY_GROUP\n");
            st = STATUS_INVALID_PRIMARY_GROUP;
            goto out;
        }
        group = p->Group;
        groupWhy = "the parent's (SEF_DEFAULT_GROUP_FROM_PARENT)";
    } else {
        group = token->PrimaryGroup;
        groupWhy = "the token's primary group";
        if (group == NULL) {
            if (Trace)
                SepTrace(Trace, "group: the token has no primary group: STATUS_INVALID_PRIMARY_GROUP\n");
            st = STATUS_INVALID_PRIMARY_GROUP;
            goto out;
        }
    }
    if (Trace) {
        SepTrace(Trace, "owner: ");
        SepTraceSid(Trace, owner);
        SepTrace(Trace, ", %s\ngroup: ", ownerWhy);
        SepTraceSid(Trace, group);
        SepTrace(Trace, ", %s\n", groupWhy);
    }

    SEP_ASSIGN_CONTEXT ctx = {owner, group, IsDirectoryObject, ObjectType, GenericMapping, FALSE, "DACL",
                              "explicit", Trace};

    /* SACL: privilege and label checks on the explicit one. */
    if (e && e->SaclPresent && e->Sacl) {
        if (SepAclHasNonLabel(e->Sacl) && !(AutoInheritFlags & SEF_AVOID_PRIVILEGE_CHECK) &&
            !SepTokenPrivilegeEnabled(token, SE_SECURITY_PRIVILEGE)) {
            if (Trace)
                SepTrace(Trace, "SACL: an explicit SACL with audit ACEs needs SeSecurityPrivilege: STATUS_PRIVILEGE_NOT_HELD\n");
            st = STATUS_PRIVILEGE_NOT_HELD;
            goto out;
        }
        ULONG rid;
        if (SepAclHasLabel(e->Sacl, &rid) && rid > SepTokenIntegrityRid(token) &&
            !SepTokenPrivilegeEnabled(token, SE_RELABEL_PRIVILEGE)) {
            if (Trace)
                SepTrace(Trace, "SACL: an explicit label above the creator's level needs SeRelabelPrivilege: STATUS_INVALID_LABEL\n");
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
        if (Trace)
            SepTrace(Trace, "SACL: the creator is below Medium and no label was inherited or given: its own level is stamped\n");
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
