/*
 * tokenadjust.c - changing a token after creation: NtsecAdjustTokenPrivileges (the
 * NtAdjustPrivilegesToken model) and NtsecDuplicateToken (the NtDuplicateToken model).
 *
 * Changes happen under the token's exclusive lock, take a new ModifiedId and recompute the
 * privilege-derived TokenFlags (spec 1.1, 1.3), so a reader under the shared lock sees
 * either the old or the new state, never a mix.
 */
#include <stddef.h>
#include <string.h>
#include "se/sep.h"

#define SEP_ADJUST_TAG 0x6a644150 /* 'PAdj' */

/* Index of privilege Luid in Token, or -1. Caller holds the lock. */
static LONG SepFindPrivilege(PTOKEN Token, LUID Luid)
{
    for (ULONG i = 0; i < Token->PrivilegeCount; i++)
        if (SepLuidEqual(Token->Privileges[i].Luid, Luid))
            return (LONG)i;
    return -1;
}

/*
 * NtsecAdjustTokenPrivileges - enables, disables or removes privileges of Token.
 *
 * References: none taken or released. *PreviousState (optional) receives one pool block
 * (a TOKEN_PRIVILEGES) the caller frees with NtsecFree, listing the privileges that changed
 * with their attributes before the change.
 *
 * @remarks NtAdjustPrivilegesToken semantics: DisableAll clears SE_PRIVILEGE_ENABLED on
 * every privilege and ignores NewState. Otherwise for each NewState entry:
 * SE_PRIVILEGE_REMOVED deletes the privilege from the token for good, SE_PRIVILEGE_ENABLED
 * enables it, anything else (0) disables it; SE_PRIVILEGE_ENABLED_BY_DEFAULT is never
 * changed. A privilege the token does not hold is skipped and the result is
 * STATUS_NOT_ALL_ASSIGNED (a success code: the others were applied). Any change takes a
 * new ModifiedId and updates TOKEN_HAS_*_PRIVILEGE (spec 1.1). Returns
 * STATUS_INVALID_PARAMETER (NewState NULL without DisableAll), STATUS_OBJECT_TYPE_MISMATCH
 * (not a token, spec 5-D24) or STATUS_NO_MEMORY, with the token unchanged.
 */
NTSTATUS NtsecAdjustTokenPrivileges(PACCESS_TOKEN Token, BOOLEAN DisableAll, PTOKEN_PRIVILEGES NewState,
                                    PTOKEN_PRIVILEGES *PreviousState)
{
    if (PreviousState != NULL)
        *PreviousState = NULL;
    if (!DisableAll && NewState == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, "NtsecAdjustTokenPrivileges"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;

    SepAcquireTokenLockExclusive(token);
    PTOKEN_PRIVILEGES previous = NULL;
    if (PreviousState != NULL) {
        ULONG max = token->PrivilegeCount;
        previous = ExAllocatePoolWithTag(PagedPool,
                                         offsetof(TOKEN_PRIVILEGES, Privileges) +
                                             (max ? max : 1) * sizeof(LUID_AND_ATTRIBUTES),
                                         SEP_ADJUST_TAG);
        if (previous == NULL) {
            SepReleaseTokenLock(token);
            return STATUS_NO_MEMORY;
        }
        previous->PrivilegeCount = 0;
    }

    BOOLEAN changed = FALSE, notAll = FALSE;
    if (DisableAll) {
        for (ULONG i = 0; i < token->PrivilegeCount; i++) {
            PLUID_AND_ATTRIBUTES p = &token->Privileges[i];
            if (!(p->Attributes & SE_PRIVILEGE_ENABLED))
                continue;
            if (previous)
                previous->Privileges[previous->PrivilegeCount++] = *p;
            p->Attributes &= ~SE_PRIVILEGE_ENABLED;
            changed = TRUE;
        }
    } else {
        for (ULONG k = 0; k < NewState->PrivilegeCount; k++) {
            LONG i = SepFindPrivilege(token, NewState->Privileges[k].Luid);
            if (i < 0) {
                notAll = TRUE;
                continue;
            }
            PLUID_AND_ATTRIBUTES p = &token->Privileges[i];
            ULONG want = NewState->Privileges[k].Attributes;
            ULONG before = p->Attributes;
            if (want & SE_PRIVILEGE_REMOVED) {
                if (previous)
                    previous->Privileges[previous->PrivilegeCount++] = *p;
                memmove(p, p + 1, (token->PrivilegeCount - (ULONG)i - 1) * sizeof(*p));
                token->PrivilegeCount--;
                changed = TRUE;
                continue;
            }
            ULONG after = (want & SE_PRIVILEGE_ENABLED) ? (before | SE_PRIVILEGE_ENABLED)
                                                         : (before & ~SE_PRIVILEGE_ENABLED);
            if (after == before)
                continue;
            if (previous)
                previous->Privileges[previous->PrivilegeCount++] = *p;
            p->Attributes = after;
            changed = TRUE;
        }
    }
    if (changed) {
        token->ModifiedId = SepAllocateLuid();
        SepUpdateTokenFlags(token);
    }
    SepReleaseTokenLock(token);
    if (PreviousState != NULL)
        *PreviousState = previous;
    return notAll ? STATUS_NOT_ALL_ASSIGNED : STATUS_SUCCESS;
}

/*
 * NtsecDuplicateToken - a new token of TokenType at Level copied from ExistingToken
 * (NtDuplicateToken without handles). On success *NewToken holds the new token's single
 * reference, owned by the caller (release with ObDereferenceObject); the caller's reference
 * on ExistingToken is untouched.
 *
 * @remarks spec 1.3 / 2.20: fresh TokenId, same ModifiedId (5-D12); EffectiveOnly drops
 * disabled groups and privileges; an impersonation token cannot be raised to a higher level
 * (STATUS_BAD_IMPERSONATION_LEVEL, test case 67), nor can a primary token be made from one
 * below Impersonation level. A non-token is STATUS_OBJECT_TYPE_MISMATCH (5-D24); a bad
 * type or level STATUS_INVALID_PARAMETER; allocation failure STATUS_NO_MEMORY.
 */
NTSTATUS NtsecDuplicateToken(PACCESS_TOKEN ExistingToken, TOKEN_TYPE TokenType,
                             SECURITY_IMPERSONATION_LEVEL Level, BOOLEAN EffectiveOnly,
                             PACCESS_TOKEN *NewToken)
{
    if (NewToken == NULL)
        return STATUS_INVALID_PARAMETER;
    *NewToken = NULL;
    if (!SepIsToken(ExistingToken, "NtsecDuplicateToken"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = NULL;
    NTSTATUS st = SepDuplicateToken(ExistingToken, TokenType, Level, EffectiveOnly,
                                    "token (NtsecDuplicateToken)", &token);
    if (NT_SUCCESS(st))
        *NewToken = token;
    return st;
}
