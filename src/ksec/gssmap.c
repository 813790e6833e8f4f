/*
 * gssmap.c - from the authenticated Kerberos principal to an NT token (docs/sspi.md "From
 * principal to token"), in this order:
 *
 *   1. the ticket's PAC logon info (MIT: name attribute "urn:mspac:logon-info") when the
 *      ticket carries one;
 *   2. else a "principal" line of the id-map file (src/host/idmap_principal.c);
 *   3. else krb5 auth_to_local (gss_localname) -> a local user -> S-1-22-1-uid (or its
 *      id-map SID), primary and supplementary groups from getgrouplist.
 *
 * All three end in KsecpBuildNetworkLogonToken (netlogon.c). No mapping: SEC_E_LOGON_DENIED
 * (an authenticated principal with no local identity gets no token at all, never a guess).
 */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include "host/host.h"
#include "ksec/gssp.h"
#include "ksec/netlogon.h"
#include "ksec/pac.h"

#define KSECP_MAX_UNIX_GROUPS 65536

static const CHAR KsecpKerberosSource[8] = {'K', 'e', 'r', 'b', 'e', 'r', 'o', 's'};

static SECURITY_STATUS KsecpFromNtStatus(NTSTATUS Status)
{
    if (NT_SUCCESS(Status))
        return SEC_E_OK;
    if (Status == STATUS_NO_MEMORY || Status == STATUS_INSUFFICIENT_RESOURCES)
        return SEC_E_INSUFFICIENT_MEMORY;
    return SEC_E_INTERNAL_ERROR;
}

/* The PAC's logon-info buffer, when the ticket has one. *Found FALSE: no PAC. */
static SECURITY_STATUS KsecpPacLogonInfo(gss_name_t Client, gss_buffer_t Value, BOOLEAN *Found)
{
    OM_uint32 minor;
    int authenticated = 0, complete = 0, more = -1;
    gss_buffer_desc attribute = {sizeof("urn:mspac:logon-info") - 1, (void *)"urn:mspac:logon-info"};
    *Found = FALSE;
    OM_uint32 major = gss_get_name_attribute(&minor, Client, &attribute, &authenticated, &complete, Value, NULL, &more);
    if (major == GSS_S_UNAVAILABLE || (GSS_ERROR(major) && Value->length == 0))
        return SEC_E_OK; /* no PAC: the next mapping decides */
    if (GSS_ERROR(major))
        return SEC_E_LOGON_DENIED;
    *Found = TRUE;
    if (!authenticated) { /* MIT verifies the PAC's server checksum; an unverified PAC is refused */
        gss_release_buffer(&minor, Value);
        return SEC_E_LOGON_DENIED;
    }
    return SEC_E_OK;
}

/* 3. auth_to_local -> a local user -> S-1-22 SIDs (through the host id map, as the host
 * backend maps them back). uid 0 is refused: no principal becomes root by its name. */
static SECURITY_STATUS KsecpLocalUserToken(PKSECP_GSS_CONTEXT Context, SECURITY_IMPERSONATION_LEVEL Level,
                                           PTOKEN *Token)
{
    OM_uint32 minor;
    gss_buffer_desc local = GSS_C_EMPTY_BUFFER;
    OM_uint32 major = gss_localname(&minor, Context->Client, KsecpGssMechOid(KsecpMechKerberos), &local);
    if (GSS_ERROR(major) || local.length == 0 || local.length > 255) {
        gss_release_buffer(&minor, &local);
        return SEC_E_LOGON_DENIED;
    }
    PSTR name = KsecpGssDuplicateString(local.value, local.length);
    gss_release_buffer(&minor, &local);
    if (name == NULL)
        return SEC_E_LOGON_DENIED; /* out of memory or an embedded NUL */

    struct passwd pw, *result = NULL;
    char buffer[4096];
    SECURITY_STATUS status = SEC_E_LOGON_DENIED;
    gid_t *gids = NULL;
    PUCHAR sids = NULL;
    PSID_AND_ATTRIBUTES groups = NULL;
    if (getpwnam_r(name, &pw, buffer, sizeof(buffer), &result) != 0 || result == NULL || pw.pw_uid == 0)
        goto out;
    int count = 64;
    for (int attempt = 0; attempt < 4; attempt++) {
        gids = KsecpGssAllocate((SIZE_T)count * sizeof(gid_t));
        if (gids == NULL) {
            status = SEC_E_INSUFFICIENT_MEMORY;
            goto out;
        }
        int n = count;
        if (getgrouplist(name, pw.pw_gid, gids, &n) >= 0) {
            count = n;
            break;
        }
        ExFreePool(gids);
        gids = NULL;
        if (n <= count || n > KSECP_MAX_UNIX_GROUPS)
            goto out;
        count = n;
    }
    if (gids == NULL)
        goto out;
    sids = KsecpGssAllocate((SIZE_T)(count + 2) * SECURITY_MAX_SID_SIZE);
    groups = KsecpGssAllocate((SIZE_T)(count + 1) * sizeof(SID_AND_ATTRIBUTES));
    if (sids == NULL || groups == NULL) {
        status = SEC_E_INSUFFICIENT_MEMORY;
        goto out;
    }
    KSECP_LOGON_IDENTITY identity;
    memset(&identity, 0, sizeof(identity));
    identity.User = sids;
    identity.PrimaryGroup = sids + SECURITY_MAX_SID_SIZE;
    HostUidToSid(pw.pw_uid, identity.User);
    HostGidToSid(pw.pw_gid, identity.PrimaryGroup);
    const ULONG on = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    for (int i = 0; i < count; i++) {
        PSID sid = sids + (SIZE_T)(i + 2) * SECURITY_MAX_SID_SIZE;
        HostGidToSid(gids[i], sid);
        groups[identity.GroupCount++] = (SID_AND_ATTRIBUTES){sid, on};
    }
    identity.Groups = groups;
    memcpy(identity.Source, KsecpKerberosSource, sizeof(identity.Source));
    status = KsecpFromNtStatus(KsecpBuildNetworkLogonToken(&identity, Level, Token));
out:
    if (gids != NULL)
        ExFreePool(gids);
    if (sids != NULL)
        ExFreePool(sids);
    if (groups != NULL)
        ExFreePool(groups);
    KsecpGssFreeString(name);
    return status;
}

