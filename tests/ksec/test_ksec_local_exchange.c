/*
 * test_ksec_local_exchange.c - ntsec-local through the SSPI handshake in one process
 * (socketpair): InitializeSecurityContextW -> AcceptSecurityContext, the token, the context
 * attributes, message signing and sealing both ways, tampering (SEC_E_MESSAGE_ALTERED),
 * replay and reordering (SEC_E_OUT_OF_SEQUENCE), the levels a client may ask for (less,
 * never more), and the accept errors, with no context or credential left behind.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "sspi_helpers.h"
#include "se/sep.h"
#include "ksec/ksecp.h"

typedef struct {
    int Sv[2];
    CredHandle ClientCred, ServerCred;
    CtxtHandle Client, Server;
    ULONG ClientAttr, ServerAttr;
    ULONG Contexts, Creds;
} KS_PAIR;

/* A full exchange: the client's request travels over the socketpair (as an application would
 * send it) and the server accepts it with its end of the socket. */
static void KsPairOpen(KS_PAIR *P, ULONG IscReq, PSecBufferDesc IscInput, ULONG AscReq)
{
    P->Contexts = NtsecSecurityContextCount();
    P->Creds = NtsecCredentialsHandleCount();
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, P->Sv), 0);
    P->ClientCred = KsAcquire("ntsec-local", SECPKG_CRED_OUTBOUND);
    P->ServerCred = KsAcquire("ntsec-local", SECPKG_CRED_INBOUND);
    unsigned char token[128];
    ULONG length = sizeof(token);
    assert_int_equal(KsInitialize(&P->ClientCred, IscReq, IscInput, &P->Client, token, &length, &P->ClientAttr),
                     SEC_E_OK);
    assert_int_equal(length, 80);
    assert_int_equal(write(P->Sv[1], token, length), (ssize_t)length);
    unsigned char received[128];
    assert_int_equal(read(P->Sv[0], received, sizeof(received)), 80);
    assert_int_equal(KsAccept(&P->ServerCred, P->Sv[0], received, 80, AscReq, &P->Server, &P->ServerAttr), SEC_E_OK);
}

static void KsPairClose(KS_PAIR *P)
{
    assert_int_equal(DeleteSecurityContext(&P->Client), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&P->Server), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&P->ClientCred), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&P->ServerCred), SEC_E_OK);
    close(P->Sv[0]);
    close(P->Sv[1]);
    assert_int_equal(NtsecSecurityContextCount(), P->Contexts);
    assert_int_equal(NtsecCredentialsHandleCount(), P->Creds);
}

static PTOKEN KsContextToken(PCtxtHandle H)
{
    PVOID t = NULL;
    assert_int_equal(QuerySecurityContextToken(H, &t), SEC_E_OK);
    return t;
}

/* The server's token is the process's own identity (the kernel's record of the socketpair),
 * at the level asked; the client's context holds no token. */
static void test_exchange_builds_token_from_the_socket(void **state)
{
    KS_PAIR p;
    KsPairOpen(&p, ISC_REQ_CONFIDENTIALITY | ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT, NULL, 0);
    assert_true(p.ClientAttr & ISC_RET_CONFIDENTIALITY);
    assert_true(p.ClientAttr & ISC_RET_REPLAY_DETECT);
    assert_true(p.ClientAttr & ISC_RET_SEQUENCE_DETECT);
    assert_false(p.ClientAttr & ISC_RET_IDENTIFY);
    assert_false(p.ClientAttr & ISC_RET_MUTUAL_AUTH); /* the server is not authenticated */
    assert_true(p.ServerAttr & ASC_RET_CONFIDENTIALITY);
    assert_false(p.ServerAttr & ASC_RET_IDENTIFY);
    PTOKEN t = KsContextToken(&p.Server);
    char want[64];
    snprintf(want, sizeof(want), "S-1-22-1-%u", (unsigned)geteuid());
    PISID user = t->UserAndGroups[0].Sid;
    assert_int_equal(user->SubAuthority[1], geteuid());
    assert_int_equal(t->TokenType, TokenImpersonation);
    assert_int_equal(t->ImpersonationLevel, SecurityImpersonation);
    assert_memory_equal(t->TokenSource.SourceName, "NtsecLcl", 8);
    assert_int_equal(NtsecReferenceCount(t), 2); /* the context's + ours */
    ObDereferenceObject(t);
    PVOID none = (PVOID)1;
    assert_int_equal(QuerySecurityContextToken(&p.Client, &none), SEC_E_NO_IMPERSONATION);
    assert_null(none);
    assert_string_equal(NtsecSecurityContextPackage(&p.Server), "ntsec-local");
    /* a second leg on a completed context */
    ULONG attr;
    assert_int_equal(AcceptSecurityContext(&p.ServerCred, &p.Server, NULL, 0, 0, NULL, NULL, &attr, NULL),
                     SEC_E_OUT_OF_SEQUENCE);
    KsPairClose(&p);
}

