/*
 * threadtoken.c - opening a thread's or a process's token as a kernel handle:
 * ZwOpenThreadTokenEx, ZwOpenThreadToken, ZwOpenProcessTokenEx (spec 2.20 "Open-thread-token
 * service").
 *
 * Locking (spec 1.8 L1): the thread's impersonation state is read under its SecurityLock
 * with one extra token reference taken there; duplication, handle creation and every
 * release happen outside the lock. The copy-on-open swap re-checks, under the lock, that
 * the thread still impersonates the token that was duplicated.
 */
#include "ps/psp.h"

#ifndef THREAD_QUERY_INFORMATION
#define THREAD_QUERY_INFORMATION 0x0040
#endif
#ifndef PROCESS_QUERY_INFORMATION
#define PROCESS_QUERY_INFORMATION 0x0400
#endif

/*
 * PspCopyOnOpen - the copy-on-open step: a duplicate of Token (EffectiveOnly-filtered when
 * EffectiveOnly) at the thread's stored Level, installed as Thread's impersonation token if
 * Thread still impersonates Token. On success *Copy holds the duplicate with one reference
 * owned by the caller; if Thread still impersonates Token with CopyOnOpen, Level and
 * EffectiveOnly unchanged, the thread's reference on Token moves to the duplicate (the old
 * one is released after unlocking) and *Swapped is TRUE, otherwise the thread is left alone.
 * The caller's own reference on Token is untouched.
 *
 * @remarks The duplicate has the same user and the same enabled groups as Token, so the host
 * backend's per-thread credentials stay right and no switch hook is needed.
 */
static NTSTATUS PspCopyOnOpen(PETHREAD Thread, PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                              BOOLEAN EffectiveOnly, PTOKEN *Copy, BOOLEAN *Swapped)
{
    *Swapped = FALSE;
    PTOKEN copy = NULL;
    NTSTATUS st = SepDuplicateToken(Token, TokenImpersonation, Level, EffectiveOnly,
                                    "token (ZwOpenThreadTokenEx copy-on-open)", &copy);
    if (!NT_SUCCESS(st))
        return st;
    ObfReferenceObject(copy); /* the thread's reference, if the swap happens */
    PTOKEN released = copy;
    PspLockThreadSecurity(Thread);
    PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_relaxed);
    /* Swap only if the thread still has the state the duplicate was made for: the same
     * token re-impersonated meanwhile with another level or without CopyOnOpen must keep
     * the token it was given (L4: re-check under the lock). */
    if (atomic_load_explicit(&Thread->ActiveImpersonation, memory_order_relaxed) && info != NULL &&
        info->Token == Token && info->CopyOnOpen && info->ImpersonationLevel == Level &&
        info->EffectiveOnly == EffectiveOnly) {
        info->Token = copy;
        released = Token; /* the thread's old reference */
        *Swapped = TRUE;
    }
    PspUnlockThreadSecurity(Thread);
    ObfDereferenceObject(released);
    *Copy = copy;
    return STATUS_SUCCESS;
}

/*
 * PspUndoCopyOnOpen - the handle to Copy could not be made: if Thread still impersonates Copy
 * (PspCopyOnOpen swapped it in), it goes back to Token, so a failed open leaves the thread
 * unchanged. The thread's reference moves from Copy back to Token (a new reference on Token,
 * Copy's released after unlocking); the caller's references on both are untouched.
 */
static VOID PspUndoCopyOnOpen(PETHREAD Thread, PTOKEN Copy, PTOKEN Token)
{
    ObfReferenceObject(Token); /* the thread's reference, if the swap back happens */
    PTOKEN released = Token;
    PspLockThreadSecurity(Thread);
    PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&Thread->ImpersonationInfo, memory_order_relaxed);
    if (atomic_load_explicit(&Thread->ActiveImpersonation, memory_order_relaxed) && info != NULL &&
        info->Token == Copy) {
        info->Token = Token;
        released = Copy; /* the thread's reference on the duplicate */
    }
    PspUnlockThreadSecurity(Thread);
    ObfDereferenceObject(released);
}

