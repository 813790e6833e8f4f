/*
 * accesschk.h - private interface of the access check (src/se/accesschk*.c, sidindex.c,
 * assign*.c). See docs/access-check.md for the algorithm and the Windows rules it follows.
 */
#ifndef NTSEC_ACCESSCHK_H
#define NTSEC_ACCESSCHK_H

#include <string.h>
#include "se/sep.h"
#include "verifier/vf.h" /* VfAccessCheckBadLevel */

#define SEP_GENERIC_BITS (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL)

/* ---- SIDs (no Rtl dependency: the check runs on raw, already validated bytes) ---- */

static inline ULONG SepSidLength(PSID Sid)
{
    return 8 + 4 * (ULONG)((PISID)Sid)->SubAuthorityCount;
}

/* Inline word compares, no memcmp call: the 8-byte head (revision, count, authority),
 * then the sub-authorities (a hit in the access check's SID lookup compares one SID). */
static inline BOOLEAN SepSidEqual(PSID A, PSID B)
{
    const UCHAR *a = (const UCHAR *)A, *b = (const UCHAR *)B;
    ULONG64 ha, hb;
    memcpy(&ha, a, sizeof(ha));
    memcpy(&hb, b, sizeof(hb));
    if (ha != hb)
        return FALSE;
    for (ULONG i = 0, n = a[1]; i < n; i++) {
        ULONG x, y;
        memcpy(&x, a + 8 + 4 * i, sizeof(x));
        memcpy(&y, b + 8 + 4 * i, sizeof(y));
        if (x != y)
            return FALSE;
    }
    return TRUE;
}

/* Well-known SID test: authority value Authority, one sub-authority Rid. */
static inline BOOLEAN SepSidIsWellKnown(PSID Sid, UCHAR Authority, ULONG Rid)
{
    const SID *s = (const SID *)Sid;
    return s->Revision == 1 && s->SubAuthorityCount == 1 && s->IdentifierAuthority.Value[0] == 0 &&
           s->IdentifierAuthority.Value[1] == 0 && s->IdentifierAuthority.Value[2] == 0 &&
           s->IdentifierAuthority.Value[3] == 0 && s->IdentifierAuthority.Value[4] == 0 &&
           s->IdentifierAuthority.Value[5] == Authority && s->SubAuthority[0] == Rid;
}
/* OWNER RIGHTS (S-1-3-4), asked for every ACE the check walks: two word compares (the
 * 8-byte head: revision 1, one sub-authority, authority 3; then the RID). */
static inline BOOLEAN SepSidIsOwnerRights(PSID Sid)
{
    static const UCHAR head[8] = {SID_REVISION, 1, 0, 0, 0, 0, 0, 3};
    ULONG64 h, want;
    ULONG rid;
    memcpy(&h, Sid, sizeof(h));
    memcpy(&want, head, sizeof(want));
    if (h != want)
        return FALSE;
    memcpy(&rid, (const UCHAR *)Sid + 8, sizeof(rid));
    return rid == SECURITY_CREATOR_OWNER_RIGHTS_RID;
}
#define SepSidIsCreatorOwner(S) SepSidIsWellKnown((S), 3, SECURITY_CREATOR_OWNER_RID)
#define SepSidIsCreatorGroup(S) SepSidIsWellKnown((S), 3, SECURITY_CREATOR_GROUP_RID)

/* ---- Security descriptor view ---- */

typedef struct _SEP_SD_VIEW {
    SECURITY_DESCRIPTOR_CONTROL Control;
    PSID Owner;  /* NULL: none */
    PSID Group;  /* NULL: none */
    PACL Dacl;   /* NULL with DaclPresent: NULL DACL */
    PACL Sacl;
    BOOLEAN DaclPresent;
    BOOLEAN SaclPresent;
    BOOLEAN DaclAcesUnchecked; /* SepCaptureSdViewEx(DeferDaclAces): the DACL's ACEs are not checked yet */
} SEP_SD_VIEW, *PSEP_SD_VIEW;

/*
 * SepCaptureSdView - reads an absolute or self-relative descriptor into View (pointers into
 * Sd; nothing is copied or referenced). Validates revision, SIDs and ACL structure (every
 * ACE inside its ACL, every ACE SID inside its ACE). Returns STATUS_SUCCESS or
 * STATUS_INVALID_SECURITY_DESCR / STATUS_INVALID_ACL / STATUS_INVALID_SID.
 */
