/*
 * client.c - client security contexts (spec 1.7, 2.14-2.18): capture a client's identity
 * for later impersonation by a server thread, impersonate it, stop, delete.
 *
 * A successfully created SECURITY_CLIENT_CONTEXT owns exactly one reference on ClientToken:
 * a reference on the client's live effective token (dynamic tracking, local server), or the
 * sole reference on a private impersonation copy (static tracking, or a remote server).
 * A failed create leaves ClientToken NULL and owns nothing.
 */
#include <string.h>
#include "ntsec.h"
#include "ps/psp.h"
#include "se/sep.h"
#include "verifier/vf.h"

/*
 * SepCreateClientSecurity - the part of spec 2.14 shared by both creators (steps 4-8).
 *
 * Token is the client's effective token; TokenType says whether the client was
 * impersonating (TokenImpersonation, with ThreadEffectiveOnly/ThreadLevel from the thread
 * or subject context) or running on its primary token (TokenPrimary).
 *
 * References: CONSUMES the caller's reference on Token in every case: on the dynamic local
 * path it becomes the context's reference, otherwise it is released after copying or on
 * failure. On success ClientContext owns one reference on ClientContext->ClientToken; on
 * failure ClientContext->ClientToken is NULL and it owns nothing.
 */
static NTSTATUS SepCreateClientSecurity(PTOKEN Token, TOKEN_TYPE TokenType,
                                        BOOLEAN ThreadEffectiveOnly,
                                        SECURITY_IMPERSONATION_LEVEL ThreadLevel,
                                        PSECURITY_QUALITY_OF_SERVICE Qos, BOOLEAN ServerIsRemote,
                                        PSECURITY_CLIENT_CONTEXT ClientContext)
{
    SECURITY_CLIENT_CONTEXT result;
    memset(&result, 0, sizeof result);

    if (TokenType == TokenPrimary) {
        /* Step 4: a client on its own primary token may be captured at any level, even for
         * a remote server; failures are documented only for impersonating clients. */
        result.DirectAccessEffectiveOnly = Qos->EffectiveOnly;
    } else {
        /* Step 5: an impersonating client can pass on only what it was given. */
        if (Qos->ImpersonationLevel > ThreadLevel ||          /* 5a */
            ThreadLevel <= SecurityIdentification ||          /* 5b: cannot be passed on */
            (ServerIsRemote && ThreadLevel != SecurityDelegation)) { /* 5c */
            ObDereferenceObject(Token);
            return STATUS_BAD_IMPERSONATION_LEVEL;
        }
        result.DirectAccessEffectiveOnly = (ThreadEffectiveOnly || Qos->EffectiveOnly); /* 5d */
    }

    /* Step 7 (read before copying: it describes the client's own token). Read under the
     * shared lock so TokenId/ModifiedId/source form one consistent snapshot. */
    if (ServerIsRemote) {
        SepAcquireTokenLockShared(Token);
        result.ClientTokenControl.TokenId = Token->TokenId;
        result.ClientTokenControl.AuthenticationId = Token->AuthenticationId;
        result.ClientTokenControl.ModifiedId = Token->ModifiedId;
        result.ClientTokenControl.TokenSource = Token->TokenSource;
        SepReleaseTokenLock(Token);
    }

    /* Step 6: reference only when dynamic AND local (WDK); otherwise a private copy at the
     * QoS level (spec 5-D2: remote+dynamic copies too, unlike ReactOS). */
    if (Qos->ContextTrackingMode != SECURITY_STATIC_TRACKING && !ServerIsRemote) {
        result.DirectlyAccessClientToken = TRUE;
        result.ClientToken = Token; /* the caller's reference moves into the context */
    } else {
        PTOKEN copy = NULL;
        NTSTATUS status =
            SepCopyClientToken(Token, Qos->ImpersonationLevel, "token (SeCreateClientSecurity)",
                               &copy);
        ObDereferenceObject(Token);
        if (!NT_SUCCESS(status))
            return status;
        result.DirectlyAccessClientToken = FALSE;
        result.ClientToken = copy;
    }

    /* Step 8 */
    result.SecurityQos.Length = sizeof(SECURITY_QUALITY_OF_SERVICE);
    result.SecurityQos.ImpersonationLevel = Qos->ImpersonationLevel;
    result.SecurityQos.ContextTrackingMode = Qos->ContextTrackingMode;
    result.SecurityQos.EffectiveOnly = Qos->EffectiveOnly;
    result.ServerIsRemote = ServerIsRemote;
    *ClientContext = result;
    VfClientContextCreated(ClientContext);
    return STATUS_SUCCESS;
}

