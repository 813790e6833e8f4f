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

#endif /* NTSEC_HOST_H */