/*
 * ZwOpenThreadTokenEx - a kernel handle to the impersonation token of the thread behind
 * ThreadHandle (NtCurrentThread() works). On success *TokenHandle owns one token reference;
 * close it with ZwClose. The caller's thread reference is untouched.
 *
 * @remarks spec 2.20: a thread that is not impersonating gives STATUS_NO_TOKEN; a thread
 * whose stored level is SecurityAnonymous gives STATUS_CANT_OPEN_ANONYMOUS (5-D18: the
 * thread's stored level, not the token's). If the thread impersonates with CopyOnOpen, the
 * caller receives a duplicate at the stored level (EffectiveOnly-filtered when the thread's
 * EffectiveOnly is TRUE) and the thread is switched to that duplicate (R, ReactOS), so later
 * changes through the handle never reach the client's own token. OpenAsSelf is accepted and
 * has no effect: ntsec performs no access check against the thread token when opening.
 * Other results: STATUS_INVALID_PARAMETER (TokenHandle NULL), the ObReferenceObjectByHandle
 * status (STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH), STATUS_NO_MEMORY /
 * STATUS_INSUFFICIENT_RESOURCES with the thread unchanged.
 */
NTSTATUS ZwOpenThreadTokenEx(HANDLE ThreadHandle, ACCESS_MASK DesiredAccess, BOOLEAN OpenAsSelf,
                             ULONG HandleAttributes, PHANDLE TokenHandle)
{
    (void)OpenAsSelf;
    if (TokenHandle == NULL)
        return STATUS_INVALID_PARAMETER;
    *TokenHandle = NULL;
    PETHREAD thread = NULL;
    NTSTATUS st = ObReferenceObjectByHandle(ThreadHandle, THREAD_QUERY_INFORMATION, *PsThreadType,
                                            KernelMode, (PVOID *)&thread, NULL);
    if (!NT_SUCCESS(st))
        return st;

    PTOKEN token = NULL;
    SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
    BOOLEAN copyOnOpen = FALSE, effectiveOnly = FALSE;
    PspLockThreadSecurity(thread);
    PPS_IMPERSONATION_INFORMATION info = atomic_load_explicit(&thread->ImpersonationInfo, memory_order_relaxed);
    if (atomic_load_explicit(&thread->ActiveImpersonation, memory_order_relaxed) && info != NULL) {
        token = info->Token;
        level = info->ImpersonationLevel;
        copyOnOpen = info->CopyOnOpen;
        effectiveOnly = info->EffectiveOnly;
        if (level != SecurityAnonymous)
            ObfReferenceObject(token); /* ours, released below */
    }
    PspUnlockThreadSecurity(thread);

    if (token == NULL)
        st = STATUS_NO_TOKEN;
    else if (level == SecurityAnonymous)
        st = STATUS_CANT_OPEN_ANONYMOUS;
    else {
        PTOKEN opened = token;
        BOOLEAN swapped = FALSE;
        if (copyOnOpen)
            st = PspCopyOnOpen(thread, token, level, effectiveOnly, &opened, &swapped);
        if (NT_SUCCESS(st)) {
            st = ObOpenObjectByPointer(opened, HandleAttributes, NULL, DesiredAccess, *SeTokenObjectType,
                                       KernelMode, TokenHandle);
            if (!NT_SUCCESS(st) && swapped)
                PspUndoCopyOnOpen(thread, opened, token);
            if (opened != token)
                ObfDereferenceObject(opened);
        }
        ObfDereferenceObject(token);
    }
    ObfDereferenceObject(thread);
    return st;
}

/* ZwOpenThreadToken - ZwOpenThreadTokenEx with no handle attributes. */
NTSTATUS ZwOpenThreadToken(HANDLE ThreadHandle, ACCESS_MASK DesiredAccess, BOOLEAN OpenAsSelf,
                           PHANDLE TokenHandle)
{
    return ZwOpenThreadTokenEx(ThreadHandle, DesiredAccess, OpenAsSelf, 0, TokenHandle);
}

/*
 * ZwOpenProcessTokenEx - a kernel handle to the primary token of the process behind
 * ProcessHandle (NtCurrentProcess() works). On success *TokenHandle owns one token
 * reference (close with ZwClose); no other reference changes.
 */
NTSTATUS ZwOpenProcessTokenEx(HANDLE ProcessHandle, ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
                              PHANDLE TokenHandle)
{
    if (TokenHandle == NULL)
        return STATUS_INVALID_PARAMETER;
    *TokenHandle = NULL;
    PEPROCESS process = NULL;
    NTSTATUS st = ObReferenceObjectByHandle(ProcessHandle, PROCESS_QUERY_INFORMATION, *PsProcessType,
                                            KernelMode, (PVOID *)&process, NULL);
    if (!NT_SUCCESS(st))
        return st;
    PACCESS_TOKEN token = PsReferencePrimaryToken(process);
    if (token == NULL)
        st = STATUS_UNSUCCESSFUL;
    else {
        st = ObOpenObjectByPointer(token, HandleAttributes, NULL, DesiredAccess, *SeTokenObjectType,
                                   KernelMode, TokenHandle);
        PsDereferencePrimaryToken(token);
    }
    ObfDereferenceObject(process);
    return st;
}