/* Step 1 and 2 of spec 2.14 (shared). Zeroes ClientToken first so that a failed create is
 * recognisable (spec 1.7, our choice). */
static NTSTATUS SepValidateClientSecurityArgs(PSECURITY_QUALITY_OF_SERVICE Qos,
                                              PSECURITY_CLIENT_CONTEXT ClientContext)
{
    if (ClientContext == NULL)
        return STATUS_INVALID_PARAMETER;
    VfClientContextCreating(ClientContext);
    ClientContext->ClientToken = NULL;
    if (Qos == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!VALID_IMPERSONATION_LEVEL(Qos->ImpersonationLevel))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/*
 * SeCreateClientSecurity - captures ClientThread's effective token into ClientContext.
 *
 * References: on success ClientContext owns one reference on ClientContext->ClientToken
 * (released by SeDeleteClientSecurity); the client thread's own references are unchanged.
 * On failure ClientContext->ClientToken is NULL and nothing is owned.
 *
 * @remarks spec 2.14. The effective token is the thread's impersonation token if it is
 * actively impersonating, else its process's primary token (a thread whose impersonation is
 * disabled counts as not impersonating). A client that impersonates at Anonymous or
 * Identification level - including a thread that was silently downgraded by
 * PsImpersonateClient - cannot be passed on: STATUS_BAD_IMPERSONATION_LEVEL, as is a QoS
 * level above the thread's and a remote server without Delegation. Dynamic tracking with a
 * local server references the live token (later changes to that token object are seen);
 * otherwise the context holds a private impersonation copy at the QoS level. For a remote
 * server ClientTokenControl describes the client's token. Returns STATUS_SUCCESS,
 * STATUS_INVALID_PARAMETER (NULL pointers, invalid level), STATUS_OBJECT_TYPE_MISMATCH
 * (ClientThread is not a thread, 5-D24), STATUS_BAD_IMPERSONATION_LEVEL, STATUS_NO_MEMORY.
 */
NTSTATUS SeCreateClientSecurity(PETHREAD ClientThread, PSECURITY_QUALITY_OF_SERVICE ClientSecurityQos,
                                BOOLEAN RemoteSession, PSECURITY_CLIENT_CONTEXT ClientContext)
{
    NTSTATUS status = SepValidateClientSecurityArgs(ClientSecurityQos, ClientContext);
    if (!NT_SUCCESS(status))
        return status;
    if (ClientThread == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!ObpCheckType(ClientThread, &ObpThreadType, "SeCreateClientSecurity"))
        return STATUS_OBJECT_TYPE_MISMATCH;

    /* Step 3 */
    TOKEN_TYPE type = TokenPrimary;
    BOOLEAN threadEffectiveOnly = FALSE;
    SECURITY_IMPERSONATION_LEVEL threadLevel = SecurityAnonymous;
    PACCESS_TOKEN token =
        PsReferenceEffectiveToken(ClientThread, &type, &threadEffectiveOnly, &threadLevel);
    if (token == NULL)
        return STATUS_UNSUCCESSFUL; /* process without a primary token (spec 4: cannot happen) */
    return SepCreateClientSecurity((PTOKEN)token, type, threadEffectiveOnly, threadLevel,
                                   ClientSecurityQos, RemoteSession, ClientContext);
}

/*
 * SeCreateClientSecurityFromSubjectContext - as SeCreateClientSecurity, from a captured
 * subject context instead of a live thread.
 *
 * References: takes its own reference on the subject context's effective token (the
 * context's references are not consumed); ownership on success/failure as
 * SeCreateClientSecurity.
 *
 * @remarks spec 2.15: the token is SeQuerySubjectContextToken(SubjectContext); the client
 * counts as impersonating iff SubjectContext->ClientToken is non-NULL, at the context's
 * level, with EffectiveOnly FALSE (a subject context carries none). Works while the subject
 * context is locked: the copy re-takes the token lock shared (WinFsp does exactly this).
 * A context whose tokens are missing (a failed capture) gives STATUS_INVALID_PARAMETER; a
 * token field that holds another kind of object gives STATUS_OBJECT_TYPE_MISMATCH.
 */
NTSTATUS SeCreateClientSecurityFromSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext,
                                                  PSECURITY_QUALITY_OF_SERVICE ClientSecurityQos,
                                                  BOOLEAN ServerIsRemote,
                                                  PSECURITY_CLIENT_CONTEXT ClientContext)
{
    NTSTATUS status = SepValidateClientSecurityArgs(ClientSecurityQos, ClientContext);
    if (!NT_SUCCESS(status))
        return status;
    if (SubjectContext == NULL)
        return STATUS_INVALID_PARAMETER;
    PACCESS_TOKEN token = SeQuerySubjectContextToken(SubjectContext);
    if (token == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(token, "SeCreateClientSecurityFromSubjectContext"))
        return STATUS_OBJECT_TYPE_MISMATCH;

    ObReferenceObject(token);
    BOOLEAN impersonating = SubjectContext->ClientToken != NULL;
    return SepCreateClientSecurity((PTOKEN)token, impersonating ? TokenImpersonation : TokenPrimary,
                                   FALSE, SubjectContext->ImpersonationLevel, ClientSecurityQos,
                                   ServerIsRemote, ClientContext);
}

