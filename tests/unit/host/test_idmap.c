/*
 * test_idmap.c - SID <-> uid/gid mapping and the mapping file parser
 * (docs/host.md "Mapping"). No root needed.
 */
#include <pwd.h>
#include "host_helpers.h"

static void test_unix_sids_map_both_ways(void **state)
{
    TH_SID b;
    uid_t uid;
    gid_t gid;
    assert_true(HostSidToUid(ThSid(&b, 22, 2, (ULONG[]){1, 1234}), &uid));
    assert_int_equal(uid, 1234);
    assert_false(HostSidToGid(ThSid(&b, 22, 2, (ULONG[]){1, 1234}), &gid)); /* a user SID is not a group */
    assert_true(HostSidToGid(ThSid(&b, 22, 2, (ULONG[]){2, 77}), &gid));
    assert_int_equal(gid, 77);
    assert_false(HostSidToUid(ThSid(&b, 22, 2, (ULONG[]){1, 0xFFFFFFFF}), &uid)); /* -1 is no id */
    assert_false(HostSidToUid(ThSid(&b, 22, 3, (ULONG[]){1, 5, 5}), &uid));
    assert_false(HostSidToUid(ThSid(&b, 5, 1, (ULONG[]){18}), &uid)); /* SYSTEM: unmapped */
    HostUidToSid(40001, &b);
    assert_true(HostSidToUid(&b, &uid));
    assert_int_equal(uid, 40001);
    assert_int_equal(((PISID)&b)->IdentifierAuthority.Value[5], 22);
}

static const char GoodMap[] =
    "# ntsec id map\n"
    "uid   S-1-5-21-1-2-3-1001  40001   # alice\n"
    "gid   S-1-5-21-1-2-3-513   40101\n"
    "uid   S-1-5-21-1-2-3-500   nobody\n"
    "\n"
    "range S-1-5-21-7-8-9  100000 1000\n";

