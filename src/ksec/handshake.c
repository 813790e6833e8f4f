/*
 * handshake.c - AcquireCredentialsHandleW, FreeCredentialsHandle, InitializeSecurityContextW,
 * AcceptSecurityContext, CompleteAuthToken: the framework around a package's legs
 * (docs/sspi.md "Handshake"). Locks and references: ksecp.h.
 */
#include <string.h>
#include "ksec/ksecframe.h"

/* KsecpValidateBuffers - see ksecframe.h. */
SECURITY_STATUS KsecpValidateBuffers(PSecBufferDesc Desc)
{
    if (Desc == NULL)
        return SEC_E_OK;
    if (Desc->ulVersion != SECBUFFER_VERSION || Desc->cBuffers > KSECP_MAX_BUFFERS ||
        (Desc->cBuffers > 0 && Desc->pBuffers == NULL))
        return SEC_E_INVALID_TOKEN;
    for (ULONG i = 0; i < Desc->cBuffers; i++)
        if (Desc->pBuffers[i].cbBuffer > 0 && Desc->pBuffers[i].pvBuffer == NULL)
            return SEC_E_INVALID_TOKEN;
    return SEC_E_OK;
}

/*
 * AcquireCredentialsHandleW - see sspi.h.
 * References: on SEC_E_OK the new handle owns the credential object's single reference
 * (FreeCredentialsHandle releases it); the package's credential object belongs to it.
 * @remarks Errors, in the order checked: phCredential NULL -> SEC_E_INVALID_PARAMETER;
 * pPackage NULL, malformed or not a listed package -> SEC_E_SECPKG_NOT_FOUND (Wine secur32
 * does the same for a NULL or unknown name); fCredentialUse not INBOUND/OUTBOUND/BOTH ->
 * SEC_E_UNKNOWN_CREDENTIALS; pvLogonId or pGetKeyFn given -> SEC_E_UNSUPPORTED_FUNCTION
 * (kernel-only features we do not have); pPrincipal malformed (odd length, bad UTF-16) ->
 * SEC_E_INVALID_PARAMETER; the package has no credentials -> SEC_E_UNSUPPORTED_FUNCTION;
 * then the package's own status; table full / no memory -> SEC_E_INSUFFICIENT_MEMORY.
 */
SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleW(PSECURITY_STRING pPrincipal, PSECURITY_STRING pPackage,
                                                    ULONG fCredentialUse, PVOID pvLogonId, PVOID pAuthData,
                                                    SEC_GET_KEY_FN pGetKeyFn, PVOID pvGetKeyArgument,
                                                    PCredHandle phCredential, PTimeStamp ptsExpiry)
{
    if (phCredential == NULL)
        return SEC_E_INVALID_PARAMETER;
    memset(phCredential, 0, sizeof(*phCredential));
    PSTR name = NULL;
    if (!NT_SUCCESS(KsecSecurityStringToUtf8(pPackage, &name)))
        return SEC_E_SECPKG_NOT_FOUND;
    const KSEC_PACKAGE *package = KsecFindListedPackage(name);
    ExFreePool(name);
    if (package == NULL)
        return SEC_E_SECPKG_NOT_FOUND;
    if (fCredentialUse == 0 || (fCredentialUse & ~SECPKG_CRED_BOTH) != 0)
        return SEC_E_UNKNOWN_CREDENTIALS;
    if (pvLogonId != NULL || pGetKeyFn != NULL)
        return SEC_E_UNSUPPORTED_FUNCTION;
    PSTR principal = NULL;
    if (pPrincipal != NULL && pPrincipal->Length > 0 && !NT_SUCCESS(KsecSecurityStringToUtf8(pPrincipal, &principal)))
        return SEC_E_INVALID_PARAMETER;
    if (package->AcquireCredentials == NULL) {
        if (principal != NULL)
            ExFreePool(principal);
        return SEC_E_UNSUPPORTED_FUNCTION;
    }
    PVOID packageCredential = NULL;
    TimeStamp expiry;
    expiry.QuadPart = KSEC_TIME_FOREVER;
    SECURITY_STATUS status = package->AcquireCredentials(principal, fCredentialUse, pAuthData, &packageCredential,
                                                         &expiry);
    if (principal != NULL)
        ExFreePool(principal);
    if (status != SEC_E_OK)
        return status;
    PKSEC_CREDENTIAL credential = KsecpCreateCredential(package, fCredentialUse, packageCredential, expiry);
    if (credential == NULL) {
        if (package->FreeCredentials != NULL && packageCredential != NULL)
            package->FreeCredentials(packageCredential);
        return SEC_E_INSUFFICIENT_MEMORY;
    }
    if (!NT_SUCCESS(KsecInsertHandle(&credential->Header, phCredential))) {
        KsecDereferenceObject(&credential->Header);
        return SEC_E_INSUFFICIENT_MEMORY;
    }
    if (ptsExpiry != NULL)
        *ptsExpiry = expiry;
    return SEC_E_OK;
}

