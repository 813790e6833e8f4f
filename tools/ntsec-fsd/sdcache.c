/*
 * sdcache.c - the descriptors the server read (stored in trusted.ntsec.sd, or derived from
 * owner and mode), kept by inode so that a request need not read the extended attribute
 * again (docs/fsd.md "Descriptor cache").
 *
 * An entry is keyed by what fstat says of the object when the server read its descriptor:
 * device, inode, change time, owner, group and mode. Every change of a descriptor (setxattr),
 * an owner (chown) or a mode (chmod) moves the change time, so a later fstat no longer
 * matches and the entry is not used. Inode change times come from a coarse clock (one tick:
 * a few milliseconds), so two changes within one tick could share a change time: an entry is
 * made only for an object whose change time is at least FSD_SDC_SETTLED_SEC in the past when
 * it was read, and a change made after that gets a later change time. Entries also expire
 * after FSD_SDC_LIFE_SEC (a wall clock set back cannot keep one alive for long). The server's
 * own writes (FsdWriteSd) forget the entry at once.
 *
 * Direct-mapped: 1,024 slots, each holding one entry; a colliding object replaces the entry
 * (a client that alternates two colliding files only makes misses, never a wrong answer).
 * 32 lock stripes. Entries are reference counted: a hit hands out a reference (FsdSdCacheFind,
 * released with FsdSdCacheRelease), so an entry replaced meanwhile stays valid for its user.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fsd.h"

#define FSD_SDC_SLOTS        1024
#define FSD_SDC_STRIPES      32
#define FSD_SDC_SETTLED_SEC  2
#define FSD_SDC_LIFE_SEC     30

struct _FSD_SDC_ENTRY {
    _Atomic long References;
    dev_t Dev;
    ino_t Ino;
    struct timespec Ctime;
    uid_t Uid;
    gid_t Gid;
    mode_t Mode;
    time_t Born;              /* CLOCK_MONOTONIC_COARSE seconds */
    BOOLEAN Stored;
    ULONG Length;
    unsigned char Sd[];       /* self-relative, Length bytes */
};

static FSD_SDC_ENTRY *FsdpSlots[FSD_SDC_SLOTS];
static pthread_mutex_t FsdpStripes[FSD_SDC_STRIPES] = {[0 ... FSD_SDC_STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};

static size_t FsdpSlot(const struct stat *St)
{
    uint64_t h = (uint64_t)St->st_ino * 0x9E3779B97F4A7C15ULL ^ (uint64_t)St->st_dev;
    h ^= h >> 29;
    return (size_t)(h % FSD_SDC_SLOTS);
}

static time_t FsdpMonotonicSeconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
    return t.tv_sec;
}

static BOOLEAN FsdpMatches(const FSD_SDC_ENTRY *E, const struct stat *St, time_t Now)
{
    return E->Ino == St->st_ino && E->Dev == St->st_dev && E->Ctime.tv_sec == St->st_ctim.tv_sec &&
           E->Ctime.tv_nsec == St->st_ctim.tv_nsec && E->Uid == St->st_uid && E->Gid == St->st_gid &&
           E->Mode == St->st_mode && Now - E->Born < FSD_SDC_LIFE_SEC;
}

/* FsdSdCacheClock - the coarse wall clock inode change times are taken from, in seconds. */
time_t FsdSdCacheClock(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME_COARSE, &t);
    return t.tv_sec;
}

/* FsdSdCacheRelease - releases one reference on an entry from FsdSdCacheFind (NULL: none). */
VOID FsdSdCacheRelease(FSD_SDC_ENTRY *Entry)
{
    if (Entry != NULL && atomic_fetch_sub(&Entry->References, 1) == 1)
        free(Entry);
}

/*
 * FsdSdCacheFind - the entry for the object St describes (fstat of the object now), with one
 * reference for the caller (FsdSdCacheRelease), or NULL. Takes no privilege: a client's
 * thread may call it. *Sd / *Length / *Stored (each optional) point into the entry.
 */
FSD_SDC_ENTRY *FsdSdCacheFind(const struct stat *St, PSECURITY_DESCRIPTOR *Sd, PULONG Length, BOOLEAN *Stored)
{
    size_t slot = FsdpSlot(St);
    time_t now = FsdpMonotonicSeconds();
    pthread_mutex_t *lock = &FsdpStripes[slot % FSD_SDC_STRIPES];
    pthread_mutex_lock(lock);
    FSD_SDC_ENTRY *e = FsdpSlots[slot];
    if (e != NULL && FsdpMatches(e, St, now))
        atomic_fetch_add(&e->References, 1);
    else
        e = NULL;
    pthread_mutex_unlock(lock);
    if (e != NULL) {
        if (Sd) *Sd = e->Sd;
        if (Length) *Length = e->Length;
        if (Stored) *Stored = e->Stored;
    }
    return e;
}

/* Puts Entry (its reference moves to the table; NULL: empties the slot) in St's slot and
 * releases the one it replaced. */
static VOID FsdpReplace(const struct stat *St, FSD_SDC_ENTRY *Entry)
{
    size_t slot = FsdpSlot(St);
    pthread_mutex_t *lock = &FsdpStripes[slot % FSD_SDC_STRIPES];
    pthread_mutex_lock(lock);
    FSD_SDC_ENTRY *old = FsdpSlots[slot];
    if (Entry != NULL || (old != NULL && old->Ino == St->st_ino && old->Dev == St->st_dev))
        FsdpSlots[slot] = Entry;
    else
        old = NULL;
    pthread_mutex_unlock(lock);
    FsdSdCacheRelease(old);
}

/*
 * FsdSdCacheAdd - remembers Sd (Length bytes, self-relative; copied) as the descriptor of the
 * object St described when the caller took it, BEFORE reading the descriptor; Before is
 * FsdSdCacheClock() read before that fstat. A change after the fstat gets a change time of
 * at least Before less one tick, past St's, so the entry cannot answer for the new state.
 * Nothing is kept for an object changed less than FSD_SDC_SETTLED_SEC before Before.
 */
VOID FsdSdCacheAdd(const struct stat *St, time_t Before, PSECURITY_DESCRIPTOR Sd, ULONG Length, BOOLEAN Stored)
{
    if (St->st_ctim.tv_sec > Before - FSD_SDC_SETTLED_SEC)
        return;
    FSD_SDC_ENTRY *e = malloc(sizeof *e + Length);
    if (e == NULL)
        return;
    atomic_init(&e->References, 1);
    e->Dev = St->st_dev;
    e->Ino = St->st_ino;
    e->Ctime = St->st_ctim;
    e->Uid = St->st_uid;
    e->Gid = St->st_gid;
    e->Mode = St->st_mode;
    e->Born = FsdpMonotonicSeconds();
    e->Stored = Stored;
    e->Length = Length;
    memcpy(e->Sd, Sd, Length);
    FsdpReplace(St, e);
}

/* FsdSdCacheForget - drops the entry of St's inode (the server is about to change it). */
VOID FsdSdCacheForget(const struct stat *St)
{
    FsdpReplace(St, NULL);
}
