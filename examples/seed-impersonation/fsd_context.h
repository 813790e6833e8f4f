/*
 * fsd_context.h - the one type the seed's PerformSpecialTask needs besides ntifs.h.
 *
 * SystemProcess holds the System process's PRIMARY TOKEN (despite its name): the seed
 * passes it straight to PsImpersonateClient as the token to impersonate.
 */
#ifndef FSD_CONTEXT_H
#define FSD_CONTEXT_H

#include "ntifs.h"

typedef struct _FSD_CONTEXT { PACCESS_TOKEN SystemProcess; } FSD_CONTEXT, *PFSD_CONTEXT;

NTSTATUS PerformSpecialTask(IN PFSD_CONTEXT Context);

#endif
