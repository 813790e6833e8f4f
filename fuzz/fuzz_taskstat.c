/*
 * fuzz_taskstat.c - the host backend's /proc/self/task/TID/stat parser (src/host/gate.c,
 * docs/host.md "Threads that end without teardown") on arbitrary bytes: the command name
 * in field 2 is chosen by the thread itself (prctl PR_SET_NAME), so the text is hostile.
 * Any input must give FALSE or a state and start time, never a read past the input (the
 * input is copied into an exactly sized heap block so ASan sees any overrun); the parse of
 * a well-formed line built around the input's bytes as the name must find its fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/hostp.h"

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    char *copy = malloc(Size ? Size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, Data, Size);
    unsigned long long start = 0;
    char state = 0;
    (void)HostParseTaskStat(copy, Size, &start, &state);
    free(copy);

    /* A real line whose name is the input (at most 64 bytes, no NUL): always parses. */
    char name[65];
    size_t n = 0;
    for (size_t i = 0; i < Size && n < 64; i++)
        if (Data[i] != '\0')
            name[n++] = (char)Data[i];
    name[n] = '\0';
    char line[512];
    int len = snprintf(line, sizeof(line),
                       "4242 (%s) S 1 2 3 0 -1 4194560 10 0 0 0 5 6 0 0 20 0 3 0 987654321 1000 100 "
                       "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n", name);
    if (len <= 0 || (size_t)len >= sizeof(line))
        return 0;
    char *exact = malloc((size_t)len);
    if (exact == NULL)
        return 0;
    memcpy(exact, line, (size_t)len);
    if (!HostParseTaskStat(exact, (size_t)len, &start, &state) || state != 'S' || start != 987654321ULL)
        __builtin_trap();
    free(exact);
    return 0;
}
