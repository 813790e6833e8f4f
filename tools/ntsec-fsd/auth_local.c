/*
 * auth_local.c - who a connection is. Unix socket: package ntsec-local authenticates the
 * peer from the kernel's record of its credentials (SO_PEERCRED/SO_PEERGROUPS, nothing the
 * client sends). TCP: the guest token when --guest was given, otherwise nobody (HTTP
 * Negotiate is not implemented yet: such connections get 401). The context is captured
 * once per connection (static tracking) and impersonated for every request on it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "fsd.h"

static PACCESS_TOKEN FsdpGuestToken; /* one reference, held for the process's life */

/* The connection whose client this thread keeps impersonating between requests (FsdKeepClient),
 * or NULL. Every impersonation and revert of the server is in this file and keeps it true:
 * FsdpKept != NULL only while the thread impersonates that connection's client. A worker
 * thread serves many connections (main.c FsdpStart), one request at a time. */
static __thread FSD_CONN *FsdpKept;
static __thread unsigned long long FsdpKeptSerial; /* FsdpKept's Serial: an address reused by a later connection is not it */
static unsigned long long FsdpNextSerial;
/* FsdpKept's client is the guest, and this thread impersonates the guest token itself at
 * Impersonation level (checked once, FsdpImpersonatesGuest): another guest connection then needs
 * no impersonation at all - the thread's security is already exactly what it would get.
 * The guest token lives as long as the process (FsdpGuestToken's reference), so the
 * comparison of Conn->Token with it can never see a recycled address. */
static __thread BOOLEAN FsdpKeptGuest;

static BOOLEAN FsdpKeeps(const FSD_CONN *Conn)
{
    return FsdpKept == Conn && FsdpKeptSerial == Conn->Serial;
}

/* FsdPrepareGuest - parses the guest token text once and keeps one Impersonation-level
 * impersonation token of it (the reference kept; the parsed primary token and the context
 * used to make the copy are released here). Every guest connection's context then shares
 * that one token (NtsecCreateSecurityContextForToken references a token already at the
 * level), so a worker thread going from one guest connection to the next finds the token it
 * already holds and the host backend computes nothing (its token-id fast path). */
NTSTATUS FsdPrepareGuest(PCSTR Text)
{
    PACCESS_TOKEN primary;
    CtxtHandle h;
    NTSTATUS st = NtsecCreateTokenFromText(Text, &primary);
    if (!NT_SUCCESS(st))
        return st;
    st = NtsecCreateSecurityContextForToken(primary, SecurityImpersonation, 0, &h);
    ObDereferenceObject(primary);
    if (!NT_SUCCESS(st))
        return st;
    if (QuerySecurityContextToken(&h, &FsdpGuestToken) != SEC_E_OK) {
        FsdpGuestToken = NULL;
        st = STATUS_NO_TOKEN;
    }
    DeleteSecurityContext(&h);
    return st;
}

/* FsdAuthenticateGuest - a TCP connection that sent no Negotiate token becomes the guest
 * (when --guest is set). TRUE when the connection is authenticated now. */
BOOLEAN FsdAuthenticateGuest(FSD_CONN *Conn)
{
    CtxtHandle h;
    if (FsdpGuestToken == NULL ||
        !NT_SUCCESS(NtsecCreateSecurityContextForToken(FsdpGuestToken, SecurityImpersonation, 0, &h)))
        return FALSE;
    return NT_SUCCESS(FsdAdoptContext(Conn, &h));
}

/* FsdReleaseGuest - releases the guest token's reference (at shutdown). */
VOID FsdReleaseGuest(VOID)
{
    if (FsdpGuestToken != NULL) {
        ObDereferenceObject(FsdpGuestToken);
        FsdpGuestToken = NULL;
    }
}

/*
 * FsdpNameClient - Conn->Identity: the token's user SID as text (NtsecSidToString);
 * Conn->Principal: "DOMAIN\user (SID)" for the log, the name from NtsecSidAccountName
 * ("Unix User\alice", "NT AUTHORITY\SYSTEM"), else for a Negotiate client its Kerberos
 * principal as the context names it (alice@REALM shown as REALM\alice), else "?". Takes no
 * references (the token is borrowed; the name buffers are freed here).
 */
