/*
 * assignapi.c - NtsecAssignSecurityExplain (ntsec.h): SeAssignSecurityEx for a token given
 * directly, with assign.c's explain trace handed to the caller (`ntsec assign --explain`).
 */
#include "se/accesschk.h"
#include "se/assign.h"
#include "se/sep.h"
#include "ntsec.h"

/*
 * NtsecAssignSecurityExplain - see ntsec.h. Token is borrowed: the subject context built
 * here holds no reference (the caller's reference keeps the token alive for the call).
 * *NewDescriptor (SeDeassignSecurity) and *Trace (NtsecFree) are the caller's.
 */
NTSTATUS NtsecAssignSecurityExplain(PSECURITY_DESCRIPTOR ParentDescriptor,
                                    PSECURITY_DESCRIPTOR ExplicitDescriptor,
                                    BOOLEAN IsDirectoryObject, ULONG AutoInheritFlags,
                                    PACCESS_TOKEN Token, PGENERIC_MAPPING GenericMapping,
                                    NTSEC_OBJECT_KIND Kind,
                                    PSECURITY_DESCRIPTOR *NewDescriptor, PSTR *Trace)
{
    if (Trace != NULL)
        *Trace = NULL;
    if (NewDescriptor == NULL || Token == NULL || GenericMapping == NULL)
        return STATUS_INVALID_PARAMETER;
    *NewDescriptor = NULL;
    if (!SepIsToken(Token, "NtsecAssignSecurityExplain"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    SECURITY_SUBJECT_CONTEXT subject = {0};
    subject.PrimaryToken = Token;
    if (SeTokenType(Token) == TokenImpersonation) {
        subject.ClientToken = Token;
        subject.ImpersonationLevel = SeTokenImpersonationLevel(Token);
    }
    SEP_TRACE trace = {0};
    trace.RightsKind = (ULONG)Kind;
    NTSTATUS st = SepAssignSecurity(ParentDescriptor, ExplicitDescriptor, NewDescriptor, NULL,
                                    IsDirectoryObject, AutoInheritFlags, &subject, GenericMapping,
                                    PagedPool, Trace != NULL ? &trace : NULL);
    if (Trace != NULL) {
        if (trace.Failed) {
            if (trace.Buffer != NULL)
                ExFreePool(trace.Buffer);
            trace.Buffer = NULL;
            if (NT_SUCCESS(st)) {
                SeDeassignSecurity(NewDescriptor);
                st = STATUS_NO_MEMORY;
            }
        }
        *Trace = trace.Buffer;
    }
    return st;
}
