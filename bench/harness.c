#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness.h"

double BenchNow(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double BenchSeconds(void)
{
    const char *s = getenv("NTSEC_BENCH_SECONDS");
    double v = s ? atof(s) : 0.0;
    return v > 0 ? v : 0.3;
}

double BenchMeasure(BENCH_FN Fn, void *Context, double MinSeconds, int Repeats)
{
    uint64_t n = 1;
    /* Warm up and find an iteration count that takes about a tenth of MinSeconds. */
    for (;;) {
        double t0 = BenchNow();
        Fn(Context, n);
        double dt = BenchNow() - t0;
        if (dt > MinSeconds / 10 || n > (1ULL << 40))
            break;
        n *= 2;
    }
    double best = 1e300;
    for (int r = 0; r < Repeats; r++) {
        uint64_t total = 0;
        double t0 = BenchNow(), dt;
        do {
            Fn(Context, n);
            total += n;
            dt = BenchNow() - t0;
        } while (dt < MinSeconds);
        double ns = dt * 1e9 / (double)total;
        if (ns < best)
            best = ns;
    }
    return best;
}

void BenchHeader(const char *Title)
{
    printf("\n## %s\n\n", Title);
    printf("| benchmark | ntsec ns/op | baseline | baseline ns/op | ratio |\n");
    printf("|---|---:|---|---:|---:|\n");
}

void BenchRow(const char *Name, double NtsecNs, const char *BaselineName, double BaselineNs)
{
    printf("| %s | %.1f | %s | %.1f | %.2fx |\n", Name, NtsecNs, BaselineName, BaselineNs,
           BaselineNs > 0 ? NtsecNs / BaselineNs : 0.0);
    fflush(stdout);
}

int BenchRounds(void)
{
    const char *s = getenv("NTSEC_BENCH_ROUNDS");
    int v = s ? atoi(s) : 0;
    return v > 0 && v <= 1000 ? v : 10;
}

/* Iterations of Fn that take about Seconds (doubling from 1; bounded). */
static uint64_t BenchCalibrate(BENCH_FN Fn, void *Context, double Seconds)
{
    uint64_t n = 1;
    for (;;) {
        double t0 = BenchNow();
        Fn(Context, n);
        double dt = BenchNow() - t0;
        if (dt > Seconds / 4 || n > (1ULL << 40))
            return dt > 0 ? (uint64_t)(n * (Seconds / dt)) + 1 : n;
        n *= 2;
    }
}

static int BenchCmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void BenchStats(double *v, int n, double out[3])
{
    qsort(v, n, sizeof(double), BenchCmp);
    out[0] = v[0];
    out[1] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    out[2] = v[n - 1];
}

void BenchAlternate(BENCH_FN Op, void *OpContext, BENCH_FN Baseline, void *BaseContext,
                    double Seconds, int Rounds, BENCH_ALT *Result)
{
    uint64_t no = BenchCalibrate(Op, OpContext, Seconds);
    uint64_t nb = BenchCalibrate(Baseline, BaseContext, Seconds);
    double *op = calloc(Rounds, sizeof(double)), *base = calloc(Rounds, sizeof(double)),
           *ratio = calloc(Rounds, sizeof(double));
    if (op == NULL || base == NULL || ratio == NULL)
        abort();
    for (int r = 0; r < Rounds; r++) {
        double t0 = BenchNow();
        Baseline(BaseContext, nb);
        double t1 = BenchNow();
        Op(OpContext, no);
        double t2 = BenchNow();
        base[r] = (t1 - t0) * 1e9 / (double)nb;
        op[r] = (t2 - t1) * 1e9 / (double)no;
        ratio[r] = base[r] > 0 ? op[r] / base[r] : 0;
    }
    BenchStats(op, Rounds, Result->Op);
    BenchStats(base, Rounds, Result->Base);
    BenchStats(ratio, Rounds, Result->Ratio);
    free(op);
    free(base);
    free(ratio);
}

void BenchAltHeader(const char *Title)
{
    printf("\n## %s\n\n", Title);
    printf("| benchmark | ns/op min / median / max | baseline | baseline ns/op min / median / max | ratio min / median / max |\n");
    printf("|---|---:|---|---:|---:|\n");
}

void BenchAltRow(const char *Name, const char *BaselineName, const BENCH_ALT *R)
{
    printf("| %s | %.1f / %.1f / %.1f | %s | %.1f / %.1f / %.1f | %.2fx / %.2fx / %.2fx |\n", Name,
           R->Op[0], R->Op[1], R->Op[2], BaselineName, R->Base[0], R->Base[1], R->Base[2],
           R->Ratio[0], R->Ratio[1], R->Ratio[2]);
    fflush(stdout);
}

typedef struct {
    BENCH_FN Fn;
    void *Context;
    uint64_t Warmup, Iterations;
    pthread_barrier_t *Barrier;
    double Seconds;
} BENCH_THREAD;

static void *BenchThreadMain(void *Arg)
{
    BENCH_THREAD *t = Arg;
    t->Fn(t->Context, t->Warmup);
    pthread_barrier_wait(t->Barrier);
    double t0 = BenchNow();
    t->Fn(t->Context, t->Iterations);
    t->Seconds = BenchNow() - t0;
    return NULL;
}

double BenchThreadThroughput(BENCH_FN Fn, void *const *Contexts, int Threads, uint64_t Warmup,
                             uint64_t Iterations)
{
    pthread_t id[BENCH_MAX_THREADS];
    BENCH_THREAD t[BENCH_MAX_THREADS];
    pthread_barrier_t barrier;
    if (Threads < 1 || Threads > BENCH_MAX_THREADS || pthread_barrier_init(&barrier, NULL, Threads) != 0)
        abort();
    for (int i = 0; i < Threads; i++) {
        t[i] = (BENCH_THREAD){Fn, Contexts[i], Warmup, Iterations, &barrier, 0};
        if (pthread_create(&id[i], NULL, BenchThreadMain, &t[i]) != 0)
            abort();
    }
    double slowest = 0;
    for (int i = 0; i < Threads; i++) {
        pthread_join(id[i], NULL);
        if (t[i].Seconds > slowest)
            slowest = t[i].Seconds;
    }
    pthread_barrier_destroy(&barrier);
    return slowest > 0 ? Threads * (double)Iterations / slowest : 0;
}
