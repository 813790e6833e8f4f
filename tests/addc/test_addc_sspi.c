/*
 * test_addc_sspi.c - domain users of a real Active Directory domain (Samba's AD DC,
 * docs/addc.md) authenticate to an ntsec acceptor through the public SSPI
 * (AcquireCredentialsHandleW / InitializeSecurityContextW / AcceptSecurityContext, packages
 * Kerberos and Negotiate). The acceptor's token comes from the ticket's real PAC (the domain
 * SIDs, nested groups, extra SIDs) plus what Windows adds; an NT DACL naming domain groups
 * then grants and denies under SeAccessCheck while a server thread impersonates the client.
 * A service with UF_NO_AUTH_DATA_REQUIRED gets tickets without a PAC: the fallback mapping
 * (id-map file) decides, and without one the logon is refused. Runs under scripts/addc/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include "../ksec/krb_sspi.h"
#include "addc_access.h"
#include "addc_env.h"
#include "rtl/rtlp.h"
#include "se/sep.h"
#include "se/rights.h"

static const char *Packages[] = {"Kerberos", "Negotiate"};

static BOOLEAN HasSid(PTOKEN Token, const char *Text)
{
    char buf[200];
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        assert_status(RtlpSidToString(Token->UserAndGroups[i].Sid, buf, sizeof(buf)), STATUS_SUCCESS);
        if (strcmp(buf, Text) == 0)
            return TRUE;
    }
    return FALSE;
}

static void ExpectUser(PTOKEN Token, const char *Text)
{
    char buf[200];
    assert_status(RtlpSidToString(Token->UserAndGroups[0].Sid, buf, sizeof(buf)), STATUS_SUCCESS);
    assert_string_equal(buf, Text);
}

/*
 * One handshake of User to HTTP/Host with the acceptor keytab Keytab. Returns Accept's (or
 * the step's) status; on SEC_E_OK *Server is the server context (the caller deletes it).
 */
static SECURITY_STATUS Logon(const char *Package, const char *User, const char *Password, const char *Host,
                             const char *Keytab, PCtxtHandle Server)
{
    CredHandle c, s;
    CtxtHandle cc;
    char target[128];
    snprintf(target, sizeof(target), "HTTP/%s", Host);
    assert_int_equal(setenv("KRB5_KTNAME", Keytab, 1), 0);
    assert_int_equal(KrbClientCred(Package, User, Password, &c), SEC_E_OK);
    assert_int_equal(KrbServerCred(Package, &s), SEC_E_OK);
    ULONG contexts = NtsecSecurityContextCount();
    SECURITY_STATUS st = KrbHandshake(&c, &s, target, ISC_REQ_MUTUAL_AUTH, &cc, Server, NULL, NULL);
    if (cc.dwLower != 0 || cc.dwUpper != 0)
        assert_int_equal(DeleteSecurityContext(&cc), SEC_E_OK);
    if (st != SEC_E_OK) {
        /* A refused logon leaves no context behind. */
        if (Server->dwLower != 0 || Server->dwUpper != 0)
            (void)DeleteSecurityContext(Server);
        assert_int_equal(NtsecSecurityContextCount(), contexts);
    }
    assert_int_equal(FreeCredentialsHandle(&c), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&s), SEC_E_OK);
    return st;
}

static PTOKEN ContextToken(PCtxtHandle h)
{
    PACCESS_TOKEN token = NULL;
    assert_int_equal(QuerySecurityContextToken(h, &token), SEC_E_OK);
    return token;
}

/* An id-map file with a principal line for alice (only the fallback may use it). */
static void LoadAliceMap(void)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/alice.idmap", AddcEnv("ADDC_DIR"));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "principal alice@NTSEC.TEST S-1-5-21-7-8-9-4242 S-1-5-21-7-8-9-513 S-1-5-21-7-8-9-4343\n");
    fclose(f);
    assert_status(NtsecLoadIdMap(path), STATUS_SUCCESS);
}

