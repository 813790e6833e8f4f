/*
 * host_helpers.h - fixtures shared by the host-backend tests: tokens that map to chosen
 * uids/gids (built with SepCreateToken, so the tests do not depend on the token text
 * parser), reading /proc/thread-self/status, and a temp tree of owned files.
 */
#ifndef NTSEC_HOST_HELPERS_H
#define NTSEC_HOST_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ntsec_test.h"
#include "ps/psp.h"
#include "host/hostp.h"

#define TH_UID_A 40001
#define TH_UID_B 40002
#define TH_UID_C 40003
#define TH_GID_A 40101
#define TH_GID_B 40102
#define TH_GID_SHARED 40110
#define TH_GID_DENY 40111

typedef struct {
    UCHAR Bytes[SECURITY_MAX_SID_SIZE];
} __attribute__((aligned(4))) TH_SID;

/* Buffer as the SID S-1-Authority-Subs[0]-...-Subs[Count-1] (Count up to 15). */
static inline PSID ThSid(TH_SID *Buffer, UCHAR Authority, int Count, const ULONG *Subs)
{
    PISID sid = (PISID)Buffer->Bytes;
    memset(sid, 0, sizeof(*Buffer));
    sid->Revision = 1;
    sid->SubAuthorityCount = (UCHAR)Count;
    sid->IdentifierAuthority.Value[5] = Authority;
    for (int i = 0; i < Count; i++)
        sid->SubAuthority[i] = Subs[i];
    return sid;
}

/* Buffer as S-1-22-Kind-Id (Kind 1: a uid, 2: a gid). */
static inline PSID ThUnixSid(TH_SID *Buffer, ULONG Kind, ULONG Id)
{
    return ThSid(Buffer, 22, 2, (const ULONG[]){Kind, Id});
}

/* A group for ThToken: gid and attributes (0 means enabled+mandatory). */
typedef struct {
    ULONG Gid;
    ULONG Attributes;
} TH_GROUP;

#define TH_ON (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED)

/* A primary token for S-1-22-1-Uid with the given S-1-22-2 groups (first one is the primary
 * group) plus Everyone. Caller owns the single reference. */
static inline PTOKEN ThTokenWithUserSid(PSID User, const TH_GROUP *Groups, ULONG Count)
{
    TH_SID sids[64];
    SID_AND_ATTRIBUTES groups[65];
    tr_check_true(Count < 64);
    for (ULONG i = 0; i < Count; i++) {
        groups[i].Sid = ThUnixSid(&sids[i], 2, Groups[i].Gid);
        groups[i].Attributes = Groups[i].Attributes ? Groups[i].Attributes : TH_ON;
    }
    TH_SID world;
    groups[Count].Sid = ThSid(&world, 1, 1, (const ULONG[]){SECURITY_WORLD_RID});
    groups[Count].Attributes = TH_ON;
    LUID_AND_ATTRIBUTES priv = {{SE_CHANGE_NOTIFY_PRIVILEGE, 0}, SE_PRIVILEGE_ENABLED};
    SEP_TOKEN_TEMPLATE t;
    memset(&t, 0, sizeof(t));
    t.TokenType = TokenPrimary;
    t.User = User;
    t.Groups = groups;
    t.GroupCount = Count + 1;
    t.PrimaryGroup = Count > 0 && !(groups[0].Attributes & SE_GROUP_USE_FOR_DENY_ONLY) ? groups[0].Sid : NULL;
    t.HasIntegrity = TRUE;
    t.IntegrityRid = SECURITY_MANDATORY_MEDIUM_RID;
    t.Privileges = &priv;
    t.PrivilegeCount = 1;
    PTOKEN token = NULL;
    tr_check_status(SepCreateToken(&t, "token (host test)", &token), STATUS_SUCCESS);
    return token;
}

static inline PTOKEN ThToken(ULONG Uid, const TH_GROUP *Groups, ULONG Count)
{
    TH_SID user;
    return ThTokenWithUserSid(ThUnixSid(&user, 1, Uid), Groups, Count);
}

/* The calling thread's ids from /proc/thread-self/status. */
typedef struct {
    unsigned Uid[4]; /* real, effective, saved, fs */
    unsigned Gid[4];
    unsigned Groups[256];
    int GroupCount;
} TH_IDS;

static inline void ThReadIds(TH_IDS *Ids)
{
    char line[4096];
    FILE *f = fopen("/proc/thread-self/status", "re");
    memset(Ids, 0, sizeof(*Ids));
    tr_check_non_null(f);
    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "Uid:", 4) == 0)
            sscanf(line + 4, "%u %u %u %u", &Ids->Uid[0], &Ids->Uid[1], &Ids->Uid[2], &Ids->Uid[3]);
        else if (strncmp(line, "Gid:", 4) == 0)
            sscanf(line + 4, "%u %u %u %u", &Ids->Gid[0], &Ids->Gid[1], &Ids->Gid[2], &Ids->Gid[3]);
        else if (strncmp(line, "Groups:", 7) == 0) {
            char *p = line + 7, *end;
            for (;;) {
                unsigned long v = strtoul(p, &end, 10);
                if (end == p || Ids->GroupCount >= 256)
                    break;
                Ids->Groups[Ids->GroupCount++] = (unsigned)v;
                p = end;
            }
        }
    }
    fclose(f);
}

