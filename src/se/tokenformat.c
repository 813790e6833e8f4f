/*
 * tokenformat.c - NtsecFormatToken: the canonical one-line text of a token
 * (docs/token-text.md "Canonical form"). Parsing the output gives a token equal to the
 * input in every field the text form covers, and formatting that token gives the same text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "rtl/rtlp.h"
#include "se/privnames.h"
#include "se/tokentext.h"
#include "ex/pooltags.h"

VOID SeppPut(SEPP_WRITER *W, PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    BOOLEAN room = W->Buffer != NULL && W->Length < W->Size;
    int n = vsnprintf(room ? W->Buffer + W->Length : NULL, room ? W->Size - W->Length : 0, Format, ap);
    va_end(ap);
    if (n > 0)
        W->Length += (SIZE_T)n;
}

/* A SID: its SDDL alias when allowed and not domain-relative, else S-1-... */
NTSTATUS SeppPutSid(SEPP_WRITER *W, PSID Sid, BOOLEAN AllowAlias)
{
    if (AllowAlias && !SeppIsDomainRelativeSid(Sid)) {
        PCSTR alias = RtlpSidAlias(Sid);
        if (alias != NULL) {
            SeppPut(W, "%s", alias);
            return STATUS_SUCCESS;
        }
    }
    char text[256];
    NTSTATUS st = RtlpSidToString(Sid, text, sizeof(text));
    if (NT_SUCCESS(st))
        SeppPut(W, "%s", text);
    return st;
}

/* Group attributes as flags (inverse of the parser's rules), or 0x... when no words fit. */
static VOID SeppPutGroupFlags(SEPP_WRITER *W, ULONG A)
{
    const ULONG named = SE_GROUP_OWNER | SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_LOGON_ID | SE_GROUP_RESOURCE;
    ULONG core = A & SEPP_GROUP_DEFAULT;
    ULONG logon = A & SE_GROUP_LOGON_ID;
    BOOLEAN deny = (A & SE_GROUP_USE_FOR_DENY_ONLY) != 0;
    BOOLEAN coreNamed = (core == SEPP_GROUP_DEFAULT && !deny) || core == 0 || core == SE_GROUP_MANDATORY;
    if ((A & ~(SEPP_GROUP_DEFAULT | named)) != 0 || !coreNamed || (logon != 0 && logon != SE_GROUP_LOGON_ID)) {
        SeppPut(W, ":0x%x", (unsigned)A);
        return;
    }
    PCSTR sep = ":";
    if (core != SEPP_GROUP_DEFAULT) {
        SeppPut(W, ":%s", deny ? "deny-only" : "disabled");
        if (core & SE_GROUP_MANDATORY)
            SeppPut(W, "|mandatory");
        sep = "|";
    }
    if (A & SE_GROUP_OWNER) {
        SeppPut(W, "%sowner", sep);
        sep = "|";
    }
    if (logon) {
        SeppPut(W, "%slogon-id", sep);
        sep = "|";
    }
    if (A & SE_GROUP_RESOURCE)
        SeppPut(W, "%sresource", sep);
}

NTSTATUS SeppBuildDefaultDacl(PSID Owner, PACL *Dacl)
{
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    UCHAR buf[SECURITY_MAX_SID_SIZE];
    PISID system = (PISID)buf;
    RtlInitializeSid(system, &nt, 1);
    system->SubAuthority[0] = SECURITY_LOCAL_SYSTEM_RID;
    ULONG size = sizeof(ACL) + 2 * (sizeof(ACCESS_ALLOWED_ACE) - sizeof(ULONG)) + RtlLengthSid(Owner) +
                 RtlLengthSid(system);
    PACL acl = ExAllocatePoolWithTag(PagedPool, size, SEPP_FORMAT_TAG);
    if (acl == NULL)
        return STATUS_NO_MEMORY;
    NTSTATUS st = RtlCreateAcl(acl, size, ACL_REVISION);
    if (NT_SUCCESS(st))
        st = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, Owner);
    if (NT_SUCCESS(st) && !RtlEqualSid(Owner, system))
        st = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, system);
    if (!NT_SUCCESS(st)) {
        ExFreePoolWithTag(acl, SEPP_FORMAT_TAG);
        return st;
    }
    *Dacl = acl;
    return STATUS_SUCCESS;
}