static VOID FsdpNameClient(FSD_CONN *Conn)
{
    PTOKEN_USER user = NULL;
    PSTR sid = NULL, name = NULL;
    ULONG use;
    char principal[160] = "?";
    snprintf(Conn->Identity, sizeof Conn->Identity, "?");
    if (!NT_SUCCESS(SeQueryInformationToken(Conn->Token, TokenUser, (PVOID *)&user)))
        return;
    if (NT_SUCCESS(NtsecSidToString(user->User.Sid, &sid)))
        snprintf(Conn->Identity, sizeof Conn->Identity, "%s", sid);
    if (NT_SUCCESS(NtsecSidAccountName(user->User.Sid, &name, &use))) {
        snprintf(principal, sizeof principal, "%s", name);
    } else if (Conn->Tcp) {
        SecPkgContext_NamesW names = {NULL};
        if (QueryContextAttributesW(&Conn->Context, SECPKG_ATTR_NAMES, &names) == SEC_E_OK && names.sUserName) {
            char n[128];
            size_t i = 0;
            for (; names.sUserName[i] && i < sizeof n - 1; i++)
                n[i] = names.sUserName[i] < 0x80 ? (char)names.sUserName[i] : '?';
            n[i] = 0;
            char *at = strrchr(n, '@');
            if (at != NULL) {
                *at = 0;
                snprintf(principal, sizeof principal, "%s\\%s", at + 1, n);
            } else {
                snprintf(principal, sizeof principal, "%s", n);
            }
        }
        if (names.sUserName)
            FreeContextBuffer(names.sUserName);
    }
    snprintf(Conn->Principal, sizeof Conn->Principal, "%s (%s)", principal, Conn->Identity);
    NtsecFree(name);
    NtsecFree(sid);
    ExFreePool(user);
}

/*
 * FsdAuthenticateConnection - makes Conn's context. On success Conn owns: the ksec context
 * (one token reference), a second token reference (QuerySecurityContextToken) and the
 * subject context captured while impersonating (its own references). All are released by
 * FsdReleaseConnection.
 */
