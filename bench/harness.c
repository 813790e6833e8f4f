#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "harness.h"

static double BenchNow(void)
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