NTSTATUS SepCaptureSdView(PSECURITY_DESCRIPTOR Sd, PSEP_SD_VIEW View);
/* The same; with DeferDaclAces only the DACL's header is checked and View->DaclAcesUnchecked
 * is set: the ACEs must be checked (se/aclwalk.h) before any is read. */
NTSTATUS SepCaptureSdViewEx(PSECURITY_DESCRIPTOR Sd, PSEP_SD_VIEW View, BOOLEAN DeferDaclAces);

/* Validates one ACL (structure, ACE sizes, SIDs). */
NTSTATUS SepValidateAclStructure(PACL Acl);

/* The SID of an ACE (NULL for compound or unknown ACE types); validated by SepValidateAclStructure. */
PSID SepAceSid(PACE_HEADER Ace);

/* First ACE of Acl, and the next one (no bounds checks: validate first). */
static inline PACE_HEADER SepFirstAce(PACL Acl)
{
    return (PACE_HEADER)((PUCHAR)Acl + sizeof(ACL));
}
static inline PACE_HEADER SepNextAce(PACE_HEADER Ace)
{
    return (PACE_HEADER)((PUCHAR)Ace + Ace->AceSize);
}
/* The ACE's access mask; an ACE too short to hold one (an unknown type may be a bare
 * 4-byte header, which validation allows) has none: 0, and nothing past AceSize is read. */
static inline ACCESS_MASK SepAceMask(PACE_HEADER Ace)
{
    if (Ace->AceSize < sizeof(ACE_HEADER) + sizeof(ACCESS_MASK))
        return 0;
    return ((PACCESS_ALLOWED_ACE)Ace)->Mask;
}

/* Maps generic bits of Mask through Mapping (RtlMapGenericMask semantics). */
static inline ACCESS_MASK SepMapGeneric(ACCESS_MASK Mask, const GENERIC_MAPPING *Mapping)
{
    if (Mask & SEP_GENERIC_BITS) {
        if (Mask & GENERIC_READ) Mask |= Mapping->GenericRead;
        if (Mask & GENERIC_WRITE) Mask |= Mapping->GenericWrite;
        if (Mask & GENERIC_EXECUTE) Mask |= Mapping->GenericExecute;
        if (Mask & GENERIC_ALL) Mask |= Mapping->GenericAll;
        Mask &= ~SEP_GENERIC_BITS;
    }
    return Mask;
}

/* ---- Token SID lookup (sidindex.c) ---- */

#define SEP_MATCH_ALLOW 0x1 /* the SID is enabled in the set: allow and deny ACEs apply */
#define SEP_MATCH_DENY  0x2 /* deny ACEs apply (enabled or deny-only) */

/*
 * SepTokenSidMatch - how Sid matches Token's normal set (UserAndGroups, Restricted FALSE)
 * or its restricted SIDs (Restricted TRUE): 0, or SEP_MATCH_DENY, or both bits.
 * Uses Token->SidIndex when present, else a linear scan. The caller holds the token lock
 * shared (attributes are read live).
 */
ULONG SepTokenSidMatch(PTOKEN Token, PSID Sid, BOOLEAN Restricted);
/* The same answer for Token's device groups (Device_Member_of). */
ULONG SepTokenDeviceSidMatch(PTOKEN Token, PSID Sid);
/* Naive reference used by tests and the benchmark baseline: always a linear scan. */
ULONG SepTokenSidMatchLinear(PTOKEN Token, PSID Sid, BOOLEAN Restricted);
/* The most table entries any lookup in Token's index examines (hit or miss; 0 without an
 * index). A structural figure for tests: it bounds the cost of a check per ACE. */
ULONG SepSidIndexWorstProbe(PTOKEN Token);

/* ---- Trace (accesschk_explain.c) ---- */

typedef struct _SEP_TRACE {
    PSTR Buffer;
    SIZE_T Length;
    SIZE_T Capacity;
    BOOLEAN Failed; /* an allocation failed; the trace is incomplete */
    ULONG RightsKind; /* SEP_RIGHTS_KIND used to name specific rights */
} SEP_TRACE, *PSEP_TRACE;