/* FreeCredentialsHandle - see sspi.h. Releases the handle's reference; contexts made with the
 * credential hold their own. */
SECURITY_STATUS SEC_ENTRY FreeCredentialsHandle(PCredHandle phCredential)
{
    return KsecRemoveHandle(phCredential, KSEC_KIND_CREDENTIAL) ? SEC_E_OK : SEC_E_INVALID_HANDLE;
}

/* A buffer KsecWriteOutputToken allocated for a step that then failed: freed, so a failed
 * call leaves the caller nothing to free. */
static VOID KsecpUndoOutput(PKSEC_STEP Step)
{
    if (!(Step->ContextAttr & ISC_RET_ALLOCATED_MEMORY))
        return;
    PSecBuffer out = KsecFindBuffer(Step->Output, SECBUFFER_TOKEN);
    if (out != NULL && out->pvBuffer != NULL) {
        FreeContextBuffer(out->pvBuffer);
        out->pvBuffer = NULL;
        out->cbBuffer = 0;
    }
}

static BOOLEAN KsecpIsStepSuccess(SECURITY_STATUS Status)
{
    return Status == SEC_E_OK || Status == SEC_I_CONTINUE_NEEDED || Status == SEC_I_COMPLETE_NEEDED ||
           Status == SEC_I_COMPLETE_AND_CONTINUE;
}

/*
 * KsecpRunStep - one leg on Context (operation lock held by the caller, or Context not yet
 * published). On a completed accept the token's single reference moves into the context.
 * Any token the package returned with another status is released here.
 */
static SECURITY_STATUS KsecpRunStep(PKSEC_CONTEXT Context, PKSEC_STEP Step)
{
    const KSEC_PACKAGE *package = Context->Package;
    SECURITY_STATUS (*leg)(PVOID *, PKSEC_STEP) = Context->Server ? package->AcceptStep : package->InitializeStep;
    if (leg == NULL)
        return SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS status = leg(&Context->PackageContext, Step);
    if (status == SEC_E_OK && Context->Server) {
        if (Step->Token == NULL || Step->Token->TokenType != TokenImpersonation ||
            Step->Level != Step->Token->ImpersonationLevel)
            status = SEC_E_INTERNAL_ERROR; /* a package bug: fail closed */
    }
    if (status != SEC_E_OK && Step->Token != NULL) {
        ObDereferenceObject(Step->Token);
        Step->Token = NULL;
    }
    if (!KsecpIsStepSuccess(status)) {
        if (status >= 0)
            status = SEC_E_INTERNAL_ERROR; /* an unknown success code: fail closed */
        KsecpUndoOutput(Step);
        return status;
    }
    Context->ContextAttr = Step->ContextAttr;
    Context->Expiry = Step->Expiry;
    Context->CompleteNeeded = status == SEC_I_COMPLETE_NEEDED || status == SEC_I_COMPLETE_AND_CONTINUE;
    if (status == SEC_E_OK) {
        pthread_mutex_lock(&Context->StateLock);
        Context->Token = Step->Token; /* the reference passes to the context */
        Context->Level = Step->Level;
        Context->Complete = TRUE;
        pthread_mutex_unlock(&Context->StateLock);
        Step->Token = NULL;
    }
    return status;
}

