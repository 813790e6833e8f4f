/*
 * netlogon.c - the one builder of network-logon tokens for the authenticating packages
 * (Kerberos, Negotiate): whichever mapping found the client's SIDs (PAC, id-map file,
 * auth_to_local), the token gets the same well-known groups, privileges, logon session and
 * source (docs/sspi.md "The network logon token").
 */
#include <string.h>
#include "ksec/netlogon.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

static BOOLEAN KsecpSidValid(PSID Sid)
{
    const SID *s = Sid;
    return s != NULL && s->Revision == SID_REVISION && s->SubAuthorityCount <= SID_MAX_SUB_AUTHORITIES;
}

static BOOLEAN KsecpSidEqual(PSID A, PSID B)
{
    const SID *a = A, *b = B;
    return a->SubAuthorityCount == b->SubAuthorityCount &&
           memcmp(a, b, 8 + 4U * a->SubAuthorityCount) == 0;
}

/*
 * KsecpBuildNetworkLogonToken - see netlogon.h. On success *Token holds the single reference.
 * @remarks What Windows puts in the token of a network logon (LsaLogonUser with
 * Network logon type; MS docs "Well-known SIDs": NETWORK S-1-5-2 "users who log on across a
 * network", Authenticated Users S-1-5-11, Everyone S-1-1-0; a real AD PAC carries none of
 * them, the accepting host adds them: ../shared/recipes/addc.md "PAC findings"): the user, the primary group and the
 * identity's groups (deduplicated, attributes kept, SE_GROUP_OWNER and integrity SIDs
 * dropped), then Everyone, NETWORK, Authenticated Users, and a logon SID S-1-5-5-x-y of the
 * new logon session (AuthenticationId), never INTERACTIVE or LOCAL. Privileges:
 * SeChangeNotifyPrivilege enabled (granted to Everyone by default policy). Integrity Medium,
 * High when the identity holds BUILTIN\Administrators, which is then the owner option.
 * Type impersonation at Level, source Identity->Source (8 bytes, e.g. "Kerberos").
 */
