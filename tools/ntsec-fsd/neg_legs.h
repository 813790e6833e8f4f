/*
 * neg_legs.h - the partial Negotiate context a TCP connection keeps between the legs of a
 * multi-leg exchange (RFC 4559 §4.2: the context belongs to the connection), bounded in legs,
 * lifetime and the number of connections holding one at once. No libmicrohttpd here: the
 * unit test drives it with a scripted AcceptSecurityContext.
 */
#ifndef NTSEC_FSD_NEG_LEGS_H
#define NTSEC_FSD_NEG_LEGS_H

#include <time.h>
#include "ntifs.h"
#include "ntsec.h"
#include "sspi.h"

#define FSD_NEG_MAX_LEGS     4     /* AcceptSecurityContext calls per exchange */
#define FSD_NEG_LIFETIME     30    /* seconds from the first leg to the last */
#define FSD_NEG_MAX_PARTIAL  64    /* connections holding a partial context at once */

typedef SECURITY_STATUS (*FSD_ACCEPT_FN)(PCredHandle, PCtxtHandle, PSecBufferDesc, ULONG, ULONG, PCtxtHandle,
                                         PSecBufferDesc, PULONG, PTimeStamp);
typedef SECURITY_STATUS (*FSD_DELETE_FN)(PCtxtHandle);

typedef struct _FSD_NEG_PARTIAL {
    BOOLEAN Held;            /* Context is a partial context this connection owns */
    CtxtHandle Context;
    ULONG Legs;              /* legs accepted into Context so far */
    time_t Started;          /* CLOCK_MONOTONIC seconds of the first leg */
} FSD_NEG_PARTIAL;

SECURITY_STATUS FsdNegotiateLeg(FSD_NEG_PARTIAL *Partial, FSD_ACCEPT_FN Accept, FSD_DELETE_FN Delete,
                                PCredHandle Cred, PSecBufferDesc In, PSecBufferDesc Out, PCtxtHandle Done,
                                time_t Now);
VOID FsdNegotiateDropPartial(FSD_NEG_PARTIAL *Partial, FSD_DELETE_FN Delete);
LONG FsdNegotiatePartialCount(VOID);

#endif
