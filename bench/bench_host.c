/*
 * bench_host.c - the host backend against its floors, in one run (docs/BENCHMARKS.md):
 *   1. user -> user switch with 16 groups through ntsec (PsImpersonateClient and the
 *      backend's switch alone) vs the same raw syscall sequence written by hand, and
 *      impersonate-from-root + revert vs its raw sequence; the syscalls each issues;
 *   2. re-impersonating the identity the thread already has (0 syscalls, counted);
 *   3. glibc's setresuid in a 4-thread process (the naive peer: it signals every thread).
 * Needs root (CAP_SETUID/CAP_SETGID); prints a note and exits 0 otherwise.
 * --once user|root|reimp N: only N user->user switch pairs (A, B), N impersonate-from-root +
 * revert pairs, or N re-impersonations of the token in force, then exit - for
 * bench/host_syscalls.sh, which counts the syscalls with strace -c.
 */
#include <pthread.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "harness.h"
#include "host/hostp.h"

typedef struct {
    ULONG Words[SECURITY_MAX_SID_SIZE / 4];
} SIDBUF;

static PSID UnixSid(SIDBUF *b, ULONG Kind, ULONG Id)
{
    PISID s = (PISID)b;
    memset(b, 0, sizeof(*b));
    s->Revision = 1;
    s->SubAuthorityCount = 2;
    s->IdentifierAuthority.Value[5] = 22;
    s->SubAuthority[0] = Kind;
    s->SubAuthority[1] = Id;
    return s;
}

static PTOKEN Token16(ULONG Uid, ULONG GidBase)
{
    SIDBUF user, gsid[16];
    SID_AND_ATTRIBUTES groups[16];
    for (int i = 0; i < 16; i++)
        groups[i] = (SID_AND_ATTRIBUTES){UnixSid(&gsid[i], 2, GidBase + (ULONG)i),
                                         SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED};
    SEP_TOKEN_TEMPLATE t;
    memset(&t, 0, sizeof(t));
    t.TokenType = TokenPrimary;
    t.User = UnixSid(&user, 1, Uid);
    t.Groups = groups;
    t.GroupCount = 16;
    t.PrimaryGroup = groups[0].Sid;
    PTOKEN token = NULL;
    if (SepCreateToken(&t, "token (bench)", &token) != STATUS_SUCCESS)
        abort();
    return token;
}

static PTOKEN A, B;
static PETHREAD Self;

static void NtsecSwitchPair(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (PsImpersonateClient(Self, A, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS ||
            PsImpersonateClient(Self, B, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
            abort();
    }
}

static void BackendSwitchPair(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (HostSwitchCurrent(Self, A, SecurityImpersonation) != STATUS_SUCCESS ||
            HostSwitchCurrent(Self, B, SecurityImpersonation) != STATUS_SUCCESS)
            abort();
    }
}

static gid_t GroupsA[16], GroupsB[16];

/* The hand-written floor: what a careful server would write (Samba's order: regain root,
 * groups, gid, uid), with no verification. */
static void RawSwitchPair(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        syscall(SYS_setresuid, -1, 0, -1);
        syscall(SYS_setgroups, 16, GroupsA);
        syscall(SYS_setresgid, -1, 40101, -1);
        syscall(SYS_setresuid, -1, 40001, -1);
        syscall(SYS_setresuid, -1, 0, -1);
        syscall(SYS_setgroups, 16, GroupsB);
        syscall(SYS_setresgid, -1, 40201, -1);
        syscall(SYS_setresuid, -1, 40002, -1);
    }
    syscall(SYS_setresuid, -1, 0, -1);
}

/* Impersonate-from-root + revert by hand: groups, gid, uid; then the base euid, groups, gid. */
static gid_t BaseGroups[64];
static int BaseGroupCount;
static gid_t BaseGid;
static void RawRootPair(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        syscall(SYS_setgroups, 16, GroupsA);
        syscall(SYS_setresgid, -1, 40101, -1);
        syscall(SYS_setresuid, -1, 40001, -1);
        syscall(SYS_setresuid, -1, 0, -1);
        syscall(SYS_setgroups, BaseGroupCount, BaseGroups);
        syscall(SYS_setresgid, -1, BaseGid, -1);
    }
}

