/*
 * impersonate.c - per-thread impersonation: PsImpersonateClient, PsRevertToSelf,
 * PsDisableImpersonation, PsRestoreImpersonation (spec 2.6-2.8).
 *
 * Locking (spec 1.8): the per-thread SecurityLock guards ImpersonationInfo and the
 * ActiveImpersonation flag. Tokens are never copied, rule-checked or released under it:
 * the new token is computed first, swapped under the lock, and the old reference is
 * released after unlocking (L1). ActiveImpersonation may be read without the lock as a
 * fast "not impersonating" exit; every decision is re-checked under the lock (L4).
 */
#include "ps/psp.h"
#include "verifier/vf.h"
#include "ex/pooltags.h"
#include "ex/exp.h"

/* The thread's ImpersonationInfo, allocated and published on first use (spec 2.6 B.6). */
static PPS_IMPERSONATION_INFORMATION PspGetImpersonationInfo(PETHREAD Thread)
{
    PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_acquire);
    if (info != NULL)
        return info;
    /* lines of its own (read by other threads, written by its thread) */
    PPS_IMPERSONATION_INFORMATION fresh = ExpAllocatePoolLines(sizeof(*fresh), PSP_INFO_TAG);
    if (fresh == NULL)
        return NULL;
    PPS_IMPERSONATION_INFORMATION expected = NULL;
    if (!atomic_compare_exchange_strong(&Thread->ImpersonationInfo, &expected, fresh)) {
        ExFreePoolWithTag(fresh, PSP_INFO_TAG); /* another caller published first */
        return expected;
    }
    return fresh;
}

/*
 * PspHostPublished - after Thread's effective token changed: when the host backend is on
 * and Thread is not the caller, mark it so that its next ntsec call syncs the OS
 * credentials. The switch hook marked it before publishing too; marking again after
 * publishing closes the window in which the target could sync to the old token.
 */
static inline VOID PspHostPublished(PETHREAD Thread)
{
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (__builtin_expect(hooks != NULL && hooks->Switch != NULL, 0) && Thread != PspCurrentThreadNoSync())
        atomic_fetch_or_explicit(&Thread->CrossThreadFlags, PSP_HOST_DIRTY, memory_order_release);
}

/* Under the thread lock: the token the thread impersonates (NULL if none), and the store of
 * Token with its flags and level as the impersonation in force. Neither moves a reference:
 * the callers account for the thread's references on the old and the new token. */
static inline PTOKEN PspTokenInForceLocked(PETHREAD Thread, PPS_IMPERSONATION_INFORMATION Info)
{
    return atomic_load_explicit(&Thread->ActiveImpersonation, memory_order_relaxed) ? Info->Token : NULL;
}

static inline VOID PspStoreLocked(PETHREAD Thread, PPS_IMPERSONATION_INFORMATION Info, PTOKEN Token,
                                  BOOLEAN CopyOnOpen, BOOLEAN EffectiveOnly,
                                  SECURITY_IMPERSONATION_LEVEL Level)
{
    Info->Token = Token;
    Info->ImpersonationLevel = Level;
    Info->CopyOnOpen = CopyOnOpen;
    Info->EffectiveOnly = EffectiveOnly;
    atomic_store_explicit(&Thread->ActiveImpersonation, TRUE, memory_order_release);
}

/*
 * PspInstall - under the thread lock, makes Token (whose reference is transferred to the
 * thread) the impersonation token with the given flags; returns the previously
 * impersonated token, whose thread reference the caller must release after this returns
 * (NULL if none).
 */
static PTOKEN PspInstall(PETHREAD Thread, PPS_IMPERSONATION_INFORMATION Info, PTOKEN Token,
                         BOOLEAN CopyOnOpen, BOOLEAN EffectiveOnly, SECURITY_IMPERSONATION_LEVEL Level)
{
    PspLockThreadSecurity(Thread);
    PTOKEN old = PspTokenInForceLocked(Thread, Info);
    PspStoreLocked(Thread, Info, Token, CopyOnOpen, EffectiveOnly, Level);
    PspUnlockThreadSecurity(Thread);
    PspHostPublished(Thread);
    return old;
}

/* Clears the active flag under the lock; returns the token whose reference the caller now owns. */
static PTOKEN PspUninstall(PETHREAD Thread)
{
    PTOKEN old = NULL;
    PspLockThreadSecurity(Thread);
    if (atomic_load_explicit(&Thread->ActiveImpersonation, memory_order_relaxed)) {
        old = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_relaxed)->Token;
        atomic_store_explicit(&Thread->ActiveImpersonation, FALSE, memory_order_release);
    }
    PspUnlockThreadSecurity(Thread);
    if (old != NULL)
        PspHostPublished(Thread);
    return old;
}

