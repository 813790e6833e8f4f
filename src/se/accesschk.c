/*
 * accesschk.c - the access check: the DACL walk of MS-DTYP 2.5.3.2 with the Vista-and-later
 * additions (integrity, OWNER RIGHTS, write-restricted tokens), SeAccessCheck (spec 2.20)
 * and the explicit-token check NtsecAccessCheckToken (NtAccessCheck's level rules).
 *
 * Algorithm (docs/access-check.md):
 *   1. privileges for access: ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege, WRITE_OWNER
 *      may come from SeTakeOwnershipPrivilege (accesschk_priv.c);
 *   2. mandatory integrity: bits the object's label denies to a lower token (accesschk_integrity.c);
 *   3. the normal pass over the DACL with the user and groups;
 *   4. for restricted tokens, a second pass with the restricted SIDs; the result is the
 *      intersection (for write-restricted tokens, only for write bits).
 * Every bit is decided by the first ACE that names it (allow or deny); MAXIMUM_ALLOWED
 * collects every bit some ACE grants before a deny ACE names it.
 */
#include "se/accesschk.h"
#include "verifier/vf.h"
#include "rtl/rtlp.h"
#include "se/aclwalk.h"
#include "se/cond.h"
#include "se/sidindex.h"

typedef enum _SEP_PASS { SepPassNormal = 0, SepPassRestricted = 1 } SEP_PASS;

static PCSTR SepPassName(SEP_PASS Pass)
{
    return Pass == SepPassNormal ? "normal" : "restricted";
}

/*
 * SepConditionApplies - whether a callback ACE whose SID matched applies (MS-DTYP 2.4.4.17.3):
 * an allow ACE only when its condition is TRUE, a deny ACE when it is TRUE or UNKNOWN (an
 * absent, invalid or failing expression is UNKNOWN). Member_of in the condition matches
 * SIDs as the ACE's own SID does in this pass. Traced when explaining.
 */
static BOOLEAN SepConditionApplies(const SEP_ACCESS_REQUEST *Req, SEP_PASS Pass, PACE_HEADER Ace,
                                   ULONG Index, BOOLEAN Allow)
{
    const UCHAR *data;
    ULONG length;
    PCSTR reason = NULL;
    SepCondAceData(Ace, &data, &length);
    SEP_COND_CONTEXT ctx = {
        .Token = Req->Token,
        .Restricted = (Pass == SepPassRestricted),
        .MatchBit = Allow ? SEP_MATCH_ALLOW : SEP_MATCH_DENY,
        .Sacl = Req->Sd->SaclPresent ? Req->Sd->Sacl : NULL,
    };
    SEP_COND_VALUE v = SepCondEvaluate(data, length, &ctx, &reason);
    BOOLEAN applies = Allow ? (v == SepCondTrue) : (v != SepCondFalse);
    if (Req->Trace) {
        SepTrace(Req->Trace, "%s pass: ACE[%u] %s-callback ", SepPassName(Pass), Index,
                 Allow ? "allow" : "deny");
        SepTraceSid(Req->Trace, SepAceSid(Ace));
        SepTrace(Req->Trace, " condition ");
        SepTraceCondition(Req->Trace, data, length);
        SepTrace(Req->Trace, " is %s%s%s%s: the ACE %s\n", SepCondValueName(v),
                 reason ? " (" : "", reason ? reason : "", reason ? ")" : "",
                 applies ? "applies" : "does not apply");
    }
    return applies;
}

/* SepCallbackAceApplies - see accesschk.h (SepConditionApplies for the by-type check). */
BOOLEAN SepCallbackAceApplies(const SEP_ACCESS_REQUEST *Req, BOOLEAN Restricted, PACE_HEADER Ace,
                              ULONG Index, BOOLEAN Allow)
{
    return SepConditionApplies(Req, Restricted ? SepPassRestricted : SepPassNormal, Ace, Index, Allow);
}

/*
 * SepEvaluateDacl(Body) - one pass over the DACL for the bits in Want. Returns the bits granted;
 * *Denied receives the bits a deny ACE decided. Bits in PreGranted count as granted
 * already (previously granted, or granted by privilege).
 * @remarks MS-DTYP 2.5.3.2: owner implicit READ_CONTROL|WRITE_DAC unless the DACL holds an
 * OWNER RIGHTS (S-1-3-4) ACE, in which case OWNER RIGHTS ACEs give the owner exactly their
 * mask; inherit-only ACEs are skipped; an ACE's generic bits are NOT mapped (MS-DTYP 2.5.3.2; SeAssignSecurity maps them); object ACEs without
 * an object type act as plain ACEs, with one they are skipped (no type list, spec row 17);
 * callback (conditional) ACEs apply per SepConditionApplies.
 */
