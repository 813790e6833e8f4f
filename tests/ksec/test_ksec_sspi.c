/*
 * test_ksec_sspi.c - the SSPI framework (docs/sspi.md): package enumeration and information,
 * credential handles (acquire, query, free, the errors), the handle discipline shared by
 * credential and context handles (stale, foreign, forged, wrong-kind handles are
 * SEC_E_INVALID_HANDLE), and the handshake's argument errors with no context left behind.
 */
#include <stdlib.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include "sspi_helpers.h"

/* EnumerateSecurityPackagesW lists exactly what works: ntsec-local, Kerberos, Negotiate
 * (test_ksec_kerberos checks the last two). */
static void test_enumerate_lists_working_packages(void **state)
{
    ULONG count = 99;
    PSecPkgInfoW info = NULL;
    assert_int_equal(EnumerateSecurityPackagesW(&count, &info), SEC_E_OK);
    assert_int_equal(count, 3);
    char name[64];
    assert_string_equal(KsNarrow(info[0].Name, name, sizeof(name)), "ntsec-local");
    assert_string_equal(KsNarrow(info[1].Name, name, sizeof(name)), "Kerberos");
    assert_string_equal(KsNarrow(info[2].Name, name, sizeof(name)), "Negotiate");
    assert_true(info[0].fCapabilities & SECPKG_FLAG_IMPERSONATION);
    assert_true(info[0].fCapabilities & SECPKG_FLAG_INTEGRITY);
    assert_true(info[0].fCapabilities & SECPKG_FLAG_PRIVACY);
    assert_int_equal(info[0].cbMaxToken, 80);
    assert_int_equal(info[0].wRPCID, SECPKG_ID_NONE);
    assert_non_null(info[0].Comment);
    assert_int_equal(FreeContextBuffer(info), SEC_E_OK);
    assert_int_equal(FreeContextBuffer(NULL), SEC_E_OK);
    assert_int_equal(EnumerateSecurityPackagesW(NULL, &info), SEC_E_INVALID_PARAMETER);
    assert_int_equal(EnumerateSecurityPackagesW(&count, NULL), SEC_E_INVALID_PARAMETER);
}

/* QuerySecurityPackageInfoW: names are case-insensitive; unlisted or unknown names are
 * SEC_E_SECPKG_NOT_FOUND (Wine secur32 returns it for unknown names). */
static void test_query_package_info(void **state)
{
    KS_WSTR w;
    PSecPkgInfoW info = NULL;
    char name[64];
    assert_int_equal(QuerySecurityPackageInfoW(KsStr(&w, "NTSEC-Local"), &info), SEC_E_OK);
    assert_string_equal(KsNarrow(info->Name, name, sizeof(name)), "ntsec-local");
    assert_int_equal(FreeContextBuffer(info), SEC_E_OK);
    assert_int_equal(QuerySecurityPackageInfoW(KsStr(&w, "kerberos"), &info), SEC_E_OK);
    assert_string_equal(KsNarrow(info->Name, name, sizeof(name)), "Kerberos");
    assert_int_equal(FreeContextBuffer(info), SEC_E_OK);
    info = (PSecPkgInfoW)0x1;
    assert_int_equal(QuerySecurityPackageInfoW(KsStr(&w, "NTLM"), &info), SEC_E_SECPKG_NOT_FOUND);
    assert_null(info);
    assert_int_equal(QuerySecurityPackageInfoW(KsStr(&w, "ntsec-explicit"), &info), SEC_E_SECPKG_NOT_FOUND);
    assert_int_equal(QuerySecurityPackageInfoW(KsStr(&w, "nope"), &info), SEC_E_SECPKG_NOT_FOUND);
    assert_int_equal(QuerySecurityPackageInfoW(NULL, &info), SEC_E_SECPKG_NOT_FOUND);
    SECURITY_STRING odd = {3, 8, w.Buffer};
    assert_int_equal(QuerySecurityPackageInfoW(&odd, &info), SEC_E_SECPKG_NOT_FOUND);
    assert_int_equal(QuerySecurityPackageInfoW(KsStr(&w, "ntsec-local"), NULL), SEC_E_INVALID_PARAMETER);
}

/* AcquireCredentialsHandleW's errors, in the order docs/sspi.md lists them; none leaves a
 * credential behind. */
