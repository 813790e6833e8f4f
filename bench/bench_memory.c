/*
 * bench_memory.c - heap bytes per live object (issue 15 section 6), measured with glibc's
 * mallinfo2 (uordblks: bytes in use, malloc's own chunk headers included) over many live
 * objects, against the bytes their contents need:
 *   - a token of 10 and 100 groups (NtsecCreateTokenFromText): contents = sizeof(TOKEN) +
 *     the variable block (SID_AND_ATTRIBUTES arrays, SIDs, privileges, default DACL) + the
 *     access-check SID index; everything else is overhead (object header, pool headers,
 *     malloc's chunk headers and alignment);
 *   - a client context (SeCreateClientSecurity, dynamic and static tracking);
 *   - a thread's impersonation state (its first impersonation allocates it).
 * Prints one markdown row per figure. Run: build/bench_memory [COUNT]   (default 1000)
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include "ps/psp.h"
#include "ex/exp.h"
#include "subjects.h"

static size_t HeapInUse(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

/* A 10- or 100-group impersonation token; Serial makes the user SID (and so the token) distinct. */
static PACCESS_TOKEN TokenWithGroups(int Groups, int Serial)
{
    char user[64];
    snprintf(user, sizeof user, "S-1-5-21-7-7-%d-1001", Serial);
    return BenchTokenWithGroups(user, Groups, "type=impersonation level=impersonation");
}

static void TokenRow(int Groups, int Count)
{
    PACCESS_TOKEN *t = calloc(Count, sizeof *t);
    PACCESS_TOKEN warm = TokenWithGroups(Groups, 0);
    size_t before = HeapInUse();
    for (int i = 0; i < Count; i++)
        t[i] = TokenWithGroups(Groups, i + 1);
    size_t after = HeapInUse();
    PTOKEN k = warm;
    size_t index = k->SidIndex != NULL ? ExpPoolBlockSize(k->SidIndex) : 0;
    size_t contents = sizeof(TOKEN) + k->VariableLength + index;
    double per = (double)(after - before) / Count;
    printf("| token, %d groups | %.0f | %zu (TOKEN %zu + arrays and SIDs %zu + SID index %zu) | %.2fx |\n",
           Groups, per, contents, sizeof(TOKEN), (size_t)k->VariableLength, index,
           per / (double)contents);
    for (int i = 0; i < Count; i++)
        ObDereferenceObject(t[i]);
    ObDereferenceObject(warm);
    free(t);
}

static void ClientRow(BOOLEAN Static, int Count)
{
    PACCESS_TOKEN tok = TokenWithGroups(10, 0);
    PsImpersonateClient(PsGetCurrentThread(), tok, FALSE, FALSE, SecurityImpersonation);
    SECURITY_QUALITY_OF_SERVICE q = {sizeof q, SecurityImpersonation,
                                     Static ? SECURITY_STATIC_TRACKING : SECURITY_DYNAMIC_TRACKING, FALSE};
    SECURITY_CLIENT_CONTEXT *cc = calloc(Count, sizeof *cc);
    size_t before = HeapInUse();
    for (int i = 0; i < Count; i++)
        if (SeCreateClientSecurity(PsGetCurrentThread(), &q, FALSE, &cc[i]) != 0)
            exit(1);
    size_t after = HeapInUse();
    printf("| client context, %s tracking (10-group client) | %.0f heap + %zu caller's SECURITY_CLIENT_CONTEXT | %s | |\n",
           Static ? "static" : "dynamic", (double)(after - before) / Count, sizeof(SECURITY_CLIENT_CONTEXT),
           Static ? "a token copy" : "one reference on the client's token");
    for (int i = 0; i < Count; i++)
        SeDeleteClientSecurity(&cc[i]);
    free(cc);
    PsRevertToSelf();
    ObDereferenceObject(tok);
}

static void ThreadRow(int Count)
{
    PETHREAD *t = calloc(Count, sizeof *t);
    PACCESS_TOKEN tok = TokenWithGroups(10, 0);
    for (int i = 0; i < Count; i++)
        if (NtsecCreateThread(PsGetCurrentProcess(), BenchIdle, NULL, &t[i]) != 0)
            exit(1);
    size_t before = HeapInUse();
    for (int i = 0; i < Count; i++)
        PsImpersonateClient(t[i], tok, FALSE, FALSE, SecurityImpersonation);
    size_t after = HeapInUse();
    printf("| a thread's impersonation state (first impersonation) | %.0f | %zu (PS_IMPERSONATION_INFORMATION) | %.2fx |\n",
           (double)(after - before) / Count, sizeof(PS_IMPERSONATION_INFORMATION),
           (double)(after - before) / Count / sizeof(PS_IMPERSONATION_INFORMATION));
    for (int i = 0; i < Count; i++)
        PsRevertThreadToSelf(t[i]);
    BenchIdleRelease();
    for (int i = 0; i < Count; i++) {
        NtsecJoinThread(t[i]);
        ObDereferenceObject(t[i]);
    }
    free(t);
    ObDereferenceObject(tok);
}

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 1000;
    if (count < 1)
        return 2;
    printf("| object | heap bytes each (mallinfo2, %d live) | bytes the contents need | heap / contents |\n", count);
    printf("|---|---:|---|---:|\n");
    TokenRow(10, count);
    TokenRow(100, count);
    ClientRow(FALSE, count);
    ClientRow(TRUE, count);
    ThreadRow(count < 64 ? count : 64);
    return 0;
}
