/*
 * netlogon.h - the network-logon token builder shared by every identity mapping of the
 * authenticating packages (netlogon.c; docs/sspi.md "The network logon token").
 */
#ifndef NTSEC_KSEC_NETLOGON_H
#define NTSEC_KSEC_NETLOGON_H

#include "ksec/ksecp.h"

#define KSECP_MAX_LOGON_GROUPS 4096U

/* Who logged on, as a mapping found it. The caller owns every SID; nothing is kept. */
typedef struct _KSECP_LOGON_IDENTITY {
    PSID User;
    PSID PrimaryGroup;
    PSID_AND_ATTRIBUTES Groups;  /* the identity's own groups (any order, duplicates allowed) */
    ULONG GroupCount;
    CHAR Source[8];              /* TOKEN_SOURCE name, e.g. "Kerberos" (not NUL-terminated) */
} KSECP_LOGON_IDENTITY, *PKSECP_LOGON_IDENTITY;

/*
 * KsecpBuildNetworkLogonToken - an impersonation token at Level for Identity with what
 * Windows adds to a network logon (Everyone, NETWORK, Authenticated Users, a logon SID of a
 * new logon session). On success *Token holds the single reference, owned by the caller;
 * its AuthenticationId names the new logon session. STATUS_INVALID_PARAMETER (bad SIDs,
 * counts, level), STATUS_NO_MEMORY, or SepCreateToken's status. Pure: no syscalls.
 */
NTSTATUS KsecpBuildNetworkLogonToken(const KSECP_LOGON_IDENTITY *Identity, SECURITY_IMPERSONATION_LEVEL Level,
                                     PTOKEN *Token);

#endif /* NTSEC_KSEC_NETLOGON_H */
