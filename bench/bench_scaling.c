/*
 * bench_scaling.c - the scaling axes of issue 15 §4 that the other benchmarks do not cover:
 *   - live objects: with 0, 1,000, 10,000 and 100,000 tokens (or client contexts) alive, the
 *     cost of creating and deleting one more token, of an access check on one of them, and
 *     of SeCreateClientSecurity (static tracking: a token copy) + SeDeleteClientSecurity;
 *   - threads: SeAccessCheck throughput on 1 and 2 threads, both threads on one token and
 *     descriptor (the shared case) and each on its own.
 * Tokens are 10 groups, from the text form; the descriptor is 20 ACEs, the last granting.
 *
 * Usage: bench_scaling                          the tables (ns/op, alternating bursts)
 *        bench_scaling --once OP LIVE CALLS     OP = create | check | client: LIVE objects
 *            made first, then CALLS operations (bench/report.sh: callgrind, 1 vs 1 + N calls;
 *            under valgrind --instr-atstart=no only the operations are instrumented, so
 *            making and freeing the live objects neither costs time nor adds noise)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "ntsec.h"
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h> /* --once counts only the operations (--instr-atstart=no) */
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

static PACCESS_TOKEN NewToken(unsigned Serial)
{
    char text[1024];
    int len = snprintf(text, sizeof text, "user=S-1-5-21-7-7-7-%u groups=", 100000 + Serial % 100000);
    for (int g = 0; g < 10; g++)
        len += snprintf(text + len, sizeof text - len, "%sS-1-5-21-7-7-7-%d", g ? "," : "", 5000 + g);
    snprintf(text + len, sizeof text - len,
             " integrity=ME type=impersonation level=impersonation");
    PACCESS_TOKEN t = NULL;
    if (NtsecCreateTokenFromText(text, &t) != STATUS_SUCCESS) {
        fprintf(stderr, "token text: %s\n", NtsecLastErrorText());
        exit(1);
    }
    return t;
}

/* 20 ACEs: 19 for SIDs absent from the tokens, the last granting FILE_GENERIC_READ to a group. */
static PSECURITY_DESCRIPTOR NewSd(void)
{
    char sddl[4096];
    int len = snprintf(sddl, sizeof sddl, "O:S-1-5-21-7-7-7-77777G:S-1-5-21-7-7-7-77777D:");
    for (int i = 0; i < 19; i++)
        len += snprintf(sddl + len, sizeof sddl - len, "(A;;FW;;;S-1-5-21-7-7-7-%d)", 90000 + i);
    snprintf(sddl + len, sizeof sddl - len, "(A;;FR;;;S-1-5-21-7-7-7-5007)");
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG size = 0;
    if (NtsecSddlToSecurityDescriptor(sddl, &sd, &size) != STATUS_SUCCESS) {
        fprintf(stderr, "sddl: %s\n", NtsecLastErrorText());
        exit(1);
    }
    return sd;
}

typedef struct {
    PACCESS_TOKEN Token;
    PSECURITY_DESCRIPTOR Sd;
    SECURITY_SUBJECT_CONTEXT Ctx;
    GENERIC_MAPPING Mapping;
} CHECK;

static void MakeCheck(CHECK *c, PACCESS_TOKEN Token, PSECURITY_DESCRIPTOR Sd)
{
    memset(c, 0, sizeof(*c));
    c->Token = Token;
    c->Sd = Sd;
    c->Ctx.PrimaryToken = Token;
    c->Ctx.ClientToken = Token;
    c->Ctx.ImpersonationLevel = SecurityImpersonation;
    c->Mapping = (GENERIC_MAPPING){FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS};
    ACCESS_MASK g = 0;
    NTSTATUS s = 0;
    if (!SeAccessCheck(Sd, &c->Ctx, FALSE, FILE_READ_DATA, 0, NULL, &c->Mapping, UserMode, &g, &s)) {
        fprintf(stderr, "the check does not grant: 0x%08x\n", (unsigned)s);
        exit(1);
    }
}

static void RunCheck(void *Context, uint64_t n)
{
    CHECK *c = Context;
    for (uint64_t i = 0; i < n; i++) {
        ACCESS_MASK g;
        NTSTATUS s;
        BOOLEAN ok = SeAccessCheck(c->Sd, &c->Ctx, FALSE, FILE_READ_DATA, 0, NULL, &c->Mapping, UserMode, &g, &s);
        BENCH_KEEP(ok);
    }
}

static void RunCreate(void *Context, uint64_t n)
{
    (void)Context;
    for (uint64_t i = 0; i < n; i++)
        ObDereferenceObject(NewToken((unsigned)i));
}

static void RunClient(void *Context, uint64_t n)
{
    (void)Context;
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE};
    for (uint64_t i = 0; i < n; i++) {
        SECURITY_CLIENT_CONTEXT cc;
        if (SeCreateClientSecurity(PsGetCurrentThread(), &q, FALSE, &cc) != STATUS_SUCCESS)
            exit(1);
        SeDeleteClientSecurity(&cc);
    }
}

/* Live objects: Count tokens, or Count client contexts. */
typedef struct {
    PACCESS_TOKEN *Tokens;
    SECURITY_CLIENT_CONTEXT *Clients;
    unsigned Count;
} LIVE;

static void MakeLive(LIVE *l, unsigned Count, int Clients)
{
    memset(l, 0, sizeof(*l));
    l->Count = Count;
    if (Clients) {
        SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE};
        l->Clients = calloc(Count + 1, sizeof(*l->Clients));
        for (unsigned i = 0; i < Count; i++)
            if (SeCreateClientSecurity(PsGetCurrentThread(), &q, FALSE, &l->Clients[i]) != STATUS_SUCCESS)
                exit(1);
    } else {
        l->Tokens = calloc(Count + 1, sizeof(*l->Tokens));
        for (unsigned i = 0; i < Count; i++)
            l->Tokens[i] = NewToken(i);
    }
}

