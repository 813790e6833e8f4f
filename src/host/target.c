/*
 * target.c - prepare: which Linux identity a token at a level stands for
 * (docs/host.md "From a token to a Linux identity"). The one place that decides it: the
 * switch path (switch.c), the cross-thread validation (hostapi.c), `ntsec whoami` and
 * process creation use HostComputeTarget / HostComputeTargetEx.
 *
 * The rule: the kernel may never grant what the NT access check refuses. Linux checks one
 * uid, one gid and a set of supplementary gids, once; every token property it cannot
 * express is resolved towards less access (docs/host.md "Token properties Linux cannot
 * express" has the table with the reason for each).
 */
#include <string.h>
#include "host/hostp.h"

/* ---- prepare ---- */

static BOOLEAN HostpIsAnonymousLogonSid(PSID Sid)
{
    const SID *s = Sid;
    return s->SubAuthorityCount == 1 && s->IdentifierAuthority.Value[5] == 5 &&
           s->IdentifierAuthority.Value[0] == 0 && s->IdentifierAuthority.Value[1] == 0 &&
           s->IdentifierAuthority.Value[2] == 0 && s->IdentifierAuthority.Value[3] == 0 &&
           s->IdentifierAuthority.Value[4] == 0 && s->SubAuthority[0] == SECURITY_ANONYMOUS_LOGON_RID;
}

static BOOLEAN HostpSidEqual(PSID a, PSID b)
{
    const SID *x = a, *y = b;
    return x->SubAuthorityCount == y->SubAuthorityCount &&
           memcmp(x, y, 8 + 4U * x->SubAuthorityCount) == 0;
}

/* TRUE iff Sid is a restricting SID that can grant in the restricted pass (the access check
 * ignores integrity entries and uses deny-only ones for deny ACEs only; se/sidindex.c). */
static BOOLEAN HostpInRestrictedSids(PTOKEN Token, PSID Sid)
{
    for (ULONG i = 0; i < Token->RestrictedSidCount; i++)
        if ((Token->RestrictedSids[i].Attributes & (SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_INTEGRITY)) == 0 &&
            HostpSidEqual(Token->RestrictedSids[i].Sid, Sid))
            return TRUE;
    return FALSE;
}

static VOID HostpUnprivileged(PHOST_CREDS Target, ULONG *Class, ULONG *Reason, ULONG Why)
{
    HostGetUnprivileged(&Target->Uid, &Target->Gid);
    Target->GroupCount = 0;
    Target->RootClient = FALSE;
    *Class = HOST_CLASS_UNPRIV;
    *Reason = Why;
}

/*
 * HostComputeTargetEx - see hostp.h.
 * @remarks docs/host.md "Token properties Linux cannot express". In this order:
 *  - Identification and Anonymous levels, the ANONYMOUS LOGON user and an integrity level
 *    below Medium get the unprivileged identity with no groups: Linux cannot express "may be
 *    queried but not used" (spec 2.6), nor "may read but not write up" (files carry no
 *    label and count as Medium, as unlabelled objects do on Windows), so both lose every
 *    grant (a subset of NT's).
 *  - A deny-only user SID (SeFilterToken SidsToDisable) grants nothing in NT, and in a
 *    restricted or write-restricted token a user SID that is not a restricting SID grants
 *    nothing in the restricted pass: the uid is the unprivileged uid (never the user's,
 *    which would make the kernel grant through the owner class). Such a user need not map.
 *  - Groups: enabled, not deny-only, not the label, mapped to a gid, and in a restricted
 *    token also a restricting SID (the second pass can only narrow). Write-restricted
 *    tokens are treated as restricted for every access (narrower for reads).
 *  - The gid is the primary group when that is one of those groups, else the first of them
 *    in token order, else the unprivileged gid: the egid never grants a group the token
 *    does not hold enabled.
 *  - A user that maps to uid 0 (S-1-22-1-0) is a RootClient: uid 0 for the owner class, but
 *    with the capabilities of any other client (none in euid mode), since its privileges do
 *    not become capabilities either; it is never the same access as the base identity.
 * Reads Token under its shared lock; no references.
 */