/* QueryContextAttributesW on both sides. */
static void test_context_attributes(void **state)
{
    KS_PAIR p;
    KsPairOpen(&p, 0, NULL, 0);
    char text[128], want[128];
    SecPkgContext_Sizes sizes;
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
    assert_int_equal(sizes.cbMaxToken, 80);
    assert_int_equal(sizes.cbMaxSignature, 28);
    assert_int_equal(sizes.cbSecurityTrailer, 28);
    assert_int_equal(sizes.cbBlockSize, 1);
    SecPkgContext_NamesW names;
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
    KsNarrow(names.sUserName, text, sizeof(text));
    assert_int_equal(strncmp(text, "Unix User\\", 10), 0);
    snprintf(want, sizeof(want), "%s", text);
    FreeContextBuffer(names.sUserName);
    assert_int_equal(QueryContextAttributesW(&p.Client, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
    assert_string_equal(KsNarrow(names.sUserName, text, sizeof(text)), want); /* same process */
    FreeContextBuffer(names.sUserName);
    SecPkgContext_NativeNamesW native;
    assert_int_equal(QueryContextAttributesW(&p.Client, SECPKG_ATTR_NATIVE_NAMES, &native), SEC_E_OK);
    assert_string_equal(KsNarrow(native.sServerName, text, sizeof(text)), "ntsec-test-server");
    FreeContextBuffer(native.sClientName);
    FreeContextBuffer(native.sServerName);
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_NATIVE_NAMES, &native), SEC_E_OK);
    assert_string_equal(KsNarrow(native.sClientName, text, sizeof(text)), want);
    assert_non_null(native.sServerName);
    FreeContextBuffer(native.sClientName);
    FreeContextBuffer(native.sServerName);
    SecPkgContext_SessionKey ck, sk;
    assert_int_equal(QueryContextAttributesW(&p.Client, SECPKG_ATTR_SESSION_KEY, &ck), SEC_E_OK);
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_SESSION_KEY, &sk), SEC_E_OK);
    assert_int_equal(ck.SessionKeyLength, 64);
    assert_int_equal(sk.SessionKeyLength, 64);
    assert_memory_equal(ck.SessionKey, sk.SessionKey, 64);
    FreeContextBuffer(ck.SessionKey);
    FreeContextBuffer(sk.SessionKey);
    SecPkgContext_PackageInfoW pi;
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_PACKAGE_INFO, &pi), SEC_E_OK);
    assert_string_equal(KsNarrow(pi.PackageInfo->Name, text, sizeof(text)), "ntsec-local");
    FreeContextBuffer(pi.PackageInfo);
    SecPkgContext_Flags flags;
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_FLAGS, &flags), SEC_E_OK);
    assert_int_equal(flags.Flags, p.ServerAttr);
    assert_int_equal(QueryContextAttributesW(&p.Client, SECPKG_ATTR_FLAGS, &flags), SEC_E_OK);
    assert_int_equal(flags.Flags, p.ClientAttr);
    SecPkgContext_Lifespan life;
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_LIFESPAN, &life), SEC_E_OK);
    assert_true(life.tsStart.QuadPart > 116444736000000000LL); /* after 1970 */
    assert_int_equal(life.tsExpiry.QuadPart, 0x7FFFFFFFFFFFFFFFLL);
    SecPkgContext_NtsecPeer peer;
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_NTSEC_PEER, &peer), SEC_E_OK);
    assert_int_equal(peer.UserId, geteuid());
    assert_int_equal(peer.GroupId, getegid());
    assert_int_equal(peer.GrantedLevel, SecurityImpersonation);
    assert_int_equal(peer.RequestedQos.ImpersonationLevel, SecurityImpersonation);
    if (peer.Flags & NTSEC_PEER_PIDFD) /* Linux 6.5+: the pid is pinned by a pidfd */
        assert_int_equal(peer.ProcessId, getpid());
    else
        assert_int_equal(peer.ProcessId, 0);
    assert_int_equal(QueryContextAttributesW(&p.Client, SECPKG_ATTR_NTSEC_PEER, &peer), SEC_E_UNSUPPORTED_FUNCTION);
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_DCE_INFO, &peer), SEC_E_UNSUPPORTED_FUNCTION);
    KsPairClose(&p);
}