/*
 * PspRevertThread - ends Thread's impersonation (spec 2.6 case A). The thread's reference
 * on the token it impersonated is released. With the host backend on, the OS credentials
 * go back to the process identity first (the backend bug-checks if that fails).
 */
VOID PspRevertThread(PETHREAD Thread)
{
    if (!PspIsImpersonating(Thread))
        return;
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (hooks != NULL && hooks->Switch != NULL)
        hooks->Switch(Thread, NULL, SecurityAnonymous);
    PTOKEN old = PspUninstall(Thread);
    if (old != NULL)
        ObpDereferenceObjectFast(old);
}

/*
 * PspImpersonateSlow - PsImpersonateClient past its checks when it is not the pure swap: a
 * downgraded copy (the rule denies), the thread's first impersonation (its state is
 * allocated), or the host backend on (the OS credentials switch first). Same references
 * and results as PsImpersonateClient. Out of line so that the swap stays short.
 */
static __attribute__((noinline)) NTSTATUS PspImpersonateSlow(PETHREAD Thread, PTOKEN token, BOOLEAN CopyOnOpen,
                                                             BOOLEAN EffectiveOnly, SECURITY_IMPERSONATION_LEVEL level,
                                                             NTSEC_IMPERSONATION_DECISION decision)
{
    PTOKEN installed;
    if (SepDecisionAllows(decision)) {
        ObfReferenceObject(token);
        installed = token;
    } else {
        NTSTATUS st = SepCopyClientToken(token, SecurityIdentification,
                                         "token (PsImpersonateClient downgrade)", &installed);
        if (!NT_SUCCESS(st))
            return st;
        level = SecurityIdentification;
    }

    PPS_IMPERSONATION_INFORMATION info = PspGetImpersonationInfo(Thread);
    if (info == NULL) {
        ObfDereferenceObject(installed);
        return STATUS_NO_MEMORY; /* spec 5-D1 */
    }
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (hooks != NULL && hooks->Switch != NULL) {
        NTSTATUS st = hooks->Switch(Thread, installed, level);
        if (!NT_SUCCESS(st)) {
            ObfDereferenceObject(installed);
            return st;
        }
    }
    PTOKEN old = PspInstall(Thread, info, installed, CopyOnOpen, EffectiveOnly, level);
    /* several threads may impersonate on one target at once (spec case 80) */
    __atomic_store_n(&Thread->LastDecision, decision, __ATOMIC_RELAXED);
    if (old != NULL)
        ObfDereferenceObject(old);
    return STATUS_SUCCESS;
}

/*
 * PsImpersonateClient - makes Thread impersonate Token (spec 2.6). PspImpersonateGeneral
 * is the whole routine; PsImpersonateClient below is its fast path and falls back to it.
 *
 * References: the caller's reference on Token is never consumed. On success the thread
 * owns exactly one reference (on Token, or the only reference on a downgraded copy) and
 * the previously impersonated token loses the thread's reference; re-impersonating the
 * token in force keeps the reference the thread holds (the net count is the same). On
 * failure nothing changed.
 *
 * @remarks spec 2.6 B: an invalid level is STATUS_INVALID_PARAMETER (5-D15); a level
 * above an impersonation token's own level is clamped to it (5-D8); the permission rule
 * of spec 3.2 is evaluated against the primary token of Thread's process (not the
 * caller's); when it denies, the thread silently gets an Identification-level copy and
 * the status is still STATUS_SUCCESS. Token NULL ends impersonation. A wrong object type
 * for Thread or Token is STATUS_OBJECT_TYPE_MISMATCH with no change (5-D24).
 */
