/*
 * test_ksec_gss.c - the GSSAPI layer under the Kerberos and Negotiate packages against the
 * real throwaway KDC (fixture ksec_kdc): exchanges, names, session keys, sealing and
 * signing, tampering and replay, the user-facing errors with their Windows statuses, and
 * the principal -> token mapping (id-map file, auth_to_local).
 */
#include <pwd.h>
#include <time.h>
#include <unistd.h>
#include <krb5.h>
#include "krb_helpers.h"
#include "ksec/gssp.h"
#include "se/sep.h"

#define REALM "NTSEC.KSEC.TEST"

static char Path[600];

static PKSECP_GSS_CRED Client(KSECP_GSS_MECH Mech, const char *User, const char *Password)
{
    KSECP_GSS_CRED_REQUEST r = {Mech, KSECP_CRED_OUTBOUND};
    r.User = User;
    r.Password = Password;
    PKSECP_GSS_CRED c = NULL;
    assert_status(KsecpGssAcquireCredentials(&r, &c), SEC_E_OK);
    return c;
}

static PKSECP_GSS_CRED Server(KSECP_GSS_MECH Mech, const char *Keytab)
{
    KSECP_GSS_CRED_REQUEST r = {Mech, KSECP_CRED_INBOUND};
    r.Keytab = Keytab != NULL ? KrbPath(Path, sizeof(Path), Keytab) : NULL;
    PKSECP_GSS_CRED c = NULL;
    assert_status(KsecpGssAcquireCredentials(&r, &c), SEC_E_OK);
    return c;
}

/* One full exchange; returns the status of the step that ended it. */
static SECURITY_STATUS Exchange(PKSECP_GSS_CRED C, PKSECP_GSS_CRED S, const char *Target, OM_uint32 Flags,
                                PKSECP_GSS_CONTEXT *Cc, PKSECP_GSS_CONTEXT *Sc)
{
    OM_uint32 minor;
    gss_buffer_desc token = GSS_C_EMPTY_BUFFER, reply = GSS_C_EMPTY_BUFFER;
    *Cc = *Sc = NULL;
    SECURITY_STATUS cs = KsecpGssInitialize(C, Cc, Target, Flags, NULL, 0, &token), ss = SEC_I_CONTINUE_NEEDED;
    for (int round = 0; round < 6; round++) {
        if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED)
            return cs;
        if (token.length != 0) {
            ss = KsecpGssAccept(S, Sc, token.value, token.length, &reply);
            gss_release_buffer(&minor, &token);
            if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED)
                return ss;
        }
        if (cs == SEC_E_OK && ss == SEC_E_OK) {
            gss_release_buffer(&minor, &reply);
            return SEC_E_OK;
        }
        if (reply.length != 0) {
            cs = KsecpGssInitialize(C, Cc, Target, Flags, reply.value, reply.length, &token);
            gss_release_buffer(&minor, &reply);
        } else if (cs == SEC_E_OK) {
            return ss;
        }
    }
    return SEC_E_INTERNAL_ERROR;
}

static void Done(PKSECP_GSS_CRED C, PKSECP_GSS_CRED S, PKSECP_GSS_CONTEXT Cc, PKSECP_GSS_CONTEXT Sc)
{
    KsecpGssFreeContext(Cc);
    KsecpGssFreeContext(Sc);
    KsecpGssFreeCredentials(C);
    KsecpGssFreeCredentials(S);
}

