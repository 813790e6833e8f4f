/*
 * sspi_helpers.h - SSPI calls the ksec tests share: package-name strings, credentials, one
 * ntsec-local exchange, message protection round trips.
 */
#ifndef NTSEC_SSPI_HELPERS_H
#define NTSEC_SSPI_HELPERS_H

#include <stdio.h>
#include <string.h>
#include "ntsec_test.h"
#include "sspi.h"

/* A SECURITY_STRING over a static UTF-16 copy of ASCII Text (up to 63 characters). */
typedef struct {
    WCHAR Buffer[64];
    SECURITY_STRING String;
} KS_WSTR;

static inline PSECURITY_STRING KsStr(KS_WSTR *W, const char *Text)
{
    size_t n = strlen(Text);
    for (size_t i = 0; i < n && i < 63; i++)
        W->Buffer[i] = (WCHAR)(unsigned char)Text[i];
    W->String.Buffer = W->Buffer;
    W->String.Length = (USHORT)(n * sizeof(WCHAR));
    W->String.MaximumLength = (USHORT)sizeof(W->Buffer);
    return &W->String;
}

/* UTF-16 (ASCII range) to a char buffer, for assertions. */
static inline const char *KsNarrow(const WCHAR *Wide, char *Out, size_t Size)
{
    size_t i = 0;
    for (; Wide != NULL && Wide[i] != 0 && i + 1 < Size; i++)
        Out[i] = (char)Wide[i];
    Out[i] = 0;
    return Out;
}

static inline CredHandle KsAcquire(const char *Package, ULONG Use)
{
    KS_WSTR w;
    CredHandle h;
    TimeStamp expiry;
    assert_int_equal(AcquireCredentialsHandleW(NULL, KsStr(&w, Package), Use, NULL, NULL, NULL, NULL, &h, &expiry),
                     SEC_E_OK);
    return h;
}

/* Client leg of ntsec-local: the 80-byte request into Token. Returns the ISC status. */
static inline SECURITY_STATUS KsInitialize(PCredHandle Cred, ULONG Req, PSecBufferDesc ExtraInput, PCtxtHandle Ctx,
                                           unsigned char *Token, ULONG *TokenLength, ULONG *Attr)
{
    SecBuffer out = {*TokenLength, SECBUFFER_TOKEN, Token};
    SecBufferDesc outDesc = {SECBUFFER_VERSION, 1, &out};
    TimeStamp expiry;
    KS_WSTR w;
    SECURITY_STATUS st = InitializeSecurityContextW(Cred, NULL, KsStr(&w, "ntsec-test-server"), Req, 0,
                                                    SECURITY_NATIVE_DREP, ExtraInput, 0, Ctx, &outDesc, Attr,
                                                    &expiry);
    *TokenLength = out.cbBuffer;
    return st;
}

/* Server leg: the request and the socket it came on. */
static inline SECURITY_STATUS KsAccept(PCredHandle Cred, int Socket, const unsigned char *Token, ULONG TokenLength,
                                       ULONG Req, PCtxtHandle Ctx, ULONG *Attr)
{
    SecBuffer in[2] = {{TokenLength, SECBUFFER_TOKEN, (PVOID)Token}, {sizeof(int), SECBUFFER_NTSEC_SOCKET, &Socket}};
    SecBufferDesc inDesc = {SECBUFFER_VERSION, 2, in};
    SecBuffer out = {0, SECBUFFER_TOKEN, NULL};
    SecBufferDesc outDesc = {SECBUFFER_VERSION, 1, &out};
    TimeStamp expiry;
    return AcceptSecurityContext(Cred, NULL, &inDesc, Req, SECURITY_NATIVE_DREP, Ctx, &outDesc, Attr, &expiry);
}

/* A sealed (or signed) message: Data in place, 28-byte Trailer. */
static inline SECURITY_STATUS KsProtect(PCtxtHandle Ctx, BOOLEAN Seal, void *Data, ULONG Length,
                                        unsigned char Trailer[28])
{
    SecBuffer b[2] = {{28, SECBUFFER_TOKEN, Trailer}, {Length, SECBUFFER_DATA, Data}};
    SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
    return Seal ? EncryptMessage(Ctx, 0, &d, 0) : MakeSignature(Ctx, 0, &d, 0);
}

static inline SECURITY_STATUS KsUnprotect(PCtxtHandle Ctx, BOOLEAN Seal, void *Data, ULONG Length,
                                          unsigned char Trailer[28])
{
    SecBuffer b[2] = {{28, SECBUFFER_TOKEN, Trailer}, {Length, SECBUFFER_DATA, Data}};
    SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
    ULONG qop = 7;
    SECURITY_STATUS st = Seal ? DecryptMessage(Ctx, &d, 0, &qop) : VerifySignature(Ctx, &d, 0, &qop);
    tr_check_int_equal(qop, 0);
    return st;
}

#endif

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Frames on the test connection: a 4-byte length, then that many bytes. */
static inline int KsSendFrame(int Fd, const void *Data, ULONG Length)
{
    if (write(Fd, &Length, 4) != 4)
        return -1;
    return write(Fd, Data, Length) == (ssize_t)Length ? 0 : -1;
}

