/*
 * sidname.c - NtsecSidAccountName (ntsec.h): one naming of SIDs for every tool. Well-known
 * names come from rtl's table (wellknown.c); the host's Unix SIDs (Samba's S-1-22-1-uid and
 * S-1-22-2-gid, docs/host.md "Mapping") are named from the system's account databases,
 * "Unix User\root" as Samba prints them. Pure identity part: no credential changes.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include "host/hostp.h"
#include "rtl/rtlp.h"
#include "ex/exp.h"
#include "ex/pooltags.h"

static ULONG HostpSidUse(PISID Sid)
{
    static const UCHAR zero[5] = { 0 };
    UCHAR authority = Sid->IdentifierAuthority.Value[5];
    ULONG count = Sid->SubAuthorityCount;
    if (memcmp(Sid->IdentifierAuthority.Value, zero, 5) != 0)
        return NTSEC_SID_TYPE_WELL_KNOWN_GROUP;
    if (authority == 22 && count == 2)
        return Sid->SubAuthority[0] == 1 ? NTSEC_SID_TYPE_USER : NTSEC_SID_TYPE_GROUP;
    if (authority == 16)
        return NTSEC_SID_TYPE_LABEL;
    if (authority == 5 && count == 3 && Sid->SubAuthority[0] == SECURITY_LOGON_IDS_RID)
        return NTSEC_SID_TYPE_LOGON_SESSION;
    if (authority == 5 && count == 2 && Sid->SubAuthority[0] == 32)
        return NTSEC_SID_TYPE_ALIAS;
    if (authority == 5 && count == 1 && (Sid->SubAuthority[0] == 18 || Sid->SubAuthority[0] == 19 ||
                                         Sid->SubAuthority[0] == 20))
        return NTSEC_SID_TYPE_USER; /* SYSTEM, LOCAL SERVICE, NETWORK SERVICE */
    if (authority == 5 && count >= 4 && Sid->SubAuthority[0] == 21)
        return Sid->SubAuthority[count - 1] < 1000 && Sid->SubAuthority[count - 1] != 500 &&
                       Sid->SubAuthority[count - 1] != 501
                   ? NTSEC_SID_TYPE_GROUP
                   : NTSEC_SID_TYPE_USER;
    return NTSEC_SID_TYPE_WELL_KNOWN_GROUP;
}

/*
 * NtsecSidAccountName - see ntsec.h. *Name is one pool block the caller frees with
 * NtsecFree. getpwuid_r/getgrgid_r for S-1-22 SIDs (NSS may do I/O).
 */
NTSTATUS NtsecSidAccountName(PSID Sid, PSTR *Name, PULONG Use)
{
    char text[300], buffer[4096];
    if (Sid == NULL || Name == NULL || Use == NULL)
        return STATUS_INVALID_PARAMETER;
    *Name = NULL;
    *Use = NTSEC_SID_TYPE_UNKNOWN;
    if (!RtlValidSid(Sid))
        return STATUS_INVALID_SID;
    PISID sid = Sid;
    PCSTR known = RtlpSidAccountName(Sid);
    if (sid->IdentifierAuthority.Value[5] == 22 && sid->SubAuthorityCount == 2 &&
        (sid->SubAuthority[0] == 1 || sid->SubAuthority[0] == 2) && known != NULL) {
        PCSTR system = NULL;
        if (sid->SubAuthority[0] == 1) {
            struct passwd pw, *found = NULL;
            if (getpwuid_r((uid_t)sid->SubAuthority[1], &pw, buffer, sizeof(buffer), &found) == 0 && found)
                system = found->pw_name;
        } else {
            struct group gr, *found = NULL;
            if (getgrgid_r((gid_t)sid->SubAuthority[1], &gr, buffer, sizeof(buffer), &found) == 0 && found)
                system = found->gr_name;
        }
        if (system != NULL)
            snprintf(text, sizeof(text), "Unix %s\\%s", sid->SubAuthority[0] == 1 ? "User" : "Group", system);
        else
            snprintf(text, sizeof(text), "%s", known);
    } else if (known != NULL) {
        snprintf(text, sizeof(text), "%s", known);
    } else {
        return STATUS_NONE_MAPPED;
    }
    PSTR copy = ExpCopyString(text, HOSTP_NAME_TAG);
    if (copy == NULL)
        return STATUS_NO_MEMORY;
    *Name = copy;
    *Use = HostpSidUse(sid);
    return STATUS_SUCCESS;
}