static void exchange_with_mutual_auth(KSECP_GSS_MECH Mech)
{
    PKSECP_GSS_CRED c = Client(Mech, "alice", "alicepw"), s = Server(Mech, "http.keytab");
    PKSECP_GSS_CONTEXT cc, sc;
    OM_uint32 want = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;
    assert_status(Exchange(c, s, "HTTP/localhost", want, &cc, &sc), SEC_E_OK);
    assert_true(cc->Complete && sc->Complete);
    assert_int_equal(cc->Flags & want, want);
    assert_int_equal(sc->Flags & GSS_C_MUTUAL_FLAG, GSS_C_MUTUAL_FLAG);
    assert_int_equal(sc->Flags & GSS_C_DELEG_FLAG, 0);
    PSTR client = NULL, server = NULL;
    assert_status(KsecpGssContextNames(sc, &client, &server), SEC_E_OK);
    assert_string_equal(client, "alice@" REALM);
    KsecpGssFreeString(client);
    KsecpGssFreeString(server);
    assert_status(KsecpGssContextNames(cc, &client, &server), SEC_E_OK);
    assert_string_equal(client, "alice@" REALM);
    assert_string_equal(server, "HTTP/localhost@" REALM);
    KsecpGssFreeString(client);
    KsecpGssFreeString(server);
    PUCHAR k1, k2;
    ULONG l1, l2;
    LONG e1, e2;
    assert_status(KsecpGssSessionKey(cc, &k1, &l1, &e1), SEC_E_OK);
    assert_status(KsecpGssSessionKey(sc, &k2, &l2, &e2), SEC_E_OK);
    assert_int_equal(l1, l2);
    assert_true(l1 == 16 || l1 == 32);
    assert_memory_equal(k1, k2, l1);
    assert_int_equal(e1, e2);
    assert_true(e1 == ENCTYPE_AES256_CTS_HMAC_SHA1_96 || e1 == ENCTYPE_AES128_CTS_HMAC_SHA1_96);
    ExFreePool(k1);
    ExFreePool(k2);
    Done(c, s, cc, sc);
}

static void test_kerberos_exchange(void **state)
{
    exchange_with_mutual_auth(KsecpMechKerberos);
}

static void test_negotiate_exchange(void **state)
{
    exchange_with_mutual_auth(KsecpMechNegotiate);
}

/* Seal in place with the trailer in the header, both ways; tamper; replay; out of order. */
static void test_seal_sign_tamper_replay(void **state)
{
    for (int m = 0; m < 2; m++) {
        KSECP_GSS_MECH mech = m ? KsecpMechNegotiate : KsecpMechKerberos;
        PKSECP_GSS_CRED c = Client(mech, "alice", "alicepw"), s = Server(mech, "http.keytab");
        PKSECP_GSS_CONTEXT cc, sc;
        OM_uint32 want = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;
        assert_status(Exchange(c, s, "HTTP/localhost", want, &cc, &sc), SEC_E_OK);
        ULONG sig, trailer, block;
        assert_status(KsecpGssSizes(cc, &sig, &trailer, &block), SEC_E_OK);
        assert_true(sig >= 16 && sig <= 64 && trailer >= 32 && trailer <= 128 && block >= 1);
        for (int dir = 0; dir < 2; dir++) {
            PKSECP_GSS_CONTEXT from = dir ? sc : cc, to = dir ? cc : sc;
            UCHAR header[128], data[5], copy[128 + 5];
            memcpy(data, "hello", 5);
            gss_iov_buffer_desc iov[2] = {{GSS_IOV_BUFFER_TYPE_HEADER, {trailer, header}},
                                          {GSS_IOV_BUFFER_TYPE_DATA, {5, data}}};
            assert_status(KsecpGssWrap(from, TRUE, iov, 2), SEC_E_OK);
            assert_true(memcmp(data, "hello", 5) != 0); /* sealed in place */
            size_t hlen = iov[0].buffer.length;
            memcpy(copy, header, hlen);
            memcpy(copy + hlen, data, 5);
            BOOLEAN enc;
            assert_status(KsecpGssUnwrap(to, iov, 2, &enc), SEC_E_OK);
            assert_true(enc);
            assert_memory_equal(data, "hello", 5);
            /* replay of the same token: SEC_E_OUT_OF_SEQUENCE */
            memcpy(header, copy, hlen);
            memcpy(data, copy + hlen, 5);
            iov[0].buffer.length = hlen;
            assert_status(KsecpGssUnwrap(to, iov, 2, &enc), SEC_E_OUT_OF_SEQUENCE);
            /* tampered ciphertext: SEC_E_MESSAGE_ALTERED */
            memcpy(data, "world", 5);
            iov[0].buffer.length = trailer;
            assert_status(KsecpGssWrap(from, TRUE, iov, 2), SEC_E_OK);
            data[2] ^= 0x01;
            assert_status(KsecpGssUnwrap(to, iov, 2, &enc), SEC_E_MESSAGE_ALTERED);

            /* signatures: good, tampered, out of order (the third before the second) */
            UCHAR mic1[64], mic2[64], msg[3] = {'a', 'b', 'c'};
            gss_iov_buffer_desc m1[2] = {{GSS_IOV_BUFFER_TYPE_DATA, {3, msg}}, {GSS_IOV_BUFFER_TYPE_MIC_TOKEN, {sig, mic1}}};
            gss_iov_buffer_desc m2[2] = {{GSS_IOV_BUFFER_TYPE_DATA, {3, msg}}, {GSS_IOV_BUFFER_TYPE_MIC_TOKEN, {sig, mic2}}};
            assert_status(KsecpGssGetMic(from, m1, 2), SEC_E_OK);
            assert_status(KsecpGssGetMic(from, m2, 2), SEC_E_OK);
            assert_status(KsecpGssVerifyMic(to, m2, 2), SEC_E_OUT_OF_SEQUENCE); /* a gap: m1 skipped */
            msg[0] = 'X';
            assert_status(KsecpGssVerifyMic(to, m1, 2), SEC_E_MESSAGE_ALTERED);
            msg[0] = 'a';
            assert_status(KsecpGssVerifyMic(to, m1, 2), SEC_E_OUT_OF_SEQUENCE); /* now late */
        }
        Done(c, s, cc, sc);
    }
}