static inline __attribute__((always_inline)) ACCESS_MASK
SepEvaluateDaclBody(const SEP_ACCESS_REQUEST *Req, SEP_PASS Pass, ACCESS_MASK Want,
                    ACCESS_MASK PreGranted, PACCESS_MASK Denied, PSEP_TRACE trace)
{
    const SEP_SD_VIEW *sd = Req->Sd;
    PTOKEN token = Req->Token;
    BOOLEAN restricted = (Pass == SepPassRestricted);
    ACCESS_MASK granted = PreGranted & Want, denied = 0;
    PACL dacl = sd->Dacl;

    if (!sd->DaclPresent || dacl == NULL) {
        /* NULL DACL: everything (MAXIMUM_ALLOWED gets GenericAll, see caller). */
        if (trace)
            SepTrace(trace, "%s pass: NULL DACL grants every requested right\n", SepPassName(Pass));
        *Denied = 0;
        if (Req->DesiredAccess & MAXIMUM_ALLOWED)
            return (Req->Mapping->GenericAll |
                    (Req->DesiredAccess & ~MAXIMUM_ALLOWED)) & Want;
        return Want;
    }

    /* The ACEs of a DACL captured with DeferDaclAces are checked here, each before it is
     * read (Req->DaclState, accesschk.h); a malformed one voids the check. */
    PULONG state = Req->DaclState;
    BOOLEAN check = state != NULL && *state == SEP_DACL_UNCHECKED;
    BOOLEAN isOwner = FALSE, ownerRightsAce = FALSE;
    if (sd->Owner && (SepTokenSidMatchInline(token, sd->Owner, restricted) & SEP_MATCH_ALLOW))
        isOwner = TRUE;
    if (isOwner && check) {
        /* The OWNER RIGHTS scan below reads every ACE: check them all first. */
        if (SepValidateAclTail(dacl, 0, SepFirstAce(dacl)) != STATUS_SUCCESS)
            goto Malformed;
        *state = SEP_DACL_CHECKED;
        check = FALSE;
    }
    if (isOwner) {
        PACE_HEADER ace = SepFirstAce(dacl);
        for (ULONG i = 0; i < dacl->AceCount; i++, ace = SepNextAce(ace)) {
            if (ace->AceFlags & INHERIT_ONLY_ACE)
                continue;
            if (ace->AceType != ACCESS_ALLOWED_ACE_TYPE && ace->AceType != ACCESS_DENIED_ACE_TYPE)
                continue;
            if (SepSidIsOwnerRights(SepAceSid(ace))) {
                ownerRightsAce = TRUE;
                break;
            }
        }
        if (!ownerRightsAce) {
            ACCESS_MASK implicit = (READ_CONTROL | WRITE_DAC) & Want & ~granted;
            granted |= (READ_CONTROL | WRITE_DAC) & Want;
            if (trace) {
                SepTrace(trace, "%s pass: owner ", SepPassName(Pass));
                SepTraceSid(trace, sd->Owner);
                SepTrace(trace, " is in the token: implicit READ_CONTROL|WRITE_DAC");
                if (implicit) {
                    SepTrace(trace, " grants");
                    SepTraceMask(trace, implicit);
                }
                SepTrace(trace, "\n");
            }
        } else if (trace) {
            SepTrace(trace, "%s pass: token is owner but the DACL has an OWNER RIGHTS ACE: "
                            "no implicit owner rights\n", SepPassName(Pass));
        }
    }

    /* Loop invariants in locals: the compiler cannot keep them across the condition
     * evaluator's call on its own. */
    PSEP_SID_INDEX index = token->SidIndex;
    SEP_SID_FILTER filter = {NULL, 0, 0};
    if (index != NULL)
        filter = SepSidIndexFilter(index);
    const UCHAR *end = (const UCHAR *)dacl + dacl->AclSize;
    ULONG count = dacl->AceCount;
    PACE_HEADER ace = SepFirstAce(dacl);
    BOOLEAN decided = (granted == Want); /* every wanted bit decided (updated when one is) */
    for (ULONG i = 0; i < count; i++, ace = SepNextAce(ace)) {
        if (decided && trace == NULL) {
            /* every wanted bit is decided; the rest must still be well formed */
            if (check && SepValidateAclTail(dacl, i, ace) != STATUS_SUCCESS)
                goto Malformed;
            break;
        }
        ULONG found = 0; /* the SID's match when the scan below looked it up */
        if (trace == NULL && index != NULL) {
            /* ACEs that change nothing, in a tight loop; the walk goes on from the first
             * one that may (aclwalk.h). */
            i = SepSkipUnmatchedAces(&ace, end, i, count, filter, index, token, restricted, &found);
            if (i == count)
                break;
        }
        if (check && !SepAceWellFormed(ace, (SIZE_T)(end - (const UCHAR *)ace)))
            goto Malformed;
        if (ace->AceFlags & INHERIT_ONLY_ACE) {
            if (trace)
                SepTrace(trace, "%s pass: ACE[%u] skipped: inherit-only (it applies to children)\n",
                         SepPassName(Pass), i);
            continue;
        }
        BOOLEAN allow, conditional = FALSE;
        ULONG sidOffset = 8; /* plain and callback ACEs */
        switch (ace->AceType) {
        case ACCESS_ALLOWED_ACE_TYPE:
        case ACCESS_DENIED_ACE_TYPE:
            allow = (ace->AceType == ACCESS_ALLOWED_ACE_TYPE);
            break;
        case ACCESS_ALLOWED_CALLBACK_ACE_TYPE:
        case ACCESS_DENIED_CALLBACK_ACE_TYPE:
            allow = (ace->AceType == ACCESS_ALLOWED_CALLBACK_ACE_TYPE);
            conditional = TRUE;
            break;
        case ACCESS_ALLOWED_OBJECT_ACE_TYPE:
        case ACCESS_DENIED_OBJECT_ACE_TYPE:
            if (((PACCESS_ALLOWED_OBJECT_ACE)ace)->Flags & ACE_OBJECT_TYPE_PRESENT) {
                if (trace)
                    SepTrace(trace, "%s pass: ACE[%u] skipped: object ACE for an object type (this check "
                             "has no object type list)\n", SepPassName(Pass), i);
                continue;
            }
            allow = (ace->AceType == ACCESS_ALLOWED_OBJECT_ACE_TYPE);
            sidOffset = SepAceSidOffset(ace);
            break;
        case ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE:
        case ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE:
            if (((PACCESS_ALLOWED_OBJECT_ACE)ace)->Flags & ACE_OBJECT_TYPE_PRESENT) {
                if (trace)
                    SepTrace(trace, "%s pass: ACE[%u] skipped: object ACE for an object type (this check "
                             "has no object type list)\n", SepPassName(Pass), i);
                continue;
            }
            allow = (ace->AceType == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE);
            conditional = TRUE;
            sidOffset = SepAceSidOffset(ace);
            break;
        default:
            /* audit, label and unknown ACEs grant nothing */
            if (trace)
                SepTrace(trace, "%s pass: ACE[%u] skipped: this ACE type grants and denies nothing "
                                "in the access check\n", SepPassName(Pass), i);
            continue;
        }
        PSID sid = (PUCHAR)ace + sidOffset;
        /* OWNER RIGHTS (S-1-3-4) stands for the owner and for no one else. Looked at only
         * for the owner or once the filter lets a SID pass (a SID the filter refuses is in
         * no set of the token, so it matches nothing either way). */
        ULONG match;
        if (found != 0)
            match = found;
        else if (__builtin_expect(isOwner, 0) && SepSidIsOwnerRights(sid))
            match = SEP_MATCH_ALLOW | SEP_MATCH_DENY;
        else if (__builtin_expect(index != NULL, 1))
            match = !SepSidFilterMaybe(filter, sid) || SepSidIsOwnerRights(sid)
                        ? 0 : SepSidIndexProbe(index, token, sid, restricted);
        else
            match = SepSidIsOwnerRights(sid) ? 0 : SepTokenSidMatchLinear(token, sid, restricted);
        if (!(match & (allow ? SEP_MATCH_ALLOW : SEP_MATCH_DENY))) {
            if (trace && (match & SEP_MATCH_DENY) && allow) {
                SepTrace(trace, "%s pass: ACE[%u] allow ", SepPassName(Pass), i);
                SepTraceSid(trace, sid);
                SepTrace(trace, " ignored: the SID is deny-only in the token\n");
            } else if (trace) {
                SepTrace(trace, "%s pass: ACE[%u] %s ", SepPassName(Pass), i, allow ? "allow" : "deny");
                SepTraceSid(trace, sid);
                SepTrace(trace, " does not apply: the SID is not %s\n",
                         restricted ? "a restricting SID of the token" : "in the token");
            }
            continue;
        }
        if (conditional && !SepConditionApplies(Req, Pass, ace, i, allow))
            continue;
        /* The ACE's mask is used as stored: generic bits in an ACE are not mapped by the
         * check (MS-DTYP 2.5.3.2; they are mapped when the descriptor is assigned). */
        ACCESS_MASK mask = SepAceMask(ace) & Want;
        /* First decision wins per bit: only bits neither granted nor denied yet change. */
        ACCESS_MASK newly = mask & ~granted & ~denied;
        if (allow)
            granted |= newly;
        else
            denied |= newly;
        if (newly)
            decided = (granted | denied) == Want;
        if (trace && newly) {
            SepTrace(trace, "%s pass: ACE[%u] %s ", SepPassName(Pass), i, allow ? "allow" : "deny");
            SepTraceSid(trace, sid);
            SepTrace(trace, " %s", allow ? "grants" : "denies");
            SepTraceMask(trace, newly);
            SepTrace(trace, "\n");
        } else if (trace) {
            ACCESS_MASK generic = SepAceMask(ace) & SEP_GENERIC_BITS;
            SepTrace(trace, "%s pass: ACE[%u] %s ", SepPassName(Pass), i, allow ? "allow" : "deny");
            SepTraceSid(trace, sid);
            if (generic != 0 && (SepAceMask(ace) & ~SEP_GENERIC_BITS & Want) == 0)
                SepTrace(trace, " changes nothing: unmapped generic rights in the ACE (0x%08x) are not "
                         "mapped by the check\n", (unsigned)generic);
            else if (mask == 0)
                SepTrace(trace, " changes nothing: none of the bits asked for\n");
            else
                SepTrace(trace, " changes nothing: its bits were decided by an earlier ACE\n");
        }
    }
    if (check)
        *state = SEP_DACL_CHECKED;
    *Denied = denied;
    return granted;

Malformed:
    *state = SEP_DACL_MALFORMED;
    *Denied = 0;
    return 0;
}

