/*
 * test_ksec_kerberos.c - the "Kerberos" and "Negotiate" SSPI packages end to end against the
 * throwaway KDC (fixture ksec_kdc): enumeration, the handshake through the public API in
 * one process and across two (a re-executed client running as another uid), attributes,
 * sealing and signing both ways with tampering and replay, errors that leave no context,
 * impersonation seen by SeCaptureSubjectContext, the double hop with delegation, and (root)
 * the host backend running the thread as the mapped uid.
 */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "krb_sspi.h"
#include "sspi_helpers.h"
#include "se/sep.h"

static const char *Packages[] = {"Kerberos", "Negotiate"};
static char SelfPath[600];

static void WriteIdMap(void)
{
    char map[700];
    KrbPath(map, sizeof(map), "sspi.idmap");
    FILE *f = fopen(map, "w");
    assert_non_null(f);
    fprintf(f, "principal alice@" KRB_REALM " S-1-5-21-7-8-9-1104 S-1-5-21-7-8-9-513 S-1-5-21-7-8-9-1106\n");
    fprintf(f, "principal bob@" KRB_REALM " S-1-22-1-40001 S-1-22-2-40101\n");
    fclose(f);
    assert_status(NtsecLoadIdMap(map), STATUS_SUCCESS);
}

static void test_enumerate_lists_kerberos_and_negotiate(void **state)
{
    ULONG count = 0;
    PSecPkgInfoW info = NULL;
    assert_int_equal(EnumerateSecurityPackagesW(&count, &info), SEC_E_OK);
    int found = 0;
    for (ULONG i = 0; i < count; i++) {
        char name[64];
        KrbNarrow(info[i].Name, name, sizeof(name));
        if (strcmp(name, "Kerberos") == 0) {
            found |= 1;
            assert_int_equal(info[i].wRPCID, 16);
            assert_true(info[i].fCapabilities & SECPKG_FLAG_DELEGATION);
        }
        if (strcmp(name, "Negotiate") == 0) {
            found |= 2;
            assert_int_equal(info[i].wRPCID, 9);
        }
        assert_string_not_equal(name, "NTLM"); /* not offered: docs/sspi.md */
    }
    assert_int_equal(found, 3);
    assert_int_equal(FreeContextBuffer(info), SEC_E_OK);
}

