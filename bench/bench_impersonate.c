/*
 * bench_impersonate.c - the impersonation core against its in-memory floor, in one run:
 *   - PsImpersonateClient + PsRevertToSelf on the current thread
 *   - SeCaptureSubjectContext + SeReleaseSubjectContext (while impersonating)
 *   - SeCreateClientSecurity, static tracking (token copy) of 10 and 100 groups,
 *     + SeDeleteClientSecurity
 *   baseline: a thread-local pointer swap with an atomic increment and decrement
 *   - scaling: the impersonate/revert pair on 1 thread vs 2 threads on different tokens
 *     and on the same token (2-thread runs repeated 3 times).
 * Rows alternate short bursts of baseline and operation (BenchAlternate, issue 15 s1).
 * Run: build/bench_impersonate   (NTSEC_BENCH_SECONDS=0.3 per row, NTSEC_BENCH_ROUNDS=10)
 *      build/bench_impersonate --once pair|capture|floor N   (bench/instructions.sh)
 */
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"
#include "subjects.h"
#include "ntsec.h"

/* ---- baseline: what impersonate+revert must at least do ---- */
static __thread void *BaselineSlot;
static _Atomic long BaselineRefs;

static void Baseline(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        atomic_fetch_add_explicit(&BaselineRefs, 1, memory_order_relaxed);
        BaselineSlot = Context;
        BENCH_KEEP(BaselineSlot);
        void *old = BaselineSlot;
        BaselineSlot = NULL;
        atomic_fetch_sub_explicit(&BaselineRefs, 1, memory_order_acq_rel);
        BENCH_KEEP(old);
    }
}

static void Pair(void *Context, uint64_t n)
{
    PETHREAD self = PsGetCurrentThread();
    for (uint64_t i = 0; i < n; i++) {
        if (PsImpersonateClient(self, Context, FALSE, FALSE, SecurityImpersonation) != 0)
            return;
        PsRevertToSelf();
    }
}

static void Capture(void *Context, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        SECURITY_SUBJECT_CONTEXT ctx;
        SeCaptureSubjectContext(&ctx);
        BENCH_KEEP(ctx.ClientToken);
        SeReleaseSubjectContext(&ctx);
    }
}

typedef struct {
    PETHREAD Client;
} STATIC_CTX;

static void StaticCopy(void *Context, uint64_t n)
{
    STATIC_CTX *s = Context;
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE};
    for (uint64_t i = 0; i < n; i++) {
        SECURITY_CLIENT_CONTEXT cc;
        if (SeCreateClientSecurity(s->Client, &q, FALSE, &cc) != 0)
            return;
        SeDeleteClientSecurity(&cc);
    }
}

/* ---- scaling ---- */

/* The scaling control: the floor's atomic increment and decrement on a counter of the
 * thread's own (a line no other thread writes). It scales 2x on two real cores; when it
 * does not, the machine did not give the benchmark two cores and no scaling row means much. */
static _Alignas(64) _Atomic long ControlCounters[2][8];

static void Control(void *Context, uint64_t n)
{
    _Atomic long *c = Context;
    for (uint64_t i = 0; i < n; i++) {
        atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
        atomic_fetch_sub_explicit(c, 1, memory_order_acq_rel);
    }
}

/* Fn's operations per second over Threads threads, thread i with Contexts[i] (1,000 warm-up
 * calls each: the first adopts the thread and allocates its impersonation state). */
static double Throughput(BENCH_FN Fn, void *const *Contexts, int Threads, uint64_t Iterations)
{
    return BenchThreadThroughput(Fn, Contexts, Threads, 1000, Iterations);
}

/* Scaling: 1 thread vs 2 threads, each on its own token (Shared FALSE) or both on one. */
static void Scaling(PACCESS_TOKEN *Tokens, BOOLEAN Shared, uint64_t Iters)
{
    PACCESS_TOKEN same[2] = {Tokens[0], Tokens[0]};
    PACCESS_TOKEN *use = Shared ? same : Tokens;
    double one = Throughput(Pair, use, 1, Iters);
    printf("\nscaling, impersonate+revert pair, %s (%llu pairs/thread)\n",
           Shared ? "both threads on the SAME token" : "each thread on its own token",
           (unsigned long long)Iters);
    printf("  1 thread : %.1f Mpairs/s\n", one / 1e6);
    for (int r = 0; r < 3; r++) {
        double two = Throughput(Pair, use, 2, Iters);
        printf("  2 threads: %.1f Mpairs/s  scaling %.2fx (run %d)\n", two / 1e6, two / one, r + 1);
    }
}

