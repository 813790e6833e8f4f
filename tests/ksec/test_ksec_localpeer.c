/*
 * test_ksec_localpeer.c - package "ntsec-local" (docs/sspi.md): a real peer authenticated
 * by the kernel's record of its credentials (SO_PEERCRED + SO_PEERGROUPS), the token it
 * yields, the sockets it refuses, and ImpersonateSecurityContext with such a context on a
 * server thread with and without the right to impersonate (spec 2.19 step 6, case 73).
 */
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <stdlib.h>
#include "ksec_helpers.h"
#include "sspi.h"
#include "threadrunner.h"
#include "se/sep.h"
#include "rtl/rtlp.h"
#include "ksec/ksecp.h"

/* TRUE iff the token has a group (not the user) whose SID text is Text, with Attributes set. */
static BOOLEAN HasGroup(PTOKEN Token, PCSTR Text, ULONG Attributes)
{
    char buf[200];
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        assert_status(RtlpSidToString(Token->UserAndGroups[i].Sid, buf, sizeof(buf)), STATUS_SUCCESS);
        if (strcmp(buf, Text) == 0)
            return (Token->UserAndGroups[i].Attributes & Attributes) == Attributes;
    }
    return FALSE;
}

static void ExpectUser(PTOKEN Token, PCSTR Text)
{
    char buf[200];
    assert_status(RtlpSidToString(SepTokenUserSid(Token), buf, sizeof(buf)), STATUS_SUCCESS);
    assert_string_equal(buf, Text);
}

static PTOKEN ContextToken(PCtxtHandle h)
{
    PVOID token = NULL;
    assert_int_equal(QuerySecurityContextToken(h, &token), SEC_E_OK);
    return token; /* caller releases */
}

#define ON (SE_GROUP_ENABLED | SE_GROUP_MANDATORY)

/* socketpair: SO_PEERCRED names this very process, so the peer is getuid()/getgid(). */
static void test_socketpair_peer_is_this_process_user(void **state)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    ULONG count = NtsecSecurityContextCount();
    CtxtHandle h;
    assert_status(NtsecAcceptLocalPeer(sv[0], SecurityImpersonation, &h), STATUS_SUCCESS);
    assert_int_equal(NtsecSecurityContextCount(), count + 1);
    assert_string_equal(NtsecSecurityContextPackage(&h), "ntsec-local");
    PTOKEN t = ContextToken(&h);
    char text[64];
    snprintf(text, sizeof(text), "S-1-22-1-%u", (unsigned)getuid());
    ExpectUser(t, text);
    snprintf(text, sizeof(text), "S-1-22-2-%u", (unsigned)getgid());
    assert_true(HasGroup(t, text, ON));
    assert_true(HasGroup(t, "S-1-1-0", ON));  /* Everyone */
    assert_true(HasGroup(t, "S-1-5-2", ON));  /* NETWORK: reached through a connection */
    assert_true(HasGroup(t, "S-1-5-11", ON)); /* Authenticated Users */
    assert_false(HasGroup(t, "S-1-5-4", 0));  /* never INTERACTIVE */
    assert_false(HasGroup(t, "S-1-2-0", 0));  /* never LOCAL */
    /* the logon SID names this authentication's logon session */
    char logon[64];
    snprintf(logon, sizeof(logon), "S-1-5-5-%u-%u", (unsigned)t->AuthenticationId.HighPart,
             (unsigned)t->AuthenticationId.LowPart);
    assert_true(HasGroup(t, logon, ON | SE_GROUP_LOGON_ID));
    assert_int_equal(t->TokenType, TokenImpersonation);
    assert_int_equal(t->ImpersonationLevel, SecurityImpersonation);
    assert_memory_equal(t->TokenSource.SourceName, "NtsecLcl", 8);
    assert_int_equal(SepTokenIntegrityRid(t),
                     getuid() == 0 ? SECURITY_MANDATORY_HIGH_RID : SECURITY_MANDATORY_MEDIUM_RID);
    assert_int_equal(t->PrivilegeCount, 1);
    assert_int_equal(t->Privileges[0].Luid.LowPart, SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_int_equal(NtsecReferenceCount(t), 2); /* the context's + ours */
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    assert_int_equal(NtsecReferenceCount(t), 1);
    ObDereferenceObject(t);
    assert_int_equal(NtsecSecurityContextCount(), count);
    /* The other end authenticates the same way; the socket is neither read nor closed. */
    assert_status(NtsecAcceptPackagePeer("ntsec-local", sv[1], SecurityIdentification, &h), STATUS_SUCCESS);
    assert_int_equal(write(sv[0], "x", 1), 1);
    char b = 0;
    assert_int_equal(read(sv[1], &b, 1), 1);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    close(sv[0]);
    close(sv[1]);
}

