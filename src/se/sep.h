/*
 * sep.h - private token model shared by src/se, src/ps, src/host and src/verifier.
 *
 * A TOKEN is an object of type ObpTokenType (see ob/obp.h). Its SID arrays are fixed at
 * creation; attributes of groups and privileges change only under the exclusive token
 * lock (SepAcquireTokenLockExclusive), and every such change takes a new ModifiedId.
 * Readers that need a consistent view take the lock shared; the lock allows a thread
 * that holds it shared to take it shared again while a writer waits (spec 1.3, L3).
 */
#ifndef NTSEC_SEP_H
#define NTSEC_SEP_H

#include <pthread.h>
#include <stdatomic.h>
#include "ntsec.h"
#include "ob/obp.h"

#define SEP_NO_INTEGRITY ((ULONG)-1)

typedef struct _TOKEN {
    TOKEN_SOURCE TokenSource;
    LUID TokenId;
    LUID AuthenticationId;
    LUID ParentTokenId;
    LUID ModifiedId;
    LUID OriginatingLogonSession;
    TOKEN_TYPE TokenType;
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel; /* meaningful for TokenImpersonation */
    ULONG SessionId;
    _Atomic ULONG TokenFlags;      /* TOKEN_* flags of spec 1.1; written under the exclusive lock */
    ULONG MandatoryPolicy;         /* TOKEN_MANDATORY_POLICY_* (default NO_WRITE_UP) */

    ULONG UserAndGroupCount;       /* [0] is the user; groups follow (integrity group included) */
    PSID_AND_ATTRIBUTES UserAndGroups;
    ULONG RestrictedSidCount;
    PSID_AND_ATTRIBUTES RestrictedSids;
    ULONG PrivilegeCount;
    PLUID_AND_ATTRIBUTES Privileges;
    ULONG DefaultOwnerIndex;       /* index into UserAndGroups */
    PSID PrimaryGroup;
    PACL DefaultDacl;              /* NULL: none */
    ULONG IntegrityIndex;          /* index into UserAndGroups, or SEP_NO_INTEGRITY */

    /* Claims and device groups (se/tokenclaims.c): each a self-contained pool block owned by
     * the token, fixed at creation (never adjusted), NULL when the token has none. */
    PCLAIM_SECURITY_ATTRIBUTES_INFORMATION UserClaims;
    PCLAIM_SECURITY_ATTRIBUTES_INFORMATION DeviceClaims;
    PTOKEN_GROUPS DeviceGroups;

    /* UAC (se/tokenlua.c): TokenElevationTypeDefault unless SeFilterToken(LUA_TOKEN) made the
     * token (Limited) or it descends from the pair's full token (Full). A token of a pair
     * holds the pair as SeFilterToken made it, two tokens never handed out and never changed
     * (Windows keeps them in the logon sessions): LinkedToken, the other elevation type's
     * token, which TokenLinkedToken copies; LinkedOrigin, this type's own, which that copy
     * links back to. Both references the token owns (released by SepDeleteToken), or both
     * NULL; the pair's two tokens link nowhere, so no cycle exists. */
    TOKEN_ELEVATION_TYPE ElevationType;
    struct _TOKEN *LinkedToken;
    struct _TOKEN *LinkedOrigin;

    PVOID SidIndex;                /* access-check index over the SIDs (se/sidindex.c), or NULL */
    _Atomic(PVOID) HostTarget;     /* host backend's cached Linux target (host/target.c): pool
                                    * blocks whose first word links an older block; NULL: none.
                                    * Owned by the token, freed by SepDeleteToken */
    _Atomic BOOLEAN HostBound;     /* set (never cleared) once the host backend computed a Linux
                                    * identity from the groups: NtsecAdjustTokenGroups may then
                                    * not disable one (docs/host.md "Token changes after the
                                    * switch") */
    pthread_rwlock_t Lock;
    PVOID Variable;                /* one pool block holding every array and SID above */
    SIZE_T VariableLength;
} TOKEN, *PTOKEN;

