/*
 * test_assign_facts.c - security assignment against facts from Windows-run test suites
 * (assign_cases.inc: each row names its source file and function). Every row runs through
 * SeAssignSecurityEx (and SeAssignSecurity when it takes no SEF_ flags) and through the
 * explain path, which must build the same descriptor; the result is compared as canonical
 * SDDL with the row's expected text. Argument errors that SDDL rows cannot express follow.
 */
#include "access_table.h"
#include "se/assign.h"

#define INFO (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION | \
              SACL_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION)

/* SeInheritance.c's GenericMapping: GR/GW/GX hold 0x1000/0x2000/0x4000, which GenericAll lacks. */
static GENERIC_MAPPING KmMapping = {STANDARD_RIGHTS_READ | 0x1001, STANDARD_RIGHTS_WRITE | 0x2002,
                                    STANDARD_RIGHTS_EXECUTE | 0x4004, STANDARD_RIGHTS_ALL | 0x800F};
#define RM (&KmMapping)
#define FILE (&SepFileMapping)

typedef struct {
    PCSTR Source, Token, Parent, Explicit;
    USHORT ParentControl, ExplicitControl;
    BOOLEAN IsDir;
    ULONG Flags;
    const GENERIC_MAPPING *Mapping;
    NTSTATUS Status;
    PCSTR Expected;
} AS_ROW;

#define ROW(src, tok, par, expl, pc, ec, dir, flags, map, st, want) \
    {src, tok, par, expl, (USHORT)(pc), (USHORT)(ec), dir, flags, map, st, want},
static const AS_ROW Rows[] = {
#include "assign_cases.inc"
};
#undef ROW

static PSECURITY_DESCRIPTOR RowSd(PCSTR Sddl, USHORT Control)
{
    if (Sddl == NULL)
        return NULL;
    PSECURITY_DESCRIPTOR sd = AtSd(Sddl);
    ((PISECURITY_DESCRIPTOR_RELATIVE)sd)->Control |= Control;
    return sd;
}

static PSTR Canonical(PCSTR Sddl)
{
    PSECURITY_DESCRIPTOR sd = AtSd(Sddl);
    PSTR text = NULL;
    assert_status(NtsecSecurityDescriptorToSddl(sd, INFO, &text), STATUS_SUCCESS);
    NtsecFree(sd);
    return text;
}

/* Runs one form; returns 0 when the result matches the row. */
static int RunForm(const AS_ROW *r, int Form)
{
    PACCESS_TOKEN t = AtToken(r->Token);
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    PSECURITY_DESCRIPTOR p = RowSd(r->Parent, r->ParentControl), e = RowSd(r->Explicit, r->ExplicitControl);
    PSECURITY_DESCRIPTOR n = (PSECURITY_DESCRIPTOR)(ULONG_PTR)0x1; /* must become NULL on failure */
    GENERIC_MAPPING m = *r->Mapping;
    LONG_PTR refs = NtsecReferenceCount(t);
    NTSTATUS st;
    SEP_TRACE trace = {0};
    if (Form == 0)
        st = SeAssignSecurityEx(p, e, &n, NULL, r->IsDir, r->Flags, &ctx, &m, PagedPool);
    else if (Form == 1)
        st = SeAssignSecurity(p, e, &n, r->IsDir, &ctx, &m, PagedPool);
    else
        st = SepAssignSecurity(p, e, &n, NULL, r->IsDir, r->Flags, &ctx, &m, PagedPool, &trace);
    int failed = 0;
    PSTR got = NULL, want = r->Expected ? Canonical(r->Expected) : NULL;
    if (st == STATUS_SUCCESS && n)
        assert_status(NtsecSecurityDescriptorToSddl(n, INFO, &got), STATUS_SUCCESS);
    if (st != r->Status || (r->Status != STATUS_SUCCESS && n != NULL) ||
        (want && (!got || strcmp(got, want) != 0))) {
        fprintf(stderr, "FAIL [%s]: %s\n  token: %s\n  parent: %s\n  explicit: %s (control |= 0x%x) %s flags 0x%x\n"
                        "  got 0x%08x %s\n  want 0x%08x %s\n%s",
                Form == 0 ? "SeAssignSecurityEx" : Form == 1 ? "SeAssignSecurity" : "explain", r->Source,
                r->Token, r->Parent ? r->Parent : "(none)", r->Explicit ? r->Explicit : "(none)",
                r->ExplicitControl, r->IsDir ? "directory" : "file", (unsigned)r->Flags, (unsigned)st,
                got ? got : "(no descriptor)", (unsigned)r->Status, want ? want : "(no descriptor)",
                trace.Buffer ? trace.Buffer : "");
        failed = 1;
    }
    if (Form == 2 && (trace.Buffer == NULL || trace.Failed || trace.Length == 0)) {
        fprintf(stderr, "FAIL [explain]: no trace for %s\n", r->Source);
        failed = 1;
    }
    if (NtsecReferenceCount(t) != refs) {
        fprintf(stderr, "FAIL: reference count changed: %s\n", r->Source);
        failed = 1;
    }
    if (st == STATUS_SUCCESS)
        SeDeassignSecurity(&n);
    if (trace.Buffer)
        ExFreePool(trace.Buffer);
    NtsecFree(got);
    NtsecFree(want);
    NtsecFree(p);
    NtsecFree(e);
    ObDereferenceObject(t);
    return failed;
}

