/*
 * test_fsd_neglegs.c - ntsec-fsd's per-connection partial Negotiate context
 * (tools/ntsec-fsd/neg_legs.c) driven by a scripted AcceptSecurityContext: curl cannot
 * produce a multi-leg exchange against a Kerberos-only Negotiate, so the driver plays the
 * package. Checks: the second leg is accepted into the context the first leg left (same
 * handle passed as phContext), completion hands the context to the caller and frees the
 * slot, the leg and lifetime bounds fail closed and delete the context, a failed later leg
 * deletes it, a closing connection deletes it, and beyond FSD_NEG_MAX_PARTIAL connections
 * a continuing exchange is not kept (deleted at once).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "neg_legs.h"

static SECURITY_STATUS Script[8];
static int ScriptNext, Calls, Deleted;
static ULONG_PTR NextHandle = 100;
static PCtxtHandle SeenContext[8];
static ULONG_PTR SeenLower[8];

static SECURITY_STATUS FakeAccept(PCredHandle Cred, PCtxtHandle Context, PSecBufferDesc In, ULONG Req, ULONG Rep,
                                  PCtxtHandle NewContext, PSecBufferDesc Out, PULONG Attr, PTimeStamp Expiry)
{
    (void)Cred; (void)In; (void)Req; (void)Rep; (void)Out; (void)Attr; (void)Expiry;
    SeenContext[Calls] = Context;
    SeenLower[Calls] = Context ? Context->dwLower : 0;
    Calls++;
    SECURITY_STATUS st = Script[ScriptNext++];
    /* like SSPI: a first leg that does not fail creates a context */
    if (Context == NULL && (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED)) {
        NewContext->dwLower = NextHandle++;
        NewContext->dwUpper = 0;
    }
    return st;
}

static SECURITY_STATUS FakeDelete(PCtxtHandle Context)
{
    (void)Context;
    Deleted++;
    return SEC_E_OK;
}

static void Reset(void)
{
    memset(Script, 0, sizeof Script);
    ScriptNext = Calls = Deleted = 0;
}

static SECURITY_STATUS Leg(FSD_NEG_PARTIAL *P, CtxtHandle *Done, time_t Now)
{
    return FsdNegotiateLeg(P, FakeAccept, FakeDelete, NULL, NULL, NULL, Done, Now);
}

static void two_legs_share_one_context(void **state)
{
    (void)state;
    Reset();
    FSD_NEG_PARTIAL p = {0};
    CtxtHandle done = {0, 0};
    Script[0] = SEC_I_CONTINUE_NEEDED;
    Script[1] = SEC_E_OK;
    assert_int_equal(Leg(&p, &done, 1000), SEC_I_CONTINUE_NEEDED);
    assert_null(SeenContext[0]);
    assert_true(p.Held);
    assert_int_equal(p.Legs, 1);
    assert_int_equal(FsdNegotiatePartialCount(), 1);
    ULONG_PTR kept = p.Context.dwLower;
    assert_int_equal(Leg(&p, &done, 1001), SEC_E_OK);
    assert_ptr_equal(SeenContext[1], &p.Context);       /* the second leg continues it */
    assert_int_equal(SeenLower[1], kept);
    assert_int_equal(done.dwLower, kept);               /* the caller owns the result */
    assert_false(p.Held);
    assert_int_equal(Deleted, 0);
    assert_int_equal(FsdNegotiatePartialCount(), 0);
}

static void one_leg_keeps_nothing(void **state)
{
    (void)state;
    Reset();
    FSD_NEG_PARTIAL p = {0};
    CtxtHandle done = {0, 0};
    Script[0] = SEC_E_OK;
    assert_int_equal(Leg(&p, &done, 5), SEC_E_OK);
    assert_false(p.Held);
    assert_int_not_equal(done.dwLower, 0);
    assert_int_equal(FsdNegotiatePartialCount(), 0);
}

static void leg_bound_fails_closed(void **state)
{
    (void)state;
    Reset();
    FSD_NEG_PARTIAL p = {0};
    CtxtHandle done = {0, 0};
    for (int i = 0; i < 8; i++)
        Script[i] = SEC_I_CONTINUE_NEEDED;
    for (int i = 1; i < FSD_NEG_MAX_LEGS; i++)
        assert_int_equal(Leg(&p, &done, 10), SEC_I_CONTINUE_NEEDED);
    assert_true(p.Held);
    assert_int_equal(Leg(&p, &done, 10), SEC_E_LOGON_DENIED);
    assert_int_equal(Calls, FSD_NEG_MAX_LEGS);
    assert_false(p.Held);
    assert_int_equal(Deleted, 1);
    assert_int_equal(FsdNegotiatePartialCount(), 0);
}