/*
 * SeImpersonateClientEx - makes ServerThread (NULL: the current thread) impersonate the
 * client described by ClientContext.
 *
 * References: the thread takes its own reference (or the sole reference on a downgraded
 * copy) through PsImpersonateClient; the context keeps its reference and is not modified.
 *
 * @remarks spec 2.16: PsImpersonateClient(ServerThread, ClientToken, CopyOnOpen TRUE,
 * EffectiveOnly, SecurityQos.ImpersonationLevel), where EffectiveOnly is the context's
 * DirectAccessEffectiveOnly for a directly referenced token and SecurityQos.EffectiveOnly
 * for a copy. The permission rule (spec 3.2) is evaluated against ServerThread's process,
 * so a server without SeImpersonatePrivilege is silently downgraded to Identification
 * (STATUS_SUCCESS). Status of PsImpersonateClient is returned (STATUS_NO_MEMORY,
 * STATUS_ACCESS_DENIED for job limits). A context without a token (a failed create or one
 * already deleted) gives STATUS_INVALID_PARAMETER and changes nothing - it must never act
 * as "impersonate NULL", which would silently revert the thread. Wrong object types give
 * STATUS_OBJECT_TYPE_MISMATCH (5-D24).
 */
NTSTATUS SeImpersonateClientEx(PSECURITY_CLIENT_CONTEXT ClientContext, PETHREAD ServerThread)
{
    if (ClientContext == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!VfClientContextUsable(ClientContext, "SeImpersonateClientEx"))
        return STATUS_INVALID_PARAMETER;
    PACCESS_TOKEN token = ClientContext->ClientToken;
    if (token == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(token, "SeImpersonateClientEx"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (ServerThread == NULL)
        ServerThread = PsGetCurrentThread();
    else if (!ObpCheckType(ServerThread, &ObpThreadType, "SeImpersonateClientEx"))
        return STATUS_OBJECT_TYPE_MISMATCH;

    BOOLEAN effectiveOnly = ClientContext->DirectlyAccessClientToken
                                ? ClientContext->DirectAccessEffectiveOnly
                                : ClientContext->SecurityQos.EffectiveOnly;
    return PsImpersonateClient(ServerThread, token, TRUE, effectiveOnly,
                               ClientContext->SecurityQos.ImpersonationLevel);
}

/*
 * SeImpersonateClient - the obsolete form of SeImpersonateClientEx: same effect, status
 * discarded (spec 2.16). References as SeImpersonateClientEx.
 */
VOID SeImpersonateClient(PSECURITY_CLIENT_CONTEXT ClientContext, PETHREAD ServerThread)
{
    (VOID)SeImpersonateClientEx(ClientContext, ServerThread);
}

/*
 * SeStopImpersonatingClient - PsRevertToSelf on the current thread (spec 2.17): releases
 * the thread's reference on its impersonation token; does not restore an earlier
 * impersonation and does not touch any client context.
 */
VOID SeStopImpersonatingClient(VOID)
{
    PsRevertToSelf();
}

/*
 * SeDeleteClientSecurity - releases the one reference ClientContext owns on ClientToken
 * and sets ClientToken to NULL (spec 2.18).
 *
 * @remarks Safe whether or not a thread still impersonates the token (the thread has its
 * own reference). A NULL ClientToken (failed create, second delete) is a no-op (our choice,
 * 5-D23). A ClientToken that is not a token object is reported and left alone: releasing a
 * reference on an unknown object would corrupt it.
 */
VOID SeDeleteClientSecurity(PSECURITY_CLIENT_CONTEXT ClientContext)
{
    if (ClientContext == NULL)
        return;
    if (!VfClientContextDeleting(ClientContext))
        return;
    PACCESS_TOKEN token = ClientContext->ClientToken;
    if (token == NULL)
        return;
    if (!SepIsToken(token, "SeDeleteClientSecurity"))
        return;
    ClientContext->ClientToken = NULL;
    if (((PTOKEN)token)->TokenType == TokenPrimary)
        PsDereferencePrimaryToken(token);
    else
        PsDereferenceImpersonationToken(token);
}