static inline int KsReadFull(int Fd, void *Data, size_t Length)
{
    size_t done = 0;
    while (done < Length) {
        ssize_t n = read(Fd, (char *)Data + done, Length - done);
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/* Reads one frame into Data (Capacity bytes); returns its length, or -1 at EOF/overflow. */
static inline long KsReadFrame(int Fd, void *Data, ULONG Capacity)
{
    ULONG length;
    if (KsReadFull(Fd, &length, 4) != 0 || length > Capacity)
        return -1;
    return KsReadFull(Fd, Data, length) == 0 ? (long)length : -1;
}

/*
 * The client process of the cross-process tests: takes the identity (Uid != -1: root only;
 * raw syscalls), connects to the abstract address, authenticates with ntsec-local (IscReq)
 * through the library, sends the request as a frame, then answers each sealed frame
 * (trailer + data) with a sealed "echo:" + data until the server closes. Exit status 0 when
 * everything worked, else the step that failed.
 */
static inline int KsLocalClientMain(const struct sockaddr_un *Address, socklen_t AddressLength, uid_t Uid, gid_t Gid,
                                    const gid_t *Groups, int GroupCount, ULONG IscReq)
{
    if (Uid != (uid_t)-1) {
        if (syscall(SYS_setgroups, GroupCount, Groups) != 0)
            return 10;
        if (syscall(SYS_setresgid, Gid, Gid, Gid) != 0)
            return 11;
        if (syscall(SYS_setresuid, Uid, Uid, Uid) != 0)
            return 12;
    }
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (const struct sockaddr *)Address, AddressLength) != 0)
        return 13;
    KS_WSTR w;
    CredHandle cred;
    if (AcquireCredentialsHandleW(NULL, KsStr(&w, "ntsec-local"), SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cred,
                                  NULL) != SEC_E_OK)
        return 14;
    unsigned char token[80];
    SecBuffer out = {sizeof(token), SECBUFFER_TOKEN, token};
    SecBufferDesc outDesc = {SECBUFFER_VERSION, 1, &out};
    CtxtHandle ctx;
    ULONG attr;
    if (InitializeSecurityContextW(&cred, NULL, NULL, IscReq, 0, 0, NULL, 0, &ctx, &outDesc, &attr, NULL) != SEC_E_OK)
        return 15;
    if (KsSendFrame(c, token, out.cbBuffer) != 0)
        return 16;
    unsigned char frame[4096];
    long n;
    while ((n = KsReadFrame(c, frame, sizeof(frame) - 8)) >= 0) {
        if (n < 28)
            return 17;
        SecBuffer b[2] = {{28, SECBUFFER_TOKEN, frame}, {(ULONG)(n - 28), SECBUFFER_DATA, frame + 28}};
        SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
        if (DecryptMessage(&ctx, &d, 0, NULL) != SEC_E_OK)
            return 18;
        unsigned char reply[4096];
        memcpy(reply + 28, "echo:", 5);
        memcpy(reply + 33, frame + 28, (size_t)(n - 28));
        SecBuffer r[2] = {{28, SECBUFFER_TOKEN, reply}, {(ULONG)(n - 28 + 5), SECBUFFER_DATA, reply + 28}};
        SecBufferDesc rd = {SECBUFFER_VERSION, 2, r};
        if (EncryptMessage(&ctx, 0, &rd, 0) != SEC_E_OK)
            return 19;
        if (KsSendFrame(c, reply, (ULONG)(n + 5)) != 0)
            return 20;
    }
    if (DeleteSecurityContext(&ctx) != SEC_E_OK || FreeCredentialsHandle(&cred) != SEC_E_OK)
        return 21;
    return 0;
}

typedef struct {
    pid_t Pid;
    int Connection;
    CredHandle Cred;
    CtxtHandle Server;
    ULONG Attr;
} KS_REMOTE;

/* Forks the client above (on abstract address "ntsec-ksec-<Tag>-<pid>"), accepts its
 * connection and its request with AcceptSecurityContext (AscReq). Fails the test on error. */
static inline void KsStartRemoteClient(const char *Tag, uid_t Uid, gid_t Gid, const gid_t *Groups, int GroupCount,
                                       ULONG IscReq, ULONG AscReq, KS_REMOTE *R)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    int len = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "ntsec-ksec-%s-%d", Tag, (int)getpid());
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(listener >= 0);
    assert_int_equal(bind(listener, (struct sockaddr *)&a, alen), 0);
    assert_int_equal(listen(listener, 4), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(KsLocalClientMain(&a, alen, Uid, Gid, Groups, GroupCount, IscReq));
    R->Pid = pid;
    R->Connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    assert_true(R->Connection >= 0);
    close(listener);
    unsigned char token[128];
    long n = KsReadFrame(R->Connection, token, sizeof(token));
    assert_int_equal(n, 80);
    R->Cred = KsAcquire("ntsec-local", SECPKG_CRED_INBOUND);
    assert_int_equal(KsAccept(&R->Cred, R->Connection, token, (ULONG)n, AscReq, &R->Server, &R->Attr), SEC_E_OK);
}

/* Seals Text to the client and checks its sealed "echo:" + Text. */
static inline void KsRemoteEcho(KS_REMOTE *R, const char *Text)
{
    unsigned char frame[4096];
    ULONG n = (ULONG)strlen(Text);
    memcpy(frame + 28, Text, n);
    assert_int_equal(KsProtect(&R->Server, TRUE, frame + 28, n, frame), SEC_E_OK);
    assert_int_equal(KsSendFrame(R->Connection, frame, 28 + n), 0);
    long got = KsReadFrame(R->Connection, frame, sizeof(frame));
    assert_int_equal(got, 28 + 5 + n);
    assert_int_equal(KsUnprotect(&R->Server, TRUE, frame + 28, (ULONG)(got - 28), frame), SEC_E_OK);
    assert_memory_equal(frame + 28, "echo:", 5);
    assert_memory_equal(frame + 33, Text, n);
}

/* Closes the connection, checks the client's exit status; the server context stays. */
static inline void KsStopRemoteClient(KS_REMOTE *R)
{
    int status = 0;
    close(R->Connection);
    assert_int_equal(waitpid(R->Pid, &status, 0), R->Pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}
