/*
 * sspi.h - the kernel-mode SSPI (ksecdd) surface of ntsec: SECURITY_STATUS values, security
 * context handles and the context routines of spec 2.19. Include it next to ntifs.h; no other
 * ntsec header includes it. Packages, handle rules and the local-peer authentication are
 * described in docs/sspi.md.
 */
#ifndef NTSEC_SSPI_H
#define NTSEC_SSPI_H

#include "ntifs.h"

NTSEC_EXTERN_C_BEGIN

/* Kernel callers link ksecdd; here the routines live in libntsec. */
#define KSECDDDECLSPEC NTSEC_API
/* __stdcall on x86 Windows; the one calling convention here. */
#define SEC_ENTRY

typedef LONG SECURITY_STATUS;

/* Values as in Windows' winerror.h / issperr.h (FACILITY_SECURITY, HRESULT layout). */
#define SEC_E_OK                          ((SECURITY_STATUS)0x00000000L)
#define SEC_E_INSUFFICIENT_MEMORY         ((SECURITY_STATUS)0x80090300L)
#define SEC_E_INVALID_HANDLE              ((SECURITY_STATUS)0x80090301L)
#define SEC_E_UNSUPPORTED_FUNCTION        ((SECURITY_STATUS)0x80090302L)
#define SEC_E_TARGET_UNKNOWN              ((SECURITY_STATUS)0x80090303L)
#define SEC_E_INTERNAL_ERROR              ((SECURITY_STATUS)0x80090304L)
#define SEC_E_SECPKG_NOT_FOUND            ((SECURITY_STATUS)0x80090305L)
#define SEC_E_NOT_OWNER                   ((SECURITY_STATUS)0x80090306L)
#define SEC_E_CANNOT_INSTALL              ((SECURITY_STATUS)0x80090307L)
#define SEC_E_INVALID_TOKEN               ((SECURITY_STATUS)0x80090308L)
#define SEC_E_CANNOT_PACK                 ((SECURITY_STATUS)0x80090309L)
#define SEC_E_QOP_NOT_SUPPORTED           ((SECURITY_STATUS)0x8009030AL)
#define SEC_E_NO_IMPERSONATION            ((SECURITY_STATUS)0x8009030BL)
#define SEC_E_LOGON_DENIED                ((SECURITY_STATUS)0x8009030CL)
#define SEC_E_UNKNOWN_CREDENTIALS         ((SECURITY_STATUS)0x8009030DL)
#define SEC_E_NO_CREDENTIALS              ((SECURITY_STATUS)0x8009030EL)
#define SEC_E_MESSAGE_ALTERED             ((SECURITY_STATUS)0x8009030FL)
#define SEC_E_OUT_OF_SEQUENCE             ((SECURITY_STATUS)0x80090310L)
#define SEC_E_NO_AUTHENTICATING_AUTHORITY ((SECURITY_STATUS)0x80090311L)
#define SEC_I_CONTINUE_NEEDED             ((SECURITY_STATUS)0x00090312L)
#define SEC_I_COMPLETE_NEEDED             ((SECURITY_STATUS)0x00090313L)
#define SEC_I_COMPLETE_AND_CONTINUE       ((SECURITY_STATUS)0x00090314L)
#define SEC_I_LOCAL_LOGON                 ((SECURITY_STATUS)0x00090315L)
#define SEC_E_BAD_PKGID                   ((SECURITY_STATUS)0x80090316L)
#define SEC_E_CONTEXT_EXPIRED             ((SECURITY_STATUS)0x80090317L)
#define SEC_E_INCOMPLETE_MESSAGE          ((SECURITY_STATUS)0x80090318L)
#define SEC_E_INCOMPLETE_CREDENTIALS      ((SECURITY_STATUS)0x80090320L)
#define SEC_E_BUFFER_TOO_SMALL            ((SECURITY_STATUS)0x80090321L)
#define SEC_E_WRONG_PRINCIPAL             ((SECURITY_STATUS)0x80090322L)
#define SEC_E_TIME_SKEW                   ((SECURITY_STATUS)0x80090324L)
#define SEC_E_INVALID_PARAMETER           ((SECURITY_STATUS)0x8009035DL)
#define SEC_E_NOT_SUPPORTED               SEC_E_UNSUPPORTED_FUNCTION

/*
 * Handles. dwLower names a slot of the context table, dwUpper the generation the slot had
 * when the context was made; a handle is never reused while the process lives (docs/sspi.md).
 * {0, 0} is never a valid handle.
 */
typedef struct _SecHandle {
    ULONG_PTR dwLower;
    ULONG_PTR dwUpper;
} SecHandle, *PSecHandle;

typedef SecHandle CredHandle;
typedef PSecHandle PCredHandle;
typedef SecHandle CtxtHandle;
typedef PSecHandle PCtxtHandle;

#define SecInvalidateHandle(x) ((PSecHandle)(x))->dwLower = ((PSecHandle)(x))->dwUpper = ((ULONG_PTR)((LONG_PTR)-1))
#define SecIsValidHandle(x) \
    ((((PSecHandle)(x))->dwLower != ((ULONG_PTR)((LONG_PTR)-1))) && \
     (((PSecHandle)(x))->dwUpper != ((ULONG_PTR)((LONG_PTR)-1))))

/*
 * ImpersonateSecurityContext - the current thread impersonates the client of phContext
 * (spec 2.19): PsImpersonateClient(current thread, token, CopyOnOpen FALSE, EffectiveOnly
 * FALSE, the token's level) (5-D17). The impersonation rule applies; a downgrade to
 * Identification still returns SEC_E_OK. On failure the thread keeps its previous context.
 * SEC_E_INVALID_HANDLE (NULL/unknown handle), SEC_E_UNSUPPORTED_FUNCTION (package without
 * impersonation), SEC_E_NO_IMPERSONATION (no token yet, or PsImpersonateClient failed),
 * SEC_E_INSUFFICIENT_MEMORY. The thread takes its own reference; the context keeps its own.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY ImpersonateSecurityContext(PCtxtHandle phContext);

/*
 * RevertSecurityContext - PsRevertToSelf on the current thread (spec 2.19): SEC_E_OK even if
 * the thread was impersonating something else or nothing. SEC_E_INVALID_HANDLE,
 * SEC_E_UNSUPPORTED_FUNCTION as above.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY RevertSecurityContext(PCtxtHandle phContext);

/*
 * DeleteSecurityContext - removes the context from the table and releases the context's
 * reference on its token (threads impersonating it keep theirs). The handle is dead from
 * then on. SEC_E_OK or SEC_E_INVALID_HANDLE.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY DeleteSecurityContext(PCtxtHandle phContext);

/*
 * QuerySecurityContextToken - kernel form: *Token receives the context's token (a
 * PACCESS_TOKEN) with a NEW reference the caller releases with ObDereferenceObject.
 * (Windows' user-mode QuerySecurityContextToken returns a HANDLE to the token that the caller
 * closes with CloseHandle; this kernel form hands back the object itself.)
 * SEC_E_OK, SEC_E_INVALID_HANDLE, SEC_E_INVALID_PARAMETER (Token NULL),
 * SEC_E_NO_IMPERSONATION (the context has no token yet). *Token is NULL on failure.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY QuerySecurityContextToken(PCtxtHandle phContext, PVOID *Token);

NTSEC_EXTERN_C_END

#endif /* NTSEC_SSPI_H */