static void test_acquire_errors(void **state)
{
    ULONG creds = NtsecCredentialsHandleCount();
    KS_WSTR pkg, who;
    CredHandle h;
    assert_int_equal(AcquireCredentialsHandleW(NULL, KsStr(&pkg, "ntsec-local"), SECPKG_CRED_INBOUND, NULL, NULL,
                                               NULL, NULL, NULL, NULL),
                     SEC_E_INVALID_PARAMETER);
    assert_int_equal(AcquireCredentialsHandleW(NULL, NULL, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &h, NULL),
                     SEC_E_SECPKG_NOT_FOUND);
    /* Kerberos without a keytab (a file that does not exist): no credentials */
    setenv("KRB5_KTNAME", "FILE:/nonexistent/ntsec-test.keytab", 1);
    assert_int_equal(AcquireCredentialsHandleW(NULL, KsStr(&pkg, "Kerberos"), SECPKG_CRED_INBOUND, NULL, NULL, NULL,
                                               NULL, &h, NULL),
                     SEC_E_NO_CREDENTIALS);
    assert_int_equal(AcquireCredentialsHandleW(NULL, KsStr(&pkg, "NTLM"), SECPKG_CRED_INBOUND, NULL, NULL, NULL,
                                               NULL, &h, NULL),
                     SEC_E_SECPKG_NOT_FOUND);
    const ULONG badUse[] = {0, SECPKG_CRED_DEFAULT, 0x10, SECPKG_CRED_RESERVED | SECPKG_CRED_INBOUND};
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(AcquireCredentialsHandleW(NULL, KsStr(&pkg, "ntsec-local"), badUse[i], NULL, NULL, NULL,
                                                   NULL, &h, NULL),
                         SEC_E_UNKNOWN_CREDENTIALS);
    LUID logon = {0x3e7, 0};
    assert_int_equal(AcquireCredentialsHandleW(NULL, KsStr(&pkg, "ntsec-local"), SECPKG_CRED_INBOUND, &logon, NULL,
                                               NULL, NULL, &h, NULL),
                     SEC_E_UNSUPPORTED_FUNCTION);
    /* ntsec-local acts only as the caller the kernel knows: no principal, no password */
    assert_int_equal(AcquireCredentialsHandleW(KsStr(&who, "root"), KsStr(&pkg, "ntsec-local"), SECPKG_CRED_OUTBOUND,
                                               NULL, NULL, NULL, NULL, &h, NULL),
                     SEC_E_UNKNOWN_CREDENTIALS);
    SEC_WINNT_AUTH_IDENTITY_W id = {0};
    assert_int_equal(AcquireCredentialsHandleW(NULL, KsStr(&pkg, "ntsec-local"), SECPKG_CRED_OUTBOUND, NULL, &id,
                                               NULL, NULL, &h, NULL),
                     SEC_E_UNKNOWN_CREDENTIALS);
    WCHAR lone[1] = {0xD800}; /* an unpaired surrogate */
    SECURITY_STRING bad = {2, 2, lone};
    assert_int_equal(AcquireCredentialsHandleW(&bad, KsStr(&pkg, "ntsec-local"), SECPKG_CRED_OUTBOUND, NULL, NULL,
                                               NULL, NULL, &h, NULL),
                     SEC_E_INVALID_PARAMETER);
    assert_int_equal(NtsecCredentialsHandleCount(), creds);
}

