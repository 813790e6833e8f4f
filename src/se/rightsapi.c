/*
 * rightsapi.c - rights and privilege names for tools (ntsec.h "Names, rights and
 * identities for tools"): NtsecParseRights, NtsecFormatRights, NtsecObjectGenericMapping,
 * NtsecPrivilegeName/Description, NtsecLookupPrivilegeValue. The tables are rights.c's and
 * privnames.c's; this file only checks arguments and hands out copies.
 */
#include <string.h>
#include "se/privnames.h"
#include "se/rights.h"
#include "ntsec.h"
#include "ex/exp.h"
#include "ex/pooltags.h"

static BOOLEAN SepValidKind(NTSEC_OBJECT_KIND Kind)
{
    return Kind == NtsecObjectGeneric || Kind == NtsecObjectFile || Kind == NtsecObjectDirectory ||
           Kind == NtsecObjectKey;
}

/* NtsecParseRights - see ntsec.h. No allocation, no references. */
NTSTATUS NtsecParseRights(PCSTR Text, PACCESS_MASK Mask, PULONG BadOffset, PULONG BadLength)
{
    SIZE_T offset = 0, length = 0;
    ACCESS_MASK mask = 0;
    if (Text == NULL || Mask == NULL || BadOffset == NULL || BadLength == NULL)
        return STATUS_INVALID_PARAMETER;
    *BadOffset = 0;
    *BadLength = 0;
    if (!SepRightsParseAt(Text, &mask, &offset, &length)) {
        *BadOffset = (ULONG)offset;
        *BadLength = (ULONG)length;
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    *Mask = mask;
    return STATUS_SUCCESS;
}

/* NtsecFormatRights - see ntsec.h. *Text is one pool block, the caller's (NtsecFree). */
NTSTATUS NtsecFormatRights(ACCESS_MASK Mask, NTSEC_OBJECT_KIND Kind, PSTR *Text)
{
    char buffer[768];
    if (Text == NULL)
        return STATUS_INVALID_PARAMETER;
    *Text = NULL;
    if (!SepValidKind(Kind))
        return STATUS_INVALID_PARAMETER;
    SepRightsFormat(Mask, (SEP_RIGHTS_KIND)Kind, buffer, sizeof(buffer));
    *Text = ExpCopyString(buffer, SEP_RIGHTS_API_TAG);
    return *Text != NULL ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

/* NtsecObjectGenericMapping - see ntsec.h. */
NTSTATUS NtsecObjectGenericMapping(NTSEC_OBJECT_KIND Kind, PGENERIC_MAPPING Mapping)
{
    if (Mapping == NULL || !SepValidKind(Kind))
        return STATUS_INVALID_PARAMETER;
    *Mapping = *SepRightsMapping((SEP_RIGHTS_KIND)Kind);
    return STATUS_SUCCESS;
}

/* NtsecPrivilegeName / NtsecPrivilegeDescription - see ntsec.h. Static strings. */
PCSTR NtsecPrivilegeName(LUID Luid)
{
    return Luid.HighPart == 0 ? SepPrivilegeName(Luid.LowPart) : NULL;
}

PCSTR NtsecPrivilegeDescription(LUID Luid)
{
    return Luid.HighPart == 0 && SepPrivilegeName(Luid.LowPart) ? SepPrivilegeDescription(Luid.LowPart) : NULL;
}

/* NtsecLookupPrivilegeValue - see ntsec.h. */
NTSTATUS NtsecLookupPrivilegeValue(PCSTR Name, PLUID Luid)
{
    ULONG value;
    if (Name == NULL || Luid == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepPrivilegeValue(Name, &value))
        return STATUS_NO_SUCH_PRIVILEGE;
    Luid->LowPart = value;
    Luid->HighPart = 0;
    return STATUS_SUCCESS;
}
