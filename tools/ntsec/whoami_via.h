/* whoami_via.h - `ntsec whoami --via PACKAGE` (whoami_via.c). */
#ifndef NTSEC_TOOL_WHOAMI_VIA_H
#define NTSEC_TOOL_WHOAMI_VIA_H

#include <stddef.h>
#include "ntifs.h"
#include "ntsec.h"
#include "sspi.h"

/*
 * NtsecWhoamiVia - authenticates a forked copy of this process to this process with
 * Package (Target: the client's pTargetName, or NULL) and returns the server's token for it
 * (one reference, the caller's). Detail receives a line for the user either way.
 * STATUS_SUCCESS, STATUS_NO_SUCH_PACKAGE, STATUS_LOGON_FAILURE, STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NtsecWhoamiVia(const char *Package, const char *Target, PACCESS_TOKEN *Token, char *Detail, size_t DetailSize);

#endif
