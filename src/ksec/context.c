/*
 * context.c - credential and context objects of the ksecdd layer, DeleteSecurityContext,
 * QuerySecurityContextToken (spec 2.19 "Model"; docs/sspi.md). Handles: handles.c.
 */
#include <string.h>
#include <time.h>
#include "ksec/ksecframe.h"
#include "ex/pooltags.h"

TimeStamp KsecpNow(VOID)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    TimeStamp t = KsecTimeStampFromUnix(ts.tv_sec);
    t.QuadPart += ts.tv_nsec / 100;
    return t;
}

/* Zeroes a new object of Size bytes whose first member is Header, and sets the header: Kind,
 * Destroy and one reference, the caller's. */
static VOID KsecpInitObject(PKSEC_OBJECT Header, SIZE_T Size, ULONG Kind, VOID (*Destroy)(PKSEC_OBJECT Object))
{
    memset(Header, 0, Size);
    atomic_init(&Header->RefCount, 1);
    Header->Kind = Kind;
    Header->Destroy = Destroy;
}

/* Destroy of a context: the package's state, the token's and the credential's references
 * are released (no lock held: the last reference is gone). */
static VOID KsecpDestroyContext(PKSEC_OBJECT Object)
{
    PKSEC_CONTEXT context = (PKSEC_CONTEXT)Object;
    if (context->PackageContext != NULL && context->Package->DeleteContext != NULL)
        context->Package->DeleteContext(context->PackageContext);
    if (context->Token != NULL)
        ObDereferenceObject(context->Token);
    if (context->Credential != NULL)
        KsecDereferenceObject(&context->Credential->Header);
    pthread_mutex_destroy(&context->OpLock);
    pthread_mutex_destroy(&context->StateLock);
    ExFreePoolWithTag(context, KSECP_CONTEXT_TAG);
}

/* KsecpCreateContext - see ksecframe.h. */
PKSEC_CONTEXT KsecpCreateContext(const KSEC_PACKAGE *Package, PKSEC_CREDENTIAL Credential, BOOLEAN Server)
{
    PKSEC_CONTEXT context = ExAllocatePoolWithTag(PagedPool, sizeof(*context), KSECP_CONTEXT_TAG);
    if (context == NULL)
        return NULL;
    KsecpInitObject(&context->Header, sizeof(*context), KSEC_KIND_CONTEXT, KsecpDestroyContext);
    context->Package = Package;
    context->Server = Server;
    pthread_mutex_init(&context->OpLock, NULL);
    pthread_mutex_init(&context->StateLock, NULL);
    context->Start = KsecpNow();
    context->Expiry.QuadPart = KSEC_TIME_FOREVER;
    if (Credential != NULL) {
        KsecReferenceObject(&Credential->Header);
        context->Credential = Credential;
    }
    return context;
}

static VOID KsecpDestroyCredential(PKSEC_OBJECT Object)
{
    PKSEC_CREDENTIAL credential = (PKSEC_CREDENTIAL)Object;
    if (credential->PackageCredential != NULL && credential->Package->FreeCredentials != NULL)
        credential->Package->FreeCredentials(credential->PackageCredential);
    ExFreePoolWithTag(credential, KSECP_CRED_TAG);
}

/* KsecpCreateCredential - see ksecframe.h. */
PKSEC_CREDENTIAL KsecpCreateCredential(const KSEC_PACKAGE *Package, ULONG Use, PVOID PackageCredential,
                                       TimeStamp Expiry)
{
    PKSEC_CREDENTIAL credential = ExAllocatePoolWithTag(PagedPool, sizeof(*credential), KSECP_CRED_TAG);
    if (credential == NULL)
        return NULL;
    KsecpInitObject(&credential->Header, sizeof(*credential), KSEC_KIND_CREDENTIAL, KsecpDestroyCredential);
    credential->Package = Package;
    credential->Use = Use;
    credential->PackageCredential = PackageCredential;
    credential->Expiry = Expiry;
    return credential;
}

PKSEC_CONTEXT KsecpReferenceContextObject(PCtxtHandle Handle)
{
    return (PKSEC_CONTEXT)KsecReferenceHandle(Handle, KSEC_KIND_CONTEXT);
}

PKSEC_CREDENTIAL KsecpReferenceCredentialObject(PCredHandle Handle)
{
    return (PKSEC_CREDENTIAL)KsecReferenceHandle(Handle, KSEC_KIND_CREDENTIAL);
}