/* A credential handle: attributes, then dead after FreeCredentialsHandle, for good. */
static void test_credential_lifetime_and_names(void **state)
{
    ULONG creds = NtsecCredentialsHandleCount();
    CredHandle h = KsAcquire("ntsec-local", SECPKG_CRED_BOTH);
    assert_int_equal(NtsecCredentialsHandleCount(), creds + 1);
    SecPkgCredentials_NamesW names = {0};
    assert_int_equal(QueryCredentialsAttributesW(&h, SECPKG_CRED_ATTR_NAMES, &names), SEC_E_OK);
    char name[128];
    KsNarrow(names.sUserName, name, sizeof(name));
    assert_int_equal(strncmp(name, "Unix User\\", 10), 0);
    if (geteuid() == 0)
        assert_string_equal(name, "Unix User\\root");
    assert_int_equal(FreeContextBuffer(names.sUserName), SEC_E_OK);
    assert_int_equal(QueryCredentialsAttributesW(&h, 99, &names), SEC_E_UNSUPPORTED_FUNCTION);
    assert_int_equal(QueryCredentialsAttributesW(&h, SECPKG_CRED_ATTR_NAMES, NULL), SEC_E_INVALID_PARAMETER);
    assert_int_equal(FreeCredentialsHandle(&h), SEC_E_OK);
    assert_int_equal(NtsecCredentialsHandleCount(), creds);
    assert_int_equal(FreeCredentialsHandle(&h), SEC_E_INVALID_HANDLE);
    assert_int_equal(QueryCredentialsAttributesW(&h, SECPKG_CRED_ATTR_NAMES, &names), SEC_E_INVALID_HANDLE);
    /* the slot is reused by the next credential; the old handle stays dead */
    CredHandle again = KsAcquire("ntsec-local", SECPKG_CRED_INBOUND);
    assert_true(again.dwUpper != h.dwUpper);
    assert_int_equal(FreeCredentialsHandle(&h), SEC_E_INVALID_HANDLE);
    assert_int_equal(FreeCredentialsHandle(&again), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(NULL), SEC_E_INVALID_HANDLE);
}

/* One table, one generation counter: a credential handle never names a context and back. */
static void test_wrong_kind_handles_are_invalid(void **state)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    CredHandle cred = KsAcquire("ntsec-local", SECPKG_CRED_BOTH);
    CtxtHandle ctx;
    assert_status(NtsecAcceptLocalPeer(sv[0], SecurityImpersonation, &ctx), STATUS_SUCCESS);
    PVOID token = NULL;
    ULONG attr;
    SecPkgContext_Flags flags;
    assert_int_equal(DeleteSecurityContext(&cred), SEC_E_INVALID_HANDLE);
    assert_int_equal(ImpersonateSecurityContext(&cred), SEC_E_INVALID_HANDLE);
    assert_int_equal(RevertSecurityContext(&cred), SEC_E_INVALID_HANDLE);
    assert_int_equal(QuerySecurityContextToken(&cred, &token), SEC_E_INVALID_HANDLE);
    assert_int_equal(QueryContextAttributesW(&cred, SECPKG_ATTR_FLAGS, &flags), SEC_E_INVALID_HANDLE);
    assert_int_equal(FreeCredentialsHandle(&ctx), SEC_E_INVALID_HANDLE);
    assert_int_equal(QueryCredentialsAttributesW(&ctx, SECPKG_CRED_ATTR_NAMES, &flags), SEC_E_INVALID_HANDLE);
    unsigned char buf[80];
    ULONG len = sizeof(buf);
    CtxtHandle n;
    assert_int_equal(KsInitialize(&ctx, 0, NULL, &n, buf, &len, &attr), SEC_E_INVALID_HANDLE);
    /* a later leg: a credential that is not the context's; a completed context; the other side */
    assert_int_equal(AcceptSecurityContext(&cred, &ctx, NULL, 0, 0, &n, NULL, &attr, NULL),
                     SEC_E_WRONG_CREDENTIAL_HANDLE);
    assert_int_equal(AcceptSecurityContext(NULL, &ctx, NULL, 0, 0, &n, NULL, &attr, NULL), SEC_E_OUT_OF_SEQUENCE);
    assert_int_equal(InitializeSecurityContextW(&cred, &ctx, NULL, 0, 0, 0, NULL, 0, &n, NULL, &attr, NULL),
                     SEC_E_INVALID_HANDLE);
    assert_int_equal(DeleteSecurityContext(&ctx), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&cred), SEC_E_OK);
    close(sv[0]);
    close(sv[1]);
}