/* A kernel without SO_PEERPIDFD (simulated: the option asked is one the kernel does not know,
 * so getsockopt fails with ENOPROTOOPT as on Linux < 6.5): the client is authenticated the
 * same way, and its pid is never reported (it could be recycled). */
static void test_no_pidfd_falls_back_cleanly(void **state)
{
    KsecPeerPidFdOption = 0x7fff;
    KS_PAIR p;
    KsPairOpen(&p, 0, NULL, 0);
    KsecPeerPidFdOption = 0;
    SecPkgContext_NtsecPeer peer;
    assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_NTSEC_PEER, &peer), SEC_E_OK);
    assert_int_equal(peer.Flags, 0);
    assert_int_equal(peer.ProcessId, 0);
    assert_int_equal(peer.UserId, geteuid());
    PTOKEN t = KsContextToken(&p.Server);
    assert_int_equal(((PISID)t->UserAndGroups[0].Sid)->SubAuthority[1], geteuid());
    ObDereferenceObject(t);
    KsPairClose(&p);
}

/* Signing and sealing work both ways; each side numbers its own messages. */
static void test_sign_and_seal_both_ways(void **state)
{
    KS_PAIR p;
    KsPairOpen(&p, ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY, NULL, 0);
    for (int round = 0; round < 3; round++) {
        char msg[] = "hello from the client", copy[sizeof(msg)];
        unsigned char trailer[28];
        memcpy(copy, msg, sizeof(msg));
        assert_int_equal(KsProtect(&p.Client, TRUE, msg, sizeof(msg), trailer), SEC_E_OK);
        assert_memory_not_equal(msg, copy, sizeof(msg)); /* encrypted in place */
        assert_int_equal(KsUnprotect(&p.Server, TRUE, msg, sizeof(msg), trailer), SEC_E_OK);
        assert_memory_equal(msg, copy, sizeof(msg));
        char reply[] = "and back from the server";
        assert_int_equal(KsProtect(&p.Server, FALSE, reply, sizeof(reply), trailer), SEC_E_OK);
        assert_string_equal(reply, "and back from the server"); /* signed, not encrypted */
        assert_int_equal(KsUnprotect(&p.Client, FALSE, reply, sizeof(reply), trailer), SEC_E_OK);
        assert_int_equal(KsProtect(&p.Server, TRUE, reply, sizeof(reply), trailer), SEC_E_OK);
        assert_int_equal(KsUnprotect(&p.Client, TRUE, reply, sizeof(reply), trailer), SEC_E_OK);
        assert_string_equal(reply, "and back from the server");
        assert_int_equal(KsProtect(&p.Client, FALSE, copy, sizeof(copy), trailer), SEC_E_OK);
        assert_int_equal(KsUnprotect(&p.Server, FALSE, copy, sizeof(copy), trailer), SEC_E_OK);
    }
    /* a message sealed by one side cannot be opened by the same side (per-direction keys) */
    char m[] = "loop";
    unsigned char trailer[28];
    assert_int_equal(KsProtect(&p.Client, TRUE, m, sizeof(m), trailer), SEC_E_OK);
    assert_int_equal(KsUnprotect(&p.Client, TRUE, m, sizeof(m), trailer), SEC_E_MESSAGE_ALTERED);
    KsPairClose(&p);
}

/* Any edited byte is SEC_E_MESSAGE_ALTERED, and the receiver's state and buffers stay as
 * they were, so the genuine message still goes through afterwards. */
