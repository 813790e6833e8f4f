/*
 * accesschk_sd.c - reading and validating the security descriptor an access check or a
 * security assignment is given (absolute or self-relative), and walking its ACLs.
 *
 * Nothing here takes or releases references: a view points into the caller's descriptor,
 * which must stay valid for the duration of the check.
 */
#include "se/accesschk.h"
#include "rtl/rtlp.h"

/*
 * The SID bound check (RtlpValidSidBounded) and the object-ACE type set
 * (RtlpIsObjectAceType) are Rtl's, shared with RtlValidAcl. The ACL walk below stays its
 * own: the access check accepts what RtlValidAcl rejects (object ACEs in a revision-2 ACL),
 * so it is not RtlValidAcl. An AceSize that is not a multiple of 4 is refused, as by
 * RtlValidAcl (MS-DTYP 2.4.4.1: AceSize MUST be a multiple of 4 to keep ACEs DWORD aligned;
 * a misaligned ACE would be read through misaligned ACE pointers).
 */

/* Offset of the SID inside an ACE, or 0 when the type carries none we understand. */
static ULONG SepAceSidOffset(PACE_HEADER Ace)
{
    if (RtlpIsObjectAceType(Ace->AceType)) {
        ULONG flags = ((PACCESS_ALLOWED_OBJECT_ACE)Ace)->Flags;
        ULONG off = 12;
        if (flags & ACE_OBJECT_TYPE_PRESENT)
            off += sizeof(GUID);
        if (flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
            off += sizeof(GUID);
        return off;
    }
    if (Ace->AceType == ACCESS_ALLOWED_COMPOUND_ACE_TYPE || Ace->AceType > ACCESS_MAX_MS_V5_ACE_TYPE)
        return 0;
    return 8;
}

PSID SepAceSid(PACE_HEADER Ace)
{
    ULONG off = SepAceSidOffset(Ace);
    return off ? (PSID)((PUCHAR)Ace + off) : NULL;
}

/*
 * SepValidateAclStructure - @remarks An ACL is trusted by nothing downstream: every ACE must
 * lie inside AclSize, have a size of at least its header (object ACEs: header, mask and
 * Flags), and a known ACE type must hold a whole, valid SID (RtlValidAcl's rules). A bad ACL is STATUS_INVALID_ACL, never a crash.
 */
NTSTATUS SepValidateAclStructure(PACL Acl)
{
    if (Acl->AclRevision < MIN_ACL_REVISION || Acl->AclRevision > MAX_ACL_REVISION)
        return STATUS_INVALID_ACL;
    if (Acl->AclSize < sizeof(ACL))
        return STATUS_INVALID_ACL;
    SIZE_T offset = sizeof(ACL);
    for (ULONG i = 0; i < Acl->AceCount; i++) {
        if (offset + sizeof(ACE_HEADER) > Acl->AclSize)
            return STATUS_INVALID_ACL;
        PACE_HEADER ace = (PACE_HEADER)((PUCHAR)Acl + offset);
        if (ace->AceSize < sizeof(ACE_HEADER) || (ace->AceSize & 3) != 0 ||
            offset + ace->AceSize > Acl->AclSize)
            return STATUS_INVALID_ACL;
        /* An object ACE's Flags (offset 8) select where its SID is: the ACE must hold them
         * before they are read (MS-DTYP 2.4.4.3), else the read could leave AclSize. */
        if (RtlpIsObjectAceType(ace->AceType) && ace->AceSize < 12)
            return STATUS_INVALID_ACL;
        ULONG sidOff = SepAceSidOffset(ace);
        if (sidOff != 0) {
            if (sidOff >= ace->AceSize ||
                !RtlpValidSidBounded((PUCHAR)ace + sidOff, ace->AceSize - sidOff))
                return STATUS_INVALID_ACL;
        }
        offset += ace->AceSize;
    }
    return STATUS_SUCCESS;
}

/*
 * SepCaptureSdView - @remarks Accepts both layouts (SE_SELF_RELATIVE selects offsets,
 * otherwise pointers), as SeAccessCheck's callers pass either. A DACL is "present" only
 * with SE_DACL_PRESENT; present with a NULL pointer/offset is the NULL DACL (MS-DTYP 2.4.6).
 */
NTSTATUS SepCaptureSdView(PSECURITY_DESCRIPTOR Sd, PSEP_SD_VIEW View)
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
    if (View->Dacl && SepValidateAclStructure(View->Dacl) != STATUS_SUCCESS)
        return STATUS_INVALID_ACL;
    if (View->Sacl && SepValidateAclStructure(View->Sacl) != STATUS_SUCCESS)
        return STATUS_INVALID_ACL;
    return STATUS_SUCCESS;
}
