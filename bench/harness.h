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

/* Prints the table header once. */
void BenchHeader(const char *Title);

/* Seconds per measurement: NTSEC_BENCH_SECONDS in the environment, default 0.3. */
double BenchSeconds(void);

/* Keeps the compiler from discarding a value. */
#define BENCH_KEEP(x) __asm__ volatile("" : : "g"(x) : "memory")

#endif
