/*
 * tokenfilter.c - SeFilterToken: a restricted copy of a token (the kernel half of
 * CreateRestrictedToken).
 *
 * The source is read under its shared lock into a SEP_TOKEN_TEMPLATE (its SID arrays are
 * fixed at creation, so the template may point into them while the lock is held) and
 * SepCreateToken builds the new token; then the ids that a filtered token inherits are
 * fixed up before anyone else can see it.
 */
#include <string.h>
#include "se/sep.h"
#include "se/tokentext.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

static BOOLEAN SepSidInGroups(PSID Sid, PTOKEN_GROUPS Groups)
{
    if (Groups == NULL)
        return FALSE;
    for (ULONG i = 0; i < Groups->GroupCount; i++)
        if (RtlEqualSid(Groups->Groups[i].Sid, Sid))
            return TRUE;
    return FALSE;
}

static BOOLEAN SepValidGroups(PTOKEN_GROUPS Groups)
{
    if (Groups == NULL)
        return TRUE;
    for (ULONG i = 0; i < Groups->GroupCount; i++)
        if (Groups->Groups[i].Sid == NULL || !RtlValidSid(Groups->Groups[i].Sid))
            return FALSE;
    return TRUE;
}

static BOOLEAN SepLuidInPrivileges(LUID Luid, PTOKEN_PRIVILEGES Privileges)
{
    if (Privileges == NULL)
        return FALSE;
    for (ULONG i = 0; i < Privileges->PrivilegeCount; i++)
        if (SepLuidEqual(Privileges->Privileges[i].Luid, Luid))
            return TRUE;
    return FALSE;
}

/* Deny-only marking of CreateRestrictedToken: clears both enabled bits, keeps the rest. */
static ULONG SepDenyOnly(ULONG Attributes)
{
    return (Attributes & ~(SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT)) | SE_GROUP_USE_FOR_DENY_ONLY;
}

/*
 * The pair's limited token as made (TOKEN.LinkedOrigin of the filtered token): an unchanging
 * copy of Token, not visible to anyone else yet, which links nowhere. Token's link to Full
 * stays; Token takes the copy's single reference. STATUS_SUCCESS or the copy's failure.
 */
static NTSTATUS SepLinkLimitedOrigin(PTOKEN Token, PTOKEN Full)
{
    PTOKEN origin = NULL;
    NTSTATUS st = SepDuplicateToken(Token, Token->TokenType, Token->ImpersonationLevel, FALSE,
                                    "token (SeFilterToken limited origin)", &origin);
    if (!NT_SUCCESS(st))
        return st;
    SepSetTokenLinks(origin, NULL, NULL);
    SepSetTokenLinks(Token, Full, origin);
    ObfDereferenceObject(origin); /* Token holds it now */
    return STATUS_SUCCESS;
}

/*
 * SeFilterToken - a new token derived from ExistingToken with SIDs made deny-only,
 * privileges deleted and restricting SIDs added. On success *FilteredToken holds the new
 * token's single reference, owned by the caller; the caller's reference on ExistingToken is
 * untouched. On failure nothing was created and *FilteredToken is NULL.
 *
 * @remarks WDK SeFilterToken / SDK CreateRestrictedToken:
 *  - DISABLE_MAX_PRIVILEGE deletes every privilege except SeChangeNotifyPrivilege, and
 *    PrivilegesToDelete is then ignored; otherwise each privilege in PrivilegesToDelete goes.
 *  - Each group (and the user) named in SidsToDisable becomes SE_GROUP_USE_FOR_DENY_ONLY
 *    with SE_GROUP_ENABLED and SE_GROUP_ENABLED_BY_DEFAULT cleared. The integrity group is
 *    never changed.
 *  - RestrictedSids become the token's restricting SIDs (attributes mandatory, enabled),
 *    giving TOKEN_IS_RESTRICTED. (C) If the source is already restricted the result keeps
 *    only SIDs in both lists (a filter can only narrow); with no new list the source's
 *    list is kept.
 *  - WRITE_RESTRICTED sets TOKEN_WRITE_RESTRICTED (the restricting SIDs apply to write
 *    access only); SANDBOX_INERT sets TOKEN_SANDBOX_INERT. Unknown flag bits:
 *    STATUS_INVALID_PARAMETER.
 *  - LUA_TOKEN makes UAC's filtered token (tokenlua.c SepLuaFilter: administrative groups
 *    deny-only, privileges cut to a standard user's, integrity at most Medium, the user as
 *    owner when the owner group became deny-only), TokenElevationTypeLimited, linked to a new
 *    full copy of the source (TokenElevationTypeFull) and to an unchanging copy of itself:
 *    the pair as made, whose other side TokenLinkedToken of either side copies.
 *  - The new token has a fresh TokenId and ModifiedId, the source's AuthenticationId,
 *    type, level, origin, source, session, owner, primary group and default DACL,
 *    ParentTokenId = the source's TokenId, and TOKEN_IS_FILTERED.
 * A non-token is STATUS_OBJECT_TYPE_MISMATCH (spec 5-D24); an invalid SID in the inputs is
 * STATUS_INVALID_SID; allocation failure STATUS_NO_MEMORY.
 */
