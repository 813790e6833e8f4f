/*
 * accesschk_explain.c - the readable trace of an access check (NtsecAccessCheckExplain):
 * which ACE or rule granted or denied each bit, in which pass (normal, restricted,
 * integrity), and which privilege was used.
 *
 * The trace buffer is pool memory ('SeTr') handed to the caller, who frees it with NtsecFree.
 */
#include <stdarg.h>
#include <stdio.h>
#include "se/accesschk.h"
#include "se/rights.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

static BOOLEAN SepTraceReserve(PSEP_TRACE Trace, SIZE_T Extra)
{
    if (Trace->Failed)
        return FALSE;
    if (Trace->Length + Extra + 1 <= Trace->Capacity)
        return TRUE;
    SIZE_T cap = Trace->Capacity ? Trace->Capacity : 256;
    while (cap < Trace->Length + Extra + 1)
        cap *= 2;
    PSTR grown = ExAllocatePoolWithTag(PagedPool, cap, SEP_TRACE_TAG);
    if (grown == NULL) {
        Trace->Failed = TRUE;
        return FALSE;
    }
    if (Trace->Buffer) {
        memcpy(grown, Trace->Buffer, Trace->Length + 1);
        ExFreePool(Trace->Buffer);
    }
    Trace->Buffer = grown;
    Trace->Capacity = cap;
    return TRUE;
}

VOID SepTrace(PSEP_TRACE Trace, PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    int n = vsnprintf(NULL, 0, Format, ap);
    va_end(ap);
    if (n < 0 || !SepTraceReserve(Trace, (SIZE_T)n))
        return;
    va_start(ap, Format);
    vsnprintf(Trace->Buffer + Trace->Length, (SIZE_T)n + 1, Format, ap);
    va_end(ap);
    Trace->Length += (SIZE_T)n;
}

VOID SepTraceMask(PSEP_TRACE Trace, ACCESS_MASK Mask)
{
    char names[512];
    SepRightsFormat(Mask, (SEP_RIGHTS_KIND)Trace->RightsKind, names, sizeof(names));
    SepTrace(Trace, " 0x%08x (%s)", (unsigned)Mask, names);
}

VOID SepTraceSid(PSEP_TRACE Trace, PSID Sid)
{
    char text[200];
    if (RtlpSidToString(Sid, text, sizeof(text)) != STATUS_SUCCESS)
        snprintf(text, sizeof(text), "<bad SID>");
    PCSTR alias = RtlpSidAlias(Sid);
    if (SepSidIsOwnerRights(Sid))
        alias = "OWNER RIGHTS";
    if (alias)
        SepTrace(Trace, "%s (%s)", text, alias);
    else
        SepTrace(Trace, "%s", text);
}

/* An empty trace naming rights as GenericMapping's object type does; FALSE: no memory. */
static BOOLEAN SepTraceBegin(PSEP_TRACE Trace, PGENERIC_MAPPING GenericMapping)
{
    if (!SepTraceReserve(Trace, 0))
        return FALSE;
    Trace->Buffer[0] = '\0';
    if (GenericMapping && memcmp(GenericMapping, &SepKeyMapping, sizeof(GENERIC_MAPPING)) == 0)
        Trace->RightsKind = SepRightsKey;
    else if (GenericMapping && memcmp(GenericMapping, &SepFileMapping, sizeof(GENERIC_MAPPING)) == 0)
        Trace->RightsKind = SepRightsFile;
    return TRUE;
}

/*
 * NtsecAccessCheckByTypeExplain - see ntsec_token.h. Token is borrowed (no reference taken);
 * *Trace is the caller's (NtsecFree).
 */
NTSTATUS NtsecAccessCheckByTypeExplain(PSECURITY_DESCRIPTOR SecurityDescriptor, PSID PrincipalSelfSid,
                                       PACCESS_TOKEN Token, ACCESS_MASK DesiredAccess,
                                       POBJECT_TYPE_LIST ObjectTypeList, ULONG ObjectTypeListLength,
                                       PGENERIC_MAPPING GenericMapping, PACCESS_MASK GrantedAccessList,
                                       PNTSTATUS AccessStatusList, PSTR *Trace)
{
    if (Trace == NULL)
        return STATUS_INVALID_PARAMETER;
    *Trace = NULL;
    SEP_TRACE trace = {0};
    if (!SepTraceBegin(&trace, GenericMapping))
        return STATUS_NO_MEMORY;
    NTSTATUS status = SepByTypeExplain(SecurityDescriptor, PrincipalSelfSid, Token, DesiredAccess, ObjectTypeList,
                                       ObjectTypeListLength, GenericMapping, GrantedAccessList, AccessStatusList,
                                       &trace);
    if (trace.Failed) {
        ExFreePool(trace.Buffer);
        return STATUS_NO_MEMORY;
    }
    *Trace = trace.Buffer;
    return status;
}

/*
 * NtsecAccessCheckExplain - runs the check and returns its trace. Token is borrowed (no
 * reference). Flags: NTSEC_CHECK_EXPLICIT_TOKEN applies NtAccessCheck's rules (see
 * NtsecAccessCheckToken); otherwise SeAccessCheck(UserMode) rules for a subject whose
 * effective token is Token. On STATUS_SUCCESS, *Trace is a NUL-terminated text the caller
 * frees with NtsecFree (also on an early refusal, which the trace explains).
 */
NTSTATUS NtsecAccessCheckExplain(PSECURITY_DESCRIPTOR SecurityDescriptor, PACCESS_TOKEN Token,
                                 ACCESS_MASK DesiredAccess, PGENERIC_MAPPING GenericMapping,
                                 ULONG Flags, PACCESS_MASK GrantedAccess, PNTSTATUS AccessStatus,
                                 PSTR *Trace)
{
    if (Trace == NULL)
        return STATUS_INVALID_PARAMETER;
    *Trace = NULL;
    if (Flags & ~(ULONG)NTSEC_CHECK_EXPLICIT_TOKEN)
        return STATUS_INVALID_PARAMETER;
    SEP_TRACE trace = {0};
    if (!SepTraceBegin(&trace, GenericMapping))
        return STATUS_NO_MEMORY;
    NTSTATUS status;
    if (Flags & NTSEC_CHECK_EXPLICIT_TOKEN)
        status = SepExplicitCheck(SecurityDescriptor, Token, DesiredAccess, GenericMapping,
                                  GrantedAccess, AccessStatus, &trace, NULL);
    else
        status = SepSubjectCheck(SecurityDescriptor, Token, DesiredAccess, GenericMapping,
                                 GrantedAccess, AccessStatus, &trace);
    if (trace.Failed) {
        ExFreePool(trace.Buffer);
        return STATUS_NO_MEMORY;
    }
    *Trace = trace.Buffer;
    return status;
}