static void expect_exchange_error(KSECP_GSS_MECH Mech, const char *User, const char *Password, const char *Target,
                                  const char *Keytab, SECURITY_STATUS Want)
{
    PKSECP_GSS_CRED c = Client(Mech, User, Password), s = Server(Mech, Keytab);
    PKSECP_GSS_CONTEXT cc, sc;
    assert_status(Exchange(c, s, Target, GSS_C_MUTUAL_FLAG, &cc, &sc), Want);
    assert_null(sc); /* a failed first step leaves no context behind */
    Done(c, s, cc, sc);
}

static void test_errors_have_windows_statuses(void **state)
{
    for (int m = 0; m < 2; m++) {
        KSECP_GSS_MECH mech = m ? KsecpMechNegotiate : KsecpMechKerberos;
        expect_exchange_error(mech, "alice", "wrong", "HTTP/localhost", "http.keytab", SEC_E_LOGON_DENIED);
        expect_exchange_error(mech, "nosuchuser", "x", "HTTP/localhost", "http.keytab", SEC_E_LOGON_DENIED);
        expect_exchange_error(mech, "expired", "expiredpw", "HTTP/localhost", "http.keytab", SEC_E_LOGON_DENIED);
        expect_exchange_error(mech, "alice", "alicepw", "nosuch/localhost", "http.keytab", SEC_E_TARGET_UNKNOWN);
        /* Acceptor-side key errors. Kerberos: a keytab without that service at all - the
         * ticket is "not for us" (SEC_E_WRONG_PRINCIPAL); a keytab with an old kvno -
         * SEC_E_NO_KERB_KEY. MIT's SPNEGO acceptor reports only its own minor code, so
         * Negotiate can say no more than SEC_E_INVALID_TOKEN (docs/sspi.md "Errors"). */
        expect_exchange_error(mech, "alice", "alicepw", "nokey/localhost", "http.keytab",
                              m ? SEC_E_INVALID_TOKEN : SEC_E_WRONG_PRINCIPAL);
        expect_exchange_error(mech, "alice", "alicepw", "stale/localhost", "stale.keytab",
                              m ? SEC_E_INVALID_TOKEN : SEC_E_NO_KERB_KEY);
    }
}