static __attribute__((noinline)) NTSTATUS PspImpersonateGeneral(PETHREAD Thread, PACCESS_TOKEN Token, BOOLEAN CopyOnOpen,
                                                                BOOLEAN EffectiveOnly,
                                                                SECURITY_IMPERSONATION_LEVEL ImpersonationLevel)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "PsImpersonateClient"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (Token == NULL) {
        PspRevertThread(Thread);
        return STATUS_SUCCESS;
    }
    if (!SepIsToken(Token, "PsImpersonateClient"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (!VALID_IMPERSONATION_LEVEL(ImpersonationLevel))
        return STATUS_INVALID_PARAMETER;

    PTOKEN token = Token;
    SECURITY_IMPERSONATION_LEVEL level = ImpersonationLevel;
    if (token->TokenType == TokenImpersonation && level > token->ImpersonationLevel)
        level = token->ImpersonationLevel;
    NTSEC_IMPERSONATION_DECISION decision =
        SepTokenCanImpersonate(Thread->Process->PrimaryToken, token, level);
    return PspImpersonateSlow(Thread, token, CopyOnOpen, EffectiveOnly, level, decision);
}

/* The fast path's tail when it replaced another token: releases the thread's reference on
 * Old and returns STATUS_SUCCESS. Out of line (a tail call) so that the common path needs
 * no stack frame. */
static __attribute__((noinline)) NTSTATUS PspReleaseReplaced(PTOKEN Old)
{
    ObpDecrementPointerCount(Old);
    return STATUS_SUCCESS;
}

/*
 * PsImpersonateClient's fast path (docs/impersonation-fastpath.md) is the pure swap on the
 * calling thread: Thread is the caller's bound ETHREAD (so an object of its type), verifier
 * off, host backend off, Token a token, a level of Impersonation or Delegation not above an
 * impersonation token's own (no clamp), the rule's
 * inline allow (SepTokenCanImpersonateFast), the thread's state allocated. Anything else -
 * another thread included - goes to PspImpersonateGeneral, which starts over with every
 * check (nothing was changed yet).
 */
NTSTATUS PsImpersonateClient(PETHREAD Thread, PACCESS_TOKEN Token, BOOLEAN CopyOnOpen,
                             BOOLEAN EffectiveOnly, SECURITY_IMPERSONATION_LEVEL ImpersonationLevel)
{
#define PSP_GENERAL() PspImpersonateGeneral(Thread, Token, CopyOnOpen, EffectiveOnly, ImpersonationLevel)
    PTOKEN token = Token;
    if (__builtin_expect(Thread != PspCurrentThread || Thread == NULL, 0))
        return PSP_GENERAL();
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (__builtin_expect(VfIsEnabled() || (hooks != NULL && hooks->Switch != NULL), 0))
        return PSP_GENERAL();
    if (__builtin_expect(!ObpIsObjectOfType(token, &ObpTokenType), 0))
        return PSP_GENERAL();
    /* a level above an impersonation token's own is clamped (5-D8) by the general form */
    SECURITY_IMPERSONATION_LEVEL level = ImpersonationLevel;
    if (__builtin_expect((ULONG)level - SecurityImpersonation > SecurityDelegation - SecurityImpersonation ||
                         (token->TokenType == TokenImpersonation && level > token->ImpersonationLevel), 0))
        return PSP_GENERAL();
    NTSEC_IMPERSONATION_DECISION decision = SepTokenCanImpersonateFast(Thread->Process->PrimaryToken, token, level);
    if (__builtin_expect(decision == NtsecDecisionNone, 0))
        return PSP_GENERAL();
    PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_acquire);
    if (__builtin_expect(info == NULL, 0))
        return PSP_GENERAL();

    /* The thread's reference is taken under the lock only when it does not hold one on
     * Token already (re-impersonating the token in force keeps the reference it has);
     * nothing is released under it (L1). The lock is still taken: other threads write this
     * thread's impersonation too (docs/impersonation-fastpath.md "Locking"). */
    if (__builtin_expect(!PspTryLockThreadSecurity(Thread), 0))
        return PSP_GENERAL();
    PTOKEN old = PspTokenInForceLocked(Thread, info);
    if (old != token)
        ObpIncrementPointerCount(token);
    PspStoreLocked(Thread, info, token, CopyOnOpen, EffectiveOnly, level);
    PspUnlockThreadSecurity(Thread);
    __atomic_store_n(&Thread->LastDecision, decision, __ATOMIC_RELAXED);
    /* the calling thread: no host marking (PspHostPublished marks only other threads) */
    if (__builtin_expect(old != NULL && old != token, 0))
        return PspReleaseReplaced(old);
    return STATUS_SUCCESS;
#undef PSP_GENERAL
}

/* PsRevertToSelf's general form: the caller's ETHREAD (host sync) and PspRevertThread. */
static __attribute__((noinline)) VOID PspRevertToSelfGeneral(VOID)
{
    PETHREAD thread = PsGetCurrentThread();
    if (thread != NULL)
        PspRevertThread(thread);
}

/*
 * PsRevertToSelf - ends all impersonation on the calling thread (spec 2.7); the thread's
 * reference on the token it impersonated is released. Fast path: a bound thread, verifier
 * and host backend never on - the swap alone, under the thread lock (no unlocked "not
 * impersonating" exit: the flag read under the lock decides, L4). A contended lock or
 * anything else goes to PspRevertToSelfGeneral.
 */
VOID PsRevertToSelf(VOID)
{
    PETHREAD thread = PspCurrentThread;
    if (__builtin_expect(thread == NULL || VfIsEnabled() || PspLoadHostHooks() != NULL ||
                         !PspTryLockThreadSecurity(thread), 0))
        return PspRevertToSelfGeneral();
    /* Active implies a token: every routine that sets the flag stores a non-NULL Token */
    if (atomic_load_explicit(&thread->ActiveImpersonation, memory_order_relaxed)) {
        PTOKEN old = atomic_load_explicit(&thread->ImpersonationInfo, memory_order_relaxed)->Token;
        atomic_store_explicit(&thread->ActiveImpersonation, FALSE, memory_order_release);
        PspUnlockThreadSecurity(thread);
        ObpDecrementPointerCount(old);
        return;
    }
    PspUnlockThreadSecurity(thread);
}

