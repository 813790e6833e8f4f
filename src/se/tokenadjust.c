/*
 * tokenadjust.c - changing a token after creation: NtsecAdjustTokenPrivileges and
 * NtsecAdjustTokenPrivilegesBuffer (the NtAdjustPrivilegesToken model) and
 * NtsecDuplicateToken (the NtDuplicateToken model).
 *
 * Changes happen under the token's exclusive lock, take a new ModifiedId and recompute the
 * privilege-derived TokenFlags (spec 1.1, 1.3), so a reader under the shared lock sees
 * either the old or the new state, never a mix.
 */
#include <stddef.h>
#include <string.h>
#include "se/sep.h"
#include "ex/pooltags.h"

/*
 * SepAdjustPrivileges - one pass of NtAdjustPrivilegesToken over Token's privileges. With
 * Apply FALSE it only counts; with Apply TRUE it changes the token and, when Previous is not
 * NULL, writes the state before the change of every privilege it changes into Previous
 * (which must have room for the count a counting pass returned). Returns the number of
 * privileges that change; *NotAll is set when a NewState entry matched nothing.
 *
 * Caller holds the token lock exclusively (Apply TRUE) or at least shared (Apply FALSE).
 * No references are taken or released.
 *
 * @remarks Duplicates (issue 9 item 1). The loop runs over the token's privileges, not over
 * NewState, and for each privilege only the FIRST NewState entry that names it decides its
 * new state; a later entry naming the same privilege is not applied and, because fewer
 * entries matched than NewState holds, the result is STATUS_NOT_ALL_ASSIGNED. Each token
 * privilege therefore changes at most once, so the previous state never holds more entries
 * than the token has privileges, and the counting pass gives its exact size. This is the
 * shape of ReactOS' model of the kernel routine (ntoskrnl/se/tokenadj.c, SepAdjustPrivileges:
 * outer loop over Token->Privileges, inner loop over NewState with "break" at the first
 * match, STATUS_NOT_ALL_ASSIGNED when the matches are fewer than NewStateCount; and
 * NtAdjustPrivilegesToken there runs it once to count, checks the caller's buffer
 * (STATUS_BUFFER_TOO_SMALL) and runs it again to apply). Wine's wineserver
 * (server/token.c, token_adjust_privileges) instead applies every entry in NewState order
 * and records one previous entry per applied entry, bounded by the caller's buffer; we follow
 * the kernel model, where a privilege is one slot of state, not a log of toggles.
 */
static ULONG SepAdjustPrivileges(PTOKEN Token, BOOLEAN DisableAll, PTOKEN_PRIVILEGES NewState,
                                 BOOLEAN Apply, PTOKEN_PRIVILEGES Previous, PBOOLEAN NotAll)
{
    ULONG changes = 0, matched = 0;
    for (ULONG i = 0; i < Token->PrivilegeCount; i++) {
        PLUID_AND_ATTRIBUTES p = &Token->Privileges[i];
        ULONG after;
        if (DisableAll) {
            after = p->Attributes & ~SE_PRIVILEGE_ENABLED;
        } else {
            ULONG k = 0;
            while (k < NewState->PrivilegeCount && !SepLuidEqual(NewState->Privileges[k].Luid, p->Luid))
                k++;
            if (k == NewState->PrivilegeCount)
                continue;
            matched++;
            /* SE_PRIVILEGE_ENABLED and SE_PRIVILEGE_REMOVED come from the request; the other
             * attributes (ENABLED_BY_DEFAULT, USED_FOR_ACCESS) stay as they are. */
            after = (p->Attributes & ~SE_PRIVILEGE_ENABLED) |
                    (NewState->Privileges[k].Attributes & (SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_REMOVED));
        }
        if (after == p->Attributes)
            continue;
        if (Apply) {
            if (Previous != NULL)
                Previous->Privileges[changes] = *p;
            if (after & SE_PRIVILEGE_REMOVED) {
                memmove(p, p + 1, (Token->PrivilegeCount - i - 1) * sizeof(*p));
                Token->PrivilegeCount--;
                i--; /* the next privilege moved into slot i */
            } else {
                p->Attributes = after;
            }
        }
        changes++;
    }
    if (Apply && Previous != NULL)
        Previous->PrivilegeCount = changes;
    *NotAll = !DisableAll && matched < NewState->PrivilegeCount;
    return changes;
}