VOID FsdAuthenticateConnection(FSD_CONN *Conn, int Fd, BOOLEAN Tcp)
{
    NTSTATUS st;
    memset(Conn, 0, sizeof *Conn);
    Conn->Serial = __atomic_add_fetch(&FsdpNextSerial, 1, __ATOMIC_RELAXED);
    FsdStopKeeping();   /* authentication runs as the server, not as a client this thread kept */
    Conn->Tcp = Tcp;
    Conn->PeerUid = -1;
    if (!Tcp) {
        struct ucred cred;
        socklen_t len = sizeof cred;
        if (getsockopt(Fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
            Conn->PeerUid = cred.uid;
        st = NtsecAcceptLocalPeer(Fd, SecurityImpersonation, &Conn->Context);
    } else if (FsdNegotiateEnabled()) {
        return;   /* authenticated by the first request's Negotiate token (auth_negotiate.c) */
    } else if (FsdpGuestToken != NULL) {
        st = NtsecCreateSecurityContextForToken(FsdpGuestToken, SecurityImpersonation, 0,
                                                &Conn->Context);
    } else {
        snprintf(Conn->AuthError, sizeof Conn->AuthError, "no credentials: the server has neither --keytab nor --guest");
        return;
    }
    if (!NT_SUCCESS(st)) {
        snprintf(Conn->AuthError, sizeof Conn->AuthError, "accept 0x%08X", (unsigned)st);
        return;
    }
    if (!NT_SUCCESS(FsdAdoptContext(Conn, &Conn->Context)))
        snprintf(Conn->AuthError, sizeof Conn->AuthError, "context not usable");
}

static __thread BOOLEAN FsdpDeclaredExit;

/*
 * FsdAdoptContext - Conn takes over the completed context *Context (deleted here on
 * failure): a token reference (QuerySecurityContextToken) and the subject captured once
 * while impersonating it (static tracking). Released by FsdReleaseConnection.
 */
NTSTATUS FsdAdoptContext(FSD_CONN *Conn, CtxtHandle *Context)
{
    Conn->Context = *Context;
    if (QuerySecurityContextToken(&Conn->Context, &Conn->Token) != SEC_E_OK) {
        DeleteSecurityContext(&Conn->Context);
        return STATUS_NO_TOKEN;
    }
    FsdStopKeeping();   /* a client this thread kept: the server first, as FsdBecomeClient does */
    if (ImpersonateSecurityContext(&Conn->Context) != SEC_E_OK) {
        ObDereferenceObject(Conn->Token);
        DeleteSecurityContext(&Conn->Context);
        return STATUS_BAD_IMPERSONATION_LEVEL;
    }
    SeCaptureSubjectContext(&Conn->Subject);
    RevertSecurityContext(&Conn->Context);
    Conn->SubjectCaptured = TRUE;
    FsdpNameClient(Conn);
    Conn->Authenticated = TRUE;
    return STATUS_SUCCESS;
}

/* FsdReleaseConnection - releases everything FsdAuthenticateConnection took, and a partial
 * Negotiate context the connection still held. */
VOID FsdReleaseConnection(FSD_CONN *Conn)
{
    if (FsdpKeeps(Conn))
        FsdStopKeeping();   /* its client is not kept past it */
    FsdNegotiateConnectionGone(Conn);
    if (!Conn->Authenticated)
        return;
    if (Conn->SubjectCaptured)
        SeReleaseSubjectContext(&Conn->Subject);
    ObDereferenceObject(Conn->Token);
    DeleteSecurityContext(&Conn->Context);
    Conn->Authenticated = FALSE;
}

/* FsdStopKeeping - a thread that kept a client (FsdKeepClient) becomes the server again;
 * nothing otherwise. Dereferences no connection (the kept one may be gone). */
VOID FsdStopKeeping(VOID)
{
    if (FsdpKept == NULL)
        return;
    FsdpKept = NULL;
    FsdpKeptGuest = FALSE;
    PsRevertToSelf();
}

/* FsdBecomeClient - the calling thread impersonates the connection's client (the host
 * backend switches its Linux credentials, verified). No reference is kept by the caller.
 * A thread that keeps Conn's client already (FsdKeepClient) is left as it is.
 * In the benchmark mode --bench-no-impersonation (main.c, refused without FSD_BENCH_ENV)
 * nothing is switched: the thread stays the server, so the Linux layer checks nothing for
 * the client; it exists only to measure what impersonation costs (docs/fsd.md). */
BOOLEAN FsdBecomeClient(FSD_CONN *Conn)
{
    if (FsdConfig.BenchNoImpersonation)
        return Conn->Authenticated;
    if (FsdpKeeps(Conn) && Conn->Authenticated)
        return TRUE;
    if (!Conn->Authenticated) {
        FsdStopKeeping();
        return FALSE;
    }
    /* Another guest connection kept, and this one is the guest too: nothing to change. */
    if (FsdpKept != NULL && FsdpKeptGuest && Conn->Token == FsdpGuestToken) {
        FsdpKept = Conn;
        FsdpKeptSerial = Conn->Serial;
        return TRUE;
    }
    /* Another connection's client kept (a worker thread serves many connections): straight
     * to this one, so that two clients with the same Linux credentials cost no syscall (the
     * host backend skips a switch to what the thread already holds). A failure leaves the
     * previous client in place (ImpersonateSecurityContext): then the server. */
    FsdpKept = NULL;
    FsdpKeptGuest = FALSE;
    if (ImpersonateSecurityContext(&Conn->Context) == SEC_E_OK)
        return TRUE;
    PsRevertToSelf();
    return FALSE;
}

/* FsdBecomeServer - back to the server's own identity (nothing to do in the benchmark mode);
 * this also ends keeping the client. */
VOID FsdBecomeServer(FSD_CONN *Conn)
{
    if (FsdConfig.BenchNoImpersonation)
        return;
    FsdpKept = NULL;
    FsdpKeptGuest = FALSE;
    RevertSecurityContext(&Conn->Context);
}

/* TRUE when the calling thread impersonates the guest token itself (not an Identification
 * copy of it) at Impersonation level. Takes a reference on the thread's token and releases it. */
static BOOLEAN FsdpImpersonatesGuest(VOID)
{
    BOOLEAN copyOnOpen, effectiveOnly;
    SECURITY_IMPERSONATION_LEVEL level;
    PACCESS_TOKEN now = PsReferenceImpersonationToken(PsGetCurrentThread(), &copyOnOpen, &effectiveOnly, &level);
    BOOLEAN same = now != NULL && now == FsdpGuestToken && level == SecurityImpersonation && !effectiveOnly;
    if (now != NULL)
        PsDereferenceImpersonationToken(now);
    return same;
}

/*
 * FsdKeepClient - FsdBecomeClient, and the thread stays the client after the request, for
 * the connection's next request on it (static tracking across keep-alive requests, as the
 * seed's "impersonate once and keep it": no credential switch per request; docs/fsd.md
 * "Keeping the client"). Ended by FsdBecomeServer / FsdStopKeeping (another method, a new
 * connection's authentication, the kept connection's end), replaced by the next GET of
 * another connection on the same worker thread (FsdBecomeClient switches straight to it), or
 * ended by the thread's end: libmicrohttpd ends its worker threads itself at shutdown, so the
 * thread declares NtsecEndImpersonationAtThreadExit once and ntsec's teardown reverts it.
 * FALSE: could not impersonate (the thread is the server).
 */
BOOLEAN FsdKeepClient(FSD_CONN *Conn)
{
    if (!FsdBecomeClient(Conn))
        return FALSE;
    if (FsdConfig.BenchNoImpersonation || FsdpKeeps(Conn))
        return TRUE;
    if (!FsdpDeclaredExit) {
        if (!NT_SUCCESS(NtsecEndImpersonationAtThreadExit())) {
            FsdBecomeServer(Conn);   /* not a thread that may end impersonating: no keeping */
            return FALSE;
        }
        FsdpDeclaredExit = TRUE;
    }
    FsdpKept = Conn;
    FsdpKeptSerial = Conn->Serial;
    FsdpKeptGuest = Conn->Token == FsdpGuestToken && FsdpImpersonatesGuest();
    return TRUE;
}
