/*
 * host.h - the Linux host backend's private interface.
 */
#ifndef NTSEC_HOST_H
#define NTSEC_HOST_H

#include "se/sep.h"

/*
 * HostBuildProcessToken - the primary token of the host process (adopted threads): user
 * and groups from the real uid/gid/supplementary groups, privileges from capabilities
 * (docs/host.md). On success *Token holds the single reference, owned by the caller.
 */
NTSTATUS HostBuildProcessToken(PTOKEN *Token);

#endif /* NTSEC_HOST_H */
