/*
 * privilege.c - SePrivilegeCheck, SeSinglePrivilegeCheck, SeFreePrivileges and the
 * explicit-token privilege check NtsecPrivilegeCheckToken (NtPrivilegeCheck-style).
 */
#include "se/accesschk.h"
#include "verifier/vf.h"

/*
 * SepPrivilegeCheckToken - marks each privilege of Required that Token holds enabled with
 * SE_PRIVILEGE_USED_FOR_ACCESS and returns TRUE when the set is satisfied: all of them with
 * PRIVILEGE_SET_ALL_NECESSARY, else at least one (WDK SePrivilegeCheck). Reads the token
 * under its shared lock unless Locked. No references.
 */
static BOOLEAN SepPrivilegeCheckToken(PPRIVILEGE_SET Required, PTOKEN Token, BOOLEAN Locked)
{
    ULONG held = 0;
    if (!Locked)
        SepAcquireTokenLockShared(Token);
    for (ULONG i = 0; i < Required->PrivilegeCount; i++) {
        LUID want = Required->Privilege[i].Luid;
        BOOLEAN enabled = FALSE;
        for (ULONG j = 0; j < Token->PrivilegeCount; j++) {
            if (SepLuidEqual(Token->Privileges[j].Luid, want)) {
                enabled = (Token->Privileges[j].Attributes & SE_PRIVILEGE_ENABLED) != 0;
                break;
            }
        }
        if (enabled) {
            Required->Privilege[i].Attributes |= SE_PRIVILEGE_USED_FOR_ACCESS;
            held++;
        } else {
            Required->Privilege[i].Attributes &= ~SE_PRIVILEGE_USED_FOR_ACCESS;
        }
    }
    if (!Locked)
        SepReleaseTokenLock(Token);
    if (Required->Control & PRIVILEGE_SET_ALL_NECESSARY)
        return held == Required->PrivilegeCount;
    return held > 0;
}

/*
 * SePrivilegeCheck - WDK. TRUE when the subject holds the required privileges (see
 * SepPrivilegeCheckToken); marks each held privilege SE_PRIVILEGE_USED_FOR_ACCESS. No
 * references are taken; the effective token is read under its shared lock.
 * @remarks spec 2.20 / 5-D7: KernelMode first - TRUE and every privilege marked used, the
 * level is not examined (WDK; ReactOS tests the level first, a deviation we do not copy);
 * then a client token below SecurityImpersonation gives FALSE; then the enabled privileges
 * of the effective token decide.
 */
BOOLEAN SePrivilegeCheck(PPRIVILEGE_SET RequiredPrivileges,
                         PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext, KPROCESSOR_MODE AccessMode)
{
    if (RequiredPrivileges == NULL || SubjectSecurityContext == NULL)
        return FALSE;
    if (AccessMode == KernelMode) {
        for (ULONG i = 0; i < RequiredPrivileges->PrivilegeCount; i++)
            RequiredPrivileges->Privilege[i].Attributes |= SE_PRIVILEGE_USED_FOR_ACCESS;
        return TRUE;
    }
    PTOKEN token = NULL;
    if (SepSubjectCheckToken(SubjectSecurityContext, "SePrivilegeCheck", &token) != STATUS_SUCCESS)
        return FALSE;
    return SepPrivilegeCheckToken(RequiredPrivileges, token, FALSE);
}

/*
 * SeSinglePrivilegeCheck - WDK. TRUE when the current thread's effective token holds
 * PrivilegeValue enabled (KernelMode: TRUE). Captures and releases a subject context
 * (the references it takes are released before returning).
 */
BOOLEAN SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode)
{
    if (PreviousMode == KernelMode)
        return TRUE;
    SECURITY_SUBJECT_CONTEXT context;
    SeCaptureSubjectContext(&context);
    PRIVILEGE_SET set;
    set.PrivilegeCount = 1;
    set.Control = PRIVILEGE_SET_ALL_NECESSARY;
    set.Privilege[0].Luid = PrivilegeValue;
    set.Privilege[0].Attributes = 0;
    BOOLEAN result = SePrivilegeCheck(&set, &context, PreviousMode);
    SeReleaseSubjectContext(&context);
    return result;
}

/* SeFreePrivileges - frees a PRIVILEGE_SET returned by SeAccessCheck. NULL is ignored. */
VOID SeFreePrivileges(PPRIVILEGE_SET Privileges)
{
    if (Privileges)
        ExFreePool(Privileges);
}

/*
 * NtsecPrivilegeCheckToken - NtPrivilegeCheck-style check of an explicit token (borrowed,
 * no reference). @remarks spec 2.20: the token must be an impersonation token
 * (STATUS_NO_IMPERSONATION_TOKEN) at Identification or above (Anonymous:
 * STATUS_BAD_IMPERSONATION_LEVEL); Identification works (W: WINE-T-sec, spec case 65).
 * On STATUS_SUCCESS, *Result says whether the set is satisfied and the held privileges are
 * marked SE_PRIVILEGE_USED_FOR_ACCESS.
 */
NTSTATUS NtsecPrivilegeCheckToken(PACCESS_TOKEN Token, PPRIVILEGE_SET RequiredPrivileges,
                                  PBOOLEAN Result)
{
    if (RequiredPrivileges == NULL || Result == NULL)
        return STATUS_INVALID_PARAMETER;
    *Result = FALSE;
    NTSTATUS status = SepExplicitTokenGate(Token, "NtsecPrivilegeCheckToken");
    if (status != STATUS_SUCCESS)
        return status;
    *Result = SepPrivilegeCheckToken(RequiredPrivileges, Token, FALSE);
    return STATUS_SUCCESS;
}
