/*
 * tokenquery_uac.c - the SeQueryInformationToken classes of UAC and of the Vista-and-later
 * token model (tokenquery.c dispatches the classes it does not answer itself here):
 * TokenElevationType, TokenElevation, TokenLinkedToken, TokenGroupsAndPrivileges,
 * TokenLogonSid, and the AppContainer/virtualization classes, which have one truthful answer
 * here because ntsec has no AppContainers and no virtualization. Each result is one pool block
 * (ExFreePool). Called with the token's lock held shared.
 */
#include <stddef.h>
#include <string.h>
#include "se/sep.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

#define SEP_UALIGN(n) (((n) + 7) & ~(SIZE_T)7)

static PVOID SepUacUlong(ULONG Value)
{
    PULONG p = ExAllocatePoolWithTag(PagedPool, sizeof(ULONG), SEP_QUERY_TAG);
    if (p != NULL)
        *p = Value;
    return p;
}

/* Count entries of Array into Out[], their SIDs placed at *Cursor (8-byte aligned). */
static VOID SepUacCopySids(ULONG Count, const SID_AND_ATTRIBUTES *Array, PSID_AND_ATTRIBUTES Out, PUCHAR *Cursor)
{
    for (ULONG i = 0; i < Count; i++) {
        ULONG len = RtlLengthSid(Array[i].Sid);
        memcpy(*Cursor, Array[i].Sid, len);
        Out[i].Sid = *Cursor;
        Out[i].Attributes = Array[i].Attributes;
        *Cursor += SEP_UALIGN(len);
    }
}

static SIZE_T SepUacSidBytes(ULONG Count, const SID_AND_ATTRIBUTES *Array)
{
    SIZE_T n = 0;
    for (ULONG i = 0; i < Count; i++)
        n += SEP_UALIGN(RtlLengthSid(Array[i].Sid));
    return n;
}

/*
 * TOKEN_GROUPS_AND_PRIVILEGES (winnt.h): Sids = the user and the groups (as TokenUser then
 * TokenGroups list them), RestrictedSids, Privileges, each Length the bytes of its array and
 * the SIDs it points to; AuthenticationId.
 */
static PVOID SepQueryGroupsAndPrivileges(PTOKEN Token)
{
    ULONG ns = Token->UserAndGroupCount, nr = Token->RestrictedSidCount, np = Token->PrivilegeCount;
    SIZE_T sidBytes = SepUacSidBytes(ns, Token->UserAndGroups), resBytes = SepUacSidBytes(nr, Token->RestrictedSids);
    SIZE_T sArr = SEP_UALIGN(ns * sizeof(SID_AND_ATTRIBUTES)), rArr = SEP_UALIGN(nr * sizeof(SID_AND_ATTRIBUTES));
    SIZE_T pArr = SEP_UALIGN(np * sizeof(LUID_AND_ATTRIBUTES));
    SIZE_T header = SEP_UALIGN(sizeof(TOKEN_GROUPS_AND_PRIVILEGES));
    PUCHAR block = ExAllocatePoolWithTag(PagedPool, header + sArr + sidBytes + rArr + resBytes + pArr, SEP_QUERY_TAG);
    if (block == NULL)
        return NULL;
    PTOKEN_GROUPS_AND_PRIVILEGES g = (PTOKEN_GROUPS_AND_PRIVILEGES)block;
    memset(g, 0, sizeof(*g));
    PUCHAR cur = block + header;
    g->SidCount = ns;
    g->SidLength = (ULONG)(sArr + sidBytes);
    g->Sids = (PSID_AND_ATTRIBUTES)cur;
    cur += sArr;
    SepUacCopySids(ns, Token->UserAndGroups, g->Sids, &cur);
    g->RestrictedSidCount = nr;
    g->RestrictedSidLength = (ULONG)(rArr + resBytes);
    g->RestrictedSids = nr ? (PSID_AND_ATTRIBUTES)cur : NULL;
    cur += rArr;
    SepUacCopySids(nr, Token->RestrictedSids, g->RestrictedSids, &cur);
    g->PrivilegeCount = np;
    g->PrivilegeLength = (ULONG)pArr;
    g->Privileges = np ? (PLUID_AND_ATTRIBUTES)cur : NULL;
    if (np)
        memcpy(cur, Token->Privileges, np * sizeof(LUID_AND_ATTRIBUTES));
    g->AuthenticationId = Token->AuthenticationId;
    return g;
}

/* TokenLogonSid: TOKEN_GROUPS of the groups with SE_GROUP_LOGON_ID (none: GroupCount 0). */
static PVOID SepQueryLogonSid(PTOKEN Token)
{
    ULONG n = 0;
    SIZE_T bytes = 0;
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++)
        if ((Token->UserAndGroups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID)
            n++, bytes += SEP_UALIGN(RtlLengthSid(Token->UserAndGroups[i].Sid));
    SIZE_T header = SEP_UALIGN(offsetof(TOKEN_GROUPS, Groups) + (n ? n : 1) * sizeof(SID_AND_ATTRIBUTES));
    PTOKEN_GROUPS g = ExAllocatePoolWithTag(PagedPool, header + bytes, SEP_QUERY_TAG);
    if (g == NULL)
        return NULL;
    PUCHAR cur = (PUCHAR)g + header;
    g->GroupCount = 0;
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++)
        if ((Token->UserAndGroups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID)
            SepUacCopySids(1, &Token->UserAndGroups[i], &g->Groups[g->GroupCount++], &cur);
    return g;
}