/* The body twice: with the request's trace, and without one, where every trace branch
 * folds away (the check's hot path, issue 15 §3). One source, two instances. */
static __attribute__((noinline)) ACCESS_MASK
SepEvaluateDaclTraced(const SEP_ACCESS_REQUEST *Req, SEP_PASS Pass, ACCESS_MASK Want,
                      ACCESS_MASK PreGranted, PACCESS_MASK Denied)
{
    return SepEvaluateDaclBody(Req, Pass, Want, PreGranted, Denied, Req->Trace);
}

static ACCESS_MASK SepEvaluateDaclUntraced(const SEP_ACCESS_REQUEST *Req, SEP_PASS Pass,
                                           ACCESS_MASK Want, ACCESS_MASK PreGranted,
                                           PACCESS_MASK Denied)
{
    return SepEvaluateDaclBody(Req, Pass, Want, PreGranted, Denied, NULL);
}

static ACCESS_MASK SepEvaluateDacl(const SEP_ACCESS_REQUEST *Req, SEP_PASS Pass, ACCESS_MASK Want,
                                   ACCESS_MASK PreGranted, PACCESS_MASK Denied)
{
    if (Req->Trace)
        return SepEvaluateDaclTraced(Req, Pass, Want, PreGranted, Denied);
    return SepEvaluateDaclUntraced(Req, Pass, Want, PreGranted, Denied);
}