static void test_tampering_is_message_altered(void **state)
{
    KS_PAIR p;
    KsPairOpen(&p, 0, NULL, 0);
    for (int seal = 0; seal < 2; seal++) {
        unsigned char msg[32], trailer[28], sent[32], sentTrailer[28];
        for (int i = 0; i < 32; i++)
            msg[i] = (unsigned char)i;
        assert_int_equal(KsProtect(&p.Client, (BOOLEAN)seal, msg, 32, trailer), SEC_E_OK);
        memcpy(sent, msg, 32);
        memcpy(sentTrailer, trailer, 28);
        for (int at = 0; at < 32 + 28; at++) {
            unsigned char *byte = at < 32 ? &msg[at] : &trailer[at - 32];
            *byte ^= 0x01;
            SECURITY_STATUS expect = SEC_E_MESSAGE_ALTERED;
            assert_int_equal(KsUnprotect(&p.Server, (BOOLEAN)seal, msg, 32, trailer), expect);
            *byte ^= 0x01;
            assert_memory_equal(msg, sent, 32); /* a failed decryption restores the buffer */
        }
        /* a shorter token, or the wrong kind of token */
        SecBuffer b[2] = {{27, SECBUFFER_TOKEN, trailer}, {32, SECBUFFER_DATA, msg}};
        SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
        assert_int_equal(seal ? DecryptMessage(&p.Server, &d, 0, NULL) : VerifySignature(&p.Server, &d, 0, NULL),
                         SEC_E_INVALID_TOKEN);
        assert_int_equal(KsUnprotect(&p.Server, (BOOLEAN)!seal, msg, 32, trailer), SEC_E_MESSAGE_ALTERED);
        SecBufferDesc dataOnly = {SECBUFFER_VERSION, 1, &b[1]};
        assert_int_equal(VerifySignature(&p.Server, &dataOnly, 0, NULL), SEC_E_INVALID_TOKEN);
        assert_int_equal(KsUnprotect(&p.Server, (BOOLEAN)seal, msg, 32, trailer), SEC_E_OK);
        assert_memory_equal(sentTrailer, trailer, 28);
    }
    KsPairClose(&p);
}

/* An authentic message replayed, or delivered out of order, is SEC_E_OUT_OF_SEQUENCE. */
static void test_replay_and_reorder_are_out_of_sequence(void **state)
{
    KS_PAIR p;
    KsPairOpen(&p, ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT, NULL, 0);
    unsigned char m0[8] = "zero", m1[8] = "one", t0[28], t1[28], s0[8], s1[8], r0[28], r1[28];
    assert_int_equal(KsProtect(&p.Client, TRUE, m0, 8, t0), SEC_E_OK);
    assert_int_equal(KsProtect(&p.Client, TRUE, m1, 8, t1), SEC_E_OK);
    memcpy(s0, m0, 8);
    memcpy(s1, m1, 8);
    memcpy(r0, t0, 28);
    memcpy(r1, t1, 28);
    assert_int_equal(KsUnprotect(&p.Server, TRUE, m1, 8, t1), SEC_E_OUT_OF_SEQUENCE); /* 1 before 0 */
    assert_memory_equal(m1, s1, 8);
    assert_int_equal(KsUnprotect(&p.Server, TRUE, m0, 8, t0), SEC_E_OK);
    assert_string_equal((char *)m0, "zero");
    memcpy(m0, s0, 8);
    memcpy(t0, r0, 28);
    assert_int_equal(KsUnprotect(&p.Server, TRUE, m0, 8, t0), SEC_E_OUT_OF_SEQUENCE); /* replay of 0 */
    assert_int_equal(KsUnprotect(&p.Server, TRUE, m1, 8, t1), SEC_E_OK);
    memcpy(m1, s1, 8);
    memcpy(t1, r1, 28);
    assert_int_equal(KsUnprotect(&p.Server, TRUE, m1, 8, t1), SEC_E_OUT_OF_SEQUENCE); /* replay of 1 */
    /* signatures share the numbering */
    unsigned char sig[28], text[4] = "abc";
    assert_int_equal(KsProtect(&p.Client, FALSE, text, 4, sig), SEC_E_OK);
    assert_int_equal(KsUnprotect(&p.Server, FALSE, text, 4, sig), SEC_E_OK);
    assert_int_equal(KsUnprotect(&p.Server, FALSE, text, 4, sig), SEC_E_OUT_OF_SEQUENCE);
    /* QOP and token-size errors of the sender */
    SecBuffer b[2] = {{27, SECBUFFER_TOKEN, sig}, {4, SECBUFFER_DATA, text}};
    SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
    assert_int_equal(MakeSignature(&p.Client, 0, &d, 0), SEC_E_BUFFER_TOO_SMALL);
    b[0].cbBuffer = 28;
    assert_int_equal(EncryptMessage(&p.Client, SECQOP_WRAP_NO_ENCRYPT, &d, 0), SEC_E_QOP_NOT_SUPPORTED);
    SecBufferDesc dataOnly = {SECBUFFER_VERSION, 1, &b[1]};
    assert_int_equal(EncryptMessage(&p.Client, 0, &dataOnly, 0), SEC_E_INVALID_TOKEN);
    KsPairClose(&p);
}

