/*
 * test_ksec_local_fork.c - ntsec-local across two processes: a forked client (as root: uid
 * 40001, gid 40101, supplementary 40110) authenticates through InitializeSecurityContextW in
 * its own process; the server accepts with the socket and builds the client's token from the
 * kernel's facts; sealed messages go both ways; the client process is pinned by its pidfd
 * and reported as exited, never as a recycled pid. No threads run before the forks.
 */
#include <stdio.h>
#include "sspi_helpers.h"
#include "se/sep.h"

#define KS_UID 40001
#define KS_GID 40101
#define KS_GID_SHARED 40110

static BOOLEAN HasSid(PTOKEN T, ULONG Kind, ULONG Id)
{
    for (ULONG i = 1; i < T->UserAndGroupCount; i++) {
        PISID s = T->UserAndGroups[i].Sid;
        if (s->SubAuthorityCount == 2 && s->IdentifierAuthority.Value[5] == 22 && s->SubAuthority[0] == Kind &&
            s->SubAuthority[1] == Id)
            return TRUE;
    }
    return FALSE;
}

static void test_forked_client_authenticates_and_talks_sealed(void **state)
{
    BOOLEAN root = geteuid() == 0;
    const gid_t groups[] = {KS_GID, KS_GID_SHARED};
    ULONG contexts = NtsecSecurityContextCount();
    KS_REMOTE r;
    KsStartRemoteClient("fork", root ? KS_UID : (uid_t)-1, KS_GID, groups, 2, 0, 0, &r);
    PVOID t = NULL;
    assert_int_equal(QuerySecurityContextToken(&r.Server, &t), SEC_E_OK);
    PTOKEN token = t;
    PISID user = token->UserAndGroups[0].Sid;
    assert_int_equal(user->SubAuthority[0], 1);
    assert_int_equal(user->SubAuthority[1], root ? KS_UID : geteuid());
    if (root) {
        assert_true(HasSid(token, 2, KS_GID));
        assert_true(HasSid(token, 2, KS_GID_SHARED));
        assert_false(HasSid(token, 2, 0));
    }
    assert_int_equal(token->ImpersonationLevel, SecurityImpersonation);
    ObDereferenceObject(t);
    SecPkgContext_NtsecPeer peer;
    assert_int_equal(QueryContextAttributesW(&r.Server, SECPKG_ATTR_NTSEC_PEER, &peer), SEC_E_OK);
    assert_int_equal(peer.UserId, root ? KS_UID : geteuid());
    BOOLEAN pinned = (peer.Flags & NTSEC_PEER_PIDFD) != 0;
    assert_int_equal(peer.ProcessId, pinned ? (ULONG)r.Pid : 0);
    KsRemoteEcho(&r, "first");
    KsRemoteEcho(&r, "second message, longer");
    KsStopRemoteClient(&r); /* the client has exited and been reaped: its pid may be reused */
    assert_int_equal(QueryContextAttributesW(&r.Server, SECPKG_ATTR_NTSEC_PEER, &peer), SEC_E_OK);
    assert_int_equal(peer.ProcessId, 0);
    if (pinned)
        assert_true(peer.Flags & NTSEC_PEER_EXITED);
    assert_int_equal(peer.UserId, root ? KS_UID : geteuid()); /* the identity stays */
    assert_int_equal(DeleteSecurityContext(&r.Server), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&r.Cred), SEC_E_OK);
    assert_int_equal(NtsecSecurityContextCount(), contexts);
}

/* The client asks for Identification: the server's token is Identification, whatever the
 * server would allow. */
static void test_forked_identify_client(void **state)
{
    BOOLEAN root = geteuid() == 0;
    const gid_t groups[] = {KS_GID};
    KS_REMOTE r;
    KsStartRemoteClient("ident", root ? KS_UID : (uid_t)-1, KS_GID, groups, 1, ISC_REQ_IDENTIFY, 0, &r);
    PVOID t = NULL;
    assert_int_equal(QuerySecurityContextToken(&r.Server, &t), SEC_E_OK);
    assert_int_equal(((PTOKEN)t)->ImpersonationLevel, SecurityIdentification);
    ObDereferenceObject(t);
    assert_true(r.Attr & ASC_RET_IDENTIFY);
    KsRemoteEcho(&r, "identify");
    KsStopRemoteClient(&r);
    assert_int_equal(DeleteSecurityContext(&r.Server), SEC_E_OK);
    assert_int_equal(FreeCredentialsHandle(&r.Cred), SEC_E_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forked_client_authenticates_and_talks_sealed),
        cmocka_unit_test(test_forked_identify_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
