/*
 * test_elevation_wine.c - UAC's split token against the Windows expectations (ok()) of Wine
 * dlls/advapi32/tests/security.c test_elevation (Kron4ek/wine-tkg, commit
 * 04a13b02d874522636e885d335a23bdad22ece47): its TokenElevationTypeLimited branch (a UAC
 * administrator's filtered token), its TokenElevationTypeFull branch (the elevated token of
 * the pair) and the DuplicateTokenEx, CreateRestrictedToken and "linked tokens do not
 * preserve modifications" parts after them, run on either side. Facts only, restated here
 * (no code copied):
 *  - a Limited token is not elevated, a Full one is; each has a linked token, whose handle
 *    grants TOKEN_ALL_ACCESS (TEST_GRANTED_ACCESS);
 *  - the linked token of a Limited token is Full and elevated, of a Full token Limited and
 *    not elevated; either way an impersonation token at SecurityIdentification;
 *  - asking for the linked token again gives a different token (another TokenId) of the
 *    same elevation type;
 *  - the linked token's linked token is a new token (TokenId not the queried token's) of
 *    the queried token's elevation type ("gives us a new limited token" / "a new elevated
 *    token");
 *  - a duplicate (DuplicateTokenEx, primary) and a restricted token made without changes
 *    (CreateRestrictedToken with nothing to disable, delete or restrict) keep the elevation
 *    type, are elevated iff the type is Full, and still answer TokenLinkedToken;
 *  - "Linked tokens do not preserve privilege modifications": SeChangeNotifyPrivilege
 *    removed from the token, PrivilegeCheck on it fails but on its linked token succeeds.
 * Not transcribed: the default-DACL part (ntsec has no SetTokenInformation) and the
 * SetTokenInformation(TokenElevationType / TokenElevation) refusals (same reason).
 * ntsec's model beyond Wine (docs/uac.md): the linked tokens are copies of the pair as
 * SeFilterToken made it, so a change to one side shows in neither linked token.
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

/* The token TokenLinkedToken of T names (the caller's reference; the handle, which must
 * grant TOKEN_ALL_ACCESS, is closed). */
static PACCESS_TOKEN Linked(PACCESS_TOKEN T)
{
    PTOKEN_LINKED_TOKEN l = NULL;
    assert_status(SeQueryInformationToken(T, TokenLinkedToken, (PVOID *)&l), STATUS_SUCCESS);
    assert_non_null(l->LinkedToken);
    PVOID obj = NULL;
    OBJECT_HANDLE_INFORMATION info = { 0 };
    assert_status(ObReferenceObjectByHandle(l->LinkedToken, TOKEN_QUERY, *SeTokenObjectType, KernelMode, &obj, &info),
                  STATUS_SUCCESS);
    assert_int_equal(info.GrantedAccess, TOKEN_ALL_ACCESS); /* TEST_GRANTED_ACCESS */
    assert_status(ZwClose(l->LinkedToken), STATUS_SUCCESS);
    ExFreePool(l);
    return obj;
}

static BOOLEAN SameId(LUID a, LUID b)
{
    return a.LowPart == b.LowPart && a.HighPart == b.HighPart;
}

/* T is of elevation type Type and elevated iff Type is Full. */
static void CheckType(PACCESS_TOKEN T, TOKEN_ELEVATION_TYPE Type)
{
    assert_int_equal(QueryUlong(T, TokenElevationType), Type);
    assert_int_equal(QueryUlong(T, TokenElevation), Type == TokenElevationTypeFull);
}

static TOKEN_ELEVATION_TYPE Other(TOKEN_ELEVATION_TYPE Type)
{
    return Type == TokenElevationTypeFull ? TokenElevationTypeLimited : TokenElevationTypeFull;
}

/* A token derived from a side of Type (duplicate, restricted copy): the same type, elevated
 * iff Full, still linked to the other side. Releases Derived. */
static void CheckDerived(PACCESS_TOKEN Derived, TOKEN_ELEVATION_TYPE Type)
{
    CheckType(Derived, Type);
    PACCESS_TOKEN linked = Linked(Derived);
    assert_int_equal(QueryUlong(linked, TokenElevationType), Other(Type));
    ObDereferenceObject(linked);
    ObDereferenceObject(Derived);
}