/* The server's level request: identify-only -> Identification; Delegation -> Impersonation. */
static void test_requested_level_is_the_token_level(void **state)
{
    static const struct {
        SECURITY_IMPERSONATION_LEVEL Asked, Got;
    } rows[] = {{SecurityAnonymous, SecurityAnonymous},
                {SecurityIdentification, SecurityIdentification},
                {SecurityImpersonation, SecurityImpersonation},
                {SecurityDelegation, SecurityImpersonation}};
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        CtxtHandle h;
        assert_status(NtsecAcceptLocalPeer(sv[0], rows[i].Asked, &h), STATUS_SUCCESS);
        PTOKEN t = ContextToken(&h);
        assert_int_equal(t->ImpersonationLevel, rows[i].Got);
        ObDereferenceObject(t);
        assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    }
    close(sv[0]);
    close(sv[1]);
}

/* Sockets that carry no authenticated peer are refused; nothing is created. */
static void test_refuses_sockets_without_an_authenticated_peer(void **state)
{
    ULONG count = NtsecSecurityContextCount();
    CtxtHandle h;
    int sv[2], fds[2];
    assert_status(NtsecAcceptLocalPeer(-1, SecurityImpersonation, &h), STATUS_INVALID_HANDLE);
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    assert_status(NtsecAcceptLocalPeer(fds[0], SecurityImpersonation, &h), STATUS_INVALID_HANDLE);
    close(fds[0]);
    close(fds[1]);
    assert_status(NtsecAcceptLocalPeer(fds[0], SecurityImpersonation, &h), STATUS_INVALID_HANDLE); /* closed */
    int unconnected = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_status(NtsecAcceptLocalPeer(unconnected, SecurityImpersonation, &h), STATUS_INVALID_PARAMETER);
    close(unconnected);
    /* a listening socket holds its creator's own credentials: must not authenticate */
    int listener = KsListen("listen");
    assert_status(NtsecAcceptLocalPeer(listener, SecurityImpersonation, &h), STATUS_INVALID_PARAMETER);
    close(listener);
    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
    assert_status(NtsecAcceptLocalPeer(sv[0], SecurityImpersonation, &h), STATUS_INVALID_PARAMETER);
    close(sv[0]);
    close(sv[1]);
    int inet = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(inet >= 0);
    assert_status(NtsecAcceptLocalPeer(inet, SecurityImpersonation, &h), STATUS_INVALID_PARAMETER);
    close(inet);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    assert_status(NtsecAcceptLocalPeer(sv[0], (SECURITY_IMPERSONATION_LEVEL)4, &h), STATUS_INVALID_PARAMETER);
    assert_int_equal(h.dwLower, 0);
    assert_status(NtsecAcceptLocalPeer(sv[0], SecurityImpersonation, NULL), STATUS_INVALID_PARAMETER);
    /* allocation failures: STATUS_NO_MEMORY, no context, no leak */
    for (ULONG n = 1; n < 100; n++) {
        NtsecSetAllocationFailure(n);
        NTSTATUS st = NtsecAcceptLocalPeer(sv[0], SecurityImpersonation, &h);
        NtsecSetAllocationFailure(0);
        if (NT_SUCCESS(st)) {
            assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
            break;
        }
        assert_status(st, STATUS_NO_MEMORY);
        assert_int_equal(NtsecSecurityContextCount(), count);
    }
    close(sv[0]);
    close(sv[1]);
    assert_int_equal(NtsecSecurityContextCount(), count);
}

