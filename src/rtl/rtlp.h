/*
 * rtlp.h - private Rtl helpers shared with other layers (SID text, names, SDDL pieces).
 */
#ifndef NTSEC_RTLP_H
#define NTSEC_RTLP_H

#include "ntifs.h"
#include "ex/pooltags.h"

/*
 * NTSEC_NOT_IMPLEMENTED() - the value every not-implemented path returns, tree-wide:
 * STATUS_NOT_IMPLEMENTED, logged with routine, file and line when NTSEC_DEBUG is set
 * (src/rtl/notimpl.c). scripts/status-table.sh finds every use for the README.
 */
NTSTATUS RtlpNotImplemented(PCSTR Routine, PCSTR File, int Line);
#define NTSEC_NOT_IMPLEMENTED() RtlpNotImplemented(__func__, __FILE__, __LINE__)

/*
 * RtlpStringToSid - parses one SID at Text: "S-1-..." (decimal or 0x-hex identifier
 * authority) or a two-letter SDDL alias (domain aliases resolve against the domain SID
 * set with NtsecSetDomainSid). Stops at the first character that cannot continue the SID
 * and stores its position in *End (may be NULL). Writes at most BufferSize bytes to Sid.
 * Returns STATUS_SUCCESS, STATUS_INVALID_SID (garbage, overflow, too many sub-authorities),
 * STATUS_NONE_MAPPED (domain alias without a domain SID) or STATUS_BUFFER_TOO_SMALL.
 */
NTSTATUS RtlpStringToSid(PCSTR Text, PCSTR *End, PSID Sid, ULONG BufferSize);

/* RtlpSidToString - "S-1-5-21-..." into Buffer (NUL-terminated); STATUS_BUFFER_TOO_SMALL if it does not fit. */
NTSTATUS RtlpSidToString(PSID Sid, PSTR Buffer, SIZE_T Size);

/* RtlpSidAlias - the SDDL alias Windows prints for Sid ("SY", "BA", ...), or NULL. */
PCSTR RtlpSidAlias(PSID Sid);

/* RtlpSidAccountName - a readable account name ("NT AUTHORITY\\SYSTEM"), or NULL if unknown. */
PCSTR RtlpSidAccountName(PSID Sid);

/* RtlpDomainSid - the domain SID set with NtsecSetDomainSid, or NULL. No reference semantics. */
PSID RtlpDomainSid(VOID);

/* ---- Additions (rtl work): shared by the SDDL code, the CLI and the token text parser ---- */

/*
 * RtlpAliasToSid - the SID for a two-letter SDDL alias (exactly Alias[0], Alias[1]).
 * STATUS_INVALID_SID if not an alias, STATUS_NONE_MAPPED for a domain alias without a
 * domain SID, STATUS_BUFFER_TOO_SMALL if Sid cannot hold it.
 */
NTSTATUS RtlpAliasToSid(PCSTR Alias, PSID Sid, ULONG BufferSize);

/*
 * RtlpSetLastErrorText - formats the calling thread's last error text (NtsecLastErrorText);
 * any layer that rejects text input calls it before returning its failure status.
 */
