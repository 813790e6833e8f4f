/*
 * test_fsd_sdcache.c - ntsec-fsd's descriptor cache (tools/ntsec-fsd/sdcache.c) driven with
 * made-up fstat results, for what a shell test cannot time: an object changed less than
 * 2 s before the clock read (its change time could be shared by a later change within the
 * same tick) is not kept, even one second too young; every field of the key (device, inode,
 * change time seconds and nanoseconds, owner, group, mode) must match; a forgotten entry is
 * gone; an entry replaced while a user holds it stays intact for that user (its reference),
 * and the replacement answers the next lookup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "fsd.h"

static struct stat Settled(ino_t Ino)
{
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_dev = 0x801;
    st.st_ino = Ino;
    st.st_uid = 1000;
    st.st_gid = 100;
    st.st_mode = S_IFREG | 0644;
    st.st_ctim.tv_sec = FsdSdCacheClock() - 100;
    st.st_ctim.tv_nsec = 123456789;
    return st;
}

static BOOLEAN Holds(const struct stat *St, const char *Want)
{
    PSECURITY_DESCRIPTOR sd;
    ULONG len = 0;
    BOOLEAN stored = FALSE;
    FSD_SDC_ENTRY *e = FsdSdCacheFind(St, &sd, &len, &stored);
    if (e == NULL)
        return FALSE;
    BOOLEAN same = len == strlen(Want) + 1 && memcmp(sd, Want, len) == 0 && stored;
    FsdSdCacheRelease(e);
    assert_true(same);
    return TRUE;
}

static void Add(const struct stat *St, time_t Before, const char *Sd)
{
    FsdSdCacheAdd(St, Before, (PSECURITY_DESCRIPTOR)Sd, (ULONG)strlen(Sd) + 1, TRUE);
}

static void young_objects_are_not_kept(void **state)
{
    (void)state;
    struct stat st = Settled(11);
    time_t before = st.st_ctim.tv_sec + 1;        /* changed 1 s before the read: too young */
    Add(&st, before, "young");
    assert_false(Holds(&st, "young"));
    Add(&st, st.st_ctim.tv_sec + 2, "settled");   /* 2 s: kept */
    assert_true(Holds(&st, "settled"));
    FsdSdCacheForget(&st);
}

static void every_key_field_must_match(void **state)
{
    (void)state;
    struct stat st = Settled(12);
    Add(&st, FsdSdCacheClock(), "sd12");
    assert_true(Holds(&st, "sd12"));
    struct stat o;
    o = st; o.st_dev++;               assert_false(Holds(&o, "sd12"));
    o = st; o.st_ino++;               assert_false(Holds(&o, "sd12"));
    o = st; o.st_ctim.tv_sec++;       assert_false(Holds(&o, "sd12"));
    o = st; o.st_ctim.tv_nsec++;      assert_false(Holds(&o, "sd12"));
    o = st; o.st_uid++;               assert_false(Holds(&o, "sd12"));
    o = st; o.st_gid++;               assert_false(Holds(&o, "sd12"));
    o = st; o.st_mode ^= 0004;        assert_false(Holds(&o, "sd12"));
    o = st; o.st_size = 99; o.st_nlink = 2;   /* not in the key: another name of the inode */
    assert_true(Holds(&o, "sd12"));
    FsdSdCacheForget(&st);
    assert_false(Holds(&st, "sd12"));
}

static void replaced_entry_stays_valid_for_its_holder(void **state)
{
    (void)state;
    struct stat st = Settled(13);
    Add(&st, FsdSdCacheClock(), "first");
    PSECURITY_DESCRIPTOR sd;
    ULONG len;
    FSD_SDC_ENTRY *held = FsdSdCacheFind(&st, &sd, &len, NULL);
    assert_non_null(held);
    Add(&st, FsdSdCacheClock(), "second");        /* replaces: the table's reference goes */
    FsdSdCacheForget(&st);                        /* and this one is dropped too */
    assert_int_equal(len, 6);
    assert_memory_equal(sd, "first", 6);          /* still the holder's (ASan: no reuse) */
    FsdSdCacheRelease(held);
    assert_false(Holds(&st, "second"));
    Add(&st, FsdSdCacheClock(), "third");
    assert_true(Holds(&st, "third"));
    FsdSdCacheForget(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(young_objects_are_not_kept),
        cmocka_unit_test(every_key_field_must_match),
        cmocka_unit_test(replaced_entry_stays_valid_for_its_holder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
