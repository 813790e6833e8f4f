/*
 * reference.c - referencing a thread's impersonation or effective token (spec 2.3-2.5).
 */
#include "ps/psp.h"

/*
 * PsReferenceImpersonationToken - Thread's impersonation token with one new reference
 * the caller releases with PsDereferenceImpersonationToken, or NULL when the thread is
 * not impersonating (also while disabled). When NULL is returned the outputs are not
 * written (spec 2.3, 5-D9).
 */
PACCESS_TOKEN PsReferenceImpersonationToken(PETHREAD Thread, PBOOLEAN CopyOnOpen, PBOOLEAN EffectiveOnly,
                                            PSECURITY_IMPERSONATION_LEVEL ImpersonationLevel)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "PsReferenceImpersonationToken"))
        return NULL;
    PSP_THREAD_IMPERSONATION snapshot;
    if (!PspSnapshotThreadImpersonation(Thread, &snapshot))
        return NULL;
    if (CopyOnOpen)
        *CopyOnOpen = snapshot.CopyOnOpen;
    if (EffectiveOnly)
        *EffectiveOnly = snapshot.EffectiveOnly;
    if (ImpersonationLevel)
        *ImpersonationLevel = snapshot.ImpersonationLevel;
    return snapshot.Token;
}

/*
 * PspSnapshotThreadImpersonation - see psp.h: one consistent read of Thread's
 * impersonation state under its security lock. On TRUE, Snapshot->Token holds one new
 * reference the caller releases with ObfDereferenceObject; on FALSE (not impersonating)
 * Snapshot is zeroed and no reference is taken.
 */
BOOLEAN PspSnapshotThreadImpersonation(PETHREAD Thread, PPSP_THREAD_IMPERSONATION Snapshot)
{
    Snapshot->Token = NULL;
    Snapshot->ImpersonationLevel = SecurityAnonymous;
    Snapshot->CopyOnOpen = FALSE;
    Snapshot->EffectiveOnly = FALSE;
    if (!PspIsImpersonating(Thread))
        return FALSE;
    PspLockThreadSecurity(Thread);
    if (atomic_load_explicit(&Thread->ActiveImpersonation, memory_order_relaxed)) {
        PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_relaxed);
        if (info != NULL && info->Token != NULL) {
            Snapshot->Token = info->Token;
            ObfReferenceObject(info->Token);
            Snapshot->ImpersonationLevel = info->ImpersonationLevel;
            Snapshot->CopyOnOpen = info->CopyOnOpen;
            Snapshot->EffectiveOnly = info->EffectiveOnly;
        }
    }
    PspUnlockThreadSecurity(Thread);
    return Snapshot->Token != NULL;
}

/* PsDereferenceImpersonationToken - releases one reference; NULL does nothing (spec 2.4). */
VOID PsDereferenceImpersonationToken(PACCESS_TOKEN ImpersonationToken)
{
    if (ImpersonationToken == NULL || !SepIsToken(ImpersonationToken, "PsDereferenceImpersonationToken"))
        return;
    ObfDereferenceObject(ImpersonationToken);
}

/*
 * PsReferenceEffectiveToken - the token Thread acts with, plus one reference the caller
 * owns (spec 2.5): the impersonation token (TokenImpersonation reported even for a
 * primary-type object, T3) or else the process's primary token (TokenPrimary,
 * EffectiveOnly FALSE, level untouched).
 */
PACCESS_TOKEN PsReferenceEffectiveToken(PETHREAD Thread, PTOKEN_TYPE TokenType, PBOOLEAN EffectiveOnly,
                                        PSECURITY_IMPERSONATION_LEVEL ImpersonationLevel)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "PsReferenceEffectiveToken"))
        return NULL;
    BOOLEAN eo = FALSE;
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    PACCESS_TOKEN token = PsReferenceImpersonationToken(Thread, NULL, &eo, &level);
    if (token != NULL) {
        if (TokenType)
            *TokenType = TokenImpersonation;
        if (EffectiveOnly)
            *EffectiveOnly = eo;
        if (ImpersonationLevel)
            *ImpersonationLevel = level;
        return token;
    }
    if (TokenType)
        *TokenType = TokenPrimary;
    if (EffectiveOnly)
        *EffectiveOnly = FALSE;
    return PsReferencePrimaryToken(Thread->Process);
}