static void test_kdc_down_is_no_authenticating_authority(void **state)
{
    char conf[600];
    const char *saved = getenv("KRB5_CONFIG");
    char keep[600];
    snprintf(keep, sizeof(keep), "%s", saved);
    assert_int_equal(setenv("KRB5_CONFIG", KrbPath(conf, sizeof(conf), "krb5-down.conf"), 1), 0);
    expect_exchange_error(KsecpMechKerberos, "alice", "alicepw", "HTTP/localhost", "http.keytab",
                          SEC_E_NO_AUTHENTICATING_AUTHORITY);
    assert_int_equal(setenv("KRB5_CONFIG", keep, 1), 0);
}

/* A client whose clock is an hour behind the KDC's: its ccache records the offset
 * (kdc_timesync), its TGS request is refused with KRB_AP_ERR_SKEW: SEC_E_TIME_SKEW. */
static void test_clock_skew_is_time_skew(void **state)
{
    krb5_context k;
    krb5_principal alice;
    krb5_creds creds;
    krb5_ccache cc;
    char name[700];
    snprintf(name, sizeof(name), "FILE:%s/skew.ccache", KrbRealmDir);
    assert_int_equal(krb5_init_context(&k), 0);
    assert_int_equal(krb5_parse_name(k, "alice", &alice), 0);
    memset(&creds, 0, sizeof(creds));
    assert_int_equal(krb5_get_init_creds_password(k, &creds, alice, "alicepw", NULL, NULL, 0, NULL, NULL), 0);
    assert_int_equal(krb5_set_real_time(k, (krb5_timestamp)(time(NULL) - 3600), 0), 0);
    assert_int_equal(krb5_cc_resolve(k, name, &cc), 0);
    assert_int_equal(krb5_cc_initialize(k, cc, alice), 0);
    assert_int_equal(krb5_cc_store_cred(k, cc, &creds), 0);
    krb5_cc_close(k, cc);
    krb5_free_cred_contents(k, &creds);
    krb5_free_principal(k, alice);
    krb5_free_context(k);

    KSECP_GSS_CRED_REQUEST r = {KsecpMechKerberos, KSECP_CRED_OUTBOUND};
    r.Ccache = name;
    PKSECP_GSS_CRED c = NULL;
    assert_status(KsecpGssAcquireCredentials(&r, &c), SEC_E_OK);
    PKSECP_GSS_CRED s = Server(KsecpMechKerberos, "http.keytab");
    PKSECP_GSS_CONTEXT ccx, scx;
    assert_status(Exchange(c, s, "HTTP/localhost", GSS_C_MUTUAL_FLAG, &ccx, &scx), SEC_E_TIME_SKEW);
    Done(c, s, ccx, scx);
}

