/*
 * subject.c - security subject contexts: capture, release, lock, query (spec 1.6, 2.10-2.13).
 *
 * A SECURITY_SUBJECT_CONTEXT is a snapshot of "who is asking" for an access check: the
 * thread's impersonation token (if it is actively impersonating) with the level stored in
 * the thread, and the process's primary token. The context owns one reference on each
 * non-NULL token; SeReleaseSubjectContext gives them back. The snapshot does not follow
 * later impersonation changes of the thread, but the token objects' contents may still be
 * adjusted unless the context is locked (SeLockSubjectContext).
 */
#include "ntsec.h"
#include "ps/psp.h"
#include "se/sep.h"
#include "verifier/vf.h"

/* Marks a context whose capture could not be done (bad Thread/Process): no tokens at all,
 * so every later access check on it fails closed. */
static VOID SepZeroSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    SubjectContext->ClientToken = NULL;
    SubjectContext->ImpersonationLevel = SecurityAnonymous;
    SubjectContext->PrimaryToken = NULL;
    SubjectContext->ProcessAuditId = NULL;
}

/*
 * SeCaptureSubjectContextEx - snapshot of Thread's (optional) impersonation token and
 * Process's primary token.
 *
 * References: takes one reference on Process's primary token and, when Thread is actively
 * impersonating, one on its impersonation token; both belong to SubjectContext and are
 * released by SeReleaseSubjectContext.
 *
 * @remarks spec 2.10: ProcessAuditId is the process id; a NULL Thread, a thread that is not
 * impersonating, or one whose impersonation is disabled (PsDisableImpersonation, spec 2.8)
 * gives ClientToken NULL. With no client token the level is SecurityAnonymous (our choice,
 * spec 5-D9: ReactOS leaves it uninitialised). A Thread or Process of the wrong object
 * type (spec 5-D24) cannot be reported through a VOID routine, so the context is left
 * empty (no tokens, level Anonymous): access checks against it fail rather than running
 * with some other identity.
 */
VOID SeCaptureSubjectContextEx(PETHREAD Thread, PEPROCESS Process,
                               PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    if (SubjectContext == NULL) {
        if (VfIsEnabled())
            VfReport("bad parameter", "SeCaptureSubjectContextEx", NULL, "SubjectContext is NULL");
        return;
    }
    SepZeroSubjectContext(SubjectContext);
    if (!ObpCheckType(Process, &ObpProcessType, "SeCaptureSubjectContextEx"))
        return;
    if (Thread != NULL && !ObpCheckType(Thread, &ObpThreadType, "SeCaptureSubjectContextEx"))
        return;

    SubjectContext->ProcessAuditId = (PVOID)Process->UniqueProcessId;
    if (Thread != NULL) {
        BOOLEAN copyOnOpen, effectiveOnly;
        SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
        PACCESS_TOKEN client =
            PsReferenceImpersonationToken(Thread, &copyOnOpen, &effectiveOnly, &level);
        if (client != NULL) {
            SubjectContext->ClientToken = client;
            SubjectContext->ImpersonationLevel = level;
        }
    }
    SubjectContext->PrimaryToken = PsReferencePrimaryToken(Process);
    VfSubjectContextCaptured(SubjectContext);
}

/*
 * SeCaptureSubjectContext - SeCaptureSubjectContextEx for the current thread and the current
 * process: the process it is attached to (KeStackAttachProcess), else its own, as in Windows.
 * References as SeCaptureSubjectContextEx.
 */
VOID SeCaptureSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    PETHREAD thread = PspCurrentThread;
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (__builtin_expect(thread == NULL || SubjectContext == NULL || VfIsEnabled() ||
                         (hooks != NULL && hooks->Sync != NULL), 0)) {
        thread = PsGetCurrentThread();
        SeCaptureSubjectContextEx(thread, PsGetCurrentProcess(), SubjectContext);
        return;
    }
    /* Fast path (docs/impersonation-fastpath.md): a bound thread, verifier and host backend
     * off; the thread and its process are objects of their types by construction. */
    PEPROCESS process = thread->AttachedProcess != NULL ? thread->AttachedProcess : thread->Process;
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    SubjectContext->ClientToken = PspReferenceImpersonationFast(thread, &level);
    SubjectContext->ImpersonationLevel = level;
    ObpIncrementPointerCount(process->PrimaryToken);
    SubjectContext->PrimaryToken = process->PrimaryToken;
    SubjectContext->ProcessAuditId = (PVOID)process->UniqueProcessId;
}

