/*
 * test_tokenadjust_duplicates.c - NewState arrays that name a privilege more than once, and
 * the caller-buffer form of the previous state (issue 9 item 1).
 *
 * The rule pinned here (src/se/tokenadjust.c, SepAdjustPrivileges): the first NewState entry
 * naming a privilege decides it, a repeat is not applied and makes the result
 * STATUS_NOT_ALL_ASSIGNED, so every privilege changes at most once and the previous state
 * holds at most one entry per token privilege (ReactOS ntoskrnl/se/tokenadj.c
 * SepAdjustPrivileges / NtAdjustPrivilegesToken; a NULL PreviousState leaves ReturnLength
 * unwritten as in Wine's advapi32 test_AdjustTokenPrivileges).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ntsec_test.h"
#include "se/sep.h"

#define TEXT_ONE "user=S-1-5-21-1-2-3-1001 privileges=SeChangeNotifyPrivilege:disabled"
#define TEXT_P   "user=S-1-5-21-1-2-3-1001 groups=WD " \
                 "privileges=SeChangeNotifyPrivilege,SeImpersonatePrivilege:disabled,SeBackupPrivilege"

/* A NewState of Count entries, all for privilege Luid, alternating enable, disable, ... */
static PTOKEN_PRIVILEGES Alternating(ULONG Luid, ULONG Count)
{
    PTOKEN_PRIVILEGES p = calloc(1, offsetof(TOKEN_PRIVILEGES, Privileges) + Count * sizeof(LUID_AND_ATTRIBUTES));
    assert_non_null(p);
    p->PrivilegeCount = Count;
    for (ULONG i = 0; i < Count; i++) {
        p->Privileges[i].Luid.LowPart = Luid;
        p->Privileges[i].Attributes = (i % 2 == 0) ? SE_PRIVILEGE_ENABLED : 0;
    }
    return p;
}

/* The reproducer's case (repro/adjust_overflow.c): before the fix every toggle appended an
 * entry to a previous-state block sized for the token's one privilege (ASan: heap overflow;
 * release: heap corruption), the last entry won and the status was STATUS_SUCCESS. */
static void test_repeated_privilege_first_entry_decides_and_previous_holds_one(void **state)
{
    static const ULONG counts[] = { 2, 3, 8, 4096 };
    for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
        PTOKEN t = TestToken(TEXT_ONE);
        PTOKEN_PRIVILEGES ns = Alternating(SE_CHANGE_NOTIFY_PRIVILEGE, counts[c]);
        PTOKEN_PRIVILEGES prev = NULL;
        assert_status(NtsecAdjustTokenPrivileges(t, FALSE, ns, &prev), STATUS_NOT_ALL_ASSIGNED);
        assert_non_null(prev);
        assert_int_equal(prev->PrivilegeCount, 1);
        assert_int_equal(prev->Privileges[0].Luid.LowPart, SE_CHANGE_NOTIFY_PRIVILEGE);
        assert_int_equal(prev->Privileges[0].Attributes, 0);           /* it was disabled */
        assert_int_equal(t->Privileges[0].Attributes, SE_PRIVILEGE_ENABLED); /* first entry won */
        assert_true(atomic_load(&t->TokenFlags) & TOKEN_HAS_TRAVERSE_PRIVILEGE);
        NtsecFree(prev);
        free(ns);
        ObDereferenceObject(t);
    }
}

/* Remove first, then enable the same privilege: it is removed, once. */
static void test_remove_then_enable_same_privilege_removes_once(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    PTOKEN_PRIVILEGES ns = Alternating(SE_IMPERSONATE_PRIVILEGE, 5);
    ns->Privileges[0].Attributes = SE_PRIVILEGE_REMOVED;
    PTOKEN_PRIVILEGES prev = NULL;
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, ns, &prev), STATUS_NOT_ALL_ASSIGNED);
    assert_int_equal(t->PrivilegeCount, 2);
    assert_int_equal(t->Privileges[0].Luid.LowPart, SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_int_equal(t->Privileges[1].Luid.LowPart, SE_BACKUP_PRIVILEGE);
    assert_int_equal(prev->PrivilegeCount, 1);
    assert_int_equal(prev->Privileges[0].Luid.LowPart, SE_IMPERSONATE_PRIVILEGE);
    NtsecFree(prev);
    free(ns);
    ObDereferenceObject(t);
}

