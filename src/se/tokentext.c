/*
 * tokentext.c - NtsecCreateTokenFromText: a token from the one-line text form
 * (DESIGN.md "Token text form", docs/token-text.md).
 *
 * The text is copied once into a pool buffer and cut in place; every list is parsed into
 * pool arrays that feed a SEP_TOKEN_TEMPLATE, and SepCreateToken builds the token. Every
 * rejection sets NtsecLastErrorText to a message naming the offending item.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "rtl/rtlp.h"
#include "se/privnames.h"
#include "se/tokentext.h"


const SEPP_INTEGRITY_NAME SeppIntegrityNames[] = {
    { "untrusted", NULL, SECURITY_MANDATORY_UNTRUSTED_RID },
    { "low", "LW", SECURITY_MANDATORY_LOW_RID },
    { "medium", "ME", SECURITY_MANDATORY_MEDIUM_RID },
    { "medium-plus", "MP", SECURITY_MANDATORY_MEDIUM_PLUS_RID },
    { "high", "HI", SECURITY_MANDATORY_HIGH_RID },
    { "system", "SI", SECURITY_MANDATORY_SYSTEM_RID },
};
const ULONG SeppIntegrityNameCount = sizeof(SeppIntegrityNames) / sizeof(SeppIntegrityNames[0]);

VOID SeppSetTextError(PCSTR Format, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, Format);
    vsnprintf(buf, sizeof(buf), Format, ap);
    va_end(ap);
    RtlpSetLastErrorText("token text: %s", buf);
}

BOOLEAN SeppIsDomainRelativeSid(PSID Sid)
{
    PISID s = Sid;
    static const UCHAR nt[6] = { 0, 0, 0, 0, 0, 5 };
    return s->SubAuthorityCount >= 1 && memcmp(s->IdentifierAuthority.Value, nt, 6) == 0 &&
           s->SubAuthority[0] == SECURITY_NT_NON_UNIQUE;
}

enum {
    SeppKeyUser, SeppKeyGroups, SeppKeyPrivileges, SeppKeyIntegrity, SeppKeyRestricted,
    SeppKeyType, SeppKeyLevel, SeppKeyAuthId, SeppKeyOrigin, SeppKeySource, SeppKeyOwner,
    SeppKeyPrimaryGroup, SeppKeyDefaultDacl, SeppKeySession, SeppKeyWriteRestricted,
    SeppKeyDeviceGroups, SeppKeyUserClaims, SeppKeyDeviceClaims,
    SeppKeyCount
};

static const PCSTR SeppKeyNames[SeppKeyCount] = {
    "user", "groups", "privileges", "integrity", "restricted", "type", "level", "auth-id",
    "origin", "source", "owner", "primary-group", "default-dacl", "session", "write-restricted",
    "device-groups", "user-claims", "device-claims",
};

/* Parse state; every pointer member is a pool block (or NtsecFree'd SD) released by SeppFree. */
typedef struct _SEPP_PARSE {
    SEP_TOKEN_TEMPLATE T;
    UCHAR User[SECURITY_MAX_SID_SIZE];
    UCHAR Owner[SECURITY_MAX_SID_SIZE];
    UCHAR PrimaryGroup[SECURITY_MAX_SID_SIZE];
    PSID_AND_ATTRIBUTES Groups;      /* array followed by SECURITY_MAX_SID_SIZE per entry */
    PSID_AND_ATTRIBUTES Restricted;  /* same layout */
    PLUID_AND_ATTRIBUTES Privileges;
    PSECURITY_DESCRIPTOR DaclSd;     /* from NtsecSddlToSecurityDescriptor */
    PSID_AND_ATTRIBUTES DeviceGroups; /* as Groups */
    PCLAIM_SECURITY_ATTRIBUTES_INFORMATION UserClaims, DeviceClaims; /* SeppParseClaims blocks */
    BOOLEAN WriteRestricted;
} SEPP_PARSE, *PSEPP_PARSE;

static VOID SeppFree(PSEPP_PARSE P)
{
    if (P->Groups)
        ExFreePoolWithTag(P->Groups, SEPP_TEXT_TAG);
    if (P->Restricted)
        ExFreePoolWithTag(P->Restricted, SEPP_TEXT_TAG);
    if (P->Privileges)
        ExFreePoolWithTag(P->Privileges, SEPP_TEXT_TAG);
    if (P->DaclSd)
        NtsecFree(P->DaclSd);
    if (P->DeviceGroups)
        ExFreePoolWithTag(P->DeviceGroups, SEPP_TEXT_TAG);
    if (P->UserClaims)
        ExFreePoolWithTag(P->UserClaims, SEPP_TEXT_TAG);
    if (P->DeviceClaims)
        ExFreePoolWithTag(P->DeviceClaims, SEPP_TEXT_TAG);
}

