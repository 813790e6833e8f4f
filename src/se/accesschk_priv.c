/*
 * accesschk_priv.c - privileges that grant access during an access check, and the
 * PRIVILEGE_SET SeAccessCheck returns for them.
 *
 * No references are taken; the caller holds the token lock shared.
 */
#include "se/accesschk.h"
#include "ex/pooltags.h"

/* SepPrivilegeName lives in se/privnames.c (the one privilege-name table). */

/*
 * SepPrivilegeGrantedAccess - @remarks MS-DTYP 2.5.3.2 and Microsoft "SACL Access Right" /
 * "Standard Access Rights": ACCESS_SYSTEM_SECURITY is granted only through an enabled
 * SeSecurityPrivilege (never by the DACL); asking for it without the privilege fails the
 * whole check with STATUS_PRIVILEGE_NOT_HELD. WRITE_OWNER (asked for, or with
 * MAXIMUM_ALLOWED) is granted by an enabled SeTakeOwnershipPrivilege before the DACL walk.
 * Both are recorded in *Used for the PRIVILEGE_SET.
 */
ACCESS_MASK SepPrivilegeGrantedAccess(const SEP_ACCESS_REQUEST *Request, PULONG Used, PNTSTATUS Status)
{
    PTOKEN token = Request->Token;
    ACCESS_MASK desired = Request->DesiredAccess & ~Request->PreviouslyGrantedAccess;
    ACCESS_MASK granted = 0;
    *Status = STATUS_SUCCESS;
    if (desired & ACCESS_SYSTEM_SECURITY) {
        if (!SepTokenPrivilegeEnabled(token, SE_SECURITY_PRIVILEGE)) {
            *Status = STATUS_PRIVILEGE_NOT_HELD;
            return 0;
        }
        granted |= ACCESS_SYSTEM_SECURITY;
        *Used |= SEP_USED_SECURITY_PRIVILEGE;
        if (Request->Trace)
            SepTrace(Request->Trace, "privilege: SeSecurityPrivilege grants ACCESS_SYSTEM_SECURITY\n");
    }
    if ((desired & (WRITE_OWNER | MAXIMUM_ALLOWED)) &&
        SepTokenPrivilegeEnabled(token, SE_TAKE_OWNERSHIP_PRIVILEGE)) {
        granted |= WRITE_OWNER;
        *Used |= SEP_USED_TAKE_OWNERSHIP_PRIVILEGE;
        if (Request->Trace)
            SepTrace(Request->Trace, "privilege: SeTakeOwnershipPrivilege grants WRITE_OWNER\n");
    } else if ((desired & (WRITE_OWNER | MAXIMUM_ALLOWED)) &&
               SepTokenPrivilegeEnabled(token, SE_RELABEL_PRIVILEGE)) {
        /* Forshaw, "Windows Security Internals" ch. 7 (Resolve-TokenPrivilegeAccess):
         * SeRelabelPrivilege also grants WRITE_OWNER, when SeTakeOwnership did not. */
        granted |= WRITE_OWNER;
        *Used |= SEP_USED_RELABEL_PRIVILEGE;
        if (Request->Trace)
            SepTrace(Request->Trace, "privilege: SeRelabelPrivilege grants WRITE_OWNER\n");
    }
    return granted;
}

/*
 * SepBuildPrivilegeSet - a PRIVILEGE_SET listing the privileges in Used, each with
 * SE_PRIVILEGE_USED_FOR_ACCESS. The caller owns the buffer (SeFreePrivileges). Used == 0
 * gives *Privileges = NULL.
 */
NTSTATUS SepBuildPrivilegeSet(ULONG Used, PPRIVILEGE_SET *Privileges)
{
    *Privileges = NULL;
    ULONG count = ((Used & SEP_USED_SECURITY_PRIVILEGE) ? 1 : 0) +
                  ((Used & SEP_USED_TAKE_OWNERSHIP_PRIVILEGE) ? 1 : 0) +
                  ((Used & SEP_USED_RELABEL_PRIVILEGE) ? 1 : 0);
    if (count == 0)
        return STATUS_SUCCESS;
    PPRIVILEGE_SET set = ExAllocatePoolWithTag(
        PagedPool, sizeof(PRIVILEGE_SET) + (count - 1) * sizeof(LUID_AND_ATTRIBUTES), SEP_PRIVSET_TAG);
    if (set == NULL)
        return STATUS_NO_MEMORY;
    set->PrivilegeCount = 0;
    set->Control = 0;
    if (Used & SEP_USED_SECURITY_PRIVILEGE) {
        set->Privilege[set->PrivilegeCount].Luid.LowPart = SE_SECURITY_PRIVILEGE;
        set->Privilege[set->PrivilegeCount].Luid.HighPart = 0;
        set->Privilege[set->PrivilegeCount++].Attributes = SE_PRIVILEGE_USED_FOR_ACCESS;
    }
    if (Used & SEP_USED_TAKE_OWNERSHIP_PRIVILEGE) {
        set->Privilege[set->PrivilegeCount].Luid.LowPart = SE_TAKE_OWNERSHIP_PRIVILEGE;
        set->Privilege[set->PrivilegeCount].Luid.HighPart = 0;
        set->Privilege[set->PrivilegeCount++].Attributes = SE_PRIVILEGE_USED_FOR_ACCESS;
    }
    if (Used & SEP_USED_RELABEL_PRIVILEGE) {
        set->Privilege[set->PrivilegeCount].Luid.LowPart = SE_RELABEL_PRIVILEGE;
        set->Privilege[set->PrivilegeCount].Luid.HighPart = 0;
        set->Privilege[set->PrivilegeCount++].Attributes = SE_PRIVILEGE_USED_FOR_ACCESS;
    }
    *Privileges = set;
    return STATUS_SUCCESS;
}