/* Read-only buffers: READONLY_WITH_CHECKSUM is signed but not encrypted, READONLY neither. */
static void test_readonly_buffers(void **state)
{
    KS_PAIR p;
    KsPairOpen(&p, 0, NULL, 0);
    unsigned char header[6] = "hdr01", body[6] = "body1", skip[6] = "skip1", trailer[28];
    SecBuffer b[4] = {{28, SECBUFFER_TOKEN, trailer},
                      {6, SECBUFFER_DATA | SECBUFFER_READONLY_WITH_CHECKSUM, header},
                      {6, SECBUFFER_DATA, body},
                      {6, SECBUFFER_DATA | SECBUFFER_READONLY, skip}};
    SecBufferDesc d = {SECBUFFER_VERSION, 4, b};
    assert_int_equal(EncryptMessage(&p.Client, 0, &d, 0), SEC_E_OK);
    assert_string_equal((char *)header, "hdr01");
    assert_memory_not_equal(body, "body1", 6);
    skip[0] = 'S'; /* not covered */
    header[0] = 'H'; /* covered */
    assert_int_equal(DecryptMessage(&p.Server, &d, 0, NULL), SEC_E_MESSAGE_ALTERED);
    header[0] = 'h';
    assert_int_equal(DecryptMessage(&p.Server, &d, 0, NULL), SEC_E_OK);
    assert_string_equal((char *)body, "body1");
    KsPairClose(&p);
}

/* The level: what the client asks for, capped by the server (ASC_REQ_IDENTIFY) and at
 * Impersonation (no credentials to forward). The client can lower it, never raise it. */
static void test_levels_client_may_ask_for_less_never_more(void **state)
{
    static const struct {
        ULONG IscReq;
        int QosLevel; /* -1: no SECBUFFER_NTSEC_QOS */
        ULONG AscReq;
        SECURITY_IMPERSONATION_LEVEL Got;
    } rows[] = {
        {0, -1, 0, SecurityImpersonation},
        {ISC_REQ_DELEGATE, -1, 0, SecurityImpersonation},
        {ISC_REQ_IDENTIFY, -1, 0, SecurityIdentification},
        {ISC_REQ_IDENTIFY | ISC_REQ_DELEGATE, -1, 0, SecurityIdentification},
        {0, SecurityAnonymous, 0, SecurityAnonymous},
        {0, SecurityIdentification, 0, SecurityIdentification},
        {0, SecurityDelegation, 0, SecurityImpersonation},
        {ISC_REQ_IDENTIFY, SecurityDelegation, 0, SecurityIdentification},
        {0, -1, ASC_REQ_IDENTIFY, SecurityIdentification},
        {0, SecurityAnonymous, ASC_REQ_IDENTIFY, SecurityAnonymous},
    };
    for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        SECURITY_QUALITY_OF_SERVICE qos = {sizeof(qos), (SECURITY_IMPERSONATION_LEVEL)rows[i].QosLevel,
                                           SECURITY_DYNAMIC_TRACKING, TRUE};
        SecBuffer q = {sizeof(qos), SECBUFFER_NTSEC_QOS, &qos};
        SecBufferDesc qd = {SECBUFFER_VERSION, 1, &q};
        KS_PAIR p;
        KsPairOpen(&p, rows[i].IscReq, rows[i].QosLevel < 0 ? NULL : &qd, rows[i].AscReq);
        PTOKEN t = KsContextToken(&p.Server);
        assert_int_equal(t->ImpersonationLevel, rows[i].Got);
        ObDereferenceObject(t);
        assert_int_equal(!!(p.ServerAttr & ASC_RET_IDENTIFY), rows[i].Got <= SecurityIdentification);
        SecPkgContext_NtsecPeer peer;
        assert_int_equal(QueryContextAttributesW(&p.Server, SECPKG_ATTR_NTSEC_PEER, &peer), SEC_E_OK);
        assert_int_equal(peer.GrantedLevel, rows[i].Got);
        if (rows[i].QosLevel >= 0) {
            assert_int_equal(peer.RequestedQos.ContextTrackingMode, SECURITY_DYNAMIC_TRACKING);
            assert_true(peer.RequestedQos.EffectiveOnly);
        }
        KsPairClose(&p);
    }
}

