/*
 * tokenquery.c - token information queries: SeQueryInformationToken and the small Se*
 * accessors (SeTokenType, SeTokenIsAdmin, ...).
 *
 * Every SeQueryInformationToken result is ONE pool block, self-contained (the SIDs and ACL
 * it points to live inside the same block), freed by the caller with ExFreePool. The token
 * is read under its shared lock, so a result never mixes two states of a token that is
 * being adjusted.
 */
#include <stddef.h>
#include <string.h>
#include "se/sep.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"


/* Bytes needed for a SID_AND_ATTRIBUTES array of Count entries plus their SIDs. */
static SIZE_T SepSidArraySize(ULONG Count, PSID_AND_ATTRIBUTES Array, ULONG Skip)
{
    SIZE_T n = 0;
    for (ULONG i = 0; i < Count; i++)
        if (i != Skip)
            n += SEP_ALIGN8(RtlLengthSid(Array[i].Sid));
    return n;
}

/* Copies Array (minus index Skip) into Out[], with the SIDs placed at *Cursor. Returns the count. */
static ULONG SepCopySidArray(ULONG Count, PSID_AND_ATTRIBUTES Array, ULONG Skip,
                             PSID_AND_ATTRIBUTES Out, PUCHAR *Cursor)
{
    ULONG n = 0;
    for (ULONG i = 0; i < Count; i++) {
        if (i == Skip)
            continue;
        ULONG len = RtlLengthSid(Array[i].Sid);
        memcpy(*Cursor, Array[i].Sid, len);
        Out[n].Sid = *Cursor;
        Out[n].Attributes = Array[i].Attributes;
        *Cursor += SEP_ALIGN8(len);
        n++;
    }
    return n;
}

/* A block holding a single-pointer structure (TOKEN_USER, TOKEN_OWNER, ...) and one SID. */
static PVOID SepQuerySid(SIZE_T Header, PSID Sid, PUCHAR *SidOut)
{
    ULONG len = RtlLengthSid(Sid);
    PUCHAR block = ExAllocatePoolWithTag(PagedPool, SEP_ALIGN8(Header) + len, SEP_QUERY_TAG);
    if (block == NULL)
        return NULL;
    *SidOut = block + SEP_ALIGN8(Header);
    memcpy(*SidOut, Sid, len);
    return block;
}

/* TOKEN_GROUPS of Count entries of Array (minus Skip), one block. */
static PTOKEN_GROUPS SepQueryGroups(ULONG Count, PSID_AND_ATTRIBUTES Array, ULONG Skip)
{
    ULONG entries = Count - (Skip < Count ? 1 : 0);
    SIZE_T header = SEP_ALIGN8(offsetof(TOKEN_GROUPS, Groups) +
                               (entries ? entries : 1) * sizeof(SID_AND_ATTRIBUTES));
    PTOKEN_GROUPS g = ExAllocatePoolWithTag(PagedPool, header + SepSidArraySize(Count, Array, Skip), SEP_QUERY_TAG);
    if (g == NULL)
        return NULL;
    PUCHAR cursor = (PUCHAR)g + header;
    g->GroupCount = SepCopySidArray(Count, Array, Skip, g->Groups, &cursor);
    return g;
}

static PVOID SepQueryUlong(ULONG Value)
{
    PULONG p = ExAllocatePoolWithTag(PagedPool, sizeof(ULONG), SEP_QUERY_TAG);
    if (p != NULL)
        *p = Value;
    return p;
}

/* The integrity label: the token's integrity group, or Medium when it has none (spec 5-D19). */
static PVOID SepQueryIntegrity(PTOKEN Token)
{
    UCHAR buf[SECURITY_MAX_SID_SIZE];
    PSID sid;
    ULONG attributes = SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED;
    if (Token->IntegrityIndex != SEP_NO_INTEGRITY) {
        sid = Token->UserAndGroups[Token->IntegrityIndex].Sid;
        attributes = Token->UserAndGroups[Token->IntegrityIndex].Attributes;
    } else {
        SID_IDENTIFIER_AUTHORITY ml = SECURITY_MANDATORY_LABEL_AUTHORITY;
        RtlInitializeSid(buf, &ml, 1);
        *RtlSubAuthoritySid(buf, 0) = SECURITY_MANDATORY_MEDIUM_RID;
        sid = buf;
    }
    PUCHAR sidOut;
    PTOKEN_MANDATORY_LABEL label = SepQuerySid(sizeof(TOKEN_MANDATORY_LABEL), sid, &sidOut);
    if (label != NULL) {
        label->Label.Sid = sidOut;
        label->Label.Attributes = attributes;
    }
    return label;
}

