/*
 * test_sidindex_api.c - the SID index of src/se/sidindex.c through its own API
 * (SepSidIndexBuild, SepSidIndexClone, SepSidIndexFree, SepTokenSidMatch and the inline
 * SepSidIndexMatch / SepSidFilterMaybe of sidindex.h), on a bare TOKEN whose arrays the
 * test fills: sizes 0, 1 and many; insert and lookup; absent SIDs (other RID, other middle
 * sub-authority, a prefix, another authority); SIDs sharing one home slot (collisions, the
 * Robin Hood early stop on a miss); the per-token filter; the attribute rule of MS-DTYP
 * 2.5.3.2 SidInToken (deny-only, disabled, integrity, the user always enabled, restricting
 * SIDs enabled unless deny-only) and the separation of the
 * normal and restricted sets. Every answer is also compared with the linear scan.
 */
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"
#include "se/accesschk.h"
#include "se/sidindex.h"
#include "testsid.h"

#define MANY 300
#define ALL (SEP_MATCH_ALLOW | SEP_MATCH_DENY)

/* S-1-Auth-21-A-B-300-1-E, or with Count < 6 the first Count of those sub-authorities. */
static void MakeSidN(TSID *s, UCHAR Auth, UCHAR Count, ULONG A, ULONG B, ULONG E)
{
    ULONG sub[6] = { 21, A, B, 300, 1, E };
    TestSidMake(s, Auth, Count, sub);
}

static void MakeSid(TSID *s, ULONG A, ULONG B, ULONG E)
{
    MakeSidN(s, 5, 6, A, B, E);
}

/* A bare token: only what the index reads (the arrays and their counts). */
typedef struct {
    TOKEN Token;
    TSID Sids[MANY + 1];
    SID_AND_ATTRIBUTES Entries[MANY + 1];
    TSID RSids[4];
    SID_AND_ATTRIBUTES REntries[4];
} BARE;

static BARE *NewBare(ULONG Groups)
{
    BARE *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    MakeSid(&b->Sids[0], 100, 200, 1001); /* the user */
    b->Entries[0].Sid = b->Sids[0].Bytes;
    for (ULONG i = 1; i <= Groups; i++) {
        MakeSid(&b->Sids[i], 100, 200, 5000 + i);
        b->Entries[i].Sid = b->Sids[i].Bytes;
        b->Entries[i].Attributes = SE_GROUP_ENABLED | SE_GROUP_MANDATORY;
    }
    b->Token.UserAndGroups = b->Entries;
    b->Token.UserAndGroupCount = Groups + 1;
    return b;
}

/* Restricting SID I of b: S-1-5-21-100-200-300-1-Rid with Attributes; Count of them in all. */
static void SetRestricted(BARE *b, ULONG I, ULONG Rid, ULONG Attributes, ULONG Count)
{
    MakeSid(&b->RSids[I], 100, 200, Rid);
    b->REntries[I].Sid = b->RSids[I].Bytes;
    b->REntries[I].Attributes = Attributes;
    b->Token.RestrictedSids = b->REntries;
    b->Token.RestrictedSidCount = Count;
}

static void Index(BARE *b)
{
    assert_status(SepSidIndexBuild(&b->Token), STATUS_SUCCESS);
    assert_non_null(b->Token.SidIndex);
}

static void FreeBare(BARE *b)
{
    SepSidIndexFree(&b->Token);
    assert_null(b->Token.SidIndex);
    free(b);
}

/* The index answers Expect for Sid in the set Restricted, as the linear scan does. */
static void AssertMatch(BARE *b, PSID Sid, BOOLEAN Restricted, ULONG Expect)
{
    assert_int_equal(SepTokenSidMatch(&b->Token, Sid, Restricted), Expect);
    assert_int_equal(SepTokenSidMatchLinear(&b->Token, Sid, Restricted), Expect);
    assert_int_equal(SepSidIndexMatch(b->Token.SidIndex, &b->Token, Sid, Restricted), Expect);
    if (Expect != 0) /* the filter never hides a SID of the token */
        assert_true(SepSidFilterMaybe(SepSidIndexFilter(b->Token.SidIndex), Sid));
}