/* Forged handles on every routine: never a crash, always SEC_E_INVALID_HANDLE. */
static void test_forged_handles_everywhere(void **state)
{
    const SecHandle forged[] = {{0, 0}, {1, 0}, {0, 1}, {(ULONG_PTR)-1, (ULONG_PTR)-1}, {1, (ULONG_PTR)-1},
                                {262144, 5}, {262145, 5}, {0x7fffffff, 0x1234}, {3, 0xdeadbeef}};
    unsigned char data[8] = {0}, trailer[28] = {0};
    for (unsigned i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        SecHandle h = forged[i];
        ULONG attr;
        SecPkgContext_Sizes sizes;
        assert_int_equal(FreeCredentialsHandle(&h), SEC_E_INVALID_HANDLE);
        assert_int_equal(QueryCredentialsAttributesW(&h, SECPKG_CRED_ATTR_NAMES, &sizes), SEC_E_INVALID_HANDLE);
        assert_int_equal(QueryContextAttributesW(&h, SECPKG_ATTR_SIZES, &sizes), SEC_E_INVALID_HANDLE);
        assert_int_equal(CompleteAuthToken(&h, NULL), SEC_E_INVALID_HANDLE);
        assert_int_equal(KsProtect(&h, FALSE, data, 8, trailer), SEC_E_INVALID_HANDLE);
        assert_int_equal(KsProtect(&h, TRUE, data, 8, trailer), SEC_E_INVALID_HANDLE);
        assert_int_equal(KsUnprotect(&h, FALSE, data, 8, trailer), SEC_E_INVALID_HANDLE);
        assert_int_equal(KsUnprotect(&h, TRUE, data, 8, trailer), SEC_E_INVALID_HANDLE);
        CtxtHandle n;
        assert_int_equal(AcceptSecurityContext(&h, NULL, NULL, 0, 0, &n, NULL, &attr, NULL), SEC_E_INVALID_HANDLE);
        assert_int_equal(InitializeSecurityContextW(&h, NULL, NULL, 0, 0, 0, NULL, 0, &n, NULL, &attr, NULL),
                         SEC_E_INVALID_HANDLE);
        assert_int_equal(AcceptSecurityContext(NULL, &h, NULL, 0, 0, &n, NULL, &attr, NULL), SEC_E_INVALID_HANDLE);
        assert_int_equal(DeleteSecurityContext(&h), SEC_E_INVALID_HANDLE);
    }
}

/* Handshake arguments checked before any package runs; nothing is created. */
static void test_handshake_argument_errors(void **state)
{
    ULONG contexts = NtsecSecurityContextCount();
    CredHandle out = KsAcquire("ntsec-local", SECPKG_CRED_OUTBOUND);
    CredHandle in = KsAcquire("ntsec-local", SECPKG_CRED_INBOUND);
    CtxtHandle n;
    ULONG attr;
    unsigned char buf[80];
    SecBuffer b = {sizeof(buf), SECBUFFER_TOKEN, buf};
    SecBufferDesc d = {SECBUFFER_VERSION, 1, &b};
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, NULL, 0, &n, &d, NULL, NULL),
                     SEC_E_INVALID_PARAMETER);                             /* pfContextAttr NULL */
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 1, 0, NULL, 0, &n, &d, &attr, NULL),
                     SEC_E_INVALID_PARAMETER);                             /* Reserved1 */
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, NULL, 0, NULL, &d, &attr, NULL),
                     SEC_E_INVALID_PARAMETER);                             /* no phNewContext */
    SecBufferDesc badVersion = {1, 1, &b}, badCount = {SECBUFFER_VERSION, 65, &b}, noBuffers = {0, 1, NULL};
    SecBuffer dangling = {16, SECBUFFER_TOKEN, NULL};
    SecBufferDesc badPointer = {SECBUFFER_VERSION, 1, &dangling};
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, NULL, 0, &n, &badVersion, &attr, NULL),
                     SEC_E_INVALID_TOKEN);
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, &badCount, 0, &n, &d, &attr, NULL),
                     SEC_E_INVALID_TOKEN);
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, &noBuffers, 0, &n, &d, &attr, NULL),
                     SEC_E_INVALID_TOKEN);
    assert_int_equal(AcceptSecurityContext(&in, NULL, &badPointer, 0, 0, &n, NULL, &attr, NULL), SEC_E_INVALID_TOKEN);
    /* the direction the credential was acquired for */
    assert_int_equal(InitializeSecurityContextW(&in, NULL, NULL, 0, 0, 0, NULL, 0, &n, &d, &attr, NULL),
                     SEC_E_NO_CREDENTIALS);
    assert_int_equal(AcceptSecurityContext(&out, NULL, NULL, 0, 0, &n, NULL, &attr, NULL), SEC_E_NO_CREDENTIALS);
    /* output token missing or too small */
    SecBufferDesc none = {SECBUFFER_VERSION, 0, NULL};
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, NULL, 0, &n, &none, &attr, NULL),
                     SEC_E_INVALID_TOKEN);
    SecBuffer small = {79, SECBUFFER_TOKEN, buf};
    SecBufferDesc smallDesc = {SECBUFFER_VERSION, 1, &small};
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, NULL, 0, &n, &smallDesc, &attr, NULL),
                     SEC_E_BUFFER_TOO_SMALL);
    /* a bad SECBUFFER_NTSEC_QOS */
    SECURITY_QUALITY_OF_SERVICE qos = {sizeof(qos), SecurityImpersonation, FALSE, FALSE};
    SecBuffer q = {sizeof(qos) - 1, SECBUFFER_NTSEC_QOS, &qos};
    SecBufferDesc qd = {SECBUFFER_VERSION, 1, &q};
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, &qd, 0, &n, &d, &attr, NULL),
                     SEC_E_INVALID_TOKEN);
    q.cbBuffer = sizeof(qos);
    qos.Length = 4;
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, &qd, 0, &n, &d, &attr, NULL),
                     SEC_E_INVALID_TOKEN);
    qos.Length = sizeof(qos);
    qos.ImpersonationLevel = (SECURITY_IMPERSONATION_LEVEL)4;
    assert_int_equal(InitializeSecurityContextW(&out, NULL, NULL, 0, 0, 0, &qd, 0, &n, &d, &attr, NULL),
                     SEC_E_INVALID_PARAMETER);
    /* a malformed target name */
    SECURITY_STRING odd = {3, 4, (PWSTR)buf};
    assert_int_equal(InitializeSecurityContextW(&out, NULL, &odd, 0, 0, 0, NULL, 0, &n, &d, &attr, NULL),
                     SEC_E_INVALID_PARAMETER);
    assert_int_equal(NtsecSecurityContextCount(), contexts);
    assert_int_equal(FreeCredentialsHandle(&out), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&in), SEC_E_OK);
}

