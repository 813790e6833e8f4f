/*
 * wellknown.c - the well-known SIDs: SDDL aliases both ways, readable account names, and
 * the domain SID that domain-relative aliases (DA, DU, LA, ...) resolve against.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "rtlp.h"
#include "ntsec.h"

#define RTLP_DOMAIN 0xFF /* Authority value marking "domain SID + Rid" entries */

typedef struct _RTLP_WELL_KNOWN_SID {
    PCSTR Alias;     /* SDDL alias, or NULL for a name-only entry */
    UCHAR Authority; /* low byte of the identifier authority, or RTLP_DOMAIN */
    UCHAR Count;     /* sub-authorities (for RTLP_DOMAIN: unused) */
    ULONG Sub[6];    /* sub-authorities; for RTLP_DOMAIN, Sub[0] is the RID */
    PCSTR Name;
} RTLP_WELL_KNOWN_SID;

/*
 * The SDDL SID strings Windows defines (sddl.h, "SID Strings" page), then name-only entries.
 * Order matters only for output: the first alias matching a SID is the one printed.
 */
static const RTLP_WELL_KNOWN_SID RtlpWellKnownSids[] = {
    { "AA", 5, 2, { 32, 579 }, "BUILTIN\\Access Control Assistance Operators" },
    { "AC", 15, 2, { 2, 1 }, "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES" },
    { "AN", 5, 1, { 7 }, "NT AUTHORITY\\ANONYMOUS LOGON" },
    { "AO", 5, 2, { 32, 548 }, "BUILTIN\\Account Operators" },
    { "AP", RTLP_DOMAIN, 0, { 525 }, "Protected Users" },
    { "AS", 18, 1, { 1 }, "Authentication authority asserted identity" },
    { "AU", 5, 1, { 11 }, "NT AUTHORITY\\Authenticated Users" },
    { "BA", 5, 2, { 32, 544 }, "BUILTIN\\Administrators" },
    { "BG", 5, 2, { 32, 546 }, "BUILTIN\\Guests" },
    { "BO", 5, 2, { 32, 551 }, "BUILTIN\\Backup Operators" },
    { "BU", 5, 2, { 32, 545 }, "BUILTIN\\Users" },
    { "CA", RTLP_DOMAIN, 0, { 517 }, "Cert Publishers" },
    { "CD", 5, 2, { 32, 574 }, "BUILTIN\\Certificate Service DCOM Access" },
    { "CG", 3, 1, { 1 }, "CREATOR GROUP" },
    { "CN", RTLP_DOMAIN, 0, { 522 }, "Cloneable Domain Controllers" },
    { "CO", 3, 1, { 0 }, "CREATOR OWNER" },
    { "CY", 5, 2, { 32, 569 }, "BUILTIN\\Cryptographic Operators" },
    { "DA", RTLP_DOMAIN, 0, { 512 }, "Domain Admins" },
    { "DC", RTLP_DOMAIN, 0, { 515 }, "Domain Computers" },
    { "DD", RTLP_DOMAIN, 0, { 516 }, "Domain Controllers" },
    { "DG", RTLP_DOMAIN, 0, { 514 }, "Domain Guests" },
    { "DU", RTLP_DOMAIN, 0, { 513 }, "Domain Users" },
    { "EA", RTLP_DOMAIN, 0, { 519 }, "Enterprise Admins" },
    { "ED", 5, 1, { 9 }, "NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS" },
    { "EK", RTLP_DOMAIN, 0, { 527 }, "Enterprise Key Admins" },
    { "ER", 5, 2, { 32, 573 }, "BUILTIN\\Event Log Readers" },
    { "ES", 5, 2, { 32, 576 }, "BUILTIN\\RDS Endpoint Servers" },
    { "HA", 5, 2, { 32, 578 }, "BUILTIN\\Hyper-V Administrators" },
    { "HI", 16, 1, { 12288 }, "Mandatory Label\\High Mandatory Level" },
    { "IS", 5, 2, { 32, 568 }, "BUILTIN\\IIS_IUSRS" },
    { "IU", 5, 1, { 4 }, "NT AUTHORITY\\INTERACTIVE" },
    { "KA", RTLP_DOMAIN, 0, { 526 }, "Key Admins" },
    { "LA", RTLP_DOMAIN, 0, { 500 }, "Administrator" },
    { "LG", RTLP_DOMAIN, 0, { 501 }, "Guest" },
    { "LS", 5, 1, { 19 }, "NT AUTHORITY\\LOCAL SERVICE" },
    { "LU", 5, 2, { 32, 559 }, "BUILTIN\\Performance Log Users" },
    { "LW", 16, 1, { 4096 }, "Mandatory Label\\Low Mandatory Level" },
    { "ME", 16, 1, { 8192 }, "Mandatory Label\\Medium Mandatory Level" },
    { "MP", 16, 1, { 8448 }, "Mandatory Label\\Medium Plus Mandatory Level" },
    { "MS", 5, 2, { 32, 577 }, "BUILTIN\\RDS Management Servers" },
    { "MU", 5, 2, { 32, 558 }, "BUILTIN\\Performance Monitor Users" },
    { "NO", 5, 2, { 32, 556 }, "BUILTIN\\Network Configuration Operators" },
    { "NS", 5, 1, { 20 }, "NT AUTHORITY\\NETWORK SERVICE" },
    { "NU", 5, 1, { 2 }, "NT AUTHORITY\\NETWORK" },
    { "OW", 3, 1, { 4 }, "OWNER RIGHTS" },
    { "PA", RTLP_DOMAIN, 0, { 520 }, "Group Policy Creator Owners" },
    { "PO", 5, 2, { 32, 550 }, "BUILTIN\\Print Operators" },
    { "PS", 5, 1, { 10 }, "NT AUTHORITY\\SELF" },
    { "PU", 5, 2, { 32, 547 }, "BUILTIN\\Power Users" },
    { "RA", 5, 2, { 32, 575 }, "BUILTIN\\RDS Remote Access Servers" },
    { "RC", 5, 1, { 12 }, "NT AUTHORITY\\RESTRICTED" },
    { "RD", 5, 2, { 32, 555 }, "BUILTIN\\Remote Desktop Users" },
    { "RE", 5, 2, { 32, 552 }, "BUILTIN\\Replicator" },
    { "RM", 5, 2, { 32, 580 }, "BUILTIN\\Remote Management Users" },
    { "RO", RTLP_DOMAIN, 0, { 498 }, "Enterprise Read-only Domain Controllers" },
    { "RS", RTLP_DOMAIN, 0, { 553 }, "RAS and IAS Servers" },
    { "RU", 5, 2, { 32, 554 }, "BUILTIN\\Pre-Windows 2000 Compatible Access" },
    { "SA", RTLP_DOMAIN, 0, { 518 }, "Schema Admins" },
    { "SI", 16, 1, { 16384 }, "Mandatory Label\\System Mandatory Level" },
    { "SO", 5, 2, { 32, 549 }, "BUILTIN\\Server Operators" },
    { "SS", 18, 1, { 2 }, "Service asserted identity" },
    { "SU", 5, 1, { 6 }, "NT AUTHORITY\\SERVICE" },
    { "SY", 5, 1, { 18 }, "NT AUTHORITY\\SYSTEM" },
    { "UD", 5, 6, { 84, 0, 0, 0, 0, 0 }, "NT AUTHORITY\\USER MODE DRIVERS" },
    { "WD", 1, 1, { 0 }, "Everyone" },
    { "WR", 5, 1, { 33 }, "NT AUTHORITY\\WRITE RESTRICTED" },
    /* Name-only well-known SIDs (no SDDL alias). */
    { NULL, 0, 1, { 0 }, "NULL SID" },
    { NULL, 2, 1, { 0 }, "LOCAL" },
    { NULL, 2, 1, { 1 }, "CONSOLE LOGON" },
    { NULL, 3, 1, { 2 }, "CREATOR OWNER SERVER" },
    { NULL, 3, 1, { 3 }, "CREATOR GROUP SERVER" },
    { NULL, 5, 1, { 1 }, "NT AUTHORITY\\DIALUP" },
    { NULL, 5, 1, { 3 }, "NT AUTHORITY\\BATCH" },
    { NULL, 5, 1, { 8 }, "NT AUTHORITY\\PROXY" },
    { NULL, 5, 1, { 13 }, "NT AUTHORITY\\TERMINAL SERVER USER" },
    { NULL, 5, 1, { 14 }, "NT AUTHORITY\\REMOTE INTERACTIVE LOGON" },
    { NULL, 5, 1, { 15 }, "NT AUTHORITY\\This Organization" },
    { NULL, 5, 1, { 17 }, "NT AUTHORITY\\IUSR" },
    { NULL, 5, 2, { 64, 10 }, "NT AUTHORITY\\NTLM Authentication" },
    { NULL, 5, 2, { 64, 14 }, "NT AUTHORITY\\SChannel Authentication" },
    { NULL, 5, 2, { 64, 21 }, "NT AUTHORITY\\Digest Authentication" },
    { NULL, 5, 1, { 113 }, "NT AUTHORITY\\Local account" },
    { NULL, 5, 1, { 114 }, "NT AUTHORITY\\Local account and member of Administrators group" },
    { NULL, 5, 1, { 32 }, "BUILTIN" },
    { NULL, 16, 1, { 0 }, "Mandatory Label\\Untrusted Mandatory Level" },
    { NULL, 16, 1, { 20480 }, "Mandatory Label\\Protected Process Mandatory Level" },
};

