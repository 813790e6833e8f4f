/*
 * test_fsd_sdcache.c - ntsec-fsd's descriptor cache (tools/ntsec-fsd/sdcache.c) driven with
 * made-up fstat results, for what a shell test cannot time: an object changed less than
 * 2 s before the clock read (its change time could be shared by a later change within the
 * same tick) is not kept, even one second too young; every field of the key (device, inode,
 * change time seconds and nanoseconds, owner, group, mode) must match; a forgotten entry is
 * gone; an entry replaced while a user holds it stays intact for that user (its reference),
 * and the replacement answers the next lookup; four threads adding, finding, releasing and
 * forgetting the same few inodes (some sharing a lock stripe) never see another inode's
 * descriptor (and give TSan/ASan the reference counts and the stripe locks to check).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
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

#define RACE_INODES 8
#define RACE_ROUNDS 20000

static void *Racer(void *Argument)
{
    unsigned seed = (unsigned)(uintptr_t)Argument, bad = 0;
    for (int i = 0; i < RACE_ROUNDS; i++) {
        seed = seed * 1103515245U + 12345U;
        ino_t ino = 1000 + (seed >> 16) % RACE_INODES;
        struct stat st = Settled(ino);
        char want[32];
        snprintf(want, sizeof want, "sd-%lu", (unsigned long)ino);
        switch ((seed >> 8) % 4) {
        case 0:
            Add(&st, FsdSdCacheClock(), want);
            break;
        case 1:
            FsdSdCacheForget(&st);
            break;
        default: {
            PSECURITY_DESCRIPTOR sd;
            ULONG len;
            FSD_SDC_ENTRY *e = FsdSdCacheFind(&st, &sd, &len, NULL);
            if (e != NULL) {
                if (len != strlen(want) + 1 || memcmp(sd, want, len) != 0)
                    bad++;
                FsdSdCacheRelease(e);
            }
        }
        }
    }
    return (void *)(uintptr_t)bad;
}

static void racing_users_see_only_their_inode(void **state)
{
    (void)state;
    pthread_t t[4];
    for (uintptr_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, Racer, (void *)(i + 1)), 0);
    uintptr_t bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        assert_int_equal(pthread_join(t[i], &r), 0);
        bad += (uintptr_t)r;
    }
    assert_int_equal(bad, 0);
    for (ino_t ino = 1000; ino < 1000 + RACE_INODES; ino++) {
        struct stat st = Settled(ino);
        FsdSdCacheForget(&st);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(young_objects_are_not_kept),
        cmocka_unit_test(every_key_field_must_match),
        cmocka_unit_test(replaced_entry_stays_valid_for_its_holder),
        cmocka_unit_test(racing_users_see_only_their_inode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