/* 2. A "principal" line of the id-map file. *Found FALSE: none for this principal. */
static SECURITY_STATUS KsecpIdMapToken(PCSTR Principal, SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token,
                                       BOOLEAN *Found)
{
    PHOST_PRINCIPAL_MAPPING mapping = KsecpGssAllocate(sizeof(*mapping));
    *Found = FALSE;
    if (mapping == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    SECURITY_STATUS status = SEC_E_OK;
    if (HostLookupPrincipal(Principal, mapping)) {
        *Found = TRUE;
        SID_AND_ATTRIBUTES groups[HOST_MAX_PRINCIPAL_GROUPS];
        const ULONG on = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
        for (ULONG i = 0; i < mapping->GroupCount; i++)
            groups[i] = (SID_AND_ATTRIBUTES){(PSID)mapping->Groups[i], on};
        KSECP_LOGON_IDENTITY identity = {(PSID)mapping->User, (PSID)mapping->PrimaryGroup, groups,
                                         mapping->GroupCount};
        memcpy(identity.Source, KsecpKerberosSource, sizeof(identity.Source));
        status = KsecpFromNtStatus(KsecpBuildNetworkLogonToken(&identity, Level, Token));
    }
    ExFreePool(mapping);
    return status;
}

/*
 * KsecpGssBuildClientToken - see gssp.h. On success *Token holds the single reference.
 * @remarks The mapping order above; a PAC that is present is authoritative (a ticket with a
 * PAC is never mapped by name instead), and one that does not decode is refused.
 */
SECURITY_STATUS KsecpGssBuildClientToken(PKSECP_GSS_CONTEXT Context, SECURITY_IMPERSONATION_LEVEL Level,
                                         PTOKEN *Token)
{
    OM_uint32 minor;
    *Token = NULL;
    if (Context == NULL || !Context->Server || !Context->Complete || Context->Client == GSS_C_NO_NAME)
        return SEC_E_INVALID_HANDLE;
    gss_buffer_desc pac = GSS_C_EMPTY_BUFFER;
    BOOLEAN found = FALSE;
    SECURITY_STATUS status = KsecpPacLogonInfo(Context->Client, &pac, &found);
    if (status != SEC_E_OK)
        return status;
    if (found) {
        status = KsecpPacToken(pac.value, pac.length, Level, Token);
        gss_release_buffer(&minor, &pac);
        return status;
    }
    /* The client's display name straight from the accepted name (no gss_inquire_context,
     * which would copy both names: measurable in bench_kerberos). */
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    if (gss_display_name(&minor, Context->Client, &text, NULL) != GSS_S_COMPLETE)
        return SEC_E_LOGON_DENIED;
    PSTR principal = KsecpGssDuplicateString(text.value, text.length);
    gss_release_buffer(&minor, &text);
    if (principal == NULL)
        return SEC_E_LOGON_DENIED; /* out of memory or an embedded NUL */
    status = KsecpIdMapToken(principal, Level, Token, &found);
    KsecpGssFreeString(principal);
    if (status != SEC_E_OK || found)
        return status;
    return KsecpLocalUserToken(Context, Level, Token);
}