VOID RtlpSetLastErrorText(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
VOID RtlpClearLastErrorText(VOID);

/*
 * RtlpGrantAsAsked - the access granted without looking at a descriptor (a KernelMode check,
 * spec 2.20 (1); an open of an object that has none): Mapped, whose generic bits the caller
 * has mapped, with MAXIMUM_ALLOWED standing for Mapping's GenericAll.
 */
static inline ACCESS_MASK RtlpGrantAsAsked(ACCESS_MASK Mapped, const GENERIC_MAPPING *Mapping)
{
    return (Mapped & MAXIMUM_ALLOWED) ? (Mapped & ~MAXIMUM_ALLOWED) | Mapping->GenericAll : Mapped;
}

/*
 * RtlpValidSidBounded - RtlValidSid for a SID of which only Length bytes are readable
 * (hostile input): revision 1, at most 15 sub-authorities, and the whole SID inside Length.
 * Inline: the access check runs it for every ACE it validates.
 */
static inline BOOLEAN RtlpValidSidBounded(PSID Sid, ULONG Length)
{
    const SID *sid = (const SID *)Sid;
    if (sid == NULL || Length < 8)
        return FALSE;
    if (sid->Revision != SID_REVISION || sid->SubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
        return FALSE;
    return 8 + 4 * (ULONG)sid->SubAuthorityCount <= Length;
}

/* RtlpHexValue - the value of one hex digit (0-9, a-f, A-F), or -1 (src/rtl/sidstring.c). */
int RtlpHexValue(char c);

/* RtlpAceSid - the trustee SID of a known ACE type inside an ACE already bounds-checked, or NULL. */
PSID RtlpAceSid(PACE_HEADER Ace);

/* RtlpAclFirstFree - offset of the first free byte of a well-formed ACL, or 0 if malformed. */
ULONG RtlpAclFirstFree(PACL Acl);

/* RtlpIsObjectAceType - ACE types with the object-ACE layout (0x5-0x8, 0xB, 0xC, 0xF, 0x10).
 * Inline: the access check asks it for every ACE it walks. */
static inline BOOLEAN RtlpIsObjectAceType(UCHAR AceType)
{
    switch (AceType) {
    case ACCESS_ALLOWED_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_OBJECT_ACE_TYPE:
    case SYSTEM_ALARM_OBJECT_ACE_TYPE:
    case ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE:
        return TRUE;
    default:
        return FALSE;
    }
}

/* RtlpWellKnownSid - the SID S-1-Authority-A[-B[-C]] with Count (1 to 3) sub-authorities,
 * built at Buffer (SECURITY_MAX_SID_SIZE bytes, zeroed first); returns Buffer. For the
 * well-known groups a logon adds (Everyone, NETWORK, Authenticated Users, the logon SID). */
PSID RtlpWellKnownSid(PVOID Buffer, UCHAR Authority, UCHAR Count, ULONG A, ULONG B, ULONG C);

/* RtlpSdParts - owner/group/dacl/sacl pointers of an absolute or self-relative SD (trusted memory). */
VOID RtlpSdParts(PSECURITY_DESCRIPTOR Sd, PSID *Owner, PSID *Group, PACL *Dacl, PACL *Sacl);

/* SDDL tables (src/rtl/sddl_tables.c). */
typedef struct _RTLP_SDDL_NAME {
    PCSTR Name;
    ULONG Value;
    PCSTR Description;
} RTLP_SDDL_NAME;

extern const RTLP_SDDL_NAME RtlpSddlAceTypes[];
extern const RTLP_SDDL_NAME RtlpSddlAceFlags[];
extern const RTLP_SDDL_NAME RtlpSddlRights[];        /* whole-mask names, print priority order */
extern const RTLP_SDDL_NAME RtlpSddlRightBits[];     /* single-bit names in Windows' letter order */
extern const RTLP_SDDL_NAME RtlpSddlLabelRightBits[]; /* NW NR NX for mandatory label ACEs */
const RTLP_SDDL_NAME *RtlpSddlLookup(const RTLP_SDDL_NAME *Table, PCSTR Text, SIZE_T Length);
const RTLP_SDDL_NAME *RtlpSddlByValue(const RTLP_SDDL_NAME *Table, ULONG Value);

/* RtlpSddlFormatRights - the SDDL rights text for Mask in an ACE of AceType (Windows' canonical form). */
VOID RtlpSddlFormatRights(UCHAR AceType, ACCESS_MASK Mask, PSTR Buffer, SIZE_T Size);
/* RtlpAceToSddl - one ACE as SDDL text into Buffer ("(?)" when it has no SDDL form). */
VOID RtlpAceToSddl(PACE_HEADER Ace, PSTR Buffer, SIZE_T Size);

#endif /* NTSEC_RTLP_H */
