/*
 * test_target.c - HostComputeTarget, the pure decision of which Linux identity a token
 * at a level gets (src/host/target.c, docs/host.md "Mapping"), without root and without
 * the switching part: also linked against the pure model (pure_test_host_target).
 */
#include "host_helpers.h"

static BOOLEAN HasGroup(const HOST_CREDS *c, gid_t Gid)
{
    for (ULONG i = 0; i < c->GroupCount; i++)
        if (c->Groups[i] == Gid)
            return TRUE;
    return FALSE;
}

/* Impersonation level: the token's user, its primary group, its enabled groups; a
 * deny-only group is never a supplementary gid (it could only grant). */
static void test_impersonation_level_maps_user_and_enabled_groups(void **state)
{
    (void)state;
    TH_GROUP g[] = {{TH_GID_A, 0}, {TH_GID_SHARED, 0}, {TH_GID_DENY, SE_GROUP_USE_FOR_DENY_ONLY}};
    PTOKEN t = ThToken(TH_UID_A, g, 3);
    HOST_CREDS c = {0};
    ULONG cls = 0, reason = 99;
    assert_status(HostComputeTargetEx(t, SecurityImpersonation, &c, &cls, &reason), STATUS_SUCCESS);
    assert_int_equal(c.Uid, TH_UID_A);
    assert_int_equal(c.Gid, TH_GID_A);
    assert_int_equal(cls, HOST_CLASS_FULL);
    assert_int_equal(reason, HOST_REASON_NONE);
    assert_true(HasGroup(&c, TH_GID_SHARED));
    assert_false(HasGroup(&c, TH_GID_DENY));
    assert_false(c.RootClient);
    HostCredsFree(&c);
    assert_int_equal(NtsecReferenceCount(t), 1);
    ObfDereferenceObject(t);
}

/* Identification level: the unprivileged identity, no groups, and the reason says why. */
static void test_identification_level_is_the_unprivileged_identity(void **state)
{
    (void)state;
    TH_GROUP g[] = {{TH_GID_A, 0}, {TH_GID_SHARED, 0}};
    PTOKEN t = ThToken(TH_UID_A, g, 2);
    uid_t uid;
    gid_t gid;
    HostGetUnprivileged(&uid, &gid);
    assert_int_not_equal(uid, 0);
    assert_int_not_equal(gid, 0);
    HOST_CREDS c = {0};
    ULONG cls = 0, reason = 0;
    assert_status(HostComputeTargetEx(t, SecurityIdentification, &c, &cls, &reason), STATUS_SUCCESS);
    assert_int_equal(c.Uid, uid);
    assert_int_equal(c.Gid, gid);
    assert_int_equal(c.GroupCount, 0);
    assert_int_equal(cls, HOST_CLASS_UNPRIV);
    assert_int_equal(reason, HOST_REASON_LEVEL);
    HostCredsFree(&c);
    ObfDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impersonation_level_maps_user_and_enabled_groups),
        cmocka_unit_test(test_identification_level_is_the_unprivileged_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