/* Input for SepCreateToken. Arrays are copied; the caller keeps ownership of its memory. */
typedef struct _SEP_TOKEN_TEMPLATE {
    TOKEN_TYPE TokenType;
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel;
    PSID User;
    ULONG UserAttributes;
    ULONG GroupCount;
    PSID_AND_ATTRIBUTES Groups;    /* must not contain the integrity SID */
    BOOLEAN HasIntegrity;
    ULONG IntegrityRid;            /* SECURITY_MANDATORY_*_RID, when HasIntegrity */
    ULONG RestrictedSidCount;
    PSID_AND_ATTRIBUTES RestrictedSids;
    ULONG PrivilegeCount;
    PLUID_AND_ATTRIBUTES Privileges;
    PSID Owner;                    /* NULL: the user; else must be the user or an SE_GROUP_OWNER group */
    PSID PrimaryGroup;             /* NULL: the user */
    PACL DefaultDacl;              /* NULL: owner and SYSTEM GENERIC_ALL (if !NoDefaultDacl) */
    BOOLEAN NoDefaultDacl;
    LUID AuthenticationId;         /* {0,0}: a fresh LUID */
    LUID OriginatingLogonSession;
    TOKEN_SOURCE TokenSource;      /* SourceName all zero: "ntsec" */
    ULONG SessionId;
    ULONG MandatoryPolicy;
    ULONG ExtraFlags;              /* e.g. TOKEN_WRITE_RESTRICTED */
    /* Claims and device groups, validated and copied by SepCreateToken (NULL: none). A PAC's
     * claims (MS-PAC CLAIMS_SET, src/ksec/pac.c) would be converted into these. */
    PCLAIM_SECURITY_ATTRIBUTES_INFORMATION UserClaims;
    PCLAIM_SECURITY_ATTRIBUTES_INFORMATION DeviceClaims;
    ULONG DeviceGroupCount;
    PSID_AND_ATTRIBUTES DeviceGroups;
    TOKEN_ELEVATION_TYPE ElevationType; /* 0: TokenElevationTypeDefault */
    struct _TOKEN *LinkedToken;         /* borrowed; SepCreateToken takes its own references */
    struct _TOKEN *LinkedOrigin;        /* borrowed; NULL with LinkedToken only while SeFilterToken
                                         * builds a pair (it adds the origin to the new token) */
} SEP_TOKEN_TEMPLATE, *PSEP_TOKEN_TEMPLATE;

/*
 * SepCreateToken - builds a new token from Template. On success *Token holds the single
 * reference, owned by the caller. CreatorTag names the creator for leak reports.
 * Returns STATUS_SUCCESS, STATUS_NO_MEMORY, STATUS_INVALID_SID, STATUS_INVALID_OWNER,
 * STATUS_INVALID_PARAMETER (bad type/level), STATUS_INVALID_ACL.
 */
NTSTATUS SepCreateToken(const SEP_TOKEN_TEMPLATE *Template, PCSTR CreatorTag, PTOKEN *Token);
/* Init step 2 (src/ex/init.c). */
VOID SepInitializeTokenType(VOID);

/*
 * SepTemplateFromToken - zeroes Template and fills the fields a rebuild of Source keeps
 * unchanged (type, level, user, integrity, primary group, default DACL, logon ids, source,
 * session, mandatory policy, claims, device groups, elevation type and UAC links); the
 * caller adds groups, privileges, restricted SIDs, owner and extra flags. Call under
 * Source's lock; pointers alias Source. Takes no references.
 */
VOID SepTemplateFromToken(PSEP_TOKEN_TEMPLATE Template, PTOKEN Source);

/*
 * SepSetTokenLinks - sets Token's UAC pair links (TOKEN.LinkedToken / LinkedOrigin) to
 * Linked and Origin (either may be NULL): takes a reference on each, releases the links
 * Token had. Only for a token no one else can see yet (SeFilterToken, TokenLinkedToken's
 * copy) and for deletion; no lock is taken.
 */
VOID SepSetTokenLinks(PTOKEN Token, PTOKEN Linked, PTOKEN Origin);

/*
 * SepDuplicateToken - a new token of TokenType at Level copied from Source (spec 1.3):
 * fresh TokenId, same ModifiedId (5-D12). EffectiveOnly drops disabled groups and
 * privileges. Source is read under its shared lock. An impersonation Source may not be
 * raised: Level > Source's level gives STATUS_BAD_IMPERSONATION_LEVEL.
 * On success *NewToken holds the single reference, owned by the caller. The caller's
 * reference on Source is untouched.
 */
NTSTATUS SepDuplicateToken(PTOKEN Source, TOKEN_TYPE TokenType, SECURITY_IMPERSONATION_LEVEL Level,
                           BOOLEAN EffectiveOnly, PCSTR CreatorTag, PTOKEN *NewToken);

/* SepCopyClientToken - CopyClientToken of spec 1.3: an impersonation copy at Level, no filtering. */
NTSTATUS SepCopyClientToken(PTOKEN Source, SECURITY_IMPERSONATION_LEVEL Level, PCSTR CreatorTag,
                            PTOKEN *NewToken);

