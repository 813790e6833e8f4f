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
#include <stdlib.h>
#include <string.h>
#include "host/hostp.h"
#include "se/accesschk.h" /* SepTokenSidMatch */
#include "ex/pooltags.h"

/*
 * The target cache (issue 15 section 4). A token's target at SecurityImpersonation and
 * above depends only on its groups, user and primary group (immutable after creation), its
 * attributes (changed only under the exclusive lock, with a new ModifiedId), the installed id
 * map and the unprivileged identity. So it is computed once and kept with the token
 * (Token->HostTarget), keyed by ModifiedId, HostIdMapGeneration and the unprivileged ids;
 * any change of those makes the next computation miss and publish a new block. A replaced
 * block stays on the chain (Retired) until the token is deleted: readers copy from a block
 * under the token's shared lock without a reference, so it is never freed under them.
 */
typedef struct _HOSTP_TARGET_CACHE {
    PVOID Retired;           /* first field (SepDeleteToken walks the chain): an older block */
    LUID ModifiedId;
    ULONG MapGeneration;
    uid_t UnprivUid;
    gid_t UnprivGid;
    NTSTATUS Status;
    ULONG Class;
    ULONG Reason;
    uid_t Uid;
    gid_t Gid;
    BOOLEAN RootClient;
    ULONG GroupCount;
    gid_t Groups[];
} HOSTP_TARGET_CACHE, *PHOSTP_TARGET_CACHE;

static int HostpGidCompare(const void *a, const void *b)
{
    gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts Target's groups and drops repeats: n log n (the adds append unsorted). */
static VOID HostpSortGroups(PHOST_CREDS Target)
{
    if (Target->GroupCount < 2)
        return;
    qsort(Target->Groups, Target->GroupCount, sizeof(gid_t), HostpGidCompare);
    ULONG out = 1;
    for (ULONG i = 1; i < Target->GroupCount; i++)
        if (Target->Groups[i] != Target->Groups[out - 1])
            Target->Groups[out++] = Target->Groups[i];
    Target->GroupCount = out;
}

/* Appends Gid (sorted and deduplicated once at the end, HostpSortGroups). When the array
 * reaches the kernel's limit it is compacted first; a full compacted array takes only gids
 * it already holds (HostCredsAddGroup's binary search), else STATUS_TOO_MANY_SIDS. */
static NTSTATUS HostpAppendGroup(PHOST_CREDS Target, BOOLEAN *Sorted, gid_t Gid)
{
    if (*Sorted)
        return HostCredsAddGroup(Target, Gid);
    if (Target->GroupCount >= HOST_MAX_GROUPS) {
        HostpSortGroups(Target);
        *Sorted = TRUE;
        return HostCredsAddGroup(Target, Gid);
    }
    NTSTATUS st = HostCredsReserve(Target, Target->GroupCount + 1);
    if (!NT_SUCCESS(st))
        return st;
    Target->Groups[Target->GroupCount++] = Gid;
    return STATUS_SUCCESS;
}

static BOOLEAN HostpCacheValid(const HOSTP_TARGET_CACHE *c, PTOKEN Token, ULONG Generation, uid_t UnprivUid,
                               gid_t UnprivGid)
{
    return c != NULL && c->ModifiedId.LowPart == Token->ModifiedId.LowPart &&
           c->ModifiedId.HighPart == Token->ModifiedId.HighPart && c->MapGeneration == Generation &&
           c->UnprivUid == UnprivUid && c->UnprivGid == UnprivGid;
}

/* Publishes Target as Token's cache (under Token's shared lock). Best effort: without
 * memory, or when another thread published first, nothing is cached. */
static VOID HostpCachePublish(PTOKEN Token, PHOSTP_TARGET_CACHE Old, const HOST_CREDS *Target, NTSTATUS Status,
                              ULONG Class, ULONG Reason, ULONG Generation, uid_t UnprivUid, gid_t UnprivGid)
{
    ULONG n = NT_SUCCESS(Status) ? Target->GroupCount : 0;
    PHOSTP_TARGET_CACHE c =
        ExAllocatePoolWithTag(PagedPool, sizeof(*c) + (SIZE_T)n * sizeof(gid_t), HOSTP_TARGET_TAG);
    if (c == NULL)
        return;
    c->Retired = Old;
    c->ModifiedId = Token->ModifiedId;
    c->MapGeneration = Generation;
    c->UnprivUid = UnprivUid;
    c->UnprivGid = UnprivGid;
    c->Status = Status;
    c->Class = Class;
    c->Reason = Reason;
    c->Uid = Target->Uid;
    c->Gid = Target->Gid;
    c->RootClient = Target->RootClient;
    c->GroupCount = n;
    if (n)
        memcpy(c->Groups, Target->Groups, (SIZE_T)n * sizeof(gid_t));
    PVOID expected = Old;
    if (!atomic_compare_exchange_strong(&Token->HostTarget, &expected, c))
        ExFreePool(c);
}

/* Copies a valid cache block into Target; returns the cached status. */
static NTSTATUS HostpCacheCopy(const HOSTP_TARGET_CACHE *c, PHOST_CREDS Target, ULONG *Class, ULONG *Reason)
{
    if (NT_SUCCESS(c->Status)) {
        NTSTATUS st = HostCredsReserve(Target, c->GroupCount);
        if (!NT_SUCCESS(st))
            return st;
        if (c->GroupCount)
            memcpy(Target->Groups, c->Groups, (SIZE_T)c->GroupCount * sizeof(gid_t));
        Target->GroupCount = c->GroupCount;
        Target->Uid = c->Uid;
        Target->Gid = c->Gid;
        Target->RootClient = c->RootClient;
        *Class = c->Class;
    }
    *Reason = c->Reason;
    return c->Status;
}

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
 * ignores integrity entries and uses deny-only ones for deny ACEs only): the access check's
 * own answer, through the token's SID index (constant time per SID; se/sidindex.c). */