/* Every privilege of the token named several times: the previous state lists each once. */
static void test_every_privilege_repeated_previous_bounded_by_token(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    static const ULONG luids[] = { SE_CHANGE_NOTIFY_PRIVILEGE, SE_IMPERSONATE_PRIVILEGE, SE_BACKUP_PRIVILEGE };
    PTOKEN_PRIVILEGES ns = calloc(1, offsetof(TOKEN_PRIVILEGES, Privileges) + 30 * sizeof(LUID_AND_ATTRIBUTES));
    ns->PrivilegeCount = 30;
    for (ULONG i = 0; i < 30; i++) {
        ns->Privileges[i].Luid.LowPart = luids[i % 3];
        /* first round: ChangeNotify off, Impersonate on, Backup off; later rounds flip all */
        ns->Privileges[i].Attributes = ((i / 3) % 2 == 0) == (i % 3 == 1) ? SE_PRIVILEGE_ENABLED : 0;
    }
    PTOKEN_PRIVILEGES prev = NULL;
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, ns, &prev), STATUS_NOT_ALL_ASSIGNED);
    assert_int_equal(prev->PrivilegeCount, 3);
    assert_int_equal(t->Privileges[0].Attributes, SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    assert_int_equal(t->Privileges[1].Attributes, SE_PRIVILEGE_ENABLED);
    assert_int_equal(t->Privileges[2].Attributes, SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    NtsecFree(prev);
    /* the same request again changes nothing: empty previous state, same ModifiedId */
    LUID modified = t->ModifiedId;
    assert_status(NtsecAdjustTokenPrivileges(t, FALSE, ns, &prev), STATUS_NOT_ALL_ASSIGNED);
    assert_int_equal(prev->PrivilegeCount, 0);
    assert_true(SepLuidEqual(t->ModifiedId, modified));
    NtsecFree(prev);
    free(ns);
    ObDereferenceObject(t);
}

/* A PreviousState buffer of exactly *ReturnLength bytes, ending at a guard page: one byte
 * written past what the counting pass promised faults even without ASan. */
static void test_buffer_form_writes_only_return_length_bytes(void **state)
{
    long page = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + page, page, PROT_NONE), 0);
    for (ULONG n = 1; n <= 64; n++) {
        PTOKEN t = TestToken(TEXT_ONE);
        PTOKEN_PRIVILEGES ns = Alternating(SE_CHANGE_NOTIFY_PRIVILEGE, n);
        ULONG need = 0;
        PTOKEN_PRIVILEGES prev = (PTOKEN_PRIVILEGES)(map + page - offsetof(TOKEN_PRIVILEGES, Privileges[1]));
        assert_status(NtsecAdjustTokenPrivilegesBuffer(t, FALSE, ns, 0, prev, &need), STATUS_BUFFER_TOO_SMALL);
        assert_int_equal(need, offsetof(TOKEN_PRIVILEGES, Privileges[1]));
        assert_status(NtsecAdjustTokenPrivilegesBuffer(t, FALSE, ns, need, prev, &need),
                      n == 1 ? STATUS_SUCCESS : STATUS_NOT_ALL_ASSIGNED);
        assert_int_equal(prev->PrivilegeCount, 1);
        assert_int_equal(prev->Privileges[0].Attributes, 0);
        assert_int_equal(t->Privileges[0].Attributes, SE_PRIVILEGE_ENABLED);
        free(ns);
        ObDereferenceObject(t);
    }
    munmap(map, 2 * page);
}

/* Every buffer length below the required one: STATUS_BUFFER_TOO_SMALL, the required length,
 * and the token untouched (attributes and ModifiedId); at the required length it applies. */
static void test_buffer_form_too_small_changes_nothing(void **state)
{
    PTOKEN t = TestToken(TEXT_P);
    ULONG need = 0xdeadbeef;
    union { TOKEN_PRIVILEGES tp; unsigned char bytes[256]; } buf;
    ULONG required = offsetof(TOKEN_PRIVILEGES, Privileges[2]); /* ChangeNotify, Backup */
    LUID modified = t->ModifiedId;
    for (ULONG len = 0; len < required; len++) {
        memset(&buf, 0xAB, sizeof(buf));
        need = 0;
        assert_status(NtsecAdjustTokenPrivilegesBuffer(t, TRUE, NULL, len, &buf.tp, &need), STATUS_BUFFER_TOO_SMALL);
        assert_int_equal(need, required);
        assert_int_equal(buf.bytes[0], 0xAB); /* nothing written */
        assert_true(SepLuidEqual(t->ModifiedId, modified));
        assert_int_equal(t->Privileges[0].Attributes, SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    }
    assert_status(NtsecAdjustTokenPrivilegesBuffer(t, TRUE, NULL, required, &buf.tp, &need), STATUS_SUCCESS);
    assert_int_equal(buf.tp.PrivilegeCount, 2);
    assert_false(SepLuidEqual(t->ModifiedId, modified));
    for (ULONG i = 0; i < t->PrivilegeCount; i++)
        assert_false(t->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED);
    /* PreviousState NULL: BufferLength ignored, ReturnLength not written */
    need = 0xdeadbeef;
    TOKEN_PRIVILEGES en = { 1, { { { SE_BACKUP_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED } } };
    assert_status(NtsecAdjustTokenPrivilegesBuffer(t, FALSE, &en, 0, NULL, &need), STATUS_SUCCESS);
    assert_int_equal(need, 0xdeadbeef);
    assert_int_equal(t->Privileges[2].Attributes, SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    /* bad arguments */
    assert_status(NtsecAdjustTokenPrivilegesBuffer(t, FALSE, &en, sizeof(buf), &buf.tp, NULL), STATUS_INVALID_PARAMETER);
    assert_status(NtsecAdjustTokenPrivilegesBuffer(t, FALSE, NULL, sizeof(buf), &buf.tp, &need), STATUS_INVALID_PARAMETER);
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
        assert_status(NtsecAdjustTokenPrivilegesBuffer(PsInitialSystemProcess, FALSE, &en, 0, NULL, NULL),
                      STATUS_OBJECT_TYPE_MISMATCH));
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeated_privilege_first_entry_decides_and_previous_holds_one),
        cmocka_unit_test(test_remove_then_enable_same_privilege_removes_once),
        cmocka_unit_test(test_every_privilege_repeated_previous_bounded_by_token),
        cmocka_unit_test(test_buffer_form_writes_only_return_length_bytes),
        cmocka_unit_test(test_buffer_form_too_small_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