static void FreeLive(LIVE *l)
{
    for (unsigned i = 0; i < l->Count; i++) {
        if (l->Clients)
            SeDeleteClientSecurity(&l->Clients[i]);
        else
            ObDereferenceObject(l->Tokens[i]);
    }
    free(l->Clients);
    free(l->Tokens);
}

/* ---- threads ---- */

/* Checks per second over Threads threads, thread i on Checks[i] (1,000 warm-up checks each). */
static double Throughput(CHECK **Checks, int Threads, uint64_t Iterations)
{
    return BenchThreadThroughput(RunCheck, (void *const *)Checks, Threads, 1000, Iterations);
}

/* Rounds of 1-thread and 2-thread runs, alternating; min / median / max of each and of the ratio. */
static void ThreadRow(const char *Name, CHECK *One, CHECK **Two, double Seconds, int Rounds)
{
    CHECK *single[1] = {One};
    double ns = 1e9 / Throughput(single, 1, 100000);
    uint64_t iterations = (uint64_t)(Seconds * 1e9 / (ns > 0 ? ns : 1)) + 1000;
    double r1[64], r2[64], ratio[64], s1[3], s2[3], sr[3];
    if (Rounds > 64)
        Rounds = 64;
    for (int r = 0; r < Rounds; r++) {
        r1[r] = Throughput(single, 1, iterations) / 1e6;
        r2[r] = Throughput(Two, 2, iterations) / 1e6;
        ratio[r] = r2[r] / r1[r];
    }
    BenchStats(r1, Rounds, s1);
    BenchStats(r2, Rounds, s2);
    BenchStats(ratio, Rounds, sr);
    printf("| %s | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f | %.2fx / %.2fx / %.2fx |\n", Name, s1[0],
           s1[1], s1[2], s2[0], s2[1], s2[2], sr[0], sr[1], sr[2]);
    fflush(stdout);
}

static const char *OpName(const char *Op)
{
    if (strcmp(Op, "create") == 0)
        return "create + delete a token (10 groups)";
    if (strcmp(Op, "check") == 0)
        return "SeAccessCheck 20 ACEs x 10 groups";
    return "SeCreateClientSecurity (static) + SeDeleteClientSecurity";
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--once") == 0) {
        const char *op = argv[2];
        unsigned live = (unsigned)atol(argv[3]);
        uint64_t calls = (uint64_t)atoll(argv[4]);
        if (live > 100000 || (strcmp(op, "create") && strcmp(op, "check") && strcmp(op, "client")))
            return 2;
        LIVE l;
        MakeLive(&l, live, strcmp(op, "client") == 0);
        PSECURITY_DESCRIPTOR sd = NewSd();
        PACCESS_TOKEN t = NewToken(7);
        CHECK c;
        MakeCheck(&c, t, sd);
        CALLGRIND_START_INSTRUMENTATION;
        if (strcmp(op, "create") == 0)
            RunCreate(NULL, calls);
        else if (strcmp(op, "check") == 0)
            RunCheck(&c, calls);
        else
            RunClient(NULL, calls);
        CALLGRIND_STOP_INSTRUMENTATION;
        ObDereferenceObject(t);
        NtsecFree(sd);
        FreeLive(&l);
        return 0;
    }
    double sec = BenchSeconds() / 4;
    int rounds = BenchRounds();
    static const unsigned lives[] = {0, 1000, 10000, 100000};
    static const char *ops[] = {"create", "check", "client"};
    PSECURITY_DESCRIPTOR sd = NewSd();
    printf("\n## Live objects (each row: the operation with LIVE tokens or client contexts alive; "
           "alternating bursts of the operation against itself)\n\n");
    printf("| benchmark | ns/op min / median / max |\n|---|---:|\n");
    for (int o = 0; o < 3; o++) {
        for (int k = 0; k < 4; k++) {
            LIVE l;
            MakeLive(&l, lives[k], o == 2);
            PACCESS_TOKEN t = NewToken(7);
            CHECK c;
            MakeCheck(&c, t, sd);
            BENCH_FN fn = o == 0 ? RunCreate : o == 1 ? RunCheck : RunClient;
            BENCH_ALT r;
            BenchAlternate(fn, &c, fn, &c, sec, rounds, &r);
            printf("| %s, %u live | %.1f / %.1f / %.1f |\n", OpName(ops[o]), lives[k], r.Op[0], r.Op[1], r.Op[2]);
            fflush(stdout);
            ObDereferenceObject(t);
            FreeLive(&l);
        }
    }
    printf("\n## Threads (SeAccessCheck 20 ACEs x 10 groups; Mchecks/s, rounds alternating 1 and 2 threads)\n\n");
    printf("| benchmark | 1 thread min / median / max | 2 threads min / median / max | 2 / 1 min / median / max |\n|---|---:|---:|---:|\n");
    PACCESS_TOKEN t1 = NewToken(1), t2 = NewToken(2);
    CHECK c1, c2;
    MakeCheck(&c1, t1, sd);
    MakeCheck(&c2, t2, sd);
    CHECK *same[2] = {&c1, &c1}, *own[2] = {&c1, &c2};
    ThreadRow("threads on one token and descriptor", &c1, same, sec * 4, rounds);
    ThreadRow("threads on their own tokens", &c1, own, sec * 4, rounds);
    ObDereferenceObject(t1);
    ObDereferenceObject(t2);
    NtsecFree(sd);
    return 0;
}