static BOOLEAN HostpInRestrictedSids(PTOKEN Token, PSID Sid)
{
    return (SepTokenSidMatch(Token, Sid, TRUE) & SEP_MATCH_ALLOW) != 0;
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
 * The result is cached with the token (see "The target cache" above): a repeat costs a copy
 * of the gid array; the first computation is n log n in the groups.
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
    uid_t uid, unprivUid;
    gid_t unprivGid;
    HostGetUnprivileged(&unprivUid, &unprivGid);
    ULONG generation = HostIdMapGeneration();
    SepAcquireTokenLockShared(Token);
    /* From here on a thread may run with gids of this token's groups: they may no longer be
     * disabled (NtsecAdjustTokenGroups, which reads this under the exclusive lock). */
    atomic_store_explicit(&Token->HostBound, TRUE, memory_order_relaxed);
    PHOSTP_TARGET_CACHE cache = atomic_load(&Token->HostTarget);
    if (HostpCacheValid(cache, Token, generation, unprivUid, unprivGid)) {
        st = HostpCacheCopy(cache, Target, Class, Reason);
        SepReleaseTokenLock(Token);
        return st;
    }
    PSID user = SepTokenUserSid(Token);
    BOOLEAN restricted = SepTokenIsRestricted(Token);
    BOOLEAN sorted = FALSE;
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
        st = HostpAppendGroup(Target, &sorted, gid);
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
    if (!sorted)
        HostpSortGroups(Target);
    Target->Uid = uid;
    Target->Gid = havePrimary ? primary : haveFirst ? first : unprivGid;
    Target->RootClient = uid == 0; /* root's files, never root's capabilities */
    *Class = HOST_CLASS_FULL;
out:
    if (st != STATUS_NO_MEMORY && st != STATUS_INSUFFICIENT_RESOURCES)
        HostpCachePublish(Token, cache, Target, st, NT_SUCCESS(st) ? *Class : 0, *Reason, generation, unprivUid, unprivGid);
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