NTSTATUS KsecpBuildNetworkLogonToken(const KSECP_LOGON_IDENTITY *Identity, SECURITY_IMPERSONATION_LEVEL Level,
                                     PTOKEN *Token)
{
    if (Identity == NULL || Token == NULL || !VALID_IMPERSONATION_LEVEL(Level) ||
        !KsecpSidValid(Identity->User) || !KsecpSidValid(Identity->PrimaryGroup) ||
        Identity->GroupCount > KSECP_MAX_LOGON_GROUPS || (Identity->GroupCount != 0 && Identity->Groups == NULL))
        return STATUS_INVALID_PARAMETER;
    for (ULONG i = 0; i < Identity->GroupCount; i++)
        if (!KsecpSidValid(Identity->Groups[i].Sid))
            return STATUS_INVALID_PARAMETER;

    const ULONG extra = 5; /* primary, Everyone, NETWORK, Authenticated Users, logon SID */
    ULONG slots = Identity->GroupCount + extra;
    PSID_AND_ATTRIBUTES groups =
        ExAllocatePoolWithTag(PagedPool, (SIZE_T)slots * sizeof(SID_AND_ATTRIBUTES), KSECP_NETLOGON_TAG);
    PUCHAR wellKnown = ExAllocatePoolWithTag(PagedPool, 5 * SECURITY_MAX_SID_SIZE, KSECP_NETLOGON_TAG);
    if (groups == NULL || wellKnown == NULL) {
        if (groups != NULL)
            ExFreePool(groups);
        if (wellKnown != NULL)
            ExFreePool(wellKnown);
        return STATUS_NO_MEMORY;
    }
    const ULONG on = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    PISID everyone = (PISID)wellKnown, network = (PISID)(wellKnown + SECURITY_MAX_SID_SIZE),
          authenticated = (PISID)(wellKnown + 2 * SECURITY_MAX_SID_SIZE),
          logon = (PISID)(wellKnown + 3 * SECURITY_MAX_SID_SIZE), admins = (PISID)(wellKnown + 4 * SECURITY_MAX_SID_SIZE);
    RtlpWellKnownSid(everyone, 1, 1, SECURITY_WORLD_RID, 0, 0);
    RtlpWellKnownSid(network, 5, 1, SECURITY_NETWORK_RID, 0, 0);
    RtlpWellKnownSid(authenticated, 5, 1, SECURITY_AUTHENTICATED_USER_RID, 0, 0);
    RtlpWellKnownSid(admins, 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0);
    LUID session = SepAllocateLuid();
    RtlpWellKnownSid(logon, 5, 3, SECURITY_LOGON_IDS_RID, (ULONG)session.HighPart, session.LowPart);

    ULONG n = 0;
    BOOLEAN isAdmin = FALSE;
    groups[n++] = (SID_AND_ATTRIBUTES){Identity->PrimaryGroup, on};
    for (ULONG i = 0; i < Identity->GroupCount; i++) {
        PSID sid = Identity->Groups[i].Sid;
        const SID *s = sid;
        if (s->IdentifierAuthority.Value[5] == 16 && memcmp(s->IdentifierAuthority.Value, "\0\0\0\0\0", 5) == 0)
            continue; /* an integrity label is not a group (the token's integrity is ours) */
        BOOLEAN dup = FALSE;
        for (ULONG j = 0; j < n && !dup; j++)
            dup = KsecpSidEqual(groups[j].Sid, sid);
        if (dup || KsecpSidEqual(sid, everyone) || KsecpSidEqual(sid, network) || KsecpSidEqual(sid, authenticated) ||
            KsecpSidEqual(sid, Identity->User))
            continue;
        ULONG attributes = Identity->Groups[i].Attributes & ~(SE_GROUP_OWNER | SE_GROUP_LOGON_ID | SE_GROUP_INTEGRITY |
                                                              SE_GROUP_INTEGRITY_ENABLED);
        if (KsecpSidEqual(sid, admins)) {
            isAdmin = (attributes & SE_GROUP_ENABLED) != 0;
            if (isAdmin)
                attributes |= SE_GROUP_OWNER;
        }
        groups[n++] = (SID_AND_ATTRIBUTES){sid, attributes};
    }
    groups[n++] = (SID_AND_ATTRIBUTES){everyone, on};
    groups[n++] = (SID_AND_ATTRIBUTES){network, on};
    groups[n++] = (SID_AND_ATTRIBUTES){authenticated, on};
    groups[n++] = (SID_AND_ATTRIBUTES){logon, on | SE_GROUP_LOGON_ID};

    LUID_AND_ATTRIBUTES privilege = {{SE_CHANGE_NOTIFY_PRIVILEGE, 0},
                                     SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED};
    SEP_TOKEN_TEMPLATE t;
    memset(&t, 0, sizeof(t));
    t.TokenType = TokenImpersonation;
    t.ImpersonationLevel = Level;
    t.User = Identity->User;
    t.Groups = groups;
    t.GroupCount = n;
    t.PrimaryGroup = Identity->PrimaryGroup;
    t.Owner = isAdmin ? (PSID)admins : NULL;
    t.HasIntegrity = TRUE;
    t.IntegrityRid = isAdmin ? SECURITY_MANDATORY_HIGH_RID : SECURITY_MANDATORY_MEDIUM_RID;
    t.Privileges = &privilege;
    t.PrivilegeCount = 1;
    t.AuthenticationId = session;
    t.MandatoryPolicy = TOKEN_MANDATORY_POLICY_NO_WRITE_UP;
    memcpy(t.TokenSource.SourceName, Identity->Source, sizeof(t.TokenSource.SourceName));
    t.TokenSource.SourceIdentifier = session;
    NTSTATUS status = SepCreateToken(&t, "token (network logon)", Token);
    ExFreePool(groups);
    ExFreePool(wellKnown);
    return status;
}