/* One information class, read under the caller's shared lock. Sets *Status for class errors. */
static PVOID SepQueryLocked(PTOKEN Token, TOKEN_INFORMATION_CLASS Class, NTSTATUS *Status)
{
    PUCHAR sid;
    *Status = STATUS_SUCCESS;
    switch (Class) {
    case TokenUser: {
        PTOKEN_USER u = SepQuerySid(sizeof(TOKEN_USER), Token->UserAndGroups[0].Sid, &sid);
        if (u) {
            u->User.Sid = sid;
            u->User.Attributes = Token->UserAndGroups[0].Attributes;
        }
        return u;
    }
    case TokenGroups:
        /* Groups after the user, the integrity group included (as Windows lists it). */
        return SepQueryGroups(Token->UserAndGroupCount - 1, Token->UserAndGroups + 1, (ULONG)-1);
    case TokenRestrictedSids:
        return SepQueryGroups(Token->RestrictedSidCount, Token->RestrictedSids, (ULONG)-1);
    case TokenPrivileges: {
        ULONG n = Token->PrivilegeCount;
        PTOKEN_PRIVILEGES p = ExAllocatePoolWithTag(
            PagedPool, offsetof(TOKEN_PRIVILEGES, Privileges) + (n ? n : 1) * sizeof(LUID_AND_ATTRIBUTES),
            SEP_QUERY_TAG);
        if (p) {
            p->PrivilegeCount = n;
            if (n)
                memcpy(p->Privileges, Token->Privileges, n * sizeof(LUID_AND_ATTRIBUTES));
        }
        return p;
    }
    case TokenOwner: {
        PTOKEN_OWNER o = SepQuerySid(sizeof(TOKEN_OWNER), Token->UserAndGroups[Token->DefaultOwnerIndex].Sid, &sid);
        if (o)
            o->Owner = sid;
        return o;
    }
    case TokenPrimaryGroup: {
        PTOKEN_PRIMARY_GROUP g = SepQuerySid(sizeof(TOKEN_PRIMARY_GROUP), Token->PrimaryGroup, &sid);
        if (g)
            g->PrimaryGroup = sid;
        return g;
    }
    case TokenDefaultDacl: {
        SIZE_T acl = Token->DefaultDacl ? Token->DefaultDacl->AclSize : 0;
        PTOKEN_DEFAULT_DACL d = ExAllocatePoolWithTag(PagedPool, SEP_ALIGN8(sizeof(*d)) + acl, SEP_QUERY_TAG);
        if (d) {
            d->DefaultDacl = NULL;
            if (acl) {
                d->DefaultDacl = (PACL)((PUCHAR)d + SEP_ALIGN8(sizeof(*d)));
                memcpy(d->DefaultDacl, Token->DefaultDacl, acl);
            }
        }
        return d;
    }
    case TokenSource: {
        PTOKEN_SOURCE s = ExAllocatePoolWithTag(PagedPool, sizeof(*s), SEP_QUERY_TAG);
        if (s)
            *s = Token->TokenSource;
        return s;
    }
    case TokenType:
        return SepQueryUlong((ULONG)Token->TokenType);
    case TokenImpersonationLevel:
        if (Token->TokenType != TokenImpersonation) {
            *Status = STATUS_INVALID_INFO_CLASS; /* spec 1.3, test case 69 */
            return NULL;
        }
        return SepQueryUlong((ULONG)Token->ImpersonationLevel);
    case TokenStatistics: {
        PTOKEN_STATISTICS s = ExAllocatePoolWithTag(PagedPool, sizeof(*s), SEP_QUERY_TAG);
        if (s) {
            s->TokenId = Token->TokenId;
            s->AuthenticationId = Token->AuthenticationId;
            s->ExpirationTime.QuadPart = 0x7FFFFFFFFFFFFFFFLL; /* never expires */
            s->TokenType = Token->TokenType;
            s->ImpersonationLevel = Token->ImpersonationLevel;
            s->DynamicCharged = (ULONG)(RtlLengthSid(Token->PrimaryGroup) +
                                        (Token->DefaultDacl ? Token->DefaultDacl->AclSize : 0));
            s->DynamicAvailable = 0;
            s->GroupCount = Token->UserAndGroupCount - 1;
            s->PrivilegeCount = Token->PrivilegeCount;
            s->ModifiedId = Token->ModifiedId;
        }
        return s;
    }
    case TokenSessionId:
        return SepQueryUlong(Token->SessionId);
    case TokenOrigin: {
        PTOKEN_ORIGIN o = ExAllocatePoolWithTag(PagedPool, sizeof(*o), SEP_QUERY_TAG);
        if (o)
            o->OriginatingLogonSession = Token->OriginatingLogonSession;
        return o;
    }
    case TokenIntegrityLevel:
        return SepQueryIntegrity(Token);
    case TokenMandatoryPolicy: {
        PTOKEN_MANDATORY_POLICY p = ExAllocatePoolWithTag(PagedPool, sizeof(*p), SEP_QUERY_TAG);
        if (p)
            p->Policy = Token->MandatoryPolicy;
        return p;
    }
    case TokenSandBoxInert:
        return SepQueryUlong((atomic_load(&Token->TokenFlags) & TOKEN_SANDBOX_INERT) != 0);
    case TokenHasRestrictions:
        /* "nonzero if the token has ever been filtered" (TOKEN_IS_FILTERED) */
        return SepQueryUlong((atomic_load(&Token->TokenFlags) & TOKEN_IS_FILTERED) != 0);
    case TokenUIAccess:
        return SepQueryUlong((atomic_load(&Token->TokenFlags) & TOKEN_UIACCESS) != 0);
    case TokenUserClaimAttributes:
    case TokenDeviceClaimAttributes: {
        /* MS-DTYP 2.5.2 UserClaims[] / DeviceClaims[]; a token without any gets an empty,
         * version-1 CLAIM_SECURITY_ATTRIBUTES_INFORMATION. */
        PCLAIM_SECURITY_ATTRIBUTES_INFORMATION c;
        NTSTATUS st = SepClaimsCopy(Class == TokenUserClaimAttributes ? Token->UserClaims
                                                                     : Token->DeviceClaims, &c);
        return NT_SUCCESS(st) ? c : NULL;
    }
    case TokenRestrictedUserClaimAttributes:
    case TokenRestrictedDeviceClaimAttributes: {
        /* ntsec tokens carry no restricted claims (the restricted pass of the access check
         * sees none): empty. */
        PCLAIM_SECURITY_ATTRIBUTES_INFORMATION c;
        return NT_SUCCESS(SepClaimsCopy(NULL, &c)) ? c : NULL;
    }
    case TokenDeviceGroups:
    case TokenRestrictedDeviceGroups: {
        /* MS-DTYP 2.5.2 DeviceSIDs[]; no restricted device groups are carried (empty). */
        PTOKEN_GROUPS g;
        BOOLEAN device = Class == TokenDeviceGroups && Token->DeviceGroups != NULL;
        NTSTATUS st = SepGroupsCopy(device ? Token->DeviceGroups->GroupCount : 0,
                                    device ? Token->DeviceGroups->Groups : NULL, &g);
        return NT_SUCCESS(st) ? g : NULL;
    }
    case TokenSessionReference: /* set-only on Windows */
        *Status = STATUS_INVALID_INFO_CLASS;
        return NULL;
    default: /* UAC, AppContainer and later classes (tokenquery_uac.c) */
        return SepQueryUacLocked(Token, Class, Status);
    }
}