/* Contexts without a package behind them (the explicit hook): no message protection, no
 * handshake, no CompleteAuthToken; the framework's own attributes still answer. */
static void test_explicit_context_has_no_package_operations(void **state)
{
    PACCESS_TOKEN t = TestToken("user=S-1-5-21-1-2-3-1001 type=impersonation level=impersonation");
    CtxtHandle h;
    assert_status(NtsecCreateSecurityContextForToken(t, SecurityImpersonation, 0, &h), STATUS_SUCCESS);
    unsigned char data[4] = {1, 2, 3, 4}, trailer[28];
    assert_int_equal(KsProtect(&h, TRUE, data, 4, trailer), SEC_E_UNSUPPORTED_FUNCTION);
    assert_int_equal(KsUnprotect(&h, FALSE, data, 4, trailer), SEC_E_UNSUPPORTED_FUNCTION);
    assert_int_equal(CompleteAuthToken(&h, NULL), SEC_E_UNSUPPORTED_FUNCTION);
    SecPkgContext_Sizes sizes;
    assert_int_equal(QueryContextAttributesW(&h, SECPKG_ATTR_SIZES, &sizes), SEC_E_UNSUPPORTED_FUNCTION);
    SecPkgContext_PackageInfoW pi;
    assert_int_equal(QueryContextAttributesW(&h, SECPKG_ATTR_PACKAGE_INFO, &pi), SEC_E_OK);
    char name[64];
    assert_string_equal(KsNarrow(pi.PackageInfo->Name, name, sizeof(name)), "ntsec-explicit");
    FreeContextBuffer(pi.PackageInfo);
    assert_int_equal(QueryContextAttributesW(&h, SECPKG_ATTR_SIZES, NULL), SEC_E_INVALID_PARAMETER);
    assert_int_equal(EncryptMessage(&h, 0, NULL, 0), SEC_E_INVALID_TOKEN);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enumerate_lists_working_packages),
        cmocka_unit_test(test_query_package_info),
        cmocka_unit_test(test_acquire_errors),
        cmocka_unit_test(test_credential_lifetime_and_names),
        cmocka_unit_test(test_wrong_kind_handles_are_invalid),
        cmocka_unit_test(test_forged_handles_everywhere),
        cmocka_unit_test(test_handshake_argument_errors),
        cmocka_unit_test(test_explicit_context_has_no_package_operations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
