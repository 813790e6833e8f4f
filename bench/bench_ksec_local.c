/*
 * bench_ksec_local.c - the ntsec-local package (docs/sspi.md), in one run:
 *   - AcceptSecurityContext of one client request on a socketpair (parse the message, read
 *     SO_PEERCRED / SO_PEERGROUPS / SO_PEERPIDFD, build the token, make the context) +
 *     DeleteSecurityContext; goal <= 20 us, >= 50,000 accepts/s on one core
 *     baseline: the three getsockopt calls and the pidfd close alone (the kernel's part)
 *   - InitializeSecurityContextW + DeleteSecurityContext (the client's leg)
 *   - EncryptMessage + DecryptMessage of 64 and 4096 bytes (AES-256-GCM, libcrypto)
 *   - memory per live server context (heap, from mallinfo2, over 1000 live contexts) and
 *     one pidfd per context.
 * Every row in alternating bursts against the kernel's part (bench/harness.c BenchAlternate).
 * Run: build/bench_ksec_local   (NTSEC_BENCH_SECONDS per burst, default 0.3; NTSEC_BENCH_ROUNDS)
 * --once accept|init|seal64|seal4k|facts N: only N of one operation, for callgrind
 * (bench/report.sh: instructions per operation).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "harness.h"
#include "ntsec.h"
#include "sspi.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

typedef struct {
    int Sv[2];
    CredHandle ClientCred, ServerCred;
    unsigned char Token[80];
    ULONG TokenLength;
    CtxtHandle Client, Server;
} BENCH_LOCAL;

static SECURITY_STRING *LocalName(void)
{
    static WCHAR name[] = {'n', 't', 's', 'e', 'c', '-', 'l', 'o', 'c', 'a', 'l'};
    static SECURITY_STRING s = {sizeof(name), sizeof(name), name};
    return &s;
}

static SECURITY_STATUS Initialize(BENCH_LOCAL *B, PCtxtHandle Ctx)
{
    SecBuffer out = {sizeof(B->Token), SECBUFFER_TOKEN, B->Token};
    SecBufferDesc od = {SECBUFFER_VERSION, 1, &out};
    ULONG attr;
    SECURITY_STATUS st = InitializeSecurityContextW(&B->ClientCred, NULL, NULL, 0, 0, 0, NULL, 0, Ctx, &od, &attr, NULL);
    B->TokenLength = out.cbBuffer;
    return st;
}

static SECURITY_STATUS Accept(BENCH_LOCAL *B, PCtxtHandle Ctx)
{
    SecBuffer in[2] = {{B->TokenLength, SECBUFFER_TOKEN, B->Token}, {sizeof(int), SECBUFFER_NTSEC_SOCKET, &B->Sv[0]}};
    SecBufferDesc id = {SECBUFFER_VERSION, 2, in};
    ULONG attr;
    return AcceptSecurityContext(&B->ServerCred, NULL, &id, 0, 0, Ctx, NULL, &attr, NULL);
}

static void AcceptLoop(void *Context, uint64_t n)
{
    BENCH_LOCAL *b = Context;
    for (uint64_t i = 0; i < n; i++) {
        CtxtHandle h;
        if (Accept(b, &h) != SEC_E_OK)
            return;
        DeleteSecurityContext(&h);
    }
}

static void KernelFacts(void *Context, uint64_t n)
{
    BENCH_LOCAL *b = Context;
    for (uint64_t i = 0; i < n; i++) {
        struct ucred cred;
        gid_t groups[64];
        int pidfd = -1;
        socklen_t l1 = sizeof(cred), l2 = sizeof(groups), l3 = sizeof(pidfd);
        getsockopt(b->Sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &l1);
        getsockopt(b->Sv[0], SOL_SOCKET, SO_PEERGROUPS, groups, &l2);
        if (getsockopt(b->Sv[0], SOL_SOCKET, SO_PEERPIDFD, &pidfd, &l3) == 0)
            close(pidfd);
        BENCH_KEEP(cred.uid);
    }
}

static void InitializeLoop(void *Context, uint64_t n)
{
    BENCH_LOCAL *b = Context;
    for (uint64_t i = 0; i < n; i++) {
        CtxtHandle h;
        if (Initialize(b, &h) != SEC_E_OK)
            return;
        DeleteSecurityContext(&h);
    }
}

typedef struct {
    BENCH_LOCAL *B;
    ULONG Size;
} BENCH_SEAL;

static void SealLoop(void *Context, uint64_t n)
{
    BENCH_SEAL *s = Context;
    static unsigned char data[4096], trailer[28];
    for (uint64_t i = 0; i < n; i++) {
        SecBuffer b[2] = {{28, SECBUFFER_TOKEN, trailer}, {s->Size, SECBUFFER_DATA, data}};
        SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
        if (EncryptMessage(&s->B->Client, 0, &d, 0) != SEC_E_OK || DecryptMessage(&s->B->Server, &d, 0, NULL) != SEC_E_OK)
            return;
    }
}

int main(int argc, char **argv)
{
    double sec = BenchSeconds();
    BENCH_LOCAL b;
    memset(&b, 0, sizeof(b));
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b.Sv) != 0 ||
        AcquireCredentialsHandleW(NULL, LocalName(), SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &b.ClientCred,
                                  NULL) != SEC_E_OK ||
        AcquireCredentialsHandleW(NULL, LocalName(), SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &b.ServerCred,
                                  NULL) != SEC_E_OK ||
        Initialize(&b, &b.Client) != SEC_E_OK || Accept(&b, &b.Server) != SEC_E_OK) {
        fprintf(stderr, "bench_ksec_local: setup failed\n");
        return 1;
    }
    BENCH_SEAL s64 = {&b, 64}, s4k = {&b, 4096};
    if (argc == 4 && strcmp(argv[1], "--once") == 0) {
        uint64_t n = strtoull(argv[3], NULL, 10);
        if (strcmp(argv[2], "accept") == 0)
            AcceptLoop(&b, n);
        else if (strcmp(argv[2], "init") == 0)
            InitializeLoop(&b, n);
        else if (strcmp(argv[2], "seal64") == 0)
            SealLoop(&s64, n);
        else if (strcmp(argv[2], "seal4k") == 0)
            SealLoop(&s4k, n);
        else if (strcmp(argv[2], "facts") == 0)
            KernelFacts(&b, n);
        else
            return 2;
        return 0;
    }
    int rounds = BenchRounds();
    BENCH_ALT r;
    BenchAltHeader("ntsec-local (SSPI), alternating bursts against the kernel's part");
    BenchAlternate(AcceptLoop, &b, KernelFacts, &b, sec, rounds, &r);
    BenchAltRow("AcceptSecurityContext+DeleteSecurityContext", "3 getsockopt + close(pidfd)", &r);
    printf("  accepts per second on one core (median): %.0f (goal >= 50000); accept median %.2f us (goal <= 20)\n",
           1e9 / r.Op[1], r.Op[1] / 1000.0);
    BenchAlternate(InitializeLoop, &b, KernelFacts, &b, sec, rounds, &r);
    BenchAltRow("InitializeSecurityContextW+DeleteSecurityContext", "3 getsockopt + close(pidfd)", &r);
    BenchAlternate(SealLoop, &s64, KernelFacts, &b, sec, rounds, &r);
    BenchAltRow("EncryptMessage+DecryptMessage 64 B", "3 getsockopt + close(pidfd)", &r);
    BenchAlternate(SealLoop, &s4k, KernelFacts, &b, sec, rounds, &r);
    BenchAltRow("EncryptMessage+DecryptMessage 4096 B", "3 getsockopt + close(pidfd)", &r);

    /* memory per live server context */
    enum { N = 1000 };
    static CtxtHandle live[N];
    struct mallinfo2 before = mallinfo2();
    int made = 0;
    for (; made < N; made++)
        if (Accept(&b, &live[made]) != SEC_E_OK)
            break;
    struct mallinfo2 after = mallinfo2();
    printf("  memory per live server context: %.0f bytes of heap (token, context, package state; %d contexts), "
           "plus 1 pidfd\n",
           (double)(after.uordblks - before.uordblks) / (made ? made : 1), made);
    for (int i = 0; i < made; i++)
        DeleteSecurityContext(&live[i]);
    DeleteSecurityContext(&b.Client);
    DeleteSecurityContext(&b.Server);
    FreeCredentialsHandle(&b.ClientCred);
    FreeCredentialsHandle(&b.ServerCred);
    return 0;
}
