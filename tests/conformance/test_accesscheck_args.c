/*
 * test_accesscheck_args.c - the explicit-token access check's argument rules
 * (NtsecAccessCheckToken, NtAccessCheck rules) transcribed from Wine
 * dlls/advapi32/tests/security.c test_AccessCheck, the Windows expectations (ok()), with its
 * key mapping and an impersonation duplicate of an administrator's token. When the call
 * itself fails, GrantedAccess and AccessStatus keep the caller's 0x1abe11ed.
 */
#include "access_table.h"

#define WINE "Wine advapi32/tests/security.c test_AccessCheck: "
#define TOK "user=S-1-5-21-1-2-3-1001 groups=BA,WD,AU type=impersonation level=impersonation"
#define SENTINEL 0x1abe11ed

typedef struct {
    PCSTR Source, Token, Sddl;
    ACCESS_MASK Desired;
    NTSTATUS Call;          /* the routine's own status */
    ACCESS_MASK Granted;    /* when Call is STATUS_SUCCESS */
    NTSTATUS Access;        /* when Call is STATUS_SUCCESS */
} ARG_ROW;

static const ARG_ROW Rows[] = {
    {WINE "SD without owner/group: ERROR_INVALID_SECURITY_DESCR, Access and AccessStatus unchanged",
     TOK, "D:", KEY_QUERY_VALUE, STATUS_INVALID_SECURITY_DESCR, 0, 0},
    {WINE "generic access mask: ERROR_GENERIC_NOT_MAPPED, Access and AccessStatus unchanged",
     TOK, "O:BAG:BUD:", GENERIC_READ, STATUS_GENERIC_NOT_MAPPED, 0, 0},
    {WINE "generic access mask with no owner or group: refused, unchanged",
     TOK, "D:", GENERIC_READ, STATUS_GENERIC_NOT_MAPPED, 0, 0},
    {WINE "sd with no dacl present: KEY_READ granted",
     TOK, "O:BAG:BU", KEY_READ, STATUS_SUCCESS, KEY_READ, STATUS_SUCCESS},
    {WINE "sd with NULL dacl: KEY_READ granted",
     TOK, "O:BAG:BUD:NO_ACCESS_CONTROL", KEY_READ, STATUS_SUCCESS, KEY_READ, STATUS_SUCCESS},
    {WINE "sd with NULL dacl: MAXIMUM_ALLOWED grants KEY_ALL_ACCESS",
     TOK, "O:BAG:BUD:NO_ACCESS_CONTROL", MAXIMUM_ALLOWED, STATUS_SUCCESS, KEY_ALL_ACCESS, STATUS_SUCCESS},
    {WINE "sd with blank dacl: ERROR_ACCESS_DENIED, nothing granted (Access written as 0)",
     TOK, "O:S-1-5-32-547G:BUD:", KEY_READ, STATUS_SUCCESS, 0, STATUS_ACCESS_DENIED},
    {WINE "sd with dacl (allow KEY_READ to World, deny KEY_SET_VALUE to Administrators): KEY_READ granted",
     TOK, "O:BAG:BUD:(A;;KR;;;WD)(D;;0x2;;;BA)", KEY_READ, STATUS_SUCCESS, KEY_READ, STATUS_SUCCESS},
    {WINE "access denied by SD (KEY_WRITE): ERROR_ACCESS_DENIED, Access 0",
     TOK, "O:S-1-5-32-547G:BUD:(A;;KR;;;WD)(D;;0x2;;;BA)", KEY_WRITE, STATUS_SUCCESS, 0, STATUS_ACCESS_DENIED},
    {WINE "ACCESS_SYSTEM_SECURITY without SeSecurityPrivilege: the call succeeds, ERROR_PRIVILEGE_NOT_HELD",
     TOK " privileges=SeSecurityPrivilege:disabled", "O:BAG:BUD:(A;;KR;;;WD)(D;;0x2;;;BA)", ACCESS_SYSTEM_SECURITY,
     STATUS_SUCCESS, 0, STATUS_PRIVILEGE_NOT_HELD},
    {WINE "ACCESS_SYSTEM_SECURITY with SeSecurityPrivilege enabled: granted",
     TOK " privileges=SeSecurityPrivilege", "O:BAG:BUD:(A;;KR;;;WD)(D;;0x2;;;BA)", ACCESS_SYSTEM_SECURITY,
     STATUS_SUCCESS, ACCESS_SYSTEM_SECURITY, STATUS_SUCCESS},
    {WINE "test INHERIT_ONLY_ACE: an inherit-only allow grants nothing",
     TOK, "O:S-1-5-32-547G:BUD:(A;IO;KR;;;WD)", KEY_READ, STATUS_SUCCESS, 0, STATUS_ACCESS_DENIED},
    {WINE "an Anonymous duplicate: ERROR_BAD_IMPERSONATION_LEVEL",
     "user=S-1-5-21-1-2-3-1001 groups=BA,WD type=impersonation level=anonymous", "O:BAG:BUD:(A;;KR;;;WD)",
     MAXIMUM_ALLOWED, STATUS_BAD_IMPERSONATION_LEVEL, 0, 0},
    {WINE "the process (primary) token: ERROR_NO_IMPERSONATION_TOKEN",
     "user=S-1-5-21-1-2-3-1001 groups=BA,WD", "O:BAG:BUD:(A;;KR;;;WD)", KEY_READ, STATUS_NO_IMPERSONATION_TOKEN, 0, 0},
};