/*
 * NtsecAdjustTokenPrivilegesBuffer - NtAdjustPrivilegesToken with a token pointer for the
 * handle: enables, disables or removes privileges of Token and, when PreviousState is not
 * NULL, writes the prior state of the privileges that changed into the caller's buffer of
 * BufferLength bytes.
 *
 * References: none taken or released (Token is borrowed).
 *
 * @remarks NtAdjustPrivilegesToken semantics (rules in SepAdjustPrivileges above):
 * DisableAll clears SE_PRIVILEGE_ENABLED on every privilege and ignores NewState. Otherwise
 * each privilege named by NewState is enabled (SE_PRIVILEGE_ENABLED), removed for good
 * (SE_PRIVILEGE_REMOVED) or disabled (neither); SE_PRIVILEGE_ENABLED_BY_DEFAULT is never
 * changed; an entry for a privilege the token does not hold, or repeating one an earlier
 * entry named, is not applied and the result is STATUS_NOT_ALL_ASSIGNED (a success code:
 * the others were applied). When PreviousState is not NULL, *ReturnLength (required then)
 * receives the size the previous state needs, FIELD_OFFSET(TOKEN_PRIVILEGES,
 * Privileges[changes]); if BufferLength is smaller the call returns STATUS_BUFFER_TOO_SMALL
 * and the token is unchanged (ReactOS NtAdjustPrivilegesToken: count pass, length check,
 * apply pass). When PreviousState is NULL, BufferLength and ReturnLength are ignored and
 * *ReturnLength is not written (Wine's advapi32 test_AdjustTokenPrivileges, which passes on
 * Windows: the length stays 0xdeadbeef). Any change takes a new ModifiedId and updates
 * TOKEN_HAS_*_PRIVILEGE (spec 1.1). Returns STATUS_INVALID_PARAMETER (NewState NULL without
 * DisableAll, or PreviousState without ReturnLength) or STATUS_OBJECT_TYPE_MISMATCH (not a
 * token, spec 5-D24), with the token unchanged.
 */
NTSTATUS NtsecAdjustTokenPrivilegesBuffer(PACCESS_TOKEN Token, BOOLEAN DisableAll,
                                          PTOKEN_PRIVILEGES NewState, ULONG BufferLength,
                                          PTOKEN_PRIVILEGES PreviousState, PULONG ReturnLength)
{
    if (!DisableAll && NewState == NULL)
        return STATUS_INVALID_PARAMETER;
    if (PreviousState != NULL && ReturnLength == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!SepIsToken(Token, "NtsecAdjustTokenPrivilegesBuffer"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    BOOLEAN notAll = FALSE;

    SepAcquireTokenLockExclusive(token);
    ULONG changes = SepAdjustPrivileges(token, DisableAll, NewState, FALSE, NULL, &notAll);
    if (PreviousState != NULL) {
        ULONG required = (ULONG)(offsetof(TOKEN_PRIVILEGES, Privileges) + changes * sizeof(LUID_AND_ATTRIBUTES));
        *ReturnLength = required;
        if (BufferLength < required) {
            SepReleaseTokenLock(token);
            return STATUS_BUFFER_TOO_SMALL;
        }
    }
    if (SepAdjustPrivileges(token, DisableAll, NewState, TRUE, PreviousState, &notAll) != 0) {
        token->ModifiedId = SepAllocateLuid();
        SepUpdateTokenFlags(token);
    }
    SepReleaseTokenLock(token);
    return notAll ? STATUS_NOT_ALL_ASSIGNED : STATUS_SUCCESS;
}

/*
 * NtsecAdjustTokenPrivileges - NtsecAdjustTokenPrivilegesBuffer with the previous state in a
 * block the library allocates.
 *
 * References: none taken or released. *PreviousState (optional) receives one pool block
 * (a TOKEN_PRIVILEGES) the caller frees with NtsecFree, listing the privileges that changed
 * with their attributes before the change (PrivilegeCount 0 when nothing changed).
 *
 * @remarks Same rules and statuses as NtsecAdjustTokenPrivilegesBuffer (a repeated
 * privilege in NewState: the first entry decides, STATUS_NOT_ALL_ASSIGNED). The block is
 * sized by a counting pass under the same exclusive lock as the change, so it holds exactly
 * what is written (issue 9 item 1: it used to be sized for the token's privilege count while
 * every repeated entry appended one more). Allocation failure is STATUS_NO_MEMORY with the
 * token unchanged.
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
    BOOLEAN notAll = FALSE;

    SepAcquireTokenLockExclusive(token);
    PTOKEN_PRIVILEGES previous = NULL;
    if (PreviousState != NULL) {
        ULONG changes = SepAdjustPrivileges(token, DisableAll, NewState, FALSE, NULL, &notAll);
        previous = ExAllocatePoolWithTag(PagedPool,
                                         offsetof(TOKEN_PRIVILEGES, Privileges) +
                                             (changes ? changes : 1) * sizeof(LUID_AND_ATTRIBUTES),
                                         SEP_ADJUST_TAG);
        if (previous == NULL) {
            SepReleaseTokenLock(token);
            return STATUS_NO_MEMORY;
        }
        previous->PrivilegeCount = 0;
    }
    if (SepAdjustPrivileges(token, DisableAll, NewState, TRUE, previous, &notAll) != 0) {
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
