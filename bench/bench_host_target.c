/*
 * bench_host_target.c - the first computation of a token's Linux target (src/host/target.c,
 * issue 15 section 4): n log n in the groups whatever order the token holds its gids in.
 * The target is cached with the token, so a computation is measured as (make a token,
 * compute its target, delete it) minus (make a token, delete it); bench/report.sh takes the
 * difference of callgrind instruction counts. No root needed (nothing is switched).
 *   --once build|target asc|desc GROUPS N
 * Without arguments: the wall time of both modes at 4,096 groups, ascending and descending,
 * in alternating bursts (the baseline is the build alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "host/hostp.h"

typedef struct {
    char *Text;
    int Compute;
} BENCH_TARGET;

/* "user=S-1-22-1-1001 groups=S-1-22-2-<gid>,..." with Groups gids ascending or descending.
 * Returns a malloc'd string (the caller frees it). */
static char *TargetText(int Groups, int Descending)
{
    size_t cap = 128 + (size_t)Groups * 24;
    char *text = malloc(cap);
    if (text == NULL)
        exit(1);
    size_t n = (size_t)snprintf(text, cap, "user=S-1-22-1-1001 groups=");
    for (int i = 0; i < Groups; i++)
        n += (size_t)snprintf(text + n, cap - n, "%sS-1-22-2-%d", i ? "," : "",
                              Descending ? 100000 - i : 100000 - Groups + 1 + i);
    snprintf(text + n, cap - n, " integrity=ME type=impersonation level=impersonation");
    return text;
}

static void Loop(void *Context, uint64_t n)
{
    BENCH_TARGET *b = Context;
    for (uint64_t i = 0; i < n; i++) {
        PACCESS_TOKEN t = NULL;
        if (NtsecCreateTokenFromText(b->Text, &t) != 0) {
            fprintf(stderr, "token text: %s\n", NtsecLastErrorText());
            exit(1);
        }
        if (b->Compute) {
            HOST_CREDS c = {0};
            ULONG cls;
            if (HostComputeTarget(t, SecurityImpersonation, &c, &cls) != STATUS_SUCCESS || cls != HOST_CLASS_FULL)
                exit(1);
            HostCredsFree(&c);
        }
        ObDereferenceObject(t);
    }
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "--once") == 0) {
        int groups = atoi(argv[4]);
        if (groups < 1 || groups > 4096)
            return 2;
        BENCH_TARGET b = {TargetText(groups, strcmp(argv[3], "desc") == 0), strcmp(argv[2], "target") == 0};
        Loop(&b, strtoull(argv[5], NULL, 10));
        free(b.Text);
        return 0;
    }
    int rounds = BenchRounds();
    BENCH_ALT r;
    BenchAltHeader("Host target: make a 4,096-group token and compute its Linux target, against making it");
    for (int desc = 0; desc < 2; desc++) {
        BENCH_TARGET build = {TargetText(4096, desc), 0}, target = {build.Text, 1};
        BenchAlternate(Loop, &target, Loop, &build, BenchSeconds(), rounds, &r);
        BenchAltRow(desc ? "token + target, 4096 gids descending" : "token + target, 4096 gids ascending",
                    "token alone", &r);
        free(build.Text);
    }
    return 0;
}