/*
 * TokenLinkedToken: a kernel handle (ZwClose it) granting TOKEN_ALL_ACCESS to a new
 * Identification-level impersonation copy of the other token of Token's UAC pair, as
 * SeFilterToken(LUA_TOKEN) made it (not as anyone changed it since), as Windows gives
 * callers without SeTcbPrivilege. The copy is in the same pair: its own TokenLinkedToken is
 * a new copy of Token's side (Wine advapi32 security.c test_elevation, both branches). A
 * token of no pair: STATUS_NO_SUCH_LOGON_SESSION (test_elevation accepts
 * ERROR_NO_SUCH_LOGON_SESSION, as Windows Server 2008 answers). Takes a reference on each
 * pair token for the copy; the handle holds the copy's only reference.
 */
static PVOID SepQueryLinkedToken(PTOKEN Token, NTSTATUS *Status)
{
    if (Token->LinkedToken == NULL || Token->LinkedOrigin == NULL) {
        *Status = STATUS_NO_SUCH_LOGON_SESSION;
        return NULL;
    }
    PTOKEN_LINKED_TOKEN l = ExAllocatePoolWithTag(PagedPool, sizeof(*l), SEP_QUERY_TAG);
    if (l == NULL)
        return NULL;
    PTOKEN copy = NULL;
    NTSTATUS st = SepDuplicateToken(Token->LinkedToken, TokenImpersonation, SecurityIdentification, FALSE,
                                    "token (TokenLinkedToken)", &copy);
    if (NT_SUCCESS(st)) {
        SepSetTokenLinks(copy, Token->LinkedOrigin, Token->LinkedToken); /* not yet visible */
        st = ObOpenObjectByPointer(copy, OBJ_KERNEL_HANDLE, NULL, TOKEN_ALL_ACCESS, *SeTokenObjectType,
                                   KernelMode, &l->LinkedToken);
        ObDereferenceObject(copy); /* the handle holds the copy now, or it is gone */
    }
    if (!NT_SUCCESS(st)) {
        ExFreePoolWithTag(l, SEP_QUERY_TAG);
        *Status = st == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : st;
        return NULL;
    }
    return l;
}

/* SepQueryUacLocked - see sep.h. */
PVOID SepQueryUacLocked(PTOKEN Token, TOKEN_INFORMATION_CLASS Class, NTSTATUS *Status)
{
    *Status = STATUS_SUCCESS;
    switch (Class) {
    case TokenElevationType:
        return SepUacUlong((ULONG)Token->ElevationType);
    case TokenElevation: {
        PTOKEN_ELEVATION e = ExAllocatePoolWithTag(PagedPool, sizeof(*e), SEP_QUERY_TAG);
        if (e)
            e->TokenIsElevated = SepTokenIsElevated(Token);
        return e;
    }
    case TokenLinkedToken:
        return SepQueryLinkedToken(Token, Status);
    case TokenGroupsAndPrivileges:
        return SepQueryGroupsAndPrivileges(Token);
    case TokenLogonSid:
        return SepQueryLogonSid(Token);
    case TokenIsRestricted:
        return SepUacUlong(SepTokenIsRestricted(Token) ? 1 : 0);
    /* ntsec has no AppContainers, capabilities or UAC virtualization: the answers of a token
     * that is not an AppContainer and is not virtualized. */
    case TokenIsAppContainer:
    case TokenAppContainerNumber:
    case TokenIsLessPrivilegedAppContainer:
    case TokenVirtualizationAllowed:
    case TokenVirtualizationEnabled:
        return SepUacUlong(0);
    case TokenAppContainerSid: {
        PTOKEN_APPCONTAINER_INFORMATION a = ExAllocatePoolWithTag(PagedPool, sizeof(*a), SEP_QUERY_TAG);
        if (a)
            a->TokenAppContainer = NULL;
        return a;
    }
    case TokenCapabilities: {
        PTOKEN_GROUPS g = ExAllocatePoolWithTag(PagedPool, sizeof(TOKEN_GROUPS), SEP_QUERY_TAG);
        if (g)
            g->GroupCount = 0;
        return g;
    }
    case TokenAuditPolicy:
    case TokenAccessInformation:
    case TokenSecurityAttributes:
    case TokenProcessTrustLevel:
    case TokenPrivateNameSpace:
    case TokenSingletonAttributes:
    case TokenBnoIsolation:
    case TokenChildProcessFlags:
    case TokenIsSandboxed:
    case TokenIsAppSilo:
    case TokenLoggingInformation:
        *Status = NTSEC_NOT_IMPLEMENTED(); /* README's not-implemented table says why */
        return NULL;
    default:
        *Status = STATUS_INVALID_INFO_CLASS;
        return NULL;
    }
}