/* Absent look-alikes of the user SID: each differs from it in one place. */
static void AssertLookAlikesAbsent(BARE *b)
{
    TSID s;
    MakeSid(&s, 100, 200, 1002);        /* last RID */
    AssertMatch(b, s.Bytes, FALSE, 0);
    MakeSid(&s, 101, 200, 1001);        /* a middle sub-authority */
    AssertMatch(b, s.Bytes, FALSE, 0);
    MakeSid(&s, 100, 201, 1001);        /* the other middle one */
    AssertMatch(b, s.Bytes, FALSE, 0);
    MakeSidN(&s, 5, 5, 100, 200, 0);    /* a prefix of it */
    AssertMatch(b, s.Bytes, FALSE, 0);
    MakeSidN(&s, 3, 6, 100, 200, 1001); /* another authority */
    AssertMatch(b, s.Bytes, FALSE, 0);
}

/* Size 0 (no groups: the user alone) and size 1. */
static void test_user_alone_and_one_group(void **state)
{
    BARE *b = NewBare(0);
    Index(b);
    assert_int_equal(((PSEP_SID_INDEX)b->Token.SidIndex)->UserAndGroupCount, 1);
    AssertMatch(b, b->Sids[0].Bytes, FALSE, ALL); /* the user: no ENABLED bit, still enabled */
    AssertMatch(b, b->Sids[0].Bytes, TRUE, 0);    /* not a restricting SID */
    AssertLookAlikesAbsent(b);
    FreeBare(b);

    b = NewBare(1);
    Index(b);
    AssertMatch(b, b->Sids[0].Bytes, FALSE, ALL);
    AssertMatch(b, b->Sids[1].Bytes, FALSE, ALL);
    AssertMatch(b, b->Sids[1].Bytes, TRUE, 0);
    AssertLookAlikesAbsent(b);
    FreeBare(b);
}

/* Many SIDs: every one found with its own attributes' match, absent neighbours not. */
static void test_many_sids_each_found(void **state)
{
    BARE *b = NewBare(MANY);
    for (ULONG i = 1; i <= MANY; i++)
        b->Entries[i].Attributes = (i % 3 == 0)   ? SE_GROUP_USE_FOR_DENY_ONLY
                                   : (i % 3 == 1) ? SE_GROUP_ENABLED
                                                  : 0;
    Index(b);
    for (ULONG i = 1; i <= MANY; i++)
        AssertMatch(b, b->Sids[i].Bytes, FALSE,
                    i % 3 == 0 ? SEP_MATCH_DENY : i % 3 == 1 ? ALL : 0);
    for (ULONG i = 0; i < MANY; i++) {
        TSID s;
        MakeSid(&s, 100, 200, 5000 + MANY + 1 + i);
        AssertMatch(b, s.Bytes, FALSE, 0);
    }
    AssertLookAlikesAbsent(b);
    /* Attributes are read live: no rebuild after a change (SeAdjustGroups-style). */
    b->Entries[3].Attributes = SE_GROUP_ENABLED;
    AssertMatch(b, b->Sids[3].Bytes, FALSE, ALL);
    FreeBare(b);
}

/* SIDs that differ only in the middle sub-authorities share the filter's bit (it keys on the
 * last 8 bytes) and must still be told apart by the table. */
static void test_middle_sub_authorities(void **state)
{
    BARE *b = NewBare(64);
    for (ULONG i = 1; i <= 64; i++)
        MakeSid(&b->Sids[i], 100 + i, 7 * i, 5000);
    Index(b);
    for (ULONG i = 1; i <= 64; i++)
        AssertMatch(b, b->Sids[i].Bytes, FALSE, ALL);
    for (ULONG i = 65; i <= 200; i++) {
        TSID s;
        MakeSid(&s, 100 + i, 7 * i, 5000);
        assert_true(SepSidFilterMaybe(SepSidIndexFilter(b->Token.SidIndex), s.Bytes));
        AssertMatch(b, s.Bytes, FALSE, 0);
    }
    FreeBare(b);
}

