/*
 * bench_kerberos.c - one Kerberos authentication (client AP-REQ, server accept and AP-REP,
 * client verifies it, both contexts deleted) through ntsec's SSPI vs the same GSSAPI calls
 * made directly, in alternating bursts in one run. The ntsec side also builds the client's
 * NT token (id-map principal line) as every AcceptSecurityContext does.
 * Needs a realm: run under tests/fixtures/kdc.sh (bench/report/kerberos.sh starts one).
 * NTSEC_BENCH_SECONDS per burst (default 0.3), NTSEC_BENCH_ROUNDS rounds (default 10).
 * --once ntsec|gss N: only N exchanges of one side after the first (the password logon and
 * the service ticket), for callgrind (bench/report.sh: instructions per exchange).
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness.h"
#include "ntifs.h"
#include "ntsec.h"
#include "sspi.h"

typedef struct {
    CredHandle Client, Server;
    gss_cred_id_t GssClient, GssServer;
    gss_name_t Target;
    int Failed;
} BENCH_KRB;

static WCHAR TargetW[] = {'H', 'T', 'T', 'P', '/', 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0};

static void ViaNtsec(void *Context, uint64_t n)
{
    BENCH_KRB *b = Context;
    static UCHAR t1[16384], t2[16384];
    SECURITY_STRING target = {28, 30, TargetW};
    for (uint64_t i = 0; i < n && !b->Failed; i++) {
        CtxtHandle cc, sc;
        ULONG ca, sa;
        TimeStamp t;
        SecBuffer o1 = {sizeof(t1), SECBUFFER_TOKEN, t1}, o2 = {sizeof(t2), SECBUFFER_TOKEN, t2};
        SecBufferDesc d1 = {SECBUFFER_VERSION, 1, &o1}, d2 = {SECBUFFER_VERSION, 1, &o2};
        if (InitializeSecurityContextW(&b->Client, NULL, &target, ISC_REQ_MUTUAL_AUTH, 0, 0, NULL, 0, &cc, &d1, &ca,
                                       &t) != SEC_I_CONTINUE_NEEDED ||
            AcceptSecurityContext(&b->Server, NULL, &d1, 0, 0, &sc, &d2, &sa, &t) != SEC_E_OK ||
            InitializeSecurityContextW(&b->Client, &cc, &target, ISC_REQ_MUTUAL_AUTH, 0, 0, &d2, 0, &cc, &d1, &ca,
                                       &t) != SEC_E_OK)
            b->Failed = 1;
        DeleteSecurityContext(&cc);
        DeleteSecurityContext(&sc);
    }
}

static void ViaGss(void *Context, uint64_t n)
{
    BENCH_KRB *b = Context;
    OM_uint32 minor;
    for (uint64_t i = 0; i < n && !b->Failed; i++) {
        gss_ctx_id_t cc = GSS_C_NO_CONTEXT, sc = GSS_C_NO_CONTEXT;
        gss_buffer_desc t1 = GSS_C_EMPTY_BUFFER, t2 = GSS_C_EMPTY_BUFFER, t3 = GSS_C_EMPTY_BUFFER;
        gss_name_t src = GSS_C_NO_NAME;
        if (gss_init_sec_context(&minor, b->GssClient, &cc, b->Target, (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG, 0,
                                 NULL, GSS_C_NO_BUFFER, NULL, &t1, NULL, NULL) != GSS_S_CONTINUE_NEEDED ||
            gss_accept_sec_context(&minor, &sc, b->GssServer, &t1, NULL, &src, NULL, &t2, NULL, NULL, NULL) !=
                GSS_S_COMPLETE ||
            gss_init_sec_context(&minor, b->GssClient, &cc, b->Target, (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG, 0,
                                 NULL, &t2, NULL, &t3, NULL, NULL) != GSS_S_COMPLETE)
            b->Failed = 1;
        gss_release_buffer(&minor, &t1);
        gss_release_buffer(&minor, &t2);
        gss_release_buffer(&minor, &t3);
        gss_release_name(&minor, &src);
        gss_delete_sec_context(&minor, &cc, GSS_C_NO_BUFFER);
        gss_delete_sec_context(&minor, &sc, GSS_C_NO_BUFFER);
    }
}

/* The calling thread's CPU time of one burst of 100 exchanges, as ns per exchange. */
static double CpuBurst(BENCH_FN Fn, BENCH_KRB *B)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    Fn(B, 100);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 100.0;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("NTSEC_KRB5_DIR"), *realm = getenv("NTSEC_KRB5_REALM");
    if (dir == NULL || realm == NULL) {
        fprintf(stderr, "bench_kerberos: run with a realm's env (tests/fixtures/kdc.sh; docs/BENCHMARKS.md)\n");
        return 2;
    }
    char map[600], line[300];
    snprintf(map, sizeof(map), "%s/bench.idmap", dir);
    FILE *f = fopen(map, "w");
    if (f == NULL)
        return 1;
    snprintf(line, sizeof(line), "principal alice@%s S-1-5-21-7-8-9-1104 S-1-5-21-7-8-9-513 S-1-5-21-7-8-9-1106\n",
             realm);
    fputs(line, f);
    fclose(f);
    if (NtsecLoadIdMap(map) != STATUS_SUCCESS)
        return 1;

    BENCH_KRB b;
    memset(&b, 0, sizeof(b));
    WCHAR pkg[] = {'K', 'e', 'r', 'b', 'e', 'r', 'o', 's', 0}, user[] = {'a', 'l', 'i', 'c', 'e'},
          pass[] = {'a', 'l', 'i', 'c', 'e', 'p', 'w'};
    SECURITY_STRING package = {16, 18, pkg};
    SEC_WINNT_AUTH_IDENTITY_W id = {(USHORT *)user, 5, NULL, 0, (USHORT *)pass, 7, SEC_WINNT_AUTH_IDENTITY_UNICODE};
    TimeStamp t;
    if (AcquireCredentialsHandleW(NULL, &package, SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL, &b.Client, &t) !=
            SEC_E_OK ||
        AcquireCredentialsHandleW(NULL, &package, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &b.Server, &t) !=
            SEC_E_OK) {
        fprintf(stderr, "bench_kerberos: credentials\n");
        return 1;
    }
    OM_uint32 minor;
    gss_buffer_desc name = {5, "alice"}, pw = {7, "alicepw"}, target = {14, "HTTP/localhost"};
    gss_name_t alice;
    gss_OID_set_desc krb5 = {1, (gss_OID)gss_mech_krb5};
    if (gss_import_name(&minor, &name, GSS_KRB5_NT_PRINCIPAL_NAME, &alice) != GSS_S_COMPLETE ||
        gss_import_name(&minor, &target, GSS_KRB5_NT_PRINCIPAL_NAME, &b.Target) != GSS_S_COMPLETE ||
        gss_acquire_cred_with_password(&minor, alice, &pw, 0, &krb5, GSS_C_INITIATE, &b.GssClient, NULL, NULL) !=
            GSS_S_COMPLETE ||
        gss_acquire_cred(&minor, GSS_C_NO_NAME, 0, &krb5, GSS_C_ACCEPT, &b.GssServer, NULL, NULL) != GSS_S_COMPLETE) {
        fprintf(stderr, "bench_kerberos: gss credentials\n");
        return 1;
    }
    ViaNtsec(&b, 1); /* first use: the password logon and the service ticket */
    ViaGss(&b, 1);
    if (argc == 4 && strcmp(argv[1], "--once") == 0) {
        uint64_t n = strtoull(argv[3], NULL, 10);
        if (n > 0)
            n--; /* the first exchange was made above */
        if (strcmp(argv[2], "ntsec") == 0)
            ViaNtsec(&b, n);
        else if (strcmp(argv[2], "gss") == 0)
            ViaGss(&b, n);
        else
            return 2;
        return b.Failed;
    }
    int rounds = BenchRounds();
    BENCH_ALT r;
    BenchAltHeader("Kerberos Initialize+Accept+Initialize round trip (mutual auth, AES256), alternating bursts");
    BenchAlternate(ViaNtsec, &b, ViaGss, &b, BenchSeconds(), rounds, &r);
    BenchAltRow("SSPI (ntsec, incl. token build), wall", "GSSAPI direct, wall", &r);
    /* The same on the thread's CPU clock: in steady state every step is CPU work in this
     * thread (the service ticket is cached), so this is robust against a loaded machine.
     * Alternating bursts of 100 exchanges, GSSAPI first in each round. */
    double *op = calloc((size_t)rounds, sizeof(double)), *base = calloc((size_t)rounds, sizeof(double)),
           *ratio = calloc((size_t)rounds, sizeof(double));
    if (op == NULL || base == NULL || ratio == NULL)
        return 1;
    for (int round = 0; round < rounds; round++) {
        base[round] = CpuBurst(ViaGss, &b);
        op[round] = CpuBurst(ViaNtsec, &b);
        ratio[round] = op[round] / base[round];
    }
    BenchStats(op, rounds, r.Op);
    BenchStats(base, rounds, r.Base);
    BenchStats(ratio, rounds, r.Ratio);
    free(op);
    free(base);
    free(ratio);
    BenchAltRow("SSPI, thread CPU time", "GSSAPI direct, thread CPU time", &r);
    if (b.Failed) {
        fprintf(stderr, "bench_kerberos: an exchange failed\n");
        return 1;
    }
    FreeCredentialsHandle(&b.Client);
    FreeCredentialsHandle(&b.Server);
    gss_release_cred(&minor, &b.GssClient);
    gss_release_cred(&minor, &b.GssServer);
    gss_release_name(&minor, &alice);
    gss_release_name(&minor, &b.Target);
    return 0;
}