/*
 * SeQueryInformationToken - one pool block describing TokenInformationClass of Token,
 * returned in *TokenInformation; the caller frees it with ExFreePool. No references change.
 * TokenSessionId allocates nothing: the session id ULONG is written at TokenInformation
 * (the WDK contract; a NULL-token/non-token leaves it unwritten).
 *
 * @remarks WDK: classes TokenUser .. TokenMandatoryPolicy, and the claim classes
 * (TokenUserClaimAttributes, TokenDeviceClaimAttributes: CLAIM_SECURITY_ATTRIBUTES_INFORMATION;
 * TokenDeviceGroups: TOKEN_GROUPS; their restricted forms are empty). TokenImpersonationLevel on a
 * primary token is STATUS_INVALID_INFO_CLASS with *TokenInformation NULL (spec 1.3, case
 * 69). Any token may be queried, Anonymous-level ones included (spec 2.20). A non-token is
 * STATUS_OBJECT_TYPE_MISMATCH (spec 5-D24). The UAC and later classes are answered by
 * tokenquery_uac.c; those ntsec does not model (TokenAuditPolicy, TokenAccessInformation,
 * TokenSecurityAttributes and the Windows 10+ process classes; README's not-implemented
 * table says why) return STATUS_NOT_IMPLEMENTED. Allocation failure: STATUS_INSUFFICIENT_RESOURCES (as Windows).
 */
