/*
 * test_ksec_sspi_threads.c - the SSPI framework under concurrency (run under TSan in CI):
 * message protection, attribute queries and impersonation on the same contexts from several
 * threads, credential and handshake churn, and a DeleteSecurityContext racing all of them.
 * Every call returns SEC_E_OK or, once the handle is gone, SEC_E_INVALID_HANDLE; nothing
 * crashes or leaks and the counts return to where they were. Loops are bounded in count.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>
#include "sspi_helpers.h"

#define KS_ROUNDS 400

typedef struct {
    CtxtHandle Client, Server;
    _Atomic int Deleted;
    _Atomic int Bad; /* an unexpected status was seen */
} KS_SHARED;

static void Expect(KS_SHARED *S, SECURITY_STATUS St)
{
    if (St != SEC_E_OK && !(St == SEC_E_INVALID_HANDLE && atomic_load(&S->Deleted)))
        atomic_store(&S->Bad, (int)St);
}

/* seal on the client, unseal on the server: one sender, one receiver, so in order */
static void *Messages(void *Arg)
{
    KS_SHARED *s = Arg;
    for (int i = 0; i < KS_ROUNDS; i++) {
        unsigned char m[32] = "concurrent", t[28];
        SECURITY_STATUS st = KsProtect(&s->Client, TRUE, m, sizeof(m), t);
        Expect(s, st);
        if (st == SEC_E_OK)
            Expect(s, KsUnprotect(&s->Server, TRUE, m, sizeof(m), t));
    }
    return NULL;
}

static void *Queries(void *Arg)
{
    KS_SHARED *s = Arg;
    for (int i = 0; i < KS_ROUNDS; i++) {
        SecPkgContext_Sizes sizes;
        SecPkgContext_NtsecPeer peer;
        SecPkgContext_Flags flags;
        Expect(s, QueryContextAttributesW(&s->Server, SECPKG_ATTR_SIZES, &sizes));
        Expect(s, QueryContextAttributesW(&s->Server, SECPKG_ATTR_NTSEC_PEER, &peer));
        Expect(s, QueryContextAttributesW(&s->Server, SECPKG_ATTR_FLAGS, &flags));
        SECURITY_STATUS st = ImpersonateSecurityContext(&s->Server);
        Expect(s, st);
        if (st == SEC_E_OK)
            PsRevertToSelf();
        PVOID t = NULL;
        st = QuerySecurityContextToken(&s->Server, &t);
        Expect(s, st);
        if (t != NULL)
            ObDereferenceObject(t);
    }
    return NULL;
}

/* handshakes of their own, with credentials freed under their contexts */
static void *Churn(void *Arg)
{
    KS_SHARED *s = Arg;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        atomic_store(&s->Bad, 1);
        return NULL;
    }
    KS_WSTR w;
    for (int i = 0; i < KS_ROUNDS / 4; i++) {
        CredHandle cc, sc;
        CtxtHandle c, v;
        ULONG attr, len = 80;
        unsigned char token[80];
        if (AcquireCredentialsHandleW(NULL, KsStr(&w, "ntsec-local"), SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cc,
                                      NULL) != SEC_E_OK ||
            AcquireCredentialsHandleW(NULL, KsStr(&w, "ntsec-local"), SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &sc,
                                      NULL) != SEC_E_OK) {
            atomic_store(&s->Bad, 2);
            break;
        }
        SecBuffer out = {len, SECBUFFER_TOKEN, token};
        SecBufferDesc od = {SECBUFFER_VERSION, 1, &out};
        if (InitializeSecurityContextW(&cc, NULL, NULL, 0, 0, 0, NULL, 0, &c, &od, &attr, NULL) != SEC_E_OK ||
            FreeCredentialsHandle(&cc) != SEC_E_OK ||
            KsAccept(&sc, sv[0], token, out.cbBuffer, 0, &v, &attr) != SEC_E_OK ||
            FreeCredentialsHandle(&sc) != SEC_E_OK || DeleteSecurityContext(&c) != SEC_E_OK ||
            DeleteSecurityContext(&v) != SEC_E_OK)
            atomic_store(&s->Bad, 3);
    }
    close(sv[0]);
    close(sv[1]);
    return NULL;
}

static void test_concurrent_use_and_delete(void **state)
{
    ULONG contexts = NtsecSecurityContextCount(), creds = NtsecCredentialsHandleCount();
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    CredHandle cc = KsAcquire("ntsec-local", SECPKG_CRED_OUTBOUND), sc = KsAcquire("ntsec-local", SECPKG_CRED_INBOUND);
    static KS_SHARED s;
    memset(&s, 0, sizeof(s));
    unsigned char token[80];
    ULONG len = sizeof(token), attr;
    assert_int_equal(KsInitialize(&cc, 0, NULL, &s.Client, token, &len, &attr), SEC_E_OK);
    assert_int_equal(KsAccept(&sc, sv[0], token, len, 0, &s.Server, &attr), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&cc), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&sc), SEC_E_OK);
    pthread_t t[4];
    assert_int_equal(pthread_create(&t[0], NULL, Messages, &s), 0);
    assert_int_equal(pthread_create(&t[1], NULL, Queries, &s), 0);
    assert_int_equal(pthread_create(&t[2], NULL, Queries, &s), 0);
    assert_int_equal(pthread_create(&t[3], NULL, Churn, &s), 0);
    usleep(1000); /* not a timing assertion: the delete may land anywhere, any outcome is checked */
    atomic_store(&s.Deleted, 1);
    assert_int_equal(DeleteSecurityContext(&s.Server), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&s.Client), SEC_E_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(atomic_load(&s.Bad), 0);
    assert_int_equal(DeleteSecurityContext(&s.Server), SEC_E_INVALID_HANDLE);
    assert_int_equal(NtsecSecurityContextCount(), contexts);
    assert_int_equal(NtsecCredentialsHandleCount(), creds);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_use_and_delete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