/* The attribute rule, user and restricting SIDs: MS-DTYP 2.5.3.2 SidInToken. */
static void test_attributes_and_sets(void **state)
{
    BARE *b = NewBare(4);
    b->Entries[0].Attributes = SE_GROUP_USE_FOR_DENY_ONLY;     /* a deny-only user */
    b->Entries[1].Attributes = SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_ENABLED;
    b->Entries[2].Attributes = 0;                              /* disabled */
    b->Entries[3].Attributes = SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED | SE_GROUP_ENABLED;
    b->Entries[4].Attributes = SE_GROUP_ENABLED_BY_DEFAULT;    /* default, not enabled */
    SetRestricted(b, 0, 5001, 0, 3); /* also a normal group */
    SetRestricted(b, 1, 9001, 0, 3); /* only restricting */
    SetRestricted(b, 2, 9002, SE_GROUP_USE_FOR_DENY_ONLY, 3);
    Index(b);
    AssertMatch(b, b->Sids[0].Bytes, FALSE, SEP_MATCH_DENY);
    AssertMatch(b, b->Sids[1].Bytes, FALSE, SEP_MATCH_DENY); /* deny-only wins over ENABLED */
    AssertMatch(b, b->Sids[2].Bytes, FALSE, 0);
    AssertMatch(b, b->Sids[3].Bytes, FALSE, 0);              /* integrity SIDs match no ACE */
    AssertMatch(b, b->Sids[4].Bytes, FALSE, 0);
    /* Restricting SIDs: enabled without the bit, unless deny-only; sets kept apart. */
    AssertMatch(b, b->RSids[0].Bytes, TRUE, ALL);
    AssertMatch(b, b->RSids[1].Bytes, TRUE, ALL);
    AssertMatch(b, b->RSids[1].Bytes, FALSE, 0);
    AssertMatch(b, b->RSids[2].Bytes, TRUE, SEP_MATCH_DENY);
    AssertMatch(b, b->Sids[2].Bytes, TRUE, 0);
    FreeBare(b);
}

/* A SID present twice in one set is one entry whose match ORs both copies; the same SID in
 * the other set stays separate. */
static void test_duplicates_chain(void **state)
{
    BARE *b = NewBare(6);
    for (ULONG i = 2; i <= 6; i++)
        MakeSid(&b->Sids[i], 100, 200, 5001); /* groups 1..6: one SID */
    for (ULONG i = 1; i <= 6; i++)
        b->Entries[i].Attributes = (i == 5) ? SE_GROUP_ENABLED : SE_GROUP_USE_FOR_DENY_ONLY;
    SetRestricted(b, 0, 5001, SE_GROUP_USE_FOR_DENY_ONLY, 1);
    Index(b);
    AssertMatch(b, b->Sids[1].Bytes, FALSE, ALL);
    AssertMatch(b, b->Sids[1].Bytes, TRUE, SEP_MATCH_DENY);
    b->Entries[5].Attributes = 0;
    AssertMatch(b, b->Sids[1].Bytes, FALSE, SEP_MATCH_DENY);
    for (ULONG i = 1; i <= 6; i++)
        b->Entries[i].Attributes = 0;
    b->Entries[6].Attributes = SE_GROUP_ENABLED; /* the last copy of the chain */
    AssertMatch(b, b->Sids[1].Bytes, FALSE, ALL);
    FreeBare(b);
}

/* The chains of the two sets never meet: the user SID twice in the normal set (a chain from
 * position 0) and a deny-only restricting SID twice in the restricted set (a chain from its
 * position 0); each answers from its own copies only. */
static void test_restricted_chains_apart(void **state)
{
    BARE *b = NewBare(2);
    b->Sids[1] = b->Sids[0]; /* the user again, enabled */
    SetRestricted(b, 0, 9001, SE_GROUP_USE_FOR_DENY_ONLY, 2);
    SetRestricted(b, 1, 9001, SE_GROUP_USE_FOR_DENY_ONLY, 2);
    b->Entries[0].Attributes = SE_GROUP_USE_FOR_DENY_ONLY;
    b->Entries[2].Attributes = SE_GROUP_USE_FOR_DENY_ONLY;
    Index(b);
    AssertMatch(b, b->Sids[0].Bytes, FALSE, ALL); /* deny-only user, enabled copy */
    AssertMatch(b, b->RSids[0].Bytes, TRUE, SEP_MATCH_DENY);
    AssertMatch(b, b->Sids[2].Bytes, FALSE, SEP_MATCH_DENY);
    FreeBare(b);
}

/* The per-process seed: the index of a one-SID token is built on the first attempt. */
static ULONG ProcessSeed(void)
{
    BARE *b = NewBare(0);
    Index(b);
    ULONG seed = ((PSEP_SID_INDEX)b->Token.SidIndex)->Seed;
    FreeBare(b);
    return seed;
}