static void test_addc_sspi_pac_token_and_acl(void **state)
{
    char alice[200], devs[200], ops[200], local[200], univ[200], domainUsers[200], sddl[600];
    AddcDomainSid("ALICE", alice, sizeof(alice));
    AddcDomainSid("DEVS", devs, sizeof(devs));
    AddcDomainSid("OPS", ops, sizeof(ops));
    AddcDomainSid("LOCAL", local, sizeof(local));
    AddcDomainSid("UNIV", univ, sizeof(univ));
    snprintf(domainUsers, sizeof(domainUsers), "%s-513", AddcEnv("ADDC_DOMAIN_SID"));
    /* The PAC is authoritative: a principal line for alice must not be used. */
    LoadAliceMap();
    for (int p = 0; p < 2; p++) {
        CtxtHandle a, b;
        assert_int_equal(
            Logon(Packages[p], "alice", "Al1ce-Pass.2024", "web.ntsec.test", AddcEnv("ADDC_HTTP_KEYTAB"), &a),
            SEC_E_OK);
        assert_int_equal(Logon(Packages[p], "bob", "B0b-Pass.2024", "web.ntsec.test", AddcEnv("ADDC_HTTP_KEYTAB"), &b),
                         SEC_E_OK);
        PTOKEN t = ContextToken(&a);
        ExpectUser(t, alice);
        assert_memory_equal(t->TokenSource.SourceName, "Kerberos", 8);
        assert_int_equal(t->TokenType, TokenImpersonation);
        char primary[200];
        assert_status(RtlpSidToString(t->PrimaryGroup, primary, sizeof(primary)), STATUS_SUCCESS);
        assert_string_equal(primary, domainUsers);
        const char *want[] = {domainUsers, devs, ops, local, univ, "S-1-18-1", /* the PAC */
                              "S-1-5-32-545", "S-1-1-0", "S-1-5-2", "S-1-5-11"}; /* added here */
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
            if (!HasSid(t, want[i]))
                fail_msg("%s: %s missing", Packages[p], want[i]);
        assert_false(HasSid(t, "S-1-5-21-7-8-9-4343")); /* nothing from the id map */
        assert_false(HasSid(t, "S-1-5-32-544"));
        ObDereferenceObject(t);

        /* Allow ntsec-ops (alice only through ntsec-devs): alice yes, bob no. */
        snprintf(sddl, sizeof(sddl), "O:BAG:BAD:(A;;FA;;;%s)", ops);
        assert_true(AddcCheckAs(&a, sddl, FILE_READ_DATA | FILE_WRITE_DATA));
        assert_false(AddcCheckAs(&b, sddl, FILE_READ_DATA));
        /* Deny write to the domain-local group, allow everything to Domain Users. */
        snprintf(sddl, sizeof(sddl), "O:BAG:BAD:(D;;FW;;;%s)(A;;FA;;;%s)", local, domainUsers);
        assert_false(AddcCheckAs(&a, sddl, FILE_WRITE_DATA));
        assert_true(AddcCheckAs(&a, sddl, FILE_READ_DATA));
        assert_true(AddcCheckAs(&b, sddl, FILE_WRITE_DATA));
        /* The universal group and BUILTIN\Users. */
        snprintf(sddl, sizeof(sddl), "O:BAG:BAD:(A;;FR;;;%s)", univ);
        assert_true(AddcCheckAs(&a, sddl, FILE_READ_DATA));
        assert_false(AddcCheckAs(&b, sddl, FILE_READ_DATA));
        assert_true(AddcCheckAs(&b, "O:BAG:BAD:(A;;FR;;;BU)", FILE_READ_DATA));
        assert_int_equal(DeleteSecurityContext(&a), SEC_E_OK);
        assert_int_equal(DeleteSecurityContext(&b), SEC_E_OK);
    }
    assert_status(NtsecLoadIdMap(NULL), STATUS_SUCCESS);
}

/* No PAC (UF_NO_AUTH_DATA_REQUIRED): the id map decides; without a mapping, no logon. */
static void test_addc_sspi_no_pac_falls_back(void **state)
{
    CtxtHandle a;
    assert_status(NtsecLoadIdMap(NULL), STATUS_SUCCESS);
    /* alice is no local user of this machine and not in a map: refused, no context left. */
    assert_int_equal(
        Logon("Kerberos", "alice", "Al1ce-Pass.2024", "nopac.ntsec.test", AddcEnv("ADDC_NOPAC_KEYTAB"), &a),
        SEC_E_LOGON_DENIED);
    LoadAliceMap();
    assert_int_equal(
        Logon("Kerberos", "alice", "Al1ce-Pass.2024", "nopac.ntsec.test", AddcEnv("ADDC_NOPAC_KEYTAB"), &a),
        SEC_E_OK);
    PTOKEN t = ContextToken(&a);
    ExpectUser(t, "S-1-5-21-7-8-9-4242");
    assert_true(HasSid(t, "S-1-5-21-7-8-9-4343"));
    assert_true(HasSid(t, "S-1-5-2"));
    assert_true(HasSid(t, "S-1-5-11"));
    char ops[200];
    AddcDomainSid("OPS", ops, sizeof(ops));
    assert_false(HasSid(t, ops)); /* no PAC, no domain groups */
    ObDereferenceObject(t);
    assert_int_equal(DeleteSecurityContext(&a), SEC_E_OK);
    assert_status(NtsecLoadIdMap(NULL), STATUS_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addc_sspi_pac_token_and_acl),
        cmocka_unit_test(test_addc_sspi_no_pac_falls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
