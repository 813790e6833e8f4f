/*
 * test_seaccesscheck_args.c - the argument rules of the kernel-mode SeAccessCheck (issue 13,
 * "the access check's own argument rules"), next to NtsecAccessCheckToken's NtAccessCheck
 * rules in test_accesscheck_args.c. Sources: Microsoft Learn "SeAccessCheck function
 * (wdm.h)" (returns a BOOLEAN; GrantedAccess receives the granted mask, AccessStatus "the
 * reason access was denied"; GenericMapping "specifies the specific access rights implied by
 * each GENERIC_XXX access right"; a KernelMode caller is not checked), and the order of
 * spec §2.20 (docs/access-check.md "SeAccessCheck, in order").
 *
 * Unlike NtAccessCheck, SeAccessCheck has no call status of its own: it always writes both
 * outputs, maps generic bits instead of refusing them, and does not require an owner or a
 * group (the owner only adds its implicit READ_CONTROL | WRITE_DAC; without one nothing is
 * implied).
 */
#include "access_table.h"

#define TOK "user=S-1-5-21-1-2-3-1001 groups=WD,AU type=impersonation level=impersonation"
#define SENTINEL 0x1abe11ed

typedef struct {
    PCSTR What, Token, Sddl; /* Sddl NULL: no descriptor */
    ACCESS_MASK Desired;
    KPROCESSOR_MODE Mode;
    BOOLEAN Result;
    ACCESS_MASK Granted;
    NTSTATUS Status;
} SE_ROW;

static const SE_ROW Rows[] = {
    {"no owner and no group: evaluated, the DACL grants", TOK, "D:(A;;KR;;;WD)", KEY_READ, UserMode, TRUE, KEY_READ,
     STATUS_SUCCESS},
    {"no owner: READ_CONTROL is not implied", TOK, "D:(A;;0x1;;;WD)", READ_CONTROL, UserMode, FALSE, 0,
     STATUS_ACCESS_DENIED},
    {"the owner is implied READ_CONTROL | WRITE_DAC", TOK, "O:S-1-5-21-1-2-3-1001D:", READ_CONTROL | WRITE_DAC,
     UserMode, TRUE, READ_CONTROL | WRITE_DAC, STATUS_SUCCESS},
    {"GENERIC_READ is mapped through GenericMapping, not refused", TOK, "O:BAG:BUD:(A;;KR;;;WD)", GENERIC_READ,
     UserMode, TRUE, KEY_READ, STATUS_SUCCESS},
    {"GENERIC_WRITE is mapped, and the mapped bits are denied", TOK, "O:BAG:BUD:(A;;KR;;;WD)", GENERIC_WRITE,
     UserMode, FALSE, 0, STATUS_ACCESS_DENIED},
    {"NULL descriptor: FALSE, STATUS_ACCESS_DENIED", TOK, NULL, KEY_READ, UserMode, FALSE, 0, STATUS_ACCESS_DENIED},
    {"NULL descriptor, KernelMode: granted without looking", TOK, NULL, GENERIC_READ, KernelMode, TRUE, KEY_READ,
     STATUS_SUCCESS},
    {"Identification-level client: STATUS_BAD_IMPERSONATION_LEVEL",
     "user=S-1-5-21-1-2-3-1001 groups=WD type=impersonation level=identification", "O:BAG:BUD:(A;;KR;;;WD)",
     KEY_READ, UserMode, FALSE, 0, STATUS_BAD_IMPERSONATION_LEVEL},
};

static void test_seaccesscheck_argument_rules(void **state)
{
    (void)state;
    GENERIC_MAPPING mapping = SepKeyMapping;
    int failures = 0;
    for (size_t i = 0; i < sizeof(Rows) / sizeof(Rows[0]); i++) {
        const SE_ROW *r = &Rows[i];
        PACCESS_TOKEN t = AtToken(r->Token);
        PSECURITY_DESCRIPTOR sd = r->Sddl ? AtSd(r->Sddl) : NULL;
        SECURITY_SUBJECT_CONTEXT ctx;
        AtSubject(t, &ctx);
        ACCESS_MASK granted = SENTINEL;
        NTSTATUS status = SENTINEL;
        PPRIVILEGE_SET privs = (PPRIVILEGE_SET)(ULONG_PTR)SENTINEL;
        BOOLEAN ok = SeAccessCheck(sd, &ctx, FALSE, r->Desired, 0, &privs, &mapping, r->Mode, &granted, &status);
        if (ok != r->Result || granted != r->Granted || status != r->Status || privs != NULL) {
            fprintf(stderr, "FAIL: %s\n  got %d granted 0x%08x status 0x%08x privileges %p\n", r->What, ok,
                    (unsigned)granted, (unsigned)status, (void *)privs);
            failures++;
        }
        NtsecFree(sd);
        ObDereferenceObject(t);
    }
    assert_int_equal(failures, 0);
}

/* A malformed descriptor is the call's answer in *AccessStatus (FALSE, nothing granted): the
 * outputs are written, never left as they were. */
static void test_seaccesscheck_invalid_descriptor_is_reported_in_access_status(void **state)
{
    (void)state;
    GENERIC_MAPPING mapping = SepKeyMapping;
    PACCESS_TOKEN t = AtToken(TOK);
    PSECURITY_DESCRIPTOR sd = AtSd("O:BAG:BUD:(A;;KR;;;WD)");
    SECURITY_SUBJECT_CONTEXT ctx;
    AtSubject(t, &ctx);
    ((PUCHAR)sd)[0] = 2; /* revision 2: not a security descriptor */
    ACCESS_MASK granted = SENTINEL;
    NTSTATUS status = SENTINEL;
    assert_false(SeAccessCheck(sd, &ctx, FALSE, KEY_READ, 0, NULL, &mapping, UserMode, &granted, &status));
    assert_int_equal(granted, 0);
    assert_status(status, STATUS_INVALID_SECURITY_DESCR);
    NtsecFree(sd);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seaccesscheck_argument_rules),
        cmocka_unit_test(test_seaccesscheck_invalid_descriptor_is_reported_in_access_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