static ACCESS_MASK SepWantedBits(const SEP_ACCESS_REQUEST *Req, BOOLEAN Maximum)
{
    if (Maximum)
        return ~(ACCESS_MASK)(MAXIMUM_ALLOWED | ACCESS_SYSTEM_SECURITY | SEP_GENERIC_BITS) |
               (Req->DesiredAccess & ACCESS_SYSTEM_SECURITY);
    return Req->DesiredAccess;
}

/*
 * SepAccessCheckCore - see the file comment. The caller has mapped generic bits out of
 * DesiredAccess, validated the descriptor and holds the token lock shared. No references.
 * @remarks Result: without MAXIMUM_ALLOWED, success iff every desired bit is granted, and
 * GrantedAccess = desired | previously granted; with it, GrantedAccess = every grantable
 * bit, and STATUS_ACCESS_DENIED when that is nothing (MS-DTYP 2.5.3.2; Wine test_AccessCheck).
 * A failed check grants 0.
 */
static inline __attribute__((always_inline)) VOID
SepAccessCheckCoreBody(const SEP_ACCESS_REQUEST *Req, PSEP_ACCESS_RESULT Result, PSEP_TRACE trace)
{
    BOOLEAN maximum = (Req->DesiredAccess & MAXIMUM_ALLOWED) != 0;
    ACCESS_MASK desired = Req->DesiredAccess & ~MAXIMUM_ALLOWED;
    ACCESS_MASK prev = Req->PreviouslyGrantedAccess;
    ACCESS_MASK want = SepWantedBits(Req, maximum);
    PTOKEN token = Req->Token;

    Result->GrantedAccess = 0;
    Result->Status = STATUS_ACCESS_DENIED;
    Result->PrivilegesUsed = 0;

    if (trace) {
        SepTrace(trace, "desired");
        SepTraceMask(trace, Req->DesiredAccess);
        SepTrace(trace, ", previously granted 0x%08x\n", (unsigned)prev);
    }
    if (desired == 0 && !maximum) {
        if (prev == 0) {
            if (trace)
                SepTrace(trace, "result: nothing requested and nothing previously granted: "
                                "STATUS_ACCESS_DENIED\n");
            return;
        }
        Result->GrantedAccess = prev;
        Result->Status = STATUS_SUCCESS;
        if (trace)
            SepTrace(trace, "result: nothing requested: previously granted access returned\n");
        return;
    }

    /* 1. Mandatory integrity, before the DACL and the privileges (Microsoft MIC). */
    ACCESS_MASK mandatoryDenied = SepMandatoryDeniedAccess(Req) & ~prev;
    if (!maximum && (desired & mandatoryDenied & ~prev)) {
        if (trace) {
            SepTrace(trace, "result: integrity pass denies");
            SepTraceMask(trace, desired & mandatoryDenied);
            SepTrace(trace, ": STATUS_ACCESS_DENIED\n");
        }
        return;
    }

    /* 2. Privileges (after integrity: Forshaw ch. 7 model). */
    NTSTATUS privStatus = STATUS_SUCCESS;
    ULONG used = 0;
    ACCESS_MASK byPrivilege = SepPrivilegeGrantedAccess(Req, &used, &privStatus);
    if (privStatus != STATUS_SUCCESS) {
        Result->Status = privStatus;
        if (trace)
            SepTrace(trace, "result: ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege, not "
                            "enabled: STATUS_PRIVILEGE_NOT_HELD\n");
        return;
    }
    ACCESS_MASK preGranted = prev | byPrivilege;

    /* 3. Normal pass. */
    ACCESS_MASK deniedNormal = 0;
    ACCESS_MASK granted = SepEvaluateDacl(Req, SepPassNormal, want, preGranted & want, &deniedNormal);
    if (Req->DaclState && *Req->DaclState == SEP_DACL_MALFORMED)
        return; /* void: the caller reports STATUS_INVALID_ACL */
    if (!maximum && (desired & ~granted) && trace == NULL)
        return;

    /* 4. Restricted pass. */
    if (SepTokenIsRestricted(token) && token->RestrictedSidCount != 0) {
        ACCESS_MASK deniedRestricted = 0;
        ACCESS_MASK r = SepEvaluateDacl(Req, SepPassRestricted, want, preGranted & want,
                                        &deniedRestricted);
        ULONG flags = atomic_load_explicit(&token->TokenFlags, memory_order_relaxed);
        if (flags & TOKEN_WRITE_RESTRICTED) {
            /* Write bits: GenericWrite minus what GenericRead/GenericExecute also hold
             * (READ_CONTROL, SYNCHRONIZE, ...), as NtApiDotNet GenericMapping.HasWrite. */
            ACCESS_MASK writeBits = Req->Mapping->GenericWrite & ~Req->Mapping->GenericRead &
                                    ~Req->Mapping->GenericExecute;
            r |= ~writeBits;
            if (trace)
                SepTrace(trace, "restricted pass: write-restricted token: only write bits are "
                                "limited by the restricted SIDs\n");
        }
        ACCESS_MASK lost = granted & ~r;
        granted &= r;
        if (trace && lost) {
            SepTrace(trace, "restricted pass: restricted SIDs do not grant");
            SepTraceMask(trace, lost);
            SepTrace(trace, "\n");
        }
    }

    if (maximum) {
        ACCESS_MASK lost = granted & mandatoryDenied;
        granted &= ~mandatoryDenied;
        if (trace && lost) {
            SepTrace(trace, "integrity pass: removes");
            SepTraceMask(trace, lost);
            SepTrace(trace, " from the maximum\n");
        }
        granted |= prev;
        if ((desired & ~granted) || granted == 0) {
            if (trace) {
                SepTrace(trace, "result: granted 0, STATUS_ACCESS_DENIED; missing");
                SepTraceMask(trace, granted == 0 ? want & ~SEP_GENERIC_BITS : desired & ~granted);
                SepTrace(trace, "\n");
            }
            return;
        }
        Result->GrantedAccess = granted;
    } else {
        if (desired & ~(granted | prev)) {
            if (trace) {
                SepTrace(trace, "result: granted 0, STATUS_ACCESS_DENIED; not granted");
                SepTraceMask(trace, desired & ~(granted | prev));
                SepTrace(trace, "\n");
            }
            return;
        }
        Result->GrantedAccess = desired | prev;
    }
    Result->Status = STATUS_SUCCESS;
    /* A privilege that was exercised is reported even if the DACL would also have granted. */
    Result->PrivilegesUsed = used;
    if (trace) {
        SepTrace(trace, "result: granted 0x%08x", (unsigned)Result->GrantedAccess);
        SepTraceMask(trace, Result->GrantedAccess);
        SepTrace(trace, ", STATUS_SUCCESS\n");
    }
}