/*
 * A peer whose pid is not visible in the server's pid namespace (a server in a container, a
 * client on the host): SO_PEERCRED reports pid 0 with the peer's real uid/gid. The pid is not
 * used (docs/sspi.md), so the peer is authenticated like any other; only uid/gid -1 (no
 * record) means "not connected". Root only: the server runs in a grandchild that is pid 1 of
 * a new pid namespace, and reports back through its exit code.
 */
static void test_peer_with_invisible_pid_is_still_authenticated(void **state)
{
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: needs root for a new pid namespace\n");
        skip();
    }
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        if (unshare(CLONE_NEWPID) != 0)
            _exit(77);
        pid_t server = fork();
        if (server < 0)
            _exit(78);
        if (server == 0) {
            struct ucred cred;
            socklen_t length = sizeof(cred);
            if (getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0 || cred.pid != 0 ||
                cred.uid != geteuid())
                _exit(79); /* the precondition of this test does not hold */
            CtxtHandle h;
            NTSTATUS st = NtsecAcceptLocalPeer(sv[0], SecurityImpersonation, &h);
            if (st == STATUS_INVALID_PARAMETER)
                _exit(1);
            if (st != STATUS_SUCCESS)
                _exit(2);
            _exit(DeleteSecurityContext(&h) == SEC_E_OK ? 0 : 3);
        }
        int status = 0;
        if (waitpid(server, &status, 0) != server || !WIFEXITED(status))
            _exit(80);
        _exit(WEXITSTATUS(status));
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    close(sv[0]);
    close(sv[1]);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        fprintf(stderr, "skipped: unshare(CLONE_NEWPID) refused\n");
        skip();
    }
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A forked peer under another identity (root only): its uid, gid and supplementary groups
 * come from the kernel, not from anything it says. */
static void test_forked_peer_of_another_user_is_that_user(void **state)
{
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: needs root to give the child uid 40001\n");
        skip();
    }
    const gid_t groups[] = {40110, 40111, 40110, 40101};
    KS_PEER peer;
    KsStartPeer("other", 40001, 40101, groups, 4, &peer);
    CtxtHandle h;
    assert_status(NtsecAcceptLocalPeer(peer.Connection, SecurityImpersonation, &h), STATUS_SUCCESS);
    PTOKEN t = ContextToken(&h);
    ExpectUser(t, "S-1-22-1-40001");
    assert_true(HasGroup(t, "S-1-22-2-40101", ON));
    assert_true(HasGroup(t, "S-1-22-2-40110", ON));
    assert_true(HasGroup(t, "S-1-22-2-40111", ON));
    assert_false(HasGroup(t, "S-1-22-2-0", 0));
    assert_false(HasGroup(t, "S-1-5-32-544", 0));
    /* primary + 2 distinct supplementary + Everyone, NETWORK, AU, logon + integrity */
    assert_int_equal(t->UserAndGroupCount, 1 + 3 + 4 + 1);
    assert_int_equal(SepTokenIntegrityRid(t), SECURITY_MANDATORY_MEDIUM_RID);
    ObDereferenceObject(t);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    KsStopPeer(&peer);
}

/* spec 2.19 step 6 / case 73 with a real peer: a server process of another user without
 * SeImpersonatePrivilege gets an Identification copy (SEC_E_OK); a server process of the
 * peer's own user gets the token itself (spec 3.2 step 5: same user). */
typedef struct {
    CtxtHandle *Handle;
    SECURITY_STATUS Impersonate, Revert;
    PACCESS_TOKEN Seen;
    SECURITY_IMPERSONATION_LEVEL Level;
} KS_SERVE;

static VOID WorkServe(PVOID Context)
{
    KS_SERVE *s = Context;
    s->Impersonate = ImpersonateSecurityContext(s->Handle);
    BOOLEAN coo, eo;
    s->Seen = PsReferenceImpersonationToken(PsGetCurrentThread(), &coo, &eo, &s->Level);
    if (s->Seen != NULL)
        PsDereferenceImpersonationToken(s->Seen);
    s->Revert = RevertSecurityContext(s->Handle);
}