/* Token lock (shared-recursive, see above). */
VOID SepAcquireTokenLockShared(PTOKEN Token);
VOID SepAcquireTokenLockExclusive(PTOKEN Token);
VOID SepReleaseTokenLock(PTOKEN Token);

/* Recomputes the privilege-derived TokenFlags; call under the exclusive lock. */
VOID SepUpdateTokenFlags(PTOKEN Token);

/* A fresh locally unique id (never zero, never a well-known LUID). */
LUID SepAllocateLuid(VOID);

static inline PSID SepTokenUserSid(PTOKEN Token)
{
    return Token->UserAndGroups[0].Sid;
}

/* IL(t) of spec 1.3: the integrity RID, Medium when the token has none (5-D19). */
ULONG SepTokenIntegrityRid(PTOKEN Token);

/* TRUE iff privilege LowPart=Privilege is present with SE_PRIVILEGE_ENABLED. Lock-free read. */
BOOLEAN SepTokenPrivilegeEnabled(PTOKEN Token, ULONG Privilege);

static inline BOOLEAN SepTokenIsRestricted(PTOKEN Token)
{
    return (atomic_load_explicit(&Token->TokenFlags, memory_order_relaxed) & TOKEN_IS_RESTRICTED) != 0;
}

static inline BOOLEAN SepLuidEqual(LUID a, LUID b)
{
    return a.LowPart == b.LowPart && a.HighPart == b.HighPart;
}

/* The SYSTEM token used as the System process's primary token (created at library load). */
NTSTATUS SepCreateSystemToken(PTOKEN *Token);

/*
 * The impersonation-permission rule (spec 3.2). ProcessToken is P, Token is T, Level is L
 * after clamping. Reads only fields that never change after creation plus TokenFlags
 * (atomically), so it takes no token lock (L2 holds trivially). No references change.
 */
NTSEC_IMPERSONATION_DECISION SepTokenCanImpersonate(PTOKEN ProcessToken, PTOKEN Token,
                                                    SECURITY_IMPERSONATION_LEVEL Level);
/* The policy knob of spec 3.3 (canimpersonate.c; NtsecSetImpersonationPolicy writes it). */
extern NTSEC_HIDDEN _Atomic int SepImpersonationPolicy;

/*
 * SepTokenCanImpersonateFast - the rule's most common allow inline: not the legacy policy,
 * a level above Identification, not an anonymous-logon token, and SeImpersonatePrivilege
 * enabled in ProcessToken (spec 3.2 steps 1-4, in that order, give
 * NtsecDecisionAllowImpersonatePrivilege). NtsecDecisionNone: anything else - the caller
 * evaluates the whole rule (SepTokenCanImpersonate). No references, no locks.
 */
static inline NTSEC_IMPERSONATION_DECISION SepTokenCanImpersonateFast(PTOKEN ProcessToken, PTOKEN Token,
                                                                      SECURITY_IMPERSONATION_LEVEL Level)
{
    if (Level > SecurityIdentification &&
        atomic_load_explicit(&SepImpersonationPolicy, memory_order_relaxed) != NtsecPolicyNtLegacy &&
        !(Token->AuthenticationId.LowPart == 0x3e6 && Token->AuthenticationId.HighPart == 0) &&
        (atomic_load_explicit(&ProcessToken->TokenFlags, memory_order_acquire) & TOKEN_HAS_IMPERSONATE_PRIVILEGE))
        return NtsecDecisionAllowImpersonatePrivilege;
    return NtsecDecisionNone;
}

static inline BOOLEAN SepDecisionAllows(NTSEC_IMPERSONATION_DECISION d)
{
    return d != NtsecDecisionDenyForgedAnonymous && d != NtsecDecisionDenyOtherUser &&
           d != NtsecDecisionDenyRestriction && d != NtsecDecisionDenyIntegrity;
}

/*
 * Access-check SID index (src/se/sidindex.c). SepCreateToken calls SepSidIndexBuild after
 * filling the SID arrays; SepDuplicateToken calls SepSidIndexClone (copy, not rebuild);
 * token deletion calls SepSidIndexFree. A NULL Token->SidIndex is valid (linear lookup).
 */
NTSTATUS SepSidIndexBuild(PTOKEN Token);
NTSTATUS SepSidIndexClone(PTOKEN Source, PTOKEN NewToken);
VOID SepSidIndexFree(PTOKEN Token);