/* A TGT that lived one second: SEC_E_CONTEXT_EXPIRED once it is over. */
static void test_expired_ticket_is_context_expired(void **state)
{
    krb5_context k;
    krb5_principal alice;
    krb5_creds creds;
    krb5_ccache cc;
    krb5_get_init_creds_opt *opt;
    char name[700];
    snprintf(name, sizeof(name), "FILE:%s/short.ccache", KrbRealmDir);
    assert_int_equal(krb5_init_context(&k), 0);
    assert_int_equal(krb5_parse_name(k, "alice", &alice), 0);
    assert_int_equal(krb5_get_init_creds_opt_alloc(k, &opt), 0);
    krb5_get_init_creds_opt_set_tkt_life(opt, 1);
    memset(&creds, 0, sizeof(creds));
    assert_int_equal(krb5_get_init_creds_password(k, &creds, alice, "alicepw", NULL, NULL, 0, NULL, opt), 0);
    assert_int_equal(krb5_cc_resolve(k, name, &cc), 0);
    assert_int_equal(krb5_cc_initialize(k, cc, alice), 0);
    assert_int_equal(krb5_cc_store_cred(k, cc, &creds), 0);
    krb5_timestamp end = creds.times.endtime;
    krb5_cc_close(k, cc);
    krb5_free_cred_contents(k, &creds);
    krb5_get_init_creds_opt_free(k, opt);
    krb5_free_principal(k, alice);
    krb5_free_context(k);
    for (int i = 0; i < 40 && time(NULL) <= (time_t)end; i++) /* wait for the end, bounded */
        usleep(100 * 1000);
    usleep(1100 * 1000);

    KSECP_GSS_CRED_REQUEST r = {KsecpMechKerberos, KSECP_CRED_OUTBOUND};
    r.Ccache = name;
    PKSECP_GSS_CRED c = NULL;
    SECURITY_STATUS st = KsecpGssAcquireCredentials(&r, &c);
    if (st == SEC_E_OK) {
        PKSECP_GSS_CRED s = Server(KsecpMechKerberos, "http.keytab");
        PKSECP_GSS_CONTEXT ccx, scx;
        st = Exchange(c, s, "HTTP/localhost", GSS_C_MUTUAL_FLAG, &ccx, &scx);
        Done(c, s, ccx, scx);
    }
    assert_status(st, SEC_E_CONTEXT_EXPIRED);
}

static void test_garbage_and_truncated_tokens(void **state)
{
    for (int m = 0; m < 2; m++) {
        KSECP_GSS_MECH mech = m ? KsecpMechNegotiate : KsecpMechKerberos;
        PKSECP_GSS_CRED c = Client(mech, "alice", "alicepw"), s = Server(mech, "http.keytab");
        OM_uint32 minor;
        PKSECP_GSS_CONTEXT cc = NULL, sc = NULL;
        gss_buffer_desc token, out;
        assert_status(KsecpGssInitialize(c, &cc, "HTTP/localhost", GSS_C_MUTUAL_FLAG, NULL, 0, &token),
                      SEC_I_CONTINUE_NEEDED);
        static const UCHAR garbage[] = "\x60\x82\x01\x00garbage garbage garbage";
        assert_status(KsecpGssAccept(s, &sc, garbage, sizeof(garbage), &out), SEC_E_INVALID_TOKEN);
        assert_null(sc);
        assert_status(KsecpGssAccept(s, &sc, "x", 1, &out), SEC_E_INVALID_TOKEN);
        assert_null(sc);
        assert_status(KsecpGssAccept(s, &sc, NULL, 0, &out), SEC_E_INVALID_TOKEN);
        for (size_t cut = 1; cut < token.length; cut += token.length / 7 + 1) {
            assert_status(KsecpGssAccept(s, &sc, token.value, token.length - cut, &out), SEC_E_INVALID_TOKEN);
            assert_null(sc);
        }
        /* the intact token still works afterwards (nothing was consumed by the failures) */
        assert_status(KsecpGssAccept(s, &sc, token.value, token.length, &out), SEC_E_OK);
        gss_release_buffer(&minor, &out);
        /* replaying the AP-REQ to a new context: the replay cache refuses it (Kerberos:
         * KRB_AP_ERR_REPEAT; MIT's SPNEGO reports only its own minor code, so Negotiate
         * says the token is unusable) */
        PKSECP_GSS_CONTEXT again = NULL;
        assert_status(KsecpGssAccept(s, &again, token.value, token.length, &out),
                      m ? SEC_E_INVALID_TOKEN : SEC_E_OUT_OF_SEQUENCE);
        assert_null(again);
        gss_release_buffer(&minor, &token);
        Done(c, s, cc, sc);
    }
}