static inline int ThIdsHaveGroup(const TH_IDS *Ids, unsigned Gid)
{
    for (int i = 0; i < Ids->GroupCount; i++)
        if (Ids->Groups[i] == Gid)
            return 1;
    return 0;
}

static inline int ThIdsEqual(const TH_IDS *a, const TH_IDS *b)
{
    return memcmp(a->Uid, b->Uid, sizeof(a->Uid)) == 0 && memcmp(a->Gid, b->Gid, sizeof(a->Gid)) == 0 &&
           a->GroupCount == b->GroupCount &&
           memcmp(a->Groups, b->Groups, sizeof(unsigned) * (size_t)a->GroupCount) == 0;
}

/* 0 if the file opens for reading, else errno. */
static inline int ThOpenRead(const char *Path)
{
    int fd = open(Path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

/* Runs Fn(Arg) on a fresh pthread (adopted by ntsec on its first call), joins it, and
 * asserts what Fn recorded (Fn checks with tr_check*, threadcheck.h). */
static inline void ThRunOnThread(void *(*Fn)(void *), void *Arg)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, Fn, Arg), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    TrAssertNoThreadFailures();
}

/* The temp tree: Dir (0711) and files owned by the test identities. */
typedef struct {
    char Dir[64];
    char FileA[128];      /* 40001:40101 0600 */
    char FileB[128];      /* 40002:40102 0600 */
    char FileShared[128]; /* 0:40110 0040 (group read only) */
    char FileDeny[128];   /* 0:40111 0040 */
    char Subdir[128];     /* 0:40110 0070 (group may create) */
} TH_TREE;

static inline void ThMakeFile(const char *Path, uid_t Uid, gid_t Gid, mode_t Mode)
{
    int fd = open(Path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "secret\n", 7), 7);
    close(fd);
    assert_int_equal(chown(Path, Uid, Gid), 0);
    assert_int_equal(chmod(Path, Mode), 0);
}

static inline void ThMakeTree(TH_TREE *T)
{
    strcpy(T->Dir, "/tmp/ntsec-host-XXXXXX");
    assert_non_null(mkdtemp(T->Dir));
    assert_int_equal(chmod(T->Dir, 0711), 0);
    snprintf(T->FileA, sizeof(T->FileA), "%s/a", T->Dir);
    snprintf(T->FileB, sizeof(T->FileB), "%s/b", T->Dir);
    snprintf(T->FileShared, sizeof(T->FileShared), "%s/shared", T->Dir);
    snprintf(T->FileDeny, sizeof(T->FileDeny), "%s/deny", T->Dir);
    snprintf(T->Subdir, sizeof(T->Subdir), "%s/drop", T->Dir);
    ThMakeFile(T->FileA, TH_UID_A, TH_GID_A, 0600);
    ThMakeFile(T->FileB, TH_UID_B, TH_GID_B, 0600);
    ThMakeFile(T->FileShared, 0, TH_GID_SHARED, 0040);
    ThMakeFile(T->FileDeny, 0, TH_GID_DENY, 0040);
    assert_int_equal(mkdir(T->Subdir, 0700), 0);
    assert_int_equal(chown(T->Subdir, 0, TH_GID_SHARED), 0);
    assert_int_equal(chmod(T->Subdir, 0070), 0);
}

static inline void ThRemoveTree(TH_TREE *T)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", T->Dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", T->Dir);
}

/* Group setup for the euid-mode tests over the temp tree T: makes the tree and turns the
 * euid backend on (root only; without root the tests skip themselves). 0 or -1 for cmocka. */
static inline int ThSetupEuidTree(TH_TREE *T)
{
    if (geteuid() != 0)
        return 0;
    ThMakeTree(T);
    return NtsecEnableHostCredentials(NtsecHostEuid) == STATUS_SUCCESS ? 0 : -1;
}

/* Group teardown matching ThSetupEuidTree: removes the tree and turns the backend off. */
static inline int ThTeardownEuidTree(TH_TREE *T)
{
    if (geteuid() != 0)
        return 0;
    ThRemoveTree(T);
    return NtsecEnableHostCredentials(NtsecHostOff) == STATUS_SUCCESS ? 0 : -1;
}

#define TH_REQUIRE_ROOT()                                                                  \
    do {                                                                                   \
        if (geteuid() != 0) {                                                              \
            fprintf(stderr, "skipped: needs root (CAP_SETUID/CAP_SETGID); CI runs as root\n"); \
            skip();                                                                        \
        }                                                                                  \
    } while (0)

#endif