/* privileges=: a comma list of Name[:enabled|:disabled|:0xN]. */
static NTSTATUS SeppParsePrivileges(PSTR Value, PSEPP_PARSE P)
{
    ULONG n = SeppListCount(Value);
    if (n > SEPP_TEXT_MAX_LIST) {
        SeppSetTextError("too many entries in privileges (%lu, at most %u)", (unsigned long)n, SEPP_TEXT_MAX_LIST);
        return STATUS_INVALID_PARAMETER;
    }
    if (n == 0)
        return STATUS_SUCCESS;
    P->Privileges = ExAllocatePoolWithTag(PagedPool, n * sizeof(LUID_AND_ATTRIBUTES), SEPP_TEXT_TAG);
    if (P->Privileges == NULL)
        return STATUS_NO_MEMORY;
    PSTR cursor = Value;
    for (ULONG i = 0; i < n; i++) {
        PSTR entry = SeppNextEntry(&cursor);
        PSTR colon = strchr(entry, ':');
        if (colon)
            *colon = '\0';
        ULONG luid, attrs = SEPP_PRIVILEGE_DEFAULT;
        if (!SepPrivilegeValue(entry, &luid)) {
            SeppSetTextError("unknown privilege \"%s\" in privileges", entry);
            return STATUS_INVALID_PARAMETER;
        }
        if (colon) {
            PCSTR state = colon + 1;
            if (strcmp(state, "enabled") == 0)
                attrs = SEPP_PRIVILEGE_DEFAULT;
            else if (strcmp(state, "disabled") == 0)
                attrs = 0;
            else if (!(state[0] == '0' && (state[1] == 'x' || state[1] == 'X') &&
                       SeppParseUlong(state, FALSE, &attrs) &&
                       (attrs & ~SE_PRIVILEGE_VALID_ATTRIBUTES) == 0)) {
                SeppSetTextError("bad privilege state \"%s\" for %s in privileges", state, entry);
                return STATUS_INVALID_PARAMETER;
            }
        }
        for (ULONG j = 0; j < i; j++) {
            if (P->Privileges[j].Luid.LowPart == luid) {
                SeppSetTextError("duplicate privilege \"%s\" in privileges", entry);
                return STATUS_INVALID_PARAMETER;
            }
        }
        P->Privileges[i].Luid.LowPart = luid;
        P->Privileges[i].Luid.HighPart = 0;
        P->Privileges[i].Attributes = attrs;
        P->T.PrivilegeCount = i + 1;
    }
    P->T.Privileges = P->Privileges;
    return STATUS_SUCCESS;
}

static NTSTATUS SeppParseIntegrity(PCSTR Value, PSEPP_PARSE P)
{
    if (strcmp(Value, "none") == 0) {
        P->T.HasIntegrity = FALSE;
        return STATUS_SUCCESS;
    }
    for (ULONG i = 0; i < SeppIntegrityNameCount; i++) {
        const SEPP_INTEGRITY_NAME *n = &SeppIntegrityNames[i];
        if (strcasecmp(Value, n->Name) == 0 || (n->Alias && strcmp(Value, n->Alias) == 0)) {
            P->T.IntegrityRid = n->Rid;
            return STATUS_SUCCESS;
        }
    }
    UCHAR buf[SECURITY_MAX_SID_SIZE];
    PCSTR end = NULL;
    if (strncmp(Value, "S-1-16-", 7) == 0 &&
        NT_SUCCESS(RtlpStringToSid(Value, &end, buf, sizeof(buf))) && end && *end == '\0' &&
        SeppIsIntegritySid(buf) && ((PISID)buf)->SubAuthorityCount == 1) {
        P->T.IntegrityRid = ((PISID)buf)->SubAuthority[0];
        return STATUS_SUCCESS;
    }
    SeppSetTextError("unknown integrity level \"%s\"", Value);
    return STATUS_INVALID_PARAMETER;
}