/* The core twice, as the DACL walk: with the request's trace and without (every trace
 * branch folded away). */
static __attribute__((noinline)) VOID SepAccessCheckCoreTraced(const SEP_ACCESS_REQUEST *Req,
                                                               PSEP_ACCESS_RESULT Result)
{
    SepAccessCheckCoreBody(Req, Result, Req->Trace);
}

VOID SepAccessCheckCore(const SEP_ACCESS_REQUEST *Req, PSEP_ACCESS_RESULT Result)
{
    if (Req->Trace)
        SepAccessCheckCoreTraced(Req, Result);
    else
        SepAccessCheckCoreBody(Req, Result, NULL);
}

/*
 * SepCheckWithToken - common tail of every entry point: validates and views Sd, takes
 * Token's lock shared unless TokenLocked, runs the core. No references change.
 */
static inline __attribute__((always_inline)) NTSTATUS
SepCheckWithToken(PSECURITY_DESCRIPTOR Sd, PTOKEN Token, BOOLEAN TokenLocked,
                                  ACCESS_MASK Desired, ACCESS_MASK Previous,
                                  const GENERIC_MAPPING *Mapping, PSEP_TRACE Trace,
                                  PSEP_ACCESS_RESULT Result)
{
    SEP_SD_VIEW view;
    /* Without a trace the DACL's ACEs are checked by the walk itself (DaclState); a trace
     * must not start for a descriptor that turns out malformed, so it checks them first. */
    NTSTATUS status = SepCaptureSdViewEx(Sd, &view, Trace == NULL);
    if (status != STATUS_SUCCESS) {
        if (Trace)
            SepTrace(Trace, "result: malformed security descriptor: 0x%08x\n", (unsigned)status);
        return status;
    }
    ULONG daclState = view.DaclAcesUnchecked ? SEP_DACL_UNCHECKED : SEP_DACL_CHECKED;
    SEP_ACCESS_REQUEST req = {
        .Sd = &view,
        .Token = Token,
        .DesiredAccess = Desired,
        .PreviouslyGrantedAccess = Previous,
        .Mapping = Mapping,
        .Trace = Trace,
        .DaclState = &daclState,
    };
    if (!TokenLocked)
        SepAcquireTokenLockShared(Token);
    SepAccessCheckCore(&req, Result);
    if (!TokenLocked)
        SepReleaseTokenLock(Token);
    /* The core returned before walking the DACL (nothing asked, integrity, privilege):
     * the ACEs were not read, check them now so a malformed DACL fails every check. */
    if (daclState == SEP_DACL_UNCHECKED &&
        SepValidateAclTail(view.Dacl, 0, SepFirstAce(view.Dacl)) != STATUS_SUCCESS)
        daclState = SEP_DACL_MALFORMED;
    if (daclState == SEP_DACL_MALFORMED)
        return STATUS_INVALID_ACL;
    return STATUS_SUCCESS;
}