static void test_missing_keytab_is_no_credentials(void **state)
{
    KSECP_GSS_CRED_REQUEST r = {KsecpMechKerberos, KSECP_CRED_INBOUND};
    r.Keytab = KrbPath(Path, sizeof(Path), "no-such.keytab");
    PKSECP_GSS_CRED c = (PKSECP_GSS_CRED)1;
    assert_status(KsecpGssAcquireCredentials(&r, &c), SEC_E_NO_CREDENTIALS);
    assert_null(c);
    /* no ccache at all */
    KSECP_GSS_CRED_REQUEST o = {KsecpMechKerberos, KSECP_CRED_OUTBOUND};
    o.Ccache = "FILE:/nonexistent/ntsec-ccache";
    assert_status(KsecpGssAcquireCredentials(&o, &c), SEC_E_NO_CREDENTIALS);
    /* an inbound handle cannot initiate */
    PKSECP_GSS_CRED s = Server(KsecpMechKerberos, "http.keytab");
    PKSECP_GSS_CONTEXT cc = NULL;
    gss_buffer_desc t;
    assert_status(KsecpGssInitialize(s, &cc, "HTTP/localhost", 0, NULL, 0, &t), SEC_E_NO_CREDENTIALS);
    assert_null(cc);
    KsecpGssFreeCredentials(s);
}

static PTOKEN AcceptAndMap(const char *User, const char *Password, SECURITY_STATUS Want)
{
    PKSECP_GSS_CRED c = Client(KsecpMechKerberos, User, Password), s = Server(KsecpMechKerberos, "http.keytab");
    PKSECP_GSS_CONTEXT cc, sc;
    assert_status(Exchange(c, s, "HTTP/localhost", GSS_C_MUTUAL_FLAG, &cc, &sc), SEC_E_OK);
    PTOKEN token = NULL;
    assert_status(KsecpGssBuildClientToken(sc, SecurityImpersonation, &token), Want);
    Done(c, s, cc, sc);
    return token;
}

static BOOLEAN HasGroup(PTOKEN Token, const char *SidText)
{
    char text[8192];
    SIZE_T needed = 0;
    assert_status(NtsecFormatToken(Token, text, sizeof(text), &needed), STATUS_SUCCESS);
    if (strstr(text, SidText) == NULL)
        fprintf(stderr, "%s not in %s\n", SidText, text);
    return strstr(text, SidText) != NULL;
}

static void test_token_mapping_order(void **state)
{
    /* 2. the id-map file's principal line */
    char map[700];
    KrbPath(map, sizeof(map), "test.idmap");
    FILE *f = fopen(map, "w");
    assert_non_null(f);
    fprintf(f, "principal alice@" REALM " S-1-5-21-7-8-9-1104 S-1-5-21-7-8-9-513 S-1-5-21-7-8-9-1106,S-1-5-21-7-8-9-1107\n");
    fclose(f);
    assert_status(NtsecLoadIdMap(map), STATUS_SUCCESS);
    PTOKEN t = AcceptAndMap("alice", "alicepw", SEC_E_OK);
    assert_true(HasGroup(t, "user=S-1-5-21-7-8-9-1104"));
    assert_true(HasGroup(t, "S-1-5-21-7-8-9-513"));
    assert_true(HasGroup(t, "S-1-5-21-7-8-9-1106"));
    assert_true(HasGroup(t, "S-1-5-21-7-8-9-1107"));
    assert_true(HasGroup(t, ",NU,")); /* NETWORK */
    assert_true(HasGroup(t, ",AU,")); /* Authenticated Users */
    assert_true(HasGroup(t, ",WD,")); /* Everyone */
    assert_int_equal(t->TokenType, TokenImpersonation);
    assert_int_equal(t->ImpersonationLevel, SecurityImpersonation);
    assert_memory_equal(t->TokenSource.SourceName, "Kerberos", 8);
    ObDereferenceObject(t);

    /* 3. auth_to_local: daemon@REALM -> local user daemon */
    struct passwd *pw = getpwnam("daemon");
    assert_non_null(pw);
    char user[64];
    snprintf(user, sizeof(user), "user=S-1-22-1-%u", (unsigned)pw->pw_uid);
    t = AcceptAndMap("daemon", "daemonpw", SEC_E_OK);
    assert_true(HasGroup(t, user));
    snprintf(user, sizeof(user), "S-1-22-2-%u", (unsigned)pw->pw_gid);
    assert_true(HasGroup(t, user));
    assert_true(HasGroup(t, ",NU,"));
    ObDereferenceObject(t);

    /* no mapping at all (bob is no local user and not in the map): refused */
    assert_null(AcceptAndMap("bob", "bobpw", SEC_E_LOGON_DENIED));
    assert_status(NtsecLoadIdMap(NULL), STATUS_SUCCESS);
    /* without the map alice has no local user either */
    assert_null(AcceptAndMap("alice", "alicepw", SEC_E_LOGON_DENIED));
}

