/*
 * test_tokenlua.c - UAC split tokens: SeFilterToken(LUA_TOKEN) and the elevation classes
 * (TokenElevationType, TokenElevation, TokenLinkedToken), and the other Vista-and-later
 * SeQueryInformationToken classes (TokenGroupsAndPrivileges, TokenLogonSid, the AppContainer
 * and virtualization classes).
 *
 * Sources: Microsoft, "New Technologies for Windows Vista" (the administrative RIDs whose
 * groups a filtered token holds as deny-only; a filtered token keeps only SeChangeNotify,
 * SeShutdown, SeUndock, SeIncreaseWorkingSet and SeTimeZone when the source held such a group,
 * else loses only SeCreateToken, SeTcb, SeTakeOwnership, SeBackup, SeRestore, SeDebug,
 * SeImpersonate and SeRelabel); ntdoc NtFilterToken (LUA_TOKEN disables administrative-
 * equivalent SIDs and privileges); the privileges of a non-elevated admin token as listed by
 * the firehazard crate's docs (SeShutdown 0, SeChangeNotify 3, SeUndock 0,
 * SeIncreaseWorkingSet 0, SeTimeZone 0); winnt.h TOKEN_ELEVATION_TYPE (Default 1, Full 2,
 * Limited 3), TOKEN_ELEVATION, TOKEN_LINKED_TOKEN, TOKEN_GROUPS_AND_PRIVILEGES; Windows
 * Integrity Mechanism (a filtered admin token runs at Medium).
 */
#include "conformance/access_table.h"

#define U "S-1-5-21-1-2-3-1001"
#define ADMIN "user=" U " groups=BA:owner,WD,AU,BU,S-1-5-21-1-2-3-512,S-1-5-5-0-999:logon-id " \
              "privileges=SeDebugPrivilege,SeChangeNotifyPrivilege,SeShutdownPrivilege:disabled," \
              "SeImpersonatePrivilege,SeTimeZonePrivilege:disabled,SeBackupPrivilege:disabled " \
              "integrity=high owner=BA"

static PVOID Query(PACCESS_TOKEN T, TOKEN_INFORMATION_CLASS C)
{
    PVOID p = NULL;
    assert_status(SeQueryInformationToken(T, C, &p), STATUS_SUCCESS);
    return p;
}

static ULONG QueryUlong(PACCESS_TOKEN T, TOKEN_INFORMATION_CLASS C)
{
    PULONG p = Query(T, C);
    ULONG v = *p;
    ExFreePool(p);
    return v;
}

static void test_lua_filter_of_an_admin_token(void **state)
{
    (void)state;
    PACCESS_TOKEN admin = AtToken(ADMIN);
    PACCESS_TOKEN lua = NULL;
    assert_status(SeFilterToken(admin, LUA_TOKEN, NULL, NULL, NULL, &lua), STATUS_SUCCESS);
    char text[2048];
    assert_status(NtsecFormatToken(lua, text, sizeof(text), NULL), STATUS_SUCCESS);
    /* administrative groups deny-only (owner flag gone), the rest as they were; the five
     * standard-user privileges in their states; Medium; the user owns what it creates */
    assert_non_null(strstr(text, "user=" U " groups=BA:deny-only,WD,AU,BU,S-1-5-21-1-2-3-512:deny-only,"
                                 "S-1-5-5-0-999:logon-id privileges=SeChangeNotifyPrivilege,"
                                 "SeShutdownPrivilege:disabled,SeTimeZonePrivilege:disabled integrity=medium"));
    assert_null(strstr(text, " owner="));
    assert_int_equal(QueryUlong(lua, TokenElevationType), TokenElevationTypeLimited);
    assert_int_equal(QueryUlong(lua, TokenElevation), 0);
    assert_int_equal(QueryUlong(admin, TokenElevationType), TokenElevationTypeDefault);
    assert_int_equal(QueryUlong(admin, TokenElevation), 1);
    assert_false(SeTokenIsAdmin(lua));
    assert_true(SeTokenIsAdmin(admin));

    /* the linked token: a handle to an Identification copy of the full token */
    PTOKEN_LINKED_TOKEN l = Query(lua, TokenLinkedToken);
    PVOID full = NULL;
    assert_status(ObReferenceObjectByHandle(l->LinkedToken, TOKEN_QUERY, *SeTokenObjectType, KernelMode, &full, NULL),
                  STATUS_SUCCESS);
    assert_status(ZwClose(l->LinkedToken), STATUS_SUCCESS);
    ExFreePool(l);
    assert_int_equal(SeTokenType(full), TokenImpersonation);
    assert_int_equal(SeTokenImpersonationLevel(full), SecurityIdentification);
    assert_int_equal(QueryUlong(full, TokenElevationType), TokenElevationTypeFull);
    assert_int_equal(QueryUlong(full, TokenElevation), 1);
    assert_true(SeTokenIsAdmin(full));
    assert_int_equal(NtsecReferenceCount(full), 1); /* ours: the handle is closed */
    ObDereferenceObject(full);
    /* a token never split has no link */
    PVOID p = NULL;
    assert_status(SeQueryInformationToken(admin, TokenLinkedToken, &p), STATUS_NO_SUCH_LOGON_SESSION);
    assert_null(p);

    /* deny-only administrators still meet deny ACEs, never allow ones */
    PSECURITY_DESCRIPTOR sd = AtSd("O:SYG:SYD:(A;;FA;;;BA)");
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK g = 0;
    NTSTATUS s = 0;
    PACCESS_TOKEN imp = NULL;
    assert_status(NtsecDuplicateToken(lua, TokenImpersonation, SecurityImpersonation, FALSE, &imp), STATUS_SUCCESS);
    assert_status(NtsecAccessCheckToken(sd, imp, FILE_READ_DATA, &m, &g, &s), STATUS_SUCCESS);
    assert_status(s, STATUS_ACCESS_DENIED);
    /* a duplicate keeps the elevation type and the link */
    assert_int_equal(QueryUlong(imp, TokenElevationType), TokenElevationTypeLimited);
    l = Query(imp, TokenLinkedToken);
    assert_status(ZwClose(l->LinkedToken), STATUS_SUCCESS);
    ExFreePool(l);
    ObDereferenceObject(imp);
    NtsecFree(sd);
    ObDereferenceObject(lua);
    ObDereferenceObject(admin);
}

