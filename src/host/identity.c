/*
 * identity.c - NtsecQueryHostIdentity (ntsec.h): the Linux identity of a token at a level
 * and what becomes of each of its groups, for `ntsec whoami` and any other client. It wraps
 * target.c's HostComputeTargetEx (the one place that decides the identity) and
 * HostGroupGrants (whether a group becomes a gid); the per-group reasons only name which
 * of HostGroupGrants' conditions failed. Pure identity part: no credential changes.
 */
#include <stddef.h>
#include <string.h>
#include "host/hostp.h"
#include "ex/pooltags.h"

/* The use of group Index of Token (under its shared lock). */
static VOID HostpGroupUse(PTOKEN Token, ULONG Index, NTSEC_HOST_GROUP *Group)
{
    ULONG attributes = Token->UserAndGroups[Index].Attributes;
    gid_t gid = 0;
    Group->Gid = 0;
    if (attributes & SE_GROUP_INTEGRITY) {
        Group->Use = NtsecHostGroupLabel;
        return;
    }
    if (!HostSidToGid(Token->UserAndGroups[Index].Sid, &gid)) {
        Group->Use = NtsecHostGroupNotMapped;
        return;
    }
    Group->Gid = (ULONG)gid;
    if (attributes & SE_GROUP_USE_FOR_DENY_ONLY)
        Group->Use = NtsecHostGroupDenyOnly;
    else if (!(attributes & SE_GROUP_ENABLED))
        Group->Use = NtsecHostGroupDisabled;
    else if (!HostGroupGrants(Token, Index, &gid))
        Group->Use = NtsecHostGroupNotRestricting;
    else
        Group->Use = NtsecHostGroupGranted;
}

/* NtsecUnixIdToSid - see ntsec_host.h: HostUidToSid / HostGidToSid for clients of the
 * public API. Writes only the caller's buffer; no references. */
NTSTATUS NtsecUnixIdToSid(ULONG Id, BOOLEAN Group, PSID Sid, ULONG SidLength)
{
    if (Sid == NULL)
        return STATUS_INVALID_PARAMETER;
    if (SidLength < SECURITY_MAX_SID_SIZE)
        return STATUS_BUFFER_TOO_SMALL;
    if (Group)
        HostGidToSid((gid_t)Id, Sid);
    else
        HostUidToSid((uid_t)Id, Sid);
    return STATUS_SUCCESS;
}

/*
 * NtsecQueryHostIdentity - see ntsec.h. *Identity is one pool block the caller frees with
 * NtsecFree. Token is borrowed; HostComputeTargetEx reads it under its own shared lock, the
 * per-group pass under a second one (a concurrent adjustment can fall between the two: the
 * block then describes the groups as they were at the second read).
 */
NTSTATUS NtsecQueryHostIdentity(PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                                PNTSEC_HOST_IDENTITY *Identity)
{
    if (Token == NULL || Identity == NULL)
        return STATUS_INVALID_PARAMETER;
    *Identity = NULL;
    if (!SepIsToken(Token, "NtsecQueryHostIdentity"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (!VALID_IMPERSONATION_LEVEL(Level))
        return STATUS_INVALID_PARAMETER;
    PTOKEN token = Token;
    HOST_CREDS target = {0};
    ULONG cls = 0, reason = HOST_REASON_NONE;
    NTSTATUS computed = HostComputeTargetEx(token, Level, &target, &cls, &reason);
    if (computed == STATUS_NO_MEMORY || computed == STATUS_INSUFFICIENT_RESOURCES) {
        HostCredsFree(&target);
        return computed;
    }
    ULONG groupCount = NT_SUCCESS(computed) ? target.GroupCount : 0;
    SepAcquireTokenLockShared(token);
    ULONG tokenGroups = token->UserAndGroupCount - 1;
    SIZE_T size = offsetof(NTSEC_HOST_IDENTITY, TokenGroups) + (tokenGroups ? tokenGroups : 1) * sizeof(NTSEC_HOST_GROUP);
    SIZE_T groupsAt = (size + sizeof(ULONG) - 1) & ~(sizeof(ULONG) - 1);
    PNTSEC_HOST_IDENTITY id = ExAllocatePoolWithTag(PagedPool, groupsAt + (groupCount ? groupCount : 1) * sizeof(ULONG),
                                                    HOSTP_IDENTITY_TAG);
    if (id == NULL) {
        SepReleaseTokenLock(token);
        HostCredsFree(&target);
        return STATUS_NO_MEMORY;
    }
    memset(id, 0, groupsAt);
    uid_t unprivUid, userUid;
    gid_t unprivGid;
    HostGetUnprivileged(&unprivUid, &unprivGid);
    id->UnprivilegedUid = (ULONG)unprivUid;
    id->UnprivilegedGid = (ULONG)unprivGid;
    id->UserMapped = HostSidToUid(SepTokenUserSid(token), &userUid);
    id->UserUid = id->UserMapped ? (ULONG)userUid : 0;
    id->TokenGroupCount = tokenGroups;
    for (ULONG i = 0; i < tokenGroups; i++)
        HostpGroupUse(token, i + 1, &id->TokenGroups[i]);
    SepReleaseTokenLock(token);
    id->Status = computed;
    id->Groups = (ULONG *)((PUCHAR)id + groupsAt);
    if (NT_SUCCESS(computed)) {
        id->Uid = (ULONG)target.Uid;
        id->Gid = (ULONG)target.Gid;
        id->RootClient = target.RootClient;
        id->GroupCount = groupCount;
        for (ULONG i = 0; i < groupCount; i++)
            id->Groups[i] = (ULONG)target.Groups[i];
        id->Reason = HostReasonText(reason);
    } else {
        id->Reason = computed == STATUS_NONE_MAPPED ? "the user SID has no uid" : "no identity";
    }
    HostCredsFree(&target);
    *Identity = id;
    return STATUS_SUCCESS;
}