static void test_identify_and_delegation_flags(void **state)
{
    PKSECP_GSS_CRED c = Client(KsecpMechKerberos, "alice", "alicepw"), s = Server(KsecpMechKerberos, "http.keytab");
    PKSECP_GSS_CONTEXT cc, sc;
    assert_status(Exchange(c, s, "HTTP/localhost", GSS_C_MUTUAL_FLAG | GSS_C_DELEG_FLAG, &cc, &sc), SEC_E_OK);
    assert_int_equal(sc->Flags & GSS_C_DELEG_FLAG, GSS_C_DELEG_FLAG);
    assert_true(sc->Delegated != GSS_C_NO_CREDENTIAL);
    assert_status(KsecpGssStoreDelegated(sc), SEC_E_OK);
    assert_non_null(sc->DelegatedCcache);
    /* the double hop: the delegated TGT gets a ticket to svc2 as alice */
    PKSECP_GSS_CRED hop = NULL;
    assert_status(KsecpGssCredentialsFromCcache(KsecpMechKerberos, sc->DelegatedCcache, &hop), SEC_E_OK);
    PKSECP_GSS_CRED s2 = Server(KsecpMechKerberos, "svc2.keytab");
    PKSECP_GSS_CONTEXT hc, h2;
    assert_status(Exchange(hop, s2, "svc2/localhost", GSS_C_MUTUAL_FLAG, &hc, &h2), SEC_E_OK);
    PSTR who = NULL;
    assert_status(KsecpGssContextNames(h2, &who, NULL), SEC_E_OK);
    assert_string_equal(who, "alice@" REALM);
    KsecpGssFreeString(who);
    Done(hop, s2, hc, h2);
    Done(c, s, cc, sc);

    c = Client(KsecpMechKerberos, "alice", "alicepw");
    s = Server(KsecpMechKerberos, "http.keytab");
    assert_status(Exchange(c, s, "HTTP/localhost", GSS_C_MUTUAL_FLAG | GSS_C_IDENTIFY_FLAG, &cc, &sc), SEC_E_OK);
    assert_int_equal(sc->Flags & GSS_C_IDENTIFY_FLAG, GSS_C_IDENTIFY_FLAG);
    assert_true(sc->Delegated == GSS_C_NO_CREDENTIAL);
    Done(c, s, cc, sc);
}

int main(void)
{
    KrbUseRealm();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kerberos_exchange),
        cmocka_unit_test(test_negotiate_exchange),
        cmocka_unit_test(test_seal_sign_tamper_replay),
        cmocka_unit_test(test_errors_have_windows_statuses),
        cmocka_unit_test(test_kdc_down_is_no_authenticating_authority),
        cmocka_unit_test(test_clock_skew_is_time_skew),
        cmocka_unit_test(test_expired_ticket_is_context_expired),
        cmocka_unit_test(test_garbage_and_truncated_tokens),
        cmocka_unit_test(test_missing_keytab_is_no_credentials),
        cmocka_unit_test(test_token_mapping_order),
        cmocka_unit_test(test_identify_and_delegation_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
