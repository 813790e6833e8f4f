/*
 * test_elevation_wine.c - UAC's split token against the Windows expectations (ok()) of Wine
 * dlls/advapi32/tests/security.c test_elevation (Kron4ek/wine-tkg, commit
 * 04a13b02d874522636e885d335a23bdad22ece47), its TokenElevationTypeLimited branch (a UAC
 * administrator's filtered token) and the DuplicateTokenEx part after it. Facts only,
 * restated here (no code copied):
 *  - the limited token is not elevated and has a linked token;
 *  - the linked token is TokenElevationTypeFull, elevated, an impersonation token at
 *    SecurityIdentification;
 *  - asking for the linked token again gives a different token (another TokenId), again Full
 *    and elevated;
 *  - a duplicate (DuplicateTokenEx, primary) keeps the elevation type, is elevated iff the
 *    type is Full, and still answers TokenLinkedToken.
 * Not met here, as Windows keeps the pair in the logon session: the linked (full) token's own
 * TokenLinkedToken is a new limited token on Windows; ntsec's full token has no link
 * (README's not-implemented table).
 */
#include "access_table.h"

#define U "S-1-5-21-1-2-3-1001"
#define ADMIN "user=" U " groups=BA:owner,WD,AU,BU,S-1-5-5-0-999:logon-id " \
              "privileges=SeDebugPrivilege,SeChangeNotifyPrivilege integrity=high owner=BA"

static ULONG QueryUlong(PACCESS_TOKEN T, TOKEN_INFORMATION_CLASS C)
{
    PULONG p = NULL;
    assert_status(SeQueryInformationToken(T, C, (PVOID *)&p), STATUS_SUCCESS);
    ULONG v = *p;
    ExFreePool(p);
    return v;
}

static LUID TokenId(PACCESS_TOKEN T)
{
    PTOKEN_STATISTICS s = NULL;
    assert_status(SeQueryInformationToken(T, TokenStatistics, (PVOID *)&s), STATUS_SUCCESS);
    LUID id = s->TokenId;
    ExFreePool(s);
    return id;
}

/* The token TokenLinkedToken of T names (the caller's reference; the handle is closed). */
static PACCESS_TOKEN Linked(PACCESS_TOKEN T)
{
    PTOKEN_LINKED_TOKEN l = NULL;
    assert_status(SeQueryInformationToken(T, TokenLinkedToken, (PVOID *)&l), STATUS_SUCCESS);
    assert_non_null(l->LinkedToken);
    PVOID obj = NULL;
    assert_status(ObReferenceObjectByHandle(l->LinkedToken, TOKEN_QUERY, *SeTokenObjectType, KernelMode, &obj, NULL),
                  STATUS_SUCCESS);
    assert_status(ZwClose(l->LinkedToken), STATUS_SUCCESS);
    ExFreePool(l);
    return obj;
}

static void test_elevation_wine_limited_token(void **state)
{
    (void)state;
    PACCESS_TOKEN admin = AtToken(ADMIN);
    PACCESS_TOKEN limited = NULL;
    assert_status(SeFilterToken(admin, LUA_TOKEN, NULL, NULL, NULL, &limited), STATUS_SUCCESS);

    /* Wine test_elevation, Limited branch: "got elevation" FALSE, "expected a linked token" */
    assert_int_equal(QueryUlong(limited, TokenElevationType), TokenElevationTypeLimited);
    assert_int_equal(QueryUlong(limited, TokenElevation), 0);
    PACCESS_TOKEN full = Linked(limited);
    /* the linked token: Full, elevated, TokenImpersonation, SecurityIdentification */
    assert_int_equal(QueryUlong(full, TokenElevationType), TokenElevationTypeFull);
    assert_int_equal(QueryUlong(full, TokenElevation), 1);
    assert_int_equal(QueryUlong(full, TokenType), TokenImpersonation);
    assert_int_equal(QueryUlong(full, TokenImpersonationLevel), SecurityIdentification);

    /* "Asking for the linked token again gives us a different token." */
    PACCESS_TOKEN full2 = Linked(limited);
    assert_int_equal(QueryUlong(full2, TokenElevationType), TokenElevationTypeFull);
    assert_int_equal(QueryUlong(full2, TokenElevation), 1);
    LUID a = TokenId(full), b = TokenId(full2);
    assert_false(a.LowPart == b.LowPart && a.HighPart == b.HighPart);
    ObDereferenceObject(full2);
    ObDereferenceObject(full);

    /* DuplicateTokenEx(token, ..., SecurityAnonymous, TokenPrimary): same type, elevated iff
     * Full, TokenLinkedToken still answers */
    PACCESS_TOKEN dup = NULL;
    assert_status(NtsecDuplicateToken(limited, TokenPrimary, SecurityAnonymous, FALSE, &dup), STATUS_SUCCESS);
    assert_int_equal(QueryUlong(dup, TokenElevationType), TokenElevationTypeLimited);
    assert_int_equal(QueryUlong(dup, TokenElevation), 0);
    PACCESS_TOKEN full3 = Linked(dup);
    assert_int_equal(QueryUlong(full3, TokenElevationType), TokenElevationTypeFull);
    ObDereferenceObject(full3);
    ObDereferenceObject(dup);

    ObDereferenceObject(limited);
    ObDereferenceObject(admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elevation_wine_limited_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