static void test_exchange_names_and_impersonation(void **state)
{
    WriteIdMap();
    for (int p = 0; p < 2; p++) {
        CredHandle c, s;
        CtxtHandle cc, sc;
        ULONG ca = 0, sa = 0;
        ULONG contexts = NtsecSecurityContextCount();
        assert_int_equal(KrbClientCred(Packages[p], "alice", "alicepw", &c), SEC_E_OK);
        assert_int_equal(KrbServerCred(Packages[p], &s), SEC_E_OK);
        assert_int_equal(KrbHandshake(&c, &s, "HTTP/localhost",
                                      ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY |
                                          ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT,
                                      &cc, &sc, &ca, &sa),
                         SEC_E_OK);
        assert_true(ca & ISC_RET_MUTUAL_AUTH);
        assert_true(sa & ASC_RET_MUTUAL_AUTH);
        assert_false(sa & ASC_RET_DELEGATE);
        SecPkgContext_NamesW names;
        char text[256];
        assert_int_equal(QueryContextAttributesW(&sc, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
        KrbNarrow(names.sUserName, text, sizeof(text));
        assert_string_equal(text, "alice@" KRB_REALM);
        FreeContextBuffer(names.sUserName);
        SecPkgContext_NativeNamesW native;
        assert_int_equal(QueryContextAttributesW(&cc, SECPKG_ATTR_NATIVE_NAMES, &native), SEC_E_OK);
        KrbNarrow(native.sServerName, text, sizeof(text));
        assert_string_equal(text, "HTTP/localhost@" KRB_REALM);
        FreeContextBuffer(native.sClientName);
        FreeContextBuffer(native.sServerName);
        SecPkgContext_SessionKey k1, k2;
        assert_int_equal(QueryContextAttributesW(&cc, SECPKG_ATTR_SESSION_KEY, &k1), SEC_E_OK);
        assert_int_equal(QueryContextAttributesW(&sc, SECPKG_ATTR_SESSION_KEY, &k2), SEC_E_OK);
        assert_int_equal(k1.SessionKeyLength, k2.SessionKeyLength);
        assert_memory_equal(k1.SessionKey, k2.SessionKey, k1.SessionKeyLength);
        FreeContextBuffer(k1.SessionKey);
        FreeContextBuffer(k2.SessionKey);
        SecPkgContext_Sizes sizes;
        assert_int_equal(QueryContextAttributesW(&sc, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
        assert_true(sizes.cbMaxToken >= 48000 && sizes.cbMaxSignature > 0 && sizes.cbSecurityTrailer > 0);

        /* impersonation: SeCaptureSubjectContext sees alice's mapped token, revert restores */
        PACCESS_TOKEN token = NULL;
        assert_int_equal(QuerySecurityContextToken(&sc, &token), SEC_E_OK);
        assert_int_equal(((PTOKEN)token)->ImpersonationLevel, SecurityImpersonation);
        assert_memory_equal(((PTOKEN)token)->TokenSource.SourceName, "Kerberos", 8);
        assert_int_equal(ImpersonateSecurityContext(&sc), SEC_E_OK);
        SECURITY_SUBJECT_CONTEXT subject;
        SeCaptureSubjectContext(&subject);
        assert_ptr_equal(subject.ClientToken, token);
        char buf[4096];
        SIZE_T needed;
        assert_status(NtsecFormatToken(subject.ClientToken, buf, sizeof(buf), &needed), STATUS_SUCCESS);
        assert_non_null(strstr(buf, "user=S-1-5-21-7-8-9-1104"));
        assert_non_null(strstr(buf, ",NU,"));
        SeReleaseSubjectContext(&subject);
        assert_int_equal(RevertSecurityContext(&sc), SEC_E_OK);
        SeCaptureSubjectContext(&subject);
        assert_null(subject.ClientToken);
        SeReleaseSubjectContext(&subject);
        ObDereferenceObject(token);

        assert_int_equal(DeleteSecurityContext(&cc), SEC_E_OK);
        assert_int_equal(DeleteSecurityContext(&sc), SEC_E_OK);
        assert_int_equal(FreeCredentialsHandle(&c), SEC_E_OK);
        assert_int_equal(FreeCredentialsHandle(&s), SEC_E_OK);
        assert_int_equal(NtsecSecurityContextCount(), contexts);
    }
}

static void test_seal_and_sign_both_ways(void **state)
{
    WriteIdMap();
    for (int p = 0; p < 2; p++) {
        CredHandle c, s;
        CtxtHandle cc, sc;
        assert_int_equal(KrbClientCred(Packages[p], "alice", "alicepw", &c), SEC_E_OK);
        assert_int_equal(KrbServerCred(Packages[p], &s), SEC_E_OK);
        assert_int_equal(KrbHandshake(&c, &s, "HTTP/localhost",
                                      ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY |
                                          ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT,
                                      &cc, &sc, NULL, NULL),
                         SEC_E_OK);
        SecPkgContext_Sizes sizes;
        assert_int_equal(QueryContextAttributesW(&cc, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
        for (int dir = 0; dir < 2; dir++) {
            PCtxtHandle from = dir ? &sc : &cc, to = dir ? &cc : &sc;
            UCHAR header[256], data[11], saveH[256], saveD[11];
            memcpy(data, "hello world", 11);
            SecBuffer b[2] = {{sizes.cbSecurityTrailer, SECBUFFER_TOKEN, header}, {11, SECBUFFER_DATA, data}};
            SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
            assert_int_equal(EncryptMessage(from, 0, &d, 0), SEC_E_OK);
            assert_memory_not_equal(data, "hello world", 11);
            ULONG hl = b[0].cbBuffer;
            memcpy(saveH, header, hl);
            memcpy(saveD, data, 11);
            ULONG qop = 7;
            assert_int_equal(DecryptMessage(to, &d, 0, &qop), SEC_E_OK);
            assert_int_equal(qop, 0);
            assert_memory_equal(data, "hello world", 11);
            memcpy(header, saveH, hl);
            memcpy(data, saveD, 11);
            b[0].cbBuffer = hl;
            assert_int_equal(DecryptMessage(to, &d, 0, &qop), SEC_E_OUT_OF_SEQUENCE); /* replayed */
            b[0].cbBuffer = sizes.cbSecurityTrailer;
            assert_int_equal(EncryptMessage(from, 0, &d, 0), SEC_E_OK);
            data[3] ^= 0x20;
            assert_int_equal(DecryptMessage(to, &d, 0, &qop), SEC_E_MESSAGE_ALTERED); /* tampered */
            b[0].cbBuffer = 4; /* too small for the header */
            assert_int_equal(EncryptMessage(from, 0, &d, 0), SEC_E_BUFFER_TOO_SMALL);

            UCHAR mic[128], msg[4] = {'p', 'i', 'n', 'g'};
            SecBuffer m[2] = {{4, SECBUFFER_DATA, msg}, {sizes.cbMaxSignature, SECBUFFER_TOKEN, mic}};
            SecBufferDesc md = {SECBUFFER_VERSION, 2, m};
            assert_int_equal(MakeSignature(from, 0, &md, 0), SEC_E_OK);
            /* the tampered message above was never accepted: this one comes after a gap */
            assert_int_equal(VerifySignature(to, &md, 0, &qop), SEC_E_OUT_OF_SEQUENCE);
            assert_int_equal(VerifySignature(to, &md, 0, &qop), SEC_E_OUT_OF_SEQUENCE); /* replayed */
            m[1].cbBuffer = sizes.cbMaxSignature;
            assert_int_equal(MakeSignature(from, 0, &md, 0), SEC_E_OK);
            msg[0] = 'P';
            assert_int_equal(VerifySignature(to, &md, 0, &qop), SEC_E_MESSAGE_ALTERED);
        }
        DeleteSecurityContext(&cc);
        DeleteSecurityContext(&sc);
        FreeCredentialsHandle(&c);
        FreeCredentialsHandle(&s);
    }
}

static void test_errors_leave_no_context(void **state)
{
    WriteIdMap();
    for (int p = 0; p < 2; p++) {
        ULONG contexts = NtsecSecurityContextCount();
        CredHandle c, s;
        CtxtHandle cc, sc;
        assert_int_equal(KrbServerCred(Packages[p], &s), SEC_E_OK);
        assert_int_equal(KrbClientCred(Packages[p], "alice", "wrong", &c), SEC_E_OK); /* checked at ISC */
        assert_int_equal(KrbHandshake(&c, &s, "HTTP/localhost", ISC_REQ_MUTUAL_AUTH, &cc, &sc, NULL, NULL),
                         SEC_E_LOGON_DENIED);
        FreeCredentialsHandle(&c);
        assert_int_equal(KrbClientCred(Packages[p], "alice", "alicepw", &c), SEC_E_OK);
        assert_int_equal(KrbHandshake(&c, &s, "nosuch/localhost", ISC_REQ_MUTUAL_AUTH, &cc, &sc, NULL, NULL),
                         SEC_E_TARGET_UNKNOWN);
        /* bob has no local account: authenticated but unmapped (id-map maps only alice and bob -> 40001) */
        FreeCredentialsHandle(&c);
        assert_int_equal(KrbClientCred(Packages[p], "daemon", "daemonpw", &c), SEC_E_OK);
        /* garbage to AcceptSecurityContext */
        UCHAR junk[64];
        memset(junk, 0x41, sizeof(junk));
        SecBuffer in = {sizeof(junk), SECBUFFER_TOKEN, junk}, out = {0, SECBUFFER_TOKEN, NULL};
        SecBufferDesc inD = {SECBUFFER_VERSION, 1, &in}, outD = {SECBUFFER_VERSION, 1, &out};
        ULONG attr;
        TimeStamp t;
        CtxtHandle h = {0, 0};
        assert_int_equal(AcceptSecurityContext(&s, NULL, &inD, ASC_REQ_ALLOCATE_MEMORY, 0, &h, &outD, &attr, &t),
                         SEC_E_INVALID_TOKEN);
        FreeCredentialsHandle(&c);
        FreeCredentialsHandle(&s);
        assert_int_equal(NtsecSecurityContextCount(), contexts);
    }
}

/* The double hop: alice delegates to HTTP/localhost, whose impersonating thread then
 * authenticates to svc2/localhost as alice. Without delegation the thread has no credentials. */
static void test_double_hop_with_delegation(void **state)
{
    WriteIdMap();
    char keytab[700];
    for (int p = 0; p < 2; p++) {
        CredHandle c, s;
        CtxtHandle cc, sc;
        ULONG sa = 0;
        assert_int_equal(KrbClientCred(Packages[p], "alice", "alicepw", &c), SEC_E_OK);
        assert_int_equal(KrbServerCred(Packages[p], &s), SEC_E_OK);
        assert_int_equal(KrbHandshake(&c, &s, "HTTP/localhost", ISC_REQ_MUTUAL_AUTH | ISC_REQ_DELEGATE, &cc, &sc,
                                      NULL, &sa),
                         SEC_E_OK);
        assert_true(sa & ASC_RET_DELEGATE);
        PACCESS_TOKEN token;
        assert_int_equal(QuerySecurityContextToken(&sc, &token), SEC_E_OK);
        assert_int_equal(((PTOKEN)token)->ImpersonationLevel, SecurityDelegation);
        ObDereferenceObject(token);

        assert_int_equal(ImpersonateSecurityContext(&sc), SEC_E_OK);
        CredHandle hop, s2;
        KRB_WSTR pkg;
        TimeStamp t;
        assert_int_equal(AcquireCredentialsHandleW(NULL, KrbW(&pkg, Packages[p]), SECPKG_CRED_OUTBOUND, NULL, NULL,
                                                   NULL, NULL, &hop, &t),
                         SEC_E_OK);
        assert_int_equal(RevertSecurityContext(&sc), SEC_E_OK);
        setenv("KRB5_KTNAME", KrbPath(keytab, sizeof(keytab), "svc2.keytab"), 1);
        assert_int_equal(KrbServerCred(Packages[p], &s2), SEC_E_OK);
        setenv("KRB5_KTNAME", KrbPath(keytab, sizeof(keytab), "http.keytab"), 1);
        CtxtHandle hc, h2;
        assert_int_equal(KrbHandshake(&hop, &s2, "svc2/localhost", ISC_REQ_MUTUAL_AUTH, &hc, &h2, NULL, NULL),
                         SEC_E_OK);
        SecPkgContext_NamesW names;
        char text[256];
        assert_int_equal(QueryContextAttributesW(&h2, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
        KrbNarrow(names.sUserName, text, sizeof(text));
        assert_string_equal(text, "alice@" KRB_REALM); /* the second service sees alice */
        FreeContextBuffer(names.sUserName);
        DeleteSecurityContext(&hc);
        DeleteSecurityContext(&h2);
        FreeCredentialsHandle(&hop);
        FreeCredentialsHandle(&s2);
        DeleteSecurityContext(&cc);
        DeleteSecurityContext(&sc);

        /* no delegation: Impersonation level, and no credentials while impersonating */
        assert_int_equal(KrbHandshake(&c, &s, "HTTP/localhost", ISC_REQ_MUTUAL_AUTH, &cc, &sc, NULL, &sa), SEC_E_OK);
        assert_false(sa & ASC_RET_DELEGATE);
        assert_int_equal(QuerySecurityContextToken(&sc, &token), SEC_E_OK);
        assert_int_equal(((PTOKEN)token)->ImpersonationLevel, SecurityImpersonation);
        ObDereferenceObject(token);
        assert_int_equal(ImpersonateSecurityContext(&sc), SEC_E_OK);
        assert_int_equal(AcquireCredentialsHandleW(NULL, KrbW(&pkg, Packages[p]), SECPKG_CRED_OUTBOUND, NULL, NULL,
                                                   NULL, NULL, &hop, &t),
                         SEC_E_NO_CREDENTIALS);
        assert_int_equal(RevertSecurityContext(&sc), SEC_E_OK);
        DeleteSecurityContext(&cc);
        DeleteSecurityContext(&sc);
        FreeCredentialsHandle(&c);
        FreeCredentialsHandle(&s);
    }
}

/* ISC_REQ_IDENTIFY: the server gets an Identification-level token (ASC_RET_IDENTIFY). */
static void test_identify_gives_identification_level(void **state)
{
    WriteIdMap();
    for (int p = 0; p < 2; p++) {
        CredHandle c, s;
        CtxtHandle cc, sc;
        ULONG ca = 0, sa = 0;
        assert_int_equal(KrbClientCred(Packages[p], "alice", "alicepw", &c), SEC_E_OK);
        assert_int_equal(KrbServerCred(Packages[p], &s), SEC_E_OK);
        assert_int_equal(KrbHandshake(&c, &s, "HTTP/localhost", ISC_REQ_MUTUAL_AUTH | ISC_REQ_IDENTIFY, &cc, &sc, &ca,
                                      &sa),
                         SEC_E_OK);
        assert_true(ca & ISC_RET_IDENTIFY);
        assert_true(sa & ASC_RET_IDENTIFY);
        PACCESS_TOKEN token;
        assert_int_equal(QuerySecurityContextToken(&sc, &token), SEC_E_OK);
        assert_int_equal(((PTOKEN)token)->ImpersonationLevel, SecurityIdentification);
        ObDereferenceObject(token);
        DeleteSecurityContext(&cc);
        DeleteSecurityContext(&sc);
        FreeCredentialsHandle(&c);
        FreeCredentialsHandle(&s);
    }
}

/* ---- two processes: the client is this binary re-executed (as uid 40001 when root) ---- */

/* The client process: bob by password, then Kerberos/Negotiate legs over Fd; exit 0 on success. */
static int ClientMain(const char *Package, int Fd)
{
    KrbUseRealm();
    CredHandle c;
    if (KrbClientCred(Package, "bob", "bobpw", &c) != SEC_E_OK)
        return 20;
    static UCHAR a[KRB_TOKEN_MAX], b[KRB_TOKEN_MAX];
    SecBuffer out = {sizeof(a), SECBUFFER_TOKEN, a}, in = {0, SECBUFFER_TOKEN, b};
    SecBufferDesc outD = {SECBUFFER_VERSION, 1, &out}, inD = {SECBUFFER_VERSION, 1, &in};
    KRB_WSTR target;
    CtxtHandle ctx;
    ULONG attr;
    TimeStamp t;
    SECURITY_STATUS st = InitializeSecurityContextW(&c, NULL, KrbW(&target, "HTTP/localhost"),
                                                    ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY, 0, 0, NULL, 0, &ctx,
                                                    &outD, &attr, &t);
    while (st == SEC_I_CONTINUE_NEEDED) {
        long n;
        if (KsSendFrame(Fd, a, out.cbBuffer) != 0 || (n = KsReadFrame(Fd, b, sizeof(b))) < 0)
            return 21;
        in.cbBuffer = (ULONG)n;
        out.cbBuffer = sizeof(a);
        st = InitializeSecurityContextW(&c, &ctx, KrbW(&target, "HTTP/localhost"),
                                        ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY, 0, 0, &inD, 0, &ctx, &outD,
                                        &attr, &t);
    }
    if (st != SEC_E_OK || !(attr & ISC_RET_MUTUAL_AUTH))
        return 22;
    /* a sealed message to the server */
    SecPkgContext_Sizes sizes;
    if (QueryContextAttributesW(&ctx, SECPKG_ATTR_SIZES, &sizes) != SEC_E_OK)
        return 23;
    UCHAR msg[256];
    memcpy(msg + sizes.cbSecurityTrailer, "from bob", 8);
    SecBuffer m[2] = {{sizes.cbSecurityTrailer, SECBUFFER_TOKEN, msg}, {8, SECBUFFER_DATA, msg + sizes.cbSecurityTrailer}};
    SecBufferDesc md = {SECBUFFER_VERSION, 2, m};
    if (EncryptMessage(&ctx, 0, &md, 0) != SEC_E_OK)
        return 24;
    memmove(msg + m[0].cbBuffer, msg + sizes.cbSecurityTrailer, 8);
    uint32_t hl = m[0].cbBuffer;
    if (KsSendFrame(Fd, &hl, 4) != 0 || KsSendFrame(Fd, msg, hl + 8) != 0)
        return 25;
    DeleteSecurityContext(&ctx);
    FreeCredentialsHandle(&c);
    return 0;
}

static void test_two_processes(void **state)
{
    WriteIdMap();
    for (int p = 0; p < 2; p++) {
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(sv[0]);
            if (getuid() == 0 && (setgroups(0, NULL) != 0 || setgid(40101) != 0 || setuid(40001) != 0))
                _exit(30);
            char fd[16];
            snprintf(fd, sizeof(fd), "%d", sv[1]);
            execl(SelfPath, SelfPath, "--client", Packages[p], fd, (char *)NULL);
            _exit(31);
        }
        close(sv[1]);
        CredHandle s;
        assert_int_equal(KrbServerCred(Packages[p], &s), SEC_E_OK);
        static UCHAR a[KRB_TOKEN_MAX], b[KRB_TOKEN_MAX];
        CtxtHandle sc;
        BOOLEAN have = FALSE;
        SECURITY_STATUS st = SEC_I_CONTINUE_NEEDED;
        while (st == SEC_I_CONTINUE_NEEDED) {
            long n = KsReadFrame(sv[0], a, sizeof(a));
            assert_true(n >= 0);
            SecBuffer in = {(ULONG)n, SECBUFFER_TOKEN, a}, out = {sizeof(b), SECBUFFER_TOKEN, b};
            SecBufferDesc inD = {SECBUFFER_VERSION, 1, &in}, outD = {SECBUFFER_VERSION, 1, &out};
            ULONG attr;
            TimeStamp t;
            st = AcceptSecurityContext(&s, have ? &sc : NULL, &inD, ASC_REQ_MUTUAL_AUTH, 0, &sc, &outD, &attr, &t);
            have = TRUE;
            if (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED)
                assert_int_equal(KsSendFrame(sv[0], b, out.cbBuffer), 0);
        }
        assert_int_equal(st, SEC_E_OK);
        uint32_t hl;
        assert_int_equal(KsReadFrame(sv[0], &hl, sizeof(hl)), 4);
        long n = KsReadFrame(sv[0], a, sizeof(a));
        assert_int_equal(n, hl + 8);
        SecBuffer m[2] = {{hl, SECBUFFER_TOKEN, a}, {8, SECBUFFER_DATA, a + hl}};
        SecBufferDesc md = {SECBUFFER_VERSION, 2, m};
        ULONG qop;
        assert_int_equal(DecryptMessage(&sc, &md, 0, &qop), SEC_E_OK);
        assert_memory_equal(a + hl, "from bob", 8);
        PACCESS_TOKEN token;
        assert_int_equal(QuerySecurityContextToken(&sc, &token), SEC_E_OK);
        char buf[4096];
        SIZE_T needed;
        assert_status(NtsecFormatToken(token, buf, sizeof(buf), &needed), STATUS_SUCCESS);
        assert_non_null(strstr(buf, "user=S-1-22-1-40001")); /* bob through the id-map file */
        ObDereferenceObject(token);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        close(sv[0]);
        DeleteSecurityContext(&sc);
        FreeCredentialsHandle(&s);
    }
}

/* Root only: with the host backend on, the impersonating thread runs as daemon's uid. */
static unsigned ThreadEuid(void)
{
    FILE *f = fopen("/proc/thread-self/status", "r");
    assert_non_null(f);
    char line[256];
    unsigned r = 0, e = 0;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "Uid: %u %u", &r, &e) == 2)
            break;
    fclose(f);
    return e;
}

static void test_host_backend_runs_as_mapped_uid(void **state)
{
    if (getuid() != 0) {
        skip();
    }
    struct passwd *pw = getpwnam("daemon");
    assert_non_null(pw);
    assert_status(NtsecEnableHostCredentials(NtsecHostEuid), STATUS_SUCCESS);
    CredHandle c, s;
    CtxtHandle cc, sc;
    assert_int_equal(KrbClientCred("Kerberos", "daemon", "daemonpw", &c), SEC_E_OK);
    assert_int_equal(KrbServerCred("Kerberos", &s), SEC_E_OK);
    assert_int_equal(KrbHandshake(&c, &s, "HTTP/localhost", ISC_REQ_MUTUAL_AUTH, &cc, &sc, NULL, NULL), SEC_E_OK);
    assert_int_equal(ThreadEuid(), 0);
    assert_int_equal(ImpersonateSecurityContext(&sc), SEC_E_OK);
    assert_int_equal(ThreadEuid(), (unsigned)pw->pw_uid);
    assert_int_equal(RevertSecurityContext(&sc), SEC_E_OK);
    assert_int_equal(ThreadEuid(), 0);
    DeleteSecurityContext(&cc);
    DeleteSecurityContext(&sc);
    FreeCredentialsHandle(&c);
    FreeCredentialsHandle(&s);
    assert_status(NtsecEnableHostCredentials(NtsecHostOff), STATUS_SUCCESS);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--client") == 0)
        return ClientMain(argv[2], atoi(argv[3]));
    ssize_t n = readlink("/proc/self/exe", SelfPath, sizeof(SelfPath) - 1);
    if (n <= 0)
        return 1;
    SelfPath[n] = '\0';
    KrbUseRealm();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enumerate_lists_kerberos_and_negotiate),
        cmocka_unit_test(test_exchange_names_and_impersonation),
        cmocka_unit_test(test_seal_and_sign_both_ways),
        cmocka_unit_test(test_errors_leave_no_context),
        cmocka_unit_test(test_double_hop_with_delegation),
        cmocka_unit_test(test_identify_gives_identification_level),
        cmocka_unit_test(test_two_processes),
        cmocka_unit_test(test_host_backend_runs_as_mapped_uid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