#define RTLP_WELL_KNOWN_COUNT (sizeof(RtlpWellKnownSids) / sizeof(RtlpWellKnownSids[0]))

/* The domain SID of NtsecSetDomainSid; RtlpDomainLock guards writers against readers. */
static pthread_mutex_t RtlpDomainLock = PTHREAD_MUTEX_INITIALIZER;
static ULONG RtlpDomainBuffer[SECURITY_MAX_SID_SIZE / sizeof(ULONG)];
static BOOLEAN RtlpDomainSet;

static __thread char RtlpNameBuffer[96]; /* names built on the fly (Unix ids, logon ids) */

/* RtlpMatches - TRUE if Sid is the SID of Entry (domain entries: the domain SID + RID). */
static BOOLEAN RtlpMatches(const RTLP_WELL_KNOWN_SID *Entry, PISID Sid, PISID Domain)
{
    static const UCHAR zero[5] = { 0 };
    ULONG i;
    if (Entry->Authority == RTLP_DOMAIN) {
        if (Domain == NULL || Sid->SubAuthorityCount != Domain->SubAuthorityCount + 1)
            return FALSE;
        if (memcmp(&Sid->IdentifierAuthority, &Domain->IdentifierAuthority, 6) != 0)
            return FALSE;
        for (i = 0; i < Domain->SubAuthorityCount; i++)
            if (Sid->SubAuthority[i] != Domain->SubAuthority[i])
                return FALSE;
        return Sid->SubAuthority[i] == Entry->Sub[0];
    }
    if (Sid->SubAuthorityCount != Entry->Count ||
        memcmp(Sid->IdentifierAuthority.Value, zero, 5) != 0 ||
        Sid->IdentifierAuthority.Value[5] != Entry->Authority)
        return FALSE;
    for (i = 0; i < Entry->Count; i++)
        if (Sid->SubAuthority[i] != Entry->Sub[i])
            return FALSE;
    return TRUE;
}