/* PsRevertThreadToSelf - PsRevertToSelf for an arbitrary thread (ReactOS-style export). */
VOID PsRevertThreadToSelf(PETHREAD Thread)
{
    if (ObpCheckType(Thread, &ObpThreadType, "PsRevertThreadToSelf"))
        PspRevertThread(Thread);
}

/*
 * PsDisableImpersonation - suspends Thread's impersonation (spec 2.8). If it was active
 * the thread's token reference is TRANSFERRED into ImpersonationState and TRUE is
 * returned; otherwise the state is zeroed (Token NULL, level Anonymous) and FALSE is
 * returned (5-D11).
 */
BOOLEAN PsDisableImpersonation(PETHREAD Thread, PSE_IMPERSONATION_STATE ImpersonationState)
{
    if (ImpersonationState == NULL || !ObpCheckType(Thread, &ObpThreadType, "PsDisableImpersonation"))
        return FALSE;
    ImpersonationState->Token = NULL;
    ImpersonationState->CopyOnOpen = FALSE;
    ImpersonationState->EffectiveOnly = FALSE;
    ImpersonationState->Level = SecurityAnonymous;
    if (!PspIsImpersonating(Thread))
        return FALSE;
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (hooks != NULL && hooks->Switch != NULL)
        hooks->Switch(Thread, NULL, SecurityAnonymous);
    BOOLEAN was = FALSE;
    PspLockThreadSecurity(Thread);
    if (atomic_load_explicit(&Thread->ActiveImpersonation, memory_order_relaxed)) {
        PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_relaxed);
        ImpersonationState->Token = info->Token;
        ImpersonationState->CopyOnOpen = info->CopyOnOpen;
        ImpersonationState->EffectiveOnly = info->EffectiveOnly;
        ImpersonationState->Level = info->ImpersonationLevel;
        atomic_store_explicit(&Thread->ActiveImpersonation, FALSE, memory_order_release);
        was = TRUE;
    }
    PspUnlockThreadSecurity(Thread);
    if (was) {
        PspHostPublished(Thread);
        VfThreadDisabledImpersonation(Thread, ImpersonationState);
    }
    return was;
}

/*
 * PsRestoreImpersonation - undoes PsDisableImpersonation (spec 2.8). The state's token
 * reference is transferred back to the thread; a token impersonated in between loses the
 * thread's reference. A NULL state or state token means "not impersonating" (spec 2.8
 * Restore step 2, C). If the host backend cannot switch to the restored identity the
 * thread stays not impersonating and the state's reference is released (reported).
 */
VOID PsRestoreImpersonation(PETHREAD Thread, PSE_IMPERSONATION_STATE ImpersonationState)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "PsRestoreImpersonation"))
        return;
    VfRestoreWithoutDisable(Thread, ImpersonationState);
    if (ImpersonationState == NULL || ImpersonationState->Token == NULL) {
        PspRevertThread(Thread);
        return;
    }
    PTOKEN token = ImpersonationState->Token;
    PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_acquire);
    if (info == NULL || !SepIsToken(token, "PsRestoreImpersonation")) {
        /* Not a state PsDisableImpersonation filled for this thread: nothing to restore. */
        return;
    }
    PSP_HOST_HOOKS *hooks = PspLoadHostHooks();
    if (hooks != NULL && hooks->Switch != NULL) {
        NTSTATUS st = hooks->Switch(Thread, token, ImpersonationState->Level);
        if (!NT_SUCCESS(st)) {
            VfReport("restore failed", "PsRestoreImpersonation", token,
                     "host credentials could not be switched (0x%08X); thread left not impersonating",
                     (unsigned)st);
            PspRevertThread(Thread);
            ObfDereferenceObject(token);
            ImpersonationState->Token = NULL;
            return;
        }
    }
    PTOKEN old = PspInstall(Thread, info, token, ImpersonationState->CopyOnOpen,
                            ImpersonationState->EffectiveOnly, ImpersonationState->Level);
    ImpersonationState->Token = NULL;
    if (old != NULL)
        ObfDereferenceObject(old);
}

NTSEC_IMPERSONATION_DECISION NtsecLastImpersonationDecision(PETHREAD Thread)
{
    if (!ObpCheckType(Thread, &ObpThreadType, "NtsecLastImpersonationDecision"))
        return NtsecDecisionNone;
    return __atomic_load_n(&Thread->LastDecision, __ATOMIC_RELAXED);
}