/*
 * SeAccessCheck - WDK. Checks DesiredAccess against SecurityDescriptor for the subject's
 * effective token (ClientToken if set, else PrimaryToken). Takes no references; reads the
 * token under its shared lock unless SubjectContextLocked. On success with privileges used,
 * *Privileges receives a PRIVILEGE_SET the caller frees with SeFreePrivileges (else NULL).
 * @remarks spec 2.20, in this order: (1) KernelMode grants everything asked (MAXIMUM_ALLOWED
 * gives GenericAll) plus previously granted, without looking at the descriptor or the
 * level; (2) a NULL descriptor is STATUS_ACCESS_DENIED; (3) a client token at Anonymous or
 * Identification level is STATUS_BAD_IMPERSONATION_LEVEL (the verifier is told); (4) the
 * DACL evaluation of SepAccessCheckCore. Generic bits in DesiredAccess are mapped here.
 */
BOOLEAN SeAccessCheck(PSECURITY_DESCRIPTOR SecurityDescriptor,
                      PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext, BOOLEAN SubjectContextLocked,
                      ACCESS_MASK DesiredAccess, ACCESS_MASK PreviouslyGrantedAccess,
                      PPRIVILEGE_SET *Privileges, PGENERIC_MAPPING GenericMapping,
                      KPROCESSOR_MODE AccessMode, PACCESS_MASK GrantedAccess, PNTSTATUS AccessStatus)
{
    if (Privileges)
        *Privileges = NULL;
    if (GrantedAccess == NULL || AccessStatus == NULL)
        return FALSE;
    *GrantedAccess = 0;
    if (GenericMapping == NULL || SubjectSecurityContext == NULL) {
        *AccessStatus = STATUS_INVALID_PARAMETER;
        return FALSE;
    }
    ACCESS_MASK desired = SepMapGeneric(DesiredAccess, GenericMapping);

    /* (1) KernelMode shortcut, before the NULL-SD test (spec 2.20 step 1). */
    if (AccessMode == KernelMode) {
        *GrantedAccess = RtlpGrantAsAsked(desired, GenericMapping) | PreviouslyGrantedAccess;
        *AccessStatus = STATUS_SUCCESS;
        return TRUE;
    }
    /* (2) */
    if (SecurityDescriptor == NULL) {
        *AccessStatus = STATUS_ACCESS_DENIED;
        return FALSE;
    }
    /* (3) the level gate */
    PTOKEN token = NULL;
    NTSTATUS gate = SepSubjectCheckToken(SubjectSecurityContext, "SeAccessCheck", &token);
    if (gate != STATUS_SUCCESS) {
        *AccessStatus = gate;
        return FALSE;
    }
    /* (4) */
    SEP_ACCESS_RESULT result;
    NTSTATUS status = SepCheckWithToken(SecurityDescriptor, token, SubjectContextLocked, desired,
                                        PreviouslyGrantedAccess, GenericMapping, NULL, &result);
    if (status != STATUS_SUCCESS) {
        *AccessStatus = status;
        return FALSE;
    }
    if (result.Status == STATUS_SUCCESS && result.PrivilegesUsed && Privileges) {
        status = SepBuildPrivilegeSet(result.PrivilegesUsed, Privileges);
        if (status != STATUS_SUCCESS) {
            *AccessStatus = status;
            return FALSE;
        }
    }
    *GrantedAccess = result.GrantedAccess;
    *AccessStatus = result.Status;
    return result.Status == STATUS_SUCCESS;
}

