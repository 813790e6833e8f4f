/*
 * token.c - token object lifetime: creation from a template, duplication, deletion,
 * the token lock, derived flags and locally unique ids (spec 1.3).
 *
 * Layout: every array and SID of a token lives in one pool block (TOKEN.Variable), in
 * this order: UserAndGroups[], RestrictedSids[], Privileges[], the SIDs, PrimaryGroup,
 * DefaultDacl. A duplicate copies the block and relocates the pointers, so the SID index
 * (which stores array positions, not pointers) is copied rather than rebuilt.
 */
#include <string.h>
#include "se/sep.h"
#include "ex/pooltags.h"

#define SEP_ALIGN(n) (((n) + 7) & ~(SIZE_T)7)

static _Atomic ULONGLONG SepLuidCounter = 0x10000;

/* SepAllocateLuid - a fresh LUID, never zero and above every well-known LUID. */
LUID SepAllocateLuid(VOID)
{
    ULONGLONG v = atomic_fetch_add_explicit(&SepLuidCounter, 1, memory_order_relaxed);
    LUID l = { (ULONG)v, (LONG)(v >> 32) };
    return l;
}

static VOID SepDeleteToken(PVOID Object)
{
    PTOKEN token = Object;
    SepSidIndexFree(token);
    SepFreeTokenClaims(token);
    SepSetTokenLinks(token, NULL, NULL);
    /* The host target cache (host/target.c): a chain linked through each block's first word. */
    for (PVOID p = atomic_exchange(&token->HostTarget, NULL), next; p != NULL; p = next) {
        next = *(PVOID *)p;
        ExFreePool(p);
    }
    pthread_rwlock_destroy(&token->Lock);
    if (token->Variable != NULL)
        ExFreePoolWithTag(token->Variable, SEP_TOKEN_TAG);
}

/* SepSetTokenLinks - see sep.h. References taken before the old ones go, so a link may be
 * set to what it was. */
VOID SepSetTokenLinks(PTOKEN Token, PTOKEN Linked, PTOKEN Origin)
{
    if (Linked != NULL)
        ObfReferenceObject(Linked);
    if (Origin != NULL)
        ObfReferenceObject(Origin);
    if (Token->LinkedToken != NULL)
        ObfDereferenceObject(Token->LinkedToken);
    if (Token->LinkedOrigin != NULL)
        ObfDereferenceObject(Token->LinkedOrigin);
    Token->LinkedToken = Linked;
    Token->LinkedOrigin = Origin;
}

/* SepInitializeTokenType - init step 2 (src/ex/init.c): tokens are deleted by SepDeleteToken. */
VOID SepInitializeTokenType(VOID)
{
    ObpTokenType.DeleteProcedure = SepDeleteToken;
}