/* RtlpLookup - the first table entry matching Sid (aliases only if WantAlias), or NULL. */
static const RTLP_WELL_KNOWN_SID *RtlpLookup(PSID Sid, BOOLEAN WantAlias)
{
    const RTLP_WELL_KNOWN_SID *found = NULL;
    PISID domain;
    SIZE_T i;
    if (!RtlValidSid(Sid))
        return NULL;
    pthread_mutex_lock(&RtlpDomainLock);
    domain = RtlpDomainSet ? (PISID)RtlpDomainBuffer : NULL;
    for (i = 0; i < RTLP_WELL_KNOWN_COUNT && found == NULL; i++) {
        if (WantAlias && RtlpWellKnownSids[i].Alias == NULL)
            continue;
        if (RtlpMatches(&RtlpWellKnownSids[i], Sid, domain))
            found = &RtlpWellKnownSids[i];
    }
    pthread_mutex_unlock(&RtlpDomainLock);
    return found;
}

/* RtlpSidAlias - see rtlp.h. The returned string is static. */
PCSTR RtlpSidAlias(PSID Sid)
{
    const RTLP_WELL_KNOWN_SID *entry = RtlpLookup(Sid, TRUE);
    return entry != NULL ? entry->Alias : NULL;
}

/*
 * RtlpSidAccountName - see rtlp.h. Static names for well-known SIDs; Samba's Unix-id SIDs
 * S-1-22-1-N / S-1-22-2-N give "Unix User\N" / "Unix Group\N" and logon SIDs S-1-5-5-X-Y
 * give "NT AUTHORITY\LogonSessionId_X_Y", built in a per-thread buffer valid until the
 * thread's next call.
 */
PCSTR RtlpSidAccountName(PSID Sid)
{
    const RTLP_WELL_KNOWN_SID *entry = RtlpLookup(Sid, FALSE);
    PISID sid = Sid;
    static const UCHAR zero[5] = { 0 };
    if (entry != NULL)
        return entry->Name;
    if (!RtlValidSid(Sid) || memcmp(sid->IdentifierAuthority.Value, zero, 5) != 0)
        return NULL;
    if (sid->IdentifierAuthority.Value[5] == 22 && sid->SubAuthorityCount == 2 &&
        (sid->SubAuthority[0] == 1 || sid->SubAuthority[0] == 2)) {
        snprintf(RtlpNameBuffer, sizeof(RtlpNameBuffer), "Unix %s\\%u",
                 sid->SubAuthority[0] == 1 ? "User" : "Group", sid->SubAuthority[1]);
        return RtlpNameBuffer;
    }
    if (sid->IdentifierAuthority.Value[5] == 5 && sid->SubAuthorityCount == 3 &&
        sid->SubAuthority[0] == SECURITY_LOGON_IDS_RID) {
        snprintf(RtlpNameBuffer, sizeof(RtlpNameBuffer), "NT AUTHORITY\\LogonSessionId_%u_%u",
                 sid->SubAuthority[1], sid->SubAuthority[2]);
        return RtlpNameBuffer;
    }
    return NULL;
}

