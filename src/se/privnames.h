/*
 * privnames.h - Windows privilege names and their well-known LUID values (2..36).
 *
 * Used by the token text form, SeQueryInformationToken explainers, the host backend and
 * the CLI. The names are the SE_*_NAME strings of the SDK ("SeImpersonatePrivilege").
 */
#ifndef NTSEC_PRIVNAMES_H
#define NTSEC_PRIVNAMES_H

#include "ntifs.h"

/* SepPrivilegeName - the name of well-known privilege LowPart=Luid, or NULL if Luid is not one. */
PCSTR SepPrivilegeName(ULONG Luid);

/*
 * SepPrivilegeValue - the LUID LowPart of the privilege called Name (ASCII case-insensitive,
 * like LookupPrivilegeValue). Returns FALSE (and leaves *Luid alone) for an unknown name.
 */
BOOLEAN SepPrivilegeValue(PCSTR Name, PULONG Luid);

/* SepPrivilegeValueN - as SepPrivilegeValue for the Length bytes at Name (not NUL-terminated). */
BOOLEAN SepPrivilegeValueN(PCSTR Name, SIZE_T Length, PULONG Luid);

/* SepPrivilegeDescription - the short English description Windows shows ("Impersonate a client
 * after authentication"), or NULL. */
PCSTR SepPrivilegeDescription(ULONG Luid);

#endif /* NTSEC_PRIVNAMES_H */
