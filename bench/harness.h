/*
 * harness.h - a tiny benchmark harness: ns/op for ntsec and for a baseline measured in
 * the same run, and their ratio. Benchmarks never fail on time.
 */
#ifndef NTSEC_BENCH_HARNESS_H
#define NTSEC_BENCH_HARNESS_H

#include <stdint.h>

typedef void (*BENCH_FN)(void *Context, uint64_t Iterations);

/* Runs Fn for about MinSeconds (after a warm-up), best of Repeats; returns ns per iteration. */
double BenchMeasure(BENCH_FN Fn, void *Context, double MinSeconds, int Repeats);

/* Prints one row: name, ntsec ns/op, baseline ns/op, ratio (ntsec / baseline). */
void BenchRow(const char *Name, double NtsecNs, const char *BaselineName, double BaselineNs);

/* Alternating short bursts (issue 15 section 1): Rounds rounds, each a burst of Baseline
 * then a burst of Op of about Seconds each, so machine noise hits both sides alike.
 * Min/median/max ns per iteration of each side and of the per-round ratio Op / Baseline. */
typedef struct {
    double Op[3], Base[3], Ratio[3]; /* min, median, max */
} BENCH_ALT;
void BenchAlternate(BENCH_FN Op, void *OpContext, BENCH_FN Baseline, void *BaseContext,
                    double Seconds, int Rounds, BENCH_ALT *Result);
/* Prints one alternating-bursts row: name, op min/median/max, baseline, ratio. */
void BenchAltRow(const char *Name, const char *BaselineName, const BENCH_ALT *Result);
void BenchAltHeader(const char *Title);
/* Rounds: NTSEC_BENCH_ROUNDS in the environment, default 10. */
int BenchRounds(void);

/* Min, median and max of the N values at V (sorts V). */
void BenchStats(double *V, int N, double Out[3]);

/* Thread throughput (issue 15 s4, threads 1/2): runs Fn on Threads threads at once (at most
 * BENCH_MAX_THREADS), thread i with Contexts[i]; each first runs Warmup iterations (thread
 * set-up, caches), then all start together at a barrier and run Iterations each. Returns the
 * operations per second over all threads, timed by the slowest thread. */
#define BENCH_MAX_THREADS 8
double BenchThreadThroughput(BENCH_FN Fn, void *const *Contexts, int Threads, uint64_t Warmup,
                             uint64_t Iterations);

/* Seconds on CLOCK_MONOTONIC. */
double BenchNow(void);

/* Prints the table header once. */
void BenchHeader(const char *Title);

/* Seconds per measurement: NTSEC_BENCH_SECONDS in the environment, default 0.3. */
double BenchSeconds(void);

/* Keeps the compiler from discarding a value. */
#define BENCH_KEEP(x) __asm__ volatile("" : : "g"(x) : "memory")

#endif