VOID SepTrace(PSEP_TRACE Trace, PCSTR Format, ...) __attribute__((format(printf, 2, 3)));
/* Appends " (NAME|NAME|0x...)" naming the bits of Mask. */
VOID SepTraceMask(PSEP_TRACE Trace, ACCESS_MASK Mask);
VOID SepTraceSid(PSEP_TRACE Trace, PSID Sid);

/* ---- The check itself (accesschk.c) ---- */

#define SEP_USED_SECURITY_PRIVILEGE        0x1
#define SEP_USED_TAKE_OWNERSHIP_PRIVILEGE  0x2
#define SEP_USED_RELABEL_PRIVILEGE         0x4

typedef struct _SEP_ACCESS_REQUEST {
    const SEP_SD_VIEW *Sd;
    PTOKEN Token;                 /* read under the caller's shared lock */
    ACCESS_MASK DesiredAccess;    /* generic bits already mapped; may include MAXIMUM_ALLOWED */
    ACCESS_MASK PreviouslyGrantedAccess;
    const GENERIC_MAPPING *Mapping;
    PSEP_TRACE Trace;             /* NULL: no explain trace */
    PULONG DaclState;             /* NULL: the DACL was checked with the view; else SEP_DACL_* */
} SEP_ACCESS_REQUEST, *PSEP_ACCESS_REQUEST;

/* DaclState: the first walk of a DACL captured with DeferDaclAces checks each ACE before it
 * reads it (se/aclwalk.h) and the ACEs after an early stop, so validation costs no pass of
 * its own (issue 15 §3); nothing about the caller's buffer is remembered between checks. */
#define SEP_DACL_CHECKED   0u
#define SEP_DACL_UNCHECKED 1u
#define SEP_DACL_MALFORMED 2u /* the check's result is void: STATUS_INVALID_ACL */

typedef struct _SEP_ACCESS_RESULT {
    ACCESS_MASK GrantedAccess;
    NTSTATUS Status;
    ULONG PrivilegesUsed;         /* SEP_USED_* */
} SEP_ACCESS_RESULT, *PSEP_ACCESS_RESULT;

/* SepAccessCheckCore - the DACL/integrity/privilege evaluation of MS-DTYP 2.5.3.2 (Vista+). */
/* Whether a callback ACE whose SID matched applies in this pass (MS-DTYP 2.4.4.17.3). */
BOOLEAN SepCallbackAceApplies(const SEP_ACCESS_REQUEST *Req, BOOLEAN Restricted, PACE_HEADER Ace,
                              ULONG Index, BOOLEAN Allow);
VOID SepAccessCheckCore(const SEP_ACCESS_REQUEST *Request, PSEP_ACCESS_RESULT Result);

/* NtAccessCheck level gate: primary => STATUS_NO_IMPERSONATION_TOKEN, Anonymous =>
 * STATUS_BAD_IMPERSONATION_LEVEL, wrong object => STATUS_OBJECT_TYPE_MISMATCH. */
NTSTATUS SepExplicitTokenGate(PACCESS_TOKEN Token, PCSTR Routine);
/* The explicit-token check with an optional trace and privilege set (accesschk.c). */
NTSTATUS SepExplicitCheck(PSECURITY_DESCRIPTOR Sd, PACCESS_TOKEN Token, ACCESS_MASK DesiredAccess,
                          PGENERIC_MAPPING Mapping, PACCESS_MASK GrantedAccess,
                          PNTSTATUS AccessStatus, PSEP_TRACE Trace, PPRIVILEGE_SET *Privileges);
/* The subject-style check (SeAccessCheck UserMode rules) on one token, with optional trace. */
NTSTATUS SepSubjectCheck(PSECURITY_DESCRIPTOR Sd, PACCESS_TOKEN Token, ACCESS_MASK DesiredAccess,
                         PGENERIC_MAPPING Mapping, PACCESS_MASK GrantedAccess,
                         PNTSTATUS AccessStatus, PSEP_TRACE Trace);
