/*
 * whoami_via.c - `ntsec whoami --via PACKAGE`: the token a server would build for the
 * caller, end to end through SSPI (docs/sspi.md). The process forks: the child is the
 * client (InitializeSecurityContextW with its own credentials), the parent the server
 * (AcceptSecurityContext); their tokens travel over a socketpair, which also reaches the
 * server as the SECBUFFER_NTSEC_SOCKET buffer (what ntsec-local authenticates). Legs repeat
 * until both sides are complete, so multi-leg packages work the same way.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "whoami_via.h"

#define WHO_MAX_TOKEN 65536

static void WhoString(SECURITY_STRING *S, WCHAR *Buffer, size_t Capacity, const char *Text)
{
    size_t n = strlen(Text);
    if (n > Capacity)
        n = Capacity;
    for (size_t i = 0; i < n; i++)
        Buffer[i] = (WCHAR)(unsigned char)Text[i];
    S->Buffer = Buffer;
    S->Length = S->MaximumLength = (USHORT)(n * sizeof(WCHAR));
}

static int WhoSend(int Fd, const void *Data, ULONG Length)
{
    if (write(Fd, &Length, sizeof(Length)) != (ssize_t)sizeof(Length))
        return -1;
    if (Length == 0 || Data == NULL)
        return 0;
    return write(Fd, Data, Length) == (ssize_t)Length ? 0 : -1;
}

static long WhoReceive(int Fd, void *Data, ULONG Capacity)
{
    ULONG length;
    if (read(Fd, &length, sizeof(length)) != (ssize_t)sizeof(length) || length > Capacity)
        return -1;
    size_t done = 0;
    while (done < length) {
        ssize_t n = read(Fd, (char *)Data + done, length - done);
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return (long)length;
}

/* The client side (child process). Exit status: 0 done, 1 an SSPI call failed. */
static int WhoClient(int Fd, const char *Package, const char *Target)
{
    static unsigned char in[WHO_MAX_TOKEN], out[WHO_MAX_TOKEN];
    WCHAR pb[64], tb[256];
    SECURITY_STRING pkg, target;
    WhoString(&pkg, pb, 64, Package);
    WhoString(&target, tb, 256, Target ? Target : "");
    CredHandle cred;
    SECURITY_STATUS st =
        AcquireCredentialsHandleW(NULL, &pkg, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cred, NULL);
    if (st != SEC_E_OK) {
        fprintf(stderr, "ntsec whoami: client AcquireCredentialsHandleW(%s): 0x%08X\n", Package, (unsigned)st);
        WhoSend(Fd, NULL, 0);
        return 1;
    }
    CtxtHandle ctx;
    BOOLEAN first = TRUE;
    long inLength = 0;
    for (int leg = 0; leg < 16; leg++) {
        SecBuffer ib = {(ULONG)inLength, SECBUFFER_TOKEN, in};
        SecBufferDesc id = {SECBUFFER_VERSION, 1, &ib};
        SecBuffer ob = {sizeof(out), SECBUFFER_TOKEN, out};
        SecBufferDesc od = {SECBUFFER_VERSION, 1, &ob};
        ULONG attr;
        st = InitializeSecurityContextW(&cred, first ? NULL : &ctx, Target ? &target : NULL,
                                        ISC_REQ_CONFIDENTIALITY | ISC_REQ_MUTUAL_AUTH, 0, SECURITY_NATIVE_DREP,
                                        first ? NULL : &id, 0, &ctx, &od, &attr, NULL);
        if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
            fprintf(stderr, "ntsec whoami: InitializeSecurityContextW: 0x%08X\n", (unsigned)st);
            if (!first)
                DeleteSecurityContext(&ctx);
            FreeCredentialsHandle(&cred);
            WhoSend(Fd, NULL, 0);
            return 1;
        }
        first = FALSE;
        if (ob.cbBuffer > 0 && WhoSend(Fd, out, ob.cbBuffer) != 0)
            break;
        if (st == SEC_E_OK)
            break;
        inLength = WhoReceive(Fd, in, sizeof(in));
        if (inLength <= 0)
            break;
    }
    DeleteSecurityContext(&ctx);
    FreeCredentialsHandle(&cred);
    return st == SEC_E_OK ? 0 : 1;
}