NTSTATUS SeFilterToken(PACCESS_TOKEN ExistingToken, ULONG Flags, PTOKEN_GROUPS SidsToDisable,
                       PTOKEN_PRIVILEGES PrivilegesToDelete, PTOKEN_GROUPS RestrictedSids,
                       PACCESS_TOKEN *FilteredToken)
{
    if (FilteredToken == NULL)
        return STATUS_INVALID_PARAMETER;
    *FilteredToken = NULL;
    if (!SepIsToken(ExistingToken, "SeFilterToken"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (Flags & ~(ULONG)(DISABLE_MAX_PRIVILEGE | SANDBOX_INERT | LUA_TOKEN | WRITE_RESTRICTED))
        return STATUS_INVALID_PARAMETER;
    if (!SepValidGroups(SidsToDisable) || !SepValidGroups(RestrictedSids))
        return STATUS_INVALID_SID;

    PTOKEN source = ExistingToken;
    SepAcquireTokenLockShared(source);
    ULONG nGroups = source->UserAndGroupCount;
    ULONG nRestricted = source->RestrictedSidCount + (RestrictedSids ? RestrictedSids->GroupCount : 0);
    SIZE_T size = nGroups * sizeof(SID_AND_ATTRIBUTES) + nRestricted * sizeof(SID_AND_ATTRIBUTES) +
                  (source->PrivilegeCount + 1) * sizeof(LUID_AND_ATTRIBUTES);
    PUCHAR scratch = ExAllocatePoolWithTag(PagedPool, size, SEP_FILTER_TAG);
    if (scratch == NULL) {
        SepReleaseTokenLock(source);
        return STATUS_NO_MEMORY;
    }
    PSID_AND_ATTRIBUTES groups = (PSID_AND_ATTRIBUTES)scratch;
    PSID_AND_ATTRIBUTES restricted = groups + nGroups;
    PLUID_AND_ATTRIBUTES privileges = (PLUID_AND_ATTRIBUTES)(restricted + nRestricted);

    SEP_TOKEN_TEMPLATE t;
    SepTemplateFromToken(&t, source);
    if (SepSidInGroups(t.User, SidsToDisable))
        t.UserAttributes = SepDenyOnly(t.UserAttributes);
    for (ULONG i = 1; i < nGroups; i++) {
        if (i == source->IntegrityIndex)
            continue;
        groups[t.GroupCount] = source->UserAndGroups[i];
        if (SepSidInGroups(groups[t.GroupCount].Sid, SidsToDisable))
            groups[t.GroupCount].Attributes = SepDenyOnly(groups[t.GroupCount].Attributes);
        t.GroupCount++;
    }
    t.Groups = groups;

    /* Restricting SIDs: the new list, narrowed by the existing one when there is one (C). */
    if (RestrictedSids != NULL && RestrictedSids->GroupCount != 0) {
        for (ULONG i = 0; i < RestrictedSids->GroupCount; i++) {
            PSID sid = RestrictedSids->Groups[i].Sid;
            BOOLEAN keep = source->RestrictedSidCount == 0;
            for (ULONG j = 0; j < source->RestrictedSidCount && !keep; j++)
                keep = RtlEqualSid(source->RestrictedSids[j].Sid, sid);
            if (keep) {
                restricted[t.RestrictedSidCount].Sid = sid;
                restricted[t.RestrictedSidCount].Attributes = SEPP_RESTRICTED_SID_ATTRIBUTES;
                t.RestrictedSidCount++;
            }
        }
    } else {
        for (ULONG j = 0; j < source->RestrictedSidCount; j++)
            restricted[t.RestrictedSidCount++] = source->RestrictedSids[j];
    }
    t.RestrictedSids = restricted;

    for (ULONG i = 0; i < source->PrivilegeCount; i++) {
        LUID_AND_ATTRIBUTES p = source->Privileges[i];
        BOOLEAN drop = (Flags & DISABLE_MAX_PRIVILEGE)
                           ? !(p.Luid.HighPart == 0 && p.Luid.LowPart == SE_CHANGE_NOTIFY_PRIVILEGE)
                           : SepLuidInPrivileges(p.Luid, PrivilegesToDelete);
        if (!drop)
            privileges[t.PrivilegeCount++] = p;
    }
    t.Privileges = privileges;

    /* The owner stays what it was (a deny-only group may still own what it creates). */
    t.Owner = source->UserAndGroups[source->DefaultOwnerIndex].Sid;
    /* LUA_TOKEN: UAC's filtered token (tokenlua.c), linked to a full copy of the source. */
    PTOKEN full = NULL;
    if (Flags & LUA_TOKEN) {
        SepLuaFilter(&t, groups, privileges);
        NTSTATUS fst = SepDuplicateToken(source, source->TokenType, source->ImpersonationLevel, FALSE,
                                         "token (SeFilterToken linked)", &full);
        if (!NT_SUCCESS(fst)) {
            SepReleaseTokenLock(source);
            ExFreePoolWithTag(scratch, SEP_FILTER_TAG);
            return fst == STATUS_INSUFFICIENT_RESOURCES ? STATUS_NO_MEMORY : fst;
        }
        full->ElevationType = TokenElevationTypeFull; /* not yet visible to anyone else */
        SepSetTokenLinks(full, NULL, NULL);             /* a source of a pair: no chains */
        t.LinkedToken = full;
        t.LinkedOrigin = NULL;                          /* added below, from the new token */
    }
    t.ExtraFlags = (atomic_load(&source->TokenFlags) &
                    (TOKEN_WRITE_RESTRICTED | TOKEN_SANDBOX_INERT | TOKEN_UIACCESS | TOKEN_NOT_LOW)) |
                   TOKEN_IS_FILTERED;
    if (Flags & WRITE_RESTRICTED)
        t.ExtraFlags |= TOKEN_WRITE_RESTRICTED;
    if (Flags & SANDBOX_INERT)
        t.ExtraFlags |= TOKEN_SANDBOX_INERT;
    LUID parent = source->TokenId;

    PTOKEN token = NULL;
    NTSTATUS st = SepCreateToken(&t, "token (SeFilterToken)", &token);
    SepReleaseTokenLock(source);
    ExFreePoolWithTag(scratch, SEP_FILTER_TAG);
    if (NT_SUCCESS(st)) {
        token->ParentTokenId = parent; /* not yet visible to anyone else */
        if (full != NULL)
            st = SepLinkLimitedOrigin(token, full);
    }
    if (full != NULL)
        ObfDereferenceObject(full); /* the new token holds its own */
    if (!NT_SUCCESS(st)) {
        if (token != NULL)
            ObfDereferenceObject(token);
        return st == STATUS_INSUFFICIENT_RESOURCES ? STATUS_NO_MEMORY : st;
    }
    *FilteredToken = token;
    return STATUS_SUCCESS;
}
