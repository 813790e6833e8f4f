/*
 * accesschk_bytype.c - the access check with an object-type list (MS-DTYP 2.5.3.2 with an
 * Object Tree): SeAccessCheckByType (one answer, the root's) and
 * NtsecAccessCheckByTypeResultList (one granted mask and status per node, as
 * NtAccessCheckByTypeResultList defines them). docs/access-check.md "Object types".
 *
 * The tree is the OBJECT_TYPE_LIST in pre-order: node 0 is the object (Level 0), a node's
 * parent is the nearest earlier node one level up, its subtree the following nodes of a
 * deeper level. Each node keeps the bits still wanted (Remaining), granted and denied; every
 * bit of a node is decided by the first ACE that reaches it:
 *  - an allow ACE (or an object ACE without ObjectType) grants its bits on every node; a
 *    deny ACE denies every node's remaining bits;
 *  - an object allow ACE whose ObjectType is a node grants on that node and its subtree, and
 *    a bit becomes granted on a parent once every child of that parent has it;
 *  - an object deny ACE whose ObjectType is a node denies the remaining bits of that node,
 *    its subtree and its ancestors (access to a parent means access to all its children);
 *  - an object ACE whose ObjectType is not in the list does nothing.
 * Privileges, integrity, owner rights, callback conditions and the restricted pass work as in
 * SepAccessCheckCore, for every node alike. No references are taken.
 */
#include <string.h>
#include "se/accesschk.h"
#include "se/cond.h"
#include "ex/pooltags.h"

typedef struct _SEP_TYPE_NODE {
    ULONG Parent;            /* index of the parent; (ULONG)-1 for the root */
    ULONG End;               /* one past the last node of the subtree */
    ACCESS_MASK Granted, Denied;
} SEP_TYPE_NODE, *PSEP_TYPE_NODE;

typedef struct _SEP_TYPE_TREE {
    const OBJECT_TYPE_LIST *List;
    ULONG Count;
    PSEP_TYPE_NODE Nodes;
    ACCESS_MASK Want;
} SEP_TYPE_TREE, *PSEP_TYPE_TREE;

/*
 * SepValidateObjectTypeList - STATUS_SUCCESS or STATUS_INVALID_PARAMETER: the first entry is
 * the only ACCESS_OBJECT_GUID (level 0) one; every level is at most ACCESS_MAX_LEVEL and at
 * most one deeper than the entry before; every ObjectType is non-NULL and appears once
 * (NtAccessCheckByType: STATUS_INVALID_PARAMETER for a malformed list).
 */
