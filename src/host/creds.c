/*
 * creds.c - HOST_CREDS: a Linux identity {uid, gid, supplementary groups} and the
 * comparisons the switch uses (docs/host.md "Switching").
 */
#include <stdlib.h>
#include <string.h>
#include "host/hostp.h"
#include "ex/pooltags.h"

/* ---- HOST_CREDS ---- */

/* Room for Count groups in Creds; the base identity's block has a tag of its own (HostBase:
 * kept for the process's life, left out of the verifier's pool report at shutdown). */
static NTSTATUS HostpCredsReserve(PHOST_CREDS Creds, ULONG Count, BOOLEAN Base)
{
    if (Count <= Creds->GroupCapacity && Creds->Groups != NULL)
        return STATUS_SUCCESS;
    if (Count > HOST_MAX_GROUPS + 1)
        return STATUS_TOO_MANY_SIDS;
    ULONG capacity = Creds->GroupCapacity ? Creds->GroupCapacity : 32;
    while (capacity < Count)
        capacity *= 2;
    SIZE_T size = (SIZE_T)capacity * sizeof(gid_t);
    gid_t *groups = Base ? ExAllocatePoolWithTag(PagedPool, size, HOSTP_BASE_TAG)
                         : ExAllocatePoolWithTag(PagedPool, size, HOSTP_TAG);
    if (groups == NULL)
        return STATUS_NO_MEMORY;
    if (Creds->Groups != NULL) {
        if (Creds->GroupCount != 0)
            memcpy(groups, Creds->Groups, (SIZE_T)Creds->GroupCount * sizeof(gid_t));
        ExFreePool(Creds->Groups);
    }
    Creds->Groups = groups;
    Creds->GroupCapacity = capacity;
    return STATUS_SUCCESS;
}

NTSTATUS HostCredsReserve(PHOST_CREDS Creds, ULONG Count)
{
    return HostpCredsReserve(Creds, Count, FALSE);
}

NTSTATUS HostCredsReserveBase(ULONG Count)
{
    return HostpCredsReserve(&HostBase, Count, TRUE);
}

VOID HostCredsFree(PHOST_CREDS Creds)
{
    if (Creds->Groups != NULL)
        ExFreePool(Creds->Groups);
    Creds->Groups = NULL;
    Creds->GroupCapacity = Creds->GroupCount = 0;
}

NTSTATUS HostCredsCopy(PHOST_CREDS Dest, const HOST_CREDS *Source)
{
    NTSTATUS st = HostCredsReserve(Dest, Source->GroupCount);
    if (!NT_SUCCESS(st))
        return st;
    Dest->Uid = Source->Uid;
    Dest->Gid = Source->Gid;
    Dest->RootClient = Source->RootClient;
    Dest->GroupCount = Source->GroupCount;
    if (Source->GroupCount != 0)
        memcpy(Dest->Groups, Source->Groups, (SIZE_T)Source->GroupCount * sizeof(gid_t));
    return STATUS_SUCCESS;
}

NTSTATUS HostCredsAddGroup(PHOST_CREDS Creds, gid_t Gid)
{
    ULONG lo = 0, hi = Creds->GroupCount;
    while (lo < hi) {
        ULONG mid = lo + (hi - lo) / 2;
        if (Creds->Groups[mid] == Gid)
            return STATUS_SUCCESS;
        if (Creds->Groups[mid] < Gid)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (Creds->GroupCount >= HOST_MAX_GROUPS)
        return STATUS_TOO_MANY_SIDS;
    NTSTATUS st = HostCredsReserve(Creds, Creds->GroupCount + 1);
    if (!NT_SUCCESS(st))
        return st;
    memmove(&Creds->Groups[lo + 1], &Creds->Groups[lo],
            (SIZE_T)(Creds->GroupCount - lo) * sizeof(gid_t));
    Creds->Groups[lo] = Gid;
    Creds->GroupCount++;
    return STATUS_SUCCESS;
}

/* The next supplementary gid at or after *i that is not Skip and not a repeat. */
static BOOLEAN HostpNextGroup(const HOST_CREDS *c, ULONG *i, gid_t Skip, gid_t *Out)
{
    while (*i < c->GroupCount) {
        gid_t g = c->Groups[(*i)++];
        if (g == Skip || (*i >= 2 && c->Groups[*i - 2] == g))
            continue;
        *Out = g;
        return TRUE;
    }
    return FALSE;
}

BOOLEAN HostCredsSameAccess(const HOST_CREDS *a, const HOST_CREDS *b)
{
    if (a->Uid != b->Uid || a->Gid != b->Gid || a->RootClient != b->RootClient)
        return FALSE;
    ULONG i = 0, j = 0;
    for (;;) {
        gid_t x = 0, y = 0;
        BOOLEAN hx = HostpNextGroup(a, &i, a->Gid, &x);
        BOOLEAN hy = HostpNextGroup(b, &j, b->Gid, &y);
        if (hx != hy)
            return FALSE;
        if (!hx)
            return TRUE;
        if (x != y)
            return FALSE;
    }
}

/* Same supplementary groups, in the same (sorted) order: what verification demands. */
BOOLEAN HostCredsSameGroupsExactly(const HOST_CREDS *a, const HOST_CREDS *b)
{
    return a->GroupCount == b->GroupCount &&
           (a->GroupCount == 0 || memcmp(a->Groups, b->Groups, (SIZE_T)a->GroupCount * sizeof(gid_t)) == 0);
}

