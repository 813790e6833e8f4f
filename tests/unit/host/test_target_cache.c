/*
 * test_target_cache.c - the Linux target of a token is computed once and cached with the
 * token (src/host/target.c "The target cache", issue 15 section 4): a repeat gives the same
 * identity from the same cache block, the group list is sorted and unique however the token
 * orders its gids (the descending order was quadratic), and every input of the computation
 * invalidates it: the id map (NtsecLoadIdMap) and the token's ModifiedId (an adjust); the
 * unprivileged identity is part of the key too (not exercised here). No root needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host_helpers.h"
#include "host/hostp.h"

#define GROUPS 1000

static PTOKEN Token(PCSTR Text)
{
    PTOKEN t = TestToken(Text);
    assert_non_null(t);
    return t;
}

/* "user=S-1-22-1-1001 groups=S-1-22-2-<gid>,..." with gids descending, each twice. */
static char *DescendingText(void)
{
    size_t cap = 64 + (size_t)GROUPS * 2 * 24;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "user=S-1-22-1-1001 groups=");
    for (ULONG i = 0; i < 2 * GROUPS; i++)
        n += (size_t)snprintf(text + n, cap - n, "%sS-1-22-2-%u", i ? "," : "", 20000 - (i % GROUPS));
    return text;
}

static void test_target_is_cached_sorted_and_unique(void **state)
{
    char *text = DescendingText();
    PTOKEN t = Token(text);
    free(text);
    HOST_CREDS a = {0}, b = {0};
    ULONG cls = 0;
    assert_null(atomic_load(&t->HostTarget));
    assert_status(HostComputeTarget(t, SecurityImpersonation, &a, &cls), STATUS_SUCCESS);
    assert_int_equal(cls, HOST_CLASS_FULL);
    PVOID block = atomic_load(&t->HostTarget);
    assert_non_null(block);
    assert_int_equal(a.Uid, 1001);
    assert_int_equal(a.GroupCount, GROUPS);
    for (ULONG i = 0; i < GROUPS; i++)
        assert_int_equal(a.Groups[i], 20000 - GROUPS + 1 + i); /* ascending, no repeat */
    assert_int_equal(a.Gid, 20000); /* the first enabled group in token order */
    cls = 0;
    assert_status(HostComputeTarget(t, SecurityDelegation, &b, &cls), STATUS_SUCCESS);
    assert_ptr_equal(atomic_load(&t->HostTarget), block); /* a hit publishes nothing */
    assert_int_equal(cls, HOST_CLASS_FULL);
    assert_int_equal(b.Uid, a.Uid);
    assert_int_equal(b.Gid, a.Gid);
    assert_int_equal(b.GroupCount, a.GroupCount);
    assert_memory_equal(b.Groups, a.Groups, a.GroupCount * sizeof(gid_t));
    /* Identification is never served from the cache: unprivileged, no groups. */
    assert_status(HostComputeTarget(t, SecurityIdentification, &b, &cls), STATUS_SUCCESS);
    assert_int_equal(cls, HOST_CLASS_UNPRIV);
    assert_int_equal(b.GroupCount, 0);
    HostCredsFree(&a);
    HostCredsFree(&b);
    ObDereferenceObject(t);
}

static void WriteFile(const char *Path, const char *Text)
{
    FILE *f = fopen(Path, "w");
    assert_non_null(f);
    fputs(Text, f);
    fclose(f);
}

/* The id map is an input: loading another map makes the next computation miss. */
static void test_id_map_change_invalidates(void **state)
{
    char path[] = "/tmp/ntsec-target-cache-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    WriteFile(path, "uid S-1-5-21-1-2-3-1001 40001\ngid S-1-5-21-1-2-3-513 40101\n");
    assert_status(NtsecLoadIdMap(path), STATUS_SUCCESS);
    PTOKEN t = Token("user=S-1-5-21-1-2-3-1001 groups=S-1-5-21-1-2-3-513");
    HOST_CREDS c = {0};
    ULONG cls = 0;
    assert_status(HostComputeTarget(t, SecurityImpersonation, &c, &cls), STATUS_SUCCESS);
    assert_int_equal(c.Uid, 40001);
    assert_int_equal(c.Gid, 40101);
    PVOID first = atomic_load(&t->HostTarget);
    WriteFile(path, "uid S-1-5-21-1-2-3-1001 40002\ngid S-1-5-21-1-2-3-513 40102\n");
    assert_status(NtsecLoadIdMap(path), STATUS_SUCCESS);
    assert_status(HostComputeTarget(t, SecurityImpersonation, &c, &cls), STATUS_SUCCESS);
    assert_int_equal(c.Uid, 40002);
    assert_int_equal(c.Gid, 40102);
    assert_int_equal(c.GroupCount, 1);
    assert_int_equal(c.Groups[0], 40102);
    assert_ptr_not_equal(atomic_load(&t->HostTarget), first);
    /* No map: the user maps to nothing, and that answer is not the cached identity. */
    assert_status(NtsecLoadIdMap(NULL), STATUS_SUCCESS);
    assert_status(HostComputeTarget(t, SecurityImpersonation, &c, &cls), STATUS_NONE_MAPPED);
    assert_status(HostComputeTarget(t, SecurityImpersonation, &c, &cls), STATUS_NONE_MAPPED);
    HostCredsFree(&c);
    ObDereferenceObject(t);
    unlink(path);
}

/* An adjust gives the token a new ModifiedId: the cache is recomputed (same identity here:
 * privileges do not change it) and the old block stays on the chain until deletion. */
static void test_adjust_invalidates(void **state)
{
    PTOKEN t = Token("user=S-1-22-1-1001 groups=S-1-22-2-300,S-1-22-2-100 "
                     "privileges=SeChangeNotifyPrivilege:disabled");
    HOST_CREDS c = {0};
    ULONG cls = 0;
    assert_status(HostComputeTarget(t, SecurityImpersonation, &c, &cls), STATUS_SUCCESS);
    PVOID first = atomic_load(&t->HostTarget);
    assert_non_null(first);
    TOKEN_PRIVILEGES ns = { 1, { { { SE_CHANGE_NOTIFY_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED } } };
    PTOKEN_PRIVILEGES prev = NULL;
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, &ns, &prev), STATUS_SUCCESS);
    NtsecFree(prev);
    assert_ptr_equal(atomic_load(&t->HostTarget), first); /* nothing recomputed yet */
    assert_status(HostComputeTarget(t, SecurityImpersonation, &c, &cls), STATUS_SUCCESS);
    PVOID second = atomic_load(&t->HostTarget);
    assert_ptr_not_equal(second, first);
    assert_ptr_equal(*(PVOID *)second, first); /* retired, freed with the token */
    assert_int_equal(c.Uid, 1001);
    assert_int_equal(c.Gid, 300);
    assert_int_equal(c.GroupCount, 2);
    assert_int_equal(c.Groups[0], 100);
    assert_int_equal(c.Groups[1], 300);
    HostCredsFree(&c);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_is_cached_sorted_and_unique),
        cmocka_unit_test(test_id_map_change_invalidates),
        cmocka_unit_test(test_adjust_invalidates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