/*
 * SeReleaseSubjectContext - releases the context's references and sets both token fields
 * to NULL.
 *
 * References: releases the PrimaryToken reference and, if present, the ClientToken one.
 *
 * @remarks spec 2.11: a second call on the same context is a no-op (our choice, 5-D23;
 * undefined on Windows). The verifier may refuse a release while the context is locked or
 * a release of a context it already saw released; the context is then left as it is.
 */
VOID SeReleaseSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    if (SubjectContext == NULL)
        return;
    PACCESS_TOKEN primary = SubjectContext->PrimaryToken;
    PACCESS_TOKEN client = SubjectContext->ClientToken;
    if (__builtin_expect(!VfIsEnabled(), 1)) {
        /* PsDereference*Token with the verifier off: a non-token is ignored unreported */
        SubjectContext->PrimaryToken = NULL;
        SubjectContext->ClientToken = NULL;
        if (primary != NULL && ObpIsObjectOfType(primary, &ObpTokenType))
            ObpDecrementPointerCount(primary);
        if (client != NULL && ObpIsObjectOfType(client, &ObpTokenType))
            ObpDecrementPointerCount(client);
        return;
    }
    if (!VfSubjectContextReleasing(SubjectContext))
        return;
    SubjectContext->PrimaryToken = NULL;
    SubjectContext->ClientToken = NULL;
    if (primary != NULL)
        PsDereferencePrimaryToken(primary);
    if (client != NULL)
        PsDereferenceImpersonationToken(client);
}

/*
 * SeLockSubjectContext - takes the token locks shared: PrimaryToken first, then
 * ClientToken (spec 2.12). No reference changes.
 *
 * @remarks While locked, readers proceed and writers to either token (privilege, group or
 * default adjustments) wait. The token lock lets the same thread take it shared again, so
 * SeCreateClientSecurityFromSubjectContext (which copies the locked token) works while the
 * context is locked (spec 1.3 Lock, L3; WinFsp's usage). Every lock must be matched by
 * SeUnlockSubjectContext before the context is released.
 */
VOID SeLockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    if (SubjectContext == NULL)
        return;
    if (SubjectContext->PrimaryToken != NULL)
        SepAcquireTokenLockShared((PTOKEN)SubjectContext->PrimaryToken);
    if (SubjectContext->ClientToken != NULL)
        SepAcquireTokenLockShared((PTOKEN)SubjectContext->ClientToken);
    VfSubjectContextLocked(SubjectContext, TRUE);
}

/*
 * SeUnlockSubjectContext - releases the locks of SeLockSubjectContext in reverse order:
 * ClientToken (if any), then PrimaryToken (spec 2.12). No reference changes.
 */
VOID SeUnlockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    if (SubjectContext == NULL)
        return;
    VfSubjectContextLocked(SubjectContext, FALSE);
    if (SubjectContext->ClientToken != NULL)
        SepReleaseTokenLock((PTOKEN)SubjectContext->ClientToken);
    if (SubjectContext->PrimaryToken != NULL)
        SepReleaseTokenLock((PTOKEN)SubjectContext->PrimaryToken);
}

/*
 * SeQuerySubjectContextToken - the token an access check uses: ClientToken if present,
 * else PrimaryToken (spec 2.13). No reference or lock change; the pointer is valid while
 * the context is not released. NULL for a NULL or empty context.
 */
PACCESS_TOKEN SeQuerySubjectContextToken(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    if (SubjectContext == NULL)
        return NULL;
    return SubjectContext->ClientToken != NULL ? SubjectContext->ClientToken
                                               : SubjectContext->PrimaryToken;
}