/*
 * SepExplicitTokenGate - the NtAccessCheck level rules (spec 2.20, explicit-token check):
 * a primary token is STATUS_NO_IMPERSONATION_TOKEN, an Anonymous one
 * STATUS_BAD_IMPERSONATION_LEVEL; Identification and above are accepted (W: WINE-T-sec).
 */
NTSTATUS SepExplicitTokenGate(PACCESS_TOKEN Token, PCSTR Routine)
{
    if (Token == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, Routine))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    if (token->TokenType != TokenImpersonation)
        return STATUS_NO_IMPERSONATION_TOKEN;
    if (token->ImpersonationLevel < SecurityIdentification)
        return STATUS_BAD_IMPERSONATION_LEVEL;
    return STATUS_SUCCESS;
}

/*
 * SepExplicitCheck - NtAccessCheck semantics: the routine's own status says whether the
 * check could be made (gate, bad descriptor, unmapped generic bits); *AccessStatus says
 * whether access was granted. In order: the token gate, generic bits in DesiredAccess
 * (STATUS_GENERIC_NOT_MAPPED), a malformed descriptor or one without owner or group
 * (STATUS_INVALID_SECURITY_DESCR) (Wine test_AccessCheck: ERROR_GENERIC_NOT_MAPPED,
 * ERROR_INVALID_SECURITY_DESCR). When the call fails, *GrantedAccess and *AccessStatus are
 * left as they were (Wine test_AccessCheck). No references change.
 */