static NTSTATUS SeppParseDefaultDacl(PCSTR Value, PSEPP_PARSE P)
{
    if (strcmp(Value, "none") == 0) {
        P->T.NoDefaultDacl = TRUE;
        return STATUS_SUCCESS;
    }
    if (strncmp(Value, "D:", 2) != 0) {
        SeppSetTextError("default-dacl \"%s\" must be an SDDL DACL starting with D:", Value);
        return STATUS_INVALID_PARAMETER;
    }
    ULONG length = 0;
    NTSTATUS st = NtsecSddlToSecurityDescriptor(Value, &P->DaclSd, &length);
    if (st == STATUS_NO_MEMORY || st == STATUS_INSUFFICIENT_RESOURCES)
        return st;
    if (!NT_SUCCESS(st)) {
        SeppSetTextError("bad SDDL \"%s\" in default-dacl: %s", Value, NtsecLastErrorText());
        return STATUS_INVALID_PARAMETER;
    }
    BOOLEAN present = FALSE, defaulted = FALSE;
    PACL dacl = NULL;
    PSID owner = NULL, group = NULL;
    RtlGetOwnerSecurityDescriptor(P->DaclSd, &owner, &defaulted);
    RtlGetGroupSecurityDescriptor(P->DaclSd, &group, &defaulted);
    st = RtlGetDaclSecurityDescriptor(P->DaclSd, &present, &dacl, &defaulted);
    if (!NT_SUCCESS(st) || owner != NULL || group != NULL) {
        SeppSetTextError("default-dacl \"%s\" must hold only a DACL", Value);
        return STATUS_INVALID_PARAMETER;
    }
    if (!present || dacl == NULL) {
        SeppSetTextError("default-dacl \"%s\" is a NULL DACL (write default-dacl=none)", Value);
        return STATUS_INVALID_PARAMETER;
    }
    P->T.DefaultDacl = dacl;
    return STATUS_SUCCESS;
}

static NTSTATUS SeppParseSource(PCSTR Value, PSEPP_PARSE P)
{
    SIZE_T n = strlen(Value);
    if (n >= 2 && Value[0] == '"' && Value[n - 1] == '"') {
        Value++;
        n -= 2;
    }
    if (n == 0 || n > TOKEN_SOURCE_LENGTH) {
        SeppSetTextError("source \"%s\" must be 1 to %d characters", Value, TOKEN_SOURCE_LENGTH);
        return STATUS_INVALID_PARAMETER;
    }
    for (SIZE_T i = 0; i < n; i++) {
        if ((UCHAR)Value[i] < 0x20 || (UCHAR)Value[i] > 0x7e || Value[i] == '"') {
            SeppSetTextError("source has a character that is not printable ASCII");
            return STATUS_INVALID_PARAMETER;
        }
    }
    memset(P->T.TokenSource.SourceName, 0, TOKEN_SOURCE_LENGTH);
    memcpy(P->T.TokenSource.SourceName, Value, n);
    return STATUS_SUCCESS;
}