/* An Identification-level client is never impersonated beyond Identification: the server
 * thread gets an Identification token, whatever the server asks. */
static void test_identification_client_is_never_impersonated(void **state)
{
    KS_PAIR p;
    KsPairOpen(&p, ISC_REQ_IDENTIFY, NULL, 0);
    assert_int_equal(ImpersonateSecurityContext(&p.Server), SEC_E_OK);
    PACCESS_TOKEN th = PsReferenceImpersonationToken(PsGetCurrentThread(), &(BOOLEAN){0}, &(BOOLEAN){0},
                                                     &(SECURITY_IMPERSONATION_LEVEL){SecurityDelegation});
    assert_non_null(th);
    assert_int_equal(((PTOKEN)th)->ImpersonationLevel, SecurityIdentification);
    ObDereferenceObject(th);
    assert_int_equal(RevertSecurityContext(&p.Server), SEC_E_OK);
    assert_null(PsReferenceImpersonationToken(PsGetCurrentThread(), &(BOOLEAN){0}, &(BOOLEAN){0},
                                              &(SECURITY_IMPERSONATION_LEVEL){SecurityDelegation}));
    /* the client's own context has no token to impersonate */
    assert_int_equal(ImpersonateSecurityContext(&p.Client), SEC_E_NO_IMPERSONATION);
    KsPairClose(&p);
}

