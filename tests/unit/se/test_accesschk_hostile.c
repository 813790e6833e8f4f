/*
 * test_accesschk_hostile.c - hostile descriptors: the access check and security assignment
 * must never read outside an ACL's AclSize, whatever its ACE headers claim.
 *
 * Each ACL is placed so that its last byte is the last byte of a readable page and the next
 * page is PROT_NONE: a read past AclSize is a SIGSEGV in every build (not only under ASan).
 * Source: MS-DTYP 2.4.4.3 (ACCESS_ALLOWED_OBJECT_ACE: Header, Mask, Flags, then the GUIDs and
 * the SID) and RtlValidAcl's rule that an ACE must hold its whole fixed part; a descriptor
 * that breaks it is STATUS_INVALID_ACL, never a crash.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "conformance/access_table.h"

#define U "S-1-5-21-1-2-3-1001"

typedef struct _GUARDED {
    PUCHAR Map;
    SIZE_T MapSize;
    PACL Acl; /* the last AclSize bytes before the guard page */
} GUARDED;

static VOID GuardedAcl(GUARDED *G, const UCHAR *Bytes, USHORT Size)
{
    SIZE_T page = (SIZE_T)sysconf(_SC_PAGESIZE);
    G->MapSize = 2 * page;
    G->Map = mmap(NULL, G->MapSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(G->Map != MAP_FAILED);
    assert_int_equal(mprotect(G->Map + page, page, PROT_NONE), 0);
    G->Acl = (PACL)(G->Map + page - Size);
    memcpy(G->Acl, Bytes, Size);
}

static VOID GuardedFree(GUARDED *G)
{
    munmap(G->Map, G->MapSize);
}

/* An ACL of one object ACE whose AceSize (Size - 8) ends before the ACE's Flags field. */
static VOID ShortObjectAceAcl(UCHAR *Out, USHORT Size, UCHAR AceType)
{
    memset(Out, 0, Size);
    Out[0] = ACL_REVISION_DS;
    Out[2] = (UCHAR)Size;        /* AclSize */
    Out[4] = 1;                  /* AceCount */
    Out[8] = AceType;
    Out[10] = (UCHAR)(Size - 8); /* AceSize: 4 (header only) or 8 (header + mask) */
    if (Size >= 16)
        Out[12] = 0xFF;          /* Mask */
}

static VOID AbsoluteSd(SECURITY_DESCRIPTOR *Sd, PSID Owner, PACL Dacl, PACL Sacl)
{
    memset(Sd, 0, sizeof(*Sd));
    Sd->Revision = SECURITY_DESCRIPTOR_REVISION;
    Sd->Owner = Owner;
    Sd->Group = Owner;
    Sd->Control = (Dacl ? SE_DACL_PRESENT : 0) | (Sacl ? SE_SACL_PRESENT : 0);
    Sd->Dacl = Dacl;
    Sd->Sacl = Sacl;
}

/* The subject every test here uses (user U, WD and AU, Medium) and a descriptor whose
 * owner SID the hand-built descriptors borrow (*Owner: free with NtsecFree). */
static PACCESS_TOKEN HostileSubject(PSECURITY_DESCRIPTOR *Owner, SEP_SD_VIEW *View)
{
    *Owner = AtSd("O:" U "G:" U "D:");
    assert_status(SepCaptureSdView(*Owner, View), STATUS_SUCCESS);
    return AtToken("type=impersonation level=impersonation user=" U " groups=WD,AU integrity=medium");
}

/* An object ACE of 4 or 8 bytes at the very end of the ACL: the check must refuse the ACL
 * (STATUS_INVALID_ACL) without reading the Flags field that lies past AclSize. */
static void test_object_ace_shorter_than_its_fixed_part_is_invalid_acl(void **state)
{
    (void)state;
    static const UCHAR types[] = {ACCESS_ALLOWED_OBJECT_ACE_TYPE, ACCESS_DENIED_OBJECT_ACE_TYPE,
                                  SYSTEM_AUDIT_OBJECT_ACE_TYPE,
                                  ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE};
    static const USHORT sizes[] = {12, 16};
    SEP_SD_VIEW ov;
    PSECURITY_DESCRIPTOR owner;
    PACCESS_TOKEN t = HostileSubject(&owner, &ov);
    GENERIC_MAPPING m = SepFileMapping;
    for (size_t ti = 0; ti < sizeof(types); ti++) {
        for (size_t si = 0; si < 2; si++) {
            UCHAR bytes[16];
            GUARDED g;
            ShortObjectAceAcl(bytes, sizes[si], types[ti]);
            GuardedAcl(&g, bytes, sizes[si]);
            SECURITY_DESCRIPTOR sd;
            AbsoluteSd(&sd, ov.Owner, g.Acl, NULL);
            ACCESS_MASK granted = 0xDEAD;
            NTSTATUS status = 0;
            assert_status(NtsecAccessCheckToken(&sd, t, FILE_READ_DATA, &m, &granted, &status),
                          STATUS_INVALID_ACL);
            AbsoluteSd(&sd, ov.Owner, NULL, g.Acl); /* the SACL walk (integrity label) */
            assert_status(NtsecAccessCheckToken(&sd, t, FILE_READ_DATA, &m, &granted, &status),
                          STATUS_INVALID_ACL);
            /* SeAssignSecurity reads the parent's ACLs through the same validation. */
            SECURITY_SUBJECT_CONTEXT ctx;
            AtSubject(t, &ctx);
            PSECURITY_DESCRIPTOR out = NULL;
            AbsoluteSd(&sd, ov.Owner, g.Acl, NULL);
            assert_status(SeAssignSecurity(&sd, NULL, &out, TRUE, &ctx, &m, PagedPool),
                          STATUS_INVALID_ACL);
            assert_null(out);
            GuardedFree(&g);
        }
    }
    NtsecFree(owner);
    ObDereferenceObject(t);
}

/* The same ACE with a whole fixed part (12 bytes + SID) stays valid and is evaluated. */
static void test_object_ace_with_whole_fixed_part_is_checked(void **state)
{
    (void)state;
    PACCESS_TOKEN t = AtToken("type=impersonation level=impersonation user=" U
                              " groups=WD,AU integrity=medium");
    PSECURITY_DESCRIPTOR src = AtSd("O:" U "G:" U "D:(OA;;0x1;;;WD)");
    SEP_SD_VIEW v;
    assert_status(SepCaptureSdView(src, &v), STATUS_SUCCESS);
    GUARDED g;
    GuardedAcl(&g, (const UCHAR *)v.Dacl, v.Dacl->AclSize);
    SECURITY_DESCRIPTOR sd;
    AbsoluteSd(&sd, v.Owner, g.Acl, NULL);
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK granted = 0;
    NTSTATUS status = 0;
    assert_status(NtsecAccessCheckToken(&sd, t, FILE_READ_DATA, &m, &granted, &status),
                  STATUS_SUCCESS);
    assert_status(status, STATUS_SUCCESS);
    assert_int_equal(granted, FILE_READ_DATA);
    GuardedFree(&g);
    NtsecFree(src);
    ObDereferenceObject(t);
}

/* MS-DTYP 2.4.4.1: AceSize MUST be a multiple of 4 (DWORD alignment of the next ACE); an
 * ACE of 22 bytes (a whole allow ACE for S-1-1-0 plus 2 bytes) is STATUS_INVALID_ACL, as
 * RtlValidAcl says, instead of leaving the next ACE misaligned. */
static void test_ace_size_not_multiple_of_4_is_invalid_acl(void **state)
{
    (void)state;
    static const UCHAR acl[] = {ACL_REVISION, 0, 8 + 22 + 20, 0, 2, 0, 0, 0,
                                /* allow WD 0x1, AceSize 22 */
                                ACCESS_ALLOWED_ACE_TYPE, 0, 22, 0, 1, 0, 0, 0,
                                1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xAA, 0xBB,
                                /* allow WD 0x2 at offset 30 (misaligned) */
                                ACCESS_ALLOWED_ACE_TYPE, 0, 20, 0, 2, 0, 0, 0,
                                1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    SEP_SD_VIEW ov;
    PSECURITY_DESCRIPTOR owner;
    PACCESS_TOKEN t = HostileSubject(&owner, &ov);
    GUARDED g;
    GuardedAcl(&g, acl, sizeof(acl));
    g.Acl = (PACL)(((ULONG_PTR)g.Acl) & ~(ULONG_PTR)3); /* keep the ACL itself aligned */
    memcpy(g.Acl, acl, sizeof(acl));
    SECURITY_DESCRIPTOR sd;
    AbsoluteSd(&sd, ov.Owner, g.Acl, NULL);
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK granted = 0;
    NTSTATUS status = 0;
    assert_status(NtsecAccessCheckToken(&sd, t, 0x3, &m, &granted, &status), STATUS_INVALID_ACL);
    GuardedFree(&g);
    NtsecFree(owner);
    ObDereferenceObject(t);
}

/* Found by fuzz_accesscheck: an ACE of an unknown type may be a bare 4-byte header
 * (RtlValidAcl's rules only bound known types). Inheriting it must neither read a mask
 * past its AceSize nor write one past the copy; the check ignores it. */
static void test_bare_header_ace_of_unknown_type_is_assigned_without_a_mask(void **state)
{
    (void)state;
    static const UCHAR acl[] = {ACL_REVISION, 0, 12, 0, 1, 0, 0, 0,
                                0x16 /* unknown type */, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE, 4, 0};
    SEP_SD_VIEW ov;
    PSECURITY_DESCRIPTOR owner;
    PACCESS_TOKEN t = HostileSubject(&owner, &ov);
    GUARDED g;
    GuardedAcl(&g, acl, sizeof(acl));
    SECURITY_DESCRIPTOR sd;
    AbsoluteSd(&sd, ov.Owner, g.Acl, NULL);
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK granted = 0xDEAD;
    NTSTATUS status = 0;
    assert_status(NtsecAccessCheckToken(&sd, t, FILE_READ_DATA, &m, &granted, &status), STATUS_SUCCESS);
    assert_status(status, STATUS_ACCESS_DENIED);
    assert_int_equal(granted, 0);
    for (int dir = 0; dir <= 1; dir++) {
        SECURITY_SUBJECT_CONTEXT ctx;
        AtSubject(t, &ctx); /* takes no references: nothing to release */
        /* As the creator's explicit DACL (the path the fuzzer found): kept as it is. */
        PSECURITY_DESCRIPTOR out = NULL;
        assert_status(SeAssignSecurity(NULL, &sd, &out, (BOOLEAN)dir, &ctx, &m, PagedPool), STATUS_SUCCESS);
        assert_true(RtlValidSecurityDescriptor(out));
        BOOLEAN present = FALSE, defaulted = FALSE;
        PACL dacl = NULL;
        assert_status(RtlGetDaclSecurityDescriptor(out, &present, &dacl, &defaulted), STATUS_SUCCESS);
        assert_true(present);
        assert_int_equal(dacl->AceCount, 1);
        PACE_HEADER ace = NULL;
        assert_status(RtlGetAce(dacl, 0, (PVOID *)&ace), STATUS_SUCCESS);
        assert_int_equal(ace->AceType, 0x16);
        assert_int_equal(ace->AceSize, 4);
        SeDeassignSecurity(&out);
        /* As the parent's DACL: an ACE of no known DACL type is not inherited, so nothing is
         * inheritable and the token's default DACL applies (2 ACEs: owner, SYSTEM). */
        assert_status(SeAssignSecurity(&sd, NULL, &out, (BOOLEAN)dir, &ctx, &m, PagedPool), STATUS_SUCCESS);
        assert_status(RtlGetDaclSecurityDescriptor(out, &present, &dacl, &defaulted), STATUS_SUCCESS);
        assert_int_equal(dacl->AceCount, 2);
        for (ULONG k = 0; k < dacl->AceCount; k++) {
            assert_status(RtlGetAce(dacl, k, (PVOID *)&ace), STATUS_SUCCESS);
            assert_int_equal(ace->AceType, ACCESS_ALLOWED_ACE_TYPE);
        }
        SeDeassignSecurity(&out);
    }
    GuardedFree(&g);
    NtsecFree(owner);
    ObDereferenceObject(t);
}

/*
 * SeAccessCheck checks a DACL's ACEs in the walk that evaluates them (issue 15 §3), not in a
 * pass of its own: a malformed ACE must still fail every check, on every path - after the
 * ACE that decides (the walk stops early), when nothing is asked but a right was granted
 * before (the core returns before the walk), with MAXIMUM_ALLOWED, and when the token owns
 * the object (the OWNER RIGHTS scan reads every ACE first). The bad ACE is an object ACE of
 * 8 bytes ending on the last byte before a PROT_NONE page: reading its Flags would fault.
 * The same ACL with a whole ACE there grants, so each assertion can fail.
 */
static void test_malformed_ace_fails_every_subject_check(void **state)
{
    (void)state;
    UCHAR acl[8 + 20 + 8] = {ACL_REVISION_DS, 0, sizeof(acl), 0, 2, 0, 0, 0,
                             /* allow WD FILE_READ_DATA */
                             ACCESS_ALLOWED_ACE_TYPE, 0, 20, 0, 1, 0, 0, 0,
                             1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
                             /* an object ACE whose AceSize ends before its Flags */
                             ACCESS_ALLOWED_OBJECT_ACE_TYPE, 0, 8, 0, 2, 0, 0, 0};
    /* an ACE of an unknown type carries no SID: 8 bytes are whole (it grants nothing) */
    static const UCHAR wholeAce[8] = {0x16, 0, 8, 0, 2, 0, 0, 0};
    PACCESS_TOKEN t = AtToken("type=impersonation level=impersonation user=" U
                              " groups=WD,AU integrity=medium");
    PSECURITY_DESCRIPTOR owners[2] = {AtSd("O:" U "G:" U "D:"),                 /* the token owns it */
                                      AtSd("O:S-1-5-21-9-9-9-500G:" U "D:")};    /* it does not */
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    GENERIC_MAPPING m = SepFileMapping;
    struct { ACCESS_MASK Desired, Previous; } calls[] = {
        {FILE_READ_DATA, 0},            /* decided by the first ACE */
        {FILE_READ_DATA | FILE_WRITE_DATA, 0},
        {0, FILE_READ_DATA},            /* nothing asked: no walk */
        {MAXIMUM_ALLOWED, 0},
    };
    for (int valid = 0; valid <= 1; valid++) {
        if (valid)
            memcpy(acl + 28, wholeAce, sizeof(wholeAce));
        GUARDED g;
        GuardedAcl(&g, acl, sizeof(acl));
        for (int o = 0; o < 2; o++) {
            SEP_SD_VIEW ov;
            assert_status(SepCaptureSdView(owners[o], &ov), STATUS_SUCCESS);
            SECURITY_DESCRIPTOR sd;
            AbsoluteSd(&sd, ov.Owner, g.Acl, NULL);
            for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
                ACCESS_MASK granted = 0xDEAD;
                NTSTATUS status = 0;
                BOOLEAN ok = SeAccessCheck(&sd, &ctx, FALSE, calls[c].Desired, calls[c].Previous,
                                           NULL, &m, UserMode, &granted, &status);
                if (!valid) {
                    assert_false(ok);
                    assert_status(status, STATUS_INVALID_ACL);
                    assert_int_equal(granted, 0);
                } else if (calls[c].Desired & FILE_WRITE_DATA) {
                    assert_false(ok); /* no ACE grants FILE_WRITE_DATA */
                    assert_status(status, STATUS_ACCESS_DENIED);
                } else {
                    assert_true(ok);
                    assert_status(status, STATUS_SUCCESS);
                    assert_true(granted & FILE_READ_DATA);
                }
            }
        }
        GuardedFree(&g);
    }
    NtsecFree(owners[0]);
    NtsecFree(owners[1]);
    ObDereferenceObject(t);
}

/* SeAccessCheck(UserMode) of FILE_READ_DATA | Extra on a DACL of Size bytes (guarded: its
 * last byte is the last one before a PROT_NONE page), with the owner outside the token. */
static NTSTATUS GuardedSubjectCheck(const UCHAR *Acl, USHORT Size, ACCESS_MASK Extra)
{
    PACCESS_TOKEN t = AtToken("type=impersonation level=impersonation user=" U
                              " groups=WD,AU integrity=medium");
    PSECURITY_DESCRIPTOR owner = AtSd("O:S-1-5-21-9-9-9-500G:" U "D:");
    SEP_SD_VIEW ov;
    assert_status(SepCaptureSdView(owner, &ov), STATUS_SUCCESS);
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    GUARDED g;
    GuardedAcl(&g, Acl, Size);
    SECURITY_DESCRIPTOR sd;
    AbsoluteSd(&sd, ov.Owner, g.Acl, NULL);
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK granted = 0xDEAD;
    NTSTATUS status = 0;
    BOOLEAN ok = SeAccessCheck(&sd, &ctx, FALSE, FILE_READ_DATA | Extra, 0, NULL, &m, UserMode,
                               &granted, &status);
    assert_int_equal(ok, status == STATUS_SUCCESS);
    GuardedFree(&g);
    NtsecFree(owner);
    ObDereferenceObject(t);
    return status;
}

/*
 * The untraced walk skips plain ACEs whose SID the token lacks in a fast scan of its own
 * (SepSkipUnmatchedAces, aclwalk.h) that checks each ACE it skips: an absent SID's ACE that
 * breaks a rule of MS-DTYP 2.4.4.1 / RtlValidAcl still voids the check. Each ACL comes with
 * its well-formed twin, which the check evaluates (so each assertion can fail).
 */
static void test_malformed_ace_of_an_absent_sid_fails_the_check(void **state)
{
    (void)state;
    /* AceSize 30, not a multiple of 4: the next ACE (allow WD FILE_READ_DATA) would be at 38.
     * Twin: AceSize 28 and the next ACE at 36. */
    UCHAR misaligned[8 + 30 + 20] = {ACL_REVISION, 0, sizeof(misaligned), 0, 2, 0, 0, 0,
                                     ACCESS_ALLOWED_ACE_TYPE, 0, 30, 0, 2, 0, 0, 0,
                                     1, 3, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 9, 0, 0, 0, 77, 0, 0, 0, 0, 0,
                                     ACCESS_ALLOWED_ACE_TYPE, 0, 20, 0, 1, 0, 0, 0,
                                     1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    assert_status(GuardedSubjectCheck(misaligned, sizeof(misaligned), 0), STATUS_INVALID_ACL);
    UCHAR aligned[8 + 28 + 20];
    memcpy(aligned, misaligned, 8 + 28);
    memcpy(aligned + 36, misaligned + 38, 20);
    aligned[2] = sizeof(aligned);
    aligned[10] = 28;
    assert_status(GuardedSubjectCheck(aligned, sizeof(aligned), 0), STATUS_SUCCESS);

    /* A SID of 5 sub-authorities (28 bytes) in an ACE of 20: it leaves the ACE. Twin: one
     * sub-authority (S-1-5-21, not in the token), a whole SID. */
    UCHAR longSid[8 + 20 + 20] = {ACL_REVISION, 0, sizeof(longSid), 0, 2, 0, 0, 0,
                                  ACCESS_ALLOWED_ACE_TYPE, 0, 20, 0, 2, 0, 0, 0,
                                  1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0,
                                  ACCESS_ALLOWED_ACE_TYPE, 0, 20, 0, 1, 0, 0, 0,
                                  1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    assert_status(GuardedSubjectCheck(longSid, sizeof(longSid), 0), STATUS_INVALID_ACL);
    longSid[17] = 1;
    assert_status(GuardedSubjectCheck(longSid, sizeof(longSid), 0), STATUS_SUCCESS);

    /* The second ACE (S-1-5-21-9-77, AceSize 28) has 20 bytes of the ACL left; FILE_WRITE_DATA
     * is asked too, so the walk goes past the first ACE. Twin: the whole ACE inside the ACL,
     * which grants nothing more (the SID is not in the token). */
    UCHAR pastAcl[8 + 20 + 28] = {ACL_REVISION, 0, 8 + 20 + 20, 0, 2, 0, 0, 0,
                                  ACCESS_ALLOWED_ACE_TYPE, 0, 20, 0, 1, 0, 0, 0,
                                  1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
                                  ACCESS_ALLOWED_ACE_TYPE, 0, 28, 0, 2, 0, 0, 0,
                                  1, 3, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 9, 0, 0, 0, 77, 0, 0, 0};
    assert_status(GuardedSubjectCheck(pastAcl, 8 + 20 + 20, FILE_WRITE_DATA), STATUS_INVALID_ACL);
    pastAcl[2] = sizeof(pastAcl);
    assert_status(GuardedSubjectCheck(pastAcl, sizeof(pastAcl), FILE_WRITE_DATA), STATUS_ACCESS_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_object_ace_shorter_than_its_fixed_part_is_invalid_acl),
        cmocka_unit_test(test_object_ace_with_whole_fixed_part_is_checked),
        cmocka_unit_test(test_ace_size_not_multiple_of_4_is_invalid_acl),
        cmocka_unit_test(test_bare_header_ace_of_unknown_type_is_assigned_without_a_mask),
        cmocka_unit_test(test_malformed_ace_fails_every_subject_check),
        cmocka_unit_test(test_malformed_ace_of_an_absent_sid_fails_the_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
