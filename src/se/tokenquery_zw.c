/*
 * tokenquery_zw.c - ZwQueryInformationToken: the buffer form of a token query on a handle.
 *
 * The answer is SeQueryInformationToken's self-contained pool block, copied into the
 * caller's buffer with its internal pointers (SIDs, the default DACL) moved along.
 */
#include <string.h>
#include "ex/exp.h"
#include "se/sep.h"

static VOID SepRelocate(PVOID *Field, PUCHAR Block, SIZE_T Size, PUCHAR Buffer)
{
    PUCHAR p = *Field;
    if (p != NULL && p >= Block && p < Block + Size)
        *Field = Buffer + (p - Block);
}

/* ZwQueryInformationToken - see ntse.h. The handle's object is referenced for the call only. */
NTSTATUS ZwQueryInformationToken(HANDLE TokenHandle, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                 PVOID TokenInformation, ULONG TokenInformationLength,
                                 PULONG ReturnLength)
{
    if (ReturnLength == NULL)
        return STATUS_INVALID_PARAMETER;
    PVOID token;
    NTSTATUS status = ObReferenceObjectByHandle(TokenHandle, TOKEN_QUERY, *SeTokenObjectType,
                                                KernelMode, &token, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (TokenInformationClass == TokenSessionId) {
        ULONG session = 0;
        status = SeQuerySessionIdToken(token, &session);
        ObDereferenceObject(token);
        if (!NT_SUCCESS(status))
            return status;
        *ReturnLength = sizeof(ULONG);
        if (TokenInformation == NULL || TokenInformationLength < sizeof(ULONG))
            return STATUS_BUFFER_TOO_SMALL;
        memcpy(TokenInformation, &session, sizeof session);
        return STATUS_SUCCESS;
    }
    PVOID info = NULL;
    status = SeQueryInformationToken(token, TokenInformationClass, &info);
    ObDereferenceObject(token);
    if (!NT_SUCCESS(status))
        return status;
    SIZE_T size = ExpPoolBlockSize(info);
    if (size > MAXULONG) {
        ExFreePool(info);
        return STATUS_INTERNAL_ERROR;
    }
    *ReturnLength = (ULONG)size;
    if (TokenInformation == NULL || TokenInformationLength < size) {
        if (TokenInformationClass == TokenLinkedToken) /* the answer's handle goes too */
            ZwClose(((PTOKEN_LINKED_TOKEN)info)->LinkedToken);
        ExFreePool(info);
        return STATUS_BUFFER_TOO_SMALL;
    }
    PUCHAR block = info, out = TokenInformation;
    memcpy(out, block, size);
    switch (TokenInformationClass) {
    case TokenUser:
    case TokenOwner:
    case TokenPrimaryGroup:
    case TokenDefaultDacl:
    case TokenIntegrityLevel:
        /* A single pointer first in the structure (TOKEN_USER.User.Sid, ...Label.Sid). */
        SepRelocate((PVOID *)out, block, size, out);
        break;
    case TokenUserClaimAttributes:
    case TokenDeviceClaimAttributes:
    case TokenRestrictedUserClaimAttributes:
    case TokenRestrictedDeviceClaimAttributes:
        /* Nested pointers: write the same packed layout again, pointing into the buffer. */
        SepClaimsPack((PCLAIM_SECURITY_ATTRIBUTES_INFORMATION)block, out);
        break;
    case TokenGroupsAndPrivileges: {
        PTOKEN_GROUPS_AND_PRIVILEGES g = (PTOKEN_GROUPS_AND_PRIVILEGES)out;
        SepRelocate((PVOID *)&g->Sids, block, size, out);
        SepRelocate((PVOID *)&g->RestrictedSids, block, size, out);
        SepRelocate((PVOID *)&g->Privileges, block, size, out);
        for (ULONG i = 0; i < g->SidCount; i++)
            SepRelocate(&g->Sids[i].Sid, block, size, out);
        for (ULONG i = 0; i < g->RestrictedSidCount; i++)
            SepRelocate(&g->RestrictedSids[i].Sid, block, size, out);
        break;
    }
    case TokenGroups:
    case TokenLogonSid:
    case TokenCapabilities:
    case TokenDeviceGroups:
    case TokenRestrictedDeviceGroups:
    case TokenRestrictedSids: {
        PTOKEN_GROUPS g = (PTOKEN_GROUPS)out;
        for (ULONG i = 0; i < g->GroupCount; i++)
            SepRelocate(&g->Groups[i].Sid, block, size, out);
        break;
    }
    default:
        break; /* no pointers */
    }
    ExFreePool(info);
    return STATUS_SUCCESS;
}