/* One side of the pair, as test_elevation's branch for Token's type checks it. */
static void CheckSide(PACCESS_TOKEN Token, TOKEN_ELEVATION_TYPE Type)
{
    CheckType(Token, Type);
    PACCESS_TOKEN linked = Linked(Token);
    CheckType(linked, Other(Type));
    assert_int_equal(QueryUlong(linked, TokenType), TokenImpersonation);
    assert_int_equal(QueryUlong(linked, TokenImpersonationLevel), SecurityIdentification);

    /* "Asking for the linked token again gives us a different token." */
    PACCESS_TOKEN linked2 = Linked(Token);
    CheckType(linked2, Other(Type));
    assert_false(SameId(TokenId(linked), TokenId(linked2)));
    ObDereferenceObject(linked2);

    /* "Asking for the linked token's linked token gives us a new limited/elevated token." */
    PACCESS_TOKEN back = Linked(linked);
    CheckType(back, Type);
    assert_false(SameId(TokenId(Token), TokenId(back)));
    ObDereferenceObject(back);
    ObDereferenceObject(linked);

    /* DuplicateTokenEx(token, ..., SecurityAnonymous, TokenPrimary): same type, elevated iff
     * Full, TokenLinkedToken still answers. (An Identification token cannot become primary,
     * on Windows as here: it is duplicated at its own type and level.) */
    BOOLEAN primary = QueryUlong(Token, TokenType) == TokenPrimary;
    PACCESS_TOKEN dup = NULL;
    assert_status(NtsecDuplicateToken(Token, primary ? TokenPrimary : TokenImpersonation,
                                      primary ? SecurityAnonymous : SecurityIdentification, FALSE, &dup),
                  STATUS_SUCCESS);
    CheckDerived(dup, Type);

    /* CreateRestrictedToken(token, 0, 0, NULL, 0, NULL, 0, NULL): the same */
    PACCESS_TOKEN restricted = NULL;
    assert_status(SeFilterToken(Token, 0, NULL, NULL, NULL, &restricted), STATUS_SUCCESS);
    CheckDerived(restricted, Type);
}

/* SeChangeNotifyPrivilege held by T (NtPrivilegeCheck; Wine checks the process token, ntsec's
 * NtPrivilegeCheck wants an impersonation token (spec 2.20), so a primary T is checked
 * through an Identification copy). */
static BOOLEAN HoldsChangeNotify(PACCESS_TOKEN T)
{
    PRIVILEGE_SET set = { 1, 0, { { { SE_CHANGE_NOTIFY_PRIVILEGE, 0 }, 0 } } };
    BOOLEAN held = FALSE;
    PACCESS_TOKEN imp = NULL;
    assert_status(NtsecDuplicateToken(T, TokenImpersonation, SecurityIdentification, FALSE, &imp), STATUS_SUCCESS);
    assert_status(NtsecPrivilegeCheckToken(imp, &set, &held), STATUS_SUCCESS);
    ObDereferenceObject(imp);
    return held;
}

/* "Linked tokens do not preserve privilege modifications." (either side) */
static void CheckModificationNotLinked(PACCESS_TOKEN Token)
{
    TOKEN_PRIVILEGES remove = { 1, { { { SE_CHANGE_NOTIFY_PRIVILEGE, 0 }, SE_PRIVILEGE_REMOVED } } };
    assert_true(HoldsChangeNotify(Token));
    assert_status(NtsecAdjustTokenPrivileges(Token, FALSE, &remove, NULL), STATUS_SUCCESS);
    assert_false(HoldsChangeNotify(Token));
    PACCESS_TOKEN linked = Linked(Token);
    assert_true(HoldsChangeNotify(linked));
    /* ntsec's model: the linked token's linked token is the pair as made, not Token now */
    PACCESS_TOKEN back = Linked(linked);
    assert_true(HoldsChangeNotify(back));
    ObDereferenceObject(back);
    ObDereferenceObject(linked);
}

/* A UAC administrator's filtered token (the caller's reference; the admin token it came
 * from is released, the pair lives on in the filtered token's links). */
static PACCESS_TOKEN LimitedToken(void)
{
    PACCESS_TOKEN admin = AtToken(ADMIN);
    PACCESS_TOKEN limited = NULL;
    assert_status(SeFilterToken(admin, LUA_TOKEN, NULL, NULL, NULL, &limited), STATUS_SUCCESS);
    ObDereferenceObject(admin);
    return limited;
}

/* Both branches' checks on Token, which is left with the one reference it had. */
static void CheckBranch(PACCESS_TOKEN Token, TOKEN_ELEVATION_TYPE Type)
{
    CheckSide(Token, Type);
    CheckModificationNotLinked(Token);
    assert_int_equal(NtsecReferenceCount(Token), 1); /* no query left a reference behind */
    ObDereferenceObject(Token);
}

static void test_elevation_wine_limited_token(void **state)
{
    (void)state;
    CheckBranch(LimitedToken(), TokenElevationTypeLimited);
}

/* The Full branch: the token is the pair's elevated token, here the limited token's linked
 * token (Windows gives a process the full token as a primary token only to a caller with
 * SeTcbPrivilege; ntsec's TokenLinkedToken gives what a caller without it gets, an
 * Identification copy, and the Full branch's queries are the same on it). */
static void test_elevation_wine_full_token(void **state)
{
    (void)state;
    PACCESS_TOKEN limited = LimitedToken();
    PACCESS_TOKEN full = Linked(limited);
    ObDereferenceObject(limited); /* the pair lives on in the full token's links */
    CheckBranch(full, TokenElevationTypeFull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elevation_wine_limited_token),
        cmocka_unit_test(test_elevation_wine_full_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
