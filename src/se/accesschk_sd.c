/*
 * accesschk_sd.c - reading and validating the security descriptor an access check or a
 * security assignment is given (absolute or self-relative), and walking its ACLs.
 *
 * Nothing here takes or releases references: a view points into the caller's descriptor,
 * which must stay valid for the duration of the check.
 */
#include "se/aclwalk.h"

/*
 * The SID bound check (RtlpValidSidBounded) and the object-ACE type set
 * (RtlpIsObjectAceType) are Rtl's, shared with RtlValidAcl. The ACL walk below stays its
 * own: the access check accepts what RtlValidAcl rejects (object ACEs in a revision-2 ACL),
 * so it is not RtlValidAcl. An AceSize that is not a multiple of 4 is refused, as by
 * RtlValidAcl (MS-DTYP 2.4.4.1: AceSize MUST be a multiple of 4 to keep ACEs DWORD aligned;
 * a misaligned ACE would be read through misaligned ACE pointers).
 */

PSID SepAceSid(PACE_HEADER Ace)
{
    ULONG off = SepAceSidOffset(Ace);
    return off ? (PSID)((PUCHAR)Ace + off) : NULL;
}

/* SepValidateAclTail - see aclwalk.h. */
NTSTATUS SepValidateAclTail(PACL Acl, ULONG Index, PACE_HEADER Ace)
{
    SIZE_T offset = (SIZE_T)((PUCHAR)Ace - (PUCHAR)Acl);
    for (ULONG i = Index; i < Acl->AceCount; i++) {
        if (offset > Acl->AclSize || !SepAceWellFormed(Ace, Acl->AclSize - offset))
            return STATUS_INVALID_ACL;
        offset += Ace->AceSize;
        Ace = SepNextAce(Ace);
    }
    return STATUS_SUCCESS;
}

/*
 * SepValidateAclStructure - @remarks An ACL is trusted by nothing downstream: a known
 * revision, AclSize at least the header, and every ACE well formed (SepAceWellFormed:
 * inside AclSize, a whole valid SID for a known type; RtlValidAcl's rules). A bad ACL is
 * STATUS_INVALID_ACL, never a crash.
 */
NTSTATUS SepValidateAclStructure(PACL Acl)
{
    if (!SepAclHeaderValid(Acl))
        return STATUS_INVALID_ACL;
    return SepValidateAclTail(Acl, 0, SepFirstAce(Acl));
}

/*
 * SepCaptureSdView - @remarks Accepts both layouts (SE_SELF_RELATIVE selects offsets,
 * otherwise pointers), as SeAccessCheck's callers pass either. A DACL is "present" only
 * with SE_DACL_PRESENT; present with a NULL pointer/offset is the NULL DACL (MS-DTYP 2.4.6).
 */
NTSTATUS SepCaptureSdView(PSECURITY_DESCRIPTOR Sd, PSEP_SD_VIEW View)
{
    return SepCaptureSdViewEx(Sd, View, FALSE);
}

/*
 * SepCaptureSdViewEx - SepCaptureSdView; with DeferDaclAces the DACL's header is checked
 * but its ACEs are not, and View->DaclAcesUnchecked says so: the caller must check them
 * (SepValidateAclTail, or the access check's walk, which checks each ACE before it reads
 * it) before anything reads an ACE.
 */
NTSTATUS SepCaptureSdViewEx(PSECURITY_DESCRIPTOR Sd, PSEP_SD_VIEW View, BOOLEAN DeferDaclAces)
{
    memset(View, 0, sizeof(*View));
    if (Sd == NULL)
        return STATUS_INVALID_SECURITY_DESCR;
    const UCHAR *raw = (const UCHAR *)Sd;
    if (raw[0] != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_INVALID_SECURITY_DESCR;
    SECURITY_DESCRIPTOR_CONTROL control;
    memcpy(&control, raw + 2, sizeof(control));
    View->Control = control;
    if (control & SE_SELF_RELATIVE) {
        const SECURITY_DESCRIPTOR_RELATIVE *rel = (const SECURITY_DESCRIPTOR_RELATIVE *)Sd;
        View->Owner = rel->Owner ? (PSID)(raw + rel->Owner) : NULL;
        View->Group = rel->Group ? (PSID)(raw + rel->Group) : NULL;
        View->Dacl = ((control & SE_DACL_PRESENT) && rel->Dacl) ? (PACL)(raw + rel->Dacl) : NULL;
        View->Sacl = ((control & SE_SACL_PRESENT) && rel->Sacl) ? (PACL)(raw + rel->Sacl) : NULL;
    } else {
        const SECURITY_DESCRIPTOR *abs = (const SECURITY_DESCRIPTOR *)Sd;
        View->Owner = abs->Owner;
        View->Group = abs->Group;
        View->Dacl = (control & SE_DACL_PRESENT) ? abs->Dacl : NULL;
        View->Sacl = (control & SE_SACL_PRESENT) ? abs->Sacl : NULL;
    }
    View->DaclPresent = (control & SE_DACL_PRESENT) != 0;
    View->SaclPresent = (control & SE_SACL_PRESENT) != 0;
    if (View->Owner && !RtlpValidSidBounded(View->Owner, 8 + 4 * SID_MAX_SUB_AUTHORITIES))
        return STATUS_INVALID_SID;
    if (View->Group && !RtlpValidSidBounded(View->Group, 8 + 4 * SID_MAX_SUB_AUTHORITIES))
        return STATUS_INVALID_SID;
    if (View->Dacl && DeferDaclAces) {
        if (!SepAclHeaderValid(View->Dacl))
            return STATUS_INVALID_ACL;
        View->DaclAcesUnchecked = TRUE;
    } else if (View->Dacl && SepValidateAclStructure(View->Dacl) != STATUS_SUCCESS) {
        return STATUS_INVALID_ACL;
    }
    if (View->Sacl && SepValidateAclStructure(View->Sacl) != STATUS_SUCCESS)
        return STATUS_INVALID_ACL;
    return STATUS_SUCCESS;
}
