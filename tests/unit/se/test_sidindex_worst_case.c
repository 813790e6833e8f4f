/*
 * test_sidindex_worst_case.c - the access check's SID index (src/se/sidindex.c) on chosen
 * SID sets (issue 15 section 4): token SIDs may come from the network (a PAC), so SIDs that
 * differ only in sub-authorities a weak hash ignores, or one SID repeated many times, must
 * not lengthen lookups. Structural assertions (the index's worst probe length), never times:
 * the adversarial 1,000-group token's worst probe is within the bound the build enforces
 * (WORST_PROBE_BOUND, which is at most twice the typical 1,000-group token's: 6-10 over 60
 * runs, seeds being random), and every lookup still answers exactly as the linear scan
 * (SepTokenSidMatchLinear) does.
 */
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"
#include "se/accesschk.h"
#include "testsid.h"

#define GROUPS 1000
#define WORST_PROBE_BOUND 10 /* SEP_INDEX_MAX_DISPLACEMENT + 2 */

/* S-1-5-21-A-B-C-D-E */
static void MakeSid(TSID *s, ULONG A, ULONG B, ULONG C, ULONG D, ULONG E)
{
    ULONG sub[6] = { 21, A, B, C, D, E };
    TestSidMake(s, 5, 6, sub);
}

typedef enum { SET_TYPICAL, SET_MIDDLE, SET_DUPLICATES } SID_SET;

/* Group i of a set: TYPICAL differs in the last RID (one domain); MIDDLE keeps the first
 * and last two sub-authorities and varies only the middle ones (what the old hash
 * ignored); DUPLICATES repeats one SID (every 4th copy deny-only, one enabled). */
static void SetSid(TSID *s, SID_SET Set, ULONG i)
{
    switch (Set) {
    case SET_TYPICAL: MakeSid(s, 100, 200, 300, 1, 5000 + i); break;
    case SET_MIDDLE: MakeSid(s, 100 + i, 7 * i, 300, 1, 5000); break;
    case SET_DUPLICATES: MakeSid(s, 100, 200, 300, 1, 5000); break;
    }
}

static TSID Sids[GROUPS];
static SID_AND_ATTRIBUTES Groups[GROUPS];

static PTOKEN Build(SID_SET Set, ULONG Count)
{
    static TSID user;
    MakeSid(&user, 100, 200, 300, 1, 1001);
    for (ULONG i = 0; i < Count; i++) {
        SetSid(&Sids[i], Set, i);
        Groups[i].Sid = Sids[i].Bytes;
        Groups[i].Attributes = SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY;
        if (Set == SET_DUPLICATES)
            Groups[i].Attributes = (i == Count / 2) ? SE_GROUP_ENABLED
                                   : (i % 4 == 0)   ? SE_GROUP_USE_FOR_DENY_ONLY
                                                    : 0;
    }
    SEP_TOKEN_TEMPLATE t;
    memset(&t, 0, sizeof(t));
    t.TokenType = TokenPrimary;
    t.User = user.Bytes;
    t.GroupCount = Count;
    t.Groups = Groups;
    PTOKEN token = NULL;
    assert_status(SepCreateToken(&t, "test", &token), STATUS_SUCCESS);
    assert_non_null(token->SidIndex);
    return token;
}

/* Every token SID and some absent ones: the index answers as the linear scan does. */
static void AssertAgreesWithLinear(PTOKEN Token, SID_SET Set, ULONG Count)
{
    for (ULONG i = 0; i < Token->UserAndGroupCount; i++) {
        PSID sid = Token->UserAndGroups[i].Sid;
        assert_int_equal(SepTokenSidMatch(Token, sid, FALSE), SepTokenSidMatchLinear(Token, sid, FALSE));
        assert_int_equal(SepTokenSidMatch(Token, sid, TRUE), 0);
    }
    for (ULONG i = 0; i < Count; i++) {
        TSID absent;
        SetSid(&absent, Set, Count + 1 + i);
        if (Set == SET_DUPLICATES)
            MakeSid(&absent, 100, 200, 300, 1, 6000 + i);
        assert_int_equal(SepTokenSidMatch(Token, absent.Bytes, FALSE), 0);
        assert_int_equal(SepTokenSidMatchLinear(Token, absent.Bytes, FALSE), 0);
    }
}

static void test_middle_sub_authorities_do_not_collide(void **state)
{
    PTOKEN typical = Build(SET_TYPICAL, GROUPS);
    PTOKEN middle = Build(SET_MIDDLE, GROUPS);
    ULONG wt = SepSidIndexWorstProbe(typical), wm = SepSidIndexWorstProbe(middle);
    print_message("worst probe: typical %u, middle sub-authorities %u (of %u SIDs)\n", wt, wm,
                  middle->UserAndGroupCount);
    assert_true(wt >= 1 && wt <= WORST_PROBE_BOUND);
    assert_true(wm >= 1 && wm <= WORST_PROBE_BOUND);
    AssertAgreesWithLinear(typical, SET_TYPICAL, GROUPS);
    AssertAgreesWithLinear(middle, SET_MIDDLE, GROUPS);
    ObDereferenceObject(typical);
    ObDereferenceObject(middle);
}

/* 1,000 copies of one SID make one entry (a chain), not a cluster: the worst probe is that
 * of a 2-SID token, and the match ORs every copy (one enabled: allow and deny). */
static void test_repeated_sid_is_one_entry(void **state)
{
    PTOKEN dup = Build(SET_DUPLICATES, GROUPS);
    assert_true(SepSidIndexWorstProbe(dup) <= 3);
    assert_int_equal(SepTokenSidMatch(dup, Sids[0].Bytes, FALSE), SEP_MATCH_ALLOW | SEP_MATCH_DENY);
    AssertAgreesWithLinear(dup, SET_DUPLICATES, 50);
    /* Disable the one enabled copy: deny-only copies still match deny ACEs (read live). */
    dup->UserAndGroups[1 + GROUPS / 2].Attributes = 0;
    assert_int_equal(SepTokenSidMatch(dup, Sids[0].Bytes, FALSE), SEP_MATCH_DENY);
    ObDereferenceObject(dup);
}

/* A duplicate of the token (same shape) copies the index: same answers, same worst probe. */
static void test_duplicate_token_keeps_the_bound(void **state)
{
    PTOKEN middle = Build(SET_MIDDLE, GROUPS);
    PTOKEN copy = NULL;
    assert_status(SepDuplicateToken(middle, TokenImpersonation, SecurityImpersonation, FALSE, "test", &copy),
                  STATUS_SUCCESS);
    assert_int_equal(SepSidIndexWorstProbe(copy), SepSidIndexWorstProbe(middle));
    AssertAgreesWithLinear(copy, SET_MIDDLE, GROUPS);
    ObDereferenceObject(copy);
    ObDereferenceObject(middle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_middle_sub_authorities_do_not_collide),
        cmocka_unit_test(test_repeated_sid_is_one_entry),
        cmocka_unit_test(test_duplicate_token_keeps_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
