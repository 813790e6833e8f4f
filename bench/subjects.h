/*
 * subjects.h - the subjects benchmarks set up (tokens from the text form, idle threads),
 * shared by bench_impersonate.c and bench_memory.c. Set-up only: nothing here is measured.
 */
#ifndef NTSEC_BENCH_SUBJECTS_H
#define NTSEC_BENCH_SUBJECTS_H

#include "ntsec.h"

/* A token from the text "user=User groups=G... integrity=ME Extra", with Groups groups
 * S-1-5-21-7-7-7-5000, -5001, ...; exits with status 1 and the parser's message if the text
 * does not parse. The caller owns the single reference. */
PACCESS_TOKEN BenchTokenWithGroups(const char *User, int Groups, const char *Extra);

/* A thread routine (NtsecCreateThread) that waits until BenchIdleRelease. */
VOID BenchIdle(PVOID Context);
/* Lets every BenchIdle thread return (the caller joins them); BenchIdleRearm, once they are
 * joined, makes new ones wait again. */
void BenchIdleRelease(void);
void BenchIdleRearm(void);

#endif
