/*
 * ksec_helpers.h - a real local peer for the "ntsec-local" tests: a forked child that takes
 * a chosen identity (raw syscalls: only async-signal-safe calls after fork) and connects to
 * an abstract AF_UNIX socket of the test; the test gets the accepted connection.
 */
#ifndef NTSEC_KSEC_HELPERS_H
#define NTSEC_KSEC_HELPERS_H

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ntsec_test.h"

typedef struct {
    pid_t Pid;
    int Connection; /* the server's end, accepted */
} KS_PEER;

static inline socklen_t KsAbstractAddress(struct sockaddr_un *Address, const char *Tag)
{
    memset(Address, 0, sizeof(*Address));
    Address->sun_family = AF_UNIX;
    int n = snprintf(Address->sun_path + 1, sizeof(Address->sun_path) - 1, "ntsec-ksec-%s-%d", Tag, (int)getpid());
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

/* A listening abstract socket; fails the test on error. */
static inline int KsListen(const char *Tag)
{
    struct sockaddr_un a;
    socklen_t len = KsAbstractAddress(&a, Tag);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&a, len), 0);
    assert_int_equal(listen(s, 4), 0);
    return s;
}

/*
 * Forks a child that sets groups, gid and uid (each only when Uid != (uid_t)-1, i.e. when
 * the test runs as root), connects to the listening socket and waits until the server closes
 * its end. Returns the accepted connection in Peer.
 */
static inline void KsStartPeer(const char *Tag, uid_t Uid, gid_t Gid, const gid_t *Groups, int GroupCount,
                               KS_PEER *Peer)
{
    int listener = KsListen(Tag);
    struct sockaddr_un a;
    socklen_t len = KsAbstractAddress(&a, Tag);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (Uid != (uid_t)-1) {
            if (syscall(SYS_setgroups, GroupCount, Groups) != 0)
                _exit(10);
            if (syscall(SYS_setresgid, Gid, Gid, Gid) != 0)
                _exit(11);
            if (syscall(SYS_setresuid, Uid, Uid, Uid) != 0)
                _exit(12);
        }
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (c < 0 || connect(c, (struct sockaddr *)&a, len) != 0)
            _exit(13);
        char b;
        while (read(c, &b, 1) > 0) {
        }
        _exit(0);
    }
    Peer->Pid = pid;
    Peer->Connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    assert_true(Peer->Connection >= 0);
    close(listener);
}

/* Closes the server's end and checks that the child did everything it was asked. */
static inline void KsStopPeer(KS_PEER *Peer)
{
    int status = 0;
    close(Peer->Connection);
    assert_int_equal(waitpid(Peer->Pid, &status, 0), Peer->Pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The SID text of a token's user, for assertions (buffer from the caller). */
static inline BOOLEAN KsSidIs(PSID Sid, ULONG Authority, ULONG Kind, ULONG Id)
{
    PISID s = Sid;
    return s->Revision == 1 && s->SubAuthorityCount == 2 && s->IdentifierAuthority.Value[5] == Authority &&
           s->SubAuthority[0] == Kind && s->SubAuthority[1] == Id;
}

#endif