/* KsecInsertContext - see ksecp.h: consumes the caller's reference on Token either way. */
NTSTATUS KsecInsertContext(const KSEC_PACKAGE *Package, PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                           PCtxtHandle Handle)
{
    PKSEC_CONTEXT context = KsecpCreateContext(Package, NULL, TRUE);
    if (context == NULL) {
        memset(Handle, 0, sizeof(*Handle));
        if (Token != NULL)
            ObDereferenceObject(Token);
        return STATUS_NO_MEMORY;
    }
    context->Token = Token; /* the context owns the reference from here on */
    context->Level = Level;
    context->Complete = TRUE;
    NTSTATUS status = KsecInsertHandle(&context->Header, Handle);
    if (!NT_SUCCESS(status))
        KsecDereferenceObject(&context->Header); /* releases Token too */
    return status;
}

/* KsecInsertCompletedContext - see ksecp.h. */
NTSTATUS KsecInsertCompletedContext(const KSEC_PACKAGE *Package, PVOID PackageContext, PTOKEN Token,
                                    SECURITY_IMPERSONATION_LEVEL Level, ULONG ContextAttr, PCtxtHandle Handle)
{
    PKSEC_CONTEXT context = KsecpCreateContext(Package, NULL, TRUE);
    if (context == NULL) {
        memset(Handle, 0, sizeof(*Handle));
        if (PackageContext != NULL && Package->DeleteContext != NULL)
            Package->DeleteContext(PackageContext);
        if (Token != NULL)
            ObDereferenceObject(Token);
        return STATUS_NO_MEMORY;
    }
    context->PackageContext = PackageContext;
    context->Token = Token;
    context->Level = Level;
    context->ContextAttr = ContextAttr;
    context->Complete = TRUE;
    NTSTATUS status = KsecInsertHandle(&context->Header, Handle);
    if (!NT_SUCCESS(status))
        KsecDereferenceObject(&context->Header); /* releases both */
    return status;
}

/* KsecReferenceContext - see ksecp.h. The token reference is taken under the state lock,
 * which only makes the count go up. */
BOOLEAN KsecReferenceContext(PCtxtHandle Handle, PKSEC_CONTEXT_VIEW View)
{
    memset(View, 0, sizeof(*View));
    PKSEC_CONTEXT context = KsecpReferenceContextObject(Handle);
    if (context == NULL)
        return FALSE;
    View->Package = context->Package;
    pthread_mutex_lock(&context->StateLock);
    View->Level = context->Level;
    View->Token = context->Token;
    if (View->Token != NULL)
        ObReferenceObject(View->Token);
    pthread_mutex_unlock(&context->StateLock);
    KsecDereferenceObject(&context->Header);
    return TRUE;
}

/*
 * DeleteSecurityContext - see sspi.h. Ends the handle and releases the table's reference on
 * the context; the last reference (here, or at the end of a concurrent call) releases the
 * context's token reference and the package's state. Threads impersonating the context keep
 * their own token reference.
 */
SECURITY_STATUS SEC_ENTRY DeleteSecurityContext(PCtxtHandle phContext)
{
    return KsecRemoveHandle(phContext, KSEC_KIND_CONTEXT) ? SEC_E_OK : SEC_E_INVALID_HANDLE;
}

/*
 * QuerySecurityContextToken - see sspi.h: *Token receives a new reference on the context's
 * token that the caller releases with ObDereferenceObject; the context keeps its own.
 */
SECURITY_STATUS SEC_ENTRY QuerySecurityContextToken(PCtxtHandle phContext, PVOID *Token)
{
    if (Token != NULL)
        *Token = NULL;
    KSEC_CONTEXT_VIEW view;
    if (!KsecReferenceContext(phContext, &view))
        return SEC_E_INVALID_HANDLE;
    if (Token == NULL) {
        if (view.Token != NULL)
            ObDereferenceObject(view.Token);
        return SEC_E_INVALID_PARAMETER;
    }
    if (view.Token == NULL)
        return SEC_E_NO_IMPERSONATION;
    *Token = view.Token; /* the reference taken by KsecReferenceContext passes to the caller */
    return SEC_E_OK;
}

/* NtsecSecurityContextPackage - see ntsec.h. Takes and releases a token reference. */
PCSTR NtsecSecurityContextPackage(struct _SecHandle *Context)
{
    KSEC_CONTEXT_VIEW view;
    if (!KsecReferenceContext(Context, &view))
        return NULL;
    if (view.Token != NULL)
        ObDereferenceObject(view.Token);
    return view.Package->Name;
}

ULONG NtsecSecurityContextCount(VOID)
{
    return KsecHandleCount(KSEC_KIND_CONTEXT);
}

ULONG NtsecCredentialsHandleCount(VOID)
{
    return KsecHandleCount(KSEC_KIND_CREDENTIAL);
}