/* The public NtsecUnixIdToSid (ntsec-fsd's owner SIDs) gives exactly the backend's mapping. */
static void test_public_unix_id_to_sid_is_the_backend_mapping(void **state)
{
    (void)state;
    TH_SID b, h;
    memset(&b, 0xAA, sizeof b);
    assert_int_equal(NtsecUnixIdToSid(40001, FALSE, &b, sizeof b - 1), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(((UCHAR *)&b)[0], 0xAA);                /* nothing written */
    assert_int_equal(NtsecUnixIdToSid(40001, FALSE, NULL, sizeof b), STATUS_INVALID_PARAMETER);
    assert_int_equal(NtsecUnixIdToSid(40001, FALSE, &b, sizeof b), STATUS_SUCCESS);
    HostUidToSid(40001, &h);
    assert_memory_equal(&b, &h, 8 + 4 * ((PISID)&h)->SubAuthorityCount);
    uid_t uid;
    assert_true(HostSidToUid(&b, &uid));
    assert_int_equal(uid, 40001);
    assert_int_equal(NtsecUnixIdToSid(77, TRUE, &b, sizeof b), STATUS_SUCCESS);
    HostGidToSid(77, &h);
    assert_memory_equal(&b, &h, 8 + 4 * ((PISID)&h)->SubAuthorityCount);
    gid_t gid;
    assert_true(HostSidToGid(&b, &gid));
    assert_int_equal(gid, 77);
    assert_false(HostSidToUid(&b, &uid));                     /* a group SID is no user */
}

static void test_map_file_explicit_entries_names_and_ranges(void **state)
{
    PHOST_IDMAP map = NULL;
    char error[256];
    ULONG id;
    TH_SID b;
    assert_status(HostParseIdMap(GoodMap, sizeof(GoodMap) - 1, &map, error, sizeof(error)), STATUS_SUCCESS);
    assert_true(HostMapSidToId(map, ThSid(&b, 5, 5, (ULONG[]){21, 1, 2, 3, 1001}), FALSE, &id));
    assert_int_equal(id, 40001);
    assert_false(HostMapSidToId(map, ThSid(&b, 5, 5, (ULONG[]){21, 1, 2, 3, 1001}), TRUE, &id));
    assert_true(HostMapSidToId(map, ThSid(&b, 5, 5, (ULONG[]){21, 1, 2, 3, 513}), TRUE, &id));
    assert_int_equal(id, 40101);
    assert_true(HostMapSidToId(map, ThSid(&b, 5, 5, (ULONG[]){21, 1, 2, 3, 500}), FALSE, &id));
    struct passwd *nobody = getpwnam("nobody"); /* the name resolved through getpwnam_r */
    assert_non_null(nobody);
    assert_int_equal(id, nobody->pw_uid);
    /* Range: RID r <-> base + r, for users and groups, r < size. */
    assert_true(HostMapSidToId(map, ThSid(&b, 5, 5, (ULONG[]){21, 7, 8, 9, 42}), FALSE, &id));
    assert_int_equal(id, 100042);
    assert_true(HostMapSidToId(map, ThSid(&b, 5, 5, (ULONG[]){21, 7, 8, 9, 999}), TRUE, &id));
    assert_int_equal(id, 100999);
    assert_false(HostMapSidToId(map, ThSid(&b, 5, 5, (ULONG[]){21, 7, 8, 9, 1000}), FALSE, &id));
    assert_false(HostMapSidToId(map, ThSid(&b, 5, 6, (ULONG[]){21, 7, 8, 9, 1, 2}), FALSE, &id));
    HostFreeIdMap(map);
}

static void ExpectError(const char *Text, const char *Message)
{
    PHOST_IDMAP map = NULL;
    char error[256];
    assert_status(HostParseIdMap(Text, strlen(Text), &map, error, sizeof(error)), STATUS_INVALID_PARAMETER);
    assert_null(map);
    if (strstr(error, Message) == NULL)
        fail_msg("error '%s' does not contain '%s'", error, Message);
}

static void test_map_file_errors_name_the_line(void **state)
{
    ExpectError("uid S-1-5-21-1-1001 5\nfoo bar baz\n", "line 2: unknown keyword 'foo'");
    ExpectError("uid S-1-5-x 5\n", "line 1: bad SID 'S-1-5-x'");
    ExpectError("uid S-1-5-21-1 4294967295\n", "unknown user '4294967295'"); /* -1 is no id */
    ExpectError("uid S-1-5-21-1 no-such-user-ntsec\n", "unknown user 'no-such-user-ntsec'");
    ExpectError("uid S-1-5-21-1 5\nuid S-1-5-21-1 6\n", "line 2: SID mapped twice");
    ExpectError("uid S-1-5-21-1 5\nuid S-1-5-21-2 5\n", "line 2: id mapped twice");
    ExpectError("range S-1-5-21-1 100 50\nrange S-1-5-21-2 120 10\n", "line 2: id range overlaps");
    ExpectError("range S-1-5-21-1 4294967200 1000\n", "bad range size");
    ExpectError("range S-1-5-21-1 100 0\n", "bad range size");
    ExpectError("uid S-1-5-21-1\n", "expected: uid|gid SID ID-OR-NAME");
    ExpectError("uid S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16 5\n", "bad SID");
    ExpectError("uid S-1-281474976710656-1 5\n", "bad SID"); /* authority > 48 bits */
    ExpectError("uid S-1-5-4294967296 5\n", "bad SID");
    char nul[] = "uid S-1-5-21-1 5\0\n";
    PHOST_IDMAP map = NULL;
    assert_status(HostParseIdMap(nul, sizeof(nul) - 1, &map, NULL, 0), STATUS_INVALID_PARAMETER);
    char *longLine = malloc(3000);
    memset(longLine, ' ', 3000);
    assert_status(HostParseIdMap(longLine, 3000, &map, NULL, 0), STATUS_INVALID_PARAMETER);
    free(longLine);
}

/* Hostile or mistaken map files that would make identities ambiguous or give root away
 * (docs/host.md "Mapping": decided choices). */
static void test_map_file_refuses_root_builtin_sids_and_ambiguous_ids(void **state)
{
    /* uid/gid 0: only S-1-22-1-0 / S-1-22-2-0 are root; a domain SID never becomes root. */
    ExpectError("uid S-1-5-21-1-500 0\n", "line 1: maps to root (id 0)");
    ExpectError("uid S-1-5-21-1-500 root\n", "line 1: maps to root (id 0)");
    ExpectError("gid S-1-5-21-1-512 0\n", "line 1: maps to root (id 0)");
    ExpectError("range S-1-5-21-1 0 100\n", "line 1: maps to root (id 0)");
    /* S-1-22 is the built-in Unix authority: the file cannot redefine it. */
    ExpectError("uid S-1-22-1-5 40001\n", "line 1: S-1-22 SIDs are built in");
    ExpectError("range S-1-22-2 100000 10\n", "line 1: S-1-22 SIDs are built in");
    /* An explicit id inside a range: two SIDs would share one uid/gid. */
    ExpectError("range S-1-5-21-1 100 50\nuid S-1-5-21-2-7 120\n", "line 2: id inside an id range");
    ExpectError("gid S-1-5-21-2-7 149\nrange S-1-5-21-1 100 50\n", "line 2: id range covers an explicit id");
    /* Edges that are fine: just outside the range. */
    PHOST_IDMAP map = NULL;
    static const char ok[] = "range S-1-5-21-1 100 50\nuid S-1-5-21-2-7 150\ngid S-1-5-21-2-8 99\n";
    assert_status(HostParseIdMap(ok, sizeof(ok) - 1, &map, NULL, 0), STATUS_SUCCESS);
    HostFreeIdMap(map);
}

static void test_load_id_map_from_file_and_unload(void **state)
{
    char path[] = "/tmp/ntsec-idmap-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, GoodMap, sizeof(GoodMap) - 1), (ssize_t)(sizeof(GoodMap) - 1));
    close(fd);
    TH_SID b;
    uid_t uid;
    assert_status(NtsecLoadIdMap(path), STATUS_SUCCESS);
    assert_true(HostSidToUid(ThSid(&b, 5, 5, (ULONG[]){21, 1, 2, 3, 1001}), &uid));
    assert_int_equal(uid, 40001);
    HostUidToSid(100005, &b); /* reverse through the range */
    assert_int_equal(((PISID)&b)->SubAuthorityCount, 5);
    assert_int_equal(((PISID)&b)->SubAuthority[4], 5);
    /* A bad file leaves the loaded map in place and names the line. */
    FILE *f = fopen(path, "w");
    fputs("uid S-1-5-21-1 5\nbogus\n", f);
    fclose(f);
    assert_status(NtsecLoadIdMap(path), STATUS_INVALID_PARAMETER);
    assert_non_null(strstr(NtsecIdMapErrorText(), "line 2"));
    assert_true(HostSidToUid(ThSid(&b, 5, 5, (ULONG[]){21, 1, 2, 3, 1001}), &uid));
    assert_status(NtsecLoadIdMap("/nonexistent/ntsec.map"), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_status(NtsecLoadIdMap(NULL), STATUS_SUCCESS);
    assert_false(HostSidToUid(ThSid(&b, 5, 5, (ULONG[]){21, 1, 2, 3, 1001}), &uid));
    unlink(path);
}

/*
 * The loader fails closed under memory pressure (issue 10, "bug fixed on the way"): a map
 * larger than the first read buffer, loaded with the Nth allocation failing for every N, is
 * either installed whole or refused with STATUS_NO_MEMORY with the old map left in place -
 * never a truncated map (the last line, for uid 40001, cut to 4000).
 */
static void test_load_id_map_under_allocation_failure_keeps_old_map(void **state)
{
    char path[] = "/tmp/ntsec-idmap-big-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 600; i++) /* ~26 KiB of comments: several buffer doublings */
        fprintf(f, "# padding line %04d of a large id map, long enough to matter\n", i);
    fputs("uid S-1-5-21-1-2-3-1001 40001\n", f);
    fclose(f);
    char small[] = "/tmp/ntsec-idmap-small-XXXXXX";
    fd = mkstemp(small);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "uid S-1-5-21-1-2-3-1001 30000\n", 30), 30);
    close(fd);

    TH_SID b;
    uid_t uid;
    PSID sid = ThSid(&b, 5, 5, (ULONG[]){21, 1, 2, 3, 1001});
    ULONG refused = 0;
    for (ULONG n = 1; n < 64; n++) {
        assert_status(NtsecLoadIdMap(small), STATUS_SUCCESS);
        NtsecSetAllocationFailure(n);
        NTSTATUS status = NtsecLoadIdMap(path);
        NtsecSetAllocationFailure(0);
        assert_true(HostSidToUid(sid, &uid));
        if (status == STATUS_NO_MEMORY) {
            refused++;
            assert_int_equal(uid, 30000); /* the old map, whole */
        } else {
            assert_status(status, STATUS_SUCCESS);
            assert_int_equal(uid, 40001); /* the new map, whole */
        }
    }
    assert_true(refused >= 3); /* the read buffer doublings were reached */
    assert_status(NtsecLoadIdMap(NULL), STATUS_SUCCESS);
    unlink(path);
    unlink(small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unix_sids_map_both_ways),
        cmocka_unit_test(test_public_unix_id_to_sid_is_the_backend_mapping),
        cmocka_unit_test(test_map_file_explicit_entries_names_and_ranges),
        cmocka_unit_test(test_map_file_errors_name_the_line),
        cmocka_unit_test(test_map_file_refuses_root_builtin_sids_and_ambiguous_ids),
        cmocka_unit_test(test_load_id_map_from_file_and_unload),
        cmocka_unit_test(test_load_id_map_under_allocation_failure_keeps_old_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