static void test_assign_facts_table(void **state)
{
    int failures = 0, facts = (int)(sizeof(Rows) / sizeof(Rows[0]));
    for (int i = 0; i < facts; i++) {
        failures += RunForm(&Rows[i], 0);
        if (Rows[i].Flags == 0)
            failures += RunForm(&Rows[i], 1);
        failures += RunForm(&Rows[i], 2);
    }
    fprintf(stderr, "assignment facts: %d rows, %d failures\n", facts, failures);
    assert_true(facts >= 60);
    assert_int_equal(failures, 0);
}

#define KT "user=SY groups=BA:owner,WD,AU owner=BA primary-group=SY integrity=system"

/* SeInheritance.c TestSeAssignSecurity "NULL parameters": a NULL subject context is
 * STATUS_NO_TOKEN and *NewDescriptor is NULL; a NULL NewDescriptor faults on Windows
 * (STATUS_ACCESS_VIOLATION), returned here. */
static void test_assign_null_parameters(void **state)
{
    GENERIC_MAPPING m = KmMapping;
    PSECURITY_DESCRIPTOR n = (PSECURITY_DESCRIPTOR)(ULONG_PTR)0x1;
    assert_status(SeAssignSecurity(NULL, NULL, &n, FALSE, NULL, &m, PagedPool), STATUS_NO_TOKEN);
    assert_null(n);
    PACCESS_TOKEN t = AtToken(KT);
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    assert_status(SeAssignSecurity(NULL, NULL, NULL, FALSE, &ctx, &m, PagedPool), STATUS_ACCESS_VIOLATION);
    assert_status(SeAssignSecurity(NULL, NULL, NULL, FALSE, NULL, &m, PagedPool), STATUS_ACCESS_VIOLATION);
    /* A context without a token (Windows faults in SeLockSubjectContext): no descriptor. */
    SECURITY_SUBJECT_CONTEXT empty = {0};
    n = (PSECURITY_DESCRIPTOR)(ULONG_PTR)0x1;
    assert_status(SeAssignSecurity(NULL, NULL, &n, FALSE, &empty, &m, PagedPool), STATUS_NO_TOKEN);
    assert_null(n);
    ObDereferenceObject(t);
}

/* SeInheritance.c TestSeAssignSecurity "Test with NULL group in Token":
 * STATUS_INVALID_PRIMARY_GROUP and no descriptor. */
static void test_assign_token_without_primary_group(void **state)
{
    GENERIC_MAPPING m = KmMapping;
    PACCESS_TOKEN t = AtToken(KT);
    PTOKEN tok = t;
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    SepAcquireTokenLockExclusive(tok);
    PSID saved = tok->PrimaryGroup;
    tok->PrimaryGroup = NULL;
    SepReleaseTokenLock(tok);
    PSECURITY_DESCRIPTOR n = (PSECURITY_DESCRIPTOR)(ULONG_PTR)0x1;
    assert_status(SeAssignSecurity(NULL, NULL, &n, FALSE, &ctx, &m, PagedPool), STATUS_INVALID_PRIMARY_GROUP);
    assert_null(n);
    /* An explicit group needs no token group. */
    PSECURITY_DESCRIPTOR e = AtSd("G:WD");
    assert_status(SeAssignSecurity(NULL, e, &n, FALSE, &ctx, &m, PagedPool), STATUS_SUCCESS);
    assert_non_null(n);
    SeDeassignSecurity(&n);
    NtsecFree(e);
    SepAcquireTokenLockExclusive(tok);
    tok->PrimaryGroup = saved;
    SepReleaseTokenLock(tok);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assign_facts_table),
        cmocka_unit_test(test_assign_null_parameters),
        cmocka_unit_test(test_assign_token_without_primary_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