static void ServeOn(PCSTR ProcessTokenText, CtxtHandle *h, KS_SERVE *s)
{
    PACCESS_TOKEN pt = TestToken(ProcessTokenText);
    PEPROCESS process = NULL;
    assert_status(NtsecCreateProcess(pt, &process), STATUS_SUCCESS);
    TEST_THREAD *runner = TrStart(process);
    memset(s, 0, sizeof(*s));
    s->Handle = h;
    TrRun(runner, WorkServe, s);
    assert_null(PsReferenceImpersonationToken(TrThread(runner), NULL, NULL, NULL));
    TrStop(runner);
    ObDereferenceObject(process);
    ObDereferenceObject(pt);
}

static void test_case73_real_peer_downgraded_for_other_user_server(void **state)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    CtxtHandle h;
    assert_status(NtsecAcceptLocalPeer(sv[0], SecurityImpersonation, &h), STATUS_SUCCESS);
    PTOKEN peer = ContextToken(&h);
    LONG_PTR refs = NtsecReferenceCount(peer);
    char uid[64], text[256];
    snprintf(uid, sizeof(uid), "S-1-22-1-%u", (unsigned)getuid());

    KS_SERVE s;
    ServeOn("user=S-1-5-21-1-2-3-1001 groups=WD integrity=medium", &h, &s);
    assert_int_equal(s.Impersonate, SEC_E_OK);
    assert_int_equal(s.Revert, SEC_E_OK);
    assert_non_null(s.Seen);
    assert_ptr_not_equal(s.Seen, peer);
    assert_int_equal(s.Level, SecurityIdentification);

    snprintf(text, sizeof(text), "user=%s groups=WD integrity=%s", uid, getuid() == 0 ? "high" : "medium");
    ServeOn(text, &h, &s);
    assert_int_equal(s.Impersonate, SEC_E_OK);
    assert_ptr_equal(s.Seen, peer);
    assert_int_equal(s.Level, SecurityImpersonation);

    assert_int_equal(NtsecReferenceCount(peer), refs);
    ObDereferenceObject(peer);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    close(sv[0]);
    close(sv[1]);
}

/* KsecBuildPeerToken on hostile values: huge, duplicated and extreme ids; bad counts. */
static void test_peer_token_builder_handles_extreme_values(void **state)
{
    ULONG n = 65536;
    gid_t *g = malloc(sizeof(gid_t) * n);
    assert_non_null(g);
    for (ULONG i = 0; i < n; i++)
        g[i] = (gid_t)(i % 3 == 0 ? 0xffffffffu : (i * 2654435761u) % 1000);
    PTOKEN t = NULL;
    assert_status(KsecBuildPeerToken((uid_t)-2, (gid_t)-1, g, n, SecurityIdentification, &t), STATUS_SUCCESS);
    ExpectUser(t, "S-1-22-1-4294967294");
    assert_true(HasGroup(t, "S-1-22-2-4294967295", ON));
    assert_true(t->UserAndGroupCount <= 1 + 1 + 1000 + 4 + 1);
    ObDereferenceObject(t);
    assert_status(KsecBuildPeerToken(1, 1, g, n + 1, SecurityIdentification, &t), STATUS_INVALID_PARAMETER);
    assert_status(KsecBuildPeerToken(1, 1, NULL, 3, SecurityIdentification, &t), STATUS_INVALID_PARAMETER);
    assert_status(KsecBuildPeerToken(1, 1, g, 1, (SECURITY_IMPERSONATION_LEVEL)9, &t), STATUS_INVALID_PARAMETER);
    assert_status(KsecBuildPeerToken(0, 0, NULL, 0, SecurityImpersonation, &t), STATUS_SUCCESS);
    assert_true(HasGroup(t, "S-1-5-32-544", ON | SE_GROUP_OWNER)); /* root: Administrators */
    ObDereferenceObject(t);
    free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_socketpair_peer_is_this_process_user),
        cmocka_unit_test(test_requested_level_is_the_token_level),
        cmocka_unit_test(test_refuses_sockets_without_an_authenticated_peer),
        cmocka_unit_test(test_forked_peer_of_another_user_is_that_user),
        cmocka_unit_test(test_peer_with_invisible_pid_is_still_authenticated),
        cmocka_unit_test(test_case73_real_peer_downgraded_for_other_user_server),
        cmocka_unit_test(test_peer_token_builder_handles_extreme_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
