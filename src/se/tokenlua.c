/*
 * tokenlua.c - UAC's split tokens: which groups and privileges make a token "elevated", the
 * filtering SeFilterToken(LUA_TOKEN) applies, and the elevation queries (TokenElevationType,
 * TokenElevation, TokenLinkedToken).
 *
 * Source: Microsoft, "New Technologies for Windows Vista" (quoted in the UAC references):
 * a user gets a filtered and a full token when the token holds a group with one of the RIDs
 * DOMAIN_GROUP_RID_ADMINS, _CONTROLLERS, _CERT_ADMINS, _SCHEMA_ADMINS, _ENTERPRISE_ADMINS,
 * _POLICY_ADMINS or DOMAIN_ALIAS_RID_ADMINS, _POWER_USERS, _ACCOUNT_OPS, _SYSTEM_OPS,
 * _PRINT_OPS, _BACKUP_OPS, _RAS_SERVERS, _PREW2KCOMPACCESS, _NETWORK_CONFIGURATION_OPS,
 * _CRYPTO_OPERATORS, or any privilege beyond a standard user's (SeChangeNotify, SeShutdown,
 * SeUndock, SeIncreaseWorkingSet, SeTimeZone). With such a group, the filtered token keeps only
 * those five privileges; without one, it loses only SeCreateToken, SeTcb, SeTakeOwnership,
 * SeBackup, SeRestore, SeDebug, SeImpersonate and SeRelabel. ntdoc NtFilterToken: LUA_TOKEN
 * "disabling administrative-equivalent SIDs (RtlIsElevatedRid) and privileges". The filtered
 * token runs at Medium integrity (Windows Integrity Mechanism: a standard user's level).
 * No references change here unless a routine says so.
 */
#include <string.h>
#include "se/sep.h"

/* RIDs that make a group administrative-equivalent (the list above). */
static const ULONG SepDomainElevatedRids[] = { 512, 516, 517, 518, 519, 520 };
static const ULONG SepAliasElevatedRids[] = { 544, 547, 548, 549, 550, 551, 553, 554, 556, 569 };
/* A standard user's privileges: all a LUA token keeps when the source had an elevated group. */
static const ULONG SepLuaPrivileges[] = { SE_CHANGE_NOTIFY_PRIVILEGE, SE_SHUTDOWN_PRIVILEGE,
                                          SE_UNDOCK_PRIVILEGE, SE_INC_WORKING_SET_PRIVILEGE,
                                          SE_TIME_ZONE_PRIVILEGE };
/* What a LUA token loses when the source had no elevated group. */
static const ULONG SepAdminPrivileges[] = { SE_CREATE_TOKEN_PRIVILEGE, SE_TCB_PRIVILEGE,
                                            SE_TAKE_OWNERSHIP_PRIVILEGE, SE_BACKUP_PRIVILEGE,
                                            SE_RESTORE_PRIVILEGE, SE_DEBUG_PRIVILEGE,
                                            SE_IMPERSONATE_PRIVILEGE, SE_RELABEL_PRIVILEGE };

static BOOLEAN SepRidIn(ULONG Rid, const ULONG *List, ULONG Count)
{
    for (ULONG i = 0; i < Count; i++)
        if (List[i] == Rid)
            return TRUE;
    return FALSE;
}

/* SepIsElevatedSid - see sep.h: S-1-5-32-<alias RID> or S-1-5-21-...-<domain group RID>. */
BOOLEAN SepIsElevatedSid(PSID Sid)
{
    PISID s = Sid;
    static const UCHAR nt[6] = { 0, 0, 0, 0, 0, 5 };
    if (memcmp(s->IdentifierAuthority.Value, nt, 6) != 0 || s->SubAuthorityCount < 2)
        return FALSE;
    ULONG last = s->SubAuthority[s->SubAuthorityCount - 1];
    if (s->SubAuthorityCount == 2 && s->SubAuthority[0] == SECURITY_BUILTIN_DOMAIN_RID)
        return SepRidIn(last, SepAliasElevatedRids, sizeof(SepAliasElevatedRids) / sizeof(ULONG));
    if (s->SubAuthorityCount >= 5 && s->SubAuthority[0] == SECURITY_NT_NON_UNIQUE)
        return SepRidIn(last, SepDomainElevatedRids, sizeof(SepDomainElevatedRids) / sizeof(ULONG));
    return FALSE;
}

static BOOLEAN SepIsLuaPrivilege(LUID Luid)
{
    return Luid.HighPart == 0 &&
           SepRidIn(Luid.LowPart, SepLuaPrivileges, sizeof(SepLuaPrivileges) / sizeof(ULONG));
}

/*
 * SepLuaFilter - applies LUA_TOKEN to a template being built by SeFilterToken: Groups[] (the
 * template's, writable) lose their enabled, enabled-by-default, mandatory and owner bits and
 * become deny-only when elevated; Privileges[] are cut as described above (compacted in place);
 * integrity above Medium becomes Medium; an owner that became deny-only gives way to the
 * user. No references change.
 */
VOID SepLuaFilter(PSEP_TOKEN_TEMPLATE T, PSID_AND_ATTRIBUTES Groups, PLUID_AND_ATTRIBUTES Privileges)
{
    BOOLEAN elevatedGroup = FALSE;
    for (ULONG i = 0; i < T->GroupCount; i++) {
        if (!SepIsElevatedSid(Groups[i].Sid))
            continue;
        elevatedGroup = TRUE;
        Groups[i].Attributes = (Groups[i].Attributes & ~(SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT |
                                                         SE_GROUP_MANDATORY | SE_GROUP_OWNER)) |
                               SE_GROUP_USE_FOR_DENY_ONLY;
        if (T->Owner != NULL && RtlEqualSid(T->Owner, Groups[i].Sid))
            T->Owner = NULL;
    }
    ULONG kept = 0;
    for (ULONG i = 0; i < T->PrivilegeCount; i++) {
        LUID l = Privileges[i].Luid;
        BOOLEAN keep = elevatedGroup ? SepIsLuaPrivilege(l)
                                     : !(l.HighPart == 0 && SepRidIn(l.LowPart, SepAdminPrivileges,
                                                                     sizeof(SepAdminPrivileges) / sizeof(ULONG)));
        if (keep)
            Privileges[kept++] = Privileges[i];
    }
    T->PrivilegeCount = kept;
    if (T->HasIntegrity && T->IntegrityRid > SECURITY_MANDATORY_MEDIUM_RID)
        T->IntegrityRid = SECURITY_MANDATORY_MEDIUM_RID;
    T->ElevationType = TokenElevationTypeLimited;
}

/*
 * SepTokenIsElevated - TokenElevation's answer: a Full token is elevated, a Limited one is
 * not; a Default token is elevated when it holds an enabled administrative-equivalent group or
 * a privilege beyond a standard user's (the rule that would have split it). Caller holds the
 * lock shared.
 */
BOOLEAN SepTokenIsElevated(PTOKEN Token)
{
    if (Token->ElevationType != TokenElevationTypeDefault)
        return Token->ElevationType == TokenElevationTypeFull;
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        ULONG a = Token->UserAndGroups[i].Attributes;
        if ((a & SE_GROUP_ENABLED) && !(a & SE_GROUP_USE_FOR_DENY_ONLY) &&
            SepIsElevatedSid(Token->UserAndGroups[i].Sid))
            return TRUE;
    }
    for (ULONG i = 0; i < Token->PrivilegeCount; i++)
        if (!SepIsLuaPrivilege(Token->Privileges[i].Luid))
            return TRUE;
    return FALSE;
}