/*
 * --once pair|capture N: N impersonate+revert pairs, or N capture+release (impersonating),
 * then exit - for bench/instructions.sh (callgrind, (Ir(1+N) - Ir(1)) / N).
 */
static int Once(const char *Mode, uint64_t N, PACCESS_TOKEN Token)
{
    if (strcmp(Mode, "pair") == 0) {
        Pair(Token, N);
    } else if (strcmp(Mode, "capture") == 0) {
        PsImpersonateClient(PsGetCurrentThread(), Token, FALSE, FALSE, SecurityImpersonation);
        Capture(NULL, N);
        PsRevertToSelf();
    } else if (strcmp(Mode, "floor") == 0) {
        Baseline(Token, N);
    } else {
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    double sec = BenchSeconds();
    int rounds = BenchRounds();
    /* Same user as the host process, so no downgrade copy is made: the pure swap path. */
    PACCESS_TOKEN self = PsReferencePrimaryToken(PsGetCurrentProcess());
    PACCESS_TOKEN dup[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++)
        NtsecDuplicateToken(self, TokenImpersonation, SecurityImpersonation, FALSE, &dup[i]);
    Pair(dup[0], 1); /* first impersonation allocates the thread's state */
    if (argc == 4 && strcmp(argv[1], "--once") == 0)
        return Once(argv[2], strtoull(argv[3], NULL, 10), dup[0]);

    BENCH_ALT r;
    BenchAltHeader("Impersonation core (alternating bursts)");
    BenchAlternate(Pair, dup[0], Baseline, dup[1], sec / 3, rounds, &r);
    BenchAltRow("PsImpersonateClient+PsRevertToSelf", "TLS swap+atomic inc/dec", &r);
    double pair = r.Op[1];
    PsImpersonateClient(PsGetCurrentThread(), dup[0], FALSE, FALSE, SecurityImpersonation);
    BenchAlternate(Capture, NULL, Baseline, dup[1], sec / 3, rounds, &r);
    PsRevertToSelf();
    BenchAltRow("SeCaptureSubjectContext+Release (impersonating)", "TLS swap+atomic inc/dec", &r);

    int groups[2] = {10, 100};
    for (int g = 0; g < 2; g++) {
        /* an idle thread of a process with groups[g] groups, captured by SeCreateClientSecurity */
        PACCESS_TOKEN tok = BenchTokenWithGroups("S-1-5-21-7-7-7-1001", groups[g], "");
        PEPROCESS p;
        PETHREAD t;
        if (NtsecCreateProcess(tok, &p) != 0 || NtsecCreateThread(p, BenchIdle, NULL, &t) != 0)
            return 1;
        STATIC_CTX s = {t};
        BenchAlternate(StaticCopy, &s, Baseline, dup[1], sec / 3, rounds, &r);
        char name[96];
        snprintf(name, sizeof name, "SeCreateClientSecurity static, %d groups", groups[g]);
        BenchAltRow(name, "TLS swap+atomic inc/dec", &r);
        BenchIdleRelease();
        NtsecJoinThread(t);
        BenchIdleRearm();
        ObDereferenceObject(t);
        ObDereferenceObject(p);
        ObDereferenceObject(tok);
    }

    uint64_t iters = (uint64_t)(sec * 1e9 / (pair > 1 ? pair : 1));
    void *counters[2] = {ControlCounters[0], ControlCounters[1]};
    double one = Throughput(Control, counters, 1, iters);
    printf("\nscaling control: atomic inc/dec on a counter of each thread's own (%llu pairs/thread)\n",
           (unsigned long long)iters);
    printf("  1 thread : %.1f Mpairs/s\n", one / 1e6);
    for (int r = 0; r < 3; r++) {
        double two = Throughput(Control, counters, 2, iters);
        printf("  2 threads: %.1f Mpairs/s  scaling %.2fx (run %d)\n", two / 1e6, two / one, r + 1);
    }
    Scaling(dup, FALSE, iters);
    Scaling(dup, TRUE, iters);
    ObDereferenceObject(dup[0]);
    ObDereferenceObject(dup[1]);
    PsDereferencePrimaryToken(self);
    return 0;
}
