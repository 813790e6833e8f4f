/*
 * localpeer.c - package "ntsec-local": the kernel's facts about the peer of a connected
 * AF_UNIX socket, and the token built from them (docs/sspi.md "ntsec-local").
 *
 * At connect() (or socketpair()) the kernel records the connecting task's credentials on the
 * socket; SO_PEERCRED returns its uid, gid and pid, SO_PEERGROUPS (Linux 4.13+) its
 * supplementary groups and SO_PEERPIDFD (6.5+) a pidfd of it, all from that same record, in
 * our namespaces. /proc/<pid> is never read (no pid-reuse race, no hostile text), and the
 * groups are exactly the peer's - never "best effort": a kernel without SO_PEERGROUPS gives
 * STATUS_NOT_SUPPORTED rather than a token with fewer groups (a missing group can defeat a
 * deny ACE). The identity never comes from the client's message (local_message.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "host/host.h"
#include "ksec/ksecp.h"
#include "ex/pooltags.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif
/* Linux 6.5; Debian 12's headers do not have it. */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* Test seam (ksecp.h): the option number asked for the pidfd; 0 means SO_PEERPIDFD. */
int KsecPeerPidFdOption;

#define KSECP_MAX_GROUPS 65536U   /* the kernel's NGROUPS_MAX */

/*
 * KsecBuildPeerToken - see ksecp.h. On success *Token holds the single reference.
 * @remarks The token of a peer authenticated over a local socket (docs/sspi.md table):
 * user = the uid's SID (host id map, else S-1-22-1-uid); groups = the primary gid and every
 * supplementary gid (deduplicated; host id map, else S-1-22-2-gid), Everyone, NETWORK (the
 * client reached us through a connection, as with any SSPI network logon; never INTERACTIVE or
 * LOCAL, which we cannot know), Authenticated Users, and a fresh logon SID S-1-5-5-x-y for
 * this authentication (its AuthenticationId); uid 0 also gets BUILTIN\Administrators as
 * owner, as the host process token does. Privileges: SeChangeNotifyPrivilege only (the peer's
 * capabilities are not part of the kernel's record). Integrity Medium, High for uid 0.
 * Impersonation-type at Level; source "NtsecLcl".
 */
NTSTATUS KsecBuildPeerToken(uid_t Uid, gid_t Gid, const gid_t *Groups, ULONG GroupCount,
                            SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token)
{
    if (GroupCount > KSECP_MAX_GROUPS || (GroupCount != 0 && Groups == NULL) || Token == NULL ||
        !VALID_IMPERSONATION_LEVEL(Level))
        return STATUS_INVALID_PARAMETER;
    HOST_UNIX_SIDS sids;
    NTSTATUS status = HostBuildUnixSids(Uid, Gid, Groups, GroupCount, HostLogonNetwork, Uid == 0, &sids);
    if (!NT_SUCCESS(status))
        return status;

    LUID_AND_ATTRIBUTES privilege = {{SE_CHANGE_NOTIFY_PRIVILEGE, 0},
                                     SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED};
    SEP_TOKEN_TEMPLATE t;
    HostUnixSidsTemplate(&sids, &t);
    t.TokenType = TokenImpersonation;
    t.ImpersonationLevel = Level;
    t.IntegrityRid = Uid == 0 ? SECURITY_MANDATORY_HIGH_RID : SECURITY_MANDATORY_MEDIUM_RID;
    t.Privileges = &privilege;
    t.PrivilegeCount = 1;
    t.MandatoryPolicy = TOKEN_MANDATORY_POLICY_NO_WRITE_UP;
    memcpy(t.TokenSource.SourceName, "NtsecLcl", 8);
    status = SepCreateToken(&t, "token (ntsec-local peer)", Token);
    HostFreeUnixSids(&sids);
    return status;
}

/* errno of a failed getsockopt -> NTSTATUS. */
static NTSTATUS KsecpSocketError(int Error)
{
    switch (Error) {
    case EBADF:
    case ENOTSOCK:
        return STATUS_INVALID_HANDLE;
    case ENOMEM:
    case ENOBUFS:
        return STATUS_INSUFFICIENT_RESOURCES;
    case ENOPROTOOPT:
        return STATUS_NOT_SUPPORTED;
    default:
        return STATUS_INVALID_PARAMETER; /* ENOTCONN, ENODATA: no connected peer */
    }
}