static void lifetime_bound_starts_over(void **state)
{
    (void)state;
    Reset();
    FSD_NEG_PARTIAL p = {0};
    CtxtHandle done = {0, 0};
    Script[0] = SEC_I_CONTINUE_NEEDED;
    Script[1] = SEC_E_INVALID_TOKEN;   /* a continuation token given to a fresh first leg */
    assert_int_equal(Leg(&p, &done, 100), SEC_I_CONTINUE_NEEDED);
    assert_int_equal(Leg(&p, &done, 100 + FSD_NEG_LIFETIME + 1), SEC_E_INVALID_TOKEN);
    assert_null(SeenContext[1]);       /* the stale context was not continued */
    assert_int_equal(Deleted, 1);      /* ... but deleted */
    assert_false(p.Held);
    assert_int_equal(FsdNegotiatePartialCount(), 0);
}

static void failed_later_leg_deletes(void **state)
{
    (void)state;
    Reset();
    FSD_NEG_PARTIAL p = {0};
    CtxtHandle done = {0, 0};
    Script[0] = SEC_I_CONTINUE_NEEDED;
    Script[1] = SEC_E_LOGON_DENIED;
    assert_int_equal(Leg(&p, &done, 7), SEC_I_CONTINUE_NEEDED);
    assert_int_equal(Leg(&p, &done, 8), SEC_E_LOGON_DENIED);
    assert_ptr_equal(SeenContext[1], &p.Context);
    assert_int_equal(Deleted, 1);
    assert_false(p.Held);
    assert_int_equal(FsdNegotiatePartialCount(), 0);
}

static void closing_connection_deletes(void **state)
{
    (void)state;
    Reset();
    FSD_NEG_PARTIAL p = {0};
    CtxtHandle done = {0, 0};
    Script[0] = SEC_I_CONTINUE_NEEDED;
    assert_int_equal(Leg(&p, &done, 7), SEC_I_CONTINUE_NEEDED);
    FsdNegotiateDropPartial(&p, FakeDelete);
    assert_int_equal(Deleted, 1);
    FsdNegotiateDropPartial(&p, FakeDelete);   /* idempotent */
    assert_int_equal(Deleted, 1);
    assert_int_equal(FsdNegotiatePartialCount(), 0);
}

static void count_bound(void **state)
{
    (void)state;
    static FSD_NEG_PARTIAL conns[FSD_NEG_MAX_PARTIAL + 1];
    CtxtHandle done = {0, 0};
    memset(conns, 0, sizeof conns);
    for (int i = 0; i < FSD_NEG_MAX_PARTIAL; i++) {
        Reset();
        Script[0] = SEC_I_CONTINUE_NEEDED;
        assert_int_equal(Leg(&conns[i], &done, 50), SEC_I_CONTINUE_NEEDED);
        assert_true(conns[i].Held);
    }
    assert_int_equal(FsdNegotiatePartialCount(), FSD_NEG_MAX_PARTIAL);
    Reset();
    Script[0] = SEC_I_CONTINUE_NEEDED;
    assert_int_equal(Leg(&conns[FSD_NEG_MAX_PARTIAL], &done, 50), SEC_I_CONTINUE_NEEDED);
    assert_false(conns[FSD_NEG_MAX_PARTIAL].Held);   /* not kept: deleted at once */
    assert_int_equal(Deleted, 1);
    assert_int_equal(FsdNegotiatePartialCount(), FSD_NEG_MAX_PARTIAL);
    Reset();
    for (int i = 0; i < FSD_NEG_MAX_PARTIAL; i++)
        FsdNegotiateDropPartial(&conns[i], FakeDelete);
    assert_int_equal(Deleted, FSD_NEG_MAX_PARTIAL);
    assert_int_equal(FsdNegotiatePartialCount(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_legs_share_one_context), cmocka_unit_test(one_leg_keeps_nothing),
        cmocka_unit_test(leg_bound_fails_closed),     cmocka_unit_test(lifetime_bound_starts_over),
        cmocka_unit_test(failed_later_leg_deletes),   cmocka_unit_test(closing_connection_deletes),
        cmocka_unit_test(count_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