NTSTATUS SepExplicitCheck(PSECURITY_DESCRIPTOR Sd, PACCESS_TOKEN Token, ACCESS_MASK DesiredAccess,
                          PGENERIC_MAPPING Mapping, PACCESS_MASK GrantedAccess,
                          PNTSTATUS AccessStatus, PSEP_TRACE Trace, PPRIVILEGE_SET *Privileges)
{
    if (Privileges)
        *Privileges = NULL;
    if (GrantedAccess == NULL || AccessStatus == NULL || Mapping == NULL || Sd == NULL)
        return STATUS_INVALID_PARAMETER;
    /* *GrantedAccess and *AccessStatus are written only when the check is made (Wine
     * test_AccessCheck: "Access and/or AccessStatus were changed!" on every call failure). */
    NTSTATUS status = SepExplicitTokenGate(Token, "NtsecAccessCheckToken");
    if (status != STATUS_SUCCESS) {
        if (Trace)
            SepTrace(Trace, "result: token refused before the check: 0x%08x (%s)\n", (unsigned)status,
                     status == STATUS_NO_IMPERSONATION_TOKEN ? "primary token: an explicit check "
                                                               "needs an impersonation token"
                     : status == STATUS_BAD_IMPERSONATION_LEVEL ? "Anonymous level"
                                                                 : "bad token");
        return status;
    }
    if (DesiredAccess & SEP_GENERIC_BITS) {
        if (Trace)
            SepTrace(Trace, "result: generic bits in the desired access: STATUS_GENERIC_NOT_MAPPED\n");
        return STATUS_GENERIC_NOT_MAPPED;
    }
    /* A descriptor without owner or group is refused (Wine test_AccessCheck "SD without
     * owner/group": ERROR_INVALID_SECURITY_DESCR). */
    SEP_SD_VIEW view;
    status = SepCaptureSdView(Sd, &view);
    if (status != STATUS_SUCCESS)
        return status;
    if (view.Owner == NULL || view.Group == NULL) {
        if (Trace)
            SepTrace(Trace, "result: the descriptor has no %s: STATUS_INVALID_SECURITY_DESCR\n",
                     view.Owner == NULL ? "owner" : "group");
        return STATUS_INVALID_SECURITY_DESCR;
    }
    SEP_ACCESS_RESULT result;
    status = SepCheckWithToken(Sd, Token, FALSE, DesiredAccess, 0, Mapping, Trace, &result);
    if (status != STATUS_SUCCESS)
        return status;
    if (result.Status == STATUS_SUCCESS && result.PrivilegesUsed && Privileges) {
        status = SepBuildPrivilegeSet(result.PrivilegesUsed, Privileges);
        if (status != STATUS_SUCCESS)
            return status;
    }
    if (Trace && result.PrivilegesUsed && result.Status == STATUS_SUCCESS) {
        if (result.PrivilegesUsed & SEP_USED_SECURITY_PRIVILEGE)
            SepTrace(Trace, "privileges used: SeSecurityPrivilege\n");
        if (result.PrivilegesUsed & SEP_USED_TAKE_OWNERSHIP_PRIVILEGE)
            SepTrace(Trace, "privileges used: SeTakeOwnershipPrivilege\n");
        if (result.PrivilegesUsed & SEP_USED_RELABEL_PRIVILEGE)
            SepTrace(Trace, "privileges used: SeRelabelPrivilege\n");
    }
    *GrantedAccess = result.GrantedAccess;
    *AccessStatus = result.Status;
    return STATUS_SUCCESS;
}

/*
 * NtsecAccessCheckToken - the explicit-token access check (NtAccessCheck-style). Token is
 * borrowed (no reference taken); it must be an impersonation token at Identification or
 * above. Returns the call status; *AccessStatus and *GrantedAccess give the result.
 */
NTSTATUS NtsecAccessCheckToken(PSECURITY_DESCRIPTOR SecurityDescriptor, PACCESS_TOKEN Token,
                               ACCESS_MASK DesiredAccess, PGENERIC_MAPPING GenericMapping,
                               PACCESS_MASK GrantedAccess, PNTSTATUS AccessStatus)
{
    return SepExplicitCheck(SecurityDescriptor, Token, DesiredAccess, GenericMapping, GrantedAccess,
                            AccessStatus, NULL, NULL);
}

/*
 * SepSubjectCheck - SeAccessCheck(UserMode) rules for a token that is the effective token
 * of a subject: an impersonation token below SecurityImpersonation fails the level gate
 * (spec 2.20 step 3) with *AccessStatus = STATUS_BAD_IMPERSONATION_LEVEL; primary tokens
 * are checked as they are. Generic bits are mapped. No references change.
 */
NTSTATUS SepSubjectCheck(PSECURITY_DESCRIPTOR Sd, PACCESS_TOKEN Token, ACCESS_MASK DesiredAccess,
                         PGENERIC_MAPPING Mapping, PACCESS_MASK GrantedAccess,
                         PNTSTATUS AccessStatus, PSEP_TRACE Trace)
{
    if (GrantedAccess == NULL || AccessStatus == NULL || Mapping == NULL || Sd == NULL ||
        Token == NULL)
        return STATUS_INVALID_PARAMETER;
    *GrantedAccess = 0;
    *AccessStatus = STATUS_ACCESS_DENIED;
    if (!SepIsToken(Token, "NtsecAccessCheckExplain"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    if (SepExplainLevelGate(token, Trace)) {
        *AccessStatus = STATUS_BAD_IMPERSONATION_LEVEL;
        return STATUS_SUCCESS;
    }
    SEP_ACCESS_RESULT result;
    NTSTATUS status = SepCheckWithToken(Sd, token, FALSE, SepMapGeneric(DesiredAccess, Mapping), 0,
                                        Mapping, Trace, &result);
    if (status != STATUS_SUCCESS)
        return status;
    *GrantedAccess = result.GrantedAccess;
    *AccessStatus = result.Status;
    return STATUS_SUCCESS;
}