static NTSTATUS SepValidateObjectTypeList(const OBJECT_TYPE_LIST *List, ULONG Count)
{
    for (ULONG i = 0; i < Count; i++) {
        USHORT level = List[i].Level;
        if (List[i].ObjectType == NULL || level > ACCESS_MAX_LEVEL || (i == 0) != (level == 0) ||
            (i > 0 && level > List[i - 1].Level + 1))
            return STATUS_INVALID_PARAMETER;
        for (ULONG j = 0; j < i; j++)
            if (memcmp(List[j].ObjectType, List[i].ObjectType, sizeof(GUID)) == 0)
                return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

static VOID SepBuildTree(PSEP_TYPE_TREE Tree)
{
    for (ULONG i = 0; i < Tree->Count; i++) {
        USHORT level = Tree->List[i].Level;
        Tree->Nodes[i].Parent = (ULONG)-1;
        for (ULONG j = i; j-- > 0;)
            if (Tree->List[j].Level == level - 1) {
                Tree->Nodes[i].Parent = j;
                break;
            }
        ULONG end = i + 1;
        while (end < Tree->Count && Tree->List[end].Level > level)
            end++;
        Tree->Nodes[i].End = end;
    }
}

/* The node whose GUID is the object ACE's ObjectType, or (ULONG)-1. */
static ULONG SepFindNode(const SEP_TYPE_TREE *Tree, const GUID *Type)
{
    for (ULONG i = 0; i < Tree->Count; i++)
        if (memcmp(Tree->List[i].ObjectType, Type, sizeof(GUID)) == 0)
            return i;
    return (ULONG)-1;
}

static VOID SepGrantRange(PSEP_TYPE_TREE Tree, ULONG First, ULONG End, ACCESS_MASK Mask)
{
    for (ULONG i = First; i < End; i++) {
        PSEP_TYPE_NODE n = &Tree->Nodes[i];
        n->Granted |= Mask & Tree->Want & ~n->Denied;
    }
}

static VOID SepDenyRange(PSEP_TYPE_TREE Tree, ULONG First, ULONG End, ACCESS_MASK Mask)
{
    for (ULONG i = First; i < End; i++) {
        PSEP_TYPE_NODE n = &Tree->Nodes[i];
        n->Denied |= Mask & Tree->Want & ~n->Granted;
    }
}

/* A bit is granted on a parent once every child has it (walks up from Node). */
static VOID SepPropagateGrantUp(PSEP_TYPE_TREE Tree, ULONG Node)
{
    for (ULONG p = Tree->Nodes[Node].Parent; p != (ULONG)-1; p = Tree->Nodes[p].Parent) {
        ACCESS_MASK all = Tree->Want;
        for (ULONG c = p + 1; c < Tree->Nodes[p].End; c = Tree->Nodes[c].End)
            all &= Tree->Nodes[c].Granted;
        SepGrantRange(Tree, p, p + 1, all);
    }
}

static VOID SepPropagateDenyUp(PSEP_TYPE_TREE Tree, ULONG Node, ACCESS_MASK Mask)
{
    for (ULONG p = Tree->Nodes[Node].Parent; p != (ULONG)-1; p = Tree->Nodes[p].Parent)
        SepDenyRange(Tree, p, p + 1, Mask & Tree->Nodes[Node].Denied);
}

/* The SID an ACE names for this check: PRINCIPAL_SELF (S-1-5-10) stands for PrincipalSelf. */
static PSID SepSelfSubstitute(PSID Sid, PSID PrincipalSelf)
{
    static const UCHAR self[12] = { 1, 1, 0, 0, 0, 0, 0, 5, SECURITY_PRINCIPAL_SELF_RID, 0, 0, 0 };
    if (PrincipalSelf != NULL && Sid != NULL && memcmp(Sid, self, sizeof(self)) == 0)
        return PrincipalSelf;
    return Sid;
}

/* The GUID of node N as the trace prints it: {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}. */
static VOID SepTraceNode(PSEP_TRACE Trace, const SEP_TYPE_TREE *Tree, ULONG N)
{
    const GUID *g = Tree->List[N].ObjectType;
    SepTrace(Trace, "node %u {%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned)N, (unsigned)g->Data1,
             g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
             g->Data4[6], g->Data4[7]);
}

/*
 * SepTraceTreeStep - one line for ACE[Index] of a pass: which node its object type named
 * (or every node) and, for each node, the bits this ACE decided there (Before holds every
 * node's Granted then Denied from before the ACE).
 */
static VOID SepTraceTreeStep(PSEP_TRACE Trace, const SEP_TYPE_TREE *Tree, BOOLEAN Restricted, ULONG Index,
                             BOOLEAN Allow, PSID Sid, ULONG Node, const ACCESS_MASK *Before)
{
    SepTrace(Trace, "%s pass: ACE[%u] %s ", Restricted ? "restricted" : "normal", (unsigned)Index,
             Allow ? "allow" : "deny");
    SepTraceSid(Trace, Sid);
    if (Node == (ULONG)-1) {
        SepTrace(Trace, " (every node)");
    } else {
        SepTrace(Trace, " for ");
        SepTraceNode(Trace, Tree, Node);
    }
    BOOLEAN any = FALSE;
    for (ULONG n = 0; n < Tree->Count; n++) {
        ACCESS_MASK got = Allow ? Tree->Nodes[n].Granted & ~Before[n] : Tree->Nodes[n].Denied & ~Before[Tree->Count + n];
        if (got == 0)
            continue;
        SepTrace(Trace, "%s", any ? ";" : ":");
        SepTrace(Trace, " ");
        SepTraceNode(Trace, Tree, n);
        SepTrace(Trace, " %s", Allow ? "grants" : "denies");
        SepTraceMask(Trace, got);
        any = TRUE;
    }
    SepTrace(Trace, "%s\n", any ? "" : " changes nothing: no bit it holds is still undecided on a node it reaches");
}

/*
 * SepEvaluateTree - one pass (normal or restricted) over the DACL for every node. PreGranted
 * bits (previously granted, privileges, owner rights) start granted on every node.
 */
static VOID SepEvaluateTree(const SEP_ACCESS_REQUEST *Req, PSEP_TYPE_TREE Tree, BOOLEAN Restricted,
                            ACCESS_MASK PreGranted, PSID PrincipalSelf, ACCESS_MASK *Before)
{
    const SEP_SD_VIEW *sd = Req->Sd;
    PTOKEN token = Req->Token;
    for (ULONG i = 0; i < Tree->Count; i++)
        Tree->Nodes[i].Granted = PreGranted & Tree->Want, Tree->Nodes[i].Denied = 0;
    if (!sd->DaclPresent || sd->Dacl == NULL) {
        ACCESS_MASK all = (Req->DesiredAccess & MAXIMUM_ALLOWED) ? Req->Mapping->GenericAll | Req->DesiredAccess
                                                                 : Tree->Want;
        SepGrantRange(Tree, 0, Tree->Count, all);
        if (Req->Trace)
            SepTrace(Req->Trace, "%s pass: NULL DACL grants every requested right on every node\n",
                     Restricted ? "restricted" : "normal");
        return;
    }
    PACL dacl = sd->Dacl;
    BOOLEAN isOwner = sd->Owner && (SepTokenSidMatch(token, sd->Owner, Restricted) & SEP_MATCH_ALLOW);
    BOOLEAN ownerRightsAce = FALSE;
    PACE_HEADER ace = SepFirstAce(dacl);
    for (ULONG i = 0; i < dacl->AceCount; i++, ace = SepNextAce(ace))
        if (!(ace->AceFlags & INHERIT_ONLY_ACE) &&
            (ace->AceType == ACCESS_ALLOWED_ACE_TYPE || ace->AceType == ACCESS_DENIED_ACE_TYPE) &&
            SepSidIsOwnerRights(SepAceSid(ace)))
            ownerRightsAce = TRUE;
    if (isOwner && !ownerRightsAce) {
        SepGrantRange(Tree, 0, Tree->Count, READ_CONTROL | WRITE_DAC);
        if (Req->Trace) {
            SepTrace(Req->Trace, "%s pass: owner ", Restricted ? "restricted" : "normal");
            SepTraceSid(Req->Trace, sd->Owner);
            SepTrace(Req->Trace, " is in the token: implicit READ_CONTROL|WRITE_DAC on every node\n");
        }
    }

    ace = SepFirstAce(dacl);
    for (ULONG i = 0; i < dacl->AceCount; i++, ace = SepNextAce(ace)) {
        if (ace->AceFlags & INHERIT_ONLY_ACE)
            continue;
        BOOLEAN allow, conditional = FALSE, object = FALSE;
        switch (ace->AceType) {
        case ACCESS_ALLOWED_ACE_TYPE: allow = TRUE; break;
        case ACCESS_DENIED_ACE_TYPE: allow = FALSE; break;
        case ACCESS_ALLOWED_CALLBACK_ACE_TYPE: allow = TRUE; conditional = TRUE; break;
        case ACCESS_DENIED_CALLBACK_ACE_TYPE: allow = FALSE; conditional = TRUE; break;
        case ACCESS_ALLOWED_OBJECT_ACE_TYPE: allow = TRUE; object = TRUE; break;
        case ACCESS_DENIED_OBJECT_ACE_TYPE: allow = FALSE; object = TRUE; break;
        case ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE: allow = TRUE; object = conditional = TRUE; break;
        case ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE: allow = FALSE; object = conditional = TRUE; break;
        default: continue; /* audit, label and unknown ACEs grant nothing */
        }
        ULONG node = (ULONG)-1;
        if (object && (((PACCESS_ALLOWED_OBJECT_ACE)ace)->Flags & ACE_OBJECT_TYPE_PRESENT)) {
            GUID type;
            memcpy(&type, (PUCHAR)ace + 12, sizeof(type));
            node = SepFindNode(Tree, &type);
            if (node == (ULONG)-1)
                continue; /* an object type this check does not ask about */
        }
        PSID sid = SepSelfSubstitute(SepAceSid(ace), PrincipalSelf);
        ULONG match = SepSidIsOwnerRights(sid) ? (isOwner ? SEP_MATCH_ALLOW | SEP_MATCH_DENY : 0)
                                               : SepTokenSidMatch(token, sid, Restricted);
        if (!(match & (allow ? SEP_MATCH_ALLOW : SEP_MATCH_DENY)))
            continue;
        if (conditional && !SepCallbackAceApplies(Req, Restricted, ace, i, allow))
            continue;
        ACCESS_MASK mask = SepAceMask(ace);
        if (Before)
            for (ULONG n = 0; n < Tree->Count; n++)
                Before[n] = Tree->Nodes[n].Granted, Before[Tree->Count + n] = Tree->Nodes[n].Denied;
        ULONG first = node == (ULONG)-1 ? 0 : node;
        ULONG end = node == (ULONG)-1 ? Tree->Count : Tree->Nodes[node].End;
        if (allow) {
            SepGrantRange(Tree, first, end, mask);
            if (node != (ULONG)-1)
                SepPropagateGrantUp(Tree, node);
        } else {
            SepDenyRange(Tree, first, end, mask);
            if (node != (ULONG)-1)
                SepPropagateDenyUp(Tree, node, mask);
        }
        if (Before)
            SepTraceTreeStep(Req->Trace, Tree, Restricted, i, allow, sid, node, Before);
    }
}

/*
 * SepAccessCheckTree - the whole check for every node of List (Count >= 1): fills Granted[]
 * and Status[] per node, and *Used with the privileges exercised. The caller mapped
 * generic bits, validated the descriptor and holds the token lock shared.
 * @remarks Per node, as SepAccessCheckCore for the object: without MAXIMUM_ALLOWED a node is
 * granted desired | previously granted iff every desired bit is granted on it; with it, a
 * node gets every bit granted on it, STATUS_ACCESS_DENIED when that is nothing or misses a
 * desired bit. A denied node's Granted[] holds the desired bits it did get (with
 * MAXIMUM_ALLOWED: everything it got), as NtAccessCheckByTypeResultList reports them; the
 * single-answer caller zeroes it. STATUS_PRIVILEGE_NOT_HELD (ACCESS_SYSTEM_SECURITY without
 * SeSecurityPrivilege) fails every node with 0.
 */
static NTSTATUS SepAccessCheckTree(const SEP_ACCESS_REQUEST *Req, const OBJECT_TYPE_LIST *List, ULONG Count,
                                   PSID PrincipalSelf, PACCESS_MASK Granted, PNTSTATUS Status, PULONG Used)
{
    BOOLEAN maximum = (Req->DesiredAccess & MAXIMUM_ALLOWED) != 0;
    ACCESS_MASK desired = Req->DesiredAccess & ~MAXIMUM_ALLOWED, prev = Req->PreviouslyGrantedAccess;
    *Used = 0;
    for (ULONG i = 0; i < Count; i++)
        Granted[i] = 0, Status[i] = STATUS_ACCESS_DENIED;
    if (desired == 0 && !maximum) {
        for (ULONG i = 0; i < Count; i++)
            Granted[i] = prev, Status[i] = prev ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
        return STATUS_SUCCESS;
    }
    PSEP_TYPE_NODE nodes = ExAllocatePoolWithTag(PagedPool, 2 * Count * sizeof(SEP_TYPE_NODE), SEP_BYTYPE_TAG);
    if (nodes == NULL)
        return STATUS_NO_MEMORY;
    ACCESS_MASK *before = NULL; /* the explain trace's per-ACE snapshot of every node */
    if (Req->Trace) {
        before = ExAllocatePoolWithTag(PagedPool, 2 * Count * sizeof(ACCESS_MASK), SEP_BYTYPE_TAG);
        if (before == NULL) {
            ExFreePoolWithTag(nodes, SEP_BYTYPE_TAG);
            return STATUS_NO_MEMORY;
        }
    }
    SEP_TYPE_TREE tree = { List, Count, nodes, 0 };
    tree.Want = maximum ? ~(ACCESS_MASK)(MAXIMUM_ALLOWED | ACCESS_SYSTEM_SECURITY | SEP_GENERIC_BITS) |
                              (desired & ACCESS_SYSTEM_SECURITY)
                        : desired;
    SepBuildTree(&tree);

    ACCESS_MASK mandatoryDenied = SepMandatoryDeniedAccess(Req) & ~prev;
    NTSTATUS privStatus = STATUS_SUCCESS;
    ACCESS_MASK byPrivilege = SepPrivilegeGrantedAccess(Req, Used, &privStatus);
    if (privStatus != STATUS_SUCCESS) {
        for (ULONG i = 0; i < Count; i++)
            Status[i] = privStatus;
        if (before)
            ExFreePoolWithTag(before, SEP_BYTYPE_TAG);
        ExFreePoolWithTag(nodes, SEP_BYTYPE_TAG);
        return STATUS_SUCCESS;
    }
    SepEvaluateTree(Req, &tree, FALSE, prev | byPrivilege, PrincipalSelf, before);
    PTOKEN token = Req->Token;
    if (SepTokenIsRestricted(token) && token->RestrictedSidCount != 0) {
        SEP_TYPE_TREE restricted = tree;
        restricted.Nodes = nodes + Count;
        SepBuildTree(&restricted);
        SepEvaluateTree(Req, &restricted, TRUE, prev | byPrivilege, PrincipalSelf, before);
        ACCESS_MASK extra = 0;
        if (atomic_load_explicit(&token->TokenFlags, memory_order_relaxed) & TOKEN_WRITE_RESTRICTED)
            extra = ~(Req->Mapping->GenericWrite & ~Req->Mapping->GenericRead & ~Req->Mapping->GenericExecute);
        for (ULONG i = 0; i < Count; i++)
            nodes[i].Granted &= restricted.Nodes[i].Granted | extra;
    }
    for (ULONG i = 0; i < Count; i++) {
        ACCESS_MASK g = (nodes[i].Granted & ~mandatoryDenied) | prev;
        if (maximum) {
            if (g != 0 && (desired & ~g) == 0)
                Granted[i] = g, Status[i] = STATUS_SUCCESS;
        } else if ((desired & ~g) == 0) {
            Granted[i] = desired | prev, Status[i] = STATUS_SUCCESS;
        }
        if (Status[i] != STATUS_SUCCESS)
            Granted[i] = maximum ? g : g & (desired | prev);
        if (Req->Trace) {
            SepTrace(Req->Trace, "result: ");
            SepTraceNode(Req->Trace, &tree, i);
            SepTrace(Req->Trace, " granted");
            SepTraceMask(Req->Trace, Granted[i]);
            SepTrace(Req->Trace, ", %s\n", Status[i] == STATUS_SUCCESS ? "STATUS_SUCCESS" : "STATUS_ACCESS_DENIED");
        }
    }
    if (before)
        ExFreePoolWithTag(before, SEP_BYTYPE_TAG);
    ExFreePoolWithTag(nodes, SEP_BYTYPE_TAG);
    return STATUS_SUCCESS;
}

/*
 * SepByTypeEntry - the common entry of both routines: argument checks, the KernelMode
 * shortcut, the NULL descriptor, the subject's level gate, the list check, then the tree.
 * Writes Results answers (ResultList: NtAccessCheckByTypeResultList's per-node partial
 * grants on denied nodes; else the root's, 0 when denied). A NULL or empty list is checked
 * as a one-node tree with no GUID, so object ACEs with an ObjectType are skipped as in
 * SeAccessCheck. Returns FALSE only for a
 * call that could not be made (then *Status[0] says why). No references change.
 */
static VOID SepByTypeEntry(PSECURITY_DESCRIPTOR Sd, PSID PrincipalSelf, PSECURITY_SUBJECT_CONTEXT Subject,
                           BOOLEAN Locked, ACCESS_MASK Desired, ACCESS_MASK Previous,
                           POBJECT_TYPE_LIST List, ULONG Count, PPRIVILEGE_SET *Privileges,
                           PGENERIC_MAPPING Mapping, KPROCESSOR_MODE Mode, PACCESS_MASK Granted,
                           PNTSTATUS Status, ULONG Results, BOOLEAN ResultList, PSEP_TRACE Trace)
{
    static GUID none;
    OBJECT_TYPE_LIST single = { ACCESS_OBJECT_GUID, 0, &none };
    if (List == NULL || Count == 0) {
        List = &single;
        Count = 1;
    }
    NTSTATUS fail = STATUS_SUCCESS;
    if (Mapping == NULL || Subject == NULL || (PrincipalSelf != NULL && !RtlValidSid(PrincipalSelf)))
        fail = STATUS_INVALID_PARAMETER;
    else if (SepValidateObjectTypeList(List, Count) != STATUS_SUCCESS)
        fail = STATUS_INVALID_PARAMETER;
    ACCESS_MASK desired = Mapping ? SepMapGeneric(Desired, Mapping) : 0;
    if (fail == STATUS_SUCCESS && Mode == KernelMode) {
        ACCESS_MASK g = (desired & MAXIMUM_ALLOWED) ? Mapping->GenericAll | (desired & ~MAXIMUM_ALLOWED) : desired;
        for (ULONG i = 0; i < Results; i++)
            Granted[i] = g | Previous, Status[i] = STATUS_SUCCESS;
        return;
    }
    if (fail == STATUS_SUCCESS && Sd == NULL)
        fail = STATUS_ACCESS_DENIED;
    PTOKEN token = NULL;
    if (fail == STATUS_SUCCESS)
        fail = SepSubjectCheckToken(Subject, "SeAccessCheckByType", &token);
    SEP_SD_VIEW view;
    if (fail == STATUS_SUCCESS)
        fail = SepCaptureSdView(Sd, &view);
    if (fail != STATUS_SUCCESS) {
        for (ULONG i = 0; i < Results; i++)
            Granted[i] = 0, Status[i] = fail;
        return;
    }
    SEP_ACCESS_REQUEST req = { .Sd = &view, .Token = token, .DesiredAccess = desired,
                               .PreviouslyGrantedAccess = Previous, .Mapping = Mapping, .Trace = Trace };
    PACCESS_MASK g = Granted;
    PNTSTATUS s = Status;
    ACCESS_MASK one;
    NTSTATUS oneStatus;
    PACCESS_MASK allGranted = NULL;
    PNTSTATUS allStatus = NULL;
    if (Results < Count) { /* only the root's answer is wanted */
        allGranted = ExAllocatePoolWithTag(PagedPool, Count * (sizeof(ACCESS_MASK) + sizeof(NTSTATUS)), SEP_BYTYPE_TAG);
        if (allGranted == NULL) {
            Granted[0] = 0, Status[0] = STATUS_NO_MEMORY;
            return;
        }
        allStatus = (PNTSTATUS)(allGranted + Count);
        g = allGranted, s = allStatus;
    }
    ULONG used = 0;
    if (!Locked)
        SepAcquireTokenLockShared(token);
    NTSTATUS st = SepAccessCheckTree(&req, List, Count, PrincipalSelf, g, s, &used);
    if (!Locked)
        SepReleaseTokenLock(token);
    one = g[0], oneStatus = s[0];
    if (Results == 1 && !ResultList && oneStatus != STATUS_SUCCESS)
        one = g[0] = 0; /* SeAccessCheckByType: a denied object grants nothing */
    if (allGranted) {
        Granted[0] = one, Status[0] = oneStatus;
        ExFreePoolWithTag(allGranted, SEP_BYTYPE_TAG);
    }
    if (st != STATUS_SUCCESS) {
        for (ULONG i = 0; i < Results; i++)
            Granted[i] = 0, Status[i] = st;
        return;
    }
    if (Privileges && used && oneStatus == STATUS_SUCCESS) {
        st = SepBuildPrivilegeSet(used, Privileges);
        if (st != STATUS_SUCCESS)
            for (ULONG i = 0; i < Results; i++)
                Granted[i] = 0, Status[i] = st;
    }
}

/*
 * SeAccessCheckByType - see ntse.h. One answer for the whole object: the root node's (access
 * to the object means access to every object type in the list). *Privileges (optional)
 * receives a PRIVILEGE_SET for SeFreePrivileges when a privilege granted access, else NULL.
 */
BOOLEAN SeAccessCheckByType(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID PrincipalSelfSid,
                            PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext,
                            BOOLEAN SubjectContextLocked, ACCESS_MASK DesiredAccess,
                            ACCESS_MASK PreviouslyGrantedAccess, POBJECT_TYPE_LIST ObjectTypeList,
                            ULONG ObjectTypeListLength, PPRIVILEGE_SET *Privileges,
                            PGENERIC_MAPPING GenericMapping, KPROCESSOR_MODE AccessMode,
                            PACCESS_MASK GrantedAccess, PNTSTATUS AccessStatus)
{
    if (Privileges)
        *Privileges = NULL;
    if (GrantedAccess == NULL || AccessStatus == NULL)
        return FALSE;
    SepByTypeEntry(SecurityDescriptor, PrincipalSelfSid, SubjectSecurityContext, SubjectContextLocked,
                   DesiredAccess, PreviouslyGrantedAccess, ObjectTypeList, ObjectTypeListLength, Privileges,
                   GenericMapping, AccessMode, GrantedAccess, AccessStatus, 1, FALSE, NULL);
    return *AccessStatus == STATUS_SUCCESS;
}

/*
 * NtsecAccessCheckByTypeResultList - see ntsec_token.h: GrantedAccessList[i] and
 * AccessStatusList[i] for node i of ObjectTypeList (ObjectTypeListLength entries, at least
 * one). Returns TRUE iff AccessStatusList[0] is STATUS_SUCCESS (access to the whole object,
 * SeAccessCheckByType's answer); FALSE also when the lists cannot be written (a NULL list
 * pointer or an empty list: nothing written).
 */
BOOLEAN NtsecAccessCheckByTypeResultList(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID PrincipalSelfSid,
                                         PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext,
                                         BOOLEAN SubjectContextLocked, ACCESS_MASK DesiredAccess,
                                         ACCESS_MASK PreviouslyGrantedAccess, POBJECT_TYPE_LIST ObjectTypeList,
                                         ULONG ObjectTypeListLength, PPRIVILEGE_SET *Privileges,
                                         PGENERIC_MAPPING GenericMapping, KPROCESSOR_MODE AccessMode,
                                         PACCESS_MASK GrantedAccessList, PNTSTATUS AccessStatusList)
{
    if (Privileges)
        *Privileges = NULL;
    if (GrantedAccessList == NULL || AccessStatusList == NULL || ObjectTypeList == NULL ||
        ObjectTypeListLength == 0)
        return FALSE;
    SepByTypeEntry(SecurityDescriptor, PrincipalSelfSid, SubjectSecurityContext, SubjectContextLocked,
                   DesiredAccess, PreviouslyGrantedAccess, ObjectTypeList, ObjectTypeListLength, Privileges,
                   GenericMapping, AccessMode, GrantedAccessList, AccessStatusList, ObjectTypeListLength, TRUE, NULL);
    return AccessStatusList[0] == STATUS_SUCCESS;
}

/* SepByTypeExplain - see accesschk.h. */
NTSTATUS SepByTypeExplain(PSECURITY_DESCRIPTOR Sd, PSID PrincipalSelf, PACCESS_TOKEN Token, ACCESS_MASK Desired,
                          POBJECT_TYPE_LIST List, ULONG Count, PGENERIC_MAPPING Mapping, PACCESS_MASK Granted,
                          PNTSTATUS Status, PSEP_TRACE Trace)
{
    if (Sd == NULL || Token == NULL || List == NULL || Count == 0 || Granted == NULL || Status == NULL ||
        Mapping == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, "NtsecAccessCheckByTypeExplain"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    if (SepExplainLevelGate(token, Trace)) {
        for (ULONG i = 0; i < Count; i++)
            Granted[i] = 0, Status[i] = STATUS_BAD_IMPERSONATION_LEVEL;
        return STATUS_SUCCESS;
    }
    SECURITY_SUBJECT_CONTEXT subject;
    memset(&subject, 0, sizeof(subject));
    subject.PrimaryToken = Token;
    if (token->TokenType == TokenImpersonation) {
        subject.ClientToken = Token;
        subject.ImpersonationLevel = token->ImpersonationLevel;
    }
    SepTrace(Trace, "desired");
    SepTraceMask(Trace, SepMapGeneric(Desired, Mapping));
    SepTrace(Trace, ", object type list of %u node(s)\n", (unsigned)Count);
    SepByTypeEntry(Sd, PrincipalSelf, &subject, FALSE, Desired, 0, List, Count, NULL, Mapping, UserMode, Granted,
                   Status, Count, TRUE, Trace);
    return STATUS_SUCCESS;
}