NTSTATUS HostComputeTargetEx(PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level, PHOST_CREDS Target,
                             ULONG *Class, ULONG *Reason)
{
    Target->GroupCount = 0;
    Target->RootClient = FALSE;
    *Reason = HOST_REASON_NONE;
    if (Token == NULL) {
        *Class = 0;
        return HostCredsCopy(Target, &HostBase);
    }
    if (Level < SecurityImpersonation) {
        HostpUnprivileged(Target, Class, Reason, HOST_REASON_LEVEL);
        return STATUS_SUCCESS;
    }
    NTSTATUS st = STATUS_SUCCESS;
    SepAcquireTokenLockShared(Token);
    PSID user = SepTokenUserSid(Token);
    BOOLEAN restricted = SepTokenIsRestricted(Token);
    uid_t uid, unprivUid;
    gid_t unprivGid;
    HostGetUnprivileged(&unprivUid, &unprivGid);
    uid = unprivUid;
    if (HostpIsAnonymousLogonSid(user)) {
        HostpUnprivileged(Target, Class, Reason, HOST_REASON_ANONYMOUS);
        goto out;
    }
    if (SepTokenIntegrityRid(Token) < SECURITY_MANDATORY_MEDIUM_RID) {
        HostpUnprivileged(Target, Class, Reason, HOST_REASON_INTEGRITY);
        goto out;
    }
    if (Token->UserAndGroups[0].Attributes & SE_GROUP_USE_FOR_DENY_ONLY) {
        *Reason = HOST_REASON_USER_DENY_ONLY;
    } else if (restricted && !HostpInRestrictedSids(Token, user)) {
        *Reason = HOST_REASON_USER_NOT_RESTRICTING;
    } else if (!HostSidToUid(user, &uid)) {
        st = STATUS_NONE_MAPPED;
        goto out;
    }
    BOOLEAN havePrimary = FALSE, haveFirst = FALSE;
    gid_t primary = 0, first = 0;
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        gid_t gid;
        if (!HostGroupGrants(Token, i, &gid))
            continue;
        st = HostCredsAddGroup(Target, gid);
        if (!NT_SUCCESS(st))
            goto out;
        if (!haveFirst) {
            first = gid;
            haveFirst = TRUE;
        }
        if (!havePrimary && Token->PrimaryGroup != NULL &&
            HostpSidEqual(Token->PrimaryGroup, Token->UserAndGroups[i].Sid)) {
            primary = gid;
            havePrimary = TRUE;
        }
    }
    Target->Uid = uid;
    Target->Gid = havePrimary ? primary : haveFirst ? first : unprivGid;
    Target->RootClient = uid == 0; /* root's files, never root's capabilities */
    *Class = HOST_CLASS_FULL;
out:
    SepReleaseTokenLock(Token);
    return st;
}

NTSTATUS HostComputeTarget(PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level, PHOST_CREDS Target,
                           ULONG *Class)
{
    ULONG reason;
    return HostComputeTargetEx(Token, Level, Target, Class, &reason);
}

/* HostGroupGrants - see hostp.h. Call under Token's lock (shared). */
BOOLEAN HostGroupGrants(PTOKEN Token, ULONG Index, gid_t *Gid)
{
    ULONG attributes = Token->UserAndGroups[Index].Attributes;
    if ((attributes & (SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_INTEGRITY)) != 0 ||
        (attributes & SE_GROUP_ENABLED) == 0)
        return FALSE;
    if (!HostSidToGid(Token->UserAndGroups[Index].Sid, Gid))
        return FALSE;
    return !SepTokenIsRestricted(Token) || HostpInRestrictedSids(Token, Token->UserAndGroups[Index].Sid);
}

const char *HostReasonText(ULONG Reason)
{
    switch (Reason) {
    case HOST_REASON_LEVEL: return "Identification/Anonymous level: unprivileged identity, no groups";
    case HOST_REASON_ANONYMOUS: return "ANONYMOUS LOGON user: unprivileged identity, no groups";
    case HOST_REASON_INTEGRITY: return "integrity below Medium: unprivileged identity, no groups";
    case HOST_REASON_USER_DENY_ONLY: return "user SID deny-only: unprivileged uid";
    case HOST_REASON_USER_NOT_RESTRICTING: return "restricted token, user not a restricting SID: unprivileged uid";
    default: return "the token's user and enabled groups";
    }
}