NTSTATUS SeQueryInformationToken(PACCESS_TOKEN Token, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                 PVOID *TokenInformation)
{
    if (TokenInformation == NULL)
        return STATUS_INVALID_PARAMETER;
    if (TokenInformationClass == TokenSessionId) {
        /* WDK: the ULONG is written through TokenInformation itself (callers pass
         * (PVOID *)&SessionId with a ULONG SessionId): only 4 bytes are stored. */
        if (!SepIsToken(Token, "SeQueryInformationToken"))
            return STATUS_OBJECT_TYPE_MISMATCH;
        return SeQuerySessionIdToken(Token, (PULONG)TokenInformation);
    }
    *TokenInformation = NULL;
    if (!SepIsToken(Token, "SeQueryInformationToken"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    NTSTATUS st;
    SepAcquireTokenLockShared(token);
    PVOID info = SepQueryLocked(token, TokenInformationClass, &st);
    SepReleaseTokenLock(token);
    if (!NT_SUCCESS(st))
        return st;
    if (info == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *TokenInformation = info;
    return STATUS_SUCCESS;
}

/* SeQueryAuthenticationIdToken - the logon session LUID. No references change. */
NTSTATUS SeQueryAuthenticationIdToken(PACCESS_TOKEN Token, PLUID AuthenticationId)
{
    if (AuthenticationId == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, "SeQueryAuthenticationIdToken"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    *AuthenticationId = ((PTOKEN)Token)->AuthenticationId; /* immutable */
    return STATUS_SUCCESS;
}

/* SeQuerySessionIdToken - the session id. No references change. */
NTSTATUS SeQuerySessionIdToken(PACCESS_TOKEN Token, PULONG SessionId)
{
    if (SessionId == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, "SeQuerySessionIdToken"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    SepAcquireTokenLockShared(token);
    *SessionId = token->SessionId;
    SepReleaseTokenLock(token);
    return STATUS_SUCCESS;
}

/* SeTokenType - TokenPrimary or TokenImpersonation; (TOKEN_TYPE)0 for a non-token (5-D24). */
TOKEN_TYPE SeTokenType(PACCESS_TOKEN Token)
{
    if (!SepIsToken(Token, "SeTokenType"))
        return (TOKEN_TYPE)0;
    return ((PTOKEN)Token)->TokenType;
}

/*
 * SeTokenImpersonationLevel - the token's own level (meaningful for impersonation tokens;
 * SecurityAnonymous for primary ones). A non-token gives SecurityAnonymous, the level that
 * allows nothing (fail closed, 5-D24).
 */
SECURITY_IMPERSONATION_LEVEL SeTokenImpersonationLevel(PACCESS_TOKEN Token)
{
    if (!SepIsToken(Token, "SeTokenImpersonationLevel"))
        return SecurityAnonymous;
    return ((PTOKEN)Token)->ImpersonationLevel;
}

/*
 * SeTokenIsAdmin - TRUE iff BUILTIN\Administrators (S-1-5-32-544) is in the token's groups,
 * enabled and not deny-only. Reads under the shared lock. Non-token: FALSE.
 */
BOOLEAN SeTokenIsAdmin(PACCESS_TOKEN Token)
{
    if (!SepIsToken(Token, "SeTokenIsAdmin"))
        return FALSE;
    UCHAR buf[SECURITY_MAX_SID_SIZE];
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    RtlInitializeSid(buf, &nt, 2);
    *RtlSubAuthoritySid(buf, 0) = SECURITY_BUILTIN_DOMAIN_RID;
    *RtlSubAuthoritySid(buf, 1) = DOMAIN_ALIAS_RID_ADMINS;
    PTOKEN token = Token;
    BOOLEAN admin = FALSE;
    SepAcquireTokenLockShared(token);
    for (ULONG i = 1; i < token->UserAndGroupCount && !admin; i++) {
        ULONG a = token->UserAndGroups[i].Attributes;
        admin = (a & SE_GROUP_ENABLED) && !(a & SE_GROUP_USE_FOR_DENY_ONLY) &&
                RtlEqualSid(token->UserAndGroups[i].Sid, buf);
    }
    SepReleaseTokenLock(token);
    return admin;
}

/* SeTokenIsRestricted - TRUE iff the token has restricted SIDs. Non-token: TRUE (fail closed). */
BOOLEAN SeTokenIsRestricted(PACCESS_TOKEN Token)
{
    if (!SepIsToken(Token, "SeTokenIsRestricted"))
        return TRUE;
    return SepTokenIsRestricted(Token);
}

/* SeTokenIsWriteRestricted - TRUE iff TOKEN_WRITE_RESTRICTED is set. Non-token: TRUE (fail closed). */
BOOLEAN SeTokenIsWriteRestricted(PACCESS_TOKEN Token)
{
    if (!SepIsToken(Token, "SeTokenIsWriteRestricted"))
        return TRUE;
    return (atomic_load_explicit(&((PTOKEN)Token)->TokenFlags, memory_order_relaxed) & TOKEN_WRITE_RESTRICTED) != 0;
}