static NTSTATUS KsecpGetInt(int Socket, int Option, int *Value)
{
    socklen_t length = sizeof(*Value);
    if (getsockopt(Socket, SOL_SOCKET, Option, Value, &length) != 0)
        return KsecpSocketError(errno);
    return length == sizeof(*Value) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/*
 * KsecQueryPeer - see ksecp.h. The socket is only queried, never read or closed.
 * @remarks A listening socket carries its OWN creator's credentials (the kernel records them
 * at listen()), so it is refused, as are unconnected and non-stream sockets. SO_PEERPIDFD
 * (Linux 6.5+) gives a pidfd for the very process whose credentials the socket recorded: a
 * pid that has been recycled since cannot be mistaken for it. Older kernels (ENOPROTOOPT)
 * give no pidfd: PidFd -1, and the process id is then never reported as the client's.
 */
NTSTATUS KsecQueryPeer(int Socket, PKSEC_PEER_FACTS Facts)
{
    memset(Facts, 0, sizeof(*Facts));
    Facts->PidFd = -1;
    if (Socket < 0)
        return STATUS_INVALID_HANDLE;
    int domain = 0, type = 0, listening = 0;
    NTSTATUS status = KsecpGetInt(Socket, SO_DOMAIN, &domain);
    if (NT_SUCCESS(status))
        status = KsecpGetInt(Socket, SO_TYPE, &type);
    if (NT_SUCCESS(status))
        status = KsecpGetInt(Socket, SO_ACCEPTCONN, &listening);
    if (!NT_SUCCESS(status))
        return status;
    if (domain != AF_UNIX || (type != SOCK_STREAM && type != SOCK_SEQPACKET) || listening)
        return STATUS_INVALID_PARAMETER;

    struct ucred cred;
    socklen_t length = sizeof(cred);
    memset(&cred, 0, sizeof(cred));
    if (getsockopt(Socket, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0)
        return KsecpSocketError(errno);
    /* No record (not connected): the kernel reports uid/gid -1. pid 0 alone is NOT that: it is
     * what a peer whose pid our pid namespace cannot see (a client outside the server's
     * container) yields, with its real uid/gid. */
    if (length != sizeof(cred) || cred.uid == (uid_t)-1 || cred.gid == (gid_t)-1)
        return STATUS_INVALID_PARAMETER;

    /* SO_PEERGROUPS: on ERANGE the kernel stores the size it needs in length; the record is
     * immutable, so the second call succeeds unless the socket is gone. */
    ULONG capacity = 64;
    gid_t *groups = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        groups = ExAllocatePoolWithTag(PagedPool, (SIZE_T)capacity * sizeof(gid_t), KSECP_PEER_TAG);
        if (groups == NULL)
            return STATUS_NO_MEMORY;
        length = (socklen_t)(capacity * sizeof(gid_t));
        if (getsockopt(Socket, SOL_SOCKET, SO_PEERGROUPS, groups, &length) == 0)
            break;
        int error = errno;
        ExFreePool(groups);
        groups = NULL;
        if (error != ERANGE || attempt == 1 || length / sizeof(gid_t) > KSECP_MAX_GROUPS)
            return KsecpSocketError(error == ERANGE ? EINVAL : error);
        capacity = (ULONG)(length / sizeof(gid_t)) + 1;
    }

    ULONG groupCount = (ULONG)(length / sizeof(gid_t));
    int pidfd = -1;
    length = sizeof(pidfd);
    int peerPidFd = KsecPeerPidFdOption ? KsecPeerPidFdOption : SO_PEERPIDFD;
    if (getsockopt(Socket, SOL_SOCKET, peerPidFd, &pidfd, &length) != 0 || length != sizeof(pidfd))
        pidfd = -1; /* ENOPROTOOPT (kernel < 6.5), or the peer is gone: no pinned process */
    Facts->Uid = cred.uid;
    Facts->Gid = cred.gid;
    Facts->Pid = cred.pid;
    Facts->PidFd = pidfd;
    Facts->Groups = groups;
    Facts->GroupCount = groupCount;
    return STATUS_SUCCESS;
}

/* KsecFreePeerFacts - releases what KsecQueryPeer gave (the groups, the pidfd). */
VOID KsecFreePeerFacts(PKSEC_PEER_FACTS Facts)
{
    if (Facts->Groups != NULL)
        ExFreePool(Facts->Groups);
    if (Facts->PidFd >= 0)
        close(Facts->PidFd);
    Facts->Groups = NULL;
    Facts->PidFd = -1;
}