/* Collisions: SIDs chosen (under this process's seed) to share one home slot, inserted in
 * an order that makes them displace each other; each is found, and absent SIDs with the
 * same home slot stop the probe without a false match. */
static void test_collisions(void **state)
{
    enum { SAME = 5, GROUPS = SAME }; /* the user and 5 groups, one home slot: 16 slots */
    ULONG seed = ProcessSeed(), mask = 15;
    TSID cand;
    ULONG found = 0, absentFound = 0, home = 0;
    TSID absent[4];
    BARE *b = NewBare(GROUPS);
    /* The user's slot is the shared home; collect SAME colliding groups and 4 absent ones. */
    home = SepSidHash(b->Sids[0].Bytes, seed) & mask;
    for (ULONG rid = 20000; found < SAME || absentFound < 4; rid++) {
        MakeSid(&cand, 100, 200, rid);
        if ((SepSidHash(cand.Bytes, seed) & mask) != home)
            continue;
        if (found < SAME)
            b->Sids[1 + found++] = cand;
        else
            absent[absentFound++] = cand;
        assert_true(rid < 20000 + 100000);
    }
    Index(b);
    PSEP_SID_INDEX index = b->Token.SidIndex;
    assert_int_equal(index->Seed, seed); /* first attempt: the collisions are the ones chosen */
    assert_int_equal(index->Mask, mask);
    assert_int_equal(index->MaxDisplacement, SAME); /* one cluster: 0, 1, ..., SAME */
    for (ULONG i = 0; i <= GROUPS; i++)
        AssertMatch(b, b->Sids[i].Bytes, FALSE, ALL);
    for (ULONG i = 0; i < 4; i++)
        AssertMatch(b, absent[i].Bytes, FALSE, 0);
    FreeBare(b);
}

/* The filter: at least 32 bits per SID (and 64), every token SID's bit set. */
static void test_filter_sized_and_complete(void **state)
{
    ULONG sizes[] = { 0, 1, 2, 63, MANY };
    for (ULONG k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        BARE *b = NewBare(sizes[k]);
        Index(b);
        PSEP_SID_INDEX index = b->Token.SidIndex;
        ULONG bits = 1u << (64 - index->FilterShift);
        assert_true(bits >= 64 && bits >= 32 * (sizes[k] + 1));
        assert_true(bits < 64 * (sizes[k] + 1) || bits == 64);
        assert_int_equal(index->FilterOffset % 8, 0);
        for (ULONG i = 0; i <= sizes[k]; i++)
            assert_true(SepSidFilterMaybe(SepSidIndexFilter(index), b->Sids[i].Bytes));
        FreeBare(b);
    }
}

/* SepSidIndexClone: the same shape copies the table, another shape rebuilds it; both answer
 * for the new token's arrays. */
static void test_clone(void **state)
{
    BARE *src = NewBare(40), *same = NewBare(40), *other = NewBare(10);
    Index(src);
    assert_status(SepSidIndexClone(&src->Token, &same->Token), STATUS_SUCCESS);
    assert_non_null(same->Token.SidIndex);
    assert_int_equal(memcmp(same->Token.SidIndex, src->Token.SidIndex, sizeof(SEP_SID_INDEX)), 0);
    for (ULONG i = 0; i <= 40; i++)
        AssertMatch(same, same->Sids[i].Bytes, FALSE, ALL);
    assert_status(SepSidIndexClone(&src->Token, &other->Token), STATUS_SUCCESS);
    assert_int_equal(((PSEP_SID_INDEX)other->Token.SidIndex)->UserAndGroupCount, 11);
    for (ULONG i = 0; i <= 10; i++)
        AssertMatch(other, other->Sids[i].Bytes, FALSE, ALL);
    AssertMatch(other, src->Sids[20].Bytes, FALSE, 0);
    FreeBare(src);
    FreeBare(same);
    FreeBare(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_alone_and_one_group),
        cmocka_unit_test(test_many_sids_each_found),
        cmocka_unit_test(test_middle_sub_authorities),
        cmocka_unit_test(test_attributes_and_sets),
        cmocka_unit_test(test_duplicates_chain),
        cmocka_unit_test(test_restricted_chains_apart),
        cmocka_unit_test(test_collisions),
        cmocka_unit_test(test_filter_sized_and_complete),
        cmocka_unit_test(test_clone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
