/*
 * host.h - the Linux host backend's private interface.
 */
#ifndef NTSEC_HOST_H
#define NTSEC_HOST_H

#include <sys/types.h>
#include "se/sep.h"

/*
 * HostBuildProcessToken - the primary token of the host process (adopted threads): user
 * and groups from the real uid/gid/supplementary groups, privileges from capabilities
 * (docs/host.md). On success *Token holds the single reference, owned by the caller.
 */
NTSTATUS HostBuildProcessToken(PTOKEN *Token);

/*
 * HostUidToSid / HostGidToSid - the SID of a uid/gid (mapping-file entries first, then
 * ranges, then S-1-22-1-N / S-1-22-2-N) into Buffer (SECURITY_MAX_SID_SIZE bytes). Also
 * declared in hostp.h; here for src/ksec, whose peer tokens must name a uid exactly as the
 * host backend maps it back (docs/sspi.md).
 */
VOID HostUidToSid(uid_t Uid, PSID Buffer);
VOID HostGidToSid(gid_t Gid, PSID Buffer);

/* How the identity logged on: the well-known groups Windows adds for that kind of logon. */
typedef enum _HOST_LOGON_KIND {
    HostLogonInteractive, /* LOCAL + INTERACTIVE: the host process (a user at this machine) */
    HostLogonNetwork      /* NETWORK: a peer that reached a server through a connection */
} HOST_LOGON_KIND;

/* The user and group SIDs of a Linux identity (unixsids.c). */
typedef struct _HOST_UNIX_SIDS {
    PUCHAR SidBuffer;            /* owns every SID below */
    PSID_AND_ATTRIBUTES Groups;  /* owned; GroupCount entries */
    ULONG GroupCount;
    PSID User;                   /* S-1-22-1-uid or its mapping-file SID */
    PSID PrimaryGroup;           /* the gid's SID; also Groups[0] */
    PSID Admins;                 /* BUILTIN\Administrators (owner) when Root, else NULL */
    LUID Logon;                  /* the logon session of the logon SID; use as AuthenticationId */
} HOST_UNIX_SIDS, *PHOST_UNIX_SIDS;

/*
 * HostBuildUnixSids - user and groups of uid Uid, primary gid Gid and the supplementary
 * gids Groups[GroupCount] (any order, duplicates allowed, at most HOST_MAX_GROUPS), with the
 * well-known groups of Kind; Root adds BUILTIN\Administrators as owner. Out is filled on
 * success and must be freed with HostFreeUnixSids; STATUS_INVALID_PARAMETER or
 * STATUS_NO_MEMORY leave nothing allocated.
 */
NTSTATUS HostBuildUnixSids(uid_t Uid, gid_t Gid, const gid_t *Groups, ULONG GroupCount,
                           HOST_LOGON_KIND Kind, BOOLEAN Root, PHOST_UNIX_SIDS Out);
VOID HostFreeUnixSids(PHOST_UNIX_SIDS Sids);

/*
 * HostUnixSidsTemplate - *Template zeroed, then what Sids holds for a token: user, groups,
 * primary group, owner (Admins; NULL: the user), the logon session as AuthenticationId, and
 * an integrity label (the caller sets IntegrityRid, and type, privileges, policy, source).
 * Template points into Sids, which must outlive its use. No references.
 */
VOID HostUnixSidsTemplate(const HOST_UNIX_SIDS *Sids, PSEP_TOKEN_TEMPLATE Template);

/*
 * A Kerberos principal's token SIDs from the id-map file ("principal" lines, docs/host.md):
 * user, primary group and up to HOST_MAX_PRINCIPAL_GROUPS further groups.
 */
#define HOST_MAX_PRINCIPAL_GROUPS 32
typedef struct __attribute__((aligned(4))) _HOST_PRINCIPAL_MAPPING {
    ULONG GroupCount;
    UCHAR User[SECURITY_MAX_SID_SIZE];
    UCHAR PrimaryGroup[SECURITY_MAX_SID_SIZE];
    UCHAR Groups[HOST_MAX_PRINCIPAL_GROUPS][SECURITY_MAX_SID_SIZE];
} HOST_PRINCIPAL_MAPPING, *PHOST_PRINCIPAL_MAPPING;

/* HostLookupPrincipal - the installed map's entry for Principal ("user@REALM", exact). */
BOOLEAN HostLookupPrincipal(PCSTR Principal, PHOST_PRINCIPAL_MAPPING Mapping);

#endif /* NTSEC_HOST_H */