/*
 * KsecpHandshake - InitializeSecurityContextW (Server FALSE) and AcceptSecurityContext.
 * References: the first leg makes a context object whose single reference the new handle
 * owns (or which is destroyed, with the package's state, when the leg fails); a later leg
 * holds a reference on the context for the call. The context references its credential.
 * @remarks Errors before the package runs: NULL phNewContext on a first leg, NULL
 * pfContextAttr -> SEC_E_INVALID_PARAMETER; malformed descriptors -> SEC_E_INVALID_TOKEN;
 * first leg: credential handle dead, foreign or of the wrong kind -> SEC_E_INVALID_HANDLE, a
 * credential acquired without the direction (OUTBOUND for a client, INBOUND for a server) ->
 * SEC_E_NO_CREDENTIALS; later leg: context handle dead or of the other side ->
 * SEC_E_INVALID_HANDLE, a credential handle given that is not the context's ->
 * SEC_E_WRONG_CREDENTIAL_HANDLE, a completed context -> SEC_E_OUT_OF_SEQUENCE.
 */
static SECURITY_STATUS KsecpHandshake(BOOLEAN Server, PCredHandle phCredential, PCtxtHandle phContext,
                                      PCSTR TargetName, ULONG fContextReq, ULONG TargetDataRep,
                                      PSecBufferDesc pInput, PCtxtHandle phNewContext, PSecBufferDesc pOutput,
                                      PULONG pfContextAttr, PTimeStamp ptsExpiry)
{
    SECURITY_STATUS status;
    KSEC_STEP step;
    memset(&step, 0, sizeof(step));
    step.TargetName = TargetName;
    step.ContextReq = fContextReq;
    step.TargetDataRep = TargetDataRep;
    step.Input = pInput;
    step.Output = pOutput;
    step.Expiry.QuadPart = KSEC_TIME_FOREVER;

    if (phContext == NULL) {
        if (phNewContext == NULL)
            return SEC_E_INVALID_PARAMETER;
        PKSEC_CREDENTIAL credential = KsecpReferenceCredentialObject(phCredential);
        if (credential == NULL)
            return SEC_E_INVALID_HANDLE;
        const KSEC_PACKAGE *package = credential->Package;
        ULONG need = Server ? SECPKG_CRED_INBOUND : SECPKG_CRED_OUTBOUND;
        if (!(credential->Use & need)) {
            KsecDereferenceObject(&credential->Header);
            return SEC_E_NO_CREDENTIALS;
        }
        if ((Server ? (PVOID)package->AcceptStep : (PVOID)package->InitializeStep) == NULL) {
            KsecDereferenceObject(&credential->Header);
            return SEC_E_UNSUPPORTED_FUNCTION;
        }
        PKSEC_CONTEXT context = KsecpCreateContext(package, credential, Server);
        KsecDereferenceObject(&credential->Header); /* the context holds its own */
        if (context == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        step.Credential = credential->PackageCredential;
        step.CredentialUse = credential->Use;
        status = KsecpRunStep(context, &step);
        if (KsecpIsStepSuccess(status)) {
            CtxtHandle handle;
            if (!NT_SUCCESS(KsecInsertHandle(&context->Header, &handle))) {
                KsecpUndoOutput(&step);
                status = SEC_E_INSUFFICIENT_MEMORY;
            } else {
                *phNewContext = handle;
                context = NULL; /* the handle owns the reference */
            }
        }
        if (context != NULL)
            KsecDereferenceObject(&context->Header); /* destroys it and the package's state */
    } else {
        PKSEC_CONTEXT context = KsecpReferenceContextObject(phContext);
        if (context == NULL)
            return SEC_E_INVALID_HANDLE;
        CtxtHandle handle = *phContext;
        if (context->Server != Server) {
            KsecDereferenceObject(&context->Header);
            return SEC_E_INVALID_HANDLE;
        }
        if (phCredential != NULL) {
            PKSEC_CREDENTIAL credential = KsecpReferenceCredentialObject(phCredential);
            if (credential == NULL) {
                KsecDereferenceObject(&context->Header);
                return SEC_E_INVALID_HANDLE;
            }
            BOOLEAN same = credential == context->Credential;
            KsecDereferenceObject(&credential->Header);
            if (!same) {
                KsecDereferenceObject(&context->Header);
                return SEC_E_WRONG_CREDENTIAL_HANDLE;
            }
        }
        pthread_mutex_lock(&context->OpLock);
        if (context->Complete) {
            status = SEC_E_OUT_OF_SEQUENCE;
        } else {
            step.Credential = context->Credential != NULL ? context->Credential->PackageCredential : NULL;
            step.CredentialUse = context->Credential != NULL ? context->Credential->Use : 0;
            status = KsecpRunStep(context, &step);
        }
        pthread_mutex_unlock(&context->OpLock);
        KsecDereferenceObject(&context->Header);
        if (KsecpIsStepSuccess(status) && phNewContext != NULL)
            *phNewContext = handle;
    }
    if (KsecpIsStepSuccess(status)) {
        *pfContextAttr = step.ContextAttr;
        if (ptsExpiry != NULL)
            *ptsExpiry = step.Expiry;
    }
    return status;
}

/* InitializeSecurityContextW - see sspi.h and KsecpHandshake. Also SEC_E_INVALID_PARAMETER for
 * a non-zero Reserved1/Reserved2 or a malformed pTargetName (odd length, bad UTF-16). */
SECURITY_STATUS SEC_ENTRY InitializeSecurityContextW(PCredHandle phCredential, PCtxtHandle phContext,
                                                     PSECURITY_STRING pTargetName, ULONG fContextReq,
                                                     ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput,
                                                     ULONG Reserved2, PCtxtHandle phNewContext,
                                                     PSecBufferDesc pOutput, PULONG pfContextAttr,
                                                     PTimeStamp ptsExpiry)
{
    if (pfContextAttr == NULL || Reserved1 != 0 || Reserved2 != 0)
        return SEC_E_INVALID_PARAMETER;
    *pfContextAttr = 0;
    if (KsecpValidateBuffers(pInput) != SEC_E_OK || KsecpValidateBuffers(pOutput) != SEC_E_OK)
        return SEC_E_INVALID_TOKEN;
    PSTR target = NULL;
    if (pTargetName != NULL && !NT_SUCCESS(KsecSecurityStringToUtf8(pTargetName, &target)))
        return SEC_E_INVALID_PARAMETER;
    SECURITY_STATUS status = KsecpHandshake(FALSE, phCredential, phContext, target, fContextReq, TargetDataRep,
                                            pInput, phNewContext, pOutput, pfContextAttr, ptsExpiry);
    if (target != NULL)
        ExFreePool(target);
    return status;
}

/* AcceptSecurityContext - see sspi.h and KsecpHandshake. */
SECURITY_STATUS SEC_ENTRY AcceptSecurityContext(PCredHandle phCredential, PCtxtHandle phContext,
                                                PSecBufferDesc pInput, ULONG fContextReq, ULONG TargetDataRep,
                                                PCtxtHandle phNewContext, PSecBufferDesc pOutput,
                                                PULONG pfContextAttr, PTimeStamp ptsExpiry)
{
    if (pfContextAttr == NULL)
        return SEC_E_INVALID_PARAMETER;
    *pfContextAttr = 0;
    if (KsecpValidateBuffers(pInput) != SEC_E_OK || KsecpValidateBuffers(pOutput) != SEC_E_OK)
        return SEC_E_INVALID_TOKEN;
    return KsecpHandshake(TRUE, phCredential, phContext, NULL, fContextReq, TargetDataRep, pInput, phNewContext,
                          pOutput, pfContextAttr, ptsExpiry);
}

/*
 * CompleteAuthToken - see sspi.h. SEC_E_INVALID_HANDLE (dead handle), SEC_E_INVALID_TOKEN
 * (malformed descriptor), SEC_E_UNSUPPORTED_FUNCTION (the package never asks for it), else
 * the package's status; SEC_E_OK clears the pending request.
 */
SECURITY_STATUS SEC_ENTRY CompleteAuthToken(PCtxtHandle phContext, PSecBufferDesc pToken)
{
    PKSEC_CONTEXT context = KsecpReferenceContextObject(phContext);
    if (context == NULL)
        return SEC_E_INVALID_HANDLE;
    SECURITY_STATUS status = KsecpValidateBuffers(pToken);
    if (status == SEC_E_OK && context->Package->CompleteToken == NULL)
        status = SEC_E_UNSUPPORTED_FUNCTION;
    if (status == SEC_E_OK) {
        pthread_mutex_lock(&context->OpLock);
        status = context->Package->CompleteToken(context->PackageContext, pToken);
        if (status == SEC_E_OK)
            context->CompleteNeeded = FALSE;
        pthread_mutex_unlock(&context->OpLock);
    }
    KsecDereferenceObject(&context->Header);
    return status;
}