static void NtsecRootPair(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (PsImpersonateClient(Self, A, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
            abort();
        PsRevertToSelf();
    }
}

static void NtsecReimpersonate(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (PsImpersonateClient(Self, A, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
            abort();
}

static void BackendReimpersonate(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (HostSwitchCurrent(Self, A, SecurityImpersonation) != STATUS_SUCCESS)
            abort();
}

static void PointerFloor(void *Context, uint64_t n)
{
    static void *volatile slot;
    for (uint64_t i = 0; i < n; i++) {
        slot = A;
        BENCH_KEEP(slot);
    }
}

static void GlibcSetresuidPair(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (setresuid(-1, 40001, -1) != 0 || setresuid(-1, 0, -1) != 0)
            abort();
    }
}

static void RawSetresuidPair(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        syscall(SYS_setresuid, -1, 40001, -1);
        syscall(SYS_setresuid, -1, 0, -1);
    }
}

static pthread_mutex_t IdleLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t IdleCond = PTHREAD_COND_INITIALIZER;
static int IdleStop;
static void *Idle(void *Arg)
{
    pthread_mutex_lock(&IdleLock);
    while (!IdleStop)
        pthread_cond_wait(&IdleCond, &IdleLock);
    pthread_mutex_unlock(&IdleLock);
    return NULL;
}

int main(int argc, char **argv)
{
    if (geteuid() != 0) {
        printf("bench_host: needs root (CAP_SETUID/CAP_SETGID); skipped\n");
        return 0;
    }
    double secs = BenchSeconds();
    for (int i = 0; i < 16; i++) {
        GroupsA[i] = 40101 + (gid_t)i;
        GroupsB[i] = 40201 + (gid_t)i;
    }
    A = Token16(40001, 40101);
    B = Token16(40002, 40201);
    BaseGid = getegid();
    BaseGroupCount = getgroups(64, BaseGroups);
    if (BaseGroupCount < 0)
        return 1;
    Self = PsGetCurrentThread();
    if (NtsecEnableHostCredentials(NtsecHostEuid) != STATUS_SUCCESS)
        return 1;
    NtsecRootPair(NULL, 1); /* the thread's first switch reads its ids once */

    if (argc == 4 && strcmp(argv[1], "--once") == 0) {
        uint64_t n = strtoull(argv[3], NULL, 10);
        if (strcmp(argv[2], "user") == 0) {
            BackendSwitchPair(NULL, n);
            HostSwitchCurrent(Self, NULL, SecurityAnonymous);
        } else if (strcmp(argv[2], "root") == 0) {
            NtsecRootPair(NULL, n);
        } else if (strcmp(argv[2], "reimp") == 0) {
            if (PsImpersonateClient(Self, A, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
                return 1;
            NtsecReimpersonate(NULL, n);
        } else {
            return 2;
        }
        PsRevertToSelf();
        return 0;
    }

    /* Syscalls per operation (NtsecHostSyscallCount: every syscall of src/host/syscalls.c,
     * capget and prctl included), over 100 of each. */
    ULONG c0 = NtsecHostSyscallCount();
    BackendSwitchPair(NULL, 100); /* 200 user->user switches, A <-> B */
    ULONG c1 = NtsecHostSyscallCount();
    ULONG imp = 0, rev = 0, reimp = 0;
    HostSwitchCurrent(Self, NULL, SecurityAnonymous); /* ps never saw that switch */
    for (int i = 0; i < 100; i++) {
        ULONG t0 = NtsecHostSyscallCount();
        PsImpersonateClient(Self, A, FALSE, FALSE, SecurityImpersonation);
        ULONG t1 = NtsecHostSyscallCount();
        PsImpersonateClient(Self, A, FALSE, FALSE, SecurityImpersonation);
        ULONG t2 = NtsecHostSyscallCount();
        PsRevertToSelf();
        imp += t1 - t0;
        reimp += t2 - t1;
        rev += NtsecHostSyscallCount() - t2;
    }
    printf("\nsyscalls (NtsecHostSyscallCount, mean of 100+): user->user switch %.1f (minimum 4), "
           "impersonate from root %.1f (minimum 3), revert to root %.1f (minimum 3), "
           "re-impersonation %.1f (0)\n", (c1 - c0) / 200.0, imp / 100.0, rev / 100.0, reimp / 100.0);
    /* Alternating bursts (bench/harness.c): noise hits both sides of each ratio alike. */
    int rounds = BenchRounds();
    BENCH_ALT r;
    BenchAltHeader("Host backend: per-thread credential switching (euid mode; per pair of switches)");
    BenchAlternate(BackendSwitchPair, NULL, RawSwitchPair, NULL, secs / 3, rounds, &r);
    BenchAltRow("user->user switch pair, 16 groups: backend (HostSwitchCurrent)",
                "raw syscalls by hand (no verification)", &r);
    BenchAlternate(NtsecSwitchPair, NULL, RawSwitchPair, NULL, secs / 3, rounds, &r);
    BenchAltRow("user->user switch pair, 16 groups: PsImpersonateClient + backend",
                "raw syscalls by hand (no verification)", &r);
    PsRevertToSelf();
    BenchAlternate(NtsecRootPair, NULL, RawRootPair, NULL, secs / 3, rounds, &r);
    BenchAltRow("impersonate from root + revert, 16 groups: PsImpersonateClient + PsRevertToSelf",
                "raw syscalls by hand (setgroups, setresgid, setresuid; setresuid, setgroups, setresgid)", &r);
    BenchHeader("Host backend: re-impersonation and glibc");

    PsRevertToSelf();
    if (PsImpersonateClient(Self, A, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
        return 1;
    ULONG before = NtsecHostSyscallCount();
    double floor = BenchMeasure(PointerFloor, NULL, secs, 3);
    double reHook = BenchMeasure(BackendReimpersonate, NULL, secs, 3);
    ULONG afterHook = NtsecHostSyscallCount();
    double rePs = BenchMeasure(NtsecReimpersonate, NULL, secs, 3);
    ULONG afterPs = NtsecHostSyscallCount();
    BenchRow("re-impersonate held identity: backend (cache hit)", reHook, "pointer store", floor);
    BenchRow("re-impersonate held identity: PsImpersonateClient + backend", rePs, "pointer store", floor);
    printf("\ncredential syscalls during the re-impersonation runs: backend %u, PsImpersonateClient %u\n",
           afterHook - before, afterPs - afterHook);
    PsRevertToSelf();
    NtsecEnableHostCredentials(NtsecHostOff);

    pthread_t idle[3];
    double raw1 = BenchMeasure(RawSetresuidPair, NULL, secs, 3);
    double glibc1 = BenchMeasure(GlibcSetresuidPair, NULL, secs, 3);
    for (int i = 0; i < 3; i++)
        pthread_create(&idle[i], NULL, Idle, NULL);
    double glibc4 = BenchMeasure(GlibcSetresuidPair, NULL, secs, 3);
    double raw4 = BenchMeasure(RawSetresuidPair, NULL, secs, 3);
    BenchRow("setresuid pair, 1 thread: raw syscall (what ntsec issues)", raw1, "glibc setresuid, 1 thread", glibc1);
    BenchRow("setresuid pair, 4 threads: raw syscall (what ntsec issues)", raw4, "glibc setresuid, 4 threads", glibc4);
    pthread_mutex_lock(&IdleLock);
    IdleStop = 1;
    pthread_cond_broadcast(&IdleCond);
    pthread_mutex_unlock(&IdleLock);
    for (int i = 0; i < 3; i++)
        pthread_join(idle[i], NULL);
    ObfDereferenceObject(A);
    ObfDereferenceObject(B);
    return 0;
}