/*
 * Claims (src/se/tokenclaims.c). SepClaimsValidate: STATUS_SUCCESS or STATUS_INVALID_PARAMETER
 * (version not 1, no name, duplicate name (case-insensitive), unknown value type, no values,
 * NULL value pointers, a BOOLEAN other than 0/1, an invalid SID, reserved flag bits, duplicate
 * values). SepClaimsCopy: a self-contained pool block (tag SEP_CLAIMS_TAG, freed with
 * ExFreePool) holding a copy of Claims; NULL Claims gives an empty, version-1 block.
 * SepClaimsSize/SepClaimsPack: the bytes of that block and writing it at Buffer (any memory of
 * that size: ZwQueryInformationToken packs into the caller's buffer). No references change.
 */
NTSTATUS SepClaimsValidate(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims);
SIZE_T SepClaimsSize(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims);
VOID SepClaimsPack(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims, PVOID Buffer);
NTSTATUS SepClaimsCopy(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims,
                       PCLAIM_SECURITY_ATTRIBUTES_INFORMATION *Copy);
/* N rounded up to 8 bytes: where the next pointer-bearing part of a query or copy block
 * starts (tokenquery.c, tokenclaims.c, tokenadjustgroups.c). */
#define SEP_ALIGN8(n) (((n) + 7) & ~(SIZE_T)7)

/* SepGroupsCopy - TOKEN_GROUPS of Count entries of Array in one pool block (SIDs inside). */
NTSTATUS SepGroupsCopy(ULONG Count, const SID_AND_ATTRIBUTES *Array, PTOKEN_GROUPS *Copy);
/* SepCopyTokenClaims - copies Source's claims and device groups to NewToken (clone path). */
NTSTATUS SepCopyTokenClaims(PTOKEN Source, PTOKEN NewToken);
VOID SepFreeTokenClaims(PTOKEN Token);
/* SepFindClaim - the claim named Name (UTF-16LE, NameLength bytes, case-insensitive) or NULL. */
const CLAIM_SECURITY_ATTRIBUTE_V1 *SepFindClaim(const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims,
                                                const UCHAR *Name, ULONG NameLength);
/* Length in WCHARs of a NUL-terminated wide string. */
ULONG SepWideLength(const WCHAR *String);

/*
 * UAC (src/se/tokenlua.c). SepIsElevatedSid: an administrative-equivalent group (the RIDs
 * UAC filters). SepLuaFilter: LUA_TOKEN's changes to a template being built by SeFilterToken
 * (Groups and Privileges are its writable arrays). SepTokenIsElevated: TokenElevation's
 * answer (caller holds the lock shared). SepQueryUacLocked (src/se/tokenquery_uac.c): the
 * classes tokenquery.c hands on; a pool block or NULL with *Status. No references change,
 * except TokenLinkedToken's handle, which holds a new token the caller closes.
 */
BOOLEAN SepIsElevatedSid(PSID Sid);
VOID SepLuaFilter(PSEP_TOKEN_TEMPLATE Template, PSID_AND_ATTRIBUTES Groups, PLUID_AND_ATTRIBUTES Privileges);
BOOLEAN SepTokenIsElevated(struct _TOKEN *Token);
PVOID SepQueryUacLocked(struct _TOKEN *Token, TOKEN_INFORMATION_CLASS Class, NTSTATUS *Status);

/*
 * SepCheckObjectOpen (src/se/objectopen.c) - ob's CheckOpen security method (obp.h): the
 * UserMode check of an open of an object with descriptor SecurityDescriptor, as Windows'
 * ObCheckObjectAccess makes it. SeAccessCheck for PassedAccessState's subject and remaining
 * access (or, without one, the caller's captured subject context and DesiredAccess); on
 * success *GrantedAccess is the access state's previously granted access, the granted bits
 * moved there from its remaining access, and the privileges used appended to it; on refusal
 * SeAccessCheck's status (STATUS_ACCESS_DENIED, STATUS_BAD_IMPERSONATION_LEVEL, ...).
 */
NTSTATUS SepCheckObjectOpen(PSECURITY_DESCRIPTOR SecurityDescriptor, PACCESS_STATE PassedAccessState,
                            ACCESS_MASK DesiredAccess, PGENERIC_MAPPING GenericMapping,
                            PACCESS_MASK GrantedAccess);

/* Token type check used at every public entry point; reports to the verifier. */
#define SepIsToken(Object, Routine) ObpCheckType((Object), &ObpTokenType, (Routine))

#endif /* NTSEC_SEP_H */