/* The lock lets a thread re-acquire it shared while a writer waits (reader preference). */
static NTSTATUS SepInitTokenLock(PTOKEN Token)
{
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_READER_NP);
    int rc = pthread_rwlock_init(&Token->Lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    return rc == 0 ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

VOID SepAcquireTokenLockShared(PTOKEN Token)
{
    pthread_rwlock_rdlock(&Token->Lock);
}

VOID SepAcquireTokenLockExclusive(PTOKEN Token)
{
    pthread_rwlock_wrlock(&Token->Lock);
}

VOID SepReleaseTokenLock(PTOKEN Token)
{
    pthread_rwlock_unlock(&Token->Lock);
}

/*
 * SepUpdateTokenFlags - recomputes the privilege-derived flags (spec 1.1: the
 * TOKEN_HAS_*_PRIVILEGE bits mirror "present and enabled"). Caller holds the exclusive
 * lock or owns the only reference.
 */
VOID SepUpdateTokenFlags(PTOKEN Token)
{
    ULONG flags = atomic_load_explicit(&Token->TokenFlags, memory_order_relaxed);
    flags &= ~(ULONG)(TOKEN_HAS_TRAVERSE_PRIVILEGE | TOKEN_HAS_BACKUP_PRIVILEGE |
                      TOKEN_HAS_RESTORE_PRIVILEGE | TOKEN_HAS_IMPERSONATE_PRIVILEGE);
    for (ULONG i = 0; i < Token->PrivilegeCount; i++) {
        if (!(Token->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) ||
            Token->Privileges[i].Luid.HighPart != 0)
            continue;
        switch (Token->Privileges[i].Luid.LowPart) {
        case SE_CHANGE_NOTIFY_PRIVILEGE: flags |= TOKEN_HAS_TRAVERSE_PRIVILEGE; break;
        case SE_BACKUP_PRIVILEGE: flags |= TOKEN_HAS_BACKUP_PRIVILEGE; break;
        case SE_RESTORE_PRIVILEGE: flags |= TOKEN_HAS_RESTORE_PRIVILEGE; break;
        case SE_IMPERSONATE_PRIVILEGE: flags |= TOKEN_HAS_IMPERSONATE_PRIVILEGE; break;
        }
    }
    if (Token->RestrictedSidCount != 0)
        flags |= TOKEN_IS_RESTRICTED;
    atomic_store_explicit(&Token->TokenFlags, flags, memory_order_release);
}

ULONG SepTokenIntegrityRid(PTOKEN Token)
{
    if (Token->IntegrityIndex == SEP_NO_INTEGRITY)
        return SECURITY_MANDATORY_MEDIUM_RID; /* spec 5-D19 */
    PISID sid = Token->UserAndGroups[Token->IntegrityIndex].Sid;
    return sid->SubAuthority[sid->SubAuthorityCount - 1];
}

/* Reads the privilege array under the shared lock; no references change. */
BOOLEAN SepTokenPrivilegeEnabled(PTOKEN Token, ULONG Privilege)
{
    BOOLEAN enabled = FALSE;
    SepAcquireTokenLockShared(Token);
    for (ULONG i = 0; i < Token->PrivilegeCount; i++) {
        if (Token->Privileges[i].Luid.LowPart == Privilege && Token->Privileges[i].Luid.HighPart == 0) {
            enabled = (Token->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) != 0;
            break;
        }
    }
    SepReleaseTokenLock(Token);
    return enabled;
}

/* Copies Sid to *Cursor (8-byte aligned) and returns the copy. */
static PSID SepPlaceSid(PUCHAR *Cursor, PSID Sid)
{
    ULONG len = RtlLengthSid(Sid);
    PSID out = *Cursor;
    memcpy(out, Sid, len);
    *Cursor += SEP_ALIGN(len);
    return out;
}

static PISID SepIntegritySid(ULONG Rid, UCHAR Buffer[SECURITY_MAX_SID_SIZE])
{
    SID_IDENTIFIER_AUTHORITY mandatory = SECURITY_MANDATORY_LABEL_AUTHORITY;
    PISID sid = (PISID)Buffer;
    RtlInitializeSid(sid, &mandatory, 1);
    sid->SubAuthority[0] = Rid;
    return sid;
}

/* Builds "owner GENERIC_ALL, SYSTEM GENERIC_ALL" (DESIGN token text default) into Acl. */
static NTSTATUS SepBuildDefaultDacl(PSID Owner, PACL Acl, ULONG Size)
{
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    UCHAR buf[SECURITY_MAX_SID_SIZE];
    PISID system = (PISID)buf;
    RtlInitializeSid(system, &nt, 1);
    system->SubAuthority[0] = SECURITY_LOCAL_SYSTEM_RID;
    NTSTATUS st = RtlCreateAcl(Acl, Size, ACL_REVISION);
    if (NT_SUCCESS(st))
        st = RtlAddAccessAllowedAce(Acl, ACL_REVISION, GENERIC_ALL, Owner);
    if (NT_SUCCESS(st) && !RtlEqualSid(Owner, system))
        st = RtlAddAccessAllowedAce(Acl, ACL_REVISION, GENERIC_ALL, system);
    return st;
}

static ULONG SepDefaultDaclSize(PSID Owner)
{
    return sizeof(ACL) + 2 * (sizeof(ACCESS_ALLOWED_ACE) - sizeof(ULONG)) + RtlLengthSid(Owner) +
           RtlLengthRequiredSid(1);
}

static BOOLEAN SepValidSidAndAttributes(ULONG Count, PSID_AND_ATTRIBUTES Array)
{
    for (ULONG i = 0; i < Count; i++)
        if (Array[i].Sid == NULL || !RtlValidSid(Array[i].Sid))
            return FALSE;
    return TRUE;
}

/*
 * SepCreateToken - see sep.h. Validates the template, lays out one variable block, and
 * returns a new token whose single reference belongs to the caller. Nothing is left
 * allocated on failure.
 */
NTSTATUS SepCreateToken(const SEP_TOKEN_TEMPLATE *T, PCSTR CreatorTag, PTOKEN *Token)
{
    *Token = NULL;
    if (T->TokenType != TokenPrimary && T->TokenType != TokenImpersonation)
        return STATUS_INVALID_PARAMETER;
    if (T->TokenType == TokenImpersonation && !VALID_IMPERSONATION_LEVEL(T->ImpersonationLevel))
        return STATUS_INVALID_PARAMETER;
    if (T->User == NULL || !RtlValidSid(T->User) ||
        !SepValidSidAndAttributes(T->GroupCount, T->Groups) ||
        !SepValidSidAndAttributes(T->RestrictedSidCount, T->RestrictedSids))
        return STATUS_INVALID_SID;
    if ((T->Owner && !RtlValidSid(T->Owner)) || (T->PrimaryGroup && !RtlValidSid(T->PrimaryGroup)))
        return STATUS_INVALID_SID;
    if (T->DefaultDacl != NULL && !RtlValidAcl(T->DefaultDacl))
        return STATUS_INVALID_ACL;
    if (!SepValidSidAndAttributes(T->DeviceGroupCount, T->DeviceGroups))
        return STATUS_INVALID_SID;
    if (!NT_SUCCESS(SepClaimsValidate(T->UserClaims)) || !NT_SUCCESS(SepClaimsValidate(T->DeviceClaims)))
        return STATUS_INVALID_PARAMETER;

    UCHAR ilbuf[SECURITY_MAX_SID_SIZE];
    PSID il = T->HasIntegrity ? SepIntegritySid(T->IntegrityRid, ilbuf) : NULL;

    /* Owner: the user, or a group marked SE_GROUP_OWNER. */
    ULONG ownerIndex = 0;
    if (T->Owner != NULL && !RtlEqualSid(T->Owner, T->User)) {
        ULONG i;
        for (i = 0; i < T->GroupCount; i++)
            if (RtlEqualSid(T->Groups[i].Sid, T->Owner) && (T->Groups[i].Attributes & SE_GROUP_OWNER))
                break;
        if (i == T->GroupCount)
            return STATUS_INVALID_OWNER;
        ownerIndex = i + 1;
    }
    PSID owner = ownerIndex ? T->Groups[ownerIndex - 1].Sid : T->User;
    PSID primaryGroup = T->PrimaryGroup ? T->PrimaryGroup : T->User;

    ULONG ugCount = 1 + T->GroupCount + (il ? 1 : 0);
    SIZE_T size = SEP_ALIGN(ugCount * sizeof(SID_AND_ATTRIBUTES)) +
                  SEP_ALIGN(T->RestrictedSidCount * sizeof(SID_AND_ATTRIBUTES)) +
                  SEP_ALIGN(T->PrivilegeCount * sizeof(LUID_AND_ATTRIBUTES));
    size += SEP_ALIGN(RtlLengthSid(T->User));
    for (ULONG i = 0; i < T->GroupCount; i++)
        size += SEP_ALIGN(RtlLengthSid(T->Groups[i].Sid));
    if (il)
        size += SEP_ALIGN(RtlLengthSid(il));
    for (ULONG i = 0; i < T->RestrictedSidCount; i++)
        size += SEP_ALIGN(RtlLengthSid(T->RestrictedSids[i].Sid));
    size += SEP_ALIGN(RtlLengthSid(primaryGroup));
    ULONG daclSize = 0;
    if (T->DefaultDacl != NULL)
        daclSize = T->DefaultDacl->AclSize;
    else if (!T->NoDefaultDacl)
        daclSize = SepDefaultDaclSize(owner);
    size += SEP_ALIGN(daclSize);

    PTOKEN token;
    NTSTATUS st = ObpCreateObject(&ObpTokenType, sizeof(TOKEN), CreatorTag, (PVOID *)&token);
    if (!NT_SUCCESS(st))
        return st;
    PUCHAR block = ExAllocatePoolWithTag(PagedPool, size, SEP_TOKEN_TAG);
    if (block == NULL) {
        ObfDereferenceObject(token); /* Variable is NULL: the delete procedure frees nothing */
        return STATUS_NO_MEMORY;
    }
    if (!NT_SUCCESS(SepInitTokenLock(token))) {
        ExFreePoolWithTag(block, SEP_TOKEN_TAG);
        ObfDereferenceObject(token);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    token->Variable = block;
    token->VariableLength = size;

    PUCHAR cur = block;
    token->UserAndGroups = (PSID_AND_ATTRIBUTES)cur;
    cur += SEP_ALIGN(ugCount * sizeof(SID_AND_ATTRIBUTES));
    token->RestrictedSids = T->RestrictedSidCount ? (PSID_AND_ATTRIBUTES)cur : NULL;
    cur += SEP_ALIGN(T->RestrictedSidCount * sizeof(SID_AND_ATTRIBUTES));
    token->Privileges = T->PrivilegeCount ? (PLUID_AND_ATTRIBUTES)cur : NULL;
    cur += SEP_ALIGN(T->PrivilegeCount * sizeof(LUID_AND_ATTRIBUTES));

    token->UserAndGroupCount = ugCount;
    token->UserAndGroups[0].Sid = SepPlaceSid(&cur, T->User);
    token->UserAndGroups[0].Attributes = T->UserAttributes;
    for (ULONG i = 0; i < T->GroupCount; i++) {
        token->UserAndGroups[1 + i].Sid = SepPlaceSid(&cur, T->Groups[i].Sid);
        token->UserAndGroups[1 + i].Attributes = T->Groups[i].Attributes;
    }
    token->IntegrityIndex = SEP_NO_INTEGRITY;
    if (il) {
        token->IntegrityIndex = ugCount - 1;
        token->UserAndGroups[ugCount - 1].Sid = SepPlaceSid(&cur, il);
        token->UserAndGroups[ugCount - 1].Attributes = SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED;
    }
    token->RestrictedSidCount = T->RestrictedSidCount;
    for (ULONG i = 0; i < T->RestrictedSidCount; i++) {
        token->RestrictedSids[i].Sid = SepPlaceSid(&cur, T->RestrictedSids[i].Sid);
        token->RestrictedSids[i].Attributes = T->RestrictedSids[i].Attributes;
    }
    token->PrivilegeCount = T->PrivilegeCount;
    if (T->PrivilegeCount)
        memcpy(token->Privileges, T->Privileges, T->PrivilegeCount * sizeof(LUID_AND_ATTRIBUTES));
    token->PrimaryGroup = SepPlaceSid(&cur, primaryGroup);
    token->DefaultOwnerIndex = ownerIndex;
    token->DefaultDacl = NULL;
    if (daclSize != 0) {
        token->DefaultDacl = (PACL)cur;
        if (T->DefaultDacl != NULL)
            memcpy(cur, T->DefaultDacl, daclSize);
        else
            st = SepBuildDefaultDacl(token->UserAndGroups[ownerIndex].Sid, token->DefaultDacl, daclSize);
        if (!NT_SUCCESS(st)) {
            ObfDereferenceObject(token);
            return st;
        }
    }

    token->TokenType = T->TokenType;
    token->ImpersonationLevel = T->TokenType == TokenImpersonation ? T->ImpersonationLevel
                                                                   : SecurityAnonymous;
    token->TokenId = SepAllocateLuid();
    token->ModifiedId = SepAllocateLuid();
    token->AuthenticationId = (T->AuthenticationId.LowPart || T->AuthenticationId.HighPart)
                                  ? T->AuthenticationId
                                  : SepAllocateLuid();
    token->OriginatingLogonSession = T->OriginatingLogonSession;
    token->TokenSource = T->TokenSource;
    static const CHAR zero[TOKEN_SOURCE_LENGTH];
    if (memcmp(token->TokenSource.SourceName, zero, TOKEN_SOURCE_LENGTH) == 0)
        memcpy(token->TokenSource.SourceName, "ntsec\0\0\0", TOKEN_SOURCE_LENGTH);
    token->SessionId = T->SessionId;
    token->MandatoryPolicy = T->MandatoryPolicy;
    atomic_init(&token->TokenFlags, T->ExtraFlags & ~(ULONG)TOKEN_IS_RESTRICTED);
    SepUpdateTokenFlags(token);

    if (T->UserClaims != NULL && T->UserClaims->AttributeCount != 0)
        st = SepClaimsCopy(T->UserClaims, &token->UserClaims);
    if (NT_SUCCESS(st) && T->DeviceClaims != NULL && T->DeviceClaims->AttributeCount != 0)
        st = SepClaimsCopy(T->DeviceClaims, &token->DeviceClaims);
    if (NT_SUCCESS(st) && T->DeviceGroupCount != 0)
        st = SepGroupsCopy(T->DeviceGroupCount, T->DeviceGroups, &token->DeviceGroups);
    token->ElevationType = T->ElevationType ? T->ElevationType : TokenElevationTypeDefault;
    SepSetTokenLinks(token, T->LinkedToken, T->LinkedOrigin);
    if (NT_SUCCESS(st))
        st = SepSidIndexBuild(token);
    if (!NT_SUCCESS(st)) {
        ObfDereferenceObject(token); /* the delete procedure frees what was copied */
        return st;
    }
    *Token = token;
    return STATUS_SUCCESS;
}

static PVOID SepRelocate(PVOID Pointer, PUCHAR OldBase, PUCHAR NewBase)
{
    return Pointer ? NewBase + ((PUCHAR)Pointer - OldBase) : NULL;
}

/* Copies Source (read under its shared lock) without filtering: same layout, same index. */
static NTSTATUS SepCloneToken(PTOKEN Source, PCSTR CreatorTag, PTOKEN *NewToken)
{
    PTOKEN token;
    NTSTATUS st = ObpCreateObject(&ObpTokenType, sizeof(TOKEN), CreatorTag, (PVOID *)&token);
    if (!NT_SUCCESS(st))
        return st;
    PUCHAR block = ExAllocatePoolWithTag(PagedPool, Source->VariableLength, SEP_TOKEN_TAG);
    if (block == NULL) {
        ObfDereferenceObject(token);
        return STATUS_NO_MEMORY;
    }
    if (!NT_SUCCESS(SepInitTokenLock(token))) {
        ExFreePoolWithTag(block, SEP_TOKEN_TAG);
        ObfDereferenceObject(token);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    SepAcquireTokenLockShared(Source);
    PUCHAR old = Source->Variable;
    memcpy(block, old, Source->VariableLength);
    token->Variable = block;
    token->VariableLength = Source->VariableLength;
    token->TokenSource = Source->TokenSource;
    token->AuthenticationId = Source->AuthenticationId;
    token->ParentTokenId = Source->ParentTokenId;
    token->ModifiedId = Source->ModifiedId; /* spec 5-D12: a copy is not a modification */
    token->OriginatingLogonSession = Source->OriginatingLogonSession;
    token->SessionId = Source->SessionId;
    token->MandatoryPolicy = Source->MandatoryPolicy;
    atomic_init(&token->TokenFlags, atomic_load(&Source->TokenFlags) & ~(ULONG)TOKEN_SESSION_NOT_REFERENCED);
    token->UserAndGroupCount = Source->UserAndGroupCount;
    token->RestrictedSidCount = Source->RestrictedSidCount;
    token->PrivilegeCount = Source->PrivilegeCount;
    token->DefaultOwnerIndex = Source->DefaultOwnerIndex;
    token->IntegrityIndex = Source->IntegrityIndex;
    token->UserAndGroups = SepRelocate(Source->UserAndGroups, old, block);
    token->RestrictedSids = SepRelocate(Source->RestrictedSids, old, block);
    token->Privileges = SepRelocate(Source->Privileges, old, block);
    token->PrimaryGroup = SepRelocate(Source->PrimaryGroup, old, block);
    token->DefaultDacl = SepRelocate(Source->DefaultDacl, old, block);
    for (ULONG i = 0; i < token->UserAndGroupCount; i++)
        token->UserAndGroups[i].Sid = SepRelocate(token->UserAndGroups[i].Sid, old, block);
    for (ULONG i = 0; i < token->RestrictedSidCount; i++)
        token->RestrictedSids[i].Sid = SepRelocate(token->RestrictedSids[i].Sid, old, block);
    st = SepSidIndexClone(Source, token);
    if (NT_SUCCESS(st))
        st = SepCopyTokenClaims(Source, token);
    token->ElevationType = Source->ElevationType;
    SepSetTokenLinks(token, Source->LinkedToken, Source->LinkedOrigin);
    SepReleaseTokenLock(Source);
    if (!NT_SUCCESS(st)) {
        ObfDereferenceObject(token);
        return st;
    }
    token->TokenId = SepAllocateLuid();
    *NewToken = token;
    return STATUS_SUCCESS;
}

/*
 * SepTemplateFromToken - see sep.h. Zeroes Template, then copies what every rebuild of
 * Source keeps: type, level, user and its attributes, integrity, primary group, default
 * DACL, logon ids, source, session and mandatory policy. Pointers alias Source's memory
 * (SepCreateToken copies them), so the caller holds Source's lock until it has created
 * the new token. Takes no references.
 */
VOID SepTemplateFromToken(PSEP_TOKEN_TEMPLATE Template, PTOKEN Source)
{
    memset(Template, 0, sizeof(*Template));
    Template->TokenType = Source->TokenType;
    Template->ImpersonationLevel = Source->ImpersonationLevel;
    Template->User = Source->UserAndGroups[0].Sid;
    Template->UserAttributes = Source->UserAndGroups[0].Attributes;
    Template->HasIntegrity = Source->IntegrityIndex != SEP_NO_INTEGRITY;
    Template->IntegrityRid = SepTokenIntegrityRid(Source);
    Template->PrimaryGroup = Source->PrimaryGroup;
    Template->DefaultDacl = Source->DefaultDacl;
    Template->NoDefaultDacl = Source->DefaultDacl == NULL;
    Template->AuthenticationId = Source->AuthenticationId;
    Template->OriginatingLogonSession = Source->OriginatingLogonSession;
    Template->TokenSource = Source->TokenSource;
    Template->SessionId = Source->SessionId;
    Template->MandatoryPolicy = Source->MandatoryPolicy;
    Template->ElevationType = Source->ElevationType;
    Template->LinkedToken = Source->LinkedToken;
    Template->LinkedOrigin = Source->LinkedOrigin;
    Template->UserClaims = Source->UserClaims;
    Template->DeviceClaims = Source->DeviceClaims;
    if (Source->DeviceGroups != NULL) {
        Template->DeviceGroupCount = Source->DeviceGroups->GroupCount;
        Template->DeviceGroups = Source->DeviceGroups->Groups;
    }
}

/* EffectiveOnly copy (spec 1.3): rebuilt through a template without disabled entries. */
static NTSTATUS SepCreateEffectiveOnlyCopy(PTOKEN Source, PCSTR CreatorTag, PTOKEN *NewToken)
{
    SepAcquireTokenLockShared(Source);
    ULONG n = Source->UserAndGroupCount;
    PSID_AND_ATTRIBUTES groups = ExAllocatePoolWithTag(PagedPool, n * sizeof(SID_AND_ATTRIBUTES), SEP_TOKEN_TAG);
    PLUID_AND_ATTRIBUTES privs = ExAllocatePoolWithTag(PagedPool, (Source->PrivilegeCount + 1) * sizeof(LUID_AND_ATTRIBUTES), SEP_TOKEN_TAG);
    NTSTATUS st = STATUS_NO_MEMORY;
    if (groups != NULL && privs != NULL) {
        SEP_TOKEN_TEMPLATE t;
        SepTemplateFromToken(&t, Source);
        PSID owner = Source->UserAndGroups[Source->DefaultOwnerIndex].Sid;
        for (ULONG i = 1; i < n; i++) {
            if (i == Source->IntegrityIndex)
                continue;
            if (!(Source->UserAndGroups[i].Attributes & SE_GROUP_ENABLED))
                continue;
            groups[t.GroupCount++] = Source->UserAndGroups[i];
        }
        t.Groups = groups;
        for (ULONG i = 0; i < Source->PrivilegeCount; i++)
            if (Source->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED)
                privs[t.PrivilegeCount++] = Source->Privileges[i];
        t.Privileges = privs;
        t.RestrictedSidCount = Source->RestrictedSidCount;
        t.RestrictedSids = Source->RestrictedSids;
        /* The owner must survive filtering; otherwise fall back to the user. */
        t.Owner = owner;
        BOOLEAN ownerKept = Source->DefaultOwnerIndex == 0;
        for (ULONG i = 0; i < t.GroupCount && !ownerKept; i++)
            ownerKept = RtlEqualSid(groups[i].Sid, owner);
        if (!ownerKept)
            t.Owner = NULL;
        t.ExtraFlags = atomic_load(&Source->TokenFlags) &
                       (TOKEN_WRITE_RESTRICTED | TOKEN_SANDBOX_INERT | TOKEN_IS_FILTERED | TOKEN_UIACCESS);
        st = SepCreateToken(&t, CreatorTag, NewToken);
        if (NT_SUCCESS(st)) {
            (*NewToken)->ModifiedId = Source->ModifiedId;
            (*NewToken)->ParentTokenId = Source->ParentTokenId;
        }
    }
    SepReleaseTokenLock(Source);
    if (groups)
        ExFreePoolWithTag(groups, SEP_TOKEN_TAG);
    if (privs)
        ExFreePoolWithTag(privs, SEP_TOKEN_TAG);
    return st;
}

/*
 * SepDuplicateToken - see sep.h. @remarks spec 1.3 and 2.20: an impersonation token can
 * never be duplicated to a higher level (Wine's Windows-run tests: Anonymous to
 * Identification fails with STATUS_BAD_IMPERSONATION_LEVEL). A primary source may be
 * duplicated to any level. The new token's single reference belongs to the caller.
 */
NTSTATUS SepDuplicateToken(PTOKEN Source, TOKEN_TYPE TokenType, SECURITY_IMPERSONATION_LEVEL Level,
                           BOOLEAN EffectiveOnly, PCSTR CreatorTag, PTOKEN *NewToken)
{
    *NewToken = NULL;
    if (TokenType != TokenPrimary && TokenType != TokenImpersonation)
        return STATUS_INVALID_PARAMETER;
    if (TokenType == TokenImpersonation && !VALID_IMPERSONATION_LEVEL(Level))
        return STATUS_INVALID_PARAMETER;
    if (TokenType == TokenImpersonation && Source->TokenType == TokenImpersonation &&
        Level > Source->ImpersonationLevel)
        return STATUS_BAD_IMPERSONATION_LEVEL;
    if (TokenType == TokenPrimary && Source->TokenType == TokenImpersonation &&
        Source->ImpersonationLevel < SecurityImpersonation)
        return STATUS_BAD_IMPERSONATION_LEVEL;
    PTOKEN token;
    NTSTATUS st = EffectiveOnly ? SepCreateEffectiveOnlyCopy(Source, CreatorTag, &token)
                                : SepCloneToken(Source, CreatorTag, &token);
    if (!NT_SUCCESS(st))
        return st;
    token->TokenType = TokenType;
    token->ImpersonationLevel = TokenType == TokenImpersonation ? Level : SecurityAnonymous;
    *NewToken = token;
    return STATUS_SUCCESS;
}

/*
 * SepCopyClientToken - CopyClientToken of spec 1.3 (static tracking, remote capture and
 * the Identification downgrade). New token's single reference belongs to the caller.
 */
NTSTATUS SepCopyClientToken(PTOKEN Source, SECURITY_IMPERSONATION_LEVEL Level, PCSTR CreatorTag,
                            PTOKEN *NewToken)
{
    *NewToken = NULL;
    if (Source->TokenType == TokenImpersonation && Level > Source->ImpersonationLevel)
        return STATUS_BAD_IMPERSONATION_LEVEL;
    return SepDuplicateToken(Source, TokenImpersonation, Level, FALSE, CreatorTag, NewToken);
}
