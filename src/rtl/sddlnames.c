/*
 * sddlnames.c - the public face of the SID text and SDDL name tables for tools
 * (ntsec.h "Names, rights and identities for tools"): NtsecSidToString, NtsecSidSddlAlias,
 * NtsecSddlName/Description, NtsecSddlFormatRights, NtsecAceSid. The tables themselves stay
 * in sddl_tables.c and wellknown.c.
 */
#include <string.h>
#include "rtlp.h"
#include "ntsec.h"
#include "ex/exp.h"
#include "ex/pooltags.h"

/* RtlpCopyText - a pool copy of Text in *Out (the caller's, NtsecFree; NULL on failure). */
static NTSTATUS RtlpCopyText(PCSTR Text, PSTR *Out)
{
    *Out = ExpCopyString(Text, RTLP_NAMES_TAG);
    return *Out != NULL ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

/* NtsecSidToString - see ntsec.h. *Text is the caller's (one pool block). */
NTSTATUS NtsecSidToString(PSID Sid, PSTR *Text)
{
    char buffer[200];
    if (Sid == NULL || Text == NULL)
        return STATUS_INVALID_PARAMETER;
    *Text = NULL;
    if (!RtlValidSid(Sid) || !NT_SUCCESS(RtlpSidToString(Sid, buffer, sizeof(buffer))))
        return STATUS_INVALID_SID;
    return RtlpCopyText(buffer, Text);
}

/* NtsecSidSddlAlias - see ntsec.h. No references, static result. */
PCSTR NtsecSidSddlAlias(PSID Sid)
{
    if (Sid == NULL || !RtlValidSid(Sid))
        return NULL;
    return RtlpSidAlias(Sid);
}

static const RTLP_SDDL_NAME *RtlpNamesEntry(NTSEC_SDDL_TABLE Table, ULONG Value)
{
    switch (Table) {
    case NtsecSddlAceType: return RtlpSddlByValue(RtlpSddlAceTypes, Value);
    case NtsecSddlAceFlag: return RtlpSddlByValue(RtlpSddlAceFlags, Value);
    case NtsecSddlRight: {
        const RTLP_SDDL_NAME *entry = RtlpSddlByValue(RtlpSddlRightBits, Value);
        return entry != NULL ? entry : RtlpSddlByValue(RtlpSddlRights, Value);
    }
    case NtsecSddlLabelRight: return RtlpSddlByValue(RtlpSddlLabelRightBits, Value);
    default: return NULL;
    }
}

/* NtsecSddlName / NtsecSddlDescription - see ntsec.h. Static results. */
PCSTR NtsecSddlName(NTSEC_SDDL_TABLE Table, ULONG Value)
{
    const RTLP_SDDL_NAME *entry = RtlpNamesEntry(Table, Value);
    return entry ? entry->Name : NULL;
}

PCSTR NtsecSddlDescription(NTSEC_SDDL_TABLE Table, ULONG Value)
{
    const RTLP_SDDL_NAME *entry = RtlpNamesEntry(Table, Value);
    return entry ? entry->Description : NULL;
}

/* NtsecSddlFormatRights - see ntsec.h. *Text is the caller's. */
NTSTATUS NtsecSddlFormatRights(UCHAR AceType, ACCESS_MASK Mask, PSTR *Text)
{
    char buffer[128];
    if (Text == NULL)
        return STATUS_INVALID_PARAMETER;
    *Text = NULL;
    RtlpSddlFormatRights(AceType, Mask, buffer, sizeof(buffer));
    return RtlpCopyText(buffer, Text);
}

/* NtsecAceSid - see ntsec.h. A pointer into Ace; no references. */
PSID NtsecAceSid(PACE_HEADER Ace)
{
    if (Ace == NULL || Ace->AceSize < sizeof(ACE_HEADER))
        return NULL;
    return RtlpAceSid(Ace);
}
