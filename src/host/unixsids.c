/*
 * unixsids.c - the user and group SIDs of a Linux identity, as a token carries them: used
 * by the host process token (hosttoken.c) and by the local-peer security package
 * (ksec/localpeer.c), which differ only in the logon kind and the privileges.
 */
#include <stdlib.h>
#include <string.h>
#include "host/hostp.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

static int HostpCompareGid(const void *a, const void *b)
{
    gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * HostBuildUnixSids - see hostp.h. Allocates Out's buffers (free with HostFreeUnixSids);
 * on failure nothing stays allocated. No object references are involved.
 * @remarks Group order: the primary gid, the other gids ascending without duplicates (the
 * kernel keeps supplementary groups sorted, so this is also getgroups' order), Everyone,
 * then LOCAL and INTERACTIVE (HostLogonInteractive) or NETWORK (HostLogonNetwork),
 * Authenticated Users, a fresh logon SID S-1-5-5-x-y (Out->Logon), and for Root
 * BUILTIN\Administrators with SE_GROUP_OWNER (Out->Admins).
 */
NTSTATUS HostBuildUnixSids(uid_t Uid, gid_t Gid, const gid_t *Groups, ULONG GroupCount,
                           HOST_LOGON_KIND Kind, BOOLEAN Root, PHOST_UNIX_SIDS Out)
{
    memset(Out, 0, sizeof(*Out));
    if (GroupCount > HOST_MAX_GROUPS || (GroupCount != 0 && Groups == NULL))
        return STATUS_INVALID_PARAMETER;
    const ULONG extra = 8; /* user, primary, Everyone, LOCAL+INTERACTIVE or NETWORK, AU, logon, admins */
    ULONG slots = GroupCount + extra;
    gid_t *sorted = ExAllocatePoolWithTag(PagedPool, ((SIZE_T)GroupCount + 1) * sizeof(gid_t), HOSTP_SIDS_TAG);
    Out->SidBuffer = ExAllocatePoolWithTag(PagedPool, (SIZE_T)slots * SECURITY_MAX_SID_SIZE, HOSTP_SIDS_TAG);
    Out->Groups = ExAllocatePoolWithTag(PagedPool, (SIZE_T)slots * sizeof(SID_AND_ATTRIBUTES), HOSTP_SIDS_TAG);
    if (sorted == NULL || Out->SidBuffer == NULL || Out->Groups == NULL) {
        if (sorted != NULL)
            ExFreePool(sorted);
        HostFreeUnixSids(Out);
        return STATUS_NO_MEMORY;
    }
    if (GroupCount != 0)
        memcpy(sorted, Groups, (SIZE_T)GroupCount * sizeof(gid_t));
    qsort(sorted, GroupCount, sizeof(gid_t), HostpCompareGid);

    const ULONG on = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    PUCHAR next = Out->SidBuffer;
    ULONG n = 0;
#define HOSTP_NEXT_SID() (next += SECURITY_MAX_SID_SIZE, next - SECURITY_MAX_SID_SIZE)
    Out->User = HOSTP_NEXT_SID();
    HostUidToSid(Uid, Out->User);
    Out->PrimaryGroup = HOSTP_NEXT_SID();
    HostGidToSid(Gid, Out->PrimaryGroup);
    Out->Groups[n++] = (SID_AND_ATTRIBUTES){Out->PrimaryGroup, on};
    for (ULONG i = 0; i < GroupCount; i++) {
        if (sorted[i] == Gid || (i > 0 && sorted[i] == sorted[i - 1]))
            continue;
        PSID sid = HOSTP_NEXT_SID();
        HostGidToSid(sorted[i], sid);
        Out->Groups[n++] = (SID_AND_ATTRIBUTES){sid, on};
    }
    Out->Groups[n++] = (SID_AND_ATTRIBUTES){RtlpWellKnownSid(HOSTP_NEXT_SID(), 1, 1, SECURITY_WORLD_RID, 0, 0), on};
    if (Kind == HostLogonInteractive) {
        Out->Groups[n++] = (SID_AND_ATTRIBUTES){RtlpWellKnownSid(HOSTP_NEXT_SID(), 2, 1, SECURITY_LOCAL_RID, 0, 0), on};
        Out->Groups[n++] =
            (SID_AND_ATTRIBUTES){RtlpWellKnownSid(HOSTP_NEXT_SID(), 5, 1, SECURITY_INTERACTIVE_RID, 0, 0), on};
    } else {
        Out->Groups[n++] = (SID_AND_ATTRIBUTES){RtlpWellKnownSid(HOSTP_NEXT_SID(), 5, 1, SECURITY_NETWORK_RID, 0, 0), on};
    }
    Out->Groups[n++] =
        (SID_AND_ATTRIBUTES){RtlpWellKnownSid(HOSTP_NEXT_SID(), 5, 1, SECURITY_AUTHENTICATED_USER_RID, 0, 0), on};
    Out->Logon = SepAllocateLuid();
    Out->Groups[n++] = (SID_AND_ATTRIBUTES){
        RtlpWellKnownSid(HOSTP_NEXT_SID(), 5, 3, SECURITY_LOGON_IDS_RID, (ULONG)Out->Logon.HighPart, Out->Logon.LowPart),
        on | SE_GROUP_LOGON_ID};
    if (Root) {
        Out->Admins = RtlpWellKnownSid(HOSTP_NEXT_SID(), 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0);
        Out->Groups[n++] = (SID_AND_ATTRIBUTES){Out->Admins, on | SE_GROUP_OWNER};
    }
#undef HOSTP_NEXT_SID
    Out->GroupCount = n;
    ExFreePool(sorted);
    return STATUS_SUCCESS;
}

/* HostFreeUnixSids - frees what HostBuildUnixSids allocated; safe on a zeroed or freed Out. */
VOID HostFreeUnixSids(PHOST_UNIX_SIDS Sids)
{
    if (Sids->SidBuffer != NULL)
        ExFreePool(Sids->SidBuffer);
    if (Sids->Groups != NULL)
        ExFreePool(Sids->Groups);
    memset(Sids, 0, sizeof(*Sids));
}

/* HostUnixSidsTemplate - see host.h. */
VOID HostUnixSidsTemplate(const HOST_UNIX_SIDS *Sids, PSEP_TOKEN_TEMPLATE Template)
{
    memset(Template, 0, sizeof(*Template));
    Template->User = Sids->User;
    Template->Groups = Sids->Groups;
    Template->GroupCount = Sids->GroupCount;
    Template->PrimaryGroup = Sids->PrimaryGroup;
    Template->Owner = Sids->Admins;
    Template->HasIntegrity = TRUE;
    Template->AuthenticationId = Sids->Logon;
}
