/*
 * pac.h - the MS-PAC logon information decoder (docs/sspi.md "The PAC").
 *
 * A Kerberos ticket issued by an Active Directory KDC carries a PAC whose PAC_LOGON_INFO
 * buffer (MS-PAC 2.5) is a KERB_VALIDATION_INFO serialized with the MS-RPCE type
 * serialization version 1 (NDR20, little endian). MIT GSSAPI hands that buffer as it is to an
 * acceptor as the name attribute "urn:mspac:logon-info"; this decoder turns it into the SIDs
 * a token needs. Every byte is hostile: it is checked here before anything is believed (the
 * PAC's signatures are the GSSAPI layer's business, not this decoder's).
 */
#ifndef NTSEC_KSEC_PAC_H
#define NTSEC_KSEC_PAC_H

#include "ntifs.h"
#include "sspi.h"
#include "se/sep.h"

/* KERB_VALIDATION_INFO::UserFlags bits ([MS-NRPC] 2.2.1.4.11, [MS-PAC] 2.5). */
#define KSEC_PAC_LOGON_EXTRA_SIDS      0x00000020UL /* ExtraSids is populated */
#define KSEC_PAC_LOGON_RESOURCE_GROUPS 0x00000200UL /* ResourceGroupIds is populated */

/*
 * The most SIDs a decoded PAC may contribute to a token: Windows' token limit (1024 SIDs; a
 * logon with more fails with STATUS_TOO_MANY_CONTEXT_IDS). Each array and their sum are
 * capped before anything is allocated.
 */
#define KSEC_PAC_MAX_GROUPS 1024UL

/*
 * The decoded logon information. One allocation owns the structure, every SID and every
 * string; free it with KsecpFreePacLogonInfo. Groups holds, in this order, GroupIds
 * (LogonDomainId + RelativeId, DomainGroupCount entries), ExtraSids (ExtraSidCount
 * entries) and, only when UserFlags has KSEC_PAC_LOGON_RESOURCE_GROUPS, ResourceGroupIds
 * (ResourceGroupDomainSid + RelativeId, ResourceGroupCount entries), with the attributes
 * the PAC gives. Nothing is deduplicated or reordered: the PAC's primary group usually also
 * appears in GroupIds.
 */
typedef struct _KSEC_PAC_LOGON_INFO {
    PSID UserSid;           /* LogonDomainId + UserId */
    PSID PrimaryGroupSid;   /* LogonDomainId + PrimaryGroupId */
    PSID LogonDomainSid;    /* LogonDomainId */
    ULONG UserId;
    ULONG PrimaryGroupId;
    ULONG UserFlags;
    ULONG UserAccountControl;
    ULONG GroupCount;       /* DomainGroupCount + ExtraSidCount + ResourceGroupCount */
    ULONG DomainGroupCount;
    ULONG ExtraSidCount;
    ULONG ResourceGroupCount;
    PSID_AND_ATTRIBUTES Groups;
    PCSTR EffectiveName;    /* UTF-8, NUL-terminated, never NULL (may be empty) */
    PCSTR FullName;
    PCSTR LogonServer;
    PCSTR LogonDomainName;  /* the NetBIOS domain name */
} KSEC_PAC_LOGON_INFO, *PKSEC_PAC_LOGON_INFO;

/*
 * KsecpParsePacLogonInfo - decodes the PAC_LOGON_INFO buffer Blob[Length] (the type
 * serialization header, the top-level pointer and the KERB_VALIDATION_INFO). On success
 * *Info receives a new allocation the caller owns (KsecpFreePacLogonInfo); on failure *Info
 * is NULL and nothing stays allocated. Reads nothing outside Blob[0, Length); runs in time
 * linear in Length, without recursion.
 * Returns:
 *   STATUS_SUCCESS;
 *   STATUS_INVALID_PARAMETER      Blob or Info NULL;
 *   RPC_NT_BAD_STUB_DATA          the bytes are not a well-formed serialization: header
 *                                 (version 1, little endian, 8-byte headers, a length that
 *                                 is a multiple of 8 and fits), truncation, a NULL top-level
 *                                 pointer, a count that disagrees with its array's
 *                                 conformance, a string whose lengths disagree, a NULL
 *                                 pointer where a count says data follows;
 *   STATUS_TOO_MANY_CONTEXT_IDS   more than KSEC_PAC_MAX_GROUPS SIDs;
 *   STATUS_INVALID_SID            LogonDomainId missing, a SID whose revision is not 1 or
 *                                 with more than 15 sub-authorities, a domain SID with no
 *                                 room for a RID, a NULL ExtraSids entry, resource groups
 *                                 flagged without their domain SID;
 *   STATUS_INVALID_ACCOUNT_NAME   a name that is not valid UTF-16 or holds a NUL;
 *   STATUS_NO_MEMORY.
 */
NTSTATUS KsecpParsePacLogonInfo(const VOID *Blob, SIZE_T Length, PKSEC_PAC_LOGON_INFO *Info);

/* KsecpFreePacLogonInfo - frees what KsecpParsePacLogonInfo returned; NULL is ignored. */
VOID KsecpFreePacLogonInfo(PKSEC_PAC_LOGON_INFO Info);

/*
 * KsecpBuildPacLogonToken - the network-logon token of the client Info describes
 * (pactoken.c: the PAC's SIDs, the BUILTIN aliases a domain member adds, then
 * KsecpBuildNetworkLogonToken's well-known groups), impersonation type at Level, source
 * "Kerberos". On success *Token holds the single reference, owned by the caller. Info is only
 * read. STATUS_INVALID_PARAMETER, STATUS_TOO_MANY_CONTEXT_IDS (more than
 * KSEC_PAC_MAX_GROUPS groups in the token), STATUS_NO_MEMORY, or the builder's status.
 */
NTSTATUS KsecpBuildPacLogonToken(const KSEC_PAC_LOGON_INFO *Info, SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token);

/*
 * KsecpPacToken - the Kerberos acceptor's PAC path (ksec/gssmap.c): decodes the
 * urn:mspac:logon-info value Blob[Length] and builds the token. On success *Token holds the
 * single reference, owned by the caller. SEC_E_OK; SEC_E_INSUFFICIENT_MEMORY; any PAC that
 * does not decode or would make an invalid token: SEC_E_LOGON_DENIED (the ticket names a
 * client we cannot describe, so no token at all; the NTSTATUS of the two calls above says why).
 */
SECURITY_STATUS KsecpPacToken(const VOID *Blob, SIZE_T Length, SECURITY_IMPERSONATION_LEVEL Level, PTOKEN *Token);

#endif /* NTSEC_KSEC_PAC_H */