/*
 * SepByTypeExplain - NtsecAccessCheckByTypeResultList (UserMode, nothing previously granted)
 * for a subject whose effective token is Token, writing Trace (accesschk_bytype.c): which ACE
 * decided which bits on which node of List. STATUS_SUCCESS when the answers were written;
 * borrowed Token, no references.
 */
NTSTATUS SepByTypeExplain(PSECURITY_DESCRIPTOR Sd, PSID PrincipalSelf, PACCESS_TOKEN Token, ACCESS_MASK Desired,
                          POBJECT_TYPE_LIST List, ULONG Count, PGENERIC_MAPPING Mapping, PACCESS_MASK Granted,
                          PNTSTATUS Status, PSEP_TRACE Trace);

/* Integrity (accesschk_integrity.c): bits the mandatory policy denies (0 when none). */
ACCESS_MASK SepMandatoryDeniedAccess(const SEP_ACCESS_REQUEST *Request);
/* The object's label from its SACL: IL and SYSTEM_MANDATORY_LABEL_* policy (Medium/NO_WRITE_UP when none). */
VOID SepObjectIntegrity(const SEP_SD_VIEW *Sd, PULONG Rid, PULONG Policy);

/* Privileges for access (accesschk_priv.c). Returns the bits granted by privilege, and
 * sets *Status to STATUS_PRIVILEGE_NOT_HELD when ACCESS_SYSTEM_SECURITY is asked without it. */
ACCESS_MASK SepPrivilegeGrantedAccess(const SEP_ACCESS_REQUEST *Request, PULONG Used, PNTSTATUS Status);
/* Builds the PRIVILEGE_SET for Used (pool, freed by SeFreePrivileges); NULL when Used is 0. */
NTSTATUS SepBuildPrivilegeSet(ULONG Used, PPRIVILEGE_SET *Privileges);

/* Privilege name for trace output. */
#include "se/privnames.h" /* SepPrivilegeName: NULL for an unknown LUID */

/*
 * SepSubjectCheckToken - the token a check of Subject uses: the client token if there is
 * one, else the primary token. STATUS_BAD_IMPERSONATION_LEVEL (reported to the verifier
 * as Routine's) when the client token is below Impersonation level (spec 2.14 level gate:
 * an Identification or Anonymous client cannot be checked against); STATUS_OBJECT_TYPE_MISMATCH
 * when the chosen token is missing or not a token (5-D24). Takes no reference: *Token is
 * held by Subject. Shared by SeAccessCheck and SePrivilegeCheck; always inlined so the
 * verifier's stacks still start at the Se* routine.
 */
static inline __attribute__((always_inline)) NTSTATUS
SepSubjectCheckToken(PSECURITY_SUBJECT_CONTEXT Subject, PCSTR Routine, PTOKEN *Token)
{
    if (Subject->ClientToken != NULL && Subject->ImpersonationLevel < SecurityImpersonation) {
        VfAccessCheckBadLevel(Subject, Routine);
        return STATUS_BAD_IMPERSONATION_LEVEL;
    }
    PTOKEN token = Subject->ClientToken ? Subject->ClientToken : Subject->PrimaryToken;
    if (token == NULL || !SepIsToken(token, Routine))
        return STATUS_OBJECT_TYPE_MISMATCH;
    *Token = token;
    return STATUS_SUCCESS;
}

/*
 * SepExplainLevelGate - TRUE (and the trace line) when Token is an impersonation token below
 * Impersonation level, which fails every user-mode check with STATUS_BAD_IMPERSONATION_LEVEL
 * (spec 2.20 step 3); the explain routines answer it themselves, so the verifier does not
 * report it as a caller's bug. Trace may be NULL. No references.
 */
static inline BOOLEAN SepExplainLevelGate(PTOKEN Token, PSEP_TRACE Trace)
{
    if (Token->TokenType != TokenImpersonation || Token->ImpersonationLevel >= SecurityImpersonation)
        return FALSE;
    if (Trace)
        SepTrace(Trace, "level gate: impersonation at %s level: every user-mode check fails: "
                        "STATUS_BAD_IMPERSONATION_LEVEL (spec 2.20 step 3)\n",
                 Token->ImpersonationLevel == SecurityAnonymous ? "Anonymous" : "Identification");
    return TRUE;
}

#endif /* NTSEC_ACCESSCHK_H */