static void test_lua_filter_without_admin_groups(void **state)
{
    (void)state;
    PACCESS_TOKEN t = AtToken("user=" U " groups=WD,BU privileges=SeChangeNotifyPrivilege,SeBackupPrivilege,"
                              "SeCreateGlobalPrivilege:disabled,SeTcbPrivilege integrity=system");
    assert_int_equal(QueryUlong(t, TokenElevation), 1); /* privileges beyond a standard user's */
    PACCESS_TOKEN lua = NULL;
    assert_status(SeFilterToken(t, LUA_TOKEN, NULL, NULL, NULL, &lua), STATUS_SUCCESS);
    char text[1024];
    assert_status(NtsecFormatToken(lua, text, sizeof(text), NULL), STATUS_SUCCESS);
    assert_non_null(strstr(text, "user=" U " groups=WD,BU privileges=SeChangeNotifyPrivilege,"
                                 "SeCreateGlobalPrivilege:disabled integrity=medium"));
    assert_int_equal(QueryUlong(lua, TokenElevation), 0);
    ObDereferenceObject(lua);
    /* a standard user is not elevated; low integrity stays low */
    PACCESS_TOKEN std = AtToken("user=" U " groups=WD,BU privileges=SeChangeNotifyPrivilege integrity=low");
    assert_int_equal(QueryUlong(std, TokenElevation), 0);
    assert_status(SeFilterToken(std, LUA_TOKEN, NULL, NULL, NULL, &lua), STATUS_SUCCESS);
    assert_status(NtsecFormatToken(lua, text, sizeof(text), NULL), STATUS_SUCCESS);
    assert_non_null(strstr(text, " integrity=low"));
    ObDereferenceObject(lua);
    ObDereferenceObject(std);
    ObDereferenceObject(t);
}

