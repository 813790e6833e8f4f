/*
 * pactoken.c - from a ticket's PAC to the client's network-logon token (docs/sspi.md "The
 * PAC", "From the PAC to a token"): the SIDs the KDC vouched for, the BUILTIN aliases a
 * domain member adds for them, and (through KsecpBuildNetworkLogonToken, netlogon.c) what
 * every network logon gets.
 */
#include <string.h>
#include "ksec/pac.h"
#include "sspi.h"
#include "ksec/netlogon.h"
#include "ex/pooltags.h"

static const CHAR KsecpPacSource[8] = {'K', 'e', 'r', 'b', 'e', 'r', 'o', 's'};

/* TRUE if Info names the logon domain's group Rid (primary group or GroupIds), enabled. */
static BOOLEAN KsecpPacHasDomainGroup(const KSEC_PAC_LOGON_INFO *Info, ULONG Rid)
{
    if (Info->PrimaryGroupId == Rid)
        return TRUE;
    for (ULONG i = 0; i < Info->DomainGroupCount; i++) {
        PISID sid = Info->Groups[i].Sid;
        if (sid->SubAuthority[sid->SubAuthorityCount - 1] == Rid && (Info->Groups[i].Attributes & SE_GROUP_ENABLED))
            return TRUE;
    }
    return FALSE;
}

static VOID KsecpBuiltinSid(PISID Sid, ULONG Rid)
{
    memset(Sid, 0, 16);
    Sid->Revision = SID_REVISION;
    Sid->SubAuthorityCount = 2;
    Sid->IdentifierAuthority.Value[5] = 5; /* SECURITY_NT_AUTHORITY */
    Sid->SubAuthority[0] = SECURITY_BUILTIN_DOMAIN_RID;
    Sid->SubAuthority[1] = Rid;
}

/*
 * KsecpBuildPacLogonToken - see pac.h. On success *Token holds the single reference, owned
 * by the caller. Info is only read; nothing of it is kept.
 * @remarks What Windows gives a domain account's network logon on a domain member: the PAC's
 * user, primary group and every group in the PAC's order (GroupIds, which already include
 * nested and domain-local groups, ExtraSids, resource groups), with the PAC's attributes;
 * then the member's own BUILTIN aliases for them as they stand after a domain join ("Active
 * Directory security groups", Microsoft Learn): Users (S-1-5-32-545), whose members are
 * Authenticated Users and Domain Users; Administrators (S-1-5-32-544) for Domain Admins
 * (RID 512); Guests (S-1-5-32-546) for Domain Guests (RID 514). Aliases the member's own
 * policy adds beyond that are not known here. The builder then adds Everyone, NETWORK,
 * Authenticated Users and the logon SID (netlogon.c); a token of more than
 * KSEC_PAC_MAX_GROUPS groups is STATUS_TOO_MANY_CONTEXT_IDS, as a Windows logon with too many
 * SIDs.
 */
NTSTATUS KsecpBuildPacLogonToken(const KSEC_PAC_LOGON_INFO *Info, SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token)
{
    if (Info == NULL || Token == NULL)
        return STATUS_INVALID_PARAMETER;
    *Token = NULL;
    if (Info->GroupCount > KSEC_PAC_MAX_GROUPS)
        return STATUS_TOO_MANY_CONTEXT_IDS;
    const ULONG on = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    ULONG aliases[3], aliasCount = 0;
    aliases[aliasCount++] = DOMAIN_ALIAS_RID_USERS;
    if (KsecpPacHasDomainGroup(Info, DOMAIN_GROUP_RID_ADMINS))
        aliases[aliasCount++] = DOMAIN_ALIAS_RID_ADMINS;
    if (KsecpPacHasDomainGroup(Info, DOMAIN_GROUP_RID_GUESTS))
        aliases[aliasCount++] = DOMAIN_ALIAS_RID_GUESTS;

    SIZE_T count = (SIZE_T)Info->GroupCount + aliasCount;
    PSID_AND_ATTRIBUTES groups =
        ExAllocatePoolWithTag(PagedPool, count * sizeof(SID_AND_ATTRIBUTES) + 3 * 16, KSECP_PACTOKEN_TAG);
    if (groups == NULL)
        return STATUS_NO_MEMORY;
    PUCHAR builtin = (PUCHAR)(groups + count);
    memcpy(groups, Info->Groups, (SIZE_T)Info->GroupCount * sizeof(SID_AND_ATTRIBUTES));
    for (ULONG i = 0; i < aliasCount; i++) {
        KsecpBuiltinSid((PISID)(builtin + 16 * (SIZE_T)i), aliases[i]);
        groups[Info->GroupCount + i] = (SID_AND_ATTRIBUTES){builtin + 16 * (SIZE_T)i, on};
    }
    KSECP_LOGON_IDENTITY identity;
    memset(&identity, 0, sizeof(identity));
    identity.User = Info->UserSid;
    identity.PrimaryGroup = Info->PrimaryGroupSid;
    identity.Groups = groups;
    identity.GroupCount = (ULONG)count;
    memcpy(identity.Source, KsecpPacSource, sizeof(identity.Source));
    PTOKEN token = NULL;
    NTSTATUS status = KsecpBuildNetworkLogonToken(&identity, Level, &token);
    ExFreePool(groups);
    if (!NT_SUCCESS(status))
        return status;
    /* UserAndGroups holds the user, the groups and the integrity label. */
    if (token->UserAndGroupCount > KSEC_PAC_MAX_GROUPS + 2) {
        ObDereferenceObject(token);
        return STATUS_TOO_MANY_CONTEXT_IDS;
    }
    *Token = token;
    return STATUS_SUCCESS;
}

/*
 * KsecpPacToken - see pac.h: decode, build, free. On success *Token holds the single
 * reference, owned by the caller.
 */
SECURITY_STATUS KsecpPacToken(const VOID *Blob, SIZE_T Length, SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token)
{
    PKSEC_PAC_LOGON_INFO info = NULL;
    if (Token == NULL)
        return SEC_E_INTERNAL_ERROR;
    *Token = NULL;
    NTSTATUS status = KsecpParsePacLogonInfo(Blob, Length, &info);
    if (NT_SUCCESS(status)) {
        status = KsecpBuildPacLogonToken(info, Level, Token);
        KsecpFreePacLogonInfo(info);
    }
    if (NT_SUCCESS(status))
        return SEC_E_OK;
    if (status == STATUS_NO_MEMORY || status == STATUS_INSUFFICIENT_RESOURCES)
        return SEC_E_INSUFFICIENT_MEMORY;
    return SEC_E_LOGON_DENIED;
}