/* Accept errors: each with its status, none leaves a context behind. */
static void test_accept_errors(void **state)
{
    ULONG contexts = NtsecSecurityContextCount();
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    CredHandle cc = KsAcquire("ntsec-local", SECPKG_CRED_OUTBOUND);
    CredHandle sc = KsAcquire("ntsec-local", SECPKG_CRED_INBOUND);
    unsigned char token[80];
    ULONG length = sizeof(token), attr;
    CtxtHandle client, server;
    assert_int_equal(KsInitialize(&cc, 0, NULL, &client, token, &length, &attr), SEC_E_OK);
    /* no token buffer */
    SecBuffer sock = {sizeof(int), SECBUFFER_NTSEC_SOCKET, &sv[0]};
    SecBufferDesc onlySocket = {SECBUFFER_VERSION, 1, &sock};
    assert_int_equal(AcceptSecurityContext(&sc, NULL, &onlySocket, 0, 0, &server, NULL, &attr, NULL),
                     SEC_E_INVALID_TOKEN);
    assert_int_equal(AcceptSecurityContext(&sc, NULL, NULL, 0, 0, &server, NULL, &attr, NULL), SEC_E_INVALID_TOKEN);
    /* truncated, extended, garbage */
    assert_int_equal(KsAccept(&sc, sv[0], token, 79, 0, &server, &attr), SEC_E_INVALID_TOKEN);
    unsigned char longer[81];
    memcpy(longer, token, 80);
    longer[80] = 0;
    assert_int_equal(KsAccept(&sc, sv[0], longer, 81, 0, &server, &attr), SEC_E_INVALID_TOKEN);
    for (int at = 0; at < 16; at++) { /* header bytes: magic, version, type, flags, level, reserved */
        unsigned char bad[80];
        memcpy(bad, token, 80);
        bad[at] ^= (at == 6 || at == 7) ? 0x80 : 0x01;
        assert_int_equal(KsAccept(&sc, sv[0], bad, 80, 0, &server, &attr), SEC_E_INVALID_TOKEN);
    }
    /* no socket buffer, a wrong-sized one, sockets with no authenticated peer */
    SecBuffer tokenOnly = {80, SECBUFFER_TOKEN, token};
    SecBufferDesc tokenDesc = {SECBUFFER_VERSION, 1, &tokenOnly};
    assert_int_equal(AcceptSecurityContext(&sc, NULL, &tokenDesc, 0, 0, &server, NULL, &attr, NULL),
                     SEC_E_INVALID_PARAMETER);
    SecBuffer in[2] = {{80, SECBUFFER_TOKEN, token}, {2, SECBUFFER_NTSEC_SOCKET, &sv[0]}};
    SecBufferDesc inDesc = {SECBUFFER_VERSION, 2, in};
    assert_int_equal(AcceptSecurityContext(&sc, NULL, &inDesc, 0, 0, &server, NULL, &attr, NULL),
                     SEC_E_INVALID_PARAMETER);
    int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(KsAccept(&sc, tcp, token, 80, 0, &server, &attr), SEC_E_INVALID_PARAMETER);
    close(tcp);
    int unconnected = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(KsAccept(&sc, unconnected, token, 80, 0, &server, &attr), SEC_E_INVALID_PARAMETER);
    close(unconnected);
    assert_int_equal(KsAccept(&sc, -1, token, 80, 0, &server, &attr), SEC_E_INVALID_PARAMETER);
    assert_int_equal(NtsecSecurityContextCount(), contexts + 1); /* only the client's */
    /* and the genuine request still works */
    assert_int_equal(KsAccept(&sc, sv[0], token, 80, 0, &server, &attr), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&server), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&client), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&cc), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&sc), SEC_E_OK);
    assert_int_equal(NtsecSecurityContextCount(), contexts);
    close(sv[0]);
    close(sv[1]);
}

/* ISC_REQ_ALLOCATE_MEMORY: the token comes in a buffer freed with FreeContextBuffer. A
 * credential freed while its contexts live keeps working for them. */
static void test_allocate_memory_and_early_credential_free(void **state)
{
    ULONG creds = NtsecCredentialsHandleCount();
    CredHandle cc = KsAcquire("ntsec-local", SECPKG_CRED_OUTBOUND);
    SecBuffer out = {0, SECBUFFER_TOKEN, NULL};
    SecBufferDesc outDesc = {SECBUFFER_VERSION, 1, &out};
    CtxtHandle client;
    ULONG attr;
    assert_int_equal(InitializeSecurityContextW(&cc, NULL, NULL, ISC_REQ_ALLOCATE_MEMORY, 0, 0, NULL, 0, &client,
                                                &outDesc, &attr, NULL),
                     SEC_E_OK);
    assert_true(attr & ISC_RET_ALLOCATED_MEMORY);
    assert_int_equal(out.cbBuffer, 80);
    assert_non_null(out.pvBuffer);
    assert_int_equal(FreeCredentialsHandle(&cc), SEC_E_OK);
    assert_int_equal(NtsecCredentialsHandleCount(), creds);
    unsigned char m[4] = "abc", t[28];
    assert_int_equal(KsProtect(&client, TRUE, m, 4, t), SEC_E_OK); /* the context still works */
    assert_int_equal(FreeContextBuffer(out.pvBuffer), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&client), SEC_E_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exchange_builds_token_from_the_socket),
        cmocka_unit_test(test_context_attributes),
        cmocka_unit_test(test_no_pidfd_falls_back_cleanly),
        cmocka_unit_test(test_sign_and_seal_both_ways),
        cmocka_unit_test(test_tampering_is_message_altered),
        cmocka_unit_test(test_replay_and_reorder_are_out_of_sequence),
        cmocka_unit_test(test_readonly_buffers),
        cmocka_unit_test(test_levels_client_may_ask_for_less_never_more),
        cmocka_unit_test(test_identification_client_is_never_impersonated),
        cmocka_unit_test(test_accept_errors),
        cmocka_unit_test(test_allocate_memory_and_early_credential_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