static char RtlpUpper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

/*
 * RtlpAliasToSid - see rtlp.h. Aliases are the two letters Windows defines, matched in
 * either case ("wD" is WD: Windows-run expectation in Wine's test_ConvertStringSidToSid);
 * domain-relative aliases need NtsecSetDomainSid first (else STATUS_NONE_MAPPED).
 */
NTSTATUS RtlpAliasToSid(PCSTR Alias, PSID Sid, ULONG BufferSize)
{
    const RTLP_WELL_KNOWN_SID *entry = NULL;
    PISID out = Sid;
    NTSTATUS status = STATUS_SUCCESS;
    SIZE_T i;
    ULONG k;

    if (Alias == NULL || Alias[0] == '\0' || Alias[1] == '\0')
        return STATUS_INVALID_SID;
    for (i = 0; i < RTLP_WELL_KNOWN_COUNT; i++) {
        PCSTR a = RtlpWellKnownSids[i].Alias;
        if (a != NULL && a[0] == RtlpUpper(Alias[0]) && a[1] == RtlpUpper(Alias[1])) {
            entry = &RtlpWellKnownSids[i];
            break;
        }
    }
    if (entry == NULL)
        return STATUS_INVALID_SID;
    if (entry->Authority != RTLP_DOMAIN) {
        SID_IDENTIFIER_AUTHORITY auth = { { 0, 0, 0, 0, 0, entry->Authority } };
        if (RtlLengthRequiredSid(entry->Count) > BufferSize)
            return STATUS_BUFFER_TOO_SMALL;
        RtlInitializeSid(Sid, &auth, entry->Count);
        for (k = 0; k < entry->Count; k++)
            out->SubAuthority[k] = entry->Sub[k];
        return STATUS_SUCCESS;
    }
    pthread_mutex_lock(&RtlpDomainLock);
    if (!RtlpDomainSet) {
        status = STATUS_NONE_MAPPED;
    } else {
        PISID domain = (PISID)RtlpDomainBuffer;
        ULONG length = RtlLengthSid(domain);
        if (length + 4 > BufferSize) {
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            memcpy(out, domain, length);
            out->SubAuthority[out->SubAuthorityCount++] = entry->Sub[0];
        }
    }
    pthread_mutex_unlock(&RtlpDomainLock);
    return status;
}

/* RtlpWellKnownSid - see rtlp.h. No references. */
PSID RtlpWellKnownSid(PVOID Buffer, UCHAR Authority, UCHAR Count, ULONG A, ULONG B, ULONG C)
{
    PISID sid = Buffer;
    memset(sid, 0, SECURITY_MAX_SID_SIZE);
    sid->Revision = SID_REVISION;
    sid->SubAuthorityCount = Count;
    sid->IdentifierAuthority.Value[5] = Authority;
    sid->SubAuthority[0] = A;
    if (Count > 1)
        sid->SubAuthority[1] = B;
    if (Count > 2)
        sid->SubAuthority[2] = C;
    return sid;
}

/* RtlpDomainSid - see rtlp.h. Points at static storage that a later NtsecSetDomainSid rewrites. */
PSID RtlpDomainSid(VOID)
{
    PSID result;
    pthread_mutex_lock(&RtlpDomainLock);
    result = RtlpDomainSet ? (PSID)RtlpDomainBuffer : NULL;
    pthread_mutex_unlock(&RtlpDomainLock);
    return result;
}

/*
 * NtsecSetDomainSid - sets (copies) the domain SID used by domain-relative SDDL aliases
 * (DA = domain + 512, ...), both when parsing and when printing; NULL clears it.
 * @return STATUS_INVALID_SID if DomainSid is not valid or has no room for a RID (15 subs).
 */
NTSTATUS NtsecSetDomainSid(PSID DomainSid)
{
    if (DomainSid != NULL &&
        (!RtlValidSid(DomainSid) || ((PISID)DomainSid)->SubAuthorityCount >= SID_MAX_SUB_AUTHORITIES))
        return STATUS_INVALID_SID;
    pthread_mutex_lock(&RtlpDomainLock);
    if (DomainSid == NULL) {
        RtlpDomainSet = FALSE;
    } else {
        memcpy(RtlpDomainBuffer, DomainSid, RtlLengthSid(DomainSid));
        RtlpDomainSet = TRUE;
    }
    pthread_mutex_unlock(&RtlpDomainLock);
    return STATUS_SUCCESS;
}