/* One key=value item (Value is NUL-terminated and may be cut in place). */
static NTSTATUS SeppParseItem(ULONG Key, PSTR Value, PSEPP_PARSE P)
{
    NTSTATUS st = STATUS_SUCCESS;
    switch (Key) {
    case SeppKeyUser: {
        /* user=SID[:deny-only|:0xN] (the user's attributes; 0 when not given) */
        PSTR colon = strchr(Value, ':');
        if (colon) {
            *colon = '\0';
            PCSTR f = colon + 1;
            if (strcmp(f, "deny-only") == 0)
                P->T.UserAttributes = SE_GROUP_USE_FOR_DENY_ONLY;
            else if (!(f[0] == '0' && (f[1] == 'x' || f[1] == 'X') && SeppParseUlong(f, FALSE, &P->T.UserAttributes))) {
                SeppSetTextError("bad user flag \"%s\" (deny-only or 0xN)", f);
                return STATUS_INVALID_PARAMETER;
            }
        }
        st = SeppParseSid(Value, P->User, "user");
        if (NT_SUCCESS(st) && SeppIsIntegritySid(P->User)) {
            SeppSetTextError("user \"%s\" is an integrity SID", Value);
            st = STATUS_INVALID_PARAMETER;
        }
        P->T.User = P->User;
        return st;
    }
    case SeppKeyGroups:
        st = SeppParseSidList(Value, TRUE, "groups", &P->Groups, &P->T.GroupCount);
        P->T.Groups = P->Groups;
        return st;
    case SeppKeyDeviceGroups:
        st = SeppParseSidList(Value, TRUE, "device-groups", &P->DeviceGroups, &P->T.DeviceGroupCount);
        P->T.DeviceGroups = P->DeviceGroups;
        return st;
    case SeppKeyUserClaims:
        st = SeppParseClaims(Value, "user-claims", &P->UserClaims);
        P->T.UserClaims = P->UserClaims;
        return st;
    case SeppKeyDeviceClaims:
        st = SeppParseClaims(Value, "device-claims", &P->DeviceClaims);
        P->T.DeviceClaims = P->DeviceClaims;
        return st;
    case SeppKeyRestricted:
        st = SeppParseSidList(Value, FALSE, "restricted", &P->Restricted, &P->T.RestrictedSidCount);
        P->T.RestrictedSids = P->Restricted;
        return st;
    case SeppKeyPrivileges:
        return SeppParsePrivileges(Value, P);
    case SeppKeyIntegrity:
        return SeppParseIntegrity(Value, P);
    case SeppKeyType:
        if (strcmp(Value, "primary") == 0)
            P->T.TokenType = TokenPrimary;
        else if (strcmp(Value, "impersonation") == 0)
            P->T.TokenType = TokenImpersonation;
        else {
            SeppSetTextError("unknown type \"%s\" (primary or impersonation)", Value);
            return STATUS_INVALID_PARAMETER;
        }
        return STATUS_SUCCESS;
    case SeppKeyLevel: {
        static const PCSTR levels[] = { "anonymous", "identification", "impersonation", "delegation" };
        for (ULONG i = 0; i < 4; i++) {
            if (strcmp(Value, levels[i]) == 0) {
                P->T.ImpersonationLevel = (SECURITY_IMPERSONATION_LEVEL)i;
                return STATUS_SUCCESS;
            }
        }
        SeppSetTextError("unknown level \"%s\"", Value);
        return STATUS_INVALID_PARAMETER;
    }
    case SeppKeyAuthId:
        st = SeppParseLuid(Value, &P->T.AuthenticationId, "auth-id");
        if (NT_SUCCESS(st) && P->T.AuthenticationId.LowPart == 0 && P->T.AuthenticationId.HighPart == 0) {
            SeppSetTextError("auth-id must not be zero");
            st = STATUS_INVALID_PARAMETER;
        }
        return st;
    case SeppKeyOrigin:
        return SeppParseLuid(Value, &P->T.OriginatingLogonSession, "origin");
    case SeppKeySource:
        return SeppParseSource(Value, P);
    case SeppKeyOwner:
        st = SeppParseSid(Value, P->Owner, "owner");
        P->T.Owner = P->Owner;
        return st;
    case SeppKeyPrimaryGroup:
        st = SeppParseSid(Value, P->PrimaryGroup, "primary-group");
        P->T.PrimaryGroup = P->PrimaryGroup;
        return st;
    case SeppKeyDefaultDacl:
        return SeppParseDefaultDacl(Value, P);
    case SeppKeySession:
        if (!SeppParseUlong(Value, TRUE, &P->T.SessionId)) {
            SeppSetTextError("bad session \"%s\" (a number)", Value);
            return STATUS_INVALID_PARAMETER;
        }
        return STATUS_SUCCESS;
    case SeppKeyWriteRestricted:
        if (strcmp(Value, "yes") == 0)
            P->WriteRestricted = TRUE;
        else if (strcmp(Value, "no") == 0)
            P->WriteRestricted = FALSE;
        else {
            SeppSetTextError("write-restricted \"%s\" must be yes or no", Value);
            return STATUS_INVALID_PARAMETER;
        }
        return STATUS_SUCCESS;
    }
    return STATUS_INVALID_PARAMETER;
}

static BOOLEAN SeppIsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Checks across keys, before SepCreateToken, so that the message names the item. */
static NTSTATUS SeppValidate(PSEPP_PARSE P, ULONG Seen)
{
    if (!(Seen & (1u << SeppKeyUser))) {
        SeppSetTextError("missing user=");
        return STATUS_INVALID_PARAMETER;
    }
    if ((Seen & (1u << SeppKeyLevel)) && P->T.TokenType != TokenImpersonation) {
        SeppSetTextError("level= applies only to type=impersonation");
        return STATUS_INVALID_PARAMETER;
    }
    if (P->WriteRestricted && P->T.RestrictedSidCount == 0) {
        SeppSetTextError("write-restricted=yes needs restricted= SIDs");
        return STATUS_INVALID_PARAMETER;
    }
    if (P->T.Owner != NULL && !RtlEqualSid(P->T.Owner, P->T.User)) {
        BOOLEAN ok = FALSE;
        for (ULONG i = 0; i < P->T.GroupCount && !ok; i++)
            ok = RtlEqualSid(P->T.Groups[i].Sid, P->T.Owner) && (P->T.Groups[i].Attributes & SE_GROUP_OWNER);
        if (!ok) {
            SeppSetTextError("owner is neither the user nor a group with the owner flag");
            return STATUS_INVALID_PARAMETER;
        }
    }
    return STATUS_SUCCESS;
}

