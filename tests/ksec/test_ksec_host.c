/*
 * test_ksec_host.c - end to end: authenticate a real local peer (a forked child running as
 * uid 40001, gid 40101, supplementary 40110) with package "ntsec-local", then act as it:
 * with the euid host backend on, ImpersonateSecurityContext gives the server thread the
 * peer's Linux identity and the kernel decides file access as the peer; RevertSecurityContext
 * restores the server's identity exactly. Root only (the child must change uid; the backend
 * needs CAP_SETUID/CAP_SETGID); skipped otherwise.
 */
#include "ksec_helpers.h"
#include "sspi_helpers.h"
#include "host_helpers.h"
#include "sspi.h"

static TH_TREE Tree;

static int SetupGroup(void **state)
{
    return ThSetupEuidTree(&Tree);
}

static int TeardownGroup(void **state)
{
    return ThTeardownEuidTree(&Tree);
}

typedef struct {
    CtxtHandle Handle;
} KS_HOST;

static void *BodyActAsPeer(void *Arg)
{
    KS_HOST *k = Arg;
    TH_IDS before, during, after;
    ThReadIds(&before);
    tr_check_int_equal(ImpersonateSecurityContext(&k->Handle), SEC_E_OK);
    ThReadIds(&during);
    /* euid mode (docs/host.md): effective and fs ids become the peer's; real and saved
     * stay the server's, so RevertSecurityContext can return. */
    tr_check_int_equal(during.Uid[0], before.Uid[0]);
    tr_check_int_equal(during.Uid[1], TH_UID_A);
    tr_check_int_equal(during.Uid[3], TH_UID_A);
    tr_check_int_equal(during.Gid[1], TH_GID_A);
    tr_check_int_equal(during.Gid[3], TH_GID_A);
    tr_check_true(ThIdsHaveGroup(&during, TH_GID_A));
    tr_check_true(ThIdsHaveGroup(&during, TH_GID_SHARED));
    tr_check_false(ThIdsHaveGroup(&during, 0));
    tr_check_int_equal(ThOpenRead(Tree.FileA), 0);            /* the peer's own file */
    tr_check_int_equal(ThOpenRead(Tree.FileShared), 0);       /* through its supplementary group */
    tr_check_int_equal(ThOpenRead(Tree.FileB), EACCES);       /* another user's */
    tr_check_int_equal(ThOpenRead(Tree.FileDeny), EACCES);    /* a group it is not in */
    tr_check_int_equal(RevertSecurityContext(&k->Handle), SEC_E_OK);
    ThReadIds(&after);
    tr_check_true(ThIdsEqual(&before, &after));
    tr_check_int_equal(ThOpenRead(Tree.FileB), 0);
    return NULL;
}

static void test_authenticated_peer_is_acted_as_by_the_kernel(void **state)
{
    TH_REQUIRE_ROOT();
    const gid_t groups[] = {TH_GID_A, TH_GID_SHARED};
    KS_PEER peer;
    KsStartPeer("host", TH_UID_A, TH_GID_A, groups, 2, &peer);
    KS_HOST k;
    assert_status(NtsecAcceptLocalPeer(peer.Connection, SecurityImpersonation, &k.Handle), STATUS_SUCCESS);
    PVOID token = NULL;
    assert_int_equal(QuerySecurityContextToken(&k.Handle, &token), SEC_E_OK);
    LONG_PTR refs = NtsecReferenceCount(token);
    ThRunOnThread(BodyActAsPeer, &k);
    assert_int_equal(NtsecReferenceCount(token), refs); /* the thread's reference is gone */
    ObDereferenceObject(token);
    assert_int_equal(DeleteSecurityContext(&k.Handle), SEC_E_OK);
    KsStopPeer(&peer);
}

/* An identify-only context: the thread switches to the unprivileged identity (docs/host.md),
 * so the kernel refuses what NT would refuse at Identification level. */
static void *BodyIdentifyOnly(void *Arg)
{
    KS_HOST *k = Arg;
    TH_IDS during;
    tr_check_int_equal(ImpersonateSecurityContext(&k->Handle), SEC_E_OK);
    ThReadIds(&during);
    tr_check_true(during.Uid[1] != TH_UID_A);
    tr_check_true(during.Uid[1] != 0);
    tr_check_int_equal(ThOpenRead(Tree.FileA), EACCES);
    tr_check_int_equal(RevertSecurityContext(&k->Handle), SEC_E_OK);
    tr_check_int_equal(ThOpenRead(Tree.FileA), 0);
    return NULL;
}

static void test_identify_only_peer_gets_no_access(void **state)
{
    TH_REQUIRE_ROOT();
    const gid_t groups[] = {TH_GID_A};
    KS_PEER peer;
    KsStartPeer("ident", TH_UID_A, TH_GID_A, groups, 1, &peer);
    KS_HOST k;
    assert_status(NtsecAcceptLocalPeer(peer.Connection, SecurityIdentification, &k.Handle), STATUS_SUCCESS);
    ThRunOnThread(BodyIdentifyOnly, &k);
    assert_int_equal(DeleteSecurityContext(&k.Handle), SEC_E_OK);
    KsStopPeer(&peer);
}

/* The same through the real handshake: a client process as uid 40001 runs
 * InitializeSecurityContextW, the server AcceptSecurityContext; then the server thread runs
 * as the client (checked in /proc/thread-self/status) and reverts exactly. */
static void test_handshake_peer_is_acted_as_by_the_kernel(void **state)
{
    TH_REQUIRE_ROOT();
    const gid_t groups[] = {TH_GID_A, TH_GID_SHARED};
    KS_REMOTE r;
    KsStartRemoteClient("hosths", TH_UID_A, TH_GID_A, groups, 2, ISC_REQ_CONFIDENTIALITY, 0, &r);
    KS_HOST k = {r.Server};
    ThRunOnThread(BodyActAsPeer, &k);
    KsRemoteEcho(&r, "after impersonation");
    KsStopRemoteClient(&r);
    assert_int_equal(DeleteSecurityContext(&r.Server), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&r.Cred), SEC_E_OK);
}

/* An Identification-level client through the handshake: the server never acts as it. */
static void test_handshake_identify_client_gets_no_access(void **state)
{
    TH_REQUIRE_ROOT();
    const gid_t groups[] = {TH_GID_A};
    KS_REMOTE r;
    KsStartRemoteClient("hostid", TH_UID_A, TH_GID_A, groups, 1, ISC_REQ_IDENTIFY, 0, &r);
    KS_HOST k = {r.Server};
    ThRunOnThread(BodyIdentifyOnly, &k);
    KsStopRemoteClient(&r);
    assert_int_equal(DeleteSecurityContext(&r.Server), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&r.Cred), SEC_E_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_authenticated_peer_is_acted_as_by_the_kernel),
        cmocka_unit_test(test_identify_only_peer_gets_no_access),
        cmocka_unit_test(test_handshake_peer_is_acted_as_by_the_kernel),
        cmocka_unit_test(test_handshake_identify_client_gets_no_access),
    };
    return cmocka_run_group_tests(tests, SetupGroup, TeardownGroup);
}