static void test_accesscheck_wine_argument_rules(void **state)
{
    int failures = 0;
    GENERIC_MAPPING mapping = SepKeyMapping;
    for (size_t i = 0; i < sizeof(Rows) / sizeof(Rows[0]); i++) {
        const ARG_ROW *r = &Rows[i];
        PACCESS_TOKEN t = AtToken(r->Token);
        PSECURITY_DESCRIPTOR sd = AtSd(r->Sddl);
        SECURITY_DESCRIPTOR abs;
        AtAbsolute(sd, &abs);
        PSECURITY_DESCRIPTOR forms[2] = {sd, &abs};
        for (int f = 0; f < 2; f++) {
            ACCESS_MASK granted = SENTINEL;
            NTSTATUS access = SENTINEL;
            NTSTATUS call = NtsecAccessCheckToken(forms[f], t, r->Desired, &mapping, &granted, &access);
            int bad = call != r->Call;
            if (call == STATUS_SUCCESS)
                bad |= granted != r->Granted || access != r->Access;
            else
                bad |= granted != SENTINEL || access != SENTINEL;
            if (bad) {
                fprintf(stderr, "FAIL [%s]: %s\n  got call 0x%08x granted 0x%08x access 0x%08x\n",
                        f ? "absolute" : "self-relative", r->Source, (unsigned)call, (unsigned)granted,
                        (unsigned)access);
                failures++;
            }
        }
        NtsecFree(sd);
        ObDereferenceObject(t);
    }
    assert_int_equal(failures, 0);
}

/* An invalid descriptor and a NULL token: the call fails
 * and leaves both outputs alone (Wine test_AccessCheck's "unchanged" rule, applied to every
 * failure of the call). */
static void test_accesscheck_invalid_descriptor_and_token(void **state)
{
    GENERIC_MAPPING mapping = SepKeyMapping;
    PACCESS_TOKEN t = AtToken(TOK);
    PSECURITY_DESCRIPTOR sd = AtSd("O:BAG:BUD:(A;;KR;;;WD)");
    ACCESS_MASK granted = SENTINEL;
    NTSTATUS access = SENTINEL;
    ((PUCHAR)sd)[0] = 2; /* revision 2: not a security descriptor */
    assert_status(NtsecAccessCheckToken(sd, t, KEY_READ, &mapping, &granted, &access), STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(granted, SENTINEL);
    assert_int_equal(access, SENTINEL);
    ((PUCHAR)sd)[0] = 1;
    assert_status(NtsecAccessCheckToken(sd, NULL, KEY_READ, &mapping, &granted, &access), STATUS_INVALID_PARAMETER);
    assert_int_equal(granted, SENTINEL);
    assert_int_equal(access, SENTINEL);
    NtsecFree(sd);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accesscheck_wine_argument_rules),
        cmocka_unit_test(test_accesscheck_invalid_descriptor_and_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