/*
 * NtsecCreateTokenFromText - see ntsec.h and docs/token-text.md. On success *Token holds a
 * new token whose single reference belongs to the caller (release with ObDereferenceObject).
 * Returns STATUS_INVALID_PARAMETER for bad text (NtsecLastErrorText names the item),
 * STATUS_NO_MEMORY when an allocation fails; nothing stays allocated on failure.
 */
NTSTATUS NtsecCreateTokenFromText(PCSTR Text, PACCESS_TOKEN *Token)
{
    if (Token == NULL) {
        SeppSetTextError("no output pointer");
        return STATUS_INVALID_PARAMETER;
    }
    *Token = NULL;
    if (Text == NULL) {
        SeppSetTextError("no text");
        return STATUS_INVALID_PARAMETER;
    }
    RtlpClearLastErrorText();
    SIZE_T len = strlen(Text);
    PSTR copy = ExAllocatePoolWithTag(PagedPool, len + 1, SEPP_TEXT_TAG);
    if (copy == NULL)
        return STATUS_NO_MEMORY;
    memcpy(copy, Text, len + 1);

    SEPP_PARSE p;
    memset(&p, 0, sizeof(p));
    p.T.TokenType = TokenPrimary;
    p.T.ImpersonationLevel = SecurityImpersonation;
    p.T.UserAttributes = 0;
    p.T.HasIntegrity = TRUE;
    p.T.IntegrityRid = SECURITY_MANDATORY_MEDIUM_RID;
    p.T.MandatoryPolicy = TOKEN_MANDATORY_POLICY_NO_WRITE_UP;

    NTSTATUS st = STATUS_SUCCESS;
    ULONG seen = 0;
    PSTR s = copy;
    while (NT_SUCCESS(st)) {
        while (SeppIsSpace(*s))
            s++;
        if (*s == '\0')
            break;
        PSTR item = s;
        /* The value ends at white space outside parentheses and double quotes. */
        int depth = 0;
        BOOLEAN quoted = FALSE;
        for (; *s && (quoted || depth > 0 || !SeppIsSpace(*s)); s++) {
            if (*s == '"')
                quoted = !quoted;
            else if (!quoted && *s == '(')
                depth++;
            else if (!quoted && *s == ')' && depth > 0)
                depth--;
        }
        if (*s)
            *s++ = '\0';
        PSTR eq = strchr(item, '=');
        if (eq == NULL) {
            SeppSetTextError("item \"%.64s\" is not key=value", item);
            st = STATUS_INVALID_PARAMETER;
            break;
        }
        *eq = '\0';
        ULONG key;
        for (key = 0; key < SeppKeyCount; key++)
            if (strcmp(item, SeppKeyNames[key]) == 0)
                break;
        if (key == SeppKeyCount) {
            SeppSetTextError("unknown key \"%.64s\"", item);
            st = STATUS_INVALID_PARAMETER;
        } else if (seen & (1u << key)) {
            SeppSetTextError("duplicate key \"%s\"", item);
            st = STATUS_INVALID_PARAMETER;
        } else if (quoted || depth > 0) {
            SeppSetTextError("unterminated %s in %s", quoted ? "quote" : "parenthesis", item);
            st = STATUS_INVALID_PARAMETER;
        } else {
            seen |= 1u << key;
            st = SeppParseItem(key, eq + 1, &p);
        }
    }
    if (NT_SUCCESS(st))
        st = SeppValidate(&p, seen);
    if (NT_SUCCESS(st)) {
        if (p.WriteRestricted)
            p.T.ExtraFlags |= TOKEN_WRITE_RESTRICTED;
        PTOKEN token = NULL;
        st = SepCreateToken(&p.T, "token (NtsecCreateTokenFromText)", &token);
        if (NT_SUCCESS(st)) {
            *Token = token;
        } else if (st != STATUS_NO_MEMORY && st != STATUS_INSUFFICIENT_RESOURCES) {
            SeppSetTextError("the token was refused (status 0x%08X)", (unsigned)st);
            st = STATUS_INVALID_PARAMETER;
        }
    }
    SeppFree(&p);
    ExFreePoolWithTag(copy, SEPP_TEXT_TAG);
    return st;
}
