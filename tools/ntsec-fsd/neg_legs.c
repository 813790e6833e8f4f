/*
 * neg_legs.c - one leg of a (possibly multi-leg) HTTP Negotiate exchange on a connection.
 * RFC 4559 §4.2: when AcceptSecurityContext answers SEC_I_CONTINUE_NEEDED the server sends
 * 401 with the reply token and the client's next request on the same connection carries the
 * next leg. The connection keeps the partial context in an FSD_NEG_PARTIAL between requests:
 * at most FSD_NEG_MAX_LEGS legs, FSD_NEG_LIFETIME seconds from the first, and at most
 * FSD_NEG_MAX_PARTIAL connections holding one at once (beyond that a continuing exchange is
 * not kept: the client gets its 401 and must start over, the old one-leg behaviour). Every
 * bound fails closed (the context is deleted, the status is a failure).
 */
#include "neg_legs.h"

static LONG FsdpPartialCount;

LONG FsdNegotiatePartialCount(VOID)
{
    return __atomic_load_n(&FsdpPartialCount, __ATOMIC_RELAXED);
}

/* FsdNegotiateDropPartial - deletes the connection's partial context if it holds one
 * (releases the context reference it owned) and gives back its slot. */
VOID FsdNegotiateDropPartial(FSD_NEG_PARTIAL *Partial, FSD_DELETE_FN Delete)
{
    if (!Partial->Held)
        return;
    Delete(&Partial->Context);
    Partial->Held = FALSE;
    Partial->Legs = 0;
    __atomic_fetch_sub(&FsdpPartialCount, 1, __ATOMIC_RELAXED);
}

/* FsdpTakeSlot - one of the FSD_NEG_MAX_PARTIAL slots, or FALSE when all are taken. */
static BOOLEAN FsdpTakeSlot(VOID)
{
    LONG n = __atomic_load_n(&FsdpPartialCount, __ATOMIC_RELAXED);
    while (n < FSD_NEG_MAX_PARTIAL) {
        if (__atomic_compare_exchange_n(&FsdpPartialCount, &n, n + 1, FALSE, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            return TRUE;
    }
    return FALSE;
}

/*
 * FsdNegotiateLeg - accepts In as the next leg of Partial's exchange (the first when Partial
 * holds none, or when the one it held outlived FSD_NEG_LIFETIME: that one is deleted first).
 * SEC_E_OK: *Done is the complete context and the caller owns it (Partial no longer holds
 * it). SEC_I_CONTINUE_NEEDED: Out has the reply token; Partial holds the context for the
 * next leg, unless no slot was free (then it was deleted and Partial->Held is FALSE). Any
 * other status: Partial holds nothing, no context is left. FSD_NEG_MAX_LEGS legs without
 * completion: SEC_E_LOGON_DENIED.
 */
SECURITY_STATUS FsdNegotiateLeg(FSD_NEG_PARTIAL *Partial, FSD_ACCEPT_FN Accept, FSD_DELETE_FN Delete,
                                PCredHandle Cred, PSecBufferDesc In, PSecBufferDesc Out, PCtxtHandle Done,
                                time_t Now)
{
    if (Partial->Held && (Now < Partial->Started || Now - Partial->Started > FSD_NEG_LIFETIME))
        FsdNegotiateDropPartial(Partial, Delete);
    CtxtHandle ctx = {0, 0};
    ULONG attr = 0;
    TimeStamp expiry;
    BOOLEAN continuing = Partial->Held;
    SECURITY_STATUS st = Accept(Cred, continuing ? &Partial->Context : NULL, In,
                                ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONNECTION, SECURITY_NATIVE_DREP,
                                continuing ? &Partial->Context : &ctx, Out, &attr, &expiry);
    if (st == SEC_E_OK) {
        if (continuing) {
            *Done = Partial->Context;
            Partial->Held = FALSE;
            Partial->Legs = 0;
            __atomic_fetch_sub(&FsdpPartialCount, 1, __ATOMIC_RELAXED);
        } else {
            *Done = ctx;
        }
        return SEC_E_OK;
    }
    if (st == SEC_I_CONTINUE_NEEDED) {
        if (continuing) {
            if (++Partial->Legs >= FSD_NEG_MAX_LEGS) {
                FsdNegotiateDropPartial(Partial, Delete);
                return SEC_E_LOGON_DENIED;
            }
            return st;
        }
        if (!FsdpTakeSlot()) {
            Delete(&ctx);
            return st;
        }
        Partial->Held = TRUE;
        Partial->Context = ctx;
        Partial->Legs = 1;
        Partial->Started = Now;
        return st;
    }
    /* A failed first leg leaves no context (SSPI); a failed later leg leaves the partial
     * one, which this connection deletes. */
    FsdNegotiateDropPartial(Partial, Delete);
    return st;
}
