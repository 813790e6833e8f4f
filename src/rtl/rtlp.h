/*
 * rtlp.h - private Rtl helpers shared with other layers (SID text, names, SDDL pieces).
 */
#ifndef NTSEC_RTLP_H
#define NTSEC_RTLP_H

#include "ntifs.h"

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

#endif /* NTSEC_RTLP_H */
