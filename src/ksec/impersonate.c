/*
 * impersonate.c - ksecdd ImpersonateSecurityContext / RevertSecurityContext (spec 2.19).
 */
#include "ksec/ksecp.h"

/*
 * KsecpMapImpersonateStatus - spec 2.19 step 5 (C): success -> SEC_E_OK; the allocation
 * failures (STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES, 5-D1) -> SEC_E_INSUFFICIENT_MEMORY;
 * anything else -> SEC_E_NO_IMPERSONATION.
 */
static SECURITY_STATUS KsecpMapImpersonateStatus(NTSTATUS Status)
{
    if (NT_SUCCESS(Status))
        return SEC_E_OK;
    if (Status == STATUS_NO_MEMORY || Status == STATUS_INSUFFICIENT_RESOURCES)
        return SEC_E_INSUFFICIENT_MEMORY;
    return SEC_E_NO_IMPERSONATION;
}

/*
 * ImpersonateSecurityContext - the current thread impersonates the context's client.
 *
 * References: takes one reference on the context's token for the duration of the call
 * (so a concurrent DeleteSecurityContext cannot free it under us) and releases it before
 * returning; PsImpersonateClient gives the thread its own reference (on the token, or the
 * sole reference on an Identification copy when the rule downgrades) and releases the
 * thread's reference on whatever it impersonated before. The context's reference is untouched.
 *
 * @remarks spec 2.19 steps 1-6:
 *  1. NULL handle -> SEC_E_INVALID_HANDLE.
 *  2. unknown / deleted / garbage handle -> SEC_E_INVALID_HANDLE.
 *  3. the package cannot impersonate (like kernel Schannel) -> SEC_E_UNSUPPORTED_FUNCTION.
 *  4. authentication not completed (no token) -> SEC_E_NO_IMPERSONATION, thread unchanged.
 *  5. PsImpersonateClient(current thread, token, CopyOnOpen FALSE, EffectiveOnly FALSE, the
 *     token's level) (5-D17, the SetThreadToken semantics); status mapped as above. A
 *     calling thread that cannot be adopted (out of memory) is SEC_E_INSUFFICIENT_MEMORY.
 *  6. the impersonation rule of spec 3.2 applies inside PsImpersonateClient: a client the
 *     server's process may not impersonate is installed as an Identification copy and the
 *     result is still SEC_E_OK (SDK-ImpersonateSecurityContext "All impersonate functions").
 * On failure PsImpersonateClient leaves the thread's previous impersonation in place.
 */
SECURITY_STATUS SEC_ENTRY ImpersonateSecurityContext(PCtxtHandle phContext)
{
    KSEC_CONTEXT_VIEW view;
    if (phContext == NULL)
        return SEC_E_INVALID_HANDLE;                       /* step 1 */
    if (!KsecReferenceContext(phContext, &view))
        return SEC_E_INVALID_HANDLE;                       /* step 2 */
    SECURITY_STATUS result;
    if (!(view.Package->KsecFlags & KSEC_PACKAGE_IMPERSONATION))
        result = SEC_E_UNSUPPORTED_FUNCTION;               /* step 3 */
    else if (view.Token == NULL)
        result = SEC_E_NO_IMPERSONATION;                   /* step 4 */
    else {                                                 /* steps 5, 6 */
        /* A foreign thread is adopted on its first call, which allocates: no ETHREAD means
         * out of memory, not a refused impersonation. */
        PETHREAD thread = PsGetCurrentThread();
        result = thread == NULL ? SEC_E_INSUFFICIENT_MEMORY
                                : KsecpMapImpersonateStatus(
                                      PsImpersonateClient(thread, view.Token, FALSE, FALSE, view.Level));
    }
    if (view.Token != NULL)
        ObDereferenceObject(view.Token);
    return result;
}

/*
 * RevertSecurityContext - ends the current thread's impersonation.
 *
 * References: PsRevertToSelf releases the thread's reference on its impersonation token (if
 * any); the context's token reference is untouched (the look-up's temporary one is released).
 *
 * @remarks spec 2.19 steps 1-3: NULL/unknown handle -> SEC_E_INVALID_HANDLE; package without
 * impersonation -> SEC_E_UNSUPPORTED_FUNCTION; otherwise PsRevertToSelf() and SEC_E_OK, even
 * when the thread was impersonating nothing or another client (C: "revert all", as
 * RevertToSelf). An incomplete context may be used to revert.
 */
SECURITY_STATUS SEC_ENTRY RevertSecurityContext(PCtxtHandle phContext)
{
    KSEC_CONTEXT_VIEW view;
    if (!KsecReferenceContext(phContext, &view))
        return SEC_E_INVALID_HANDLE;
    if (view.Token != NULL)
        ObDereferenceObject(view.Token);
    if (!(view.Package->KsecFlags & KSEC_PACKAGE_IMPERSONATION))
        return SEC_E_UNSUPPORTED_FUNCTION;
    PsRevertToSelf();
    return SEC_E_OK;
}