/* Equal ACLs: same ACE bytes (the AclSize slack after the last ACE is ignored). */
static BOOLEAN SeppEqualAcl(PACL A, PACL B)
{
    if (A->AceCount != B->AceCount || A->AclRevision != B->AclRevision)
        return FALSE;
    PUCHAR pa = (PUCHAR)(A + 1), pb = (PUCHAR)(B + 1);
    PUCHAR ea = (PUCHAR)A + A->AclSize, eb = (PUCHAR)B + B->AclSize;
    for (ULONG i = 0; i < A->AceCount; i++) {
        PACE_HEADER ha = (PACE_HEADER)pa, hb = (PACE_HEADER)pb;
        if (pa + sizeof(ACE_HEADER) > ea || pb + sizeof(ACE_HEADER) > eb || ha->AceSize != hb->AceSize ||
            ha->AceSize < sizeof(ACE_HEADER) || pa + ha->AceSize > ea || pb + hb->AceSize > eb ||
            memcmp(pa, pb, ha->AceSize) != 0)
            return FALSE;
        pa += ha->AceSize;
        pb += hb->AceSize;
    }
    return TRUE;
}

static NTSTATUS SeppPutDefaultDacl(SEPP_WRITER *W, PTOKEN Token)
{
    if (Token->DefaultDacl == NULL) {
        SeppPut(W, " default-dacl=none");
        return STATUS_SUCCESS;
    }
    PACL def = NULL;
    NTSTATUS st = SeppBuildDefaultDacl(Token->UserAndGroups[Token->DefaultOwnerIndex].Sid, &def);
    if (!NT_SUCCESS(st))
        return st;
    BOOLEAN same = SeppEqualAcl(def, Token->DefaultDacl);
    ExFreePoolWithTag(def, SEPP_FORMAT_TAG);
    if (same)
        return STATUS_SUCCESS;
    SECURITY_DESCRIPTOR sd;
    st = RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
    if (NT_SUCCESS(st))
        st = RtlSetDaclSecurityDescriptor(&sd, TRUE, Token->DefaultDacl, FALSE);
    PSTR sddl = NULL;
    if (NT_SUCCESS(st))
        st = NtsecSecurityDescriptorToSddl(&sd, DACL_SECURITY_INFORMATION, &sddl);
    if (NT_SUCCESS(st)) {
        SeppPut(W, " default-dacl=%s", sddl);
        NtsecFree(sddl);
    }
    return st;
}