/* NtsecWhoamiVia - see whoami_via.h. */
NTSTATUS NtsecWhoamiVia(const char *Package, const char *Target, PACCESS_TOKEN *Token, char *Detail, size_t DetailSize)
{
    *Token = NULL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    WCHAR pb[64];
    SECURITY_STRING pkg;
    WhoString(&pkg, pb, 64, Package);
    CredHandle cred;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, &pkg, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &cred, NULL);
    if (st != SEC_E_OK) {
        snprintf(Detail, DetailSize, "server AcquireCredentialsHandleW(%s): 0x%08X%s", Package, (unsigned)st,
                 st == SEC_E_SECPKG_NOT_FOUND ? " (SEC_E_SECPKG_NOT_FOUND: no such package here)" : "");
        close(sv[0]);
        close(sv[1]);
        return STATUS_NO_SUCH_PACKAGE;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        _exit(WhoClient(sv[1], Package, Target));
    }
    close(sv[1]);
    static unsigned char in[WHO_MAX_TOKEN], out[WHO_MAX_TOKEN];
    CtxtHandle ctx;
    BOOLEAN first = TRUE;
    int legs = 0;
    st = SEC_E_INTERNAL_ERROR;
    for (int leg = 0; pid > 0 && leg < 16; leg++) {
        legs = leg + 1;
        long n = WhoReceive(sv[0], in, sizeof(in));
        if (n <= 0) {
            st = SEC_E_INTERNAL_ERROR;
            break;
        }
        int socketFd = sv[0];
        SecBuffer ib[2] = {{(ULONG)n, SECBUFFER_TOKEN, in}, {sizeof(int), SECBUFFER_NTSEC_SOCKET, &socketFd}};
        SecBufferDesc id = {SECBUFFER_VERSION, 2, ib};
        SecBuffer ob = {sizeof(out), SECBUFFER_TOKEN, out};
        SecBufferDesc od = {SECBUFFER_VERSION, 1, &ob};
        ULONG attr;
        st = AcceptSecurityContext(&cred, first ? NULL : &ctx, &id, 0, SECURITY_NATIVE_DREP, &ctx, &od, &attr, NULL);
        if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
            if (!first)
                DeleteSecurityContext(&ctx);
            first = TRUE;
            break;
        }
        first = FALSE;
        if (ob.cbBuffer > 0)
            WhoSend(sv[0], out, ob.cbBuffer);
        if (st == SEC_E_OK)
            break;
    }
    close(sv[0]);
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    FreeCredentialsHandle(&cred);
    if (st != SEC_E_OK) {
        snprintf(Detail, DetailSize, "AcceptSecurityContext: 0x%08X", (unsigned)st);
        return STATUS_LOGON_FAILURE;
    }
    PVOID token = NULL;
    st = QuerySecurityContextToken(&ctx, &token);
    SecPkgContext_PackageInfoW info = {0};
    char name[64] = "?";
    if (QueryContextAttributesW(&ctx, SECPKG_ATTR_PACKAGE_INFO, &info) == SEC_E_OK) {
        size_t i = 0;
        for (; info.PackageInfo->Name[i] && i + 1 < sizeof(name); i++)
            name[i] = (char)info.PackageInfo->Name[i];
        name[i] = 0;
        FreeContextBuffer(info.PackageInfo);
    }
    DeleteSecurityContext(&ctx);
    if (st != SEC_E_OK)
        return STATUS_LOGON_FAILURE;
    *Token = token;
    static const char *const levels[] = {"Anonymous", "Identification", "Impersonation", "Delegation"};
    snprintf(Detail, DetailSize, "package %s, client pid %d, %d accept leg(s), token level %s", name, (int)pid,
             legs, levels[SeTokenImpersonationLevel(token) & 3]);
    return STATUS_SUCCESS;
}
