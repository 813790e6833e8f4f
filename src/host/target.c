/*
 * target.c - prepare: which Linux identity a token at a level stands for
 * (docs/host.md "From a token to a Linux identity").
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

static BOOLEAN HostpInRestrictedSids(PTOKEN Token, PSID Sid)
{
    for (ULONG i = 0; i < Token->RestrictedSidCount; i++)
        if (HostpSidEqual(Token->RestrictedSids[i].Sid, Sid))
            return TRUE;
    return FALSE;
}

static VOID HostpUnprivileged(PHOST_CREDS Target, ULONG *Class)
{
    Target->Uid = HostUnprivUid;
    Target->Gid = HostUnprivGid;
    Target->GroupCount = 0;
    *Class = HOST_CLASS_UNPRIV;
}

/*
 * HostComputeTarget - see hostp.h.
 * @remarks docs/host.md "Mapping": Identification and Anonymous levels, and the anonymous
 * logon user, get the unprivileged identity with no groups, so the kernel refuses what NT
 * would refuse (an Identification token may be queried, never used for access; spec 2.6).
 * Only enabled groups that map become gids; deny-only, disabled, integrity and unmappable
 * SIDs never do. In a restricted token a group also needs to be among the restricting SIDs
 * (the second access pass of spec 4.x can only narrow). The gid is the primary group when
 * that is an enabled mapped group, else the first enabled mapped group in token order,
 * else the unprivileged gid: the egid never grants a group the token does not hold enabled.
 */
NTSTATUS HostComputeTarget(PTOKEN Token, SECURITY_IMPERSONATION_LEVEL Level, PHOST_CREDS Target,
                           ULONG *Class)
{
    Target->GroupCount = 0;
    if (Token == NULL) {
        *Class = 0;
        return HostCredsCopy(Target, &HostBase);
    }
    if (Level < SecurityImpersonation) {
        HostpUnprivileged(Target, Class);
        return STATUS_SUCCESS;
    }
    NTSTATUS st = STATUS_SUCCESS;
    SepAcquireTokenLockShared(Token);
    PSID user = SepTokenUserSid(Token);
    uid_t uid;
    if (HostpIsAnonymousLogonSid(user)) {
        HostpUnprivileged(Target, Class);
        goto out;
    }
    if (!HostSidToUid(user, &uid)) {
        st = STATUS_NONE_MAPPED;
        goto out;
    }
    BOOLEAN restricted = SepTokenIsRestricted(Token);
    BOOLEAN havePrimary = FALSE, haveFirst = FALSE;
    gid_t primary = 0, first = 0;
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        ULONG attributes = Token->UserAndGroups[i].Attributes;
        gid_t gid;
        if ((attributes & (SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_INTEGRITY)) != 0 ||
            (attributes & SE_GROUP_ENABLED) == 0)
            continue;
        if (!HostSidToGid(Token->UserAndGroups[i].Sid, &gid))
            continue;
        if (restricted && !HostpInRestrictedSids(Token, Token->UserAndGroups[i].Sid))
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
    Target->Gid = havePrimary ? primary : haveFirst ? first : HostUnprivGid;
    *Class = HOST_CLASS_FULL;
out:
    SepReleaseTokenLock(Token);
    return st;
}