static void test_groups_and_privileges_and_logon_sid(void **state)
{
    (void)state;
    PACCESS_TOKEN t = AtToken(ADMIN " restricted=WD,S-1-5-12");
    PTOKEN_GROUPS_AND_PRIVILEGES g = Query(t, TokenGroupsAndPrivileges);
    assert_int_equal(g->SidCount, 8); /* user, six groups, the integrity group */
    assert_true(RtlEqualSid(g->Sids[0].Sid, ((PTOKEN)t)->UserAndGroups[0].Sid));
    assert_int_equal(g->Sids[1].Attributes, 0xF);
    assert_int_equal(g->RestrictedSidCount, 2);
    assert_int_equal(g->PrivilegeCount, 6);
    assert_int_equal(g->PrivilegeLength, 6 * sizeof(LUID_AND_ATTRIBUTES));
    assert_true(g->SidLength >= 8 * sizeof(SID_AND_ATTRIBUTES) + 8 * 12);
    assert_true(SepLuidEqual(g->AuthenticationId, ((PTOKEN)t)->AuthenticationId));
    ExFreePool(g);
    PTOKEN_GROUPS l = Query(t, TokenLogonSid);
    assert_int_equal(l->GroupCount, 1);
    assert_int_equal(l->Groups[0].Attributes, 0xC0000007);
    ExFreePool(l);
    assert_int_equal(QueryUlong(t, TokenIsRestricted), 1);

    /* ZwQueryInformationToken moves every pointer into the caller's buffer */
    HANDLE h = NULL;
    assert_status(ObOpenObjectByPointer(t, OBJ_KERNEL_HANDLE, NULL, TOKEN_QUERY, *SeTokenObjectType, KernelMode, &h),
                  STATUS_SUCCESS);
    static UCHAR buf[4096] __attribute__((aligned(8)));
    ULONG need = 0;
    assert_status(ZwQueryInformationToken(h, TokenGroupsAndPrivileges, buf, sizeof(buf), &need), STATUS_SUCCESS);
    g = (PTOKEN_GROUPS_AND_PRIVILEGES)buf;
    for (ULONG i = 0; i < g->SidCount; i++)
        assert_true((PUCHAR)g->Sids[i].Sid > buf && (PUCHAR)g->Sids[i].Sid < buf + need);
    assert_true((PUCHAR)g->RestrictedSids[1].Sid < buf + need && (PUCHAR)g->Privileges < buf + need);
    assert_status(ZwQueryInformationToken(h, TokenLogonSid, buf, sizeof(buf), &need), STATUS_SUCCESS);
    assert_true((PUCHAR)((PTOKEN_GROUPS)buf)->Groups[0].Sid < buf + need);
    /* a short buffer for TokenLinkedToken leaves no handle behind */
    PACCESS_TOKEN lua = NULL;
    assert_status(SeFilterToken(t, LUA_TOKEN, NULL, NULL, NULL, &lua), STATUS_SUCCESS);
    HANDLE hl = NULL;
    assert_status(ObOpenObjectByPointer(lua, OBJ_KERNEL_HANDLE, NULL, TOKEN_QUERY, *SeTokenObjectType, KernelMode, &hl),
                  STATUS_SUCCESS);
    assert_status(ZwQueryInformationToken(hl, TokenLinkedToken, NULL, 0, &need), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(need, sizeof(TOKEN_LINKED_TOKEN));
    assert_status(ZwClose(hl), STATUS_SUCCESS);
    ObDereferenceObject(lua);
    assert_status(ZwClose(h), STATUS_SUCCESS);
    ObDereferenceObject(t);

    PACCESS_TOKEN plain = AtToken("user=" U);
    l = Query(plain, TokenLogonSid);
    assert_int_equal(l->GroupCount, 0);
    ExFreePool(l);
    ObDereferenceObject(plain);
}

/* ntsec has no AppContainers, capabilities or virtualization: one truthful answer each. */
static void test_appcontainer_and_virtualization_classes(void **state)
{
    (void)state;
    PACCESS_TOKEN t = AtToken("user=" U);
    assert_int_equal(QueryUlong(t, TokenIsAppContainer), 0);
    assert_int_equal(QueryUlong(t, TokenAppContainerNumber), 0);
    assert_int_equal(QueryUlong(t, TokenVirtualizationAllowed), 0);
    assert_int_equal(QueryUlong(t, TokenVirtualizationEnabled), 0);
    assert_int_equal(QueryUlong(t, TokenIsRestricted), 0);
    PTOKEN_APPCONTAINER_INFORMATION a = Query(t, TokenAppContainerSid);
    assert_null(a->TokenAppContainer);
    ExFreePool(a);
    PTOKEN_GROUPS c = Query(t, TokenCapabilities);
    assert_int_equal(c->GroupCount, 0);
    ExFreePool(c);
    PVOID p = (PVOID)1;
    assert_status(SeQueryInformationToken(t, TokenAccessInformation, &p), STATUS_NOT_IMPLEMENTED);
    assert_null(p);
    ObDereferenceObject(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lua_filter_of_an_admin_token),
        cmocka_unit_test(test_lua_filter_without_admin_groups),
        cmocka_unit_test(test_groups_and_privileges_and_logon_sid),
        cmocka_unit_test(test_appcontainer_and_virtualization_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