/* Writes the canonical text of Token; the caller holds Token's lock shared. */
static NTSTATUS SeppFormatLocked(PTOKEN Token, SEPP_WRITER *W)
{
    NTSTATUS st;
    SeppPut(W, "user=");
    st = SeppPutSid(W, SepTokenUserSid(Token), FALSE);
    if (!NT_SUCCESS(st))
        return st;
    /* The user's own attributes (deny-only after SeFilterToken) ride on the user SID. */
    ULONG userAttributes = Token->UserAndGroups[0].Attributes;
    if (userAttributes == SE_GROUP_USE_FOR_DENY_ONLY)
        SeppPut(W, ":deny-only");
    else if (userAttributes != 0)
        SeppPut(W, ":0x%x", (unsigned)userAttributes);
    PCSTR sep = " groups=";
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        if (i == Token->IntegrityIndex)
            continue;
        SeppPut(W, "%s", sep);
        sep = ",";
        st = SeppPutSid(W, Token->UserAndGroups[i].Sid, TRUE);
        if (!NT_SUCCESS(st))
            return st;
        if (Token->UserAndGroups[i].Attributes != SEPP_GROUP_DEFAULT)
            SeppPutGroupFlags(W, Token->UserAndGroups[i].Attributes);
    }
    sep = " privileges=";
    for (ULONG i = 0; i < Token->PrivilegeCount; i++) {
        LUID_AND_ATTRIBUTES *p = &Token->Privileges[i];
        PCSTR name = p->Luid.HighPart == 0 ? SepPrivilegeName(p->Luid.LowPart) : NULL;
        if (name == NULL) {
            SeppSetTextError("privilege LUID 0x%x:0x%x has no name", (unsigned)p->Luid.HighPart,
                             (unsigned)p->Luid.LowPart);
            return STATUS_NOT_SUPPORTED;
        }
        SeppPut(W, "%s%s", sep, name);
        sep = ",";
        if (p->Attributes == 0)
            SeppPut(W, ":disabled");
        else if (p->Attributes != SEPP_PRIVILEGE_DEFAULT)
            SeppPut(W, ":0x%x", (unsigned)p->Attributes);
    }
    if (Token->IntegrityIndex == SEP_NO_INTEGRITY) {
        SeppPut(W, " integrity=none");
    } else {
        ULONG rid = SepTokenIntegrityRid(Token);
        ULONG i;
        for (i = 0; i < SeppIntegrityNameCount; i++)
            if (SeppIntegrityNames[i].Rid == rid)
                break;
        if (i < SeppIntegrityNameCount)
            SeppPut(W, " integrity=%s", SeppIntegrityNames[i].Name);
        else
            SeppPut(W, " integrity=S-1-16-%lu", (unsigned long)rid);
    }
    sep = " restricted=";
    for (ULONG i = 0; i < Token->RestrictedSidCount; i++) {
        SeppPut(W, "%s", sep);
        sep = ",";
        st = SeppPutSid(W, Token->RestrictedSids[i].Sid, TRUE);
        if (!NT_SUCCESS(st))
            return st;
    }
    ULONG flags = atomic_load_explicit(&Token->TokenFlags, memory_order_relaxed);
    if ((flags & TOKEN_WRITE_RESTRICTED) && Token->RestrictedSidCount != 0)
        SeppPut(W, " write-restricted=yes");
    if (Token->TokenType == TokenImpersonation) {
        static const PCSTR levels[] = { "anonymous", "identification", "impersonation", "delegation" };
        SeppPut(W, " type=impersonation level=%s",
                VALID_IMPERSONATION_LEVEL(Token->ImpersonationLevel) ? levels[Token->ImpersonationLevel] : "?");
    } else {
        SeppPut(W, " type=primary");
    }
    SeppPut(W, " auth-id=0x%x:0x%x", (unsigned)Token->AuthenticationId.HighPart,
            (unsigned)Token->AuthenticationId.LowPart);
    if (Token->OriginatingLogonSession.LowPart || Token->OriginatingLogonSession.HighPart)
        SeppPut(W, " origin=0x%x:0x%x", (unsigned)Token->OriginatingLogonSession.HighPart,
                (unsigned)Token->OriginatingLogonSession.LowPart);
    char source[TOKEN_SOURCE_LENGTH + 1] = { 0 };
    memcpy(source, Token->TokenSource.SourceName, TOKEN_SOURCE_LENGTH);
    /* Quoted when the bare word would not reparse (a blank or a parenthesis: fuzz_token_text). */
    BOOLEAN space = strpbrk(source, " ()\t\r\n") != NULL;
    SeppPut(W, space ? " source=\"%s\"" : " source=%s", source);
    if (Token->DefaultOwnerIndex != 0) {
        SeppPut(W, " owner=");
        st = SeppPutSid(W, Token->UserAndGroups[Token->DefaultOwnerIndex].Sid, TRUE);
        if (!NT_SUCCESS(st))
            return st;
    }
    if (!RtlEqualSid(Token->PrimaryGroup, SepTokenUserSid(Token))) {
        SeppPut(W, " primary-group=");
        st = SeppPutSid(W, Token->PrimaryGroup, TRUE);
        if (!NT_SUCCESS(st))
            return st;
    }
    st = SeppPutDefaultDacl(W, Token);
    if (!NT_SUCCESS(st))
        return st;
    if (Token->SessionId != 0)
        SeppPut(W, " session=%lu", (unsigned long)Token->SessionId);
    sep = " device-groups=";
    for (ULONG i = 0; Token->DeviceGroups != NULL && i < Token->DeviceGroups->GroupCount; i++) {
        SeppPut(W, "%s", sep);
        sep = ",";
        st = SeppPutSid(W, Token->DeviceGroups->Groups[i].Sid, TRUE);
        if (!NT_SUCCESS(st))
            return st;
        if (Token->DeviceGroups->Groups[i].Attributes != SEPP_GROUP_DEFAULT)
            SeppPutGroupFlags(W, Token->DeviceGroups->Groups[i].Attributes);
    }
    st = SeppPutClaims(W, "user-claims", Token->UserClaims);
    if (NT_SUCCESS(st))
        st = SeppPutClaims(W, "device-claims", Token->DeviceClaims);
    return st;
}

/*
 * NtsecFormatToken - the canonical text of Token into Buffer (Size bytes, NUL-terminated).
 * *Needed (optional) receives the bytes needed including the NUL. Buffer may be NULL when
 * Size is 0 (a size query). Returns STATUS_BUFFER_TOO_SMALL when it does not fit (Buffer
 * then holds "" if Size > 0), STATUS_OBJECT_TYPE_MISMATCH for a non-token (spec 5-D24),
 * STATUS_NO_MEMORY, or STATUS_NOT_SUPPORTED for a privilege LUID without a name.
 * Reads Token under its shared lock; no references change.
 */
NTSTATUS NtsecFormatToken(PACCESS_TOKEN Token, PSTR Buffer, SIZE_T Size, PSIZE_T Needed)
{
    if (Needed != NULL)
        *Needed = 0;
    if (Buffer == NULL && Size != 0)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, "NtsecFormatToken"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    SEPP_WRITER w = { Buffer, Size, 0 };
    SepAcquireTokenLockShared(token);
    NTSTATUS st = SeppFormatLocked(token, &w);
    SepReleaseTokenLock(token);
    if (!NT_SUCCESS(st)) {
        if (Size > 0)
            Buffer[0] = '\0';
        return st;
    }
    if (Needed != NULL)
        *Needed = w.Length + 1;
    if (w.Length + 1 > Size) {
        if (Size > 0)
            Buffer[0] = '\0';
        return STATUS_BUFFER_TOO_SMALL;
    }
    return STATUS_SUCCESS;
}
