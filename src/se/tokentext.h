/*
 * tokentext.h - private pieces shared by the token text parser (tokentext.c) and the
 * formatter (tokenformat.c). The text form itself is documented in docs/token-text.md.
 */
#ifndef NTSEC_TOKENTEXT_H
#define NTSEC_TOKENTEXT_H

#include "se/sep.h"
#include "ex/pooltags.h"

/* Largest number of entries accepted in one comma list (groups, privileges, restricted). */
#define SEPP_TEXT_MAX_LIST 4096

/* Attributes of a group written without flags: mandatory, enabled by default, enabled. */
#define SEPP_GROUP_DEFAULT (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED)
/* Attributes of a privilege written without a state: enabled and enabled by default. */
#define SEPP_PRIVILEGE_DEFAULT (SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT)

/* Restricted SIDs are stored with these attributes (what SeFilterToken gives them too). */
#define SEPP_RESTRICTED_SID_ATTRIBUTES SEPP_GROUP_DEFAULT

/* The integrity words of the text form, in RID order. */
typedef struct _SEPP_INTEGRITY_NAME {
    PCSTR Name;   /* "medium" */
    PCSTR Alias;  /* "ME" */
    ULONG Rid;
} SEPP_INTEGRITY_NAME;
extern const SEPP_INTEGRITY_NAME SeppIntegrityNames[];
extern const ULONG SeppIntegrityNameCount;

/*
 * SeppSetTextError - records the text-form error for NtsecLastErrorText (thread-local,
 * kept by src/rtl through RtlpSetLastErrorText). Always "token text: ..." so callers can
 * tell which parser spoke.
 */
VOID SeppSetTextError(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));

/* Provided by src/rtl (rtlp.h); declared here too so this header stands alone. */
VOID RtlpSetLastErrorText(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
VOID RtlpClearLastErrorText(VOID);

/*
 * SeppBuildDefaultDacl - the default DACL the text form documents ("owner and SYSTEM
 * GENERIC_ALL", the one SepCreateToken builds when the template has none) into a pool block
 * the caller frees with ExFreePool. Used by the formatter to leave that DACL out.
 */
NTSTATUS SeppBuildDefaultDacl(PSID Owner, PACL *Dacl);

/* TRUE iff Sid is under S-1-5-21 (domain-relative; never printed as an alias). */
BOOLEAN SeppIsDomainRelativeSid(PSID Sid);

/* Value parsers (tokentext_values.c); Key names the key in error messages. */
ULONG SeppListCount(PCSTR Value);
PSTR SeppNextEntry(PSTR *Cursor);
NTSTATUS SeppParseSid(PCSTR Word, PSID Sid, PCSTR Key);
BOOLEAN SeppIsIntegritySid(PSID Sid);
BOOLEAN SeppParseUlong(PCSTR Text, BOOLEAN AllowDecimal, PULONG Value);
NTSTATUS SeppParseLuid(PSTR Value, PLUID Luid, PCSTR Key);
NTSTATUS SeppParseGroupFlags(PSTR Flags, PULONG Attributes, PCSTR Key);
NTSTATUS SeppParseSidList(PSTR Value, BOOLEAN AllowFlags, PCSTR Key, PSID_AND_ATTRIBUTES *Array, PULONG Count);

/* The formatter's output (tokenformat.c): Length counts every character, even past Size. */
typedef struct _SEPP_WRITER {
    PSTR Buffer;
    SIZE_T Size;
    SIZE_T Length;
} SEPP_WRITER;
VOID SeppPut(SEPP_WRITER *W, PCSTR Format, ...) __attribute__((format(printf, 2, 3)));
/* A SID: its SDDL alias when allowed and not domain-relative, else S-1-... */
NTSTATUS SeppPutSid(SEPP_WRITER *W, PSID Sid, BOOLEAN AllowAlias);

/* Claims (tokentext_claims.c): user-claims= / device-claims= both ways. */
NTSTATUS SeppParseClaims(PSTR Value, PCSTR Key, PCLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims);
NTSTATUS SeppPutClaims(SEPP_WRITER *W, PCSTR Key, const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims);

#endif /* NTSEC_TOKENTEXT_H */
